"""What a merge brought in, exactly as git defines it (`M^1..M^2`), on real histories whose
pull-request branches merge the default branch into themselves, stack on each other and
nest their merges (issue 21). The index must credit each pull request to the people who
wrote it, and visit each commit once."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfdocs.links.index import RepoIndex, build_index
from perfdocs.settings import RepoConfig

from tests.support.git import GitRepo, merge, start_branch

ANN = ("Ann Example", "ann@tiny.example")
BOB = ("Bob Example", "bob@tiny.example")
CAROL = ("Carol Example", "carol@tiny.example")
DAVE = ("Dave Example", "dave@tiny.example")


def day(n: int) -> str:
    return f"2026-03-{n:02d}T10:00:00+00:00"


def index_of(repo: GitRepo) -> RepoIndex:
    head = repo.git("rev-parse", "main")
    return build_index(repo.path, RepoConfig("tiny/api"), "main", head)


def git_side(repo: GitRepo, merge_sha: str) -> set[str]:
    """What git says a merge brought in."""
    return set(repo.git("rev-list", f"{merge_sha}^1..{merge_sha}^2").split())


def back_merge(repo: GitRepo, branch: str, date: str, who: tuple[str, str]) -> str:
    """`who` merges main into `branch` (as `git pull` on a pull-request branch does)."""
    repo.git("checkout", "-q", branch)
    repo.git(
        "merge",
        "-q",
        "--no-ff",
        "main",
        "-m",
        f"Merge branch 'main' into {branch}",
        date=date,
        author=who,
        committer=who,
    )
    return repo.git("rev-parse", "HEAD")


@pytest.fixture
def stacked(tmp_path: Path) -> tuple[GitRepo, dict[str, str]]:
    """main: root; carol's #2 and dave's #3 land; ann's #1 is stacked on carol's branch,
    merges main into itself three times (once inside a sub-branch of her own, which she
    then merges back: a merge nested in the merged side), and lands last. Bob presses merge."""
    repo = GitRepo(tmp_path / "api")
    shas = {"root": repo.commit("Initial commit", {"README.md": "api\n"}, day(1), BOB)}
    start_branch(repo, "carol/ledger")
    shas["c1"] = repo.commit("Ledger table", {"ledger.py": "1\n"}, day(2), CAROL)
    repo.git("checkout", "-q", "-b", "ann/refunds", "carol/ledger")  # stacked on carol's work
    shas["a1"] = repo.commit("Refund flow", {"refund.py": "1\n"}, day(3), ANN)
    shas["#2"] = merge(repo, "carol/ledger", "Merge pull request #2 from carol/ledger", day(4))
    shas["b1"] = back_merge(repo, "ann/refunds", day(5), ANN)
    start_branch(repo, "dave/metrics")
    shas["d1"] = repo.commit("Metrics", {"metrics.py": "1\n"}, day(6), DAVE)
    shas["#3"] = merge(repo, "dave/metrics", "Merge pull request #3 from dave/metrics", day(7))
    repo.git("checkout", "-q", "-b", "ann/refunds-ui", "ann/refunds")
    shas["a2"] = repo.commit("Refund screen", {"ui.py": "1\n"}, day(8), ANN)
    shas["b2"] = back_merge(repo, "ann/refunds-ui", day(9), ANN)
    repo.git("checkout", "-q", "ann/refunds")
    repo.git(
        "merge", "-q", "--no-ff", "ann/refunds-ui", "-m", "Merge refunds-ui", date=day(10), author=ANN, committer=ANN
    )
    shas["b3"] = back_merge(repo, "ann/refunds", day(11), ANN)
    shas["a3"] = repo.commit("Refund limits", {"limits.py": "1\n"}, day(12), ANN)
    shas["#1"] = merge(repo, "ann/refunds", "Merge pull request #1 from ann/refunds", day(13))
    return repo, shas


def test_a_stacked_branch_that_merged_main_into_itself_is_credited_to_its_own_author_only(stacked):
    repo, shas = stacked
    index = index_of(repo)
    assert index.authors([shas["#1"]]) == {"ann@tiny.example"}  # not carol (stacked base), not dave, not bob
    assert index.authors([shas["#2"]]) == {"carol@tiny.example"}
    assert index.authors([shas["#3"]]) == {"dave@tiny.example"}


@pytest.mark.parametrize("pr", ["#1", "#2", "#3"])
def test_what_a_merge_brought_in_is_exactly_what_git_says(stacked, pr):
    repo, shas = stacked
    side = index_of(repo).brought_in(shas[pr])
    assert len(side) == len(set(side)) == int(repo.git("rev-list", "--count", f"{shas[pr]}^1..{shas[pr]}^2"))
    assert set(side) == git_side(repo, shas[pr])


def test_a_merge_off_the_first_parent_line_is_worked_out_when_asked(stacked):
    repo, shas = stacked
    index = index_of(repo)
    assert shas["b1"] not in index.sides  # ann's back-merge is not on main's first-parent line
    assert set(index.brought_in(shas["b1"])) == git_side(repo, shas["b1"]) == {shas["#2"]}
    assert index.authors([shas["b1"]]) == set()  # it brought in only a merge: nobody wrote anything in it


def test_the_index_cache_keeps_what_each_merge_brought_in(stacked):
    repo, shas = stacked
    index = index_of(repo)
    again = RepoIndex.from_data(index.to_data())
    assert again.sides == index.sides
    assert again.authors([shas["#1"]]) == {"ann@tiny.example"}


def test_thirty_nested_back_merges_visit_each_commit_once(tmp_path):
    """A long-lived pull request that merged main into itself 30 times while 30 other pull
    requests landed: the one merge that lands it brings in exactly its own commits, and
    each commit of the history is in at most one merge's side."""
    repo = GitRepo(tmp_path / "api")
    repo.commit("Initial commit", {"README.md": "api\n"}, "2026-01-01T09:00:00+00:00", BOB)
    repo.git("checkout", "-q", "-b", "ann/long", "main")
    for i in range(30):
        stamp = f"2026-02-{1 + i % 28:02d}T{10 + i // 28:02d}:00:00+00:00"
        repo.git("checkout", "-q", "-b", f"dave/{i}", "main")
        repo.commit(f"Change {i}", {f"d{i}.py": "1\n"}, stamp, DAVE)
        merge(repo, f"dave/{i}", f"Merge pull request #{100 + i} from dave/{i}", stamp)
        repo.git("checkout", "-q", "ann/long")
        repo.commit(f"Step {i}", {f"a{i}.py": "1\n"}, stamp, ANN)
        back_merge(repo, "ann/long", stamp, ANN)
    landed = merge(repo, "ann/long", "Merge pull request #1 from ann/long", "2026-03-01T09:00:00+00:00")
    index = index_of(repo)
    side = index.brought_in(landed)
    assert (
        len(side) == int(repo.git("rev-list", "--count", f"{landed}^1..{landed}^2")) == 60
    )  # 30 steps, 30 back-merges
    assert set(side) == git_side(repo, landed)
    assert index.authors([landed]) == {"ann@tiny.example"}
    every_side = [sha for side in index.sides.values() for sha in side]
    assert len(every_side) == len(set(every_side)) == len(index.commits) - len(index.mainline)

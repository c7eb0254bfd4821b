"""Every branch that ships (issue 13, item 3), on real repositories built in tmp_path: pull
requests merged into a maintenance branch and merged forward, maintenance branches that are
never merged forward (org.yaml `branches`), a GitHub merge commit titled like a squash
("Title (#N)"), GitLab merge requests, and a fast-forward push. For each: the merge style
the commit graph shows, who may claim the work (its author) and who may not (whoever only
merged, squashed, merged forward or pushed it), with exact rule ids and positions."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from perfdocs.git import clones
from perfdocs.links.index import RepoIndex, build_index
from perfdocs.settings import RepoConfig

from tests.support.cli import one_line
from tests.support.files import build_tree, edit
from tests.support.git import ANN, BOB, GITHUB, GitRepo, merge, start_branch

CAROL = ("Carol Example", "carol@tiny.example")
HINT = (
    "(add the author's email to their person record, list the real author under 'collaborators', "
    "or use a type that does not claim authorship (e.g. code-review)) [link/not-author]\n"
)
ONLY_COMMITTED = "; {} only committed it ({}), which is not writing it"


def day(n: int) -> str:
    return f"2026-03-{n:02d}T10:00:00+00:00"


def merge_into(repo: GitRepo, target: str, branch: str, message: str, date: str, who: tuple[str, str]) -> str:
    """A real merge commit of `branch` into `target`, pressed by `who`."""
    repo.git("checkout", "-q", target)
    repo.git("merge", "-q", "--no-ff", branch, "-m", message, date=date, author=who, committer=who)
    return repo.git("rev-parse", "HEAD")


def api_history(repo: GitRepo) -> dict[str, str]:
    """tiny/api (GitHub). Ann writes; Bob, the maintainer, merges; Carol merges release/1.x forward.

    main:        root - #1 (merge commit titled "Retry budget (#1)") - forward merge of release/1.x
                 - #5a, #5b (Ann's commits pushed as she made them, "PR: #5") - #6 (pushed, no trailer)
                 - #8 "Fix rounding (#8)" (squashed on the web)
    release/1.x: root - #2 (merge commit into release/1.x) - #3 "Timeouts (#3)" (squashed by Bob)
    release/2.x: root - #7 "Backport limits (#7)" (squashed by Bob) - #8 cherry-picked (Bob)
                 never merged forward."""
    shas = {"root": repo.commit("Initial commit", {"README.md": "api\n"}, day(1), BOB)}
    repo.git("branch", "release/1.x")
    repo.git("branch", "release/2.x")
    start_branch(repo, "ann/budget")
    shas["1a"] = repo.commit("Retry budget", {"budget.py": "1\n"}, day(2), ANN)
    shas["#1"] = merge(repo, "ann/budget", "Retry budget (#1)", day(2), BOB)  # GitHub's "merge commit" titled so
    repo.git("checkout", "-q", "-b", "ann/fix-1x", "release/1.x")
    shas["2a"] = repo.commit("Fix retry on 1.x", {"fix.py": "1\n"}, day(3), ANN)
    shas["#2"] = merge_into(repo, "release/1.x", "ann/fix-1x", "Merge pull request #2 from ann/fix-1x", day(3), BOB)
    shas["#3"] = repo.commit("Timeouts (#3)", {"timeouts.py": "1\n"}, day(4), ANN, committer=BOB)
    shas["forward"] = merge_into(repo, "main", "release/1.x", "Merge branch 'release/1.x'", day(5), CAROL)
    shas["#5a"] = repo.commit("Quota storage\n\nPR: #5", {"quota.py": "1\n"}, day(6), ANN)
    shas["#5b"] = repo.commit("Quota checks\n\nPR: #5", {"quota_check.py": "1\n"}, day(6), ANN)
    shas["6a"] = repo.commit("Quota docs", {"quota.md": "1\n"}, day(7), ANN)
    shas["#8"] = repo.commit("Fix rounding (#8)", {"round.py": "1\n"}, day(8), ANN, committer=GITHUB)
    repo.git("checkout", "-q", "release/2.x")
    shas["#7"] = repo.commit("Backport limits (#7)", {"limits.py": "1\n"}, day(8), ANN, committer=BOB)
    repo.git("cherry-pick", shas["#8"], date=day(9), committer=BOB)
    shas["#8-backport"] = repo.git("rev-parse", "HEAD")
    repo.git("checkout", "-q", "main")
    return shas


def web_history(repo: GitRepo) -> dict[str, str]:
    """grp/web (GitLab): Ann's !4 merged by Bob with a merge commit; Ann's !5 squashed and
    fast-forwarded by Bob (one commit, no merge commit, GitLab's message)."""
    shas = {"root": repo.commit("Initial commit", {"a.txt": "a\n"}, day(1), BOB)}
    start_branch(repo, "ann/search")
    repo.commit("Faster search", {"s.txt": "s\n"}, day(2), ANN)
    shas["!4"] = merge(
        repo, "ann/search", "Merge branch 'ann/search' into 'main'\n\nSee merge request grp/web!4", day(3), BOB
    )
    shas["!5"] = repo.commit(
        "Search filters\n\nSee merge request grp/web!5", {"f.txt": "f\n"}, day(4), ANN, committer=BOB
    )
    return shas


REPOS = """
repositories:
  tiny/api:
    path: ../api
    url: https://github.com/tiny/api
  grp/web:
    path: ../web
    url: https://gitlab.com/grp/web
    host: gitlab
"""

CAROL_PERSON = """\
    kind: person
    handle: carol
    name: Carol Example
    emails:
      - carol@tiny.example
    track: backend
    level: l2
    team: core
    manager: bob
    start_date: 2024-01-15
    """


@pytest.fixture
def shipped(minimal: Path, git_repo: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setenv("PERFDOCS_CACHE_DIR", str(tmp_path / "cache"))
    with open(minimal / "org.yaml", "a", encoding="utf-8") as fh:
        fh.write(textwrap.dedent(REPOS))
    build_tree(minimal, {"people/carol/person.yaml": CAROL_PERSON})
    edit(minimal / "teams/core.yaml", "  - bob\n", "  - bob\n  - carol\n")
    edit(minimal / "people/ann/evidence/2026-03-01-retry-redesign.md", "tiny/api#12\n", "tiny/api#1\n")
    shas = api_history(git_repo("api")) | web_history(git_repo("web"))
    return {"root": minimal, "shas": shas}


def evidence(root: Path, author: str, name: str, links: list[str]) -> str:
    rel = f"people/{author}/evidence/2026-03-10-{name}.md"
    items = "".join(f"  - {link}\n" for link in links)
    build_tree(
        root,
        {
            rel: f"---\nkind: evidence\ndate: 2026-03-10\nauthor: {author}\ntype: pr\n"
            f"title: {name}\nlinks:\n{items}competencies:\n  - design\n---\nDone.\n"
        },
    )
    return f"records/{rel}"


def not_author(path: str, line: int, link: str, who: str, by: str = "ann@tiny.example", committed: bool = False) -> str:
    email = f"{who}@tiny.example"
    also = ONLY_COMMITTED.format(who, email) if committed else ""
    return (
        f"{path}:{line}:5: {link} was not authored by the evidence's author {who} ({email}): "
        f"its commits are by {by}{also} {HINT}"
    )


def resolved(path: str, line: int, link: str, style: str, shas: list[str], day: str) -> str:
    return f"{path}:{line}:5: {link} -> {style} {' '.join(s[:12] for s in shas)}, merged 2026-03-{day}\n"


SHIPPED = ["tiny/api#1", "tiny/api#2", "tiny/api#3", "tiny/api#5", "grp/web!4", "grp/web!5"]


def test_each_workflow_is_labelled_by_its_commit_graph(cli, shipped, tmp_path):
    s = shipped["shas"]
    path = evidence(shipped["root"], "ann", "mine", [*SHIPPED, "tiny/api#6"])
    res = cli("links", "resolve", path, cwd=tmp_path)
    assert (
        one_line(res.stdout)
        == (
            resolved(path, 8, "tiny/api#1", "merge", [s["#1"]], "02")  # two parents: a merge, whatever its title
            + resolved(path, 9, "tiny/api#2", "merge", [s["#2"]], "03")  # merged into release/1.x, then forward
            + resolved(path, 10, "tiny/api#3", "squash", [s["#3"]], "04")  # squashed into release/1.x, then forward
            + resolved(path, 11, "tiny/api#5", "fast-forward", [s["#5a"], s["#5b"]], "06")  # pushed as made
            + resolved(path, 12, "grp/web!4", "gitlab", [s["!4"]], "03")
            + resolved(path, 13, "grp/web!5", "squash", [s["!5"]], "04")  # GitLab squash, fast-forwarded
            # pushed without a trailer: nothing in git names the pull request (its commits resolve)
            + f"{path}:14:5: tiny/api#6: no commit on main of tiny/api merged pull request #6 (looked for "
            "'Merge pull request #6', '(#6)', 'See merge request ...!6' and PR trailers) [link/unresolved]\n"
        )
    )
    assert res.exit_code == 1, res


def test_the_author_may_claim_every_workflow_that_shipped(cli, shipped, tmp_path):
    path = evidence(shipped["root"], "ann", "mine", SHIPPED)
    res = cli("links", "check", "records", cwd=tmp_path)
    assert (res.exit_code, res.stdout) == (0, ""), res
    assert res.stderr == "8 links checked, 7 resolved against git: 0 errors, 0 warnings (ok)\n"
    assert cli("links", "resolve", "--write", path, cwd=tmp_path).exit_code == 0
    text = (tmp_path / path).read_text(encoding="utf-8")
    assert text.count("      role: author\n      as: ann@tiny.example\n") == 6
    assert "      style: merge\n" in text.split("ref: tiny/api#2\n")[1].split("ref:")[0]


def test_the_maintainer_who_merged_squashed_or_merged_forward_may_not_claim_it(cli, shipped, tmp_path):
    root = shipped["root"]
    bob = evidence(root, "bob", "landed", ["tiny/api#1", "tiny/api#2", "tiny/api#3", "grp/web!4", "grp/web!5"])
    carol = evidence(root, "carol", "forward", ["tiny/api#2", "tiny/api#3"])
    res = cli("links", "check", bob, carol, cwd=tmp_path)
    assert res.exit_code == 1, res
    assert one_line(res.stdout) == (
        not_author(bob, 8, "tiny/api#1", "bob", committed=True)  # he pressed merge on a "(#1)" merge commit
        + not_author(bob, 9, "tiny/api#2", "bob", committed=True)  # he merged it into release/1.x
        + not_author(bob, 10, "tiny/api#3", "bob", committed=True)  # he squashed it into release/1.x
        + not_author(bob, 11, "grp/web!4", "bob", committed=True)  # he merged the merge request
        + not_author(bob, 12, "grp/web!5", "bob", committed=True)  # he squashed and fast-forwarded it
        + not_author(carol, 8, "tiny/api#2", "carol")  # she merged release/1.x forward: no part of #2
        + not_author(carol, 9, "tiny/api#3", "carol")
    )


def test_a_fast_forward_push_is_its_authors_and_nobody_elses(cli, shipped, tmp_path):
    """Commits pushed onto main as their author made them: the author may claim the pull
    request (by its trailer) and each commit; whoever pushed them left no trace in git."""
    s = shipped["shas"]
    root = shipped["root"]
    ann = evidence(root, "ann", "pushed", ["tiny/api#5", f"tiny/api@{s['6a'][:10]}"])
    bob = evidence(root, "bob", "pushed", ["tiny/api#5", f"tiny/api@{s['6a'][:10]}"])
    res = cli("links", "check", ann, bob, cwd=tmp_path)
    assert res.exit_code == 1, res
    assert one_line(res.stdout) == not_author(bob, 8, "tiny/api#5", "bob") + not_author(
        bob, 9, f"tiny/api@{s['6a'][:10]}", "bob"
    )


def test_a_maintenance_branch_never_merged_forward_counts_once_listed(cli, shipped, tmp_path):
    s = shipped["shas"]
    root = shipped["root"]
    path = evidence(root, "ann", "backport", ["tiny/api#7"])
    res = cli("links", "check", path, cwd=tmp_path)
    assert res.exit_code == 1, res
    assert one_line(res.stdout) == (
        f"{path}:8:5: tiny/api#7: no commit on main of tiny/api merged pull request #7 "
        "(looked for 'Merge pull request #7', '(#7)', 'See merge request ...!7' and PR trailers) [link/unresolved]\n"
    )
    edit(
        root / "org.yaml",
        "    url: https://github.com/tiny/api\n",
        '    url: https://github.com/tiny/api\n    branches: ["release/*"]\n',
    )
    res = cli("links", "resolve", path, cwd=tmp_path)
    assert (res.exit_code, res.stdout) == (0, resolved(path, 8, "tiny/api#7", "squash", [s["#7"]], "08")), res
    bob = evidence(root, "bob", "backport", ["tiny/api#7"])
    assert one_line(cli("links", "check", bob, cwd=tmp_path).stdout) == not_author(
        bob, 8, "tiny/api#7", "bob", committed=True
    )


def test_a_fix_on_the_default_branch_wins_over_its_backport(cli, shipped, tmp_path):
    s = shipped["shas"]
    root = shipped["root"]
    edit(
        root / "org.yaml",
        "    url: https://github.com/tiny/api\n",
        "    url: https://github.com/tiny/api\n    branches: [release/2.x]\n",
    )
    path = evidence(root, "ann", "rounding", ["tiny/api#8"])
    res = cli("links", "resolve", path, cwd=tmp_path)
    assert (res.exit_code, res.stdout) == (0, resolved(path, 8, "tiny/api#8", "squash", [s["#8"]], "08")), res


def test_unresolved_names_every_branch_looked_at(cli, shipped, tmp_path):
    root = shipped["root"]
    edit(
        root / "org.yaml",
        "    url: https://github.com/tiny/api\n",
        "    url: https://github.com/tiny/api\n    branches: [main, 'release/*']\n",
    )
    path = evidence(root, "ann", "nowhere", ["tiny/api#99"])
    res = cli("links", "check", path, cwd=tmp_path)
    assert res.stdout.startswith(
        f"{path}:8:5: tiny/api#99: no commit on main, release/1.x and release/2.x of tiny/api merged pull request #99 "
    ), res


def test_listed_branches_are_local_and_remote_tracking_ones(shipped, tmp_path):
    """A clone made with `git clone` has its maintenance branches as origin/...: they count."""
    clone = tmp_path / "clone"
    shipped_repo = GitRepo.__new__(GitRepo)
    shipped_repo.path = tmp_path
    shipped_repo.git("clone", "-q", str(tmp_path / "api"), str(clone))
    heads = clones.branch_heads(clone, ["release/*"])
    assert [name for name, _ in heads] == ["release/1.x", "release/2.x"]
    assert clones.branch_heads(clone, []) == []


def test_the_index_cache_follows_every_listed_branch(cli, shipped, tmp_path):
    """The cached index is keyed by every branch head it read: new work on a listed maintenance
    branch is seen although the default branch has not moved."""
    root = shipped["root"]
    edit(
        root / "org.yaml",
        "    url: https://github.com/tiny/api\n",
        "    url: https://github.com/tiny/api\n    branches: [release/2.x]\n",
    )
    path = evidence(root, "ann", "later", ["tiny/api#11"])
    assert cli("links", "check", path, cwd=tmp_path).exit_code == 1  # not merged yet; the index is cached
    repo = GitRepo.__new__(GitRepo)
    repo.path = tmp_path / "api"
    repo.git("checkout", "-q", "release/2.x")
    late = repo.commit("More limits (#11)", {"more.py": "1\n"}, day(9), ANN, committer=BOB)
    res = cli("links", "resolve", path, cwd=tmp_path)
    assert (res.exit_code, res.stdout) == (0, resolved(path, 8, "tiny/api#11", "squash", [late], "09")), res
    again = RepoIndex.from_data(
        build_index(
            repo.path, RepoConfig("tiny/api"), "main", repo.git("rev-parse", "main"), [("release/2.x", late)]
        ).to_data()
    )
    assert again.shipping == [("release/2.x", late)] and again.where == "main and release/2.x"
    assert again.prs[11] == [(late, "squash")]

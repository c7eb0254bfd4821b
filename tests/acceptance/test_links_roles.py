"""Roles a resolved link proves (issue 13, item 1), on a real repository with every workflow a
maintainer uses to land someone else's work: a merge commit, a squash and a rebase-merge by the
maintainer, a co-authored commit, a `Reviewed-by:` trailer, and a web squash whose author is a
GitHub noreply address. For each: who may claim it and who may not, with exact rule ids and
positions; and `links resolve --write` records only what was verified, with its role."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from tests.support.files import build_tree, edit
from tests.support.git import ANN, BOB, GitRepo, merge, start_branch

WEB = ("GitHub", "noreply@github.com")
ANN_NOREPLY = ("Ann Example", "12345+ann-gh@users.noreply.github.com")
HINT = (
    "= help: add the author's email to their person record, list the real author under 'collaborators', "
    "or use a type that does not claim authorship (e.g. code-review)\n"
)


def _shown(line: int, ref: str) -> str:
    """The source line of a link (`  - ref`) with carets under it, and the help."""
    pad = " " * (len(str(line)) + 1)
    return f"{pad} |\n {line} |   - {ref}\n{pad} |     {'^' * len(ref)}\n{pad} {HINT}\n"


def day(n: int) -> str:
    return f"2026-03-{n:02d}T10:00:00+00:00"


def workflows(repo: GitRepo) -> dict[str, str]:
    """main of tiny/api: Ann's work landed by Bob, the maintainer, in every style."""
    shas = {"root": repo.commit("Initial commit", {"README.md": "api\n"}, day(1), BOB)}
    # #1: a GitHub merge commit pressed by Bob
    start_branch(repo, "ann/one")
    shas["1a"] = repo.commit("Retry policy", {"one.py": "1\n"}, day(2), ANN)
    shas["#1"] = merge(repo, "ann/one", "Merge pull request #1 from ann/one", day(3), BOB)
    # #2: squashed by Bob: Ann is the author, Bob the committer
    shas["#2"] = repo.commit("Backoff (#2)", {"two.py": "2\n"}, day(4), ANN, committer=BOB)
    # #3: rebase-merged by Bob: Ann's two commits re-committed by Bob, carrying the PR trailer
    shas["3a"] = repo.commit("Jitter\n\nPR: #3", {"three.py": "3\n"}, day(5), ANN, committer=BOB)
    shas["3b"] = repo.commit("Jitter tests\n\nPR: #3", {"three_test.py": "3\n"}, day(5), ANN, committer=BOB)
    # #4: Bob's commit co-authored by Ann, squashed by Bob
    shas["#4"] = repo.commit(
        "Pairing (#4)\n\nCo-authored-by: Ann Example <ann@tiny.example>", {"four.py": "4\n"}, day(6), BOB
    )
    # #5: Ann's work reviewed by Bob, squashed on the web (GitHub commits it)
    shas["#5"] = repo.commit(
        "Limits (#5)\n\nReviewed-by: Bob Example <bob@tiny.example>", {"five.py": "5\n"}, day(7), ANN, committer=WEB
    )
    # #6: Ann's work under her GitHub noreply address, squashed on the web
    shas["#6"] = repo.commit("Quota (#6)", {"six.py": "6\n"}, day(8), ANN_NOREPLY, committer=WEB)
    return shas


@pytest.fixture
def roles(minimal: Path, git_repo: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setenv("PERFDOCS_CACHE_DIR", str(tmp_path / "cache"))
    repo = git_repo("api")
    with open(minimal / "org.yaml", "a", encoding="utf-8") as fh:
        fh.write(
            textwrap.dedent("""
            repositories:
              tiny/api:
                path: ../api
                url: https://github.com/tiny/api
            """)
        )
    edit(minimal / "people/ann/person.yaml", "kind: person\n", "kind: person\ngithub: ann-gh\n")
    edit(minimal / "people/ann/evidence/2026-03-01-retry-redesign.md", "tiny/api#12\n", "tiny/api#1\n")
    return {"root": minimal, "shas": workflows(repo)}


def evidence(root: Path, author: str, name: str, links: list[str], type_: str = "pr") -> str:
    rel = f"people/{author}/evidence/2026-03-10-{name}.md"
    items = "".join(f"  - {link}\n" for link in links)
    build_tree(
        root,
        {
            rel: f"---\nkind: evidence\ndate: 2026-03-10\nauthor: {author}\ntype: {type_}\n"
            f"title: {name}\nlinks:\n{items}competencies:\n  - design\n---\nDone.\n"
        },
    )
    return f"records/{rel}"


ALL = ["tiny/api#1", "tiny/api#2", "tiny/api#3", "tiny/api#4", "tiny/api#5", "tiny/api#6"]


def test_the_author_and_the_co_author_may_claim_every_workflow(cli, roles, tmp_path):
    evidence(roles["root"], "ann", "mine", ALL)
    res = cli("links", "check", "records", cwd=tmp_path)
    assert (res.exit_code, res.stdout) == (0, ""), res
    evidence(roles["root"], "bob", "paired", ["tiny/api#4"])  # Bob wrote #4 with Ann
    assert cli("links", "check", "records", cwd=tmp_path).exit_code == 0


def test_the_maintainer_who_only_merged_squashed_or_rebased_may_not(cli, roles, tmp_path):
    path = evidence(roles["root"], "bob", "landed", ["tiny/api#1", "tiny/api#2", "tiny/api#3", "tiny/api#5"])
    res = cli("links", "check", path, cwd=tmp_path)
    assert res.exit_code == 1, res
    mine = "was not authored by the evidence's author bob (bob@tiny.example): its commits are by ann@tiny.example"
    committed = "; bob only committed it (bob@tiny.example), which is not writing it"
    assert res.stdout == (
        f"{path}:8:5: tiny/api#1 {mine}{committed} [link/not-author]\n{_shown(8, 'tiny/api#1')}"  # he pressed merge
        f"{path}:9:5: tiny/api#2 {mine}{committed} [link/not-author]\n{_shown(9, 'tiny/api#2')}"  # he squashed it
        f"{path}:10:5: tiny/api#3 {mine}{committed} [link/not-author]\n{_shown(10, 'tiny/api#3')}"  # he rebased it
        # he reviewed it; GitHub committed it, and is nobody
        f"{path}:11:5: tiny/api#5 {mine} [link/not-author]\n{_shown(11, 'tiny/api#5')}"
    )
    assert "noreply@github.com" not in res.stdout


def test_committer_counts_as_author_only_when_the_org_opts_in(cli, roles, tmp_path):
    evidence(roles["root"], "bob", "landed", ["tiny/api#1", "tiny/api#2", "tiny/api#3"])
    with open(roles["root"] / "org.yaml", "a", encoding="utf-8") as fh:
        fh.write("links:\n  committer_counts_as_author: true\n")  # a `git am` workflow
    res = cli("links", "check", "records", cwd=tmp_path)
    assert (res.exit_code, res.stdout) == (0, ""), res


def test_a_reviewed_by_trailer_verifies_the_reviewers_code_review(cli, roles, tmp_path):
    path = evidence(roles["root"], "bob", "reviews", ["tiny/api#5", "tiny/api#2"], type_="code-review")
    assert cli("links", "check", "records", cwd=tmp_path).exit_code == 0
    assert cli("links", "resolve", "--write", path, cwd=tmp_path).exit_code == 0
    text = (tmp_path / path).read_text(encoding="utf-8")
    reviewed, cited = text.split("  - ref: tiny/api#2\n")
    assert "      role: reviewer\n      as: bob@tiny.example\n" in reviewed
    assert "      role: cited\n" in cited and "as:" not in cited  # a forge review leaves no trace in git


def test_resolve_write_records_the_role_and_identity_and_nothing_for_a_failed_link(cli, roles, tmp_path):
    root = roles["root"]
    mine = evidence(root, "ann", "mine", ["tiny/api#2", "tiny/api#6"])
    theirs = evidence(root, "bob", "landed", ["tiny/api#2", "tiny/api#4"])
    res = cli("links", "resolve", "--write", "records", cwd=tmp_path)
    assert res.exit_code == 1, res  # the failed link is reported...
    assert f"{theirs}:8:5: tiny/api#2 was not authored by the evidence's author bob" in res.stdout
    ann = (tmp_path / mine).read_text(encoding="utf-8")
    assert "      role: author\n      as: ann@tiny.example\n" in ann
    assert "      role: author\n      as: 12345+ann-gh@users.noreply.github.com\n" in ann  # her github: username
    bob = (tmp_path / theirs).read_text(encoding="utf-8")
    assert "  - tiny/api#2\n" in bob  # ...and left exactly as written
    assert "      role: author\n      as: bob@tiny.example\n" in bob  # #4 is his
    assert bob.count("resolved:") == 1


def test_a_resolution_recorded_for_someone_else_is_not_verified_without_the_clone(cli, roles, tmp_path):
    """A `resolved:` block pasted from Ann's evidence into Bob's does not make it his:
    `validate` without the clone (no git) accepts the record, but readiness does not count it."""
    from perfdocs.people.readiness import verified_links
    from perfdocs.records import organisation
    from perfdocs.records.load import load_records

    root = roles["root"]
    mine = evidence(root, "ann", "mine", ["tiny/api#2"])
    assert cli("links", "resolve", "--write", mine, cwd=tmp_path).exit_code == 0
    block = (tmp_path / mine).read_text(encoding="utf-8").split("links:\n")[1].split("competencies:")[0]
    build_tree(
        root,
        {
            "people/bob/evidence/2026-03-10-pasted.md": "---\nkind: evidence\ndate: 2026-03-10\nauthor: bob\n"
            f"type: pr\ntitle: pasted\nlinks:\n{block}competencies:\n  - design\n---\nDone.\n"
        },
    )
    org, _ = organisation.build(load_records(root).records)
    assert verified_links(org.evidence["ann/2026-03-10-mine"], org) == (1, 1)
    assert verified_links(org.evidence["bob/2026-03-10-pasted"], org) == (0, 1)

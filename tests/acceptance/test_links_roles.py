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


# --- verified, with the clone and without it (issue 13, items 2 and 4) -------------------------


def packet_evidence(cli, tmp_path: Path, ev_id: str) -> dict[str, Any]:
    """How `packet check --format json` sees one evidence entry cited by Ann's packet."""
    import json

    res = cli("packet", "check", "ann/2026-senior", "--format", "json", cwd=tmp_path)
    assert res.exit_code == 0, res
    found = [e for c in json.loads(res.stdout)["competencies"] for e in c["evidence"] if e["id"] == ev_id]
    return {k: found[0][k] for k in ("verified", "basis", "links_verified", "links", "commits")}


def recorded(root: Path, link: str, block: str | None) -> None:
    """Ann's design evidence (cited by her packet) with a hand-written `resolved:` block (None: none)."""
    rel = "people/ann/evidence/2026-03-01-retry-redesign.md"
    text = (root / rel).read_text(encoding="utf-8")
    links = text.split("links:\n")[1].split("competencies:")[0]
    item = f"  - {link}\n" if block is None else f"  - ref: {link}\n    resolved:\n{block}"
    (root / rel).write_text(text.replace(links, item), encoding="utf-8")


def bobs_own_pr(root: Path) -> str:
    """#7 on tiny/api: Bob's work, which Ann did not write."""
    repo = GitRepo.__new__(GitRepo)
    repo.path = root.parent / "api"
    return repo.commit("Bob's own (#7)", {"seven.py": "7\n"}, day(9), BOB)


def block(sha: str, role: str, as_: str, pr: int = 7) -> str:
    return (
        f"      repo: tiny/api\n      pr: {pr}\n      commits:\n        - {sha}\n      style: squash\n"
        f"      merged_at: '{day(9)}'\n      role: {role}\n      as: {as_}\n      verified_at: '2026-11-24'\n"
    )


def test_packet_check_without_the_clone_refuses_a_recorded_identity_that_is_not_the_candidates(cli, roles, tmp_path):
    """Offline, the recorded block is all there is: its `as:` must be one of the candidate's identities."""
    sha = bobs_own_pr(roles["root"])
    (tmp_path / "api").rename(tmp_path / "api-elsewhere")  # no clone
    ev = "ann/2026-03-01-retry-redesign"
    recorded(roles["root"], "tiny/api#7", block(sha, "author", "bob@tiny.example"))  # pasted from Bob's evidence
    assert packet_evidence(cli, tmp_path, ev) == {
        "verified": False,
        "basis": "self-reported",
        "links_verified": 0,
        "links": 1,
        "commits": [],
    }
    recorded(roles["root"], "tiny/api#7", block(sha, "author", "ann@tiny.example"))  # the same block, her email
    assert packet_evidence(cli, tmp_path, ev) == {
        "verified": True,
        "basis": "verified author",
        "links_verified": 1,
        "links": 1,
        "commits": [sha],
    }


def test_packet_check_with_the_clone_refuses_a_recorded_block_that_git_contradicts(cli, roles, tmp_path):
    """A hand-typed `role: author, as: <her email>` for Bob's PR: offline it would pass (the
    test above); with the clone present git shows Bob wrote #7, so it is not verified."""
    sha = bobs_own_pr(roles["root"])
    ev = "ann/2026-03-01-retry-redesign"
    recorded(roles["root"], "tiny/api#7", block(sha, "author", "ann@tiny.example"))
    assert packet_evidence(cli, tmp_path, ev) == {
        "verified": False,
        "basis": "self-reported (the recorded resolution disagrees with git)",
        "links_verified": 0,
        "links": 1,
        "commits": [],
    }
    res = cli("packet", "check", "ann/2026-senior", cwd=tmp_path)
    assert "ann/2026-03-01-retry-redesign [readiness/unverified]" in res.stdout
    # Her own #1, as `links resolve --write` records it, is confirmed by git.
    recorded(roles["root"], "tiny/api#1", None)
    assert cli("links", "resolve", "--write", "records", cwd=tmp_path).exit_code == 0
    got = packet_evidence(cli, tmp_path, ev)
    assert got == {
        "verified": True,
        "basis": "verified author",
        "links_verified": 1,
        "links": 1,
        "commits": [roles["shas"]["#1"]],
    }
    # A hand edit of the commits it rests on: git contradicts it.
    path = roles["root"] / "people/ann/evidence/2026-03-01-retry-redesign.md"
    edit(path, f"        - {roles['shas']['#1']}\n", f"        - {roles['shas']['#2']}\n")
    assert packet_evidence(cli, tmp_path, ev)["verified"] is False


def code_review(root: Path, links: str) -> None:
    """Ann's mentoring evidence (cited by her packet) turned into a code review."""
    build_tree(
        root,
        {
            "people/ann/evidence/2026-05-10-mentoring.md": "---\nkind: evidence\ndate: 2026-05-10\nauthor: ann\n"
            f"type: code-review\ntitle: Reviews\nlinks:\n{links}competencies:\n  - mentoring\n---\nReviewed.\n"
        },
    )


def test_a_code_review_without_a_reviewer_trailer_is_cited_not_verified(cli, roles, tmp_path):
    """It resolves and is recorded (`role: cited`), but the review is her word: not verified,
    in `packet check` and in `validate`'s count."""
    root, ev = roles["root"], "ann/2026-05-10-mentoring"
    code_review(root, "  - tiny/api#4\n")
    assert cli("links", "resolve", "--write", "records", cwd=tmp_path).exit_code == 0
    text = (root / "people/ann/evidence/2026-05-10-mentoring.md").read_text(encoding="utf-8")
    assert "      role: cited\n" in text
    assert packet_evidence(cli, tmp_path, ev) == {
        "verified": False,
        "basis": "cited, not verified",
        "links_verified": 0,
        "links": 1,
        "commits": [],
    }
    res = cli("validate", "records", cwd=tmp_path)
    assert "note: 1 evidence links verified against git (of 2 links;" in res.stderr  # her #1 only
    res = cli("packet", "check", "ann/2026-senior", "--format", "markdown", cwd=tmp_path)
    assert "| Mentoring | collaboration | 1 | 1 | 1 of 1 (100%) |" in res.stdout


def test_forge_reviews_count_when_the_org_says_its_reviews_live_on_the_forge(cli, roles, tmp_path):
    root, ev = roles["root"], "ann/2026-05-10-mentoring"
    code_review(root, "  - tiny/api#4\n")
    with open(root / "org.yaml", "a", encoding="utf-8") as fh:
        fh.write("links:\n  forge_reviews_count: true\n")
    assert cli("links", "resolve", "--write", "records", cwd=tmp_path).exit_code == 0
    assert packet_evidence(cli, tmp_path, ev) == {
        "verified": True,
        "basis": "cited",
        "links_verified": 1,
        "links": 1,
        "commits": [roles["shas"]["#4"]],
    }
    assert "note: 2 evidence links verified against git" in cli("validate", "records", cwd=tmp_path).stderr


def test_a_reviewer_trailer_verifies_a_code_review_as_reviewer_in_packet_check(cli, roles, tmp_path):
    """Bob reviewed #5 (`Reviewed-by:`); Ann's packet cannot borrow that, but the basis shows on his."""
    from perfdocs.people.readiness import verification_of
    from perfdocs.records import organisation
    from perfdocs.records.load import load_records

    path = evidence(roles["root"], "bob", "reviews", ["tiny/api#5"], type_="code-review")
    assert cli("links", "resolve", "--write", path, cwd=tmp_path).exit_code == 0
    org, _ = organisation.build(load_records(roles["root"]).records)
    found = verification_of(org.evidence["bob/2026-03-10-reviews"], org)
    assert (found.label, found.verified, found.links[0].commits) == ("verified reviewer", 1, (roles["shas"]["#5"],))

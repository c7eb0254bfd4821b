"""History you can trust as input (issue 13, item 4): git stores whatever a commit object holds,
so a tracked repository may have commits without an author name or email, broken author lines,
messages in latin-1 (with an `encoding` header), in an encoding git does not know, with invalid
UTF-8 bytes or a NUL byte, and subjects megabytes long. All of them are data: `links check`
reads them, names nobody as their author, and never fails with an internal error; a git
failure (a damaged repository) is one line and exit code 2. The commits are written object by
object (`git hash-object -w -t commit --literally`), as `git commit` would refuse most of them."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from perfdocs.links.index import SUBJECT_LIMIT, build_index
from perfdocs.settings import RepoConfig

from tests.support.cli import one_line
from tests.support.files import edit
from tests.support.git import GitRepo

ANN = b"Ann Example <ann@tiny.example> 1772359200 +0000"  # 2026-03-01T10:00:00Z
HINT = (
    "(add the author's email to their person record, list the real author under 'collaborators', "
    "or use a type that does not claim authorship (e.g. code-review)) [link/not-author]\n"
)
LONG = "Very long subject " * 6_000  # 108,000 characters


def raw_commit(repo: GitRepo, parent: str, headers: bytes, message: bytes) -> str:
    """A commit written as bytes: `headers` after tree and parent, then the message."""
    tree = repo.git("write-tree")
    path = repo.path / ".raw-commit"
    path.write_bytes(f"tree {tree}\nparent {parent}\n".encode() + headers + b"\n" + message)
    sha = repo.git("hash-object", "-t", "commit", "-w", "--literally", str(path))
    path.unlink()
    repo.git("update-ref", "refs/heads/main", sha)
    return sha


def odd_history(repo: GitRepo) -> dict[str, str]:
    root = repo.commit("Initial commit", {"README.md": "api\n"}, "2026-02-01T10:00:00+00:00")
    shas: dict[str, str] = {}
    parent = root
    for name, headers, message in [
        ("#1", b"author  <> 1772359200 +0000\ncommitter  <> 1772359200 +0000\n", b"No name, no email (#1)\n"),
        ("#2", b"committer " + ANN + b"\n", b"No author line at all (#2)\n"),
        (
            "#3",
            "author René Example <rene@tiny.example> 1772359200 +0000\n"
            "committer René Example <rene@tiny.example> 1772359200 +0000\nencoding ISO-8859-1\n".encode("latin-1"),
            "Café in latin-1 (#3)\n".encode("latin-1"),
        ),
        ("#4", b"author " + ANN + b"\ncommitter " + ANN + b"\n", b"Invalid \xff\xfe UTF-8 (#4)\n"),
        (
            "#5",
            b"author " + ANN + b"\ncommitter " + ANN + b"\nencoding no-such-charset\n",
            b"Unknown encoding \xe9 (#5)\n",
        ),
        ("#6", b"author " + ANN + b"\ncommitter " + ANN + b"\n", b"A NUL \x00 hides the rest (#6)\n"),
        (
            "#7",
            b"author Ann Example <ann@tiny.example 1772359200 +0000\ncommitter Ann ann@tiny.example> 1772359200\n",
            b"Broken author lines (#7)\n",
        ),
        ("#9", b"author " + ANN + b"\ncommitter " + ANN + b"\n", f"{LONG}(#9)\n".encode()),
        (
            "#10",
            b"author " + ANN + b"\ncommitter " + ANN + b"\n",
            # a trailer line of 200,000 spaced words: once quadratic to read
            b"Long trailer\n\nPR: " + b"a " * 100_000 + b"\nPR: #10\n",
        ),
    ]:
        parent = shas[name] = raw_commit(repo, parent, headers, message)
    return shas


@pytest.fixture
def odd(minimal: Path, git_repo: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setenv("PERFDOCS_CACHE_DIR", str(tmp_path / "cache"))
    repo = git_repo("api")
    shas = odd_history(repo)
    with open(minimal / "org.yaml", "a", encoding="utf-8") as fh:
        fh.write(
            textwrap.dedent("\n            repositories:\n              tiny/api:\n                path: ../api\n")
        )
    edit(minimal / "teams/core.yaml", "services:\n", "repositories:\n  - tiny/api\nservices:\n")
    links = "".join(f"  - tiny/api#{n}\n" for n in (1, 2, 3, 4, 5, 6, 7, 9, 10))
    edit(minimal / "people/ann/evidence/2026-03-01-retry-redesign.md", "  - tiny/api#12\n", links)
    return {"root": minimal, "repo": repo, "shas": shas}


def test_odd_commits_are_data_and_only_their_real_author_may_claim_them(cli, odd, tmp_path):
    res = cli("links", "check", "records", cwd=tmp_path)
    path = "records/people/ann/evidence/2026-03-01-retry-redesign.md"
    mine = "was not authored by the evidence's author ann (ann@tiny.example): its commits are by"
    assert one_line(res.stdout) == (
        f"{path}:8:5: tiny/api#1 {mine} nobody {HINT}"  # an empty email is nobody
        # so is a missing author line; its committer only committed it
        f"{path}:9:5: tiny/api#2 {mine} nobody; ann only committed it (ann@tiny.example), which is not writing it {HINT}"
        f"{path}:10:5: tiny/api#3 {mine} rene@tiny.example {HINT}"  # re-encoded from latin-1 by git
        # git prints what it cannot read of a NUL-holding message up to the NUL: the number is lost
        f"{path}:13:5: tiny/api#6: no commit on main of tiny/api merged pull request #6 (looked for "
        "'Merge pull request #6', '(#6)', 'See merge request ...!6' and PR trailers) [link/unresolved]\n"
        f"{path}:14:5: tiny/api#7 {mine} nobody {HINT}"  # git reads no email from a broken line
    )
    assert res.stderr == "10 links checked, 4 resolved against git: 5 errors, 0 warnings (invalid)\n"
    assert res.exit_code == 1, res
    assert "internal error" not in res.stdout + res.stderr


def test_the_index_reads_odd_messages_as_text(odd):
    repo, shas = odd["repo"], odd["shas"]
    index = build_index(repo.path, RepoConfig("tiny/api"), "main", repo.git("rev-parse", "main"))
    subjects = {name: index.commits[sha].subject for name, sha in shas.items()}
    assert subjects["#3"] == "Café in latin-1 (#3)"
    assert subjects["#4"] == "Invalid \ufffd\ufffd UTF-8 (#4)"  # invalid bytes replaced, never a crash
    assert subjects["#5"] == "Unknown encoding \ufffd (#5)"  # git could not convert it: shown as bytes
    assert subjects["#6"] == "A NUL"
    assert len(subjects["#9"]) == SUBJECT_LIMIT and subjects["#9"].endswith("\u2026")
    assert index.prs[9] == [(shas["#9"], "squash")] and index.prs[10] == [(shas["#10"], "fast-forward")]
    assert index.commits[shas["#2"]].author_email == "" and index.authors([shas["#2"]]) == set()


def test_resolve_write_and_validate_read_odd_history(cli, odd, tmp_path):
    root = odd["root"]
    edit(root / "people/ann/evidence/2026-03-01-retry-redesign.md", "  - tiny/api#1\n  - tiny/api#2\n", "")
    edit(root / "people/ann/evidence/2026-03-01-retry-redesign.md", "  - tiny/api#3\n", "")
    edit(root / "people/ann/evidence/2026-03-01-retry-redesign.md", "  - tiny/api#6\n  - tiny/api#7\n", "")
    res = cli("links", "resolve", "--write", "records", cwd=tmp_path)
    shown = "records/people/ann/evidence/2026-03-01-retry-redesign.md"
    s = odd["shas"]
    assert (res.exit_code, res.stdout) == (
        0,
        f"{shown}:8:5: tiny/api#4 -> squash {s['#4'][:12]}, merged 2026-03-01\n"
        f"{shown}:9:5: tiny/api#5 -> squash {s['#5'][:12]}, merged 2026-03-01\n"
        f"{shown}:10:5: tiny/api#9 -> squash {s['#9'][:12]}, merged 2026-03-01\n"
        f"{shown}:11:5: tiny/api#10 -> fast-forward {s['#10'][:12]}, merged 2026-03-01\n",
    ), res
    text = (root / "people/ann/evidence/2026-03-01-retry-redesign.md").read_text(encoding="utf-8")
    assert text.count("      role: author\n      as: ann@tiny.example\n") == 4
    res = cli("validate", "records", cwd=tmp_path)
    assert res.exit_code == 0, res
    assert "note: 4 evidence links verified against git" in res.stderr


def test_a_damaged_repository_is_one_line_and_exit_2(cli, odd, tmp_path):
    repo, shas = odd["repo"], odd["shas"]
    obj = shas["#4"]
    (repo.path / ".git/objects" / obj[:2] / obj[2:]).unlink()  # a commit object lost
    res = cli("links", "check", "records", cwd=tmp_path)
    assert res.exit_code == 2, res
    assert one_line(res.stdout) == ""
    assert len(res.stderr.splitlines()) == 1, res.stderr
    # git names the commit whose parent it lost
    assert (
        res.stderr
        == f"perfdocs: error: git log failed in api: fatal: Failed to traverse parents of commit {odd['shas']['#5']}\n"
    )


def test_a_shallow_clone_is_a_shorter_history_not_an_error(cli, odd, tmp_path):
    shallow = tmp_path / "shallow"
    odd["repo"].git("clone", "-q", "--depth", "3", f"file://{odd['repo'].path}", str(shallow))
    edit(odd["root"] / "org.yaml", "path: ../api\n", "path: ../shallow\n")
    res = cli("links", "check", "records", cwd=tmp_path)
    assert res.exit_code == 1, res
    assert res.stderr == "10 links checked, 2 resolved against git: 7 errors, 0 warnings (invalid)\n"
    assert "internal error" not in res.stdout + res.stderr


def test_a_rebased_pull_request_keeps_its_branch_order_whatever_its_commit_dates(git_repo):
    """Clocks drift: the second commit of a rebase may be dated before the first, and when a
    later branch grew from the first, git log lists the first before the second; yet a PR
    resolves to its commits in the order of the branch."""
    repo = git_repo("skewed")
    repo.commit("Initial commit", {"README.md": "api\n"}, "2026-02-01T10:00:00+00:00")
    first = repo.commit("Storage\n\nPR: #3", {"a.py": "1\n"}, "2026-03-02T10:00:00+00:00")
    repo.git("branch", "side")  # a branch grows from the first commit
    second = repo.commit("Checks\n\nPR: #3", {"b.py": "1\n"}, "2026-03-01T10:00:00+00:00")  # an earlier clock
    repo.git("checkout", "-q", "side")
    repo.commit("Side work", {"c.py": "1\n"}, "2026-03-05T10:00:00+00:00")
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "side", "-m", "Merge branch 'side'", date="2026-03-06T10:00:00+00:00")
    logged = repo.git("log", "--format=%H").split()
    assert logged.index(first) < logged.index(second)  # git log shows the first one first
    index = build_index(repo.path, RepoConfig("tiny/api"), "main", repo.git("rev-parse", "main"))
    assert [sha for sha, _ in index.prs[3]] == [first, second]

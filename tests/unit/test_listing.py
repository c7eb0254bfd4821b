"""What a quick `validate` knows without walking the folder: git's index and working copy
(perfdocs.git.worktree), and the folders with their names (perfdocs.records.listing),
on real repositories and real files."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from perfdocs.git import worktree
from perfdocs.records import listing
from perfdocs.records.organisation import LazyRecords
from perfdocs.records.schemas import FORMATS

from tests.support.git import GitRepo


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "repo")
    (repo.path / "records" / "people" / "ann" / "evidence").mkdir(parents=True)
    (repo.path / "records" / "org.yaml").write_text("kind: org\n")
    (repo.path / "records" / "people" / "ann" / "evidence" / "2026-01-01-a.md").write_text("a\n")
    (repo.path / "README.md").write_text("top\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "one")
    return repo


def test_the_index_and_what_differs_from_it_are_relative_to_the_folder(repo):
    records = repo.path / "records"
    state = worktree.state(records)
    assert state is not None and not state.unsupported and not state.dirty
    assert state.paths() == {"org.yaml", "people/ann/evidence/2026-01-01-a.md"}
    assert state.head == repo.git("rev-parse", "HEAD").strip() and state.staged == {}
    (records / "org.yaml").write_text("kind: org\nname: x\n")
    assert worktree.state(records).dirty == {"org.yaml"}


def test_entries_git_does_not_check_are_dirty_and_links_conflicts_are_unsupported(repo):
    records = repo.path / "records"
    repo.git("update-index", "--assume-unchanged", "records/org.yaml")
    assert worktree.state(records).dirty == {"org.yaml"}  # git would not look: perfdocs does
    os.symlink("org.yaml", records / "link.yaml")
    repo.git("add", "records/link.yaml")
    assert worktree.state(records).unsupported


def test_a_merge_conflict_is_unsupported(repo):
    records = repo.path / "records"
    repo.git("checkout", "-q", "-b", "other")
    (records / "org.yaml").write_text("kind: org\nname: other\n")
    repo.git("commit", "-q", "-am", "other")
    repo.git("checkout", "-q", "main")
    (records / "org.yaml").write_text("kind: org\nname: main\n")
    repo.git("commit", "-q", "-am", "main")
    with pytest.raises(subprocess.CalledProcessError):  # the conflict: git stops the merge
        repo.git("merge", "-q", "other")
    assert worktree.state(records).unsupported


def test_outside_a_repository_there_is_no_state(tmp_path):
    assert worktree.state(tmp_path) is None


def test_the_index_entries_that_changed_since_a_commit_and_what_was_staged_then(repo):
    records = repo.path / "records"
    first = worktree.state(records)
    (records / "org.yaml").write_text("kind: org\nname: x\n")
    repo.git("commit", "-q", "-am", "edit")
    edited = worktree.state(records, base=first.head)
    assert edited.head != first.head and edited.staged == {}
    assert edited.moved(first.staged) == {"org.yaml"}  # committed since: its blob changed
    (records / "new.yaml").write_text("kind: team\n")
    repo.git("add", "-A")
    staged = worktree.state(records, base=edited.head)
    assert set(staged.staged) == {"new.yaml"} and staged.moved(edited.staged) == {"new.yaml"}
    # Committing what was staged changes HEAD, not the index: nothing moved since.
    repo.git("commit", "-q", "-m", "new")
    committed = worktree.state(records, base=staged.head)
    assert committed.staged == {} and committed.moved(staged.staged) == set()
    # A reset to the first commit: every entry that differs from the last run's moved back.
    repo.git("reset", "-q", "--hard", first.head)
    back = worktree.state(records, base=committed.head)
    assert back.moved(committed.staged) == {"org.yaml", "new.yaml"}
    assert back.tracks({"org.yaml", "new.yaml", "people/ann/evidence/2026-01-01-a.md"}) == {
        "org.yaml",
        "people/ann/evidence/2026-01-01-a.md",
    }


def test_a_quick_listing_has_no_modes_and_sees_a_link_among_the_changed_entries(repo):
    records = repo.path / "records"
    base = worktree.state(records)
    pending = worktree.start(records)
    pending.compare(base.head)
    quick = pending.result()
    assert not quick.modes and quick.paths() == base.paths() and not quick.unsupported
    assert quick.tracks({"org.yaml", "org", "yaml", "ann/evidence/2026-01-01-a.md"}) == {"org.yaml"}
    os.symlink("org.yaml", records / "link.yaml")
    repo.git("add", "records/link.yaml")
    pending = worktree.start(records)
    pending.compare(base.head)
    assert pending.result().unsupported


def test_a_commit_that_is_gone_is_no_answer(repo):
    pending = worktree.start(repo.path / "records")
    pending.compare("0" * 40)
    assert pending.result() is None


def test_a_repository_without_commits_has_no_head(tmp_path):
    repo = GitRepo(tmp_path / "new")
    (repo.path / "org.yaml").write_text("kind: org\n")
    repo.git("add", "-A")
    state = worktree.state(repo.path)
    assert state is not None and state.head is None and state.paths() == {"org.yaml"}


def test_a_scan_lists_what_the_walk_reads_in_its_order(tmp_path):
    root = tmp_path / "records"
    for rel in ["org.yaml", "b/x.md", "a-b/y.yaml", "a/z.md", ".hidden/h.md", "_draft/d.md", "a/README.md", "a/n.txt"]:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("x\n")
    folders = listing.scan(root, time.time_ns())
    assert list(folders) == ["", "a", "a-b", "b"]
    assert listing.names(folders["a"]) == ["z.md"] and listing.names(folders[""]) == ["a/", "a-b/", "b/", "org.yaml"]
    assert listing.Listing(folders).files() == ["org.yaml", "a/z.md", "a-b/y.yaml", "b/x.md"]
    assert listing.Listing(folders).count() == 4
    assert all(sig is None for sig, _ in folders.values())  # all modified just now: listed again next time


def test_a_scan_gives_up_on_a_symbolic_link(tmp_path):
    root = tmp_path / "records"
    root.mkdir()
    (root / "org.yaml").write_text("x\n")
    os.symlink("org.yaml", root / "other.yaml")
    assert listing.scan(root, time.time_ns()) is None


def _old(path: Path) -> None:
    """Modified long ago (out of every racy window)."""
    os.utime(path, ns=(time.time_ns() - 10**11, time.time_ns() - 10**11))


def test_changes_from_folder_times_index_and_stat(tmp_path):
    root = tmp_path / "records"
    (root / "people" / "ann" / "evidence").mkdir(parents=True)
    entry = root / "people" / "ann" / "evidence" / "2026-01-01-a.md"
    untracked = root / "people" / "ann" / "evidence" / "2026-01-02-b.md"
    for path in (entry, untracked):
        path.write_text("one\n")
    for folder in (root, root / "people", root / "people" / "ann", root / "people" / "ann" / "evidence"):
        _old(folder)
    for path in (entry, untracked):
        _old(path)
    now = time.time_ns()
    folders = listing.scan(root, now)
    sig = listing.signature(untracked.stat())
    stored = listing.Listing(folders, None, {}, frozenset({"people/ann/evidence/2026-01-02-b.md"}), {})
    stored.stat["people/ann/evidence/2026-01-02-b.md"] = sig
    nothing = listing.changes(root, stored, frozenset(), set(), now)
    assert (nothing.added, nothing.deleted, nothing.modified) == (set(), set(), set())
    # git says the tracked entry differs from the index; the untracked one is rewritten
    untracked.write_text("two\n")
    found = listing.changes(root, stored, frozenset({"people/ann/evidence/2026-01-01-a.md"}), set(), time.time_ns())
    assert found.modified == {"people/ann/evidence/2026-01-01-a.md", "people/ann/evidence/2026-01-02-b.md"}
    # a new file shows in its folder; a new folder is not followed
    (root / "people" / "ann" / "evidence" / "2026-01-03-c.md").write_text("three\n")
    found = listing.changes(root, stored, frozenset(), set(), time.time_ns())
    assert found.added == {"people/ann/evidence/2026-01-03-c.md"}
    (root / "people" / "bob").mkdir()
    assert listing.changes(root, stored, frozenset(), set(), time.time_ns()) is None


FORMAT_SAMPLES = [
    "2026-02-28",
    "2026-02-30",
    "2026-2-01",
    "20260101",
    "2026-01-01T00:00",
    " 2026-01-01",
    "２０２６-01-01",
    "2026-01-01T10:00:00Z",
    "2026-01-01t10:00:00+01:00",
    "2026-13-01T10:00:00Z",
    "a@b",
    "ab",
    "",
    5,
    None,
    [],
]


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_the_formats_are_checked_as_jsonschema_checks_them(name):
    from jsonschema import FormatChecker

    checker = FormatChecker()
    assert [FORMATS[name](v) for v in FORMAT_SAMPLES] == [checker.conforms(v, name) for v in FORMAT_SAMPLES]


def test_every_format_the_schemas_use_is_checked_here():
    import json

    from perfdocs.records.schemas import schema_documents

    used = set()
    for doc in schema_documents().values():
        text = json.dumps(doc)
        used.update(part.split('"')[0] for part in text.split('"format": "')[1:])
    assert used <= set(FORMATS)


def test_lazy_records_load_one_record_when_asked_and_list_ids_without_loading():
    loaded: list[str] = []

    def load(rid: str) -> object:
        loaded.append(rid)
        return f"record {rid}"

    ids = ["a", "b", "c"]
    lazy = LazyRecords({}, lambda: ids, ids.__contains__, load)  # type: ignore[arg-type]
    assert "b" in lazy and "z" not in lazy and lazy.get("z") is None and not loaded
    assert lazy.get("b") == "record b" and lazy["b"] == "record b" and loaded == ["b"]
    assert sorted(lazy) == ["a", "b", "c"] and len(lazy) == 3 and loaded == ["b"]
    assert dict(lazy.items()) == {k: f"record {k}" for k in ids} and loaded == ["b", "a", "c"]


def test_a_lazy_record_that_cannot_be_read_back_is_unavailable():
    from perfdocs.records.organisation import Unavailable

    lazy = LazyRecords({}, lambda: ["a"], lambda rid: rid == "a", lambda rid: None)  # type: ignore[arg-type]
    with pytest.raises(Unavailable):
        lazy.get("a")


def test_a_run_takes_the_listing_only_where_the_cache_is_used(repo, monkeypatch):
    """A folder below the record cache's size (PERFDOCS_CACHE unset) is not listed for quick runs:
    the count is of files, not of the characters of their names."""
    from perfdocs import validation
    from perfdocs.records import cache

    records = repo.path / "records"
    monkeypatch.delenv("PERFDOCS_CACHE", raising=False)
    assert validation._listing_start(records, time.time_ns()) is None
    monkeypatch.setattr(cache, "AUTO_MIN_FILES", 2)
    assert validation._listing_start(records, time.time_ns()) is not None
    monkeypatch.setattr(cache, "AUTO_MIN_FILES", 3)
    assert validation._listing_start(records, time.time_ns()) is None

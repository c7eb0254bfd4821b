"""The record cache: a cached run reports exactly what a cold run reports."""

from __future__ import annotations

import os
import shutil

import pytest

from perfdocs.records import cache, load

from tests.support.cases import MUTATIONS
from tests.support.files import edit


@pytest.fixture(autouse=True)
def _cache_dir(tmp_path, monkeypatch):
    """Cache files and their key in the test's own folder, never in the user's."""
    monkeypatch.setenv("PERFDOCS_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture
def cached(monkeypatch):
    monkeypatch.setenv("PERFDOCS_CACHE", "1")


def _run(cli, cwd, mode: str) -> str:
    os.environ["PERFDOCS_CACHE"] = mode
    res = cli("validate", "records", cwd=cwd)
    return f"exit {res.exit_code}\n{res.stdout}{res.stderr}"


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_cached_runs_report_what_a_cold_run_reports(name, minimal, tmp_path, cli, cached):
    warm = _run(cli, tmp_path, "1")  # the cache now holds every file of the valid organisation
    assert warm.startswith("exit 0")
    assert any(cache.location(minimal).glob("*.marshal"))
    assert not any(p.name.endswith(".marshal") for p in minimal.rglob("*"))  # nothing in the records
    MUTATIONS[name](minimal)
    changed = _run(cli, tmp_path, "1")  # changed files parsed again, the others from the cache
    again = _run(cli, tmp_path, "1")  # everything from the cache, positions read back from the files
    cold = _run(cli, tmp_path, "0")
    assert changed == cold
    assert again == cold


def test_unchanged_files_are_not_parsed_again(minimal, cached, monkeypatch):
    first = cache.RecordCache(minimal)
    assert first.entries == {}
    load.load_records(minimal)
    second = cache.RecordCache(minimal)
    assert set(second.entries) == {p.relative_to(minimal).as_posix() for p in minimal.rglob("*.*")}
    parsed = []
    original = load.load_bytes
    monkeypatch.setattr(
        load, "load_bytes", lambda raw, path, display: parsed.append(path) or original(raw, path, display)
    )
    load.load_records(minimal)
    assert parsed == []
    changed = sorted(minimal.rglob("*.yaml"))[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "# changed\n", encoding="utf-8")
    load.load_records(minimal)
    assert parsed == [changed]  # and a changed one is


def test_a_fresh_copy_hits_the_cache_by_content(minimal, tmp_path, cli, cached):
    before = _run(cli, tmp_path, "1")
    copy = tmp_path / "copy" / "records"
    shutil.copytree(minimal, copy)  # new inodes and modification times, same content
    shutil.copytree(cache.location(minimal), cache.location(copy))  # as CI restores a cache
    store = cache.RecordCache(copy)
    files = sorted(copy.rglob("*.*"))
    hits = [store.lookup(p.relative_to(copy).as_posix(), p, str(p)) for p in files]
    assert all(hit is not None for hit in hits)
    assert _run(cli, tmp_path / "copy", "1") == before


def test_a_change_that_keeps_size_and_modification_time_is_still_seen(minimal, tmp_path, cli, cached):
    _run(cli, tmp_path, "1")
    person = minimal / "people/ann/person.yaml"
    info = person.stat()
    person.write_text(person.read_text().replace("level: l2", "level: l9"))  # same size
    os.utime(person, ns=(info.st_atime_ns, info.st_mtime_ns))  # and the same modification time
    assert person.stat().st_size == info.st_size
    out = _run(cli, tmp_path, "1")
    assert "level 'l9' is not in track backend" in out
    assert out == _run(cli, tmp_path, "0")


def test_the_cache_folder_is_safe_to_delete_or_corrupt(minimal, tmp_path, cli, cached):
    MUTATIONS["schema-type"](minimal)
    cold = _run(cli, tmp_path, "0")
    assert _run(cli, tmp_path, "1") == cold
    for shard in cache.location(minimal).glob("*.marshal"):
        shard.write_bytes(b"\x00not a cache")
    assert _run(cli, tmp_path, "1") == cold
    shutil.rmtree(cache.location(minimal).parent)
    assert _run(cli, tmp_path, "1") == cold
    assert _run(cli, tmp_path, "1") == cold


def test_small_folders_are_not_cached_unless_asked(minimal, tmp_path, cli, monkeypatch):
    monkeypatch.delenv("PERFDOCS_CACHE", raising=False)
    res = cli("validate", "records", cwd=tmp_path)
    assert res.exit_code == 0
    assert not (tmp_path / "cache").exists()
    assert cache.wanted(cache.AUTO_MIN_FILES) and not cache.wanted(cache.AUTO_MIN_FILES - 1)


def test_a_change_in_the_clock_tick_the_cache_was_written_is_still_seen(minimal, tmp_path, cli, cached):
    person = minimal / "people/ann/person.yaml"
    person.write_text(person.read_text())  # modified just now, as the cache is written
    _run(cli, tmp_path, "1")
    store = cache.RecordCache(minimal)
    rel = "people/ann/person.yaml"
    shard = store.shards[cache.shard_of(rel)]
    assert person.stat().st_mtime_ns >= store.written[cache.shard_of(rel)] - cache.RACY_NS
    # Same size, same signature on record: only the content hash can tell.
    person.write_text(person.read_text().replace("level: l2", "level: l9"))
    shard[rel] = (cache.signature(person.stat()), *shard[rel][1:])
    assert store.lookup(rel, person, rel) is None


def test_a_deleted_file_leaves_the_cache(minimal, tmp_path, cli, cached):
    _run(cli, tmp_path, "1")
    (minimal / "postmortems/pm-1.md").unlink()
    out = _run(cli, tmp_path, "1")
    assert out == _run(cli, tmp_path, "0")
    assert "postmortems/pm-1.md" not in cache.RecordCache(minimal).entries


def test_a_cache_file_not_written_with_the_local_key_is_ignored(minimal, tmp_path, cli, cached):
    """A pull request could commit a crafted cache that calls a broken file valid."""
    import marshal

    _run(cli, tmp_path, "1")
    ann = minimal / "people/ann/person.yaml"
    edit(ann, "level: l2", "level: l9")
    cold = _run(cli, tmp_path, "0")
    os.environ["PERFDOCS_CACHE"] = "1"
    store = cache.RecordCache(minimal)
    rel = "people/ann/person.yaml"
    valid = store.entries[rel]  # what ann's file parsed to before the edit
    sig, content = cache.fingerprint(ann)
    index = cache.shard_of(rel)
    shard = {**store.shards[index], rel: (sig, content, *valid[2:])}  # ...claimed for the new content
    forged = marshal.dumps((store.key, 0, index, shard))
    path = cache.shard_path(cache.location(minimal), index)
    path.write_bytes(b"\x00" * cache.MAC_BYTES + forged)  # everything right but the MAC
    assert not set(shard) & set(cache.RecordCache(minimal).entries)
    assert _run(cli, tmp_path, "1") == cold
    assert "level 'l9' is not in track backend" in cold


def test_a_cached_record_reads_back_the_same_text_and_body(example, cached):
    pm = example / "postmortems"
    crlf = next(pm.glob("*.md"))
    crlf.write_bytes(crlf.read_bytes().replace(b"\n", b"\r\n"))  # Windows line ends
    bom = next(example.glob("teams/*.yaml"))
    bom.write_bytes(b"\xef\xbb\xbf" + bom.read_bytes())
    fresh = {r.rel: (r.doc.yaml_text, r.body, r.data) for r in load.load_records(example).records}
    again = load.load_records(example).records
    assert all(isinstance(r.doc, cache.CachedDocument) for r in again)
    assert {r.rel: (r.doc.yaml_text, r.body, r.data) for r in again} == fresh


def test_a_run_that_changed_one_file_rewrites_only_its_shard(minimal, tmp_path, cli, cached):
    """At 100,000 files the cache is ~60 MB: a run after a small change writes ~1 MB of it."""
    _run(cli, tmp_path, "1")
    folder = cache.location(minimal)
    before = {p.name: p.stat().st_ino for p in folder.glob("*.marshal")}
    assert len(before) > 1
    rel = "people/ann/person.yaml"
    edit(minimal / rel, "level: l2", "level: l9")
    out = _run(cli, tmp_path, "1")
    after = {p.name: p.stat().st_ino for p in folder.glob("*.marshal")}
    assert {name for name in after if after[name] != before.get(name)} == {
        cache.shard_path(folder, cache.shard_of(rel)).name
    }
    assert cache.RecordCache(minimal).entries[rel][1] == cache.fingerprint(minimal / rel)[1]
    assert out == _run(cli, tmp_path, "0")


def test_a_shard_in_another_shard_s_place_is_ignored(minimal, tmp_path, cli, cached):
    """Each shard is sealed with its own index: a valid shard copied over another is a miss."""
    _run(cli, tmp_path, "1")
    folder = cache.location(minimal)
    first, second = sorted(folder.glob("*.marshal"))[:2]
    moved = cache.RecordCache(minimal).shards[int(first.stem)]
    shutil.copyfile(first, second)
    store = cache.RecordCache(minimal)
    assert set(moved) <= set(store.entries)  # still read from its own place
    assert store.shards[int(second.stem)] == {}  # and never from another's
    assert _run(cli, tmp_path, "1") == _run(cli, tmp_path, "0")

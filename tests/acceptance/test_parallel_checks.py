"""A cold run of a large folder checks its records over forked workers (perfdocs.validation
`_checked`): what it prints, and what the snapshot keeps for the next run, are what one
process checking every record gives."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from perfdocs import validation
from perfdocs.records import snapshot

from tests.acceptance import test_snapshot as edits
from tests.acceptance.test_snapshot import _validate, corpus

REAL_SHARE = validation._check_share


def counting_share(bounds: tuple[int, int]):
    """validation._check_share, noting which process checked which records (in a forked worker:
    a module-level function, so the pool sends it by name)."""
    with open(os.environ["CHECK_SHARES_LOG"], "a", encoding="utf-8") as log:
        log.write(f"{os.getpid()} {bounds[0]} {bounds[1]}\n")
    return REAL_SHARE(bounds)


@pytest.fixture(autouse=True)
def _cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("PERFDOCS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(snapshot, "RACY_NS", 0)
    monkeypatch.setenv("PERFDOCS_CACHE", "auto")


def _broken_organisation(root: Path) -> None:
    """A generated organisation with findings of many rules in many records."""
    corpus.organisation(root, 200, seed=7)
    edits.language_by_track(root)
    rng = random.Random(7)
    originals: dict[str, str] = {}
    for edit in [edits.break_reference] * 6 + [edits.mismatch] * 4 + [edits.review_text] * 4 + [edits.collide] * 2:
        edit(root, rng, originals)
    for path in edits._evidence(root)[::9]:
        edits._rewrite(path, "title: ", "title: TODO ")


def test_records_checked_over_forked_workers_give_what_one_process_gives(tmp_path, monkeypatch):
    root = tmp_path / "records"
    _broken_organisation(root)
    one = _validate(root, "0")  # under the parallel threshold: every record checked here
    assert one.startswith("exit 1") and one.count("\n") > 50
    log = tmp_path / "shares.log"
    monkeypatch.setenv("CHECK_SHARES_LOG", str(log))
    monkeypatch.setattr(validation, "PARALLEL_MIN_FILES", 20)
    monkeypatch.setattr(validation, "CHECK_CHUNK", 17)
    monkeypatch.setattr(validation, "_check_share", counting_share)
    monkeypatch.setattr(validation, "_cpus", lambda: 2)
    # A thread an earlier test left running (a server's) would keep this process from forking.
    monkeypatch.setattr(validation.threading, "active_count", lambda: 1)
    assert _validate(root, "0") == one
    shares = [line.split() for line in log.read_text(encoding="utf-8").splitlines()]
    assert len(shares) > 5 and {pid for pid, _, _ in shares} - {str(os.getpid())}  # in other processes
    assert sorted(int(start) for _, start, _ in shares)[0] == 17  # the first share was checked here
    # The snapshot a parallel cold run leaves gives the next run the same findings.
    log.unlink()
    assert _validate(root, "1") == one  # cold, with the cache: checked in workers, kept
    assert log.exists()
    assert _validate(root, "1") == one  # every finding from the snapshot

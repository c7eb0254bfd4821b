"""The guarantees: nothing is lost, writers take turns, an interrupted build changes nothing.

Commands run as real processes where the claim is about processes (locks, kills,
concurrency) and through the `cli` fixture otherwise. Nothing here mocks the file
system: files are hard-linked to prove a write was a rename, processes are killed
with SIGKILL, and two commands really run at once.
"""

from __future__ import annotations

import hashlib
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from perfdocs.fsutil import atomic_write
from perfdocs.lock import RECORDS_LOCK, exclusive, output_lock_path, records_lock_path
from perfdocs.validation import SHARED_KINDS

from tests.support.cli import PERFDOCS, perfdocs
from tests.support.files import REPO, edit
from tests.support.git import EV as LINK_EV

NEW_ARGS = {
    "evidence": [
        "--author",
        "ann",
        "--type",
        "pr",
        "--title",
        "Retry budget",
        "--competency",
        "design",
        "--date",
        "2026-06-01",
    ],
    "goal": ["--author", "ann", "--title", "Cut p99 latency", "--period", "2026-Q4"],
    "person": ["--id", "cleo", "--team", "core", "--track", "backend", "--title", "Cleo Example"],
    "postmortem": ["--author", "ann", "--title", "Checkout outage", "--date", "2026-06-02"],
    "metric": ["--author", "bob", "--id", "error-rate", "--title", "Error rate"],
    "team": ["--author", "bob", "--id", "edge", "--title", "Edge"],
}
STATIC = REPO / "templates/static"
LOCK_BUSY = re.compile(
    r"perfdocs: error: another perfdocs command is writing (?P<what>.+) \(pid (?P<pid>\d+), (?P<cmd>.+), "
    r"since \d\d:\d\d:\d\d\); waited (?P<wait>[\d.]+) s\. Run again when it has finished\.\n"
)


def tree(folder: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file under a folder (dot files included)."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def site(folder: Path) -> dict[str, str]:
    """`tree` of a built site, where files copied unchanged from templates/static count by
    name only (other people may be editing those while the tests run)."""
    copied = {"static/" + p.relative_to(STATIC).as_posix() for p in STATIC.rglob("*") if p.is_file()}
    return {rel: "copied" if rel in copied else digest for rel, digest in tree(folder).items()}


class Holder:
    """Another process holding a lock file, until released or killed."""

    def __init__(self, lock: Path) -> None:
        code = (
            "import sys; from pathlib import Path; from perfdocs.lock import exclusive\n"
            "with exclusive(Path(sys.argv[1]), 'test'):\n"
            "    print('held', flush=True); sys.stdin.readline()\n"
        )
        self.proc = subprocess.Popen(
            [sys.executable, "-c", code, str(lock)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert self.proc.stdout.readline() == "held\n"

    def release(self) -> None:
        self.proc.stdin.write("\n")
        self.proc.stdin.flush()
        assert self.proc.wait(10) == 0

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)


# --- nothing is lost: commands that write records ---------------------------------------------


@pytest.mark.parametrize("kind", sorted(NEW_ARGS))
def test_new_never_overwrites_an_existing_record_without_force(kind, cli, minimal, tmp_path):
    first = cli("new", kind, "--records", "records", *NEW_ARGS[kind], cwd=tmp_path)
    assert first.exit_code == 0, first
    rel = first.stdout.splitlines()[0]
    path = tmp_path / rel
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("# a note someone added by hand\n")
    before = path.read_bytes()
    again = cli("new", kind, "--records", "records", *NEW_ARGS[kind], cwd=tmp_path)
    # a free name, never --force: the file is someone's record (issue 18)
    instead = {
        "evidence": "choose another name, e.g. --slug retry-budget-2",
        "goal": "choose another name, e.g. --slug cut-p99-latency-2",
        "person": "choose another handle with --id",
        "postmortem": "choose another name, e.g. --slug checkout-outage-2",
        "metric": "choose another name, e.g. --id error-rate-2",
        "team": "choose another name, e.g. --id edge-2",
    }[kind]
    assert (again.exit_code, again.stdout, again.stderr) == (
        2,
        "",
        f"perfdocs: error: {rel} already exists; not overwriting it: {instead}\n",
    )
    assert path.read_bytes() == before


def test_new_with_force_renames_a_complete_file_into_place_never_writes_in_place(cli, minimal, tmp_path):
    args = ("new", "evidence", "--records", "records", *NEW_ARGS["evidence"])
    rel = cli(*args, cwd=tmp_path).stdout.splitlines()[0]
    path = tmp_path / rel
    path.write_text(path.read_text(encoding="utf-8") + "My own words.\n", encoding="utf-8")
    witness = tmp_path / "witness.md"
    os.link(path, witness)  # a second name for the old file's inode
    old = witness.read_bytes()
    res = cli(*args, "--force", cwd=tmp_path)
    assert res.exit_code == 0, res
    assert witness.read_bytes() == old  # the old inode was never truncated or rewritten
    assert path.stat().st_ino != witness.stat().st_ino
    assert b"My own words." not in path.read_bytes()
    assert sorted(p.name for p in path.parent.iterdir() if p.name.startswith(".")) == []


def test_a_write_that_fails_half_way_leaves_the_old_file_and_no_temporary_file(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text("kind: team\n", encoding="utf-8")
    path.chmod(0o640)
    with pytest.raises(UnicodeEncodeError):  # a lone surrogate cannot be encoded: the write fails mid-way
        atomic_write(path, "kind: team\nname: \ud800\n", overwrite=True)
    assert path.read_text(encoding="utf-8") == "kind: team\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.yaml"]
    atomic_write(path, "kind: team\nname: New\n", overwrite=True)
    assert path.stat().st_mode & 0o777 == 0o640  # a replaced file keeps its permissions


def test_new_leaves_no_lock_or_temporary_file_behind(cli, minimal, tmp_path):
    before = set(tree(minimal))
    res = cli("new", "goal", "--records", "records", *NEW_ARGS["goal"], cwd=tmp_path)
    assert res.exit_code == 0, res
    assert set(tree(minimal)) - before == {"people/ann/goals/2026-q4-cut-p99-latency.yaml"}


def test_two_new_commands_racing_for_one_file_never_clobber_each_other(minimal, tmp_path):
    env = {**os.environ, "PERFDOCS_TODAY": "2026-11-24", "PERFDOCS_LOCK_TIMEOUT": "30"}
    procs = [
        subprocess.Popen(
            [*PERFDOCS, "new", "evidence", "--records", "records", *NEW_ARGS["evidence"], "--link", f"tiny/api#{n}"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in (1, 2)
    ]
    results = sorted((p.wait(30), p.stdout.read(), p.stderr.read()) for p in procs)
    rel = "records/people/ann/evidence/2026-06-01-retry-budget.md"
    assert results[0][:2] == (0, rel + "\n")
    assert results[1] == (
        2,
        "",
        f"perfdocs: error: {rel} already exists; not overwriting it: choose another name, e.g. --slug retry-budget-2\n",
    )


# --- writers take turns: the lock ---------------------------------------------------------------


def test_a_writer_stops_with_a_clear_error_while_another_holds_the_records_lock(minimal, tmp_path):
    holder = Holder(records_lock_path(minimal))
    try:
        run = perfdocs(
            "new", "team", "--records", "records", *NEW_ARGS["team"], cwd=tmp_path, env={"PERFDOCS_LOCK_TIMEOUT": "0.3"}
        )
    finally:
        holder.release()
    assert (run.exit_code, run.stdout) == (2, ""), run.transcript()
    busy = LOCK_BUSY.fullmatch(run.stderr)
    assert busy, run.stderr
    assert busy["what"] == "records in records" and busy["wait"] == "0.3"
    assert int(busy["pid"]) == holder.proc.pid
    assert not (minimal / "teams/edge.yaml").exists()


def test_a_writer_waits_for_the_lock_and_then_does_its_work(minimal, tmp_path):
    holder = Holder(records_lock_path(minimal))
    proc = subprocess.Popen(
        [*PERFDOCS, "new", "team", "--records", "records", *NEW_ARGS["team"]],
        cwd=tmp_path,
        env={**os.environ, "PERFDOCS_LOCK_TIMEOUT": "20"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(0.5)
    assert proc.poll() is None  # still waiting
    assert not (minimal / "teams/edge.yaml").exists()
    holder.release()
    assert proc.wait(20) == 0, proc.stderr.read()
    assert proc.stdout.read().splitlines()[0] == "records/teams/edge.yaml"
    assert not (minimal / RECORDS_LOCK).exists()


def test_a_lock_dies_with_its_holder_even_when_killed(minimal, tmp_path):
    holder = Holder(records_lock_path(minimal))
    holder.kill()
    assert (minimal / RECORDS_LOCK).exists()  # the file stays, the lock does not
    run = perfdocs(
        "new", "team", "--records", "records", *NEW_ARGS["team"], cwd=tmp_path, env={"PERFDOCS_LOCK_TIMEOUT": "0"}
    )
    assert run.exit_code == 0, run.transcript()
    assert not (minimal / RECORDS_LOCK).exists()


def test_the_lock_nests_within_one_process_and_is_exclusive_across_processes(tmp_path):
    lock = tmp_path / "x.lock"
    with exclusive(lock, "x"):
        with exclusive(lock, "x", timeout=0):  # the same process: no deadlock
            assert lock.read_text(encoding="utf-8").splitlines()[0] == str(os.getpid())
        probe = subprocess.run(
            [
                sys.executable,
                "-c",
                (
                    "import sys; from pathlib import Path; from perfdocs.lock import exclusive\n"
                    "with exclusive(Path(sys.argv[1]), 'the thing', timeout=0): pass\n"
                ),
                str(lock),
            ],
            capture_output=True,
            text=True,
        )
        assert probe.returncode == 1 and "another perfdocs command is writing the thing" in probe.stderr
        assert lock.exists()
    assert not lock.exists()


def test_a_bad_lock_timeout_is_a_usage_error(minimal, tmp_path):
    run = perfdocs(
        "new", "team", "--records", "records", *NEW_ARGS["team"], cwd=tmp_path, env={"PERFDOCS_LOCK_TIMEOUT": "soon"}
    )
    assert run.transcript() == (
        "exit 2\n--- stdout\n--- stderr\nperfdocs: error: PERFDOCS_LOCK_TIMEOUT='soon' is not a number of seconds\n"
    )


# --- the site: replaced whole, only after a complete build ----------------------------------------


def _building(parent: Path, name: str = "site") -> list[Path]:
    return sorted(parent.glob(f".{name}.building-*"))


def test_a_build_killed_mid_way_leaves_the_previous_site_intact(minimal, tmp_path):
    # Two states of the records whose sites differ on every page (the org's name is on each),
    # so every build below must render every page again, however incremental builds are.
    names = ["Tiny Co", "Tiny Co Renamed"]
    sites = []
    for i, name in enumerate(names):
        edit(minimal / "org.yaml", f"name: {names[i - 1]}\n" if i else "name: Tiny Co\n", f"name: {name}\n")
        assert perfdocs("build", "--records", "records", "--out", f"site-{i}", cwd=tmp_path).exit_code == 0
        sites.append(site(tmp_path / f"site-{i}"))
    assert sites[0] != sites[1]
    os.rename(tmp_path / "site-1", tmp_path / "site")
    interrupted = 0
    for delay in (0.0, 0.01, 0.02, 0.05, 0.08, 0.12, 0.2):
        old = site(tmp_path / "site")
        target = 1 - sites.index(old)
        org = minimal / "org.yaml"
        org.write_text(
            re.sub(r"(?m)^name: .*$", f"name: {names[target]}", org.read_text(encoding="utf-8")), encoding="utf-8"
        )
        proc = subprocess.Popen(
            [*PERFDOCS, "build", "--records", "records", "--out", "site"],
            cwd=tmp_path,
            env={**os.environ, "PERFDOCS_TODAY": "2026-11-24"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while not _building(tmp_path) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.001)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        now = site(tmp_path / "site")
        if _building(tmp_path):  # killed before the swap: the old site, whole
            interrupted += 1
            assert now == old, f"killed after {delay} s: the site changed"
        else:
            assert now in (old, sites[target]), f"killed after {delay} s: a mix of two builds"
    assert interrupted >= 1, "no kill landed in the middle of a build"
    # The next build runs normally and tidies what the killed ones left.
    assert perfdocs("build", "--records", "records", "--out", "site", cwd=tmp_path).exit_code == 0
    assert site(tmp_path / "site") == sites[target]
    assert _building(tmp_path) == [] and not output_lock_path(tmp_path / "site").exists()


def test_a_build_killed_between_its_two_renames_gets_the_previous_site_back(cli, minimal, tmp_path):
    assert cli("build", "--records", "records", "--out", "site", cwd=tmp_path).exit_code == 0
    old = site(tmp_path / "site")
    # The state a kill leaves after the old site was moved aside and before the new one moved in.
    os.rename(tmp_path / "site", tmp_path / ".site.old-x1y2")
    (tmp_path / ".site.building-a1b2").mkdir()
    edit(minimal / "teams/core.yaml", "manager: bob", "manager: nobody")  # the next (strict) build fails
    res = cli("build", "--records", "records", "--out", "site", "--strict", cwd=tmp_path)
    assert res.exit_code == 1, res
    assert site(tmp_path / "site") == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["records", "site"]


def test_two_builds_at_once_take_turns_and_leave_one_complete_site(minimal, tmp_path):
    assert perfdocs("build", "--records", "records", "--out", "expected", cwd=tmp_path).exit_code == 0
    expected = site(tmp_path / "expected")
    env = {**os.environ, "PERFDOCS_TODAY": "2026-11-24", "PERFDOCS_LOCK_TIMEOUT": "30"}
    for _ in range(3):
        procs = [
            subprocess.Popen(
                [*PERFDOCS, "build", "--records", "records", "--out", "site"],
                cwd=tmp_path,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        for proc in procs:
            assert proc.wait(60) == 0, proc.stderr.read()
            assert "Traceback" not in proc.stderr.read()
        assert site(tmp_path / "site") == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == ["expected", "records", "site"]


def test_a_build_gives_a_clear_error_when_another_build_holds_the_folder_too_long(minimal, tmp_path):
    holder = Holder(output_lock_path(tmp_path / "site"))
    try:
        run = perfdocs(
            "build", "--records", "records", "--out", "site", cwd=tmp_path, env={"PERFDOCS_LOCK_TIMEOUT": "0.2"}
        )
    finally:
        holder.release()
    busy = LOCK_BUSY.fullmatch(run.stderr)
    assert run.exit_code == 2 and busy, run.transcript()
    assert busy["what"] == "the output folder site" and int(busy["pid"]) == holder.proc.pid
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize(
    "rel", ["../escape.html", "/tmp/escape.html", "a/../../escape.html", "a\\..\\escape.html", "", ".", "a\0b.html"]
)
def test_the_site_writer_never_writes_outside_its_folder(rel, tmp_path):
    from perfdocs.errors import PerfdocsError
    from perfdocs.site.writer import SiteWriter

    writer = SiteWriter(tmp_path / "out" / "site")
    with pytest.raises(PerfdocsError, match="refusing to write"):
        writer.write(rel, "<p>page</p>")
    writer.abandon()
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == ["out"]


# --- every command that writes records ------------------------------------------------------------


def kept_in_order(old: bytes, new: bytes, changed: set[bytes]) -> None:
    """Every line of `old` except those in `changed` is in `new`, byte for byte, in order."""
    remaining = iter(new.splitlines(keepends=True))
    for line in old.splitlines(keepends=True):
        if line in changed:
            continue
        assert any(line == candidate for candidate in remaining), f"line {line!r} was changed or lost"


def test_packet_draft_never_replaces_a_packet(cli, minimal, tmp_path):
    first = cli("packet", "draft", "ann", "--target", "l3", "--records", "records", cwd=tmp_path)
    assert first.exit_code == 0, first
    path = minimal / "people/ann/packets/2026-l3.md"
    path.write_text(path.read_text(encoding="utf-8") + "My case, in my words.\n", encoding="utf-8")
    before = path.read_bytes()
    again = cli("packet", "draft", "ann", "--target", "l3", "--records", "records", cwd=tmp_path)
    assert (again.exit_code, again.stdout, again.stderr) == (
        2,
        "",
        "perfdocs: error: people/ann/packets/2026-l3.md already exists; a draft never replaces a packet "
        "(choose another name with --slug)\n",
    )
    assert path.read_bytes() == before


def test_review_draft_never_replaces_a_review(cli, minimal, tmp_path):
    path = minimal / "people/ann/reviews/2026-Q1.md"
    before = path.read_bytes()
    res = cli("review", "draft", "ann", "--period", "2026-Q1", "--records", "records", cwd=tmp_path)
    assert (res.exit_code, res.stdout, res.stderr) == (
        2,
        "",
        "perfdocs: error: ann already has a review for 2026-Q1: people/ann/reviews/2026-Q1.md; "
        "a draft never replaces a review\n",
    )
    assert path.read_bytes() == before


def test_init_force_replaces_files_by_renaming_complete_ones_never_in_place(cli, tmp_path, isolated_git):
    dest = tmp_path / "existing"
    dest.mkdir()
    (dest / "README.md").write_text("mine, by hand\n", encoding="utf-8")
    witness = tmp_path / "witness.md"
    os.link(dest / "README.md", witness)
    refused = cli("init", dest, cwd=tmp_path)
    assert refused.exit_code == 2 and (dest / "README.md").read_text(encoding="utf-8") == "mine, by hand\n"
    res = cli("init", dest, "--force", cwd=tmp_path)
    assert res.exit_code == 0, res
    assert witness.read_text(encoding="utf-8") == "mine, by hand\n"
    assert (dest / "README.md").stat().st_ino != witness.stat().st_ino
    assert [p.name for p in dest.rglob("*.tmp")] == []


HAND_EDITED_EVIDENCE = """\
---
# Written by hand; perfdocs must keep every byte of this that it does not own.
kind: evidence
date: 2026-04-02
author: ann
type: pr
title: 'Retries, "quoted"'    # odd quoting on purpose
links:
  - tiny/api#12     # the merge
  - https://wiki.tiny.example/retries
competencies: [design]
goals:
  - ann/2026-Q1-latency
---
The body: tiny/api#12 is mentioned here too, and must stay as written.

  indented line, trailing spaces   
"""


def test_links_resolve_write_changes_only_link_lines_and_renames_a_complete_file(cli, world, tmp_path):
    path = world["root"] / LINK_EV / "2026-04-02-hand.md"
    path.write_text(HAND_EDITED_EVIDENCE, encoding="utf-8")
    witness = tmp_path / "witness.md"
    os.link(path, witness)
    res = cli("links", "resolve", "--write", path, cwd=tmp_path)
    assert res.exit_code == 0, res
    new = path.read_bytes()
    assert witness.read_bytes() == HAND_EDITED_EVIDENCE.encode()  # the old file was never written in place
    assert path.stat().st_ino != witness.stat().st_ino
    kept_in_order(HAND_EDITED_EVIDENCE.encode(), new, {b"  - tiny/api#12     # the merge\n"})
    assert b"  - ref: tiny/api#12\n" in new and b"      style: merge\n" in new
    assert new.count(b"# the merge\n") == 1  # the comment stays with its item
    assert cli("validate", "records", cwd=tmp_path).exit_code == 0


HAND_KPI = """\
# Lead time for core, kept by hand before perfdocs computed it.
kind: kpi
id: core-lead-time
team: core
metric: lead-time
granularity: month
values:
  - period: 2025-12   # before the repository existed
    value: 30     # "from the old dashboard"
annotations:
  - {period: 2026-01, text: migration month}
"""


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_kpi_dora_write_keeps_every_untouched_line_byte_for_byte(org, cli, newline):
    root, _, _ = org
    path = root / "kpis/core/core-lead-time.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    old = HAND_KPI.replace("\n", newline).encode()
    path.write_bytes(old)
    witness = root.parent / "witness.yaml"
    os.link(path, witness)
    res = cli(
        "kpi",
        "dora",
        "--team",
        "core",
        "--since",
        "2026-01-01",
        "--until",
        "2026-02-28",
        "--write",
        "--records",
        "records",
        cwd=root.parent,
    )
    assert res.exit_code == 0, res
    new = path.read_bytes()
    assert witness.read_bytes() == old and path.stat().st_ino != witness.stat().st_ino
    kept_in_order(old, new, set())
    assert new.count(b"  - period: 2026-") == 2
    if newline == "\r\n":
        assert new.count(b"\n") == new.count(b"\r\n"), "line endings were changed"


WRITERS = {
    "new": ["new", "team", "--records", "records", "--author", "bob", "--id", "edge", "--title", "Edge"],
    "packet draft": ["packet", "draft", "ann", "--target", "l3", "--records", "records"],
    "links resolve --write": ["links", "resolve", "--write", "--records", "records"],
    "review draft": ["review", "draft", "ann", "--period", "2026-Q2", "--records", "records"],
    "kpi dora --write": [
        "kpi",
        "dora",
        "--team",
        "core",
        "--since",
        "2026-01-01",
        "--until",
        "2026-02-28",
        "--write",
        "--records",
        "records",
    ],
}


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_every_command_that_writes_records_takes_turns_through_the_lock(writer, org, tmp_path):
    root, _, _ = org
    goal = (root / "people/ann/goals/2026-Q1-latency.yaml").read_text(encoding="utf-8")
    (root / "people/ann/goals/2026-Q2-latency.yaml").write_text(  # something for a review draft to rate
        goal.replace("period: 2026-Q1", "period: 2026-Q2").replace("due: 2026-03-31", "due: 2026-06-30"),
        encoding="utf-8",
    )
    before = tree(root)
    holder = Holder(records_lock_path(root))
    try:
        run = perfdocs(*WRITERS[writer], cwd=tmp_path, env={"PERFDOCS_LOCK_TIMEOUT": "0.2"})
    finally:
        holder.release()
    busy = LOCK_BUSY.fullmatch(run.stderr)
    assert run.exit_code == 2 and busy and run.stdout == "", run.transcript()
    assert int(busy["pid"]) == holder.proc.pid
    assert tree(root) == before  # nothing was written while another command held the lock
    after = perfdocs(*WRITERS[writer], cwd=tmp_path)  # and once it is free, the command works
    assert after.exit_code == 0, after.transcript()
    assert not (root / RECORDS_LOCK).exists()


def test_init_force_over_an_existing_records_folder_takes_its_turn_through_the_lock(tmp_path, isolated_git):
    """init --force rewrites files of a records folder other commands may be writing: it checks
    and writes while holding that folder's lock, and writes nothing while another holds it."""
    assert perfdocs("init", "repo", cwd=tmp_path).exit_code == 0
    root = tmp_path / "repo" / "records"
    (root / "org.yaml").write_text("kind: org\nid: edited\n", encoding="utf-8")
    before = tree(tmp_path / "repo")
    holder = Holder(records_lock_path(root))
    try:
        run = perfdocs("init", "repo", "--force", cwd=tmp_path, env={"PERFDOCS_LOCK_TIMEOUT": "0.2"})
    finally:
        holder.release()
    busy = LOCK_BUSY.fullmatch(run.stderr)
    assert run.exit_code == 2 and busy and run.stdout == "", run.transcript()
    assert int(busy["pid"]) == holder.proc.pid
    assert tree(tmp_path / "repo") == before  # nothing was written while another command held the lock
    after = perfdocs("init", "repo", "--force", cwd=tmp_path)
    assert after.exit_code == 0, after.transcript()
    assert "id: edited" not in (root / "org.yaml").read_text(encoding="utf-8")
    assert not (root / RECORDS_LOCK).exists()


# --- nothing leaks -----------------------------------------------------------------------------------

PRIVATE = "ZZPRIV"
"""Every private marker starts with this; none may reach a public or internal output."""
MARKER = r"ZZ(?:PRIV|INT)[A-Z]*|zzpriv[a-z]*"
INTERNAL = "ZZINT"
"""Internal markers: in internal outputs, never in public ones."""
ANN_EV = "people/ann/evidence/2026-03-01-retry-redesign.md"


def plant(root: Path) -> None:
    """Markers in every private place a record has: file name (its id), fields, nested
    fields, links and bodies; and in internal records."""
    ev = (root / ANN_EV).read_text(encoding="utf-8")
    (root / "people/ann/evidence/2026-06-01-zzprivslug.md").write_text(
        ev.replace("date: 2026-03-01", "date: 2026-06-01")
        .replace("title: Redesigned payment retries", f"title: {PRIVATE}TITLE retries\nvisibility: private")
        .replace("  - tiny/api#12", f"  - https://{PRIVATE.lower()}link.example/pip")
        .replace("Replaced ad-hoc", f"{PRIVATE}BODY Replaced ad-hoc"),
        encoding="utf-8",
    )
    review = root / "people/ann/reviews/2026-Q1.md"
    review.write_text(
        review.read_text(encoding="utf-8")
        .replace("quote: The retry", f"quote: {PRIVATE}QUOTE The retry")
        .replace("Ann had a strong quarter.", f"{PRIVATE}REVIEW Ann had a strong quarter."),
        encoding="utf-8",
    )
    goal = root / "people/ann/goals/2026-Q1-latency.yaml"
    goal.write_text(
        goal.read_text(encoding="utf-8")
        .replace("objective: Make retries cheaper", f"objective: {PRIVATE}GOAL cheaper retries")
        .replace("description: Retries per payment", f"description: {PRIVATE}KR retries"),
        encoding="utf-8",
    )
    person = root / "people/ann/person.yaml"
    person.write_text(
        person.read_text(encoding="utf-8").replace("name: Ann Example", f"name: {PRIVATE}NAME Ann"), encoding="utf-8"
    )
    packet = root / "people/ann/packets/2026-senior.md"
    packet.write_text(
        packet.read_text(encoding="utf-8") + f"\n{PRIVATE}PACKET notes for the committee.\n", encoding="utf-8"
    )
    metric = (root / "metrics/api-latency.yaml").read_text(encoding="utf-8")
    (root / "metrics/zz-internal.yaml").write_text(
        metric.replace("id: api-latency", "id: zzint-metric")
        .replace("name: API latency", f"name: {INTERNAL}NAME latency")
        .replace("purpose: Know", f"purpose: {INTERNAL}PURPOSE Know")
        + "visibility: internal\n",
        encoding="utf-8",
    )
    pm = (root / "postmortems/pm-1.md").read_text(encoding="utf-8")
    (root / "postmortems/pm-zzint.md").write_text(
        pm.replace("id: pm-1", "id: pm-zzint")
        .replace("title: API outage", f"title: {INTERNAL}PM outage")
        .replace("severity: sev2", "severity: sev2\nvisibility: internal")
        .replace("The API was down", f"{INTERNAL}PMBODY The API was down"),
        encoding="utf-8",
    )


def everything_in(folder: Path) -> str:
    return "\n".join(
        f"{p.relative_to(folder)}\n" + p.read_bytes().decode("utf-8", "replace")
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    )


def test_private_and_internal_markers_never_reach_an_output_for_an_audience_that_may_not_see_them(minimal, tmp_path):
    plant(minimal)
    planted = set(re.findall(MARKER, everything_in(minimal)))
    assert planted == {
        "ZZPRIVTITLE",
        "zzprivlink",
        "zzprivslug",
        "ZZPRIVBODY",
        "ZZPRIVQUOTE",
        "ZZPRIVREVIEW",
        "ZZPRIVGOAL",
        "ZZPRIVKR",
        "ZZPRIVNAME",
        "ZZPRIVPACKET",
        "ZZINTNAME",
        "ZZINTPURPOSE",
        "ZZINTPM",
        "ZZINTPMBODY",
    }, planted
    check = perfdocs("validate", "records", cwd=tmp_path)
    assert check.exit_code == 0, check.transcript()
    outputs: dict[str, dict[str, str]] = {"public": {}, "internal": {}}
    for audience in outputs:
        site = perfdocs(
            "build", "--records", "records", "--out", f"site-{audience}", "--audience", audience, cwd=tmp_path
        )
        assert site.exit_code == 0, site.transcript()
        outputs[audience]["site (every file: pages, search index, sitemap, assets)"] = everything_in(
            tmp_path / f"site-{audience}"
        )
        outputs[audience]["build messages"] = site.stdout + site.stderr
        for fmt in ("json", "csv"):
            export = perfdocs("export", "--records", "records", "--audience", audience, "--format", fmt, cwd=tmp_path)
            assert export.exit_code == 0, export.transcript()
            outputs[audience][f"export {fmt}"] = export.stdout + export.stderr
    for fmt in ("markdown", "html"):
        cal = perfdocs(
            "calibrate",
            "--records",
            "records",
            "--audience",
            "internal",
            "--period",
            "2026-Q1",
            "--format",
            fmt,
            cwd=tmp_path,
        )
        assert cal.exit_code == 0, cal.transcript()
        outputs["internal"][f"calibrate {fmt}"] = cal.stdout + cal.stderr
    leaks = [
        (audience, name, marker)
        for audience, named in outputs.items()
        for name, text in named.items()
        for marker in re.findall(MARKER, text)
        if marker.upper().startswith(PRIVATE) or (audience == "public" and marker.startswith(INTERNAL))
    ]
    assert leaks == []
    # The internal outputs do carry the internal records: the markers are really in the records.
    assert f"{INTERNAL}PM" in outputs["internal"]["site (every file: pages, search index, sitemap, assets)"]
    assert f"{INTERNAL}NAME" in outputs["internal"]["export json"]


ANN = "people/ann/person.yaml"
COMPENSATION = {
    "org": ("org.yaml", "kind: org\n", "kind: org\nsalary: 1\n"),
    "track": ("tracks/backend.yaml", "kind: track\n", "kind: track\nsalary: 1\n"),
    "competency-matrix": ("matrices/backend.yaml", "kind: competency-matrix\n", "kind: competency-matrix\nEquity: 1\n"),
    "team": ("teams/core.yaml", "kind: team\n", "kind: team\nbonus: 1\n"),
    "person": (ANN, "kind: person\n", "kind: person\nsalary: 120000\n"),
    "goal": ("people/ann/goals/2026-Q1-latency.yaml", "kind: goal\n", "kind: goal\npay-raise: 3%\n"),
    "evidence": (ANN_EV, "kind: evidence\n", "kind: evidence\nbonus: 1\n"),
    "postmortem": ("postmortems/pm-1.md", "kind: postmortem\n", "kind: postmortem\nstock: 1\n"),
    "review": ("people/ann/reviews/2026-Q1.md", "kind: review\n", "kind: review\nmerit increase: 4\n"),
    "packet": ("people/ann/packets/2026-senior.md", "kind: packet\n", "kind: packet\nTotal_Comp: 1\n"),
    "metric": ("metrics/api-latency.yaml", "kind: metric\n", "kind: metric\nrsu: 1\n"),
    "kpi": ("kpis/core/api-latency.yaml", "kind: kpi\n", "kind: kpi\ncompensation: 1\n"),
}


@pytest.mark.parametrize("kind", sorted(COMPENSATION))
def test_compensation_fields_are_rejected_in_every_kind_at_any_depth(kind, cli, minimal, tmp_path):
    rel, old, new = COMPENSATION[kind]
    edit(minimal / rel, old, new)
    field = new.splitlines()[-1].split(":")[0]
    line = 3 if rel.endswith(".md") else 2
    res = cli("validate", "records", cwd=tmp_path)
    expected = [
        f"records/{rel}:{line}:1: compensation field '{field}' is not allowed in any record: "
        "development is kept apart from pay [policy/compensation]"
    ]
    assert (res.exit_code, [line for line in res.stdout.splitlines() if "policy/compensation" in line]) == (
        1,
        expected,
    ), res
    # Nested, inside a list of mappings, the same.
    (minimal / "teams/nested.yaml").write_text(
        "kind: team\nid: nested\nname: Nested\nmanager: bob\nmembers: []\nslos:\n"
        "  - id: x\n    service: api\n    objective: Up.\n    target: 99\n    salary: 1\n",
        encoding="utf-8",
    )
    res = cli("validate", "records", cwd=tmp_path)
    assert (
        "records/teams/nested.yaml:11:5: compensation field 'salary' is not allowed in any record: "
        "development is kept apart from pay [policy/compensation]"
    ) in res.stdout.splitlines(), res
    # Names that carry a pay word are caught too, however they are written.
    edit(
        minimal / "teams/nested.yaml", "    salary: 1\n", "    baseSalary: 1\n    equity-grant: 2\n    on call pay: 3\n"
    )
    res = cli("validate", "records", cwd=tmp_path)
    assert [line for line in res.stdout.splitlines() if line.startswith("records/teams/nested.yaml")] == [
        f"records/teams/nested.yaml:{n}:5: compensation field '{name}' is not allowed in any record: "
        "development is kept apart from pay [policy/compensation]"
        for n, name in ((11, "baseSalary"), (12, "equity-grant"), (13, "on call pay"))
    ], res
    # And an output command refuses to run from such records with --strict; without, it leaves
    # them out, names them, and publishes none of what they say.
    build = cli("build", "--records", "records", "--out", tmp_path / "site", "--strict", cwd=tmp_path)
    assert build.exit_code == 1 and not (tmp_path / "site").exists(), build
    build = cli("build", "--records", "records", "--out", tmp_path / "site", cwd=tmp_path)
    if kind in SHARED_KINDS:  # what every record is read against: still all or nothing
        assert build.exit_code == 1 and not (tmp_path / "site").exists(), build
        return
    assert build.exit_code == 0 and f"records/{rel}" in build.stderr and "records/teams/nested.yaml" in build.stderr
    published = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "site").rglob("*") if p.is_file())
    assert "Nested" not in published and "equity" not in published

"""Faults are messages (issue 18, item 8): a full disk, a read-only mount, a refused
permission or a failing device during a command that writes is one line naming the path
and what to do, exit code 2, never "internal error ... please report it"; and `init` writes
all its files or none, so that it can simply be run again.

The disks are real: a small tmpfs (filled up with a filler file where the records must fit
first) and a read-only bind mount, which need root; without it these tests are skipped.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from perfdocs.fsutil import fault

from tests.support.files import FIXTURES, TODAY
from tests.support.git import GitRepo

FULL = "no space left on the device; free some space, then run again"
READ_ONLY = "the file system is read-only; choose a writable folder, or remount it read-write"


def tree(folder: Path) -> dict[str, bytes | None]:
    """Every file (its bytes) and folder (None) under `folder`, dot files included."""
    return {
        p.relative_to(folder).as_posix(): (None if p.is_dir() else p.read_bytes()) for p in sorted(folder.rglob("*"))
    }


def _mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True, text=True)


@pytest.fixture
def mounts(tmp_path: Path) -> Iterator[Callable[..., Path]]:
    """mounts('tmpfs', size) -> an empty tmpfs of that size; mounts('ro', folder) -> `folder`
    again, read-only (a bind mount). Unmounted at the end; skipped unless root can mount."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small or read-only file system needs root")
    made: list[Path] = []

    def mount(kind: str, arg: str | Path) -> Path:
        point = tmp_path / f"mnt{len(made)}"
        point.mkdir()
        try:
            if kind == "tmpfs":
                _mount("-t", "tmpfs", "-o", f"size={arg},mode=0755", "tmpfs", str(point))
            else:
                _mount("--bind", str(arg), str(point))
                made.append(point)
                _mount("-o", "remount,ro,bind", str(point))
                return point
        except (OSError, subprocess.CalledProcessError) as err:
            pytest.skip(f"cannot mount here: {getattr(err, 'stderr', '') or err}")
        made.append(point)
        return point

    yield mount
    for point in reversed(made):
        subprocess.run(["umount", "-l", str(point)], capture_output=True)


def fill(disk: Path, leave: int = 0) -> Path:
    """Fill `disk` up with one file, leaving about `leave` bytes free; returns the filler."""
    filler = disk / "filler"
    with open(filler, "wb", buffering=0) as fh:
        free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
        size = max(free - leave, 0)
        try:
            fh.write(b"\0" * size)
            if not leave:
                while True:  # whatever statvfs did not count
                    fh.write(b"\0" * 4096)
                    fh.flush()
        except OSError as err:
            assert err.errno == errno.ENOSPC
    return filler


def one_line_error(res, start: str, reason: str) -> None:
    assert res.exit_code == 2, res
    assert res.stderr == f"perfdocs: error: {start}: {reason}\n", res
    assert "internal error" not in res.stderr and "Traceback" not in res.stderr


# --- a full disk ----------------------------------------------------------------------------


def test_a_full_disk_during_build_names_the_site_and_leaves_nothing_behind(cli, minimal, tmp_path, mounts):
    disk = mounts("tmpfs", "32k")
    res = cli("build", "--records", minimal, "--out", disk / "site", cwd=tmp_path)
    assert res.exit_code == 2, res
    assert res.stderr.startswith(f"perfdocs: error: cannot write {disk.relative_to(tmp_path)}/site/"), res
    assert res.stderr.endswith(f": {FULL}\n") and res.stderr.count("\n") == 1, res
    assert list(disk.iterdir()) == []  # no half-built folder, no lock file


def test_a_full_disk_during_new_names_the_record_and_changes_nothing(cli, mounts, tmp_path):
    disk = mounts("tmpfs", "1m")
    records = disk / "records"
    shutil.copytree(FIXTURES / "minimal", records)
    fill(disk)
    before = tree(disk)
    res = cli("new", "evidence", "--author", "bob", "--title", "Disk full", "--records", records, cwd=tmp_path)
    one_line_error(res, f"cannot write mnt0/records/people/bob/evidence/{TODAY}-disk-full.md", FULL)
    assert tree(disk) == before  # not even the folder it would have made


def test_a_full_disk_during_export_names_the_file(cli, minimal, mounts, tmp_path):
    disk = mounts("tmpfs", "64k")
    fill(disk)
    res = cli("export", "-o", disk / "out.json", "--records", minimal, cwd=tmp_path)
    one_line_error(res, f"cannot write {disk.relative_to(tmp_path)}/out.json", FULL)
    assert sorted(p.name for p in disk.iterdir()) == ["filler"]


def test_a_full_disk_during_codeowners_names_the_file(cli, mounts, tmp_path):
    disk = mounts("tmpfs", "1m")
    records = disk / "records"
    shutil.copytree(FIXTURES / "minimal", records)
    fill(disk)
    before = tree(disk)
    res = cli("codeowners", "--records", records, cwd=tmp_path)
    one_line_error(res, "cannot write mnt0/CODEOWNERS", FULL)
    assert tree(disk) == before


def test_init_on_a_disk_too_small_for_git_leaves_nothing(cli, mounts, tmp_path, isolated_git):
    disk = mounts("tmpfs", "64k")
    res = cli("init", "new-records", cwd=disk)
    assert res.exit_code == 2, res
    assert res.stderr.startswith("perfdocs: error: git init failed in new-records: "), res
    assert list(disk.iterdir()) == []


def test_init_failing_half_way_takes_back_what_it_wrote_and_a_rerun_succeeds(cli, mounts, isolated_git):
    """The repository is made inside an existing one (no git init), on a disk with room for a
    few of its files: the first ones are written, a later one fails, and the undo leaves the
    disk as it was; with room again, the same command succeeds."""
    disk = mounts("tmpfs", "1m")
    GitRepo(disk / "top")
    filler = fill(disk, leave=16 * 1024)  # room for about four of init's eleven files
    before = tree(disk)
    res = cli("init", "new-records", cwd=disk / "top")
    one_line_error(res, res.stderr.split(": ")[2], FULL)  # whichever file did not fit
    assert res.stderr.startswith("perfdocs: error: cannot write new-records/"), res
    assert tree(disk) == before
    filler.unlink()
    again = cli("init", "new-records", cwd=disk / "top")
    assert again.exit_code == 0, again
    assert cli("validate", cwd=disk / "top" / "new-records").exit_code == 0


# --- a read-only mount -----------------------------------------------------------------------


@pytest.fixture
def read_only(mounts, tmp_path) -> Path:
    """The minimal records, and a folder beside them, on a read-only mount."""
    writable = tmp_path / "writable"
    shutil.copytree(FIXTURES / "minimal", writable / "records")
    (writable / "out").mkdir()
    return mounts("ro", writable)


def test_new_on_a_read_only_mount_names_the_records_folder(cli, read_only, tmp_path):
    res = cli("new", "evidence", "--author", "bob", "--title", "Read only", "--records", read_only / "records")
    one_line_error(res, f"cannot write {read_only}/records/.perfdocs.lock", READ_ONLY)


@pytest.mark.parametrize(
    "args",
    [
        ["build", "--out", "{ro}/out/site"],
        ["export", "-o", "{ro}/out/records.json"],
        ["kpi", "dora", "--team", "core", "--write", "--records", "{ro}/records"],
        ["links", "resolve", "--write", "--records", "{ro}/records"],
        ["codeowners", "--records", "{ro}/records"],
        ["init", "{ro}/out/new"],
    ],
    ids=lambda a: " ".join(a[:2]),
)
def test_every_writer_on_a_read_only_mount_is_one_line(cli, minimal, read_only, args, isolated_git):
    argv = [a.format(ro=read_only) for a in args]
    if "--records" not in argv and argv[0] != "init":
        argv += ["--records", str(minimal)]
    res = cli(*argv)
    assert res.exit_code == 2, res
    assert res.stderr.startswith(f"perfdocs: error: cannot write {read_only}/"), res
    assert res.stderr.endswith(f": {READ_ONLY}\n") and res.stderr.count("\n") == 1, res


# --- a refused permission, a failing device --------------------------------------------------


@pytest.mark.parametrize(
    ("args", "path"),
    [
        (["new", "evidence", "--author", "bob", "--title", "x", "--records", "records"], "records/.perfdocs.lock"),
        (["build", "--records", "records", "--out", "records-site/site"], "records-site/.site.lock"),
    ],
    ids=["new", "build"],
)
def test_a_refused_permission_names_the_path(tmp_path, args, path):
    """Root may write anywhere: the command runs without the capabilities that let it
    (CAP_DAC_OVERRIDE), so the folders' own permissions, read-only, hold."""
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("dropping root's permission override needs root and setpriv")
    shutil.copytree(FIXTURES / "minimal", tmp_path / "records")
    (tmp_path / "records-site").mkdir()
    for folder in [tmp_path / "records", *(tmp_path / "records").rglob("*"), tmp_path / "records-site"]:
        if folder.is_dir():
            folder.chmod(0o555)
    env = {**os.environ, "PERFDOCS_TODAY": TODAY, "NO_COLOR": "1", "PERFDOCS_CACHE": "0"}
    env.pop("PERFDOCS_TRACEBACK", None)
    drop = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"]
    try:
        out = subprocess.run(
            [*drop, sys.executable, "-m", "perfdocs", *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        for folder in [tmp_path / "records", *(tmp_path / "records").rglob("*"), tmp_path / "records-site"]:
            if folder.is_dir():
                folder.chmod(0o755)
    if "setpriv:" in out.stderr:
        pytest.skip(f"setpriv cannot drop capabilities here: {out.stderr.strip()}")
    assert (out.returncode, out.stderr) == (
        2,
        f"perfdocs: error: cannot write {path}: permission denied; "
        "check the folder's owner and permissions, or choose another folder\n",
    ), out


@pytest.mark.parametrize(
    ("code", "said"),
    [
        (errno.EIO, "input/output error; the disk or network file system failed: check it, then run again"),
        (errno.EDQUOT, "the disk quota is exceeded; free some space or raise the quota, then run again"),
        (errno.EPERM, "operation not permitted; check the folder's owner and permissions, or choose another folder"),
    ],
)
def test_the_faults_no_test_disk_can_make_are_told_the_same_way(code, said):
    """A failing device (EIO) and a quota cannot be made on demand here; the message is the
    same function's, given the error the kernel would give."""
    err = OSError(code, os.strerror(code), "/var/records/.x.tmp")
    assert str(fault(err, Path("/var/records/x.md"))) == f"cannot write /var/records/x.md: {said}"
    assert str(fault(err, doing="use")) == f"cannot use /var/records/.x.tmp: {said}"
    assert fault(OSError(errno.ENOENT, "gone")) is None  # not a fault of the machine: it stays what it is


def test_the_generated_gitignore_covers_what_a_killed_command_leaves(cli, tmp_path, isolated_git):
    """kill -9 mid-write leaves a temporary file, a half-built site folder or a lock file:
    none of them may end up committed by `git add -A`."""
    assert cli("init", "repo", cwd=tmp_path).exit_code == 0
    left = [
        "records/people/ann/evidence/.2026-11-24-x.md.k3j2_a.tmp",
        "records/.perfdocs.lock",
        ".site.lock",
        ".site.building-x1y2/index.html",
        ".site.old-x1y2/index.html",
        ".CODEOWNERS.4242.old",
    ]
    out = subprocess.run(
        ["git", "check-ignore", "--no-index", *left], cwd=tmp_path / "repo", capture_output=True, text=True
    )
    assert out.stdout.splitlines() == left

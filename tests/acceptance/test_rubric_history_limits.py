"""The rubric history reads past versions of a matrix through the records parser and its
limits: a version that breaks one is skipped with a note on the history page, never
expanded. Before, an alias bomb in an old commit made every later `perfdocs build` run out
of memory, though today's file validated."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

from perfdocs.records import parse

from tests.support.files import REPO
from tests.support.git import GitRepo

MINIMAL = REPO / "tests/fixtures/minimal"

ALIAS_BOMB = textwrap.dedent(
    """\
    kind: matrix
    a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
    b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
    c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
    d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
    e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
    f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
    g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
    h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
    i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
    """
)
HUGE = "kind: matrix\n" + "# " + "x" * (40 * 1024 * 1024) + "\n"
DEEP = "kind: matrix\nnested: " + "[" * 10_000 + "]" * 10_000 + "\n"

# Measured in a fresh process, so that only this build's processes count.
MEASURE = """\
import resource, subprocess, sys
out = subprocess.run(sys.argv[1:], capture_output=True, text=True, timeout=300)
sys.stdout.write(f"{out.returncode}\\n{resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}\\n")
sys.stderr.write(out.stderr)
"""


def test_old_versions_that_break_the_loader_limits_are_skipped_with_a_note(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "org")
    files = {
        p.relative_to(MINIMAL).as_posix(): p.read_text(encoding="utf-8") for p in MINIMAL.rglob("*") if p.is_file()
    }
    matrix = files["matrices/backend.yaml"]
    rel = "records/matrices/backend.yaml"
    repo.commit("Initial records", {f"records/{k}": v for k, v in files.items()}, date="2026-01-05T10:00:00+00:00")
    bomb = repo.commit("An alias bomb", {rel: ALIAS_BOMB}, date="2026-02-01T10:00:00+00:00")
    huge = repo.commit("A 40 MB matrix", {rel: HUGE}, date="2026-03-01T10:00:00+00:00")
    deep = repo.commit("10,000 levels deep", {rel: DEEP}, date="2026-04-01T10:00:00+00:00")
    repo.commit("Back to a valid matrix", {rel: matrix}, date="2026-05-01T10:00:00+00:00")

    env = {**os.environ, "PYTHONPATH": str(REPO), "PERFDOCS_TODAY": "2026-11-24", "NO_COLOR": "1"}
    build = [
        sys.executable,
        "-m",
        "perfdocs",
        "build",
        "--records",
        str(repo.path / "records"),
        "--out",
        str(tmp_path / "site"),
    ]
    measured = subprocess.run(
        [sys.executable, "-c", MEASURE, *build], env=env, capture_output=True, text=True, timeout=360
    )
    code, peak_kb = measured.stdout.split()
    assert code == "0", measured.stderr
    assert int(peak_kb) < 400 * 1024, f"peak RSS {int(peak_kb) // 1024} MB"

    page = (tmp_path / "site/rubric/history.html").read_text(encoding="utf-8")
    heads = re.findall(r"<code>([0-9a-f]{10})</code>", page)
    notes = re.findall(r'<p class="notice small">([^<]+)</p>', page)
    # newest first: the valid matrix (its previous version was skipped), then the three bad ones
    assert heads[1:4] == [deep[:10], huge[:10], bomb[:10]]
    assert notes == [
        "The previous version was skipped: nesting deeper than 50 levels [yaml/too-deep]",
        "This version was skipped: nesting deeper than 50 levels [yaml/too-deep]",
        f"This version was skipped: {len(HUGE.encode()):,} bytes, larger than the "
        f"{parse.MAX_FILE_BYTES:,} bytes records may hold [file/too-large]",
        "This version was skipped: the document holds more than 100,000 values (aliases expanded); "
        "records are refused beyond that [yaml/too-many-nodes]",
    ]
    assert "first version" in page  # the initial commit is still described

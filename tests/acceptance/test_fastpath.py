"""The fast path reports exactly what the rich path reports.

`validate` normally parses large folders in worker processes and lets a compiled schema
validator (jsonschema-rs) pass valid records, so that jsonschema only explains the ones
that fail. `validate(fast=False)` is the reference: one process, every record through
jsonschema. Every invalid case of tests/support/cases.py must come out the same both ways,
positions included, and so must the parallel loader.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from perfdocs.records import load, schemas
from perfdocs.records.parse import load_file
from perfdocs.validation import validate

from tests.support.cases import MUTATIONS
from tests.support.files import REPO


def _report(root, **kwargs) -> list[tuple]:
    report = validate(root, **kwargs)
    return [(d.path, d.line, d.col, d.rule, d.message, d.severity, d.hint) for d in report.diagnostics]


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_fast_and_rich_paths_report_the_same_problems(name, minimal, monkeypatch):
    monkeypatch.setenv("PERFDOCS_CACHE", "0")
    MUTATIONS[name](minimal)
    rich = _report(minimal, fast=False)
    assert rich, "every mutation breaks a rule"
    assert _report(minimal) == rich


def _in_a_new_process(function: str, *args):
    """What `function` of this module returns when called in a new interpreter, through JSON.

    The loader and the site never fork a threaded process, and this test session has threads
    (the browser tests' server and Playwright), so forking is tested where it really happens."""
    code = f"import json, sys, tests.acceptance.test_fastpath as t; print(json.dumps(t.{function}(*json.loads(sys.argv[1]))))"
    done = subprocess.run(
        [sys.executable, "-c", code, json.dumps([str(a) for a in args])],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _parallel_load(root: str) -> dict:
    assert threading.active_count() == 1  # else the loader would not fork, and this compares nothing
    load.PARALLEL_MIN_FILES = 1
    load.CHUNK_FILES = 2  # many shares, as at scale
    parallel = load.load_records(Path(root), workers=2)
    single = load.load_records(Path(root), workers=1)
    return {
        "report": [list(d) for d in _report(Path(root), fast=True)],
        "same": [(r.rel, r.data, r.body, r.schema_ok, r.doc.path, r.display, r.doc.yaml_text) for r in parallel.records]
        == [(r.rel, r.data, r.body, r.schema_ok, r.doc.path, r.display, r.doc.yaml_text) for r in single.records],
        "problems": [d.text() for d in parallel.diagnostics] == [d.text() for d in single.diagnostics],
        # A value every share repeats is held once, however many shares it came back in.
        "shared": len({id(r.data["kind"]) for r in parallel.records if r.kind == "evidence"}) == 1,
        # And a list takes the room of its items, not the room unpickling it left.
        "compact": all(sys.getsizeof(v) == sys.getsizeof(v[:]) for r in parallel.records for v in _lists(r.data)),
        "lists": sum(1 for r in parallel.records for _ in _lists(r.data)),
    }


def _lists(value: object) -> Iterator[list]:
    """Every list in a record's data."""
    if isinstance(value, list):
        yield value
    for item in value.values() if isinstance(value, dict) else value if isinstance(value, list) else ():
        yield from _lists(item)


@pytest.mark.parametrize(
    "name",
    [
        "schema-type",
        "schema-format",
        "yaml-duplicate-key",
        "ref-unknown-person",
        "file-encoding",
        "id-collision-case",
        "policy-compensation",
    ],
)
def test_parallel_loader_reports_the_same_problems_as_one_process(name, minimal, monkeypatch):
    monkeypatch.setenv("PERFDOCS_CACHE", "0")
    MUTATIONS[name](minimal)
    rich = _report(minimal, fast=False)
    forked = _in_a_new_process("_parallel_load", minimal)
    assert forked["report"] == [list(d) for d in rich]
    assert forked["problems"]
    assert forked["same"]
    assert forked["shared"]
    assert forked["compact"] and forked["lists"] > 10


def test_every_record_of_the_example_organisation_passes_the_compiled_validator(example):
    records = load.load_records(example, workers=1).records
    failing = [r.rel for r in records if not r.schema_ok and not list(schemas.check(r.kind, r.data))]
    assert records and not failing, "records the compiled validator sends to jsonschema for nothing"


# Values where a compiled validator could disagree with jsonschema: Unicode digits and
# whitespace, Python's '$' before a final newline, calendar-invalid dates, numbers that do
# not fit 64 bits, booleans for numbers, floats for integers, duplicates that are only
# equal as numbers. Wherever the fast path says "valid", jsonschema must agree.
EDGE_VALUES = [
    "",
    " ",
    "\n",
    "a\n",
    "a b",
    "\x1c",
    "a\x1c@b.example",
    "a@b",
    "a @b",
    "a@b\n",
    "\u00a0a@b",
    "2026-02-30",
    "2026-02-28",
    "2026-02-28\n",
    "\u0662\u0660\u0662\u0666-01-01",
    "2026-Q1",
    "2026-Q1\n",
    "2026-Q\u0661",
    "https://x",
    "https://x\n",
    "l2",
    "L2",
    "caf\u00e9",
    "0" * 40,
    "0" * 39 + "\n",
    0,
    1,
    -1,
    1.0,
    1.5,
    2**63,
    2**64 + 1,
    -(2**70),
    10**400,
    True,
    False,
    None,
    math.inf,
    -math.inf,
    [],
    [1, 1.0],
    [True, 1],
    ["a", "a"],
    ["a", "b"],
    {},
    {"x": 1},
]


@pytest.mark.parametrize(
    "rel",
    [
        "people/ann/person.yaml",
        "people/ann/evidence/2026-03-01-retry-redesign.md",
        "people/ann/goals/2026-Q1-latency.yaml",
        "people/ann/reviews/2026-Q1.md",
        "postmortems/pm-1.md",
        "kpis/core/api-latency.yaml",
        "org.yaml",
    ],
)
def test_the_compiled_validator_never_passes_what_jsonschema_rejects(rel, minimal):
    data = load_file(minimal / rel).data
    kind = data["kind"]
    checked = 0

    def paths(value, path=()):
        yield path
        if isinstance(value, dict):
            for key, child in value.items():
                yield from paths(child, path + (key,))
        elif isinstance(value, list):
            for i, child in enumerate(value):
                yield from paths(child, path + (i,))

    def replaced(value, path, new):
        if not path:
            return new
        copy = dict(value) if isinstance(value, dict) else list(value)
        copy[path[0]] = replaced(value[path[0]], path[1:], new)
        return copy

    for path in list(paths(data))[1:]:
        for new in EDGE_VALUES:
            candidate = replaced(data, path, new)
            if schemas.fast_valid(kind, candidate):
                assert list(schemas.check(kind, candidate)) == [], (path, new)
                checked += 1
    assert checked  # some replacements are valid, and those were compared


def _tree(folder) -> dict:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _build(records: str, out: str, workers: str, templates: str = "") -> dict:
    """Builds the site rendering over `workers` processes: its counts, or the error."""
    import perfdocs.site.builder as site
    from perfdocs.errors import PerfdocsError

    assert threading.active_count() == 1
    site.PARALLEL_MIN_PAGES = 1
    site._workers = lambda: int(workers)
    try:
        result = site.build(Path(records), Path(out), "internal", templates=Path(templates) if templates else None)
    except PerfdocsError as err:
        return {"error": str(err)}
    return {"pages": result.pages, "files": result.files}


def test_a_site_rendered_by_several_processes_equals_one_rendered_by_one(example, tmp_path):
    one = _in_a_new_process("_build", example, tmp_path / "one", 1)
    several = _in_a_new_process("_build", example, tmp_path / "several", 3)
    assert several == one and one["pages"] > 20
    assert _tree(tmp_path / "several") == _tree(tmp_path / "one")


def test_a_template_error_names_the_same_page_however_many_processes_render(example, tmp_path):
    from perfdocs.site.render import template_dir

    templates = tmp_path / "templates"
    shutil.copytree(template_dir(), templates)
    evidence = templates / "evidence.html.j2"
    evidence.write_text(
        evidence.read_text(encoding="utf-8").replace("{% block main %}", "{% block main %}{{ no_such_variable.x }}", 1),
        encoding="utf-8",
    )
    errors = []
    for workers in (1, 2, 3):
        errors.append(_in_a_new_process("_build", example, tmp_path / f"out{workers}", workers, templates)["error"])
        assert not (tmp_path / f"out{workers}").exists()  # nothing half-built is left behind
    assert errors[0].startswith("template evidence.html.j2 failed for evidence/")
    assert errors == [errors[0]] * 3


def _build_with_progress(records: str, out: str) -> dict:
    """A parallel build given a progress bar: what the bar was told and shown."""
    from contextlib import contextmanager

    import perfdocs.site.builder as site

    assert threading.active_count() == 1
    site.PARALLEL_MIN_PAGES = 1
    site._workers = lambda: 2
    bar: dict = {"shown": []}

    @contextmanager
    def progress(pages, n):
        bar["length"] = n

        def each():
            for page in pages:
                bar["shown"].append(page.path)
                yield page

        yield each()

    result = site.build(Path(records), Path(out), "internal", progress=progress)
    return {"pages": result.pages, "length": bar["length"], "shown": bar["shown"]}


def test_a_parallel_build_with_a_progress_bar_still_renders_over_the_cores(example, tmp_path):
    # The bar follows the parent's share of the pages, every other page, and says how many.
    run = _in_a_new_process("_build_with_progress", example, tmp_path / "site")
    one = _in_a_new_process("_build", example, tmp_path / "one", 1)
    assert run["length"] == len(run["shown"]) == (run["pages"] + 1) // 2 and run["pages"] == one["pages"]
    assert _tree(tmp_path / "site") == _tree(tmp_path / "one")

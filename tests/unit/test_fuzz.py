"""Property-based and fuzz tests: whatever the input, the loader and the validator return
Diagnostics (never an exception), and every Diagnostic points inside its file.

Valid records are generated from the JSON Schemas themselves (schemas/*.schema.json),
by `from_schema` below, which knows exactly the keywords those schemas use and refuses
any other, so a schema change cannot silently weaken the tests. (hypothesis-jsonschema
was considered: it does not resolve $refs across files such as
"common.schema.json#/$defs/id", and these schemas need only a small subset of JSON Schema.)
Generated records are then mutated as people and tools break files: keys dropped or
renamed, values of the wrong type, duplicated keys, random bytes, truncation.

Runs are reproducible on CI (derandomize) and never write a Hypothesis database into the
repository.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from perfdocs.diagnostics import Diagnostic
from perfdocs.errors import PerfdocsError
from perfdocs.records import schemas
from perfdocs.records.parse import load_file, load_text
from perfdocs.validation import validate

from tests.support.files import FIXTURES

CI = bool(os.environ.get("CI"))
SCALE = float(os.environ.get("PERFDOCS_FUZZ_SCALE", "1"))
"""Multiply every example count (PERFDOCS_FUZZ_SCALE=20 for a long local fuzzing run)."""


def examples(n: int) -> int:
    return max(1, int(n * SCALE))


SETTINGS = {
    "database": None,
    "derandomize": CI,
    "deadline": None,
    # On CI a failure is reported as found: shrinking it can take minutes.
    "phases": [Phase.explicit, Phase.reuse, Phase.generate] if CI else list(Phase),
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
}
KNOWN = {
    "$schema",
    "$id",
    "$defs",
    "title",
    "description",
    "type",
    "enum",
    "const",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "minItems",
    "maxItems",
    "minLength",
    "maxLength",
    "uniqueItems",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "pattern",
    "format",
    "propertyNames",
    "minProperties",
    "oneOf",
    "$ref",
    "if",
    "then",
}
CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x85\u2028\u2029")
"""Any character but surrogates and the three YAML reads as line breaks (perfdocs refuses
those raw, and PyYAML's own emitter writes them lossily)."""
TEXT = st.text(CHARS, max_size=30)


# --- valid records from the schemas ---------------------------------------------------------------


def _resolve(ref: str, base: str) -> tuple[dict, str]:
    file, _, pointer = ref.partition("#")
    doc_name = file or base
    node: Any = schemas.schema_documents()[doc_name]
    for part in filter(None, pointer.split("/")):
        node = node[part]
    return node, doc_name


def _regex(pattern: str) -> st.SearchStrategy[str]:
    return st.from_regex(pattern.replace(r"\d", "[0-9]"), fullmatch=True)


def _string(schema: dict) -> st.SearchStrategy[str]:
    fmt = schema.get("format")
    if fmt == "date":
        return st.dates(dt.date(2000, 1, 1), dt.date(2026, 11, 24)).map(dt.date.isoformat)
    if fmt == "date-time":
        return st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2026, 11, 24), timezones=st.just(dt.UTC)).map(
            lambda d: d.isoformat(timespec="seconds")
        )
    if fmt == "email":
        return st.from_regex(r"[a-z]{1,8}@[a-z]{1,8}\.example", fullmatch=True)
    lo, hi = schema.get("minLength", 0), schema.get("maxLength", 40)
    if "pattern" in schema:
        return _regex(schema["pattern"]).filter(lambda s: lo <= len(s) <= hi)
    return st.text(CHARS, min_size=lo, max_size=min(hi, 40))


def _merged(schema: dict, more: dict) -> dict:
    """`schema` with `more`'s constraints added (required lists joined, sub-schemas merged)."""
    out = dict(schema)
    for key, value in more.items():
        if key == "required":
            out[key] = [*out.get(key, []), *(v for v in value if v not in out.get(key, []))]
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merged(out[key], value)
        else:
            out[key] = value
    return out


def from_schema(schema: dict, base: str) -> st.SearchStrategy[Any]:
    """Values valid against `schema` (a node of the schema document `base`)."""
    unknown = set(schema) - KNOWN
    assert not unknown, f"from_schema does not know {sorted(unknown)} (in {base}); teach it"
    if "then" in schema:
        # values that meet `then` whatever `if` says are valid either way
        schema = _merged({k: v for k, v in schema.items() if k not in ("if", "then")}, schema["then"])
    if "$ref" in schema:
        target, doc = _resolve(schema["$ref"], base)
        return from_schema(target, doc)
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if "oneOf" in schema:
        return st.one_of([from_schema(s, base) for s in schema["oneOf"]])
    kind = schema.get("type")
    if isinstance(kind, list):
        return st.one_of([from_schema({**schema, "type": k}, base) for k in kind])
    if kind == "string":
        return _string(schema)
    if kind in ("integer", "number"):
        lo, hi = schema.get("minimum"), schema.get("maximum")
        if "exclusiveMinimum" in schema:
            lo = schema["exclusiveMinimum"] + (1 if kind == "integer" else 0.001)
        if kind == "integer":
            return st.integers(lo if lo is not None else -1000, hi if hi is not None else 10**6)
        return st.one_of(
            st.integers(int(lo) + 1 if lo is not None else -1000, int(hi) if hi is not None else 10**6),
            st.floats(
                lo if lo is not None else -1e6, hi if hi is not None else 1e6, allow_nan=False, allow_infinity=False
            ),
        )
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    if kind == "array" or "items" in schema:
        items = from_schema(schema.get("items", {"type": "string"}), base)
        lo = schema.get("minItems", 0)
        hi = schema.get("maxItems", lo + 3)
        unique = (lambda v: json.dumps(v, sort_keys=True)) if schema.get("uniqueItems") else None
        return st.lists(items, min_size=lo, max_size=hi, unique_by=unique)
    if kind == "object" or "properties" in schema:
        return _object(schema, base)
    return st.one_of(st.none(), st.booleans(), st.integers(), TEXT)  # {}: anything


def _object(schema: dict, base: str) -> st.SearchStrategy[dict]:
    props = schema.get("properties", {})
    required = [k for k in schema.get("required", []) if k in props]
    optional = sorted(set(props) - set(required))
    extra = schema.get("additionalProperties", True)

    @st.composite
    def build(draw):
        out = {k: draw(from_schema(props[k], base)) for k in required}
        least = max(0, schema.get("minProperties", 0) - len(required))
        chosen = st.lists(st.sampled_from(optional), unique=True, min_size=least, max_size=len(optional))
        for key in draw(chosen) if optional else ():
            out[key] = draw(from_schema(props[key], base))
        if isinstance(extra, dict):
            names = from_schema(schema.get("propertyNames", {"type": "string"}) | {"type": "string"}, base)
            for key in draw(st.lists(names, unique=True, max_size=3)):
                if key not in props:
                    out[key] = draw(from_schema(extra, base))
        return out

    return build()


def records(kind: str) -> st.SearchStrategy[dict]:
    name = f"{kind}.schema.json"
    return from_schema(schemas.schema_documents()[name], name)


# --- files from records --------------------------------------------------------------------------

MARKDOWN = {"evidence", "postmortem", "review", "packet"}
PLACES = {
    "org": "org.yaml",
    "track": "tracks/fuzz.yaml",
    "competency-matrix": "matrices/fuzz.yaml",
    "competency-set": "competency-sets/fuzz.yaml",
    "team": "teams/fuzz.yaml",
    "person": "people/fuzz/person.yaml",
    "goal": "people/ann/goals/2026-Q2-fuzz.yaml",
    "evidence": "people/ann/evidence/2026-06-01-fuzz.md",
    "postmortem": "postmortems/fuzz.md",
    "review": "people/ann/reviews/2026-Q2.md",
    "packet": "people/ann/packets/fuzz.md",
    "ratings-preview": "people/ann/previews/2026-q2.yaml",
    "metric": "metrics/fuzz.yaml",
    "kpi": "kpis/core/fuzz.yaml",
}
assert set(PLACES) == set(schemas.KINDS)


def as_file(kind: str, data: dict, body: str = "Narrative.\n") -> str:
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=80)
    return f"---\n{text}---\n{body}" if kind in MARKDOWN else text


def lines_of(raw: bytes) -> list[str]:
    """The file's lines as perfdocs numbers them (\\r\\n, \\r and \\n end a line)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")  # encoding errors are reported with byte columns
    text = text.removeprefix("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def assert_inside(diag: Diagnostic, cwd: Path) -> None:
    path = cwd / diag.path
    if not path.is_file():  # e.g. ref/missing-org names the org.yaml that should exist
        assert (diag.line, diag.col) == (1, 1), diag.text()
        return
    lines = lines_of(path.read_bytes())
    assert 1 <= diag.line <= len(lines), f"{diag.text()}: the file has {len(lines)} lines"
    assert 1 <= diag.col <= len(lines[diag.line - 1]) + 1, (
        f"{diag.text()}: line {diag.line} has {len(lines[diag.line - 1])} characters"
    )
    assert "\n" not in diag.text() and "\x1b" not in diag.text() and "Traceback" not in diag.message, diag.text()


# --- mutations ------------------------------------------------------------------------------------

WRONG = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    TEXT,
    st.lists(TEXT, max_size=2),
    st.dictionaries(TEXT, TEXT, max_size=2),
)


def _paths(value: Any, path: tuple = ()) -> list[tuple]:
    found = [path]
    if isinstance(value, dict):
        for k, v in value.items():
            found += _paths(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found += _paths(v, path + (i,))
    return found


def _set(data: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    data[head] = _set(data[head], rest, value)
    return data


@st.composite
def mutated(draw, kind: str) -> bytes:
    data = draw(records(kind))
    for _ in range(draw(st.integers(1, 3))):
        how = draw(st.sampled_from(["drop", "rename", "retype", "nest"]))
        paths = [p for p in _paths(data) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        if how == "drop":
            if isinstance(parent, dict):
                del parent[path[-1]]
            else:
                parent.pop(path[-1])
        elif how == "rename" and isinstance(parent, dict):
            parent[draw(TEXT)] = parent.pop(path[-1])
        elif how == "retype":
            data = _set(data, path, draw(WRONG))
        else:
            data = _set(data, path, {"deeper": [draw(WRONG), {"x": draw(WRONG)}]})
    text = as_file(kind, data).encode("utf-8")
    lines = text.split(b"\n")
    for _ in range(draw(st.integers(0, 3))):
        how = draw(st.sampled_from(["bytes", "truncate", "duplicate-line", "drop-line", "tab", "crlf", "swap"]))
        i = draw(st.integers(0, max(0, len(lines) - 1)))
        if how == "bytes":
            junk = draw(st.binary(min_size=1, max_size=8))
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + junk + lines[i][at:]
        elif how == "truncate":
            lines = lines[:i] + [lines[i][: draw(st.integers(0, len(lines[i])))]]
        elif how == "duplicate-line":
            lines.insert(i, lines[i])  # a duplicated key, at whatever depth the line is
        elif how == "drop-line" and len(lines) > 1:
            lines.pop(i)
        elif how == "tab":
            lines[i] = b"\t" + lines[i]
        elif how == "crlf":
            lines[i] = lines[i] + b"\r"
        elif how == "swap" and len(lines) > 1:
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
    return b"\n".join(lines)


# --- properties -------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", schemas.KINDS)
@settings(max_examples=examples(10), **SETTINGS)
@given(data=st.data())
def test_generated_records_are_valid_and_load_back_unchanged(kind, data):
    record = data.draw(records(kind))
    assert list(schemas.validator(kind).iter_errors(record)) == []
    doc = load_text(as_file(kind, record), Path(PLACES[kind]))
    assert doc.diagnostics == []
    assert doc.data == record


@pytest.fixture(scope="module")
def org_copy(tmp_path_factory) -> Path:
    cwd = tmp_path_factory.mktemp("fuzz")
    shutil.copytree(FIXTURES / "minimal", cwd / "pristine")
    return cwd


@pytest.mark.parametrize("kind", schemas.KINDS)
@settings(max_examples=examples(8), **SETTINGS)
@given(data=st.data())
def test_mutated_records_never_crash_validate_and_every_diagnostic_is_inside_its_file(kind, data, org_copy):
    raw = data.draw(mutated(kind))
    root = org_copy / "records"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(org_copy / "pristine", root)
    target = root / PLACES[kind]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(raw)
    cwd = os.getcwd()
    os.chdir(org_copy)
    try:
        report = validate(Path("records"))
    except PerfdocsError as err:  # only an environment problem may stop it, never bad content
        pytest.fail(f"validate raised PerfdocsError for bad content: {err}")
    finally:
        os.chdir(cwd)
    for diag in report.diagnostics:
        assert_inside(diag, org_copy)


@settings(max_examples=examples(200), **SETTINGS)
@given(
    raw=st.one_of(st.binary(max_size=400), st.text(max_size=400).map(lambda t: t.encode("utf-8", "surrogatepass"))),
    suffix=st.sampled_from([".yaml", ".md"]),
)
def test_any_bytes_give_diagnostics_inside_the_file_never_an_exception(raw, suffix, tmp_path_factory):
    folder = tmp_path_factory.mktemp("bytes", numbered=True)
    path = folder / f"r{suffix}"
    path.write_bytes(raw)
    doc = load_file(path, f"r{suffix}")
    for diag in doc.diagnostics:
        assert_inside(diag, folder)
    if doc.data is not None:
        assert isinstance(doc.data, dict)


YAMLISH = st.lists(
    st.sampled_from(
        [
            "kind: team",
            "id: x",
            "a:",
            "  - b",
            "  c: d",
            "- e",
            "{f: [g",
            "]}",
            "&a h",
            "*a",
            "? i",
            ": j",
            "---",
            "...",
            "k: |",
            "  l",
            "\t",
            "'m",
            '"n\\q"',
            "!!str o",
            "!t p",
            "%YAML 1.1",
            "<<: *a",
            "q: 'r",
            "s: 2026-02-30",
            "#c",
            "",
        ]
    ),
    max_size=12,
)


@settings(max_examples=examples(300), **SETTINGS)
@given(lines=YAMLISH, markdown=st.booleans())
def test_yaml_shaped_noise_gives_diagnostics_inside_the_file(lines, markdown, tmp_path_factory):
    text = "\n".join(lines) + "\n"
    if markdown:
        text = "---\n" + text + "---\nbody\n"
    folder = tmp_path_factory.mktemp("noise", numbered=True)
    (folder / "r.md").write_text(text, encoding="utf-8")
    doc = load_text(text, Path("r.md"), "r.md", markdown=markdown)
    for diag in doc.diagnostics:
        assert_inside(diag, folder)
    if doc.data is not None:  # the data is plain: only dicts, lists, text, numbers, booleans, null
        assert json.loads(json.dumps(doc.data)) is not None or doc.data == {}
        assert re.search(r"<object|python", repr(doc.data)) is None

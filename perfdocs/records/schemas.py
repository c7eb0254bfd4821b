"""The JSON Schemas of the record kinds, and schema errors turned into Diagnostics.

Schemas are read once from `schemas/` (the repository's top-level folder, carried
inside the package by the wheel), registered by their `$id` so that `$ref`s between
them resolve offline, and each kind gets one reused Draft 2020-12 validator with a
format checker (jsonschema does not check `format` without one). jsonschema and its
compiled twin are imported when a validator is first needed, not with this module: the
command line's `--help` imports it (through `new`) and must stay fast.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from functools import cache
from typing import TYPE_CHECKING, Any

from perfdocs.errors import PerfdocsError
from perfdocs.records import numbers
from perfdocs.resources import data_dir
from perfdocs.text import did_you_mean

if TYPE_CHECKING:  # imported when a validator is first needed: `perfdocs --help` never loads them
    from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
    from jsonschema.exceptions import ValidationError  # type: ignore[import-untyped]
    from referencing import Registry

Explained = tuple[str, tuple[Any, ...], bool, str, str | None]
"""(rule, path, at_key, message, hint) of one schema problem."""

SCHEMA_BASE = "https://perfdocs.dev/schemas/v1/"
KINDS = (
    "org",
    "track",
    "competency-matrix",
    "competency-set",
    "team",
    "person",
    "goal",
    "evidence",
    "postmortem",
    "review",
    "packet",
    "ratings-preview",
    "metric",
    "kpi",
)


@cache
def schema_documents() -> dict[str, dict[str, Any]]:
    """File name -> schema document, for every schema in the schemas folder."""
    out = {}
    for path in sorted(data_dir("schemas").glob("*.schema.json")):
        out[path.name] = json.loads(path.read_text(encoding="utf-8"))
    return out


@cache
def registry() -> Registry:
    from referencing import Registry, Resource

    resources = [(doc["$id"], Resource.from_contents(doc)) for doc in schema_documents().values()]
    return Registry().with_resources(resources)


@cache
def validator(kind: str) -> Draft202012Validator:
    from jsonschema import FormatChecker

    doc = schema_documents().get(f"{kind}.schema.json")
    if doc is None:
        raise PerfdocsError(f"no schema for kind '{kind}'")
    return _validator_class()(doc, registry=registry(), format_checker=FormatChecker())


_BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")


@cache
def _validator_class() -> type[Draft202012Validator]:
    """Draft 2020-12 with finite, bounded numbers: where a schema's `type` admits a number,
    `.inf`, `.nan` and numbers beyond `numbers.LIMIT` are one `number` error (JSON Schema
    calls them numbers), and the field's own bounds stay quiet about them (they would
    repeat it, or, for NaN, which compares false to everything, pass it)."""
    from jsonschema import Draft202012Validator, validators
    from jsonschema.exceptions import ValidationError

    def number_type(validator: Any, types: Any, instance: Any, schema: dict[str, Any]) -> Iterator[Any]:
        admitted = types if isinstance(types, list) else [types]
        if numbers.out_of_range(instance) and ("number" in admitted or "integer" in admitted):
            yield ValidationError(
                _range_message(instance, schema, "number" not in admitted), validator="number", validator_value=None
            )
            return
        yield from Draft202012Validator.VALIDATORS["type"](validator, types, instance, schema)

    def quiet(keyword: str) -> Callable[..., Iterator[Any]]:
        check = Draft202012Validator.VALIDATORS[keyword]

        def bounded(validator: Any, value: Any, instance: Any, schema: dict[str, Any]) -> Iterator[Any]:
            if not numbers.out_of_range(instance):
                yield from check(validator, value, instance, schema)

        return bounded

    extended: type[Draft202012Validator] = validators.extend(
        Draft202012Validator, {"type": number_type, **{k: quiet(k) for k in _BOUNDS}}
    )
    return extended


def _range_message(value: Any, schema: dict[str, Any], whole: bool) -> str:
    """What a refused number's field accepts: its own bounds, within ±numbers.LIMIT."""
    low, high = f"-{numbers.RANGE.split(' to ')[1]}", numbers.RANGE.split(" to ")[1]
    if numbers.measure(schema.get("minimum")) is not None:
        low = f"{schema['minimum']:g}"
    elif numbers.measure(schema.get("exclusiveMinimum")) is not None:
        low = f"{schema['exclusiveMinimum']:g} (excluded)"
    if numbers.measure(schema.get("maximum")) is not None:
        high = f"{schema['maximum']:g}"
    elif numbers.measure(schema.get("exclusiveMaximum")) is not None:
        high = f"{schema['exclusiveMaximum']:g} (excluded)"
    kind = "a whole number" if whole else "a finite number"
    return f"must be {kind} from {low} to {high}, not {numbers.shown(value)}"


# --- fast path ---------------------------------------------------------------------------
# Most records are valid, and jsonschema's Python validator spends ~170 us proving it.
# A compiled validator (jsonschema-rs) answers "valid or not" in ~20 us; only a record it
# does not pass goes through `check`, which explains every error. The compiled validator
# must never pass a record that jsonschema rejects, so it runs jsonschema's own checks
# wherever the two could differ: every `format` calls jsonschema's FormatChecker and every
# `pattern` that Rust could read differently calls Python's `re.search`.

_PATTERN = "perfdocs-pattern:"
_RUST_DIFFERS = re.compile(r"\\[sSwWbB]|\(\?")
"""Pattern syntax that Rust's regex may read more leniently than Python's: `\\s` (Python's
includes U+001C..U+001F), word classes and boundaries, inline flags. Plain ASCII classes,
`\\d`, `.`, `^` and `$` are never more lenient in Rust, so those patterns stay compiled."""


def _python_checks(node: Any, formats: set[str], patterns: set[str]) -> Any:
    """A copy of a schema whose `pattern`s are custom formats, collecting both, and whose
    numbers are bounded by ±numbers.LIMIT (the compiled validator already refuses `.inf`
    and `.nan`, which JSON cannot hold)."""
    if isinstance(node, list):
        return [_python_checks(item, formats, patterns) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    admitted: list[Any] = node["type"] if isinstance(node.get("type"), list) else [node.get("type")]
    if "number" in admitted or "integer" in admitted:  # as the explained path's `number` check
        out["allOf"] = [{"minimum": -numbers.LIMIT, "maximum": numbers.LIMIT}]
    for key, value in node.items():
        if key in ("properties", "$defs", "patternProperties"):
            out[key] = {name: _python_checks(sub, formats, patterns) for name, sub in value.items()}
        elif key in ("enum", "const", "required"):
            out[key] = value
        elif key == "allOf":
            out[key] = [*out.get(key, []), *_python_checks(value, formats, patterns)]
        else:
            out[key] = _python_checks(value, formats, patterns)
    if isinstance(node.get("format"), str):
        formats.add(node["format"])
    if isinstance(node.get("pattern"), str) and _RUST_DIFFERS.search(node["pattern"]):
        pattern = out.pop("pattern")
        patterns.add(pattern)
        out["allOf"] = [*out.get("allOf", []), {"format": _PATTERN + pattern}]
    return out


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


def is_date(value: object) -> bool:
    """The 'date' format, as jsonschema's FormatChecker checks it."""
    if not isinstance(value, str):
        return True
    try:
        return bool(_DATE.fullmatch(value) and dt.date.fromisoformat(value))
    except ValueError:
        return False


def is_email(value: object) -> bool:
    """The 'email' format, as jsonschema's FormatChecker checks it."""
    return not isinstance(value, str) or "@" in value


def is_date_time(value: object) -> bool:
    """The 'date-time' format, as jsonschema's FormatChecker checks it: with the optional
    rfc3339-validator package when it is installed, and not at all without it."""
    if not isinstance(value, str):
        return True
    check = _rfc3339()
    return True if check is None else bool(check(value.upper()))


@cache
def _rfc3339() -> Callable[[str], Any] | None:
    """rfc3339-validator's check, if it is installed (looked for once: a failed import searches
    every folder of the path again, and a record may hold many date-times)."""
    try:
        from rfc3339_validator import validate_rfc3339
    except ImportError:
        return None
    check: Callable[[str], Any] = validate_rfc3339
    return check


FORMATS: dict[str, Callable[[Any], bool]] = {"date": is_date, "email": is_email, "date-time": is_date_time}
"""The formats the schemas use, checked here as jsonschema's FormatChecker checks them (a test
compares them): the compiled validator calls them for every record, and importing jsonschema
costs ~50 ms of a quick `validate` that checks a few entries. Any other format asks FormatChecker."""


@cache
def _format_checker() -> Any:
    """jsonschema's FormatChecker, for the formats other than 'date' (imported when first used)."""
    from jsonschema import FormatChecker

    return FormatChecker()


@cache
def _fast_setup() -> tuple[dict[str, Any], Any, dict[str, Callable[[Any], bool]]] | None:
    """What every compiled validator shares: the schemas as the compiled validator reads them,
    their registry, and the formats and patterns checked in Python."""
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - every record then takes the rich path
        return None
    formats: set[str] = set()
    patterns: set[str] = set()
    docs = {name: _python_checks(doc, formats, patterns) for name, doc in schema_documents().items()}

    def conforms(name: str) -> Callable[[Any], bool]:
        native = FORMATS.get(name)
        return native if native is not None else lambda value: _format_checker().conforms(value, name)

    def matches(pattern: str) -> Callable[[Any], bool]:
        compiled = re.compile(pattern)
        return lambda value: compiled.search(value) is not None

    custom = {name: conforms(name) for name in formats}
    custom.update({_PATTERN + p: matches(p) for p in patterns})
    registry = jsonschema_rs.Registry([(doc["$id"], doc) for doc in docs.values()])
    return docs, registry, custom


@cache
def _fast_validator(kind: str) -> Callable[[Any], bool] | None:
    """The compiled validator of one kind (compiled when first needed: a quick `validate`
    checks a few evidence entries, and compiling every kind's costs ~80 ms)."""
    setup = _fast_setup()
    if setup is None or kind not in KINDS:
        return None
    import jsonschema_rs

    docs, registry, custom = setup
    doc = docs.get(f"{kind}.schema.json")
    if doc is None:
        return None
    is_valid: Callable[[Any], bool] = jsonschema_rs.validator_for(
        doc, registry=registry, formats=custom, validate_formats=True
    ).is_valid
    return is_valid


def _fast_validators() -> dict[str, Callable[[Any], bool]] | None:
    """Every kind's compiled validator (compiled before a parse forks its workers, so that
    each inherits them)."""
    if _fast_setup() is None:
        return None
    return {kind: v for kind in KINDS if (v := _fast_validator(kind)) is not None}


def fast_valid(kind: str, data: Any) -> bool:
    """True only if the record certainly passes its schema; False means: ask `check`."""
    is_valid = _fast_validator(kind) if isinstance(kind, str) else None
    if is_valid is None:
        return False
    try:
        return is_valid(data)
    except Exception:
        return False


def properties(kind: str) -> dict[str, Any]:
    found: dict[str, Any] = schema_documents()[f"{kind}.schema.json"].get("properties", {})
    return found


# --- errors ------------------------------------------------------------------------------


def _kebab(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def _field(path: tuple[Any, ...]) -> str:
    named = [p for p in path if isinstance(p, str)]
    return f"'{named[-1]}'" if named else "the record"


def _type_name(value: Any) -> str:
    return {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "a mapping",
        type(None): "empty (null)",
    }.get(type(value), type(value).__name__)


def _expected(schema_type: Any) -> str:
    names: dict[str, str] = {
        "string": "text",
        "integer": "a whole number",
        "number": "a number",
        "boolean": "true or false",
        "array": "a list",
        "object": "a mapping",
        "null": "null",
    }
    if isinstance(schema_type, list):
        alternatives: list[str] = schema_type  # a schema's "type" list holds type names
        return " or ".join(names.get(t, t) for t in alternatives)
    return names.get(schema_type, str(schema_type))


def _leaf(error: ValidationError) -> ValidationError:
    """For oneOf/anyOf, the error of the branch that matched best: for a mapping, the branch of
    mappings whose fields it uses most (so `{unchanged: true}` without its `note` is told the
    note is missing, not that it should be text), else as jsonschema ranks them."""
    from jsonschema.exceptions import best_match

    while error.context:
        context = _closest_branch(error) or error.context
        best = best_match(context)
        if best is None or best is error:
            break
        error = best
    return error


def _closest_branch(error: ValidationError) -> list[ValidationError] | None:
    """The errors of the oneOf/anyOf branch of mappings that shares most fields with a mapping
    instance (None when the instance is not a mapping, or no branch of mappings names a field of it)."""
    branches = error.validator_value if error.validator in ("oneOf", "anyOf") else None
    if not isinstance(error.instance, dict) or not isinstance(branches, list):
        return None
    keys = set(error.instance)
    shared = {
        i: len(keys & set(branch.get("properties", {})))
        for i, branch in enumerate(branches)
        if isinstance(branch, dict) and branch.get("type") == "object"
    }
    if not shared or max(shared.values()) == 0:
        return None
    best = max(shared, key=lambda i: shared[i])  # the first of equals: the schema's order
    found = [e for e in error.context if e.relative_schema_path and e.relative_schema_path[0] == best]
    return found or None


def explain(error: ValidationError) -> Iterator[Explained]:
    """(rule, path, at_key, message, hint) for one jsonschema error."""
    top = error
    error = _leaf(error)
    path = tuple(error.absolute_path)
    keyword = error.validator
    value = error.instance
    if keyword == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        extras = [k for k in value if k not in error.schema.get("properties", {})]
        for extra in extras:
            yield (
                "schema/unknown-field",
                path + (extra,),
                True,
                f"unknown field '{extra}'{did_you_mean(extra, allowed)}",
                None,
            )
        return
    if keyword == "required":
        missing = re.match(r"'(.+)' is a required property", error.message)
        name = missing.group(1) if missing else error.message
        yield "schema/required", path, True, f"missing required field '{name}'", _add_hint(name, error)
        return
    if keyword == "type":
        yield (
            "schema/type",
            path,
            False,
            f"{_field(path)} must be {_expected(error.validator_value)}, not {_type_name(value)}",
            "quote it: YAML reads an unquoted 1, 2.5 or yes as a number or a boolean"
            if error.validator_value == "string" and isinstance(value, (int, float, bool))
            else None,
        )
        return
    if keyword in ("enum", "const"):
        choices = error.validator_value if keyword == "enum" else [error.validator_value]
        # As YAML spells them: true, not Python's 'True'.
        shown = ", ".join(str(c).lower() if isinstance(c, bool) else f"'{c}'" for c in choices)
        yield (
            "schema/enum",
            path,
            False,
            f"{value!r} is not allowed for {_field(path)}{did_you_mean(value, choices)}",
            f"expected {shown}" if len(choices) == 1 else f"expected one of: {shown}",
        )
        return
    if keyword == "number":
        yield "schema/number", path, False, f"{_field(path)} {error.message}", None
        return
    if keyword == "format":
        yield (
            "schema/format",
            path,
            False,
            f"{value!r} is not a valid {error.validator_value} for {_field(path)}",
            _format_hint(error.validator_value, value),
        )
        return
    if keyword == "pattern":
        if "A-Za-z0-9" in error.validator_value:
            yield (
                "schema/id",
                path,
                False,
                f"{value!r} is not a valid id for {_field(path)}",
                "ids are ASCII letters, digits, '.', '_' and '-'",
            )
        else:
            yield (
                "schema/pattern",
                path,
                False,
                f"{value!r} does not have the expected form for {_field(path)}",
                # The schema's description says the form in words (a regex does not teach).
                error.schema.get("description") or f"pattern {error.validator_value}",
            )
        return
    if keyword == "propertyNames":
        yield f"schema/{_kebab(keyword)}", path, True, f"invalid key in {_field(path)}: {error.message}", None
        return
    if top is not error and top.validator in ("oneOf", "anyOf"):
        yield f"schema/{_kebab(keyword)}", path, False, f"{_field(path)}: {error.message}", None
        return
    yield f"schema/{_kebab(keyword)}", path, False, f"{_field(path)}: {error.message}", None


DATE_EXAMPLE = "2026-11-04"


def _format_hint(fmt: str, value: Any) -> str | None:
    """How to write a date or a date-time, with the value itself as the example when it is
    one with single-digit parts (2026-11-4 -> 2026-11-04)."""
    if fmt == "date":
        parts = re.fullmatch(r"\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\s*", value) if isinstance(value, str) else None
        example = f"{parts[1]}-{int(parts[2]):02d}-{int(parts[3]):02d}" if parts else DATE_EXAMPLE
        if example == value or not _real_date(example):
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value)):
                return "there is no such day in the calendar: check the month and the day (YYYY-MM-DD)"
            example = DATE_EXAMPLE
        return f"write dates as YYYY-MM-DD, e.g. {example}"
    if fmt == "date-time":
        return f"write times as YYYY-MM-DDTHH:MM:SSZ, e.g. {DATE_EXAMPLE}T09:30:00Z"
    if fmt == "email":
        return "an address such as ann@example.com"
    return None


def _real_date(text: str) -> bool:
    import datetime

    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _add_hint(name: str, error: ValidationError) -> str:
    """What to add for a missing field: its allowed values, or the form of a date."""
    prop = error.schema.get("properties", {}).get(name, {}) if isinstance(error.schema, dict) else {}
    ref = prop.get("$ref", "") if isinstance(prop, dict) else ""
    choices = prop.get("enum") if isinstance(prop, dict) else None
    if isinstance(choices, list) and choices:
        return f"add '{name}:' with one of: {', '.join(map(str, choices))}"
    if ref.endswith("/date") or (isinstance(prop, dict) and prop.get("format") == "date"):
        return f"add '{name}:' with a date, e.g. {name}: {DATE_EXAMPLE}"
    if isinstance(prop, dict) and "type" in prop:
        return f"add '{name}:' ({_expected(prop['type'])})"
    return f"add '{name}:'"


def check(kind: str, data: dict[str, Any]) -> Iterator[Explained]:
    """Every schema problem of a record, as (rule, path, at_key, message, hint): one per
    value, so that a date like 2026-11-4, which breaks both its format and its pattern, is
    one error (the format's, which says how to write it), not two."""
    found = [problem for error in validator(kind).iter_errors(data) for problem in explain(error)]
    formats = {tuple(path) for rule, path, _, _, _ in found if rule == "schema/format"}
    yield from (p for p in found if not (p[0] == "schema/pattern" and tuple(p[1]) in formats))

"""The schemas `init` writes into a records repository (.perfdocs/schemas/) work offline: a peer
tool, check-jsonschema, checks the example's records with them and no network, and finds the
schema errors `perfdocs validate` finds, at the same places; the editor's settings map every
YAML record to its kind's schema."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from perfdocs.records.load import load_records
from perfdocs.records.parse import positions

from tests.support.files import edit

CHECK_JSONSCHEMA = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent)) or shutil.which(
    "check-jsonschema"
)
pytestmark = pytest.mark.skipif(CHECK_JSONSCHEMA is None, reason="check-jsonschema is not installed (test extra)")

OFFLINE = {
    # any download, by requests (check-jsonschema) or anything else, goes to a closed port
    "HTTP_PROXY": "http://127.0.0.1:9",
    "HTTPS_PROXY": "http://127.0.0.1:9",
    "http_proxy": "http://127.0.0.1:9",
    "https_proxy": "http://127.0.0.1:9",
    "NO_PROXY": "",
    "no_proxy": "",
}


@pytest.fixture
def example(cli, tmp_path, isolated_git) -> Path:
    """`perfdocs init demo --example`, with two schema errors planted in its YAML records."""
    assert cli("init", "demo", "--example", cwd=tmp_path).exit_code == 0
    demo = tmp_path / "demo"
    edit(demo / "records/people/alice/person.yaml", "level: l4", "level: 4")
    edit(demo / "records/teams/payments.yaml", "visibility: public", "visibility: secret")
    return demo


def json_path(text: str) -> tuple[str | int, ...]:
    """check-jsonschema's `$.key_results[0]['x-y']` as keys and indexes."""
    parts: list[str | int] = []
    for key, index, quoted in re.findall(r"\.([^.\[]+)|\[(\d+)\]|\['([^']*)'\]", text.removeprefix("$")):
        parts.append(int(index) if index else (key or quoted))
    return tuple(parts)


def check_jsonschema(records: Path, schemas: Path) -> set[tuple[str, int, int]]:
    """(file, line, column) of every error check-jsonschema reports on the YAML records, each kind
    checked with its written schema, offline and without a cache."""
    by_kind: dict[str, list[str]] = defaultdict(list)
    for record in load_records(records).records:
        if record.rel.endswith(".yaml"):
            by_kind[record.kind].append(record.rel)
    found = set()
    for kind, files in sorted(by_kind.items()):
        out = subprocess.run(
            [CHECK_JSONSCHEMA, "--no-cache", "-o", "json", "--schemafile", schemas / f"{kind}.schema.json", *files],
            cwd=records,
            env={**os.environ, **OFFLINE},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert out.returncode in (0, 1), f"{kind}: {out.stdout}\n{out.stderr}"  # 1: errors found, not a failure
        report = json.loads(out.stdout)
        assert report.get("parse_errors", []) == [], report
        for error in report["errors"]:
            text = (records / error["filename"]).read_text(encoding="utf-8")
            line, col = positions(text, 0).locate(json_path(error["path"]))
            found.add((f"records/{error['filename']}", line, col))
    return found


def test_check_jsonschema_reports_the_schema_errors_validate_reports_offline(cli, example):
    res = cli("validate", "--no-links", "--format", "json", cwd=example)
    assert res.exit_code == 1, res
    ours = {
        (d["path"], d["line"], d["col"])
        for d in json.loads(res.stdout)["diagnostics"]
        if d["rule"].startswith("schema/")
    }
    assert ours == {("records/people/alice/person.yaml", 8, 8), ("records/teams/payments.yaml", 6, 13)}
    theirs = check_jsonschema(example / "records", example / ".perfdocs/schemas")
    assert theirs == ours


def test_the_written_schemas_resolve_their_refs_from_their_own_folder(cli, tmp_path, isolated_git):
    """Moved anywhere, the copies still check a record: no $ref goes to a web address."""
    assert cli("init", "r", cwd=tmp_path).exit_code == 0
    moved = tmp_path / "elsewhere/schemas"
    shutil.copytree(tmp_path / "r/.perfdocs/schemas", moved)
    for path in moved.glob("*.json"):
        doc = json.loads(path.read_text())
        assert "$id" not in doc
        refs = re.findall(r'"\$ref": "([^"]*)"', path.read_text())
        assert all("://" not in ref for ref in refs), (path.name, refs)
    edit(tmp_path / "r/records/people/ann/person.yaml", "level: l2", "level: [l2]")
    out = subprocess.run(
        [CHECK_JSONSCHEMA, "--no-cache", "--schemafile", moved / "person.schema.json", "people/ann/person.yaml"],
        cwd=tmp_path / "r/records",
        env={**os.environ, **OFFLINE},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert (out.returncode, out.stderr) == (1, "")
    assert out.stdout == (
        "Schema validation errors were encountered.\n  people/ann/person.yaml::$.level: ['l2'] is not of type 'string'\n"
    )


def glob_pattern(glob: str) -> re.Pattern[str]:
    """VS Code's glob ('**' any folders, '*' within one) as a regular expression."""
    parts = re.split(r"(\*\*/|\*)", glob)
    body = "".join({"**/": "(?:.*/)?", "*": "[^/]*"}.get(p, re.escape(p)) for p in parts)
    return re.compile(body + r"\Z")


def test_the_editor_settings_map_every_yaml_record_of_the_example_to_its_kinds_schema(cli, example):
    settings = json.loads((example / ".vscode/settings.json").read_text())["yaml.schemas"]
    patterns = {schema: [globs] if isinstance(globs, str) else globs for schema, globs in settings.items()}
    for schema in patterns:
        assert (example / schema).is_file(), schema
    checked = 0
    for record in load_records(example / "records").records:
        if not record.rel.endswith(".yaml"):
            continue
        rel = f"records/{record.rel}"
        matching = [s for s, globs in patterns.items() if any(glob_pattern(g).match(rel) for g in globs)]
        assert matching == [f".perfdocs/schemas/{record.kind}.schema.json"], rel
        checked += 1
    assert checked > 50

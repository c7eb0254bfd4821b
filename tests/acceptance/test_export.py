"""`perfdocs export`: what an audience may see, as JSON or CSV; private records never."""

from __future__ import annotations

import csv
import io
import json

import pytest

from perfdocs.records import organisation
from perfdocs.records.load import load_records
from perfdocs.repo import export

from tests.support.files import edit

PRIVATE = "PRIVATE-MARKER-7f3a"
INTERNAL = "INTERNAL-MARKER-91c2"


@pytest.fixture
def org_folder(minimal):
    """The minimal organisation with one internal metric, one public evidence entry, and
    markers in a private and an internal record."""
    edit(minimal / "metrics/api-latency.yaml", "kind: metric\n", "kind: metric\nvisibility: internal\n")
    edit(minimal / "metrics/api-latency.yaml", "purpose: Know", f"purpose: {INTERNAL} Know")
    edit(
        minimal / "people/bob/evidence/2026-04-02-rotation.md",
        "  - operations\n",
        "  - operations\nvisibility: public\n",
    )
    edit(minimal / "people/ann/evidence/2026-03-01-retry-redesign.md", "shared policy", f"shared policy {PRIVATE}")
    return minimal


def test_json_export_for_the_public_has_only_public_records(cli, org_folder, tmp_path):
    res = cli("export", "--audience", "public", cwd=tmp_path / "records")
    assert res.exit_code == 0, res
    doc = json.loads(res.stdout)
    assert doc["audience"] == "public"
    assert [(r["kind"], r["id"], r["visibility"]) for r in doc["records"]] == [
        ("competency-matrix", "backend", "public"),
        ("evidence", "bob/2026-04-02-rotation", "public"),
        ("goal", "2026-q1-fast-api", "public"),
        ("kpi", "core-api-latency", "public"),
        ("org", "tiny", "public"),
        ("postmortem", "pm-1", "public"),
        ("team", "core", "public"),
        ("track", "backend", "public"),
    ]
    evidence = doc["records"][1]
    assert evidence == {
        "kind": "evidence",
        "id": "bob/2026-04-02-rotation",
        "path": "people/bob/evidence/2026-04-02-rotation.md",
        "visibility": "public",
        "fields": {
            "date": "2026-04-02",
            "author": "bob",
            "type": "on-call",
            "title": "Reworked the on-call rotation",
            "competencies": ["operations"],
        },
        "body": "Moved to a follow-the-sun rotation.\n",
    }
    assert PRIVATE not in res.stdout and INTERNAL not in res.stdout


def test_json_export_for_internal_adds_internal_records_but_never_private_ones(cli, org_folder, tmp_path):
    res = cli("export", cwd=tmp_path / "records")
    assert res.exit_code == 0, res
    doc = json.loads(res.stdout)
    assert doc["audience"] == "internal"
    assert ("metric", "api-latency", "internal") in [(r["kind"], r["id"], r["visibility"]) for r in doc["records"]]
    assert INTERNAL in res.stdout
    assert PRIVATE not in res.stdout
    assert not [r for r in doc["records"] if r["visibility"] == "private"]
    assert not [r for r in doc["records"] if r["kind"] in ("person", "review", "packet")]


def test_csv_export_has_a_row_per_record_and_a_column_per_field(cli, org_folder, tmp_path):
    edit(org_folder / "people/bob/evidence/2026-04-02-rotation.md", "title: Reworked", "title: =Reworked")
    res = cli("export", "--format", "csv", "--kind", "evidence", "--kind", "postmortem", cwd=tmp_path / "records")
    assert res.exit_code == 0, res
    assert res.stdout == (
        "kind,id,path,visibility,date,author,type,title,competencies,severity,team,services,started,"
        "detected,restored,participants,action_items,body\n"
        "evidence,bob/2026-04-02-rotation,people/bob/evidence/2026-04-02-rotation.md,public,2026-04-02,bob,"
        "on-call,'=Reworked the on-call rotation,operations,,,,,,,,,Moved to a follow-the-sun rotation.\n"
        "postmortem,pm-1,postmortems/pm-1.md,public,2026-05-09,,,API outage,,sev2,core,api,2026-05-09T10:00:00Z,"
        "2026-05-09T10:05:00Z,2026-05-09T11:00:00Z,ann; bob,"
        '"[{""owner"": ""ann"", ""status"": ""done"", ""title"": ""Add an alert""}]",'
        "The API was down for an hour.\n"
    )
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert [r["id"] for r in rows] == ["bob/2026-04-02-rotation", "pm-1"]


def test_export_writes_a_file_atomically_with_output(cli, org_folder, tmp_path):
    res = cli("export", "--format", "csv", "--audience", "public", "-o", tmp_path / "out.csv", cwd=tmp_path / "records")
    assert (res.exit_code, res.stdout) == (0, "")
    assert res.stderr == f"wrote 8 records to {tmp_path / 'out.csv'}\n"
    assert (tmp_path / "out.csv").read_text().startswith("kind,id,path,visibility,")


def test_compensation_fields_are_never_exported(org_folder):
    """Validation refuses them (the CLI exports nothing then); the exporter drops them anyway."""
    edit(org_folder / "goals/2026-q1-fast-api.yaml", "status: done\n", "status: done\nbonus: 5000\n")
    org, _ = organisation.build(load_records(org_folder).records)
    for fmt in ("json", "csv"):
        text = export.FORMATS[fmt](org, "internal")
        assert "bonus" not in text and "5000" not in text


def test_invalid_records_stop_a_strict_export_with_their_diagnostics(cli, org_folder, tmp_path):
    edit(org_folder / "goals/2026-q1-fast-api.yaml", "status: done\n", "status: done\nsalary: 1\n")
    res = cli("export", "--strict", cwd=tmp_path)
    assert (res.exit_code, res.stdout) == (
        1,
        "records/goals/2026-q1-fast-api.yaml:7:1: compensation field 'salary' "
        "is not allowed in any record: development is kept apart from pay "
        "[policy/compensation]\n"
        "   |\n"
        " 7 | salary: 1\n"
        "   | ^^^^^^\n"
        "\n",
    )
    res = cli("export", cwd=tmp_path)  # without --strict: left out, and named
    assert res.exit_code == 0, res
    assert "salary" not in res.stdout and "2026-q1-fast-api" not in res.stdout
    assert "skipped 1 invalid record (not exported): records/goals/2026-q1-fast-api.yaml" in res.stderr


def test_an_unknown_kind_is_a_usage_error(cli, org_folder, tmp_path):
    res = cli("export", "--kind", "evidense", cwd=tmp_path)
    assert (res.exit_code, res.stderr) == (2, "perfdocs: error: unknown kind 'evidense'; did you mean 'evidence'?\n")

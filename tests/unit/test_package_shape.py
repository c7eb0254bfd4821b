"""The package's shape: one failure family with its exit codes, and one data model whose
names stay importable from their former homes."""

from __future__ import annotations

from pathlib import Path

from perfdocs import errors, validation
from perfdocs.git.run import GitError
from perfdocs.records import load, model, parse


def test_every_failure_has_one_base_and_its_exit_code():
    assert issubclass(errors.PerfdocsError, errors.Failure) and errors.PerfdocsError.exit_code == 2
    assert issubclass(errors.InvalidRecords, errors.Failure) and errors.InvalidRecords.exit_code == 1
    assert issubclass(GitError, errors.PerfdocsError) and GitError.exit_code == 2


def test_invalid_records_carries_the_report_and_counts_its_errors():
    class Report:
        errors = 3

    report = Report()
    failure = errors.InvalidRecords(report)
    assert failure.report is report
    assert str(failure) == "3 error(s) in the records"


def test_the_former_homes_still_export_the_moved_names():
    assert validation.InvalidRecords is errors.InvalidRecords
    assert parse.Document is model.Document and parse.Positions is model.Positions
    assert load.Record is model.Record


def test_a_document_composes_its_positions_through_the_parser_when_asked():
    doc = parse.load_text("---\nkind: evidence\nlinks:\n  - acme/payments#412\n---\nBody.\n", Path("e.md"))
    assert "positions" not in vars(doc)  # not composed while loading
    assert doc.at(("links", 0)) == (4, 5)
    assert doc.at(("links",), key=True) == (3, 1)
    assert isinstance(doc.positions, model.Positions)

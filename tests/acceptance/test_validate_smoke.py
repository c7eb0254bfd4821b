"""The small hand-made organisation validates, and the CLI reports what it found."""

from __future__ import annotations

from tests.support.files import edit


def test_minimal_organisation_is_valid(cli, minimal):
    res = cli("validate", minimal)
    assert res.exit_code == 0, res
    assert res.stdout == ""
    assert res.stderr == "16 files checked: 0 errors, 0 warnings (ok)\n"


def test_a_misspelled_competency_is_one_precise_message(cli, minimal, tmp_path):
    edit(minimal / "people/ann/evidence/2026-03-01-retry-redesign.md", "  - design\n", "  - desing\n")
    res = cli("validate", "records", cwd=tmp_path)
    assert res.exit_code == 1, res
    assert res.stdout == (
        "records/people/ann/evidence/2026-03-01-retry-redesign.md:10:5: unknown competency 'desing' "
        "for track backend; did you mean 'design'? [ref/unknown-competency]\n"
        "    |\n"
        " 10 |   - desing\n"
        "    |     ^^^^^^\n"
        "\n"
    )

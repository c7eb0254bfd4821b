"""The README's example readiness report is exactly what `perfdocs packet check --format
markdown` prints for alice's packet today; regenerate it with the command below and paste
it between the markers when the example records change."""

from __future__ import annotations

from tests.support.files import REPO

BEGIN, END = "<!-- packet-check:begin -->", "<!-- packet-check:end -->"
COMMAND = ("packet", "check", "records/people/alice/packets/2026-h2-principal.md", "--format", "markdown")


def test_the_readme_shows_the_current_readiness_report_of_alices_packet(cli):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert BEGIN in readme and END in readme, f"README.md lost its {BEGIN} ... {END} block"
    block = readme.split(BEGIN, 1)[1].split(END, 1)[0].strip("\n") + "\n"
    res = cli(*COMMAND, cwd=REPO)
    assert res.exit_code == 0, res
    assert block == res.stdout, f"README.md is out of date: run `perfdocs {' '.join(COMMAND)}` and paste it"

"""The README's worked score example is exactly what `perfdocs score chen --period 2026-Q3`
prints for the example organisation today; regenerate it with the command below and paste it
between the markers when the example records or the scoring model change."""

from __future__ import annotations

from tests.support.files import REPO

BEGIN, END = "<!-- score-example:begin -->\n```text\n", "```\n<!-- score-example:end -->"
COMMAND = ("score", "chen", "--period", "2026-Q3", "--records", "records")


def test_the_readme_shows_the_current_score_of_chen_in_2026_q3(cli):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert BEGIN in readme and END in readme, "README.md lost its score-example block"
    block = readme.split(BEGIN, 1)[1].split(END, 1)[0]
    res = cli(*COMMAND, cwd=REPO)
    assert res.exit_code == 0, res
    assert block == res.stdout, f"README.md is out of date: run `perfdocs {' '.join(COMMAND)}` and paste it"
    assert "advisory: a prompt for a conversation, never a rating" in block

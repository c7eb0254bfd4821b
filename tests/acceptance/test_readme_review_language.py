"""The README's review-language example is true: the "before" narrative of chen's review gives
exactly the findings the README shows (`perfdocs review lint`, run on a copy of the example with
that narrative), and the "after" narrative is the one the example records hold, with no findings.
When the word lists or chen's review change, regenerate the block from the command it names."""

from __future__ import annotations

import shutil

from tests.support.files import REPO

REVIEW = "records/people/chen/reviews/2026-q3.md"


def _block(readme: str, name: str) -> str:
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    assert begin in readme and end in readme, f"README.md lost its {begin} ... {end} block"
    inner = readme.split(begin, 1)[1].split(end, 1)[0].strip("\n")
    lines = inner.splitlines()
    assert lines[0].startswith("```") and lines[-1] == "```", inner
    return "\n".join(lines[1:-1]) + "\n"


def _with_body(text: str, body: str) -> str:
    front, sep, _ = text.partition("\n---\n")
    return front + sep + "\n" + body


def test_the_readme_shows_what_review_lint_says_of_chens_first_draft(cli, tmp_path):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    shutil.copytree(REPO / "records", tmp_path / "records")
    review = tmp_path / REVIEW
    review.write_text(_with_body(review.read_text(encoding="utf-8"), _block(readme, "review-lint-before")))
    res = cli("review", "lint", REVIEW, cwd=tmp_path)
    assert res.exit_code == 0, res
    assert res.stdout.rstrip("\n") + "\n" == _block(readme, "review-lint"), (
        f"README.md is out of date: put the 'before' narrative into a copy and run `perfdocs review lint {REVIEW}`"
    )
    assert "11 warnings" in res.stderr


def test_the_readme_after_is_chens_recorded_narrative_and_reads_clean(cli):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    recorded = (REPO / REVIEW).read_text(encoding="utf-8")
    assert recorded.partition("\n---\n")[2].strip() + "\n" == _block(readme, "review-lint-after")
    res = cli("review", "lint", REVIEW, cwd=REPO)
    assert res.exit_code == 0, res
    assert res.stdout == ""

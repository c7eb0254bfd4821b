"""Rating changes after calibration, read from the git history of the review files (the audit
trail): a real repository holds the hand-built calibration organisation (tests/support/orgs.py).

The story: every record is committed on 2026-10-01; org.yaml records the 2026-Q3 calibration
meeting on 2026-10-14 (committed that day); on 2026-10-20 a2's rating goes from exceeds to meets.
"""

from __future__ import annotations

import pytest

from perfdocs.people import calibration
from perfdocs.validation import validate

from tests.support.cli import one_line
from tests.support.files import edit
from tests.support.git import GitRepo
from tests.support.orgs import calibration_org

A2 = "people/a2/reviews/2026-q3.md"
CALIBRATION = "calibration:\n  min_group: 1\n  periods:\n    2026-Q3: {deadline: 2026-10-07, meeting: 2026-10-14}\n"


@pytest.fixture
def story(tmp_path) -> tuple[GitRepo, dict[str, str]]:
    repo = GitRepo(tmp_path / "records")
    calibration_org(repo.path)
    repo.git("add", "-A")
    shas = {"records": repo.commit("The 2026-Q3 reviews", date="2026-10-01T12:00:00+00:00")}
    org = (repo.path / "org.yaml").read_text().replace("calibration:\n  min_group: 1\n", CALIBRATION)
    shas["calibration"] = repo.commit("2026-Q3 calibration", {"org.yaml": org}, date="2026-10-14T16:00:00+00:00")
    changed = (repo.path / A2).read_text().replace("rating: exceeds", "rating: meets")
    shas["change"] = repo.commit("a2: meets after all", {A2: changed}, date="2026-10-20T09:00:00+00:00")
    return repo, shas


def test_a_rating_changed_after_calibration_without_a_note_is_an_error(story, cli):
    repo, shas = story
    res = cli("validate", "records", cwd=repo.path.parent)
    assert res.exit_code == 1, res
    assert one_line(res.stdout) == (
        f"records/{A2}:10:9: rating changed from 'exceeds' to 'meets' after the 2026-Q3 calibration meeting (2026-10-14) "
        f"in commit {shas['change'][:12]} (2026-10-20), with no note (say why in the review: calibration: "
        "{changed_from: exceeds, note: ...}) [calibration/unexplained-change]\n"
    )


def test_the_note_in_the_review_explains_the_change_and_the_pack_links_its_commit(story):
    repo, shas = story
    edit(
        repo.path / A2,
        "rating: meets\n",
        "rating: meets\ncalibration: {changed_from: exceeds, note: Key result y was 70 %.}\n",
    )
    repo.git("add", "-A")
    repo.commit("a2: the note", date="2026-10-21T09:00:00+00:00")
    report = validate(repo.path)
    assert report.errors == 0, report.diagnostics
    cal = calibration.calibrate(report.org, "2026-Q3")
    assert [(c.review, c.before, c.after, c.note, c.commits, c.after_meeting) for c in cal.changes] == [
        ("a2/2026-q3", "exceeds", "meets", "Key result y was 70 %.", [(shas["change"], "2026-10-20")], True)
    ]
    assert cal.health.changed_in_calibration == 1
    # Reviews committed final by the 2026-10-07 deadline: a1 and a2 (b1 is a draft).
    assert (cal.health.deadline, cal.health.done_by_deadline) == ("2026-10-07", 2)
    # No ladder commit before the reviews' own: the rubric is the records commit they came with.
    assert {rid: (sha, source) for rid, sha, source in cal.rubric} == dict.fromkeys(
        ("a1/2026-q3", "a2/2026-q3", "b1/2026-q3"), (shas["records"], "from git")
    )


def test_an_uncommitted_change_is_a_change_too_and_a_change_back_is_none(story, cli):
    repo, _ = story
    edit(repo.path / A2, "rating: meets", "rating: below")
    assert "changed from 'exceeds' to 'below'" in cli("validate", "--records", repo.path).stdout
    edit(repo.path / A2, "rating: below", "rating: exceeds")
    assert cli("validate", "--records", repo.path).exit_code == 0


def test_the_commits_link_to_the_records_repository_when_the_org_says_where(story):
    repo, shas = story
    edit(
        repo.path / "org.yaml",
        "calibration:\n",
        "calibration:\n  commit_url: https://git.example/acme/records/commit/{sha}\n",
    )
    edit(repo.path / A2, "rating: meets\n", "rating: meets\ncalibration: {changed_from: exceeds, note: Recounted.}\n")
    text = calibration.render_markdown(validate(repo.path).org, "2026-Q3")
    assert f"[`{shas['change'][:12]}`](<https://git.example/acme/records/commit/{shas['change']}>) (2026-10-20)" in text
    assert "| `a2/2026-q3` | exceeds | meets | after the meeting | Recounted. |" in text


def test_a_records_folder_outside_git_has_no_history_to_check(tmp_path, cli):
    root = calibration_org(tmp_path / "plain")
    edit(root / "org.yaml", "calibration:\n  min_group: 1\n", CALIBRATION)
    assert cli("validate", "--records", root).exit_code == 0
    cal = calibration.calibrate(validate(root).org, "2026-Q3")
    assert cal.changes == [] and cal.health.done_by_deadline is None
    assert [source for _, _, source in cal.rubric] == ["unknown"] * 3


def test_a_review_with_no_commit_before_the_meeting_was_not_calibrated(tmp_path, cli):
    repo = GitRepo(tmp_path / "records")
    calibration_org(repo.path)
    edit(repo.path / "org.yaml", "calibration:\n  min_group: 1\n", CALIBRATION)
    repo.git("add", "-A")
    repo.commit("Late reviews", date="2026-10-30T12:00:00+00:00")
    edit(repo.path / A2, "rating: exceeds", "rating: meets")
    repo.git("add", "-A")
    repo.commit("a2", date="2026-10-31T12:00:00+00:00")
    assert cli("validate", "--records", repo.path).exit_code == 0

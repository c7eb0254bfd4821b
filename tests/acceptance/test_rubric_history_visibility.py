"""The rubric history respects visibility: a version of a matrix is described only if it was
visible to the audience at its commit (under the org's defaults of that commit), and a
commit's subject and author are shown only if the commit changed nothing else the audience
may not see. Real git repositories, real builds; the whole site is searched for the text
that must not leak (pages and the search index)."""

from __future__ import annotations

import re
from pathlib import Path

from perfdocs.site.rubric_history import MAX_FILES_READ

from tests.support.files import REPO
from tests.support.git import GitRepo

MINIMAL = REPO / "tests/fixtures/minimal"
MATRIX = "records/matrices/backend.yaml"
REVIEW = "records/people/ann/reviews/2026-Q1.md"
TEAM = "records/teams/core.yaml"


def _files() -> dict[str, str]:
    return {
        f"records/{p.relative_to(MINIMAL).as_posix()}": p.read_text(encoding="utf-8")
        for p in MINIMAL.rglob("*")
        if p.is_file()
    }


def _site_text(site: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(site.rglob("*")) if p.suffix in (".html", ".js"))


def _heads(site: Path) -> list[tuple[str, str, str]]:
    """(date, subject, author) of every commit on the history page, newest first."""
    page = (site / "rubric/history.html").read_text(encoding="utf-8")
    return re.findall(
        r'<time datetime="([^"]+)">[^<]+</time> · <strong>([^<]+)</strong> <span class="muted small">'
        r"(?:([^<]*) · )?<code>",
        page,
    )


def _build(cli, repo: GitRepo, site: Path, audience: str = "public") -> None:
    res = cli("build", "--records", repo.path / "records", "--out", site, "--audience", audience)
    assert res.exit_code == 0, res


def test_a_matrix_private_in_an_early_commit_never_shows_its_early_text_publicly(cli, tmp_path):
    files = _files()
    public = files[MATRIX]
    secret = public.replace("l3: Designs systems several teams build on.", "l3: SECRET draft wording for l3.")
    repo = GitRepo(tmp_path / "org")
    repo.commit(
        "Initial records",
        {k: v for k, v in files.items() if k != MATRIX},
        date="2026-01-05T10:00:00+00:00",
    )
    repo.commit(
        "Draft the backend matrix (SECRET subject)",
        {MATRIX: secret + "visibility: private\n"},
        date="2026-02-01T10:00:00+00:00",
        author=("Dana Drafter", "dana@example.com"),
    )
    repo.commit(
        "Rework the draft (SECRET again)",
        {MATRIX: secret.replace("Helps new joiners.", "SECRET helps.") + "visibility: private\n"},
        date="2026-02-15T10:00:00+00:00",
    )
    repo.commit("Publish the backend matrix", {MATRIX: public}, date="2026-03-01T10:00:00+00:00")
    repo.commit(
        "Raise the l3 design bar",
        {MATRIX: public.replace("several teams build on.", "several teams build on, written down.")},
        date="2026-04-01T10:00:00+00:00",
    )

    _build(cli, repo, tmp_path / "site")
    text = _site_text(tmp_path / "site")
    assert "SECRET" not in text and "Dana Drafter" not in text
    assert _heads(tmp_path / "site") == [
        ("2026-04-01", "Raise the l3 design bar", "Test"),
        ("2026-03-01", "Rubric updated", ""),  # it changed a private version: neutral
        ("2026-01-05", "Rubric updated", ""),  # the tracks file, with the private reviews
    ]
    page = (tmp_path / "site/rubric/history.html").read_text(encoding="utf-8")
    assert "<li>first version shown on this site (the earlier ones were not)</li>" in page


def test_the_org_defaults_of_the_past_commit_decide_a_version_without_visibility(cli, tmp_path):
    """The matrix never says `visibility`; org.yaml made matrices private, then public."""
    files = _files()
    org = files["records/org.yaml"]
    private_org = org.replace("visibility_defaults:\n", "visibility_defaults:\n  competency-matrix: private\n")
    early = files[MATRIX].replace("Mentors engineers across the team.", "SECRET mentoring text.")
    repo = GitRepo(tmp_path / "org")
    repo.commit(
        "Initial records",
        {**files, "records/org.yaml": private_org, MATRIX: early},
        date="2026-01-05T10:00:00+00:00",
    )
    repo.commit("SECRET rewording while private", {MATRIX: files[MATRIX]}, date="2026-02-01T10:00:00+00:00")
    repo.commit("Open the matrices", {"records/org.yaml": org}, date="2026-03-01T10:00:00+00:00")
    final = files[MATRIX].replace("Designs features end to end.", "Designs features end to end, with tests.")
    repo.commit("Final design text", {MATRIX: final}, date="2026-04-01T10:00:00+00:00")

    _build(cli, repo, tmp_path / "public")
    assert "SECRET" not in _site_text(tmp_path / "public")
    assert _heads(tmp_path / "public") == [
        ("2026-04-01", "Final design text", "Test"),  # public under the defaults of its commit
        ("2026-01-05", "Rubric updated", ""),  # the tracks file (public) came with private records
    ]
    page = (tmp_path / "public/rubric/history.html").read_text(encoding="utf-8")
    assert "<li>design at l2: \u201cDesigns features end to end.\u201d became" in page

    # the internal audience may not see private matrices either
    _build(cli, repo, tmp_path / "internal", "internal")
    assert "SECRET" not in _site_text(tmp_path / "internal")


def test_a_commit_that_also_touched_a_private_review_does_not_publish_its_subject(cli, tmp_path):
    files = _files()
    repo = GitRepo(tmp_path / "org")
    repo.commit("Initial records", files, date="2026-01-05T10:00:00+00:00")
    matrix = files[MATRIX].replace("Asks good questions.", "Asks good questions and writes down the answers.")
    repo.commit(
        "Rate ann exceeds and tweak mentoring",
        {MATRIX: matrix, REVIEW: files[REVIEW].replace("rating: exceeds", "rating: meets")},
        date="2026-02-01T10:00:00+00:00",
        author=("Bob Manager", "bob@example.com"),
    )
    team = files[TEAM] + "visibility: internal\n"
    repo.commit(
        "Reorganise core and clarify on-call",
        {MATRIX: matrix.replace("Handles on-call alone.", "Handles on-call alone, calmly."), TEAM: team},
        date="2026-03-01T10:00:00+00:00",
    )

    _build(cli, repo, tmp_path / "public")
    public = _site_text(tmp_path / "public")
    assert "Rate ann" not in public and "Reorganise core" not in public and "Bob Manager" not in public
    assert _heads(tmp_path / "public") == [
        ("2026-03-01", "Rubric updated", ""),  # the team became internal in the same commit
        ("2026-02-01", "Rubric updated", ""),
        ("2026-01-05", "Rubric updated", ""),  # the initial commit added the private reviews
    ]
    # what changed in the public matrix is still described: the rubric never changes silently
    assert "<li>mentoring at l1: \u201cAsks good questions.\u201d became" in public

    _build(cli, repo, tmp_path / "internal", "internal")
    assert "Rate ann" not in _site_text(tmp_path / "internal")
    assert _heads(tmp_path / "internal") == [
        ("2026-03-01", "Reorganise core and clarify on-call", "Test"),  # internal may see the team
        ("2026-02-01", "Rubric updated", ""),
        ("2026-01-05", "Rubric updated", ""),
    ]


def test_files_outside_the_records_folder_count_as_internal(cli, tmp_path):
    files = _files()
    repo = GitRepo(tmp_path / "org")
    repo.commit("Initial records", files, date="2026-01-05T10:00:00+00:00")
    matrix = files[MATRIX].replace("Asks good questions.", "Asks sharp questions.")
    repo.commit(
        "Sharper questions; bump the CI image",
        {MATRIX: matrix, ".github/workflows/ci.yml": "on: push\n"},
        date="2026-02-01T10:00:00+00:00",
    )
    repo.commit("Sharper still", {MATRIX: matrix.replace("sharp", "sharper")}, date="2026-03-01T10:00:00+00:00")
    _build(cli, repo, tmp_path / "public")
    assert [h[1] for h in _heads(tmp_path / "public")] == ["Sharper still", "Rubric updated", "Rubric updated"]
    _build(cli, repo, tmp_path / "internal", "internal")
    assert [h[1] for h in _heads(tmp_path / "internal")] == [
        "Sharper still",
        "Sharper questions; bump the CI image",
        "Rubric updated",
    ]


def test_a_commit_of_more_files_than_are_read_keeps_its_subject_to_itself(cli, tmp_path):
    """A bulk commit is not read file by file (MAX_FILES_READ): even the internal audience,
    who may see everything it changed, gets the neutral line."""
    files = _files()
    repo = GitRepo(tmp_path / "org")
    repo.commit("Initial records", files, date="2026-01-05T10:00:00+00:00")
    matrix = files[MATRIX].replace("Asks good questions.", "Asks sharp questions.")
    notes = {f"notes/{i:04d}.txt": f"note {i}\n" for i in range(MAX_FILES_READ)}
    for rel, text in {**notes, MATRIX: matrix}.items():
        (repo.path / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo.path / rel).write_text(text, encoding="utf-8")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "Bulk import and sharper questions", date="2026-02-01T10:00:00+00:00")
    _build(cli, repo, tmp_path / "internal", "internal")
    assert [h[1] for h in _heads(tmp_path / "internal")] == ["Rubric updated", "Rubric updated"]
    assert "<li>mentoring at l1: \u201cAsks good questions.\u201d became" in _site_text(tmp_path / "internal")

"""Private records where only their readers can clone them (issue 18, item 11): org.yaml
`sources` names further records folders; perfdocs loads every one present into one
organisation, names the absent ones, and the public site never holds a private record's text.

The two sources are real git repositories: a public one with the org, the rubric and the
teams (`rubric/records`), and a private one with people's folders (`people`), split from
tests/fixtures/minimal.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from perfdocs.validation import load_valid

from tests.support.cli import one_line
from tests.support.files import FIXTURES
from tests.support.git import GIT_ENV, GitRepo

SOURCES = "sources:\n  people:\n    path: ../../people\n    kinds: [person, evidence, goal, review, packet]\n"
SECRETS = ("SECRET-REVIEW-7f3a", "SECRET-EVIDENCE-91c2", "SECRET-PACKET-c0de")


@pytest.fixture
def split(tmp_path: Path) -> Path:
    """The minimal organisation in two repositories; the records folder (rubric/records)."""
    minimal = FIXTURES / "minimal"
    files = {p.relative_to(minimal).as_posix(): p.read_text() for p in sorted(minimal.rglob("*")) if p.is_file()}
    public = {f"records/{rel}": text for rel, text in files.items() if not rel.startswith("people/")}
    public["records/org.yaml"] += SOURCES
    private = {rel: text for rel, text in files.items() if rel.startswith("people/")}
    private["people/ann/reviews/2026-Q1.md"] += f"\n{SECRETS[0]}: the rating debate stays in this repository.\n"
    private["people/ann/evidence/2026-05-10-mentoring.md"] += f"\n{SECRETS[1]}: notes from the mentoring.\n"
    private["people/ann/packets/2026-senior.md"] += f"\n{SECRETS[2]}: what the committee said.\n"
    GitRepo(tmp_path / "rubric").commit("the org, the rubric and the teams", public)
    GitRepo(tmp_path / "people").commit("people's folders", private)
    return tmp_path / "rubric" / "records"


def hide(tmp_path: Path) -> None:
    """The private repository is not cloned on this machine."""
    (tmp_path / "people").rename(tmp_path / "elsewhere")


ABSENT = [
    "rubric/records/metrics/api-latency.yaml:4:8: warning: unknown person 'bob': it may be in the records "
    "source 'people', which is not present here [ref/absent-source]",
    "rubric/records/org.yaml:31:3: warning: records source 'people' is not present here: there is no folder "
    "people (org.yaml); its records are not checked, and references into it are warnings [source/absent]",
    "rubric/records/postmortems/pm-1.md:14:5: warning: unknown person 'ann': it may be in the records source "
    "'people', which is not present here [ref/absent-source]",
    "rubric/records/postmortems/pm-1.md:15:5: warning: unknown person 'bob': it may be in the records source "
    "'people', which is not present here [ref/absent-source]",
    "rubric/records/postmortems/pm-1.md:18:12: warning: unknown person 'ann': it may be in the records source "
    "'people', which is not present here [ref/absent-source]",
    "rubric/records/teams/core.yaml:4:10: warning: unknown person 'bob': it may be in the records source "
    "'people', which is not present here [ref/absent-source]",
    "rubric/records/teams/core.yaml:6:5: warning: unknown person 'ann': it may be in the records source "
    "'people', which is not present here [ref/absent-source]",
    "rubric/records/teams/core.yaml:7:5: warning: unknown person 'bob': it may be in the records source "
    "'people', which is not present here [ref/absent-source]",
]


# --- validate ---------------------------------------------------------------------------------


def test_validate_loads_every_source_present_into_one_organisation(cli, split, tmp_path):
    res = cli("validate", "--records", "rubric/records", cwd=tmp_path)
    assert (res.exit_code, res.stdout, res.stderr) == (0, "", "16 files checked: 0 errors, 0 warnings (ok)\n")
    org = load_valid(split).org
    assert (org.teams["core"].source, org.people["ann"].source, org.reviews["ann/2026-Q1"].source) == (
        None,
        "people",
        "people",
    )
    assert [(s.name, s.present) for s in org.sources] == [("people", True)]


def test_a_problem_in_the_private_source_is_shown_at_the_path_of_its_clone(cli, split, tmp_path):
    review = tmp_path / "people/people/ann/reviews/2026-Q1.md"
    review.write_text(review.read_text().replace("rating: exceeds", "rating: great"))
    res = cli("validate", "--records", "rubric/records", cwd=tmp_path)
    assert res.exit_code == 1, res
    assert res.stdout.startswith("people/people/ann/reviews/2026-Q1.md:"), res
    assert one_line(res.stdout).rstrip().endswith("[ref/unknown-rating]") and one_line(res.stdout).count("\n") == 1, res


def test_an_absent_source_is_named_and_references_into_it_are_warnings(cli, split, tmp_path):
    hide(tmp_path)
    res = cli("validate", "--records", "rubric/records", cwd=tmp_path)
    assert (res.exit_code, one_line(res.stdout).splitlines()) == (0, ABSENT), res
    assert res.stderr == "8 files checked: 0 errors, 8 warnings (ok)\n"
    strict = cli("validate", "--strict", "--records", "rubric/records", cwd=tmp_path)
    assert (strict.exit_code, one_line(strict.stdout).splitlines()) == (1, ABSENT), strict


def test_a_reference_no_source_can_hold_is_still_an_error(cli, split, tmp_path):
    hide(tmp_path)
    team = split / "teams/core.yaml"
    team.write_text(team.read_text() + "repositories: [nowhere/api]\n")
    res = cli("validate", "--records", "rubric/records", cwd=tmp_path)
    assert res.exit_code == 1, res
    assert "[ref/unknown-repository]" in res.stdout


def test_an_environment_variable_says_where_the_clone_is(cli, split, tmp_path, monkeypatch):
    subprocess.run(
        ["git", "clone", "-q", str(tmp_path / "people"), str(tmp_path / "clones/people")],
        check=True,
        env={**GIT_ENV, "PATH": "/usr/bin:/bin"},
    )
    shutil.rmtree(tmp_path / "people")
    monkeypatch.setenv("PERFDOCS_SOURCE_PEOPLE", str(tmp_path / "clones/people"))
    res = cli("validate", "--records", "rubric/records", cwd=tmp_path)
    assert (res.exit_code, res.stdout, res.stderr) == (0, "", "16 files checked: 0 errors, 0 warnings (ok)\n")


def test_a_source_inside_the_records_folder_is_refused(cli, split, tmp_path):
    org = split / "org.yaml"
    org.write_text(org.read_text().replace("path: ../../people", "path: teams"))
    res = cli("validate", "--records", "rubric/records", cwd=tmp_path)
    assert res.exit_code == 1, res
    assert (
        "rubric/records/org.yaml:31:3: records source 'people' at rubric/records/teams overlaps the records folder "
        "or another source; a source is a folder of its own, beside them [source/overlap]"
    ) in res.stdout.splitlines()


# --- the site ---------------------------------------------------------------------------------


def site_text(site: Path) -> str:
    """Every file the build wrote, the search index included, as text."""
    return "\n".join(p.read_bytes().decode("utf-8", "replace") for p in sorted(site.rglob("*")) if p.is_file())


def private_texts(records: Path) -> set[str]:
    """What no site may publish: each private record's longer field values and body lines."""
    found = set(SECRETS)
    org = load_valid(records).org
    ids = {r.id for r in org.records}  # a private goal names its public parent: the id is not private
    for record in org.records:
        if record.visibility != "private":
            continue
        for line in (record.body or "").splitlines():
            if len(line.strip()) >= 24:
                found.add(line.strip())
        for value in record.data.values():
            if isinstance(value, str) and len(value) >= 16 and value not in ids:
                found.add(value)
    return found


@pytest.mark.parametrize("audience", ["public", "internal"])
@pytest.mark.parametrize("present", [True, False], ids=["both-present", "private-absent"])
def test_no_site_holds_a_private_record_text(cli, split, tmp_path, audience, present):
    secret = private_texts(split)
    assert len(secret) > len(SECRETS)  # the review, evidence and packet bodies, people's emails...
    if not present:
        hide(tmp_path)
    res = cli("build", "--records", "rubric/records", "--audience", audience, "--out", "site", cwd=tmp_path)
    assert res.exit_code == 0, res
    text = site_text(tmp_path / "site")
    assert "static/search-index.js" in {
        p.relative_to(tmp_path / "site").as_posix() for p in (tmp_path / "site").rglob("*")
    }
    assert sorted(s for s in secret if s in text) == []


def access_rows(site: Path) -> dict[str, list[str]]:
    """The 'Who can see what' table: kind -> its cells, as text."""
    page = (site / "access.html").read_text()
    rows = {}
    for kind, row in re.findall(r'<tr data-kind="([^"]+)">(.*?)</tr>', page, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows[kind] = [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", c)).split()) for c in cells]
    return rows


PUBLIC = "public: the public site and the internal site"
PRIVATE = "private: no site: only people who can clone its source"
MAIN = "the records folder (with org.yaml)"
ABSENT_SOURCE = "source 'people' absent when this site was built: not counted"


def test_who_can_see_what_with_both_sources(cli, split, tmp_path):
    rota = tmp_path / "people/people/bob/evidence/2026-04-02-rotation.md"
    rota.write_text(rota.read_text().replace("---\n", "---\nvisibility: public\n", 1))
    assert cli("build", "--records", "rubric/records", "--out", "site", cwd=tmp_path).exit_code == 0
    rows = access_rows(tmp_path / "site")
    assert list(rows) == [
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
    ]
    assert rows["team"] == ["team", "public org.yaml visibility_defaults (default)", "1 (1 public)", PUBLIC, MAIN]
    assert rows["person"] == ["person", "private in a person's folder", "2 (2 private)", PRIVATE, "source 'people'"]
    assert rows["review"] == [
        "review",
        "private in a person's folder; public elsewhere",
        "1 (1 private)",
        PRIVATE,
        "source 'people'",
    ]
    assert rows["goal"] == [
        "goal",
        "private in a person's folder; public elsewhere",
        "2 (1 public, 1 private)",
        f"{PUBLIC} {PRIVATE}",
        f"{MAIN}, source 'people'",
    ]
    assert rows["evidence"] == [
        "evidence",
        "private in a person's folder; public elsewhere",
        "3 (1 public, 2 private) 1 declares a visibility other than the default",
        f"{PUBLIC} {PRIVATE}",
        "source 'people'",
    ]
    page = (tmp_path / "site/access.html").read_text()
    assert "<strong>people</strong>: person, evidence, goal, review, packet; present when this site was built" in page
    assert not [s for s in SECRETS if s in page]


def test_who_can_see_what_with_the_private_source_absent(cli, split, tmp_path):
    hide(tmp_path)
    assert cli("build", "--records", "rubric/records", "--out", "site", cwd=tmp_path).exit_code == 0
    rows = access_rows(tmp_path / "site")
    assert rows["team"] == ["team", "public org.yaml visibility_defaults (default)", "1 (1 public)", PUBLIC, MAIN]
    assert rows["person"] == ["person", "private in a person's folder", "0", PRIVATE, ABSENT_SOURCE]
    assert rows["review"] == ["review", "private in a person's folder; public elsewhere", "0", PRIVATE, ABSENT_SOURCE]
    assert rows["goal"] == [
        "goal",
        "private in a person's folder; public elsewhere",
        "1 (1 public)",
        PUBLIC,
        f"{MAIN}, {ABSENT_SOURCE}",
    ]
    assert (
        "absent when this site was built (its records are not counted)" in (tmp_path / "site/access.html").read_text()
    )


# --- codeowners, new and init -----------------------------------------------------------------


def test_codeowners_writes_one_file_per_repository(cli, split, tmp_path):
    res = cli("codeowners", "--records", "rubric/records", cwd=tmp_path)
    assert res.exit_code == 0, res
    assert res.stderr == "wrote rubric/CODEOWNERS (0 people)\nwrote people/CODEOWNERS (2 people)\n"
    public = (tmp_path / "rubric/CODEOWNERS").read_text()
    private = (tmp_path / "people/CODEOWNERS").read_text()
    assert [line for line in public.splitlines() if not line.startswith("#")] == []
    assert [line for line in private.splitlines() if not line.startswith("#")] == [
        "/people/ann/ @bob @ann",
        "/people/bob/ @bob",
    ]
    check = cli("codeowners", "--check", "--records", "rubric/records", cwd=tmp_path)
    assert check.exit_code == 0, check
    assert cli("validate", "--records", "rubric/records", cwd=tmp_path).stdout == ""
    # bob's username changes: the private repository's file is stale, and validate says so there
    bob = tmp_path / "people/people/bob/person.yaml"
    bob.write_text(bob.read_text().replace("team: core\n", "team: core\ngithub: bobby\n"))
    stale = cli("validate", "--records", "rubric/records", cwd=tmp_path)
    assert stale.exit_code == 0, stale
    assert "people/CODEOWNERS does not route /people/bob/ to @bobby (run 'perfdocs codeowners'" in one_line(
        stale.stdout
    )
    assert "people/CODEOWNERS:6:1: warning: '/people/bob/ @bob' is not what perfdocs would generate" in one_line(
        stale.stdout
    )


def test_new_writes_a_person_record_into_its_source_and_refuses_without_it(cli, split, tmp_path):
    res = cli(
        "new", "evidence", "--author", "bob", "--title", "Pager rota", "--records", "rubric/records", cwd=tmp_path
    )
    assert res.exit_code == 0, res
    assert res.stdout.splitlines()[0].endswith("people/people/bob/evidence/2026-11-24-pager-rota.md"), res
    assert not (split / "people").exists()
    hide(tmp_path)
    refused = cli("new", "evidence", "--author", "bob", "--title", "Other", "--records", "rubric/records", cwd=tmp_path)
    assert (refused.exit_code, refused.stderr) == (
        2,
        "perfdocs: error: evidence records live in the records source 'people', which is not present here "
        "(there is no folder people (org.yaml)); clone it or set $PERFDOCS_SOURCE_PEOPLE to its folder, "
        "then run again\n",
    ), refused
    assert not (split / "people").exists()


def test_drafts_go_into_the_source_that_holds_their_kind(cli, split, tmp_path):
    packet = cli("packet", "draft", "ann", "--target", "l3", "--records", "rubric/records", cwd=tmp_path)
    assert packet.exit_code in (0, 1), packet  # a fresh draft may have warnings; it is written either way
    assert packet.stdout.splitlines()[0] == "people/people/ann/packets/2026-l3.md", packet
    assert (tmp_path / "people/people/ann/packets/2026-l3.md").is_file()
    assert not (split / "people").exists()


def test_init_with_a_private_source_makes_two_repositories(cli, tmp_path, isolated_git):
    res = cli("init", "acme-rubric", "--private-source", "acme-people", cwd=tmp_path)
    assert res.exit_code == 0, res
    assert "  acme-people/people/ann/person.yaml\n" in res.stdout
    rubric, people = tmp_path / "acme-rubric", tmp_path / "acme-people"
    assert (rubric / ".git").is_dir() and (people / ".git").is_dir()
    assert not (rubric / "records/people").exists()
    assert (people / "people/ann/person.yaml").is_file()
    assert "sources:\n  people:\n    path: ../../acme-people\n" in (rubric / "records/org.yaml").read_text()
    assert "/people/ann/ @manager @ann" in (people / "CODEOWNERS").read_text()  # init writes a manager
    check = cli("validate", cwd=rubric)
    assert (check.exit_code, check.stdout, check.stderr) == (
        0,
        "",
        "6 files checked: 0 errors, 0 warnings (ok)\n",
    )  # with the manager
    people.rename(tmp_path / "elsewhere")
    absent = cli("validate", cwd=rubric)
    assert absent.exit_code == 0 and "[source/absent]" in absent.stdout, absent

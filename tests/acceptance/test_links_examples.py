"""The example organisation's generated repositories: reproducible, realistic enough for
DORA, and every link of the example evidence resolves against them."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from perfdocs.example import repos as examples

ENV = {
    "acme/payments": "PERFDOCS_REPO_ACME_PAYMENTS",
    "acme/platform": "PERFDOCS_REPO_ACME_PLATFORM",
    "acme/web": "PERFDOCS_REPO_ACME_WEB",
}


def git(path: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=path, capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def repos(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("generated") / "example-repos"
    examples.generate(out)
    return out


@pytest.fixture
def with_repos(repos, monkeypatch, tmp_path):
    """The generated clones, found through the CI environment variables."""
    for name, var in ENV.items():
        monkeypatch.setenv(var, str(repos / name))
    monkeypatch.setenv("PERFDOCS_CACHE_DIR", str(tmp_path / "cache"))
    return repos


def test_generation_is_reproducible_to_the_sha(repos, tmp_path):
    web = next(r for r in examples.REPOS if r.name == "acme/web")
    examples.build(web, tmp_path / "again")
    assert git(tmp_path / "again", "show-ref") == git(repos / "acme/web", "show-ref")


def test_the_example_evidence_cites_the_generated_commits(repos, tmp_path):
    """The shas pinned in records/ are the ones the generator makes (re-pin after changing it)."""
    from tests.support.files import REPO

    pinned = {}
    for repo in examples.REPOS:
        pinned[repo.name] = {c.evidence: None for c in examples.CITED if c.repo == repo.name and c.evidence}
    for name, by_evidence in pinned.items():
        for evidence_id in by_evidence:
            handle, stem = evidence_id.split("/")
            text = (REPO / "records/people" / handle / "evidence" / f"{stem}.md").read_text()
            short = re.search(rf"{name}@([0-9a-f]+)", text)[1]
            full = git(repos / name, "rev-parse", "--verify", "--quiet", f"{short}^{{commit}}").strip()
            assert git(repos / name, "log", "-1", "--format=%ae", full).strip() == f"{handle}@acme.example"


def test_every_example_link_resolves_to_its_authors_work(cli, example, with_repos, tmp_path):
    res = cli("links", "check", "records", cwd=tmp_path)
    assert res.exit_code == 0, res
    assert res.stdout == ""
    summary = re.fullmatch(
        r"(\d+) links checked, (\d+) resolved against git: 0 errors, 0 warnings \(ok\)\n", res.stderr
    )
    assert summary and int(summary[2]) >= 30, res.stderr


def test_the_example_links_use_every_merge_style(example, with_repos):
    from perfdocs.links import check as links
    from perfdocs.records import organisation
    from perfdocs.records.load import load_records

    org, _ = organisation.build(load_records(example).records)
    report = links.check(org, example)
    assert {r.style for r in report.resolutions.values()} == {"merge", "squash", "gitlab", "trailer", "commit"}


def test_validate_verifies_every_example_link_when_cloned(cli, example, with_repos, tmp_path):
    res = cli("validate", "records", cwd=tmp_path)
    assert res.exit_code == 0, res
    assert "link/" not in res.stdout
    notes = [line for line in res.stderr.splitlines() if line.startswith("note:")]
    # 35 resolve; the 8 links of the three code reviews have no reviewer trailer: cited, not verified.
    assert notes == [
        "note: 27 evidence links verified against git (of 68 links; web addresses and postmortems are not git links)"
    ]


def test_the_example_ships_the_resolutions_of_its_links_and_they_are_current(cli, example, with_repos, tmp_path):
    """The example's evidence carries `resolved:` blocks (written by `links resolve --write`),
    so packets show verified links; the generated repositories give the same shas every
    time, so resolving again changes nothing."""
    shipped = sum(
        text.count("    resolved:\n")
        for text in (p.read_text(encoding="utf-8") for p in (example / "people").rglob("*.md"))
    )
    assert shipped >= 35
    again = cli("links", "resolve", "--write", "records", cwd=tmp_path)
    assert again.exit_code == 0 and again.stderr.endswith("wrote 0 evidence files (all up to date)\n"), again
    assert cli("validate", "records", cwd=tmp_path).exit_code == 0


@pytest.mark.parametrize("name", sorted(ENV))
def test_each_repository_has_a_year_of_deploys_reverts_and_hotfixes(repos, name):
    path = repos / name
    tags = git(path, "tag", "--list", "deploy-*").split()
    months = {t[len("deploy-") : len("deploy-2026-01")] for t in tags}
    assert {f"2026-{m:02d}" for m in range(1, 11)} <= months
    assert len(tags) / 43 >= 2  # 43 weeks from January to October: a few deploys a week
    assert git(path, "cat-file", "-t", tags[0]).strip() == "tag"  # annotated, dated by the release bot
    subjects = git(path, "log", "--format=%s").splitlines()
    assert sum(s.startswith("hotfix: ") for s in subjects) >= 2
    if name != "acme/platform":  # reverts follow GitHub squash merges
        reverts = git(path, "log", "--format=%H %B", "--grep=^Revert ").count("This reverts commit ")
        assert reverts >= 1
    assert 250 <= len(subjects) <= 700


def test_regeneration_never_replaces_a_folder_it_did_not_create(tmp_path):
    from perfdocs.errors import PerfdocsError

    (tmp_path / "acme/payments").mkdir(parents=True)
    (tmp_path / "acme/payments/notes.txt").write_text("mine\n")
    with pytest.raises(PerfdocsError, match="was not generated by perfdocs; not replacing it"):
        examples.generate(tmp_path)
    assert (tmp_path / "acme/payments/notes.txt").read_text() == "mine\n"


def test_examples_repos_command_creates_them_beside_the_records(cli, example, tmp_path):
    res = cli("examples", "repos", "--records", "records", cwd=tmp_path)
    assert res.exit_code == 0, res
    assert res.stdout == (
        "created example-repos/acme/payments (acme/payments)\n"
        "created example-repos/acme/platform (acme/platform)\n"
        "created example-repos/acme/web (acme/web)\n"
    )
    res = cli("links", "check", "records", cwd=tmp_path)
    assert (res.exit_code, res.stdout) == (0, ""), res

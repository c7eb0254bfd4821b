"""The benchmark's inputs are what they claim to be: valid organisations whose records
cross-reference correctly, and git histories with the commits and deploy tags asked for."""

from __future__ import annotations

import subprocess
import sys

import pytest

from perfdocs.metrics import dora
from perfdocs.validation import validate

from tests.support.files import REPO

BENCH = REPO / "bench"
sys.path.insert(0, str(BENCH))

import corpus  # noqa: E402  (found through the sys.path entry above)


def test_a_generated_organisation_is_valid_with_every_kind_of_cross_reference(tmp_path, monkeypatch):
    monkeypatch.setenv("PERFDOCS_CACHE", "0")
    made = corpus.organisation(tmp_path / "org", 600)
    report = validate(tmp_path / "org")
    assert report.diagnostics == []
    org = report.org
    assert len(org.evidence) == made["evidence"] == 600
    assert len(org.people) == made["people"] == 14
    assert len(org.teams) == made["teams"] == 2
    assert report.files == made["files"]
    assert org.packets and org.reviews and org.goals
    # Evidence cites goals, collaborators and competencies that resolve; packets cite evidence.
    entry = next(e for e in org.evidence.values() if e.owner.startswith("p"))
    assert entry.get("goals")[0] in org.goals
    assert all(c in org.people for c in entry.get("collaborators"))
    cited = [ev for p in org.packets.values() for c in p.get("claims", []) for ev in c["evidence"]]
    assert cited and all(ev in org.evidence for ev in cited)


def test_generated_evidence_is_the_size_the_issue_measured(tmp_path):
    corpus.organisation(tmp_path / "org", 50)
    sizes = []
    for path in (tmp_path / "org").glob("people/*/evidence/*.md"):
        front = path.read_text(encoding="utf-8").split("---\n", 2)[1]
        sizes.append((len(front), path.stat().st_size))
    assert len(sizes) == 50
    assert all(550 <= front <= 900 and 1000 <= whole <= 2200 for front, whole in sizes), sizes


def test_the_same_seed_writes_the_same_organisation(tmp_path):
    corpus.organisation(tmp_path / "a", 40)
    corpus.organisation(tmp_path / "b", 40)
    a = {p.relative_to(tmp_path / "a"): p.read_bytes() for p in (tmp_path / "a").rglob("*.*")}
    b = {p.relative_to(tmp_path / "b"): p.read_bytes() for p in (tmp_path / "b").rglob("*.*")}
    assert a == b


def test_a_generated_repository_has_the_commits_and_deploy_tags_asked_for(tmp_path):
    made = corpus.git_repository(tmp_path / "repo", 600, 24)
    git = ["git", "-C", str(tmp_path / "repo")]
    assert subprocess.run([*git, "rev-list", "--count", "main"], capture_output=True, text=True).stdout.strip() == "600"
    tags = subprocess.run([*git, "tag", "-l", "deploy-*"], capture_output=True, text=True).stdout.split()
    assert len(tags) == made["tags"] == 24
    subjects = subprocess.run([*git, "log", "--format=%s", "main"], capture_output=True, text=True).stdout
    assert subjects.count('Revert "') == 600 // 97 and subjects.count("hotfix: ") == 600 // 89
    # DORA reads it: a quarter's deploys are the deploy tags dated in that quarter.
    dates = subprocess.run(
        [*git, "for-each-ref", "--format=%(creatordate:short)", "refs/tags/deploy-*"], capture_output=True, text=True
    ).stdout.split()
    in_q2 = sum("2024-04-01" <= d <= "2024-06-30" for d in dates)
    freq = next(r for r in dora.quarter_dora(tmp_path / "repo", "2024-Q2") if r.key == "deployment-frequency")
    assert in_q2 > 0 and sum(f.sample for f in freq.figures) == in_q2


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="the prototype forks a worker")
def test_the_prototype_floor_reads_every_evidence_file_and_finds_them_valid(tmp_path):
    corpus.organisation(tmp_path / "org", 80)
    run = subprocess.run(
        [sys.executable, str(BENCH / "prototype.py"), str(tmp_path / "org")], capture_output=True, text=True
    )
    assert (run.returncode, run.stdout) == (0, "80 files, 0 invalid\n"), run.stderr

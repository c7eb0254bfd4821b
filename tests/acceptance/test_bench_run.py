"""The benchmark itself: it runs end to end on a tiny corpus with the peers that are installed,
a command that fails stops it with a clear message instead of giving a figure, its links
repository has real merge topology, and the README shows its latest results."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench"
sys.path.insert(0, str(BENCH))

import corpus  # noqa: E402  (found through the sys.path entry above)
import report  # noqa: E402
import run  # noqa: E402

TINY = ["--size", "50", "--build-size", "50", "--repeat", "1", "--commits", "300", "--links", "40", "--no-install"]


def installed() -> dict[str, bool]:
    return {
        "check-jsonschema": (run.PEERS / "bin" / "check-jsonschema").exists(),
        "mkdocs": (run.PEERS / "bin" / "mkdocs").exists(),
        "hugo": shutil.which("hugo") is not None,
    }


def git(folder: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, check=True).stdout


@pytest.mark.slow
def test_the_bench_runs_every_case_on_a_tiny_corpus_and_saves_checked_figures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # relative folders, as the Makefile passes them
    code = run.main([*TINY, "--work", "work", "--results", "results"])
    out, err = capsys.readouterr()
    assert code == 0, err[-3000:]
    results = json.loads((tmp_path / "results" / "latest.json").read_text())
    cases = results["cases"]
    perfdocs = [
        "startup.version",
        "startup.help",
        "startup.validate",
        "validate.floor",
        "validate.cold",
        "validate.warm",
        "validate.changed_1pct",
        "validate.changed_5",
        "build.50.disk.perfdocs_cold",
        "build.50.disk.perfdocs_unchanged",
        "build.50.disk.perfdocs_5_changed",
        "links.cold",
        "links.warm",
        "dora.three_years",
    ]
    assert set(perfdocs) <= set(cases)
    peers = installed()
    # A peer that is installed is measured; one that is not is skipped with a note, not a figure.
    assert ("validate.check_jsonschema" in cases) == peers["check-jsonschema"]
    assert ("build.50.disk.mkdocs_default_nav" in cases) == peers["mkdocs"]
    assert ("build.50.disk.mkdocs_one_line_nav" in cases) == peers["mkdocs"]
    assert ("build.50.disk.hugo" in cases) == peers["hugo"]
    for name, there in peers.items():
        assert there or any(name in note for note in results["notes"]), name
    # tmpfs: measured where there is one, else said so.
    assert "build.50.tmpfs.perfdocs_cold" in cases or any("tmpfs is unavailable" in n for n in results["notes"])
    for key, case in cases.items():
        assert len(case["runs"]) == 1, key
        assert case["wall_s"]["min"] > 0 and case["cpu_s"]["median"] > 0 and case["peak_mb"]["median"] > 0, key
    # A cold build says how many HTML pages it wrote, and their bytes (as Hugo's).
    cold = cases["build.50.disk.perfdocs_cold"]["runs"][0]
    assert cold["html_pages"] > 50 and cold["html_bytes"] > 1000 * cold["html_pages"]
    if peers["hugo"]:
        assert cases["build.50.disk.hugo"]["runs"][0]["html_pages"] > 50
    # The rebuilds say what they rendered: nothing when nothing changed.
    assert cases["build.50.disk.perfdocs_unchanged"]["runs"][0]["rendered"] == 0
    assert cases["build.50.disk.perfdocs_5_changed"]["runs"][0]["rendered"] >= 5
    # The 1 % and 5 changes were committed, so --changed-since sees them.
    org = tmp_path / "work" / "org-50"
    assert git(org, "status", "--porcelain") == ""
    places = 2 if "build.50.tmpfs.perfdocs_cold" in cases else 1
    assert int(git(org, "rev-list", "--count", "HEAD")) == 1 + 2 + places  # generation, validate, builds
    assert results["machine"]["load_average_start"] and results["machine"]["load_average_end"]
    if peers["hugo"]:
        assert results["ratios"]["build.50.disk.perfdocs_to_hugo"]["cpu"] > 0
    assert "perfdocs validate, cold" in out and "load average" in out


def test_a_command_that_exits_non_zero_is_an_error_not_a_figure(tmp_path: Path) -> None:
    with pytest.raises(run.BenchError, match=r"(?s)boom: `.*` exited with 3:\nbroken\n"):
        run.measure("boom", [[sys.executable, "-c", "print('broken'); raise SystemExit(3)"]])
    # One process of several failing is enough.
    ok = [sys.executable, "-c", "pass"]
    with pytest.raises(run.BenchError, match="exited with 1"):
        run.measure("lanes", [ok, [sys.executable, "-c", "raise SystemExit(1)"]])
    # So is an exit code 0 with the wrong output.
    with pytest.raises(run.BenchError, match="its output does not show 'done'"):
        run.measure("quiet", [ok], check=run.expect("^done$", "'done'"))
    figures = run.measure("fine", [ok, ok])
    assert figures["wall_s"] > 0 and figures["cpu_s"] > 0 and figures["peak_mb"] > 0


def _break(path: Path) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace("kind: evidence", "kind: evidense"), encoding="utf-8")


def test_an_invalid_corpus_file_stops_the_bench_at_perfdocs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    work = tmp_path / "work"
    org = run.organisation(work, 50, print)
    # A collaborator who does not exist: valid for the schema (the peer and the floor pass),
    # a broken reference for perfdocs.
    path = run.evidence_files(org)[7]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("collaborators:\n  - ", "collaborators:\n  - nobody-"), encoding="utf-8")
    run.git(org, "commit", "-q", "-a", "--amend", "-m", "The organisation, broken")  # a run starts from it
    args = [*TINY, "--no-build", "--no-git", "--work", str(work), "--results", str(tmp_path / "results")]
    assert run.main(args) == 1
    err = capsys.readouterr().err
    assert "the benchmark failed: perfdocs validate, cold" in err
    assert "exited with 1" in err
    assert not (tmp_path / "results" / "latest.json").exists()


@pytest.mark.skipif(not installed()["check-jsonschema"], reason="check-jsonschema is not in bench/.venv-peers")
def test_a_peer_that_fails_stops_the_bench(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    work = tmp_path / "work"
    org = run.organisation(work, 50, print)
    yaml_dir = run.front_matter_copies(work, org, run.evidence_files(org))
    _break(sorted(yaml_dir.iterdir())[3])  # only the peer's copy is broken
    args = [*TINY, "--no-build", "--no-git", "--work", str(work), "--results", str(tmp_path / "results")]
    assert run.main(args) == 1
    err = capsys.readouterr().err
    assert "the benchmark failed: check-jsonschema" in err and "exited with 1" in err
    assert not (tmp_path / "results" / "latest.json").exists()


def test_the_links_repository_has_real_merge_topology(tmp_path: Path) -> None:
    made = corpus.merge_repository(tmp_path / "repo", 600)
    repo = tmp_path / "repo"
    assert int(git(repo, "rev-list", "--count", "main")) == made["commits"]
    assert len(set(git(repo, "log", "--format=%ae", "main").split())) >= 10  # several authors
    assert len(git(repo, "tag", "-l", "deploy-*").split()) == made["deploy_tags"] > 0
    first_parent = git(repo, "rev-list", "--first-parent", "--merges", "main").split()
    # Pull-request branches merged main into themselves, some several times.
    back = [git(repo, "rev-list", "--merges", "--count", f"{m}^1..{m}^2").strip() for m in first_parent]
    assert max(map(int, back)) >= 2
    # Nested: a stacked pull request's merged side holds its base branch's merge of main.
    subjects = git(repo, "log", "--format=%s", "main")
    assert made["counts"]["stacked"] > 0 and "Merge branch 'feature-" in subjects
    # Long-lived branches: a release branch collects pull requests, merged into main at once.
    assert made["counts"]["release"] > 0 or made["commits"] < 1000
    assert "Merge branch 'main' into feature-" in subjects and "Co-authored-by" in git(repo, "log", "main")


def test_the_readme_shows_the_latest_results() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert report.current(readme) == report.render(report.load()), "run python bench/report.py"


def test_targets_are_met_only_when_cpu_and_wall_meet_them() -> None:
    def result(cjs_cpu: float, cjs_wall: float) -> dict[str, Any]:
        case = {"wall_s": {"median": 0.8, "min": 0.7}, "cpu_s": {"median": 1.2, "min": 1.1}, "peak_mb": {"median": 90}}
        return {
            "cases": {"validate.cold": case},
            "ratios": {"check_jsonschema_to_perfdocs": {"cpu": cjs_cpu, "wall": cjs_wall, "peak": 0.5}},
        }

    rows = {(t, at): met for t, at, _got, met in report.targets({10_000: result(25.0, 12.0)})}
    assert rows[("`validate` cold <= 1.0 s", "10,000")] is True
    assert rows[(">= 20x check-jsonschema (same files, same cores)", "10,000")] is False
    assert rows[(">= 20x check-jsonschema (same files, same cores)", "100,000")] is None  # not measured yet
    rows = {(t, at): met for t, at, _got, met in report.targets({10_000: result(25.0, 21.0)})}
    assert rows[(">= 20x check-jsonschema (same files, same cores)", "10,000")] is True


def test_check_jsonschema_reads_the_shipped_schema_offline_through_base_uri(tmp_path: Path) -> None:
    """The schema's $id is a remote address: with --base-uri its reference to
    common.schema.json is the file beside it, so the peer checks the whole schema offline."""
    peer = Path(sys.executable).parent / "check-jsonschema"  # a test dependency
    if not peer.exists():
        pytest.skip("check-jsonschema is not installed beside this Python")
    schema, options = run.evidence_schema()
    assert json.loads(schema.read_text())["$id"].startswith("https://")
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text(
        "kind: evidence\ndate: 2026-03-02\nauthor: alice\ntype: pr\ntitle: Retry redesign\ncompetencies: [design]\n"
    )
    bad.write_text(good.read_text().replace("2026-03-02", "2026-3-2"))
    # A proxy that refuses every connection: a schema fetched from the network would fail.
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "https_proxy": "http://127.0.0.1:9"}
    passed = subprocess.run([str(peer), *options, str(good)], capture_output=True, text=True, env=env, check=False)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    failed = subprocess.run([str(peer), *options, str(bad)], capture_output=True, text=True, env=env, check=False)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "bad.yaml::$.date" in failed.stdout

"""Quick runs (perfdocs.validation's `_quick`): in a git repository, a `validate` after a few
evidence entries changed starts from what the last run left (the listing, the snapshot), and
reports exactly what a cold run reports, whatever was edited and however git was used."""

from __future__ import annotations

import os
import random
import shutil
import time
from pathlib import Path

import pytest

from perfdocs import validation
from perfdocs.records import cache, listing, snapshot

from tests.acceptance import test_snapshot as edits
from tests.acceptance.test_snapshot import _evidence, _handles, _rewrite, _validate, corpus
from tests.support.cli import invoke
from tests.support.git import GitRepo


@pytest.fixture(autouse=True)
def _cache_dir(tmp_path, monkeypatch):
    """Cache files in the test's own folder; files edited a moment ago are trusted (nothing edits
    them while a run reads them here), so the quick path is taken at once."""
    monkeypatch.setenv("PERFDOCS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(snapshot, "RACY_NS", 0)
    monkeypatch.setattr(listing, "RACY_NS", 0)
    monkeypatch.setattr(cache, "RACY_NS", 0)
    monkeypatch.setenv("PERFDOCS_CACHE", "auto")


@pytest.fixture
def quick_runs(monkeypatch) -> list[bool]:
    """Whether each run with the cache on was a quick one (the real `_quick`, counted)."""
    runs: list[bool] = []
    real = validation._quick

    def counted(*args, **kwargs):
        report = real(*args, **kwargs)
        if os.environ.get("PERFDOCS_CACHE") != "0":
            runs.append(report is not None)
        return report

    monkeypatch.setattr(validation, "_quick", counted)
    return runs


def _repo(root: Path, size: int, seed: int = 1) -> GitRepo:
    corpus.organisation(root, size, seed=seed)
    repo = GitRepo(root)
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "records")
    return repo


def _git_step(repo: GitRepo, rng: random.Random) -> str:
    """Commit, stage, or leave the working tree as it is, as people do between two runs."""
    how = rng.choice(["commit", "commit", "stage", "leave", "leave", "stage-one"])
    if how == "commit":
        repo.git("add", "-A")
        repo.git("commit", "-q", "--allow-empty", "-m", "step")
    elif how == "stage":
        repo.git("add", "-A")
    elif how == "stage-one":
        changed = repo.git("ls-files", "-z", "-m", "-o", "--exclude-standard").split("\0")
        if any(changed):
            repo.git("add", "--", rng.choice([c for c in changed if c]))
    return how


def add_evidence(root: Path, rng: random.Random, originals: dict[str, str]) -> str:
    """A new entry in someone's existing evidence folder (the common change)."""
    handle = rng.choice([h for h in _handles(root) if (root / "people" / h / "evidence").is_dir()])
    source = rng.choice(_evidence(root))
    dest = root / "people" / handle / "evidence" / f"2026-0{rng.randint(1, 9)}-2{rng.randint(0, 9)}-new.md"
    text = source.read_text(encoding="utf-8").replace(f"author: {source.parts[-3]}", f"author: {handle}", 1)
    dest.write_text(text, encoding="utf-8")
    return f"add {dest.relative_to(root)}"


def retitle(root: Path, rng: random.Random, originals: dict[str, str]) -> str:
    path = rng.choice(_evidence(root))
    _rewrite(path, "title: ", f"title: Retitled {rng.randint(0, 999)} ")
    return f"retitle {path.relative_to(root)}"


def uncollide(root: Path, rng: random.Random, originals: dict[str, str]) -> str:
    """The files `collide` made removed again: a collision keeps every run a full one."""
    made = edits._collisions(root)
    for path in made:
        path.unlink()
    return f"remove {len(made)} colliding files"


def reset(repo: GitRepo, originals: dict[str, str]) -> str:
    """Back to the first commit, as after switching back to a clean branch: the broken states the
    edits leave (an unreadable file, a duplicate id) end, and runs can be quick again."""
    first = repo.git("rev-list", "--max-parents=0", "HEAD")
    repo.git("reset", "-q", "--hard", first)
    repo.git("clean", "-q", "-f", "-d")
    originals.clear()
    return "reset --hard to the first commit"


EDITS = [
    (add_evidence, 4),
    (retitle, 6),
    (edits.change, 6),
    (edits.delete, 2),
    (edits.rename, 2),
    (edits.break_reference, 3),
    (edits.fix_reference, 4),
    (edits.mismatch, 3),
    (edits.touch, 2),
    (edits.change_person, 1),
    (edits.review_text, 4),
    (edits.collide, 1),
    (uncollide, 2),
    (edits.unreadable, 1),
]


@pytest.mark.slow
@pytest.mark.parametrize("seed", [int(s) for s in os.environ.get("QUICK_SEEDS", "1,2,3,4,5").split(",")])
def test_quick_runs_report_what_cold_runs_report_on_random_edits(seed, tmp_path, quick_runs, monkeypatch):
    """After each random edit and git step, `validate` (twice: once re-checking what changed,
    once with everything reused) prints what a cold run prints, with the same exit code; and
    many of those runs were quick ones. Seed 4 keeps the real racy windows (files edited a
    moment ago are compared again, folders listed again); seed 5 folds the snapshot's overlay
    into its shards at nearly every quick run."""
    if seed == 4:
        for module in (snapshot, listing, cache):
            monkeypatch.setattr(module, "RACY_NS", 2_000_000_000)
    if seed == 5:
        monkeypatch.setattr(snapshot, "OVERLAY_MAX", 2)
    root = tmp_path / "records"
    repo = _repo(root, 60, seed)
    edits.language_by_track(root)
    rng = random.Random(seed)
    originals: dict[str, str] = {}
    assert _validate(root, "1") == _validate(root, "0")
    steps = []
    for _ in range(30):
        edit = rng.choices([e for e, _ in EDITS], [w for _, w in EDITS])[0]
        steps.append(edit(root, rng, originals) if rng.random() > 0.06 else reset(repo, originals))
        steps.append(_git_step(repo, rng))
        cold = _validate(root, "0")
        assert _validate(root, "1") == cold, "\n".join(steps)
        assert _validate(root, "1") == cold, "\n".join(steps)
    # The quick path was really taken (a collision, an unreadable file or a change outside
    # evidence makes runs full ones until it is undone).
    assert sum(quick_runs) >= len(quick_runs) / 4, quick_runs
    shutil.rmtree(root)


def test_a_quick_run_re_checks_the_records_citing_a_changed_entry(tmp_path, quick_runs):
    """A review or packet citing an evidence entry is checked again when the entry goes away,
    and its finding goes when the entry comes back."""
    root = tmp_path / "records"
    repo = _repo(root, 30)
    cited = next(
        path
        for path in _evidence(root)
        if any(
            path.stem in other.read_text(encoding="utf-8")
            for other in [*root.glob("people/*/reviews/*"), *root.glob("people/*/packets/*")]
        )
    )
    text = cited.read_text(encoding="utf-8")
    assert _validate(root, "1").startswith("exit 0")
    cited.unlink()
    gone = _validate(root, "1")
    assert gone == _validate(root, "0") and "ref/unknown-evidence" in gone
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "delete")
    cited.write_text(text, encoding="utf-8")
    back = _validate(root, "1")
    assert back == _validate(root, "0") and back.startswith("exit 0")
    assert quick_runs[1:] and quick_runs[1] and quick_runs[-1]


def test_a_change_outside_evidence_is_a_full_run(tmp_path, quick_runs):
    root = tmp_path / "records"
    _repo(root, 20)
    _validate(root, "1")
    person = next(root.glob("people/*/person.yaml"))
    _rewrite(person, "level: ", "level: l3\nold_level: ")
    assert _validate(root, "1") == _validate(root, "0")
    assert quick_runs == [False, False]  # the first run has nothing to start from


def test_outside_git_every_run_is_a_full_run(tmp_path, quick_runs):
    root = tmp_path / "records"
    corpus.organisation(root, 20)
    _validate(root, "1")
    path = _evidence(root)[0]
    _rewrite(path, "title: ", "title: Changed ")
    assert _validate(root, "1") == _validate(root, "0")
    assert not any(quick_runs)


def test_a_quick_run_reports_the_paths_asked_for(tmp_path, quick_runs):
    """`validate PATHS` (the pre-commit hook) is quick too, and reports what a cold run does."""
    root = tmp_path / "records"
    _repo(root, 30)
    _validate(root, "1")
    changed = _evidence(root)[3]
    _rewrite(changed, "title: ", "title: TODO ")
    os.environ["PERFDOCS_CACHE"] = "0"
    cold = invoke(["validate", changed])
    os.environ["PERFDOCS_CACHE"] = "1"
    warm = invoke(["validate", changed])
    assert (warm.exit_code, warm.stdout) == (cold.exit_code, cold.stdout)
    assert "record/placeholder" in warm.stdout
    assert quick_runs[-1]


def test_a_quick_run_marks_what_a_change_breaks_elsewhere(tmp_path, quick_runs):
    """`validate --changed-since` in a quick run: deleting an entry a review cites breaks the
    review, reported as caused by the deletion, as a cold run reports it."""
    root = tmp_path / "records"
    _repo(root, 30)
    _validate(root, "1")
    reviews = [*root.glob("people/*/reviews/*")]
    cited = next(p for p in _evidence(root) if any(p.stem in r.read_text(encoding="utf-8") for r in reviews))
    cited.unlink()
    runs = {}
    for setting in ("0", "1"):
        os.environ["PERFDOCS_CACHE"] = setting
        res = invoke(["validate", "--records", root, "--changed-since", "HEAD"])
        runs[setting] = (res.exit_code, res.stdout)
    assert runs["1"] == runs["0"]
    assert "caused by your change to" in runs["1"][1] and "ref/unknown-evidence" in runs["1"][1]
    assert quick_runs[-1]


def test_a_file_added_in_a_look_alike_folder_is_a_full_run(tmp_path, quick_runs):
    """people/р00000 (a Cyrillic р) beside people/p00000 collides with nothing while their files
    differ; an entry added there under the name of one of p00000's does, and the run that
    finds it is a full one (a quick run checks added names within their own folder)."""
    root = tmp_path / "records"
    repo = _repo(root, 20)
    mine = _evidence(root)
    owner = mine[0].parts[-3]
    look_alike = root / "people" / owner.replace("p", "\u0440", 1) / "evidence"
    look_alike.mkdir(parents=True)
    (look_alike / "2026-01-01-other.md").write_text(mine[0].read_text(encoding="utf-8"), encoding="utf-8")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "look-alike")
    first = _validate(root, "1")
    assert "id/collision" not in first and first == _validate(root, "0")
    same = next(p for p in mine if p.parts[-3] == owner)
    (look_alike / same.name).write_text(same.read_text(encoding="utf-8"), encoding="utf-8")
    cold = _validate(root, "0")
    assert _validate(root, "1") == cold and "id/collision" in cold
    assert quick_runs[-1] is False


def test_a_changed_review_is_a_quick_run(tmp_path, quick_runs):
    """A review rewritten (review season): its language findings come and go in a quick run, as
    in a cold one; a new review file is a full run."""
    root = tmp_path / "records"
    repo = _repo(root, 30)
    _validate(root, "1")
    review = next(root.glob("people/*/reviews/*.md"))
    _rewrite(review, "\n---\n", "\n---\nA hard-working, abrasive engineer. Great job.\n")
    cold = _validate(root, "0")
    assert _validate(root, "1") == cold and "language/" in cold
    assert quick_runs[-1]
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "review")
    (review.parent / "2027-Q1.md").write_text(review.read_text(encoding="utf-8"), encoding="utf-8")
    assert _validate(root, "1") == _validate(root, "0")
    assert quick_runs[-1] is False


def test_a_quick_run_from_another_folder_shows_the_stored_findings_where_it_names_them(
    tmp_path, quick_runs, monkeypatch
):
    """The findings of the rules across records are stored relative to the records folder: a
    quick run from elsewhere, naming the folder another way, shows them at its own paths."""
    root = tmp_path / "work" / "records"
    repo = _repo(root, 20)
    track = next(root.glob("tracks/*.yaml"))
    text = track.read_text(encoding="utf-8")
    (root / "tracks" / "lonely.yaml").write_text(text.replace(f"id: {track.stem}", "id: lonely", 1), encoding="utf-8")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "a track without a matrix")
    monkeypatch.chdir(tmp_path)
    first = _validate(Path("work/records"), "1")
    assert "work/records/tracks/lonely.yaml" in first and "ref/missing-matrix" in first
    _rewrite(_evidence(root)[0], "title: ", "title: Moved ")
    monkeypatch.chdir(root.parent)
    cold = _validate(Path("records"), "0")
    assert _validate(Path("records"), "1") == cold
    assert "\nrecords/tracks/lonely.yaml:" in "\n" + cold
    assert quick_runs[-1]


def test_a_records_folder_inside_a_repository_with_staged_changes_then_committed(tmp_path, quick_runs):
    """The records folder is a subfolder of the repository (paths git gives are relative to it),
    the last run saw staged changes (the index differing from HEAD), and they are committed
    before the next run: what a run sees matches a cold run's at every step, and runs are quick."""
    repo = GitRepo(tmp_path / "repo")
    root = repo.path / "records"
    corpus.organisation(root, 30)
    (repo.path / "README.md").write_text("the records are in records/\n", encoding="utf-8")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "records")
    entries = _evidence(root)
    _rewrite(entries[0], "title: ", "title: Staged ")
    repo.git("add", "-A")
    assert _validate(root, "1") == _validate(root, "0")  # a full run: it leaves the listing
    repo.git("commit", "-q", "-m", "the staged change")
    _rewrite(entries[1], "title: ", "title: TODO ")
    (repo.path / "README.md").write_text("changed outside the records\n", encoding="utf-8")
    cold = _validate(root, "0")
    assert _validate(root, "1") == cold and "record/placeholder" in cold
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "more")
    entries[1].write_text(entries[1].read_text(encoding="utf-8").replace("TODO ", ""), encoding="utf-8")
    cold = _validate(root, "0")
    assert _validate(root, "1") == cold and "record/placeholder" not in cold
    assert quick_runs == [False, True, True]


def test_a_commit_the_last_run_saw_that_is_gone_makes_a_full_run(tmp_path, quick_runs):
    """History rewritten and pruned (an amended commit, its old version expired): git cannot
    compare the index with the commit the last run saw, so the run is a full one, and the
    next is quick again."""
    root = tmp_path / "records"
    repo = _repo(root, 20)
    entries = _evidence(root)
    _validate(root, "1")
    _rewrite(entries[0], "title: ", "title: Amended ")
    repo.git("commit", "-q", "-a", "--amend", "-m", "records, amended")
    repo.git("reflog", "expire", "--expire=now", "--all")
    repo.git("gc", "-q", "--prune=now")
    cold = _validate(root, "0")
    assert _validate(root, "1") == cold
    _rewrite(entries[1], "title: ", "title: TODO ")
    cold = _validate(root, "0")
    assert _validate(root, "1") == cold and "record/placeholder" in cold
    assert quick_runs == [False, False, True]


def _overlay(root: Path) -> dict:
    os.environ["PERFDOCS_CACHE"] = "auto"  # as the runs read it (the last one was cold)
    return snapshot.Snapshot(root, time.time_ns())._overlay


def test_a_quick_run_keeps_what_it_found_in_the_overlay_and_a_full_run_folds_it(tmp_path, quick_runs):
    """A quick run writes the snapshot's main file only (the changed entries' findings in its
    overlay), not the shards they fall in; the next full run folds the overlay into the shards;
    every run prints what a cold run prints."""
    root = tmp_path / "records"
    repo = _repo(root, 30)
    _validate(root, "1")
    shards = sorted((tmp_path / "cache").rglob("snapshot-*/*.marshal"))
    assert shards
    before = {path: path.stat().st_mtime_ns for path in shards}
    changed = _evidence(root)[:3]
    for path in changed:
        _rewrite(path, "title: ", "title: TODO ")  # a finding for each (placeholder text)
    repo.git("commit", "-q", "-am", "titles")
    quick = _validate(root, "1")
    assert quick == _validate(root, "0") and quick.count("TODO") >= 3
    assert quick_runs[-1] and {path: path.stat().st_mtime_ns for path in shards} == before
    assert {("", path.relative_to(root).as_posix()) for path in changed} <= _overlay(root).keys()
    person = next(root.glob("people/*/person.yaml"))
    _rewrite(person, "level: ", "level: l3\nold_level: ")  # a full run
    full = _validate(root, "1")
    assert full == _validate(root, "0") and not quick_runs[-1]
    assert _overlay(root) == {}
    assert any(path.stat().st_mtime_ns != before[path] for path in shards)


def test_quick_runs_follow_the_git_workflows_of_a_real_team(tmp_path, quick_runs):
    """A records repository worked as teams work it: a feature branch merged with a merge
    commit, another squash-merged and one rebased onto main, a maintenance branch merged
    forward, a stash and its pop, an amended commit, a cherry-pick, and the records checked out
    in a linked worktree. After each step two runs with the cache print what a cold run prints;
    most runs are quick (the first run in a new worktree is a full one)."""
    root = tmp_path / "records"
    repo = _repo(root, 40)
    entries = _evidence(root)
    git = repo.git
    checks: list[str] = []

    def check(step: str) -> None:
        cold = _validate(root, "0")
        assert _validate(root, "1") == cold, step
        assert _validate(root, "1") == cold, step
        checks.append(step)

    def retitle(index: int, words: str) -> None:
        _rewrite(entries[index], "title: ", f"title: {words} ")

    check("start")
    git("checkout", "-q", "-b", "feature")
    retitle(0, "Feature")
    git("commit", "-q", "-am", "feature: one entry")
    check("a commit on a feature branch")
    git("checkout", "-q", "main")
    check("back on main")
    retitle(1, "Main")
    git("commit", "-q", "-am", "main moves on")
    git("merge", "-q", "--no-ff", "--no-edit", "feature")
    check("the feature branch merged with a merge commit")
    git("checkout", "-q", "-b", "squashed")
    retitle(2, "TODO")  # a finding the squash brings in
    git("commit", "-q", "-am", "wip 1")
    retitle(3, "Squashed")
    git("commit", "-q", "-am", "wip 2")
    git("checkout", "-q", "main")
    git("merge", "-q", "--squash", "squashed")
    check("a squash merge, staged")
    git("commit", "-q", "-m", "squashed feature")
    check("the squash merge committed")
    git("checkout", "-q", "-b", "rebased", "HEAD~1")
    retitle(4, "Rebased")
    git("commit", "-q", "-am", "rebased feature")
    git("rebase", "-q", "main")
    check("a branch rebased onto main")
    git("checkout", "-q", "main")
    git("merge", "-q", "--ff-only", "rebased")
    check("fast-forwarded")
    git("checkout", "-q", "-b", "release-1", "HEAD~3")
    retitle(5, "Hotfix")
    git("commit", "-q", "-am", "hotfix on the maintenance branch")
    git("checkout", "-q", "main")
    git("merge", "-q", "--no-edit", "release-1")
    check("the maintenance branch merged forward")
    retitle(6, "Stashed")
    check("an edit in the working tree")
    git("stash", "-q")
    check("stashed")
    git("stash", "pop", "-q")
    check("popped")
    git("commit", "-q", "-am", "the stashed edit")
    retitle(7, "Amended")
    git("commit", "-q", "-a", "--amend", "--no-edit")
    check("an amended commit")
    git("checkout", "-q", "release-1")
    retitle(8, "Picked")
    git("commit", "-q", "-am", "a fix to pick")
    picked = git("rev-parse", "HEAD")
    git("checkout", "-q", "main")
    git("cherry-pick", picked)
    check("a cherry-pick")
    assert _validate(root, "0").count("record/placeholder") >= 1  # the squash's TODO is still there
    runs_here = len(quick_runs)
    other = tmp_path / "other"
    git("worktree", "add", "-q", str(other), "release-1")
    root = other  # the records at the top of a linked worktree
    check("a linked worktree, first run")
    _rewrite(next(other.glob("people/*/evidence/*.md")), "title: ", "title: Elsewhere ")
    check("an edit in the linked worktree")
    assert quick_runs[runs_here:] == [False, True, True, True]  # a worktree has its own snapshot
    # Quick throughout on main (two runs a step) but for the very first run.
    assert quick_runs[:runs_here] == [False] + [True] * (runs_here - 1), list(zip(checks, quick_runs[0::2]))


def test_a_ci_job_on_a_fresh_clone_with_its_cache_restored_is_quick(tmp_path, quick_runs, monkeypatch):
    """What the CI templates `init` writes do: each job clones the repository afresh (every
    file and folder new on disk) at the same place, with perfdocs' cache folder (its key
    inside) restored from the last run. A full clone's run is quick and prints what a cold run
    prints; a shallow clone, which lacks the commit the last run saw, makes a full run."""
    upstream = _repo(tmp_path / "upstream", 40)
    cache_dir = tmp_path / "ci-cache"
    monkeypatch.setenv("PERFDOCS_CACHE_DIR", str(cache_dir))
    root = tmp_path / "checkout"

    def job(*clone: str) -> str:
        shutil.rmtree(root, ignore_errors=True)
        upstream.git("clone", "-q", *clone, f"file://{upstream.path}", str(root))
        cold = _validate(root, "0")
        assert _validate(root, "1") == cold
        return cold

    job()
    entries = _evidence(upstream.path)
    _rewrite(entries[0], "title: ", "title: TODO ")
    upstream.git("commit", "-q", "-am", "a pull request's entry")
    assert "record/placeholder" in job()
    _rewrite(entries[1], "title: ", "title: Next ")
    upstream.git("commit", "-q", "-am", "the next one")
    job("--depth", "1")
    assert quick_runs == [False, True, False]

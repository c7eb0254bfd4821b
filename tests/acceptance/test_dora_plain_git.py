"""An independent check: for a generated repository, perfdocs' DORA figures equal a computation
of the documented definitions with plain git commands (`for-each-ref`, `rev-list`, `log`) and
nothing of perfdocs: deployment count, the lead-time sample with its median and nearest-rank
p90, failed deployments (a revert of a commit a deployment shipped, or a hotfix deployment after
it, within the window) and rework deployments (hotfix deployments), per month."""

from __future__ import annotations

import datetime as dt
import math
import random
import statistics
import subprocess

from perfdocs.metrics import dora

from tests.support.git import GIT_ENV, GitRepo, tag

WINDOW = dt.timedelta(hours=48)
MONTHS = ("2026-03", "2026-04", "2026-05")


def generate(repo: GitRepo, seed: int = 14) -> None:
    """About 60 commits from March to May 2026: features, merges of short branches, reverts of
    earlier commits (shipped or not yet), hotfixes; a deployment tag after every few commits."""
    rnd = random.Random(seed)
    now = dt.datetime(2026, 3, 1, 8, tzinfo=dt.UTC)
    made: list[tuple[str, str]] = []  # (sha, subject) on main
    for i in range(60):
        now += dt.timedelta(hours=rnd.choice([2, 3, 5, 9, 20, 30]))
        stamp = now.isoformat()
        roll = rnd.random()
        if roll < 0.12 and made:
            target, subject = rnd.choice(made[-8:])
            sha = repo.commit(f'Revert "{subject}"\n\nThis reverts commit {target}.', date=stamp)
            made.append((sha, f"revert {i}"))
        elif roll < 0.22:
            sha = repo.commit(f"hotfix: guard {i}", date=stamp)
            made.append((sha, f"hotfix: guard {i}"))
            now += dt.timedelta(hours=1)
            tag(repo, f"deploy-{i:03d}", sha, now.isoformat())
            continue
        elif roll < 0.32:
            repo.git("checkout", "-q", "-b", f"topic-{i}")
            repo.commit(f"topic {i} part 1", date=stamp)
            repo.commit(f"topic {i} part 2", date=(now + dt.timedelta(minutes=30)).isoformat())
            repo.git("checkout", "-q", "main")
            now += dt.timedelta(hours=1)
            repo.git("merge", "-q", "--no-ff", "-m", f"Merge topic {i}", f"topic-{i}", date=now.isoformat())
            sha = repo.git("rev-parse", "HEAD")
            made.append((sha, f"Merge topic {i}"))
        else:
            sha = repo.commit(f"feat: change {i}", date=stamp)
            made.append((sha, f"feat: change {i}"))
        if rnd.random() < 0.35:
            now += dt.timedelta(hours=1)
            tag(repo, f"deploy-{i:03d}", sha, now.isoformat())


def git(repo: GitRepo, *args: str) -> str:
    import os

    env = {**os.environ, **GIT_ENV}
    return subprocess.run(["git", *args], cwd=repo.path, env=env, check=True, capture_output=True, text=True).stdout


def when(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.strip()).astimezone(dt.UTC)


def plain_figures(repo: GitRepo) -> dict[str, dict[str, object]]:
    """The documented definitions, computed with git alone, per month."""
    refs = git(
        repo, "for-each-ref", "refs/tags/deploy-*", "--format=%(refname:short) %(*objectname) %(taggerdate:iso-strict)"
    )
    deploys = sorted(
        ((when(stamp), name, sha) for name, sha, stamp in (line.split() for line in refs.splitlines())),
    )
    shipped: list[list[str]] = []
    for i, (_, name, _) in enumerate(deploys):
        earlier = [f"^{n}" for _, n, _ in deploys[:i]]
        shipped.append(git(repo, "rev-list", "--no-merges", name, *earlier).split())
    subject = {line[:40]: line[41:] for line in git(repo, "log", "--all", "--format=%H %s").splitlines()}
    authored = {line[:40]: when(line[41:]) for line in git(repo, "log", "--all", "--format=%H %aI").splitlines()}
    committed = {line[:40]: when(line[41:]) for line in git(repo, "log", "--all", "--format=%H %cI").splitlines()}
    reverts = {}
    for block in git(repo, "log", "--all", "--format=%H%x00%B%x01").split("\x01"):
        if "\x00" in block:
            sha, body = block.strip().split("\x00", 1)
            if "This reverts commit " in body:
                reverts[sha] = body.split("This reverts commit ")[1][:40]
    hotfix = [any(subject[c].startswith("hotfix") for c in commits) for commits in shipped]
    failed = [False] * len(deploys)
    for i, (time, _, _) in enumerate(deploys):
        for revert, target in reverts.items():
            if target in shipped[i] and time <= committed[revert] <= time + WINDOW:
                failed[i] = True
        if i + 1 < len(deploys) and hotfix[i + 1] and deploys[i + 1][0] - time <= WINDOW:
            failed[i] = True
    out: dict[str, dict[str, object]] = {}
    for month in MONTHS:
        idx = [i for i, (t, _, _) in enumerate(deploys) if t.strftime("%Y-%m") == month]
        hours = [(deploys[i][0] - authored[c]).total_seconds() / 3600 for i in idx for c in shipped[i]]
        ordered = sorted(hours)
        out[month] = {
            "deploys": len(idx),
            "lead_sample": len(hours),
            "lead_median": round(statistics.median(hours), 2) if hours else None,
            "lead_p90": round(ordered[max(1, math.ceil(0.9 * len(ordered))) - 1], 2) if hours else None,
            "failed": sum(failed[i] for i in idx),
            "rework": sum(hotfix[i] for i in idx),
        }
    return out


def test_perfdocs_figures_equal_a_plain_git_computation_of_the_definitions(git_repo):
    repo = git_repo("generated")
    generate(repo)
    found = dora.analyse(
        {"svc": dora.read_history(repo.path, "svc")},
        [],
        dt.date(2026, 3, 1),
        dt.date(2026, 5, 31),
        "month",
        dict.fromkeys(dora.KEYS, dora.Config()),  # deploy-*, a 48 h window, hotfix subjects
        min_sample=dict.fromkeys(dora.KEYS, 1),
    )
    by = {m.key: {f.period: f for f in m.figures} for m in found.metrics}
    ours = {
        month: {
            "deploys": by["deployment-frequency"][month].sample,
            "lead_sample": by["change-lead-time"][month].sample,
            "lead_median": by["change-lead-time"][month].value,
            "lead_p90": by["change-lead-time"][month].extra.get("p90"),
            "failed": by["change-fail-rate"][month].extra["failed"],
            "rework": by["deployment-rework-rate"][month].extra["rework"],
        }
        for month in MONTHS
    }
    expected = plain_figures(repo)
    assert ours == expected
    # the story is not trivial: deployments, failures and rework in it
    assert sum(m["deploys"] for m in expected.values()) >= 15
    assert sum(m["failed"] for m in expected.values()) >= 2
    assert sum(m["rework"] for m in expected.values()) >= 2

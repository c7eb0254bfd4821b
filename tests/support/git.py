"""Real git repositories for the tests, never mocked: an isolated configuration, commits,
merges, squashes and tags at fixed dates, and the repository stories several test modules
read (the payments deploy history behind the DORA figures, the two clones behind the link
checks). The stories' shas and dates are worked out by hand in their docstrings."""

from __future__ import annotations

import os
import subprocess
import textwrap
from pathlib import Path
from typing import Any

from tests.support.files import build_tree, edit

GIT_ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_SYSTEM": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_TERMINAL_PROMPT": "0",
}


class GitRepo:
    """A real git repository with an isolated configuration and commits at fixed dates."""

    def __init__(self, path: Path, branch: str = "main") -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", branch)
        self.git("config", "user.name", "Test")
        self.git("config", "user.email", "test@example.com")
        self.git("config", "commit.gpgsign", "false")

    def git(
        self,
        *args: str,
        date: str | None = None,
        author: tuple[str, str] | None = None,
        committer: tuple[str, str] | None = None,
    ) -> str:
        env = {**os.environ, **GIT_ENV}
        if date:
            env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date
        if author:
            env["GIT_AUTHOR_NAME"], env["GIT_AUTHOR_EMAIL"] = author
        if committer:
            env["GIT_COMMITTER_NAME"], env["GIT_COMMITTER_EMAIL"] = committer
        out = subprocess.run(["git", *args], cwd=self.path, env=env, check=True, capture_output=True, text=True)
        return out.stdout.strip()

    def commit(
        self,
        message: str,
        files: dict[str, str] | None = None,
        date: str = "2026-01-01T12:00:00+00:00",
        author: tuple[str, str] = ("Test", "test@example.com"),
        committer: tuple[str, str] | None = None,
    ) -> str:
        for rel, text in (files or {f"file-{abs(hash(message)) % 10**8}.txt": message}).items():
            path = self.path / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            self.git("add", rel)
        self.git(
            "commit", "-q", "--allow-empty", "-m", message, date=date, author=author, committer=committer or author
        )
        return self.git("rev-parse", "HEAD")


def isolated_config(folder: Path) -> dict[str, str]:
    """The environment for git with a private global configuration (user Ann) written into
    `folder`, for perfdocs' own git calls; the `isolated_git` fixture sets it."""
    config = folder / "gitconfig"
    config.write_text(
        "[user]\n\tname = Ann Example\n\temail = ann@example.com\n"
        "[commit]\n\tgpgsign = false\n[init]\n\tdefaultBranch = main\n",
        encoding="utf-8",
    )
    return {**GIT_ENV, "GIT_CONFIG_GLOBAL": str(config)}


def tag(repo: GitRepo, name: str, sha: str, date: str) -> None:
    """An annotated deploy tag: its tagger date (from GIT_COMMITTER_DATE) is the deploy time."""
    repo.git("tag", "-a", name, "-m", f"deploy {name}", sha, date=date)


# --- the payments story: DORA figures worked out by hand ---------------------------------


def payments_history(repo: GitRepo) -> tuple[GitRepo, dict[str, str]]:
    """The story (all times UTC; commits authored = committed at the given time):

    Jan  c1 05 10:00, c2 05 14:00  -> D1 deploy-2026-01-06.1 at 06 10:00 ships c1 (24 h), c2 (20 h)
         c3 07 09:00              -> D2 deploy-2026-01-08.1 at 08 09:00 ships c3 (24 h)
         c4 08 12:00 reverts c3   -> D3 deploy-2026-01-08.2 at 08 13:00 ships c4 (1 h)
                                      the revert comes 3 h after D2 shipped c3: D2 failed
         c5 20 08:00              -> D4 deploy-2026-01-20.1 at 20 10:00 ships c5 (2 h); v1.0 tag ignored
         c6 21 08:00 "hotfix: ..."-> D5 deploy-2026-01-21.1 at 21 09:00 ships c6 (1 h); a hotfix deploy
                                      23 h after D4: D4 failed
    Feb  c7 02 10:00              -> D6 deploy-2026-02-03.1 at 03 10:00 ships c7 (24 h)
                                      postmortem pm-api starts 04 09:00, 23 h after D6: D6 failed
         c8 10 10:00 on a branch, merged 12 09:00 (merge commit m), c9 12 10:00
                                  -> D7 deploy-2026-02-13.1 at 13 10:00 ships c8 (72 h), c9 (24 h), not m
                                      postmortem pm-db (team core) starts 20 09:00, 7 days after D7: no failure
         c10 25 10:00 reverts c8  -> D8 deploy-2026-02-25.1 at 25 12:00 ships c10 (2 h)
                                      c8 shipped with D7 12 days earlier, outside the 24 h window: no failure
    """
    at = "2026-{}T{}:00+00:00".format
    repo.commit("feat: a", date=at("01-05", "10:00"))
    c2 = repo.commit("feat: b", date=at("01-05", "14:00"))
    tag(repo, "deploy-2026-01-06.1", c2, at("01-06", "10:00"))
    c3 = repo.commit("feat: c", date=at("01-07", "09:00"))
    tag(repo, "deploy-2026-01-08.1", c3, at("01-08", "09:00"))
    c4 = repo.commit(f'Revert "feat: c"\n\nThis reverts commit {c3}.', date=at("01-08", "12:00"))
    tag(repo, "deploy-2026-01-08.2", c4, at("01-08", "13:00"))
    c5 = repo.commit("feat: d", date=at("01-20", "08:00"))
    tag(repo, "deploy-2026-01-20.1", c5, at("01-20", "10:00"))
    repo.git("tag", "v1.0", c5)
    c6 = repo.commit("hotfix: null check in capture", date=at("01-21", "08:00"))
    tag(repo, "deploy-2026-01-21.1", c6, at("01-21", "09:00"))
    c7 = repo.commit("feat: e", date=at("02-02", "10:00"))
    tag(repo, "deploy-2026-02-03.1", c7, at("02-03", "10:00"))
    repo.git("checkout", "-q", "-b", "feature")
    c8 = repo.commit("feat: f", date=at("02-10", "10:00"))
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "-m", "Merge branch 'feature'", "feature", date=at("02-12", "09:00"))
    c9 = repo.commit("feat: g", date=at("02-12", "10:00"))
    tag(repo, "deploy-2026-02-13.1", c9, at("02-13", "10:00"))
    c10 = repo.commit(f'Revert "feat: f"\n\nThis reverts commit {c8}.', date=at("02-25", "10:00"))
    tag(repo, "deploy-2026-02-25.1", c10, at("02-25", "12:00"))
    return repo, {"c2": c2, "c4": c4, "c5": c5, "c6": c6, "c7": c7, "c9": c9, "c10": c10}


POSTMORTEMS = {
    "postmortems/pm-api.md": """\
        ---
        kind: postmortem
        id: pm-api
        title: Capture errors
        date: 2026-02-04
        severity: sev2
        services: [api]
        started: 2026-02-04T09:00:00Z
        detected: 2026-02-04T09:30:00Z
        restored: 2026-02-04T11:30:00Z
        participants: [ann]
        ---
        Two hours of errors.
        """,
    "postmortems/pm-db.md": """\
        ---
        kind: postmortem
        id: pm-db
        title: Slow database
        date: 2026-02-20
        severity: sev3
        team: core
        services: [db]
        started: 2026-02-20T09:00:00Z
        detected: 2026-02-20T10:00:00Z
        restored: 2026-02-20T16:00:00Z
        participants: [bob]
        ---
        Six hours of slow queries.
        """,
    "postmortems/pm-other.md": """\
        ---
        kind: postmortem
        id: pm-other
        title: Someone else's outage
        date: 2026-01-08
        severity: sev1
        services: [checkout]
        started: 2026-01-08T09:30:00Z
        detected: 2026-01-08T09:40:00Z
        restored: 2026-01-08T20:00:00Z
        participants: [bob]
        ---
        Not the core team's services: ignored.
        """,
}

METRICS = {
    "metrics/deployment-frequency.yaml": """\
        kind: metric
        id: deployment-frequency
        name: Deployment frequency
        owner: bob
        purpose: How often changes reach production.
        calculation: Deploy tags per week.
        limitations: [A deploy of nothing counts too.]
        anti_gaming: [Never an individual target.]
        scope: team
        type: result
        priority: non-negotiable
        unit: deploys/week
        direction: higher-is-better
        dora: deployment-frequency
        counter_metric: change-failure-rate
        thresholds:
          - {label: elite, min: 7}
          - {label: high, min: 1, max: 7}
          - {label: medium, min: 0.25, max: 1}
          - {label: low, max: 0.25}
        review: {cadence_days: 90, last_reviewed: 2026-10-01}
        """,
    "metrics/lead-time.yaml": """\
        kind: metric
        id: lead-time
        name: Change lead time
        owner: bob
        purpose: How long a change waits for production.
        calculation: Median hours from commit to deploy.
        limitations: [Work before the first commit is invisible.]
        anti_gaming: [Never an individual target.]
        scope: team
        type: result
        priority: non-negotiable
        unit: hours
        direction: lower-is-better
        dora: change-lead-time
        counter_metric: change-failure-rate
        thresholds:
          - {label: elite, max: 24}
          - {label: high, min: 24, max: 168}
          - {label: medium, min: 168, max: 720}
          - {label: low, min: 720}
        review: {cadence_days: 90, last_reviewed: 2026-10-01}
        """,
    "metrics/change-failure-rate.yaml": """\
        kind: metric
        id: change-failure-rate
        name: Change fail rate
        owner: bob
        purpose: How often a deploy hurts.
        calculation: Failed deploys over deploys.
        limitations: [Unreported failures are invisible.]
        anti_gaming: [Never an individual target.]
        scope: team
        type: result
        priority: non-negotiable
        unit: '%'
        direction: lower-is-better
        dora: change-fail-rate
        definition:
          failure_window_hours: 24
        thresholds:
          - {label: elite, max: 15}
          - {label: high, min: 15, max: 30}
          - {label: medium, min: 30, max: 45}
          - {label: low, min: 45}
        review: {cadence_days: 90, last_reviewed: 2026-10-01}
        """,
    "metrics/time-to-restore.yaml": """\
        kind: metric
        id: time-to-restore
        name: Failed deployment recovery time
        owner: bob
        purpose: How fast service comes back.
        calculation: Median hours from detection to restoration.
        limitations: [Depends on honest timestamps.]
        anti_gaming: [Never an individual target.]
        scope: team
        type: result
        priority: non-negotiable
        unit: hours
        direction: lower-is-better
        dora: failed-deployment-recovery-time
        counter_metric: change-failure-rate
        thresholds:
          - {label: elite, max: 1}
          - {label: high, min: 1, max: 24}
          - {label: medium, min: 24, max: 168}
          - {label: low, min: 168}
        review: {cadence_days: 90, last_reviewed: 2026-10-01}
        """,
}


def deploying_org(minimal: Path, repo: GitRepo) -> tuple[Path, GitRepo, dict[str, str]]:
    """The minimal organisation, with team core deploying acme/api (`repo`, given the payments story)."""
    repo, shas = payments_history(repo)
    build_tree(minimal, {**POSTMORTEMS, **METRICS})
    with open(minimal / "org.yaml", "a", encoding="utf-8") as fh:
        fh.write(
            textwrap.dedent(f"""\
            repositories:
              acme/api:
                path: {Path(os.path.relpath(repo.path, minimal)).as_posix()}
            dora:
              deploy_tag_pattern: deploy-*
            """)
        )
    # The evidence's PR link is not in this repository's story; a plain URL is not checked against git.
    edit(
        minimal / "people/ann/evidence/2026-03-01-retry-redesign.md",
        "  - tiny/api#12\n",
        "  - https://example.com/retry-design\n",
    )
    edit(minimal / "teams/core.yaml", "services:\n  - api\n", "services:\n  - api\nrepositories:\n  - acme/api\n")
    return minimal, repo, shas


# --- two clones: every merge style behind the link checks -----------------------------------

ANN = ("Ann Example", "ann@tiny.example")
BOB = ("Bob Example", "bob@tiny.example")
GITHUB = ("GitHub", "noreply@github.com")
EV = "people/ann/evidence"

REPOS = """
repositories:
  tiny/api:
    path: ../api
    url: https://github.com/tiny/api
    host: github
    default_branch: main
  grp/sub/proj:
    path: ../proj
    url: https://gitlab.com/grp/sub/proj
    host: gitlab
"""


def merge(repo: GitRepo, branch: str, message: str, date: str, who: tuple[str, str] = BOB) -> str:
    """A real merge commit of `branch` into main, pressed by `who`; returns its sha."""
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", branch, "-m", message, date=date, author=who, committer=who)
    return repo.git("rev-parse", "HEAD")


def start_branch(repo: GitRepo, name: str) -> None:
    """A new branch from main, checked out."""
    repo.git("checkout", "-q", "-b", name, "main")


def build_api(repo: GitRepo) -> dict[str, str]:
    """tiny/api: one pull request merged in each real style; returns named shas."""
    shas = {"root": repo.commit("Initial commit", {"README.md": "api\n"}, "2026-01-05T09:00:00+00:00", BOB)}
    # 12: a GitHub merge commit, pressed by Bob, bringing in Ann's two commits
    start_branch(repo, "ann/retries")
    shas["12a"] = repo.commit("Retry policy", {"retry.py": "policy\n"}, "2026-02-20T10:00:00+00:00", ANN)
    repo.commit("Retry tests", {"test_retry.py": "tests\n"}, "2026-02-22T10:00:00+00:00", ANN)
    shas["12"] = merge(
        repo, "ann/retries", "Merge pull request #12 from ann/retries\n\nRedesign retries", "2026-02-25T10:00:00+00:00"
    )
    repo.git("tag", "deploy-2026-02-25.1", date="2026-02-25T11:00:00+00:00")
    # 13: a squash merge by GitHub on Ann's behalf
    shas["13"] = repo.commit(
        "Jittered backoff (#13)", {"backoff.py": "jitter\n"}, "2026-03-03T10:00:00+00:00", ANN, committer=GITHUB
    )
    # 14: a GitLab-style merge of Bob's work
    start_branch(repo, "bob/ledger")
    repo.commit("Fix ledger rounding", {"ledger.py": "round\n"}, "2026-03-08T10:00:00+00:00", BOB)
    shas["14"] = merge(
        repo,
        "bob/ledger",
        "Merge branch 'bob/ledger' into 'main'\n\nFix ledger rounding\n\nSee merge request tiny/api!14",
        "2026-03-10T10:00:00+00:00",
    )
    # 15: rebased onto main, each commit carrying a trailer (two trailer spellings)
    shas["15a"] = repo.commit(
        "Idempotency keys: storage\n\nPull-Request: tiny/api#15",
        {"idem.py": "store\n"},
        "2026-03-12T10:00:00+00:00",
        ANN,
        committer=BOB,
    )
    shas["15b"] = repo.commit(
        "Idempotency keys: middleware\n\nSigned-off-by: Ann <ann@tiny.example>\nPR: #15",
        {"idem_mw.py": "mw\n"},
        "2026-03-12T11:00:00+00:00",
        ANN,
        committer=BOB,
    )
    # 16: Bob's commit with Ann as co-author, linked with a Reviewed-on trailer
    shas["16"] = repo.commit(
        "Webhook signatures\n\nCo-authored-by: Ann Example <ann@tiny.example>\n"
        "Reviewed-on: https://github.com/tiny/api/pull/16",
        {"hooks.py": "sign\n"},
        "2026-03-20T10:00:00+00:00",
        BOB,
    )
    # 17: Bob's squash merge; 18: Bob's commit cherry-picked (committed) by Ann
    shas["17"] = repo.commit(
        "Rate limits (#17)", {"limits.py": "limit\n"}, "2026-03-25T10:00:00+00:00", BOB, committer=GITHUB
    )
    shas["18"] = repo.commit(
        "Cache warmup (#18)", {"warm.py": "warm\n"}, "2026-03-26T10:00:00+00:00", BOB, committer=ANN
    )
    # 19: Ann pressed "merge" on Bob's branch: merging is not authoring
    start_branch(repo, "bob/metrics")
    repo.commit("Metrics endpoint", {"metrics.py": "m\n"}, "2026-03-27T10:00:00+00:00", BOB)
    shas["19"] = merge(
        repo, "bob/metrics", "Merge pull request #19 from bob/metrics", "2026-03-28T10:00:00+00:00", who=ANN
    )
    # 99: on a branch that never merged
    start_branch(repo, "abandoned")
    shas["99"] = repo.commit("Experiment (#99)", {"x.py": "x\n"}, "2026-03-29T10:00:00+00:00", ANN)
    repo.git("checkout", "-q", "main")
    # a revert of a squash merge is its own PR, not a second merge of #13
    shas["20"] = repo.commit(
        'Revert "Jittered backoff (#13)" (#20)',
        {"backoff.py": "none\n"},
        "2026-04-01T10:00:00+00:00",
        BOB,
        committer=GITHUB,
    )
    repo.git("tag", "hotfix-2026-04-01.1", date="2026-04-01T11:00:00+00:00")
    return shas


def build_proj(repo: GitRepo) -> dict[str, str]:
    """grp/sub/proj on GitLab, default branch 'trunk', with a nested group path."""
    shas = {"root": repo.commit("Initial commit", {"a.txt": "a\n"}, "2026-01-05T09:00:00+00:00", BOB)}
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit("Faster search", {"s.txt": "s\n"}, "2026-02-01T10:00:00+00:00", ANN)
    repo.git("checkout", "-q", "trunk")
    repo.git(
        "merge",
        "-q",
        "--no-ff",
        "feature",
        "-m",
        "Merge branch 'feature' into 'trunk'\n\nSee merge request grp/sub/proj!7",
        date="2026-02-02T10:00:00+00:00",
        author=BOB,
        committer=BOB,
    )
    shas["7"] = repo.git("rev-parse", "HEAD")
    return shas


def linked_world(minimal: Path, api: GitRepo, proj: GitRepo) -> dict[str, Any]:
    """The minimal organisation with two configured clones, tiny/api (main) and grp/sub/proj
    (trunk), both beside it; the `world` fixture adds a private index cache."""
    with open(minimal / "org.yaml", "a", encoding="utf-8") as fh:
        fh.write(textwrap.dedent(REPOS))
    return {
        "root": minimal,
        "api": api,
        "proj": proj,
        "shas": build_api(api) | {f"proj-{k}": v for k, v in build_proj(proj).items()},
    }

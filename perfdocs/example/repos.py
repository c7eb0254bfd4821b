"""The example organisation's git repositories, generated: acme/payments, acme/platform, acme/web.

Real repositories with a year of history (2026-01 to 2026-10) that the example
evidence links resolve against and that DORA metrics are computed from:

- every pull request the example evidence cites is merged on `main` at a fixed date,
  by its author, in one of the real styles: GitHub merge commits, squash merges,
  GitLab merges ("See merge request acme/platform!224") and rebased commits with a
  PR trailer; the commits evidence cites by sha are there too;
- around them, ordinary team work: two to five pull requests a week by the team's
  people, each one to three commits written over a few days before it merged;
- deploy tags `deploy-YYYY-MM-DD.N` (annotated, by the release bot) a few times a
  week, some reverts (git's own "Revert ..." / "This reverts commit <sha>.") and
  hotfix commits ("hotfix: ...") followed by a same-day deploy.

Everything is derived from fixed dates, people and a seeded random generator, and the
repositories are written with `git fast-import`, so the shas are the same on every run
and every machine: evidence can cite `acme/platform@<sha>`. The history is a plain
stream of git commands, run through perfdocs.git.run like every git command perfdocs runs.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import shutil
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from perfdocs.diagnostics import display_path
from perfdocs.errors import PerfdocsError
from perfdocs.git.run import run

UTC = dt.UTC
START, END = dt.date(2026, 1, 5), dt.date(2026, 10, 30)
MARKER = "perfdocs-example"
"""A file in each generated repository's .git, so that regeneration only ever deletes those."""
GITHUB = ("GitHub", "noreply@github.com")
BOT = ("Acme Release Bot", "release-bot@acme.example")
RENOVATE = ("renovate[bot]", "29139614+renovate[bot]@users.noreply.github.com")

PEOPLE = {
    "alice": "Alice Nakamura",
    "bora": "Bora Kim",
    "chen": "Chen Wei",
    "dana": "Dana Okafor",
    "emeka": "Emeka Eze",
    "farah": "Farah Haddad",
    "gustavo": "Gustavo Pereira",
    "hana": "Hana Sato",
}


@dataclass(frozen=True)
class Repo:
    name: str
    host: str
    team: list[str]
    styles: dict[str, float]
    folders: list[str]


REPOS = [
    Repo(
        "acme/payments",
        "github",
        ["alice", "bora", "gustavo"],
        {"merge": 0.6, "squash": 0.4},
        ["payments-api", "ledger", "webhooks-dispatcher", "docs"],
    ),
    Repo(
        "acme/platform",
        "gitlab",
        ["dana", "emeka", "hana"],
        {"gitlab": 0.8, "trailer": 0.2},
        ["deploy-pipeline", "terraform", "observability", "ingress"],
    ),
    Repo(
        "acme/web",
        "github",
        ["chen", "farah"],
        {"squash": 0.7, "trailer": 0.2, "merge": 0.1},
        ["checkout-web", "design-system", "e2e", "ci"],
    ),
]


@dataclass(frozen=True)
class Cited:
    """A pull request or commit the example evidence cites, merged at a fixed time."""

    repo: str
    number: int | None
    author: str
    merged: str
    style: str
    title: str
    coauthors: tuple[str, ...] = ()
    commits: int = 1
    evidence: str | None = None
    """For a commit cited by sha: the evidence id whose link is pinned to its sha."""


CITED = [
    # acme/payments (GitHub)
    Cited("acme/payments", 118, "bora", "2026-01-09T16:10", "squash", "Send Retry-After on refund webhook retries"),
    Cited(
        "acme/payments",
        203,
        "bora",
        "2026-01-28T14:20",
        "merge",
        "Ledger: split journal entries into debit and credit legs",
        commits=3,
    ),
    Cited(
        "acme/payments",
        207,
        "bora",
        "2026-02-03T11:05",
        "merge",
        "Ledger: enforce balanced entries at write time",
        commits=2,
    ),
    Cited(
        "acme/payments",
        219,
        "bora",
        "2026-02-09T15:40",
        "merge",
        "Ledger: backfill legs for historical entries",
        commits=2,
    ),
    Cited(
        "acme/payments",
        236,
        "bora",
        "2026-02-17T13:30",
        "merge",
        "Constant-time webhook signature verification",
        commits=2,
    ),
    Cited(
        "acme/payments",
        318,
        "alice",
        "2026-04-13T10:45",
        "trailer",
        "Idempotency middleware for mutating endpoints",
        commits=3,
    ),
    Cited(
        "acme/payments",
        344,
        "alice",
        "2026-04-30T17:00",
        "merge",
        "Design: retry budgets, jittered backoff and Retry-After",
    ),
    Cited(
        "acme/payments", 402, "alice", "2026-06-10T12:15", "squash", "Consumer-driven contract test harness", ("farah",)
    ),
    Cited(
        "acme/payments",
        498,
        "bora",
        "2026-07-20T15:50",
        "merge",
        "Webhook retries with a dead-letter queue and replay",
        ("alice",),
        commits=3,
    ),
    Cited(
        "acme/payments",
        517,
        "alice",
        "2026-07-29T11:30",
        "squash",
        "Streaming reconciliation consumer for ledger events",
    ),
    Cited(
        "acme/payments",
        522,
        "alice",
        "2026-08-04T16:20",
        "trailer",
        "Retire the nightly reconciliation batch",
        commits=2,
    ),
    Cited(
        "acme/payments",
        None,
        "bora",
        "2026-08-18T10:05",
        "commit",
        "Fix off-by-one in the webhook retry schedule",
        evidence="bora/2026-08-19-retry-schedule-off-by-one",
    ),
    Cited("acme/payments", 531, "alice", "2026-08-26T09:40", "squash", "Tune ledger lag alerts and link the runbook"),
    Cited(
        "acme/payments",
        None,
        "alice",
        "2026-09-29T18:25",
        "commit",
        "Fix race between ledger batch close and late writes",
        evidence="alice/2026-09-30-ledger-batch-race-fix",
    ),
    # acme/platform (GitLab)
    Cited(
        "acme/platform",
        118,
        "dana",
        "2026-01-26T15:00",
        "gitlab",
        "Cache build layers in the deploy pipeline",
        commits=2,
    ),
    Cited(
        "acme/platform",
        None,
        "hana",
        "2026-03-18T16:30",
        "commit",
        "Alert on database connection-pool saturation above 80%",
        evidence="hana/2026-03-18-retry-storm-database",
    ),
    Cited(
        "acme/platform",
        224,
        "dana",
        "2026-04-15T14:10",
        "gitlab",
        "Automated rollback on failed health checks for tier-1 services",
        commits=3,
    ),
    Cited(
        "acme/platform",
        None,
        "hana",
        "2026-06-17T11:20",
        "commit",
        "Ingress outage review: timeline and contributing factors",
        evidence="hana/2026-06-18-ingress-postmortem",
    ),
    Cited(
        "acme/platform", 301, "dana", "2026-07-01T13:45", "gitlab", "Canary stage for configuration rollouts", commits=2
    ),
    Cited(
        "acme/platform",
        352,
        "dana",
        "2026-08-10T10:30",
        "trailer",
        "Alert hygiene: delete or fix every alert nobody acted on",
        commits=2,
    ),
    Cited(
        "acme/platform",
        402,
        "emeka",
        "2026-10-05T15:15",
        "gitlab",
        "Terraform: network module for the second EU region",
        commits=2,
    ),
    Cited(
        "acme/platform",
        407,
        "emeka",
        "2026-10-08T12:00",
        "gitlab",
        "Terraform: database and cache modules for the second EU region",
        commits=2,
    ),
    # acme/web (GitHub)
    Cited("acme/web", 214, "farah", "2026-03-11T14:30", "squash", "Visual regression tests for the design system"),
    Cited("acme/web", 287, "chen", "2026-04-21T16:00", "squash", "Unit tests for the checkout address and card forms"),
    Cited(
        "acme/web", 301, "farah", "2026-05-05T11:10", "trailer", "Visual diff report in every pull request", commits=2
    ),
    Cited(
        "acme/web",
        350,
        "farah",
        "2026-06-09T10:52",
        "squash",
        "hotfix: static fallback page when checkout's upstream fails",
    ),
    Cited(
        "acme/web",
        342,
        "farah",
        "2026-06-10T15:25",
        "merge",
        "Publish checkout-web's contracts with payments-api",
        ("alice",),
        commits=2,
    ),
    Cited("acme/web", 512, "chen", "2026-07-13T13:40", "squash", "Lazy-load 3-D Secure and wallet SDKs in checkout"),
    Cited(
        "acme/web",
        540,
        "farah",
        "2026-07-28T10:20",
        "squash",
        "Accessibility: labels and error announcements in checkout",
    ),
    Cited("acme/web", 544, "farah", "2026-07-30T15:05", "squash", "Accessibility: focus order in the payment step"),
    Cited("acme/web", 549, "farah", "2026-08-03T12:45", "squash", "Accessibility: colour contrast of form states"),
    Cited("acme/web", 561, "chen", "2026-08-11T17:10", "squash", "Fix 28 axe violations in the checkout form"),
    Cited("acme/web", 588, "chen", "2026-08-25T11:35", "trailer", "Bundle-size budget check in CI", commits=2),
    Cited(
        "acme/web",
        602,
        "chen",
        "2026-09-23T14:50",
        "squash",
        "Cache-Control: no-cache on index.html, immutable on hashed assets",
    ),
    Cited("acme/web", 611, "chen", "2026-10-01T16:30", "squash", "Post-deploy smoke test checks served bundle hashes"),
]

_WORK = [
    "Refactor {x} handler",
    "Add metrics to {x}",
    "Fix flaky test in {x}",
    "Document {x} configuration",
    "Tighten input validation in {x}",
    "Remove dead code from {x}",
    "Speed up {x} startup",
    "Add structured logging to {x}",
    "Handle timeouts in {x} client",
    "Upgrade {x} dependencies",
    "Improve error messages in {x}",
    "Add integration test for {x}",
    "Simplify {x} retry logic",
]


Who = str | tuple[str, str]
"""A person's handle in the example organisation, or a (name, email) pair such as a bot's."""


def _who(handle_or_pair: Who) -> tuple[str, str]:
    if isinstance(handle_or_pair, tuple):
        return handle_or_pair
    return PEOPLE[handle_or_pair], f"{handle_or_pair}@acme.example"


def _abbreviated(repo: str, sha: str) -> Callable[[re.Match[str]], str]:
    """A replacement for `repo@<abbreviated sha>` that keeps the abbreviation's length."""
    return lambda m: f"{repo}@{sha[: len(m[1])]}"


def _stamp(when: dt.datetime) -> str:
    return f"{int(when.timestamp())} +0000"


def _at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


class Stream:
    """A `git fast-import` stream written in chunks: a sha is known once its chunk is imported."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.parts: list[bytes] = []
        self.mark = 0
        self.shas: dict[int, str] = {}
        self.files: dict[str, str] = {}
        """The main line's files, as of its latest commit."""

    def data(self, text: str) -> bytes:
        raw = text.encode()
        return b"data %d\n" % len(raw) + raw + b"\n"

    def commit(
        self,
        message: str,
        author: Who,
        when: dt.datetime,
        changes: Mapping[str, str | None],
        parent: int | None,
        merge: int | None = None,
        committer: Who | None = None,
        committed: dt.datetime | None = None,
        ref: str = "refs/heads/main",
    ) -> int:
        self.mark += 1
        a, c = _who(author), _who(committer or author)
        out = [
            f"commit {ref}\nmark :{self.mark}\n".encode(),
            f"author {a[0]} <{a[1]}> {_stamp(when)}\n".encode(),
            f"committer {c[0]} <{c[1]}> {_stamp(committed or when)}\n".encode(),
            self.data(message),
        ]
        if parent:
            out.append(f"from :{parent}\n".encode())
        if merge:
            out.append(f"merge :{merge}\n".encode())
        for path, text in sorted(changes.items()):
            if text is None:
                out.append(f"D {path}\n".encode())
            else:
                out.append(f"M 100644 inline {path}\n".encode() + self.data(text))
        self.parts.append(b"".join(out) + b"\n")
        return self.mark

    def tag(self, name: str, target: int, when: dt.datetime, message: str) -> None:
        self.parts.append(
            f"tag {name}\nfrom :{target}\ntagger {BOT[0]} <{BOT[1]}> {_stamp(when)}\n".encode() + self.data(message)
        )

    def flush(self) -> None:
        marks = self.path / ".git" / "perfdocs-marks"
        _git(
            self.path,
            "fast-import",
            "--quiet",
            "--force",
            f"--import-marks-if-exists={marks}",
            f"--export-marks={marks}",
            input=b"".join(self.parts),
        )
        self.parts = []
        for line in marks.read_text().splitlines():
            mark, sha = line.split()
            self.shas[int(mark[1:])] = sha

    def sha(self, mark: int) -> str:
        if mark not in self.shas:
            self.flush()
        return self.shas[mark]


def _git(path: Path, *args: str, input: bytes | None = None) -> str:
    # No global or system configuration: the repositories must come out the same everywhere.
    env = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    out = run(path, *args, input=input, env=env, timeout=600, check=False)  # fast-import of a year: generous
    if not out.ok:
        raise PerfdocsError(
            f"git {args[0]} failed in {display_path(path)}: {out.stderr.decode(errors='replace').strip()}"
        )
    return out.text.strip()


@dataclass
class Pull:
    number: int | None
    author: str
    merged: dt.datetime
    style: str
    title: str
    coauthors: tuple[str, ...] = ()
    commits: int = 1
    cited: Cited | None = None
    merge_mark: int | None = None
    changed: dict[str, str | None] = field(default_factory=dict)
    before: dict[str, str | None] = field(default_factory=dict)


class ExampleHistory:
    """One repository's year, built event by event in time order."""

    def __init__(self, repo: Repo, path: Path) -> None:
        self.repo = repo
        self.rng = random.Random(zlib.crc32(repo.name.encode()))
        self.s = Stream(path)
        self.head: int | None = None
        self.counter = 0
        self.deployed_head: int | None = None
        self.deploys_on: dict[dt.date, int] = {}

    # --- work --------------------------------------------------------------------------
    def _path(self, folder: str | None = None) -> str:
        self.counter += 1
        folder = folder or self.rng.choice(self.repo.folders)
        return f"{folder}/{self.rng.choice(['core', 'api', 'config', 'tests', 'client'])}_{self.counter % 23}.txt"

    def _message(self, pull: Pull, subject: str, extra: str = "") -> str:
        body = f"{subject}\n"
        trailers = [f"Co-authored-by: {PEOPLE[h]} <{h}@acme.example>" for h in pull.coauthors]
        if extra:
            trailers.append(extra)
        return body + ("\n" + "\n".join(trailers) + "\n" if trailers else "")

    def pull(self, pull: Pull) -> None:
        rng, repo = self.rng, self.repo
        base = self.head
        merger = rng.choice([h for h in repo.team if h != pull.author] or repo.team)
        branch_files: dict[str, str] = {}
        steps: list[tuple[str, dict[str, str], dt.datetime]] = []
        for i in range(pull.commits):
            when = pull.merged - dt.timedelta(hours=rng.randint(6, 96) * (pull.commits - i) / pull.commits + 1)
            changes = {}
            for _ in range(rng.randint(1, 3)):
                path = self._path()
                changes[path] = (branch_files.get(path) or self.s.files.get(path, "")) + f"{pull.title} {i}\n"
            branch_files.update(changes)
            subject = pull.title if pull.commits == 1 else f"{pull.title}: part {i + 1}"
            steps.append((subject, changes, when))
        pull.before = {p: self.s.files.get(p) for p in branch_files}
        pull.changed = dict(branch_files)
        num = pull.number
        n_ref = f"{repo.name}#{num}" if repo.host == "github" else f"{repo.name}!{num}"
        if pull.style in ("squash", "commit"):
            message = self._message(pull, pull.title + (f" (#{num})" if num else ""))
            committer = GITHUB if (pull.style == "squash" and repo.host == "github") else None
            self.head = self.s.commit(
                message, pull.author, steps[0][2], branch_files, self.head, committer=committer, committed=pull.merged
            )
        elif pull.style == "trailer":
            keys = (
                [f"Pull-Request: {n_ref}", f"PR: #{num}"]
                if repo.host == "github"
                else [f"Merge-Request: {n_ref}", f"Reviewed-on: https://gitlab.com/{repo.name}/-/merge_requests/{num}"]
            )
            for i, (subject, changes, when) in enumerate(steps):
                self.head = self.s.commit(
                    self._message(pull, subject, keys[i % 2]),
                    pull.author,
                    when,
                    changes,
                    self.head,
                    committer=GITHUB if repo.host == "github" else merger,
                    committed=pull.merged - dt.timedelta(minutes=len(steps) - i - 1),
                )
        else:  # merge or gitlab: a side branch, then a merge commit on main
            tip = base
            for subject, changes, when in steps:
                tip = self.s.commit(self._message(pull, subject), pull.author, when, changes, tip, ref="refs/heads/wip")
            if pull.style == "merge":
                message = f"Merge pull request #{num} from {pull.author}/{_slug(pull.title)}\n\n{pull.title}\n"
                who = (GITHUB, _who(merger))
            else:
                message = (
                    f"Merge branch '{pull.author}/{_slug(pull.title)}' into 'main'\n\n{pull.title}\n\n"
                    f"See merge request {repo.name}!{num}\n"
                )
                who = (_who(merger), _who(merger))
            self.head = self.s.commit(
                message, who[1], pull.merged, branch_files, self.head, merge=tip, committer=who[0]
            )
        pull.merge_mark = self.head
        self.s.files.update(branch_files)

    def direct(self, subject: str, author: Who, when: dt.datetime, folder: str | None = None) -> int:
        path = self._path(folder)
        text = self.s.files.get(path, "") + f"{subject}\n"
        self.head = self.s.commit(f"{subject}\n", author, when, {path: text}, self.head)
        self.s.files[path] = text
        return self.head

    def revert(self, pull: Pull, author: str, when: dt.datetime) -> None:
        """What `git revert` writes, pushed straight to main by whoever was on call."""
        assert pull.merge_mark is not None, "only a merged pull request is reverted"
        message = f'Revert "{pull.title} (#{pull.number})"\n\nThis reverts commit {self.s.sha(pull.merge_mark)}.\n'
        self.head = self.s.commit(message, author, when, pull.before, self.head)
        self.s.files.update({k: v for k, v in pull.before.items() if v is not None})
        for k in [k for k, v in pull.before.items() if v is None]:
            self.s.files.pop(k, None)

    def deploy(self, when: dt.datetime, why: str = "") -> None:
        if self.head is None or self.head == self.deployed_head:
            return
        n = self.deploys_on.get(when.date(), 0) + 1
        self.deploys_on[when.date()] = n
        name = f"deploy-{when.date().isoformat()}.{n}"
        self.s.tag(name, self.head, when, f"Deploy {self.repo.name} to production{why}\n")
        self.deployed_head = self.head


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:40]


def _plan(repo: Repo, rng: random.Random) -> list[Pull]:
    """The pull requests of a repository, in merge order: the cited ones at their fixed
    times and numbers, ordinary ones around them numbered in between."""
    cited = [c for c in CITED if c.repo == repo.name]
    pulls = [Pull(c.number, c.author, _at(c.merged), c.style, c.title, c.coauthors, c.commits, c) for c in cited]
    used = {c.number for c in cited if c.number}
    anchors = sorted(
        [(_at("2026-01-02T00:00"), 90), (_at("2026-11-01T00:00"), max(used) + 150)]
        + [(p.merged, p.number) for p in pulls if p.number]
    )
    day = START
    while day <= END:
        if day.weekday() < 5:
            for _ in range(rng.choice([0, 0, 1, 1, 1, 2])):
                when = dt.datetime.combine(day, dt.time(rng.randint(9, 17), rng.randint(0, 59)), UTC)
                lo = max((a for a in anchors if a[0] <= when), key=lambda a: a[0])
                hi = min((a for a in anchors if a[0] > when), key=lambda a: a[0])
                if hi[1] - lo[1] < 2:
                    continue
                frac = (when - lo[0]) / (hi[0] - lo[0])
                number = lo[1] + 1 + int(frac * (hi[1] - lo[1] - 1))
                while number in used and number < hi[1] - 1:
                    number += 1
                if number in used or number >= hi[1]:
                    continue
                used.add(number)
                style = rng.choices(list(repo.styles), weights=list(repo.styles.values()))[0]
                title = rng.choice(_WORK).format(x=rng.choice(repo.folders))
                pulls.append(Pull(number, rng.choice(repo.team), when, style, title, commits=rng.randint(1, 3)))
        day += dt.timedelta(days=1)
    return sorted(pulls, key=lambda p: p.merged)


def build(repo: Repo, path: Path) -> dict[str, str]:
    """Create one repository; returns {evidence id: sha} for the commits evidence cites."""
    path.mkdir(parents=True)
    path = path.resolve()
    _git(path, "init", "-q", "-b", "main")
    (path / ".git" / MARKER).write_text("generated by `perfdocs examples repos`; safe to delete\n")
    h = ExampleHistory(repo, path)
    rng = h.rng
    start = dt.datetime.combine(START - dt.timedelta(days=3), dt.time(9), UTC)
    h.direct("Initial commit", repo.team[0], start, folder="docs")
    h.deploy(start + dt.timedelta(hours=6))
    pulls = _plan(repo, rng)
    pinned: dict[str, str] = {}
    ordinary = 0
    events: list[tuple[dt.datetime, str, Pull | None]] = [(p.merged, "pull", p) for p in pulls]
    day = START
    while day <= END:
        if day.weekday() < 5 and rng.random() < 0.6:
            events.append((dt.datetime.combine(day, dt.time(15, rng.choice([0, 15, 30])), UTC), "deploy", None))
        if day.weekday() == 0 and rng.random() < 0.3:
            events.append((dt.datetime.combine(day, dt.time(7, 5), UTC), "renovate", None))
        day += dt.timedelta(days=1)
    events.sort(key=lambda e: (e[0], e[1]))
    for when, kind, pull in events:
        if kind == "deploy":
            h.deploy(when)
            continue
        if kind == "renovate":
            h.direct("chore(deps): update dependencies", RENOVATE, when, folder=repo.folders[0])
            continue
        assert pull is not None, "a 'pull' event carries its pull request"
        h.pull(pull)
        if pull.cited and pull.cited.evidence:
            assert h.head is not None, "a merged pull request is the head"
            pinned[pull.cited.evidence] = h.s.sha(h.head)
        if pull.cited is None:
            ordinary += 1
            # now and then the change broke production: deployed, then reverted or hotfixed
            if ordinary % 23 == 0 and pull.style == "squash" and repo.host == "github":
                h.deploy(when + dt.timedelta(minutes=20))
                h.revert(pull, rng.choice(repo.team), when + dt.timedelta(hours=3))
                h.deploy(when + dt.timedelta(hours=3, minutes=30))
            elif ordinary % 17 == 0:
                h.deploy(when + dt.timedelta(minutes=20))
                h.direct(
                    f"hotfix: guard {rng.choice(repo.folders)} against the regression from #{pull.number}",
                    pull.author,
                    when + dt.timedelta(hours=2),
                )
                h.deploy(when + dt.timedelta(hours=2, minutes=20), " (hotfix)")
    h.s.flush()
    if _git(path, "branch", "--list", "wip"):
        _git(path, "update-ref", "-d", "refs/heads/wip")
    (path / ".git" / "perfdocs-marks").unlink()
    _git(path, "reset", "-q", "--hard", "main")
    return pinned


def generate(out: Path) -> dict[str, dict[str, str]]:
    """Create (or re-create) every example repository under `out`, as out/acme/<name>."""
    results = {}
    for repo in REPOS:
        path = out / repo.name
        if path.exists():
            if not (path / ".git" / MARKER).is_file():
                raise PerfdocsError(f"{display_path(path)} exists and was not generated by perfdocs; not replacing it")
            shutil.rmtree(path)
        results[repo.name] = build(repo, path)
    return results


def pin_evidence(records: Path, pinned: dict[str, dict[str, str]]) -> list[Path]:
    """Point the example evidence's `repo@sha` links at the generated commits (same length)."""
    changed = []
    for repo, by_evidence in pinned.items():
        for evidence_id, sha in by_evidence.items():
            handle, stem = evidence_id.split("/", 1)
            path = records / "people" / handle / "evidence" / f"{stem}.md"
            if not path.is_file():
                continue
            text = path.read_text(encoding="utf-8")
            new = re.sub(
                rf"(?<![\w/.-]){re.escape(repo)}@([0-9a-f]{{4,40}})\b",
                _abbreviated(repo, sha),
                text,
            )
            if new != text:
                from perfdocs.fsutil import atomic_write

                atomic_write(path, new, overwrite=True)
                changed.append(path)
    return changed

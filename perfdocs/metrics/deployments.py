"""Deployments: what a team shipped, when, and which of its deployments failed or were rework.

A declared policy (perfdocs.settings.DoraSettings) says what a production deployment is in a
repository: a tag whose name matches (with excludes), a merge on the production branch, or a
row of a deployments CSV file a CD system appends to. Each deployment ships the commits no
earlier deployment reached; one that reaches nothing new either redeploys an earlier
deployment's version (a rollback) or ships nothing (an archive tag on an old commit, say), and
the latter is not counted and is warned about.

A deployment fails only through evidence tied to it: a revert of a commit it shipped, a
rollback or a hotfix deployment that replaced it, within the policy's window, or a postmortem
linked to it or naming the team's services within the window. A revert of a commit no
deployment shipped, or of a commit the history does not hold, blames nobody (it is listed as
ignored). Every classification keeps the rule that fired, for `kpi dora --explain`.

Git is read through perfdocs.git.log with two commands per repository (`git for-each-ref` for
the tags, one `git log` for the history behind them) and the commit graph is walked in memory,
once.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import fnmatch
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from perfdocs import dates
from perfdocs.diagnostics import display_path
from perfdocs.errors import PerfdocsError
from perfdocs.git import log as gitlog
from perfdocs.git.log import Commit, Tag
from perfdocs.git.run import resolve
from perfdocs.settings import DoraSettings as Policy

UTC = dt.UTC
SAMPLE_TAGS = 5
"""How many existing tags a 'matches nothing' warning names."""


# --- git -------------------------------------------------------------------------------


@dataclass
class History:
    """One repository's tags and the commits reachable from them (and from HEAD and the
    production branches its policies name)."""

    name: str
    path: Path
    tags: list[Tag]
    commits: dict[str, Commit]
    head: str | None
    branches: dict[str, str] = field(default_factory=dict)
    """Production branch name -> its tip (branches that do not exist are left out)."""


def read_history(path: Path, name: str | None = None, branches: Iterable[str] = ()) -> History:
    """Tags (peeled to commits, dated by the tagger date or, for lightweight tags, the
    commit date) and every commit reachable from them, HEAD or `branches`."""
    path = Path(path)
    if not (path / ".git").exists() and not (path / "HEAD").is_file():
        raise PerfdocsError(f"{display_path(path)} is not a git repository")
    tags = gitlog.tags(path)
    head = resolve(path, "HEAD")
    tips = {}
    for branch in branches:
        tip = resolve(path, f"refs/heads/{branch}") or resolve(path, f"refs/remotes/origin/{branch}")
        if tip:
            tips[branch] = tip
    starts = sorted({t.sha for t in tags} | ({head} if head else set()) | set(tips.values()))
    commits = {c.sha: c for c in gitlog.commits(path, *starts)} if starts else {}
    return History(name or path.name, path, tags, commits, head, tips)


def read_deployments_file(path: Path) -> list[dict[str, str]]:
    """The rows of a deployments CSV file (columns time, repository, ref, environment)."""
    if not path.is_file():
        raise PerfdocsError(f"deployments file {display_path(path)} does not exist (dora policy 'deployments_file')")
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = {"time", "repository", "ref"} - set(reader.fieldnames or [])
        if missing:
            raise PerfdocsError(f"{display_path(path)}: no column {', '.join(sorted(missing))} (time, repository, ref)")
        return [{k: (v or "").strip() for k, v in row.items() if isinstance(k, str)} for row in reader]


# --- deployments -----------------------------------------------------------------------


@dataclass
class Failure:
    """Why a deployment failed, and when its fix reached production."""

    kind: str
    """revert, rollback, hotfix or postmortem."""
    reason: str
    """e.g. 'revert 0123456789ab' (the reverting commit), 'hotfix deploy-7', 'postmortem pm-api'."""
    rule: str
    """The policy rule that fired, in words."""
    detected: dt.datetime
    fixed: dt.datetime | None
    """When the fix was in production (None: not yet, or unknown)."""


@dataclass
class Deployment:
    repository: str
    ref: str
    """The tag, 'branch@sha' or the deployments file's ref."""
    sha: str
    time: dt.datetime
    policy: Policy
    previous: str | None = None
    """The sha of the counted deployment before it in the same repository (the start of its range)."""
    commits: list[Commit] = field(default_factory=list)
    """Commits (merges excluded) this deployment is the first to contain."""
    merges: int = 0
    """Merge commits it is the first to contain."""
    empty: bool = False
    """Ships nothing: its commit was already in production and it redeploys no earlier version."""
    redeploys: str | None = None
    """A rollback: the earlier deployment whose version it puts back."""
    hotfix: str | None = None
    """Why it is a hotfix deployment (None: it is not)."""
    rework: list[str] = field(default_factory=list)
    """Why it is a rework deployment (unplanned, to fix a user-facing problem in production)."""
    failures: list[Failure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def counted(self) -> bool:
        return not self.empty

    @property
    def range(self) -> str:
        return f"{self.previous[:12]}..{self.sha[:12]}" if self.previous else self.sha[:12]

    @property
    def classification(self) -> list[str]:
        if self.empty:
            return ["ships nothing"]
        out = ["failed"] if self.failures else []
        out += ["rework"] if self.rework else []
        return out or ["ok"]

    def recovery(self) -> tuple[dt.datetime, dt.datetime] | None:
        """(start, end) of the recovery from this deployment's failure: from the deployment
        (or the first failure signal, policy recovery_start) to the first fix in production
        or, with recovery_end 'incident-resolved', to the resolution of the postmortems tied
        to it (its fix in production when there is none)."""
        fixes = [f.fixed for f in self.failures if f.fixed is not None]
        if not self.failures or not fixes:
            return None
        start = self.time if self.policy.recovery_start == "deployment" else min(f.detected for f in self.failures)
        end = min(fixes)
        resolved = [f.fixed for f in self.failures if f.kind == "postmortem" and f.fixed is not None]
        if self.policy.recovery_end == "incident-resolved" and resolved:
            end = max(resolved)
        return start, max(start, end)

    @property
    def recovery_end(self) -> str:
        """What ended the recovery, in words (kpi dora --explain)."""
        if self.policy.recovery_end == "incident-resolved" and any(
            f.kind == "postmortem" and f.fixed is not None for f in self.failures
        ):
            return "incident resolved"
        return "fix deployed"


def _tag_matches(policy: Policy, name: str) -> bool:
    if policy.deploy_tag_regex:
        if not re.search(policy.deploy_tag_regex, name):
            return False
    elif not fnmatch.fnmatchcase(name, policy.deploy_tag_pattern):
        return False
    return not any(re.search(x, name) for x in policy.deploy_tag_exclude)


def tag_rule(policy: Policy) -> str:
    """The deployment rule of a tag policy, in words: "matching '...' (and none of ...)"."""
    rule = (
        f"matching /{policy.deploy_tag_regex}/"
        if policy.deploy_tag_regex
        else f"matching '{policy.deploy_tag_pattern}'"
    )
    if policy.deploy_tag_exclude:
        rule += " and none of " + ", ".join(f"/{x}/" for x in policy.deploy_tag_exclude)
    return rule


def deployment_rule(policy: Policy) -> str:
    """What a deployment is under the policy, in words."""
    if policy.deployment == "branch":
        what = "commit" if policy.branch_every_commit else "merge commit"
        return f"each {what} on the first-parent history of '{policy.production_branch}', dated by its commit date"
    if policy.deployment == "record":
        return f"each row of {policy.deployments_file} whose environment is '{policy.environment}', dated by its time"
    return f"a tag {tag_rule(policy)}, dated by its tagger date (the commit date for lightweight tags)"


@dataclass
class Timeline:
    """One repository's deployments under one policy, and what a reader should know about them."""

    deployments: list[Deployment]
    warnings: list[str]
    """About the policy as a whole (a pattern that matches nothing); what concerns one deployment
    is in its notes."""


def _candidates(
    history: History, policy: Policy, rows: Sequence[dict[str, str]], warnings: list[str]
) -> list[tuple[str, str, dt.datetime]]:
    label = f"{history.name}: policy {policy.label}"
    if policy.deployment == "branch":
        tip = history.branches.get(policy.production_branch)
        if tip is None:
            warnings.append(f"{label}: no branch '{policy.production_branch}': no deployments")
            return []
        out = []
        sha: str | None = tip
        while sha is not None and sha in history.commits:
            commit = history.commits[sha]
            if policy.branch_every_commit or len(commit.parents) > 1:
                out.append((f"{policy.production_branch}@{sha[:12]}", sha, commit.committed))
            sha = commit.parents[0] if commit.parents else None
        if not out:
            warnings.append(f"{label}: no merge commit on '{policy.production_branch}' (set branch_every_commit)")
        return out
    if policy.deployment == "record":
        by_name = {t.name: t.sha for t in history.tags}
        ordered = sorted(history.commits)
        out = []
        for row in rows:
            if row.get("repository") != history.name or row.get("environment", "") != policy.environment:
                continue
            when = dates.parse_datetime(row.get("time"))
            ref = row.get("ref", "")
            found = by_name.get(ref) or _full_sha(ref, history.commits, ordered)
            if when is None or found is None:
                warnings.append(
                    f"{label}: deployment row {row.get('time')!r} {ref!r}: no such time or commit, left out"
                )
                continue
            out.append((ref, found, when))
        if not out:
            warnings.append(f"{label}: no row of {policy.deployments_file} for environment '{policy.environment}'")
        return out
    chosen = [
        (t.name, t.sha, t.time) for t in history.tags if _tag_matches(policy, t.name) and t.sha in history.commits
    ]
    if not chosen:
        recent = sorted(history.tags, key=lambda t: (t.time, t.name), reverse=True)[:SAMPLE_TAGS]
        names = ", ".join(t.name for t in recent) if recent else "none"
        warnings.append(f"{label}: no tag {tag_rule(policy)} (tags that exist, newest first: {names})")
    return chosen


def _full_sha(ref: str, commits: dict[str, Commit], ordered: list[str]) -> str | None:
    """The commit an abbreviated (4+ hex digits) or full sha names, if the history holds exactly one."""
    if not re.fullmatch(r"[0-9a-f]{4,40}", ref):
        return None
    if ref in commits:
        return ref
    i = bisect.bisect_left(ordered, ref)
    if i < len(ordered) and ordered[i].startswith(ref):
        if i + 1 < len(ordered) and ordered[i + 1].startswith(ref):
            return None  # ambiguous
        return ordered[i]
    return None


def timeline(history: History, policy: Policy, rows: Sequence[dict[str, str]] = ()) -> Timeline:
    """The repository's deployments in time order, each with the commits it shipped first.

    The graph is walked once: each deployment marks the commits it reaches that no earlier
    deployment reached, and stops at marked ones (the marked set is closed under ancestry).
    """
    warnings: list[str] = []
    chosen = sorted(_candidates(history, policy, rows, warnings), key=lambda c: (c[2], c[0]))
    hotfix_re = re.compile(policy.hotfix_message_pattern) if policy.hotfix_message_pattern else None
    rework_re = re.compile(policy.rework_message_pattern) if policy.rework_message_pattern else None
    shipped: set[str] = set()
    versions: dict[str, Deployment] = {}  # sha -> the first counted deployment of it
    out: list[Deployment] = []
    previous: Deployment | None = None
    for ref, sha, when in chosen:
        d = Deployment(history.name, ref, sha, when, policy, previous.sha if previous else None)
        if sha in shipped:
            earlier = versions.get(sha)
            # A rollback puts an earlier deployment's version back soon after the deployment it
            # replaces; an old version tagged days later (an archive tag) ships nothing.
            soon = previous is not None and when - previous.time <= dt.timedelta(hours=policy.failure_window_hours)
            if earlier is not None and previous is not None and previous.sha != sha and soon:
                d.redeploys = earlier.ref
                d.rework.append(f"rollback: redeploys {earlier.ref}'s version")
            else:
                d.empty = True
                where = f"already in production with {earlier.ref}" if earlier else "already in production"
                d.notes.append(f"ships nothing ({where}); not counted")
        else:
            stack = [sha]
            while stack:
                s = stack.pop()
                if s in shipped or s not in history.commits:
                    continue
                shipped.add(s)
                commit = history.commits[s]
                if len(commit.parents) < 2:
                    d.commits.append(commit)
                else:
                    d.merges += 1
                stack.extend(commit.parents)
            d.commits.sort(key=lambda c: (c.committed, c.sha))
        tip = history.commits.get(sha)
        if tip is not None and (when - tip.committed).total_seconds() > policy.old_commit_days * 86400:
            age = (when - tip.committed).days
            d.notes.append(f"its commit {sha[:12]} is {age} days older than it")
        if d.empty:
            out.append(d)
            continue
        if (
            policy.hotfix_tag_pattern
            and policy.deployment != "branch"
            and fnmatch.fnmatchcase(ref, policy.hotfix_tag_pattern)
        ):
            d.hotfix = f"its ref matches hotfix_tag_pattern '{policy.hotfix_tag_pattern}'"
        elif hotfix_re and (hit := next((c for c in d.commits if hotfix_re.search(c.subject)), None)):
            d.hotfix = f"commit {hit.sha[:12]} '{hit.subject}' matches hotfix_message_pattern /{policy.hotfix_message_pattern}/"
        if d.hotfix:
            d.rework.append(f"hotfix deployment: {d.hotfix}")
        if policy.rework_tag_pattern and fnmatch.fnmatchcase(ref, policy.rework_tag_pattern):
            d.rework.append(f"its ref matches rework_tag_pattern '{policy.rework_tag_pattern}'")
        elif rework_re and d.commits and all(rework_re.search(c.subject) for c in d.commits):
            d.rework.append(f"every commit it ships matches rework_message_pattern /{policy.rework_message_pattern}/")
        versions.setdefault(sha, d)
        out.append(d)
        previous = d
    return Timeline(out, warnings)


# --- failures --------------------------------------------------------------------------


@dataclass
class Incident:
    """A postmortem, as DORA reads it."""

    id: str
    started: dt.datetime | None
    detected: dt.datetime | None
    restored: dt.datetime | None
    deployments: tuple[str, ...] = ()
    """The deployments (refs or shas) the postmortem names in `deployments:`."""


def incidents_for(postmortems: Iterable[Any], team: str, services: Iterable[str]) -> list[Incident]:
    """Postmortems that belong to the team or name one of its services."""
    services = set(services)
    out = []
    for pm in postmortems:
        named = pm.get("services") if isinstance(pm.get("services"), list) else []
        if pm.get("team") != team and not services.intersection(s for s in named if isinstance(s, str)):
            continue
        linked = pm.get("deployments") if isinstance(pm.get("deployments"), list) else []
        out.append(
            Incident(
                pm.id,
                dates.parse_datetime(pm.get("started")),
                dates.parse_datetime(pm.get("detected")),
                dates.parse_datetime(pm.get("restored")),
                tuple(str(x) for x in linked if isinstance(x, (str, int))),
            )
        )
    return sorted(out, key=lambda i: (i.started or i.detected or dt.datetime.max.replace(tzinfo=UTC), i.id))


def _hours(delta: dt.timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours:.0f} h" if hours >= 10 else f"{hours:.1f} h".replace(".0 h", " h")


def mark_failures(
    line: list[Deployment], histories: dict[str, Any], incidents: list[Incident]
) -> list[tuple[dt.datetime, str]]:
    """Attribute every failure to the deployment it is tied to; returns the failure signals that
    blame no deployment, each with when it came and why it was ignored.

    - a revert: to the deployment that first shipped the reverted commit, if the revert's
      commit date is within its policy's window after it; a revert of a commit that no
      deployment shipped, or that the history does not hold, is ignored;
    - a rollback or a hotfix deployment: to the counted deployment of the same repository
      before it, within the window;
    - a postmortem: to the deployments it links (`deployments:`), else to the latest counted
      deployment of any of the team's repositories at or before its start (its detection
      when no start is recorded), within the postmortem window.
    """
    for d in line:
        d.failures.clear()
    ignored: list[tuple[dt.datetime, str]] = []
    counted = [d for d in line if d.counted]
    by_repo: dict[str, list[Deployment]] = {}
    first_ship: dict[tuple[str, str], Deployment] = {}
    for d in counted:
        by_repo.setdefault(d.repository, []).append(d)
        for c in d.commits:
            first_ship[(d.repository, c.sha)] = d
    times = [d.time for d in counted]

    def fail(d: Deployment, failure: Failure) -> None:
        if all(f.reason != failure.reason for f in d.failures):
            d.failures.append(failure)

    def within(d: Deployment, when: dt.datetime, hours: float) -> bool:
        return d.time <= when <= d.time + dt.timedelta(hours=hours)

    for repo, history in histories.items():
        deployed = by_repo.get(repo, [])
        policy = deployed[0].policy if deployed else None
        if policy is None or not policy.failure_revert:
            continue
        shas = history.commits
        ordered = sorted(shas)
        for commit in shas.values():
            target = commit.reverts
            if target is None and not commit.subject.startswith('Revert "'):
                continue
            when = commit.committed
            label = f"{repo} revert {commit.sha[:12]} ({when.date()})"
            full = _full_sha(target, shas, ordered) if target else None
            if full is None:
                what = f"names {target}, a commit the history does not hold" if target else "names no commit"
                ignored.append((when, f"{label}: {what}; not a failure"))
                continue
            suspect = first_ship.get((repo, full))
            if suspect is None:
                ignored.append((when, f"{label}: reverts {full[:12]}, which no deployment shipped; not a failure"))
                continue
            fix = first_ship.get((repo, commit.sha))
            if fix is suspect or when < suspect.time:
                ignored.append(
                    (
                        when,
                        f"{label}: reverts {full[:12]} before {suspect.ref} shipped it"
                        + (" (with its revert)" if fix is suspect else "")
                        + "; not a failure",
                    )
                )
                continue
            if not within(suspect, when, suspect.policy.failure_window_hours):
                ignored.append(
                    (
                        when,
                        f"{label}: reverts {full[:12]} shipped by {suspect.ref} "
                        f"{_hours(when - suspect.time)} earlier, outside {suspect.policy.failure_window_hours:g} h",
                    )
                )
                continue
            fail(
                suspect,
                Failure(
                    "revert",
                    f"revert {commit.sha[:12]}",
                    f"revert of {full[:12]}, which it shipped, {_hours(when - suspect.time)} after it",
                    when,
                    fix.time if fix else None,
                ),
            )
    for deployed in by_repo.values():
        for before, d in zip(deployed, deployed[1:], strict=False):
            window = d.policy.failure_window_hours
            if d.redeploys and d.policy.failure_rollback and within(before, d.time, window):
                fail(
                    before,
                    Failure(
                        "rollback",
                        f"rollback {d.ref}",
                        f"rolled back by {d.ref} (redeploying {d.redeploys}) {_hours(d.time - before.time)} after it",
                        d.time,
                        d.time,
                    ),
                )
            if d.hotfix and within(before, d.time, window):
                fail(
                    before,
                    Failure(
                        "hotfix",
                        f"hotfix {d.ref}",
                        f"hotfix deployment {d.ref} {_hours(d.time - before.time)} after it",
                        d.time,
                        d.time,
                    ),
                )
    for inc in incidents:
        when = inc.started or inc.detected
        detected = inc.detected or inc.started
        if when is None or detected is None:
            continue
        linked = [
            d
            for d in counted
            if inc.deployments
            and (d.ref in inc.deployments or any(len(x) >= 7 and d.sha.startswith(x) for x in inc.deployments))
        ]
        if linked:
            for d in linked:
                fail(
                    d,
                    Failure(
                        "postmortem", f"postmortem {inc.id}", f"postmortem {inc.id} links it", detected, inc.restored
                    ),
                )
            continue
        i = bisect.bisect_right(times, when)
        suspect = counted[i - 1] if i else None
        if suspect is not None and within(suspect, when, suspect.policy.postmortem_hours):
            fail(
                suspect,
                Failure(
                    "postmortem",
                    f"postmortem {inc.id}",
                    f"postmortem {inc.id} of the team's services started {_hours(when - suspect.time)} after it",
                    detected,
                    inc.restored,
                ),
            )
    return sorted(ignored)


def squash_history(history: History) -> bool:
    """Is this a history without merge commits (squash or rebase merges), so that a commit's
    date is when its change landed on the branch?"""
    return len(history.commits) >= 2 and not any(len(c.parents) > 1 for c in history.commits.values())

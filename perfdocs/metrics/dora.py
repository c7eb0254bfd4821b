"""DORA metrics: deployment frequency, lead time, change failure rate and time to restore.

Computed from real history: deploys are git tags matching a pattern, lead time runs
from each commit to the first deploy that contains it, failures are postmortems,
reverts and hotfix deploys that follow a deploy within a window, and restore times
come from postmortems. DORA definitions differ between tools, so every figure carries
the exact formula and configuration it was computed with (`MetricResult.formula`).

Git is read through perfdocs.git.log with two commands per repository (`git for-each-ref`
for the tags, one `git log` for the history behind them) and the commit graph is walked
in memory, once: a quarter of a 50,000-commit repository costs one log read.
"""

from __future__ import annotations

import bisect
import datetime as dt
import fnmatch
import math
import re
import statistics
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from perfdocs import dates, settings
from perfdocs.diagnostics import display_path
from perfdocs.errors import PerfdocsError
from perfdocs.git import clones
from perfdocs.git import log as gitlog
from perfdocs.git.log import Commit, Tag
from perfdocs.git.run import resolve
from perfdocs.settings import DORA_KEYS as KEYS
from perfdocs.settings import DoraSettings as Config  # org.yaml `dora`; the settings live in perfdocs.settings

UTC = dt.UTC
NAMES = {
    "deployment-frequency": "Deployment frequency",
    "lead-time": "Lead time for changes",
    "change-failure-rate": "Change failure rate",
    "time-to-restore": "Time to restore service",
}
UNITS = {
    "deployment-frequency": "deploys/week",
    "lead-time": "hours",
    "change-failure-rate": "%",
    "time-to-restore": "hours",
}
GRANULARITIES = ("week", "month", "quarter")
BANDS = ("elite", "high", "medium", "low")


# --- periods ---------------------------------------------------------------------------


# --- statistics ------------------------------------------------------------------------


def median(values: list[float]) -> float:
    return float(statistics.median(values))


def p90(values: list[float]) -> float:
    """Nearest-rank 90th percentile: the ceil(0.9 n)-th smallest value."""
    ordered = sorted(values)
    return float(ordered[max(1, math.ceil(0.9 * len(ordered))) - 1])


def band(value: float | None, thresholds: Any) -> str | None:
    """The first threshold whose [min, max) holds the value (min inclusive, max exclusive)."""
    if value is None or not isinstance(thresholds, list):
        return None
    for t in thresholds:
        if not isinstance(t, dict) or not isinstance(t.get("label"), str):
            continue
        lo, hi = t.get("min"), t.get("max")
        if (lo is None or value >= lo) and (hi is None or value < hi):
            return str(t["label"])
    return None


def _round(value: float) -> float | int:
    value = round(value, 2)
    return int(value) if value == int(value) else value


# --- git -------------------------------------------------------------------------------


@dataclass
class History:
    """One repository's tags and the commits reachable from them (and from HEAD)."""

    name: str
    path: Path
    tags: list[Tag]
    commits: dict[str, Commit]
    head: str | None


def read_history(path: Path, name: str | None = None) -> History:
    """Tags (peeled to commits, dated by the tagger date or, for lightweight tags, the
    commit date) and every commit reachable from them or HEAD (perfdocs.git.log)."""
    path = Path(path)
    if not (path / ".git").exists() and not (path / "HEAD").is_file():
        raise PerfdocsError(f"{display_path(path)} is not a git repository")
    tags = gitlog.tags(path)
    head = resolve(path, "HEAD")
    starts = sorted({t.sha for t in tags} | ({head} if head else set()))
    commits = {c.sha: c for c in gitlog.commits(path, *starts)} if starts else {}
    return History(name or path.name, path, tags, commits, head)


# --- deploys and failures --------------------------------------------------------------


@dataclass
class Deploy:
    repository: str
    tag: str
    sha: str
    time: dt.datetime
    previous: str | None = None
    """The sha of the deploy before it in the same repository (the start of its range)."""
    commits: list[Commit] = field(default_factory=list)
    """Commits (merges excluded) this deploy is the first to contain."""
    hotfix: bool = False
    failures: list[str] = field(default_factory=list)

    @property
    def range(self) -> str:
        return f"{self.previous[:12]}..{self.sha[:12]}" if self.previous else self.sha[:12]


def deploys(history: History, config: Config) -> list[Deploy]:
    """The repository's deploys in time order, each with the commits it shipped first.

    The graph is walked once: each deploy marks the commits it reaches that no earlier
    deploy reached, and stops at marked ones (the marked set is closed under ancestry).
    """
    chosen = [
        t for t in history.tags if fnmatch.fnmatchcase(t.name, config.deploy_tag_pattern) and t.sha in history.commits
    ]
    chosen.sort(key=lambda t: (t.time, t.name))
    hotfix_re = re.compile(config.hotfix_message_pattern) if config.hotfix_message_pattern else None
    shipped: set[str] = set()
    out: list[Deploy] = []
    previous: str | None = None
    for tag in chosen:
        deploy = Deploy(history.name, tag.name, tag.sha, tag.time, previous)
        stack = [tag.sha]
        while stack:
            sha = stack.pop()
            if sha in shipped or sha not in history.commits:
                continue
            shipped.add(sha)
            commit = history.commits[sha]
            if len(commit.parents) < 2:
                deploy.commits.append(commit)
            stack.extend(commit.parents)
        deploy.hotfix = bool(
            config.hotfix_tag_pattern and fnmatch.fnmatchcase(tag.name, config.hotfix_tag_pattern)
        ) or bool(hotfix_re and any(hotfix_re.search(c.subject) for c in deploy.commits))
        out.append(deploy)
        previous = tag.sha
    return out


@dataclass
class Incident:
    """A postmortem, as DORA reads it."""

    id: str
    started: dt.datetime | None
    detected: dt.datetime | None
    restored: dt.datetime | None


def incidents_for(postmortems: Iterable[Any], team: str, services: Iterable[str]) -> list[Incident]:
    """Postmortems that belong to the team or name one of its services."""
    services = set(services)
    out = []
    for pm in postmortems:
        named = pm.get("services") if isinstance(pm.get("services"), list) else []
        if pm.get("team") != team and not services.intersection(s for s in named if isinstance(s, str)):
            continue
        out.append(
            Incident(
                pm.id,
                dates.parse_datetime(pm.get("started")),
                dates.parse_datetime(pm.get("detected")),
                dates.parse_datetime(pm.get("restored")),
            )
        )
    return sorted(out, key=lambda i: (i.started or i.detected or dt.datetime.max.replace(tzinfo=UTC), i.id))


def mark_failures(
    timeline: list[Deploy], histories: dict[str, History], incidents: list[Incident], config: Config
) -> None:
    """Attribute every failure to one deploy, which fails if the failure came within the window.

    - a revert: to the deploy that first shipped the reverted commit (else the latest
      deploy of that repository before the revert), at the revert's commit date;
    - a hotfix deploy: to the latest deploy of the same repository before it;
    - a postmortem: to the latest deploy of any of the team's repositories at or before
      its start (its detection time when no start is recorded).
    """
    window = dt.timedelta(hours=config.failure_window_hours)
    by_repo: dict[str, list[Deploy]] = {}
    first_ship: dict[tuple[str, str], Deploy] = {}
    for d in timeline:
        by_repo.setdefault(d.repository, []).append(d)
        for c in d.commits:
            first_ship[(d.repository, c.sha)] = d

    times = {id(ds): [d.time for d in ds] for ds in (timeline, *by_repo.values())}

    def latest_before(deploys_: list[Deploy], when: dt.datetime) -> Deploy | None:
        """The last deploy at or before `when` (the lists are in time order)."""
        i = bisect.bisect_right(times[id(deploys_)], when)
        return deploys_[i - 1] if i else None

    def blame(suspect: Deploy | None, when: dt.datetime, reason: str) -> None:
        if suspect is not None and suspect.time <= when <= suspect.time + window and reason not in suspect.failures:
            suspect.failures.append(reason)

    for repo, history in histories.items():
        shas = history.commits
        ordered: list[str] = []
        for commit in shas.values():
            target = commit.reverts
            if target is None and not commit.subject.startswith('Revert "'):
                continue
            full = target if target in shas else None
            if target and full is None:  # an abbreviated sha: a prefix search in the sorted shas
                ordered = ordered or sorted(shas)
                i = bisect.bisect_left(ordered, target)
                full = ordered[i] if i < len(ordered) and ordered[i].startswith(target) else None
            if full is not None:
                # the reverted commit's own deploy; none if it was reverted before it shipped
                suspect = first_ship.get((repo, full))
            else:  # a revert that names no commit we know: the latest deploy before it
                suspect = latest_before(by_repo[repo], commit.committed) if repo in by_repo else None
            blame(suspect, commit.committed, f"revert {commit.sha[:12]}")
    for repo_deploys in by_repo.values():
        for i, d in enumerate(repo_deploys):
            if d.hotfix and i > 0:
                blame(repo_deploys[i - 1], d.time, f"hotfix {d.tag}")
    for inc in incidents:
        when = inc.started or inc.detected
        if when is not None:
            blame(latest_before(timeline, when), when, f"postmortem {inc.id}")


# --- figures ---------------------------------------------------------------------------


@dataclass
class Figure:
    period: str
    value: float | int | None
    band: str | None
    sample: int
    """How many deploys, commits or incidents the value summarises."""
    complete: bool
    """False when the range ends before the period does (a partial period)."""
    extra: dict[str, Any] = field(default_factory=dict)
    """e.g. the p90 beside a median, failed deploys beside a rate."""
    provenance: dict[str, Any] = field(default_factory=dict)


@dataclass
class MetricResult:
    key: str
    name: str
    unit: str
    metric: str | None
    """The metric definition record this was computed from (None: defaults, no record)."""
    source: str | None
    """The definition record's file."""
    formula: str
    config: dict[str, Any]
    thresholds: list[dict[str, Any]]
    figures: list[Figure]


@dataclass
class TeamDora:
    team: str
    repositories: list[str]
    since: dt.date
    until: dt.date
    granularity: str
    metrics: list[MetricResult]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["since"], data["until"] = self.since.isoformat(), self.until.isoformat()
        return data


def formula(key: str, config: Config, repositories: list[str], services: list[str]) -> str:
    repos = ", ".join(repositories) or "the team's repositories"
    deploy = (
        f"a deploy is a tag matching '{config.deploy_tag_pattern}' in {repos}, dated by its tagger date "
        "(the commit date for lightweight tags), in UTC"
    )
    if key == "deployment-frequency":
        return f"deploys in the period / (days of the period in range / 7); {deploy}"
    if key == "lead-time":
        start = "author date" if config.lead_time_start == "author-date" else "commit date"
        return (
            f"median (and nearest-rank p90) over the commits first deployed in the period, merges excluded, of "
            f"hours from the commit's {start} to the first deploy containing it; {deploy}"
        )
    if key == "change-failure-rate":
        hours = _round(config.failure_window_hours)
        return (
            f"failed deploys / deploys in the period x 100; a deploy failed when within {hours} h after it "
            f"a commit it shipped was reverted, a hotfix deploy followed (tag matching "
            f"'{config.hotfix_tag_pattern}' or a commit subject matching /{config.hotfix_message_pattern}/), "
            f"or a postmortem of the team or naming {', '.join(services) or 'its services'} started; each "
            f"failure counts against the latest deploy before it (a revert against the deploy that shipped "
            f"the reverted commit); {deploy}"
        )
    return (
        f"median over the postmortems detected in the period (of the team, or naming "
        f"{', '.join(services) or 'its services'}) of hours from detected to restored"
    )


def _provenance(period_deploys: list[Deploy], computed_at: dt.date, **more: Any) -> dict[str, Any]:
    ranges: dict[str, list[Deploy]] = {}
    for d in period_deploys:
        ranges.setdefault(d.repository, []).append(d)
    repos = []
    for name, ds in sorted(ranges.items()):
        first, last = ds[0], ds[-1]
        start = f"{first.previous[:12]}.." if first.previous else ""
        repos.append({"name": name, "range": f"{start}{last.sha[:12]}"})
    out: dict[str, Any] = {"source": "git"}
    if repos:
        out["repositories"] = repos
    out.update(more)
    out["computed_at"] = computed_at.isoformat()
    return out


def compute(
    histories: dict[str, History],
    incidents: list[Incident],
    since: dt.date,
    until: dt.date,
    granularity: str,
    configs: dict[str, Config],
    thresholds: dict[str, list[dict[str, Any]]] | None = None,
    services: list[str] | None = None,
    metric_ids: dict[str, str] | None = None,
    sources: dict[str, str] | None = None,
    only: Iterable[str] = KEYS,
) -> list[MetricResult]:
    """The DORA metrics per period of [since, until] (UTC days, both included)."""
    if granularity not in GRANULARITIES:
        raise PerfdocsError(f"granularity must be one of {', '.join(GRANULARITIES)}, not {granularity!r}")
    if until < since:
        raise PerfdocsError(f"--until {until} is before --since {since}")
    thresholds = thresholds or {}
    services = services or []
    # Deploys are named after the keys of `histories` (the org's repository names).
    histories = {name: h if h.name == name else replace(h, name=name) for name, h in histories.items()}
    periods = dates.periods_between(since, until, granularity)
    computed_at = dates.today()
    timelines: dict[tuple[str, str, str], list[Deploy]] = {}

    def timeline(config: Config) -> list[Deploy]:
        key = (config.deploy_tag_pattern, config.hotfix_tag_pattern, config.hotfix_message_pattern)
        if key not in timelines:
            every = [d for h in histories.values() for d in deploys(h, config)]
            timelines[key] = sorted(every, key=lambda d: (d.time, d.repository, d.tag))
        return timelines[key]

    def in_range(period: str) -> tuple[dt.date, dt.date, bool]:
        start, end = dates.period_bounds(period)
        lo, hi = max(start, since), min(end, until + dt.timedelta(days=1))
        return lo, hi, hi == end

    def bucket(items: Iterable[Any], when: Callable[[Any], dt.datetime | None]) -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = {p: [] for p in periods}
        for item in items:
            stamp = when(item)
            if stamp is None:
                continue
            day = stamp.astimezone(UTC).date()
            if since <= day <= until:
                out[dates.period_of(day, granularity)].append(item)
        return out

    results = []
    repo_names = sorted(histories)
    for key in only:
        config = configs.get(key) or Config()
        figures: list[Figure] = []
        limits = thresholds.get(key, [])
        if key in ("deployment-frequency", "lead-time", "change-failure-rate"):
            line = timeline(config)
            if key == "change-failure-rate":
                for d in line:
                    d.failures.clear()
                mark_failures(line, histories, incidents, config)
            per = bucket(line, lambda d: d.time)
        for period in periods:
            lo, hi, complete = in_range(period)
            if key == "deployment-frequency":
                ds = per[period]
                weeks = (hi - lo).days / 7
                value = _round(len(ds) / weeks) if weeks else None
                figures.append(
                    Figure(
                        period,
                        value,
                        band(value, limits),
                        len(ds),
                        complete,
                        provenance=_provenance(ds, computed_at, sample=len(ds)),
                    )
                )
            elif key == "lead-time":
                ds = per[period]
                start_of: Callable[[Commit], dt.datetime] = (
                    (lambda c: c.authored) if config.lead_time_start == "author-date" else (lambda c: c.committed)
                )
                hours = [max(0.0, (d.time - start_of(c)).total_seconds() / 3600) for d in ds for c in d.commits]
                value = _round(median(hours)) if hours else None
                extra: dict[str, Any] = {"p90": _round(p90(hours))} if hours else {}
                figures.append(
                    Figure(
                        period,
                        value,
                        band(value, limits),
                        len(hours),
                        complete,
                        extra,
                        _provenance(ds, computed_at, sample=len(hours), **extra),
                    )
                )
            elif key == "change-failure-rate":
                ds = per[period]
                failed = [d for d in ds if d.failures]
                value = _round(100 * len(failed) / len(ds)) if ds else None
                extra = {"failed": len(failed), "failures": {d.tag: d.failures for d in failed}}
                figures.append(
                    Figure(
                        period,
                        value,
                        band(value, limits),
                        len(ds),
                        complete,
                        extra,
                        _provenance(ds, computed_at, sample=len(ds), failed=len(failed)),
                    )
                )
            else:
                incs = [i for i in bucket(incidents, lambda i: i.detected)[period] if i.restored]
                hours = [max(0.0, (i.restored - i.detected).total_seconds() / 3600) for i in incs]
                value = _round(median(hours)) if hours else None
                prov = {
                    "source": "postmortems",
                    "postmortems": [i.id for i in incs],
                    "sample": len(hours),
                    "computed_at": computed_at.isoformat(),
                }
                figures.append(Figure(period, value, band(value, limits), len(hours), complete, provenance=prov))
        results.append(
            MetricResult(
                key,
                NAMES[key],
                UNITS[key],
                (metric_ids or {}).get(key),
                (sources or {}).get(key),
                formula(key, config, repo_names, services),
                config.describe(key),
                limits,
                figures,
            )
        )
    return results


# --- the organisation ------------------------------------------------------------------


def repository_path(org: Any, root: Path, name: str) -> Path:
    """Where a repository named in org.yaml `repositories` is cloned (perfdocs.git.clones,
    as for evidence links): its environment variable if set (`env`, default
    PERFDOCS_REPO_<NAME>), else its `path` relative to the records folder."""
    return clones.repository_path(settings.of(org).repositories, root, name)


def dora_metrics(org: Any) -> dict[str, Any]:
    """The metric definition records of the DORA metrics, by DORA key."""
    found: dict[str, Any] = {}
    for metric in sorted(org.metrics.values(), key=lambda m: m.id):
        key = metric.get("dora")
        if key in KEYS and key not in found:
            found[key] = metric
    return found


def explain(org: Any, metric: Any, team: Any | None = None) -> dict[str, Any] | None:
    """For a DORA metric record: the formula and configuration `kpi dora` computes it with
    (for a team's repositories and services), so the site can print them beside its figures."""
    key = metric.get("dora") if metric is not None else None
    if key not in KEYS:
        return None
    repos = [r for r in (team.get("repositories") or []) if isinstance(r, str)] if team is not None else []
    services = [s for s in (team.get("services") or []) if isinstance(s, str)] if team is not None else []
    try:
        config = Config.merged(org.setting("dora", {}), metric.get("definition"))
    except (PerfdocsError, TypeError):
        return None  # validate reports the broken setting (metric/bad-setting)
    return {"key": key, "formula": formula(key, config, sorted(repos), services), "config": config.describe(key)}


def team_dora(
    org: Any,
    root: Path,
    team: str,
    since: dt.date | None = None,
    until: dt.date | None = None,
    granularity: str = "month",
) -> TeamDora:
    """A team's DORA metrics from its repositories (org.yaml) and postmortems."""
    record = org.teams.get(team)
    if record is None:
        from perfdocs.text import did_you_mean

        raise PerfdocsError(f"no team {team!r}{did_you_mean(team, list(org.teams))}")
    names = [r for r in record.get("repositories", []) or [] if isinstance(r, str)]
    services = [s for s in record.get("services", []) or [] if isinstance(s, str)]
    if not names:
        raise PerfdocsError(
            f"team {team!r} lists no repositories ({record.display}: 'repositories'); "
            "DORA metrics need the history its deploys are tagged in"
        )
    histories = {name: read_history(repository_path(org, root, name), name) for name in names}
    org_config = org.setting("dora", {})
    metrics = dora_metrics(org)
    configs = {k: Config.merged(org_config, metrics[k].get("definition") if k in metrics else None) for k in KEYS}
    thresholds = {k: [t for t in (metrics[k].get("thresholds") or []) if isinstance(t, dict)] for k in metrics}
    until = until or dates.today()
    if since is None:
        firsts = [d.time.date() for h in histories.values() for d in deploys(h, configs["deployment-frequency"])]
        since = dates.period_bounds(dates.period_of(min(firsts), granularity))[0] if firsts else until
    incidents = incidents_for(org.postmortems.values(), team, services)
    results = compute(
        histories,
        incidents,
        since,
        until,
        granularity,
        configs,
        thresholds,
        services,
        {k: m.id for k, m in metrics.items()},
        {k: m.display for k, m in metrics.items()},
    )
    return TeamDora(team, names, since, until, granularity, results)


def quarter_dora(repo: Path, quarter: str, config: Config | None = None) -> list[MetricResult]:
    """One quarter of deployment frequency, lead time and change failure rate for one
    repository (no records needed): what the benchmark times on a large history."""
    start, end = dates.period_bounds(quarter)
    history = read_history(Path(repo))
    config = config or Config()
    return compute(
        {history.name: history},
        [],
        start,
        end - dt.timedelta(days=1),
        "quarter",
        dict.fromkeys(KEYS, config),
        only=KEYS[:3],
    )

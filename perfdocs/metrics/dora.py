"""DORA's five software delivery metrics, from declared policies and real history.

The metrics and their factors are those of DORA's current guide (dora.dev, "DORA's software
delivery metrics"): throughput is change lead time, deployment frequency and failed deployment
recovery time; instability is change fail rate and deployment rework rate. What a deployment,
a failure and a rework deployment are is a declared, versioned policy per repository or team
(perfdocs.settings.DoraSettings; perfdocs.metrics.deployments applies it), and every figure
names its policy and version beside its formula. DORA definitions differ between tools, so
every figure also carries the exact formula and configuration it was computed with
(`MetricResult.formula`), and a period with fewer data points than the metric's minimum sample
says 'insufficient data' instead of a figure.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from perfdocs import dates, settings
from perfdocs.errors import PerfdocsError
from perfdocs.git import clones
from perfdocs.metrics.deployments import (
    Deployment,
    History,
    Incident,
    deployment_rule,
    incidents_for,
    mark_failures,
    read_deployments_file,
    read_history,
    squash_history,
    timeline,
)
from perfdocs.settings import DORA_FACTORS
from perfdocs.settings import DORA_KEYS as KEYS
from perfdocs.settings import DoraSettings as Config  # a DORA policy; the settings live in perfdocs.settings

__all__ = ["History", "Incident", "incidents_for", "read_history"]

UTC = dt.UTC
NAMES = {
    "change-lead-time": "Change lead time",
    "deployment-frequency": "Deployment frequency",
    "failed-deployment-recovery-time": "Failed deployment recovery time",
    "change-fail-rate": "Change fail rate",
    "deployment-rework-rate": "Deployment rework rate",
}
UNITS = {
    "change-lead-time": "hours",
    "deployment-frequency": "deploys/week",
    "failed-deployment-recovery-time": "hours",
    "change-fail-rate": "%",
    "deployment-rework-rate": "%",
}
FACTOR = {key: factor for factor, keys in DORA_FACTORS.items() for key in keys}
GRANULARITIES = ("week", "month", "quarter")
BANDS = ("elite", "high", "medium", "low")


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


# --- figures ---------------------------------------------------------------------------


@dataclass
class Figure:
    period: str
    value: float | int | None
    band: str | None
    sample: int
    """How many deployments, commits or recoveries the value summarises."""
    complete: bool
    """False when the range ends before the period does (a partial period)."""
    extra: dict[str, Any] = field(default_factory=dict)
    """e.g. the p90 beside a median, failed deployments beside a rate."""
    provenance: dict[str, Any] = field(default_factory=dict)
    insufficient: bool = False
    """Fewer data points than the metric's minimum sample: no figure is given."""


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
    factor: str = ""
    """throughput or instability."""
    policy: str = ""
    """The policies (name and version) of the team's repositories this metric was computed with."""
    min_sample: int = 0
    limitations: list[str] = field(default_factory=list)
    """What a reader must know about this figure's history (e.g. a squash-merge history)."""
    summary: Figure | None = None
    """The whole window as one figure."""


@dataclass
class TeamDora:
    team: str
    repositories: list[str]
    since: dt.date
    until: dt.date
    granularity: str
    metrics: list[MetricResult]
    deployments: list[dict[str, Any]] = field(default_factory=list)
    """Every deployment of the window as change fail rate reads it."""
    warnings: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    """Failure signals that blame no deployment, and why."""
    assessment: dict[str, Any] = field(default_factory=dict)
    """The whole-window figures against a benchmark edition (perfdocs.metrics.benchmarks)."""
    explained: list[dict[str, Any]] = field(default_factory=list)
    """kpi dora --explain: the deployments of the window as each metric's own policies read them,
    one entry per distinct set of policies: {"metrics": [keys], "policy": label, "deployments": [...]}."""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["since"], data["until"] = self.since.isoformat(), self.until.isoformat()
        return data


@dataclass
class Analysis:
    metrics: list[MetricResult]
    deployments: list[Deployment]
    warnings: list[str]
    ignored: list[str]
    explained: list[dict[str, Any]] = field(default_factory=list)
    """The deployments of the window as each metric's policies read them (TeamDora.explained),
    described when that metric was computed: a later metric whose policies share a repository's
    timeline re-marks its failures."""


def formula(key: str, config: Config, repositories: list[str], services: list[str]) -> str:
    repos = ", ".join(repositories) or "the team's repositories"
    deploy = f"a deployment in {repos} is {deployment_rule(config)}, in UTC (policy {config.label})"
    if key == "deployment-frequency":
        return (
            f"deployments in the period / (days of the period in range / 7), deployments that ship nothing "
            f"excluded; {deploy}"
        )
    if key == "change-lead-time":
        start = "author date" if config.lead_time_start == "author-date" else "commit date"
        return (
            f"median (and nearest-rank p90) over the commits first deployed in the period, merges excluded, of "
            f"hours from the commit's {start} to the first deployment containing it; {deploy}"
        )
    failed = (
        f"a deployment failed when within {_round(config.failure_window_hours)} h after it "
        + ("a commit it shipped was reverted, " if config.failure_revert else "")
        + ("an earlier version was redeployed (a rollback), " if config.failure_rollback else "")
        + f"a hotfix deployment followed (ref matching '{config.hotfix_tag_pattern}' or a commit subject "
        f"matching /{config.hotfix_message_pattern}/), or when a postmortem links it or, within "
        f"{_round(config.postmortem_hours)} h, names {', '.join(services) or 'its services'}; "
        "a revert of a commit no deployment shipped blames none"
    )
    if key == "change-fail-rate":
        return f"failed deployments / deployments in the period x 100; {failed}; {deploy}"
    if key == "deployment-rework-rate":
        more = ""
        if config.rework_tag_pattern:
            more += f", a ref matching '{config.rework_tag_pattern}'"
        if config.rework_message_pattern:
            more += f", every shipped commit's subject matching /{config.rework_message_pattern}/"
        return (
            "rework deployments / deployments in the period x 100; a rework deployment is unplanned, to fix a "
            f"problem in production: a hotfix deployment, a rollback{more}; {deploy}"
        )
    start = "the failed deployment" if config.recovery_start == "deployment" else "the first failure signal (detection)"
    end = (
        "the fix in production (the deployment shipping the revert, the rollback, the hotfix deployment, or the "
        "postmortem's restored time, whichever comes first)"
    )
    if config.recovery_end == "incident-resolved":
        end = (
            "the incident's resolution (the latest restored time of the postmortems tied to the failure; "
            f"without one, {end})"
        )
    return f"median over the failed deployments of the period of hours from {start} to {end}; {failed}; {deploy}"


def _provenance(deployed: list[Deployment], computed_at: dt.date, policy: str, **more: Any) -> dict[str, Any]:
    ranges: dict[str, list[Deployment]] = {}
    for d in deployed:
        ranges.setdefault(d.repository, []).append(d)
    repos = []
    for name, ds in sorted(ranges.items()):
        first, last = ds[0], ds[-1]
        start = f"{first.previous[:12]}.." if first.previous else ""
        repos.append({"name": name, "range": f"{start}{last.sha[:12]}"})
    out: dict[str, Any] = {"source": "git", "policy": policy}
    if repos:
        out["repositories"] = repos
    out.update(more)
    out["computed_at"] = computed_at.isoformat()
    return out


def _figure(
    key: str,
    period: str,
    deployed: list[Deployment],
    days: int,
    complete: bool,
    limits: list[dict[str, Any]],
    minimum: int,
    computed_at: dt.date,
    policy: str,
) -> Figure:
    """One figure of metric `key` over the counted deployments of a stretch of `days` days."""
    value: float | int | None
    extra: dict[str, Any] = {}
    more: dict[str, Any] = {}
    if key == "deployment-frequency":
        sample = len(deployed)
        value = _round(sample / (days / 7)) if days else None
    elif key == "change-lead-time":
        hours = []
        for d in deployed:
            lead_start = d.policy.lead_time_start
            for c in d.commits:
                begun = c.authored if lead_start == "author-date" else c.committed
                hours.append(max(0.0, (d.time - begun).total_seconds() / 3600))
        sample = len(hours)
        value = _round(median(hours)) if hours else None
        extra = {"p90": _round(p90(hours))} if hours else {}
        more = dict(extra)
    elif key in ("change-fail-rate", "deployment-rework-rate"):
        hit = [d for d in deployed if (d.failures if key == "change-fail-rate" else d.rework)]
        sample = len(deployed)
        value = _round(100 * len(hit) / sample) if sample else None
        word = "failed" if key == "change-fail-rate" else "rework"
        if key == "change-fail-rate":
            extra = {word: len(hit), "failures": {d.ref: [f.reason for f in d.failures] for d in hit}}
        else:
            extra = {word: len(hit), "reasons": {d.ref: list(d.rework) for d in hit}}
        more = {word: len(hit)}
    else:
        intervals = [(d, r) for d in deployed if (r := d.recovery()) is not None]
        hours = [(end - start).total_seconds() / 3600 for _, (start, end) in intervals]
        sample = len(hours)
        value = _round(median(hours)) if hours else None
        unrecovered = [d.ref for d in deployed if d.failures and d.recovery() is None]
        extra = {"failed": sum(1 for d in deployed if d.failures), "unrecovered": unrecovered}
        ids = sorted({f.reason.split(" ", 1)[1] for d, _ in intervals for f in d.failures if f.kind == "postmortem"})
        more = {"postmortems": ids} if ids else {}
        deployed = [d for d, _ in intervals]
    insufficient = sample < minimum or (value is None and key != "deployment-frequency")
    if insufficient:
        value = None
    prov = _provenance(deployed, computed_at, policy, sample=sample, **more)
    return Figure(period, value, band(value, limits), sample, complete, extra, prov, insufficient)


Policies = dict[str, Config]
"""The policy of each repository (by name) a metric is computed with."""


def analyse(
    histories: dict[str, History],
    incidents: list[Incident],
    since: dt.date,
    until: dt.date,
    granularity: str,
    configs: dict[str, Config | Policies],
    thresholds: dict[str, list[dict[str, Any]]] | None = None,
    services: list[str] | None = None,
    metric_ids: dict[str, str] | None = None,
    sources: dict[str, str] | None = None,
    only: Iterable[str] = KEYS,
    min_sample: dict[str, int] | None = None,
    rows: list[dict[str, str]] | None = None,
) -> Analysis:
    """The DORA metrics per period of [since, until] (UTC days, both included), the whole
    window as one figure, and every deployment with what it shipped and why it was classified.

    `configs` gives each metric its policy, one for every repository or one per repository;
    `rows` are the deployments file's rows (for policies whose deployments are records)."""
    if granularity not in GRANULARITIES:
        raise PerfdocsError(f"granularity must be one of {', '.join(GRANULARITIES)}, not {granularity!r}")
    if until < since:
        raise PerfdocsError(f"--until {until} is before --since {since}")
    # Old metric names (lead-time, change-failure-rate, time-to-restore) stand for their current ones.
    only = [k for k in (settings.dora_key(k) for k in only) if k is not None]
    configs = {settings.dora_key(k) or k: v for k, v in configs.items()}
    thresholds = thresholds or {}
    services = services or []
    minimums = {**settings.DEFAULT_MIN_SAMPLE, **(min_sample or {})}
    # Deployments are named after the keys of `histories` (the org's repository names).
    histories = {name: h if h.name == name else replace(h, name=name) for name, h in histories.items()}
    periods = dates.periods_between(since, until, granularity)
    computed_at = dates.today()
    timelines: dict[tuple[str, Config], Any] = {}
    repo_names = sorted(histories)

    def policies_of(key: str) -> Policies:
        given = configs.get(key) or Config()
        return dict(given) if isinstance(given, dict) else dict.fromkeys(repo_names, given)

    def line_of(policies: Policies) -> tuple[list[Deployment], list[str], list[str]]:
        every: list[Deployment] = []
        warnings: list[str] = []
        for name in repo_names:
            policy = policies.get(name) or Config()
            if (name, policy) not in timelines:
                timelines[(name, policy)] = timeline(histories[name], policy, rows or [])
            found = timelines[(name, policy)]
            every += found.deployments
            warnings += found.warnings
        every.sort(key=lambda d: (d.time, d.repository, d.ref))
        ignored = [text for when, text in mark_failures(every, histories, incidents) if in_window(when)]
        return every, warnings, ignored

    def in_window(when: dt.datetime) -> bool:
        return since <= when.astimezone(UTC).date() <= until

    def in_range(d: Deployment) -> bool:
        return in_window(d.time)

    results = []
    explained: tuple[list[Deployment], list[str], list[str]] | None = None
    groups: dict[tuple[tuple[str, Config], ...], dict[str, Any]] = {}
    for key in only:
        policies = policies_of(key)
        line, warnings, ignored = line_of(policies)
        counted = [d for d in line if d.counted and in_range(d)]
        if key == "change-fail-rate" or explained is None:
            explained = ([d for d in line if in_range(d)], warnings, ignored)
        labels = sorted({p.label for p in policies.values()})
        label = (
            ", ".join(labels)
            if len(labels) == 1
            else "; ".join(f"{n}: {policies[n].label}" for n in repo_names if n in policies)
        )
        # Described now: the next metric's line may re-mark the failures of shared deployments.
        group = groups.setdefault(
            tuple(sorted(policies.items(), key=lambda item: item[0])),
            {"metrics": [], "policy": label, "deployments": [describe_deployment(d) for d in line if in_range(d)]},
        )
        group["metrics"].append(key)
        per: dict[str, list[Deployment]] = {p: [] for p in periods}
        for d in counted:
            per[dates.period_of(d.time.astimezone(UTC).date(), granularity)].append(d)
        limits = thresholds.get(key, [])
        minimum = minimums.get(key, 0)
        figures = []
        for period in periods:
            start, end = dates.period_bounds(period)
            lo, hi = max(start, since), min(end, until + dt.timedelta(days=1))
            figures.append(
                _figure(key, period, per[period], (hi - lo).days, hi == end, limits, minimum, computed_at, label)
            )
        days = (until - since).days + 1
        whole = _figure(key, f"{since}..{until}", counted, days, True, limits, minimum, computed_at, label)
        first = next(iter(policies.values()), Config())
        text = formula(key, first, [n for n in repo_names if policies.get(n) == first] or repo_names, services)
        for other in dict.fromkeys(p for p in policies.values() if p != first):
            mine = ", ".join(n for n in repo_names if policies.get(n) == other)
            text += f"; a deployment in {mine} is {deployment_rule(other)}, in UTC (policy {other.label})"
        limitations = []
        if key == "change-lead-time":
            limitations = [squash_note(name) for name in repo_names if squash_history(histories[name])]
        results.append(
            MetricResult(
                key,
                NAMES[key],
                UNITS[key],
                (metric_ids or {}).get(key),
                (sources or {}).get(key),
                text,
                first.describe(key),
                limits,
                figures,
                FACTOR[key],
                label,
                minimum,
                limitations,
                whole,
            )
        )
    deployments, warnings, ignored = explained or ([], [], [])
    # What concerns one deployment is told for the deployments of the window only.
    warnings = warnings + [
        f"{d.repository} {d.ref} ({d.time.astimezone(UTC).date()}): {note}" for d in deployments for note in d.notes
    ]
    for m in results:
        for note in m.limitations:
            if note not in warnings:
                warnings.append(note)
    return Analysis(results, deployments, list(dict.fromkeys(warnings)), ignored, list(groups.values()))


def squash_note(repository: str) -> str:
    return (
        f"{repository}: no merge commits in the shipped history (squash or rebase merges): a commit's date is "
        "when its change landed on the branch, so change lead time measures merge -> deployment, not first "
        "commit -> deployment, and is not comparable with a repository that keeps merge commits"
    )


def compute(*args: Any, **kwargs: Any) -> list[MetricResult]:
    """The metrics of `analyse` (same arguments)."""
    return analyse(*args, **kwargs).metrics


def describe_deployment(d: Deployment) -> dict[str, Any]:
    """One deployment as `kpi dora --explain` shows it."""
    rules = [f"failed: {f.rule}" for f in d.failures] + [f"rework: {r}" for r in d.rework] + d.notes
    recovery = d.recovery()
    return {
        "time": d.time.astimezone(UTC).isoformat(),
        "repository": d.repository,
        "ref": d.ref,
        "sha": d.sha,
        "policy": d.policy.label,
        "commits": {
            "count": len(d.commits),
            "first": d.commits[0].sha if d.commits else None,
            "last": d.commits[-1].sha if d.commits else None,
        },
        "classification": d.classification,
        "rules": rules,
        "failures": [
            {
                "kind": f.kind,
                "reason": f.reason,
                "detected": f.detected.astimezone(UTC).isoformat(),
                "fixed": f.fixed.astimezone(UTC).isoformat() if f.fixed else None,
            }
            for f in d.failures
        ],
        "recovery": {
            "start": recovery[0].astimezone(UTC).isoformat(),
            "end": recovery[1].astimezone(UTC).isoformat(),
            "hours": _round((recovery[1] - recovery[0]).total_seconds() / 3600),
            "until": d.recovery_end,
        }
        if recovery
        else None,
    }


# --- the organisation ------------------------------------------------------------------


def repository_path(org: Any, root: Path, name: str) -> Path:
    """Where a repository named in org.yaml `repositories` is cloned (perfdocs.git.clones,
    as for evidence links): its environment variable if set (`env`, default
    PERFDOCS_REPO_<NAME>), else its `path` relative to the records folder."""
    return clones.repository_path(settings.of(org).repositories, root, name)


def dora_metrics(org: Any) -> dict[str, Any]:
    """The metric definition records of the DORA metrics, by current DORA key (a record
    naming an old metric, e.g. `dora: lead-time`, stands for its current one)."""
    found: dict[str, Any] = {}
    for metric in sorted(org.metrics.values(), key=lambda m: m.id):
        key = settings.dora_key(metric.get("dora"))
        if key is not None and key not in found:
            found[key] = metric
    return found


def own_min_samples(metrics: dict[str, Any]) -> dict[str, int]:
    """The DORA metrics whose record states its own `min_sample` (it wins over org.yaml dora.min_sample)."""
    out = {}
    for key, metric in metrics.items():
        own = metric.get("min_sample")
        if isinstance(own, int) and not isinstance(own, bool) and own >= 0:
            out[key] = own
    return out


def _policies(
    org: Any, team: str | None, repos: list[str], key: str, definition: Any, metric: str | None = None
) -> Policies:
    """The policy of each repository for one metric: its named policy (dora.repositories,
    dora.teams), else the default policy, with the metric's `definition` over either (a named
    policy's label then says which settings the metric's definition changed)."""
    setup = settings.of(org).dora_setup
    default = Config.merged(org.setting("dora", {}), definition)
    out = {}
    for name in repos:
        named = setup.policy_for(name, team)
        out[name] = setup.policies[named].with_definition(definition, metric) if named else default
    return out


def explain(org: Any, metric: Any, team: Any | None = None) -> dict[str, Any] | None:
    """For a DORA metric record: the formula and configuration `kpi dora` computes it with
    (for a team's repositories and services), so the site can print them beside its figures."""
    key = settings.dora_key(metric.get("dora")) if metric is not None else None
    if key is None:
        return None
    repos = [r for r in (team.get("repositories") or []) if isinstance(r, str)] if team is not None else []
    services = [s for s in (team.get("services") or []) if isinstance(s, str)] if team is not None else []
    try:
        policies = _policies(
            org, team.id if team is not None else None, sorted(repos), key, metric.get("definition"), metric.id
        )
        config = (
            next(iter(policies.values()))
            if policies
            else Config.merged(org.setting("dora", {}), metric.get("definition"))
        )
    except (PerfdocsError, TypeError):
        return None  # validate reports the broken setting (metric/bad-setting)
    return {
        "key": key,
        "name": NAMES[key],
        "factor": FACTOR[key],
        "formula": formula(key, config, sorted(repos), services),
        "config": config.describe(key),
    }


def team_dora(
    org: Any,
    root: Path,
    team: str,
    since: dt.date | None = None,
    until: dt.date | None = None,
    granularity: str = "month",
) -> TeamDora:
    """A team's DORA metrics from its repositories (org.yaml), postmortems and policies."""
    record = org.teams.get(team)
    if record is None:
        from perfdocs.text import did_you_mean

        raise PerfdocsError(f"no team {team!r}{did_you_mean(team, list(org.teams))}")
    names = [r for r in record.get("repositories", []) or [] if isinstance(r, str)]
    services = [s for s in record.get("services", []) or [] if isinstance(s, str)]
    if not names:
        raise PerfdocsError(
            f"team {team!r} lists no repositories ({record.display}: 'repositories'); "
            "DORA metrics need the history its deployments are recorded in"
        )
    metrics = dora_metrics(org)
    configs: dict[str, Config | Policies] = {
        k: _policies(
            org,
            team,
            names,
            k,
            metrics[k].get("definition") if k in metrics else None,
            metrics[k].id if k in metrics else None,
        )
        for k in KEYS
    }
    every = [p for c in configs.values() if isinstance(c, dict) for p in c.values()]
    branches = sorted({p.production_branch for p in every if p.deployment == "branch"})
    files = sorted({p.deployments_file for p in every if p.deployment == "record" and p.deployments_file})
    rows = [row for f in files for row in read_deployments_file(Path(root) / f)]
    histories = {name: read_history(repository_path(org, root, name), name, branches) for name in names}
    thresholds = {k: [t for t in (metrics[k].get("thresholds") or []) if isinstance(t, dict)] for k in metrics}
    until = until or dates.today()
    if since is None:
        freq = configs["deployment-frequency"]
        assert isinstance(freq, dict)
        firsts = [d.time.date() for name in names for d in timeline(histories[name], freq[name], rows).deployments]
        since = dates.period_bounds(dates.period_of(min(firsts), granularity))[0] if firsts else until
    incidents = incidents_for(org.postmortems.values(), team, services)
    setup = settings.of(org).dora_setup
    found = analyse(
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
        min_sample={**setup.min_sample, **own_min_samples(metrics)},
        rows=rows,
    )
    from perfdocs.metrics import benchmarks

    return TeamDora(
        team,
        names,
        since,
        until,
        granularity,
        found.metrics,
        next((g["deployments"] for g in found.explained if "change-fail-rate" in g["metrics"]), []),
        found.warnings,
        found.ignored,
        benchmarks.assess(found.metrics, setup.benchmark, setup.benchmark_segment),
        found.explained,
    )


def quarter_dora(repo: Path, quarter: str, config: Config | None = None) -> list[MetricResult]:
    """One quarter of deployment frequency, change lead time and change fail rate for one
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
        only=("deployment-frequency", "change-lead-time", "change-fail-rate"),
        min_sample=dict.fromkeys(KEYS, 0),
    )

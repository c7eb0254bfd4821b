"""`perfdocs kpi dora` and `perfdocs kpi trends`: team signals, each figure beside its formula."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import click

from perfdocs.cli import print_text, records_option
from perfdocs.cli.options import strict_option
from perfdocs.text import plural

_DATE = click.DateTime(formats=["%Y-%m-%d"])


@click.group("kpi")
def kpi() -> None:
    """Team KPIs: DORA metrics computed from git, KPI series and their trends.

    KPIs are team signals: they tell whether a team is healthy and are never
    an individual's target.

    \b
    Example:
      perfdocs kpi dora --team payments --granularity quarter
      perfdocs kpi trends
    """


def _sample(key: str, figure: Any) -> str:
    if key == "deployment-frequency":
        text = plural(figure.sample, "deploy")
    elif key == "lead-time":
        text = plural(figure.sample, "commit") + (f", p90 {figure.extra['p90']}" if "p90" in figure.extra else "")
    elif key == "change-failure-rate":
        text = f"{figure.extra.get('failed', 0)} of {plural(figure.sample, 'deploy')} failed"
    else:
        text = plural(figure.sample, "incident")
    return text + ("" if figure.complete else " (partial period)")


def bands_text(thresholds: list[dict[str, Any]]) -> str:
    parts = []
    for t in thresholds:
        lo, hi = t.get("min"), t.get("max")
        if lo is not None and hi is not None:
            parts.append(f"{t['label']} {lo} to < {hi}")
        elif lo is not None:
            parts.append(f"{t['label']} >= {lo}")
        elif hi is not None:
            parts.append(f"{t['label']} < {hi}")
    return "; ".join(parts)


def render_text(result: Any) -> str:
    title = (
        f"DORA metrics of team {result.team}, {result.since} to {result.until} by {result.granularity} "
        f"(repositories: {', '.join(result.repositories) or 'none'})"
    )
    lines = [title]
    for m in result.metrics:
        source = f"metric {m.metric}, {m.source}" if m.metric else "no metric definition record: defaults, no bands"
        lines += ["", f"{m.name} ({m.unit}) - {source}", f"  formula: {m.formula}"]
        if m.config:
            lines.append("  configuration: " + ", ".join(f"{k}={v}" for k, v in m.config.items()))
        if m.thresholds:
            lines.append(f"  bands: {bands_text(m.thresholds)}")
        lines.append(f"  {'period':<10}{'value':>7}  {'band':<6}  sample")
        for f in m.figures:
            value = "-" if f.value is None else str(f.value)
            lines.append(f"  {f.period:<10}{value:>7}  {f.band or '-':<6}  {_sample(m.key, f)}")
    return "\n".join(lines) + "\n"


@kpi.command("dora")
@click.option("--team", required=True, help="The team (its repositories and services come from the records).")
@click.option(
    "--since",
    type=_DATE,
    default=None,
    metavar="YYYY-MM-DD",
    help="First day (default: the start of the period of the first deploy).",
)
@click.option("--until", type=_DATE, default=None, metavar="YYYY-MM-DD", help="Last day, included (default: today).")
@click.option("--granularity", type=click.Choice(["week", "month", "quarter"]), default="month", show_default=True)
@click.option(
    "--write",
    is_flag=True,
    help="Add the complete periods to the team's KPI series records, with "
    "their provenance; re-running updates computed values in place and never duplicates them.",
)
@click.option("--force", is_flag=True, help="With --write: also replace hand-entered values of the same periods.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@records_option
@strict_option
def dora_command(
    team: str,
    since: datetime | None,
    until: datetime | None,
    granularity: str,
    write: bool,
    force: bool,
    fmt: str,
    records: str | None,
    strict: bool,
) -> None:
    """Compute a team's four DORA metrics from its repositories and postmortems.

    \b
    deployment frequency  deploy tags (org.yaml dora.deploy_tag_pattern) per week
    lead time             commit -> first deploy containing it (median, p90)
    change failure rate   deploys followed within the failure window by a revert,
                          a hotfix deploy or a postmortem naming the team's services
    time to restore       postmortems' detected -> restored (median)

    Every figure is printed with its formula and configuration, from the metric
    definition records (records/metrics/*.yaml with a `dora:` key).

    \b
    Example:
      perfdocs kpi dora --team payments --since 2026-01-01 --granularity month
      perfdocs kpi dora --team payments --write
    """
    from contextlib import nullcontext

    from perfdocs.cli.output import print_skipped
    from perfdocs.lock import records_lock
    from perfdocs.metrics import dora, series_write
    from perfdocs.validation import load_valid, resolve_root

    root = resolve_root(records)
    # With --write, read, compute and write as one step (perfdocs/lock.py).
    with records_lock(root) if write else nullcontext():
        # A writer stays all or nothing; a reader needs at least the team it is asked about.
        report = load_valid(root, strict or write, lambda org: [org.teams.get(team)])
        print_skipped(report)
        result = dora.team_dora(
            report.org, root, team, since.date() if since else None, until.date() if until else None, granularity
        )
        changes = series_write.write_dora(report.org, root, result, force=force) if write else []
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=2, default=str))
    else:
        print_text(render_text(result), nl=False)
    for change in changes:
        click.echo(change.summary(), err=True)


@kpi.command("trends")
@click.option("--team", default=None, help="Only this team's series.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@records_option
@strict_option
def trends_command(team: str | None, fmt: str, records: str | None, strict: bool) -> None:
    """Flag sustained trends in the KPI series and teams tracking too few or too many core KPIs.

    A sustained trend is N consecutive periods each worse than the one before
    (N is org.yaml kpi_rules.sustained_trend_periods, default 3); a single bad
    point followed by a recovery is noise and is never flagged.

    \b
    Example:
      perfdocs kpi trends
      perfdocs kpi trends --team payments --format json
    """
    from perfdocs.cli.output import print_skipped
    from perfdocs.errors import PerfdocsError
    from perfdocs.metrics import kpis
    from perfdocs.text import did_you_mean
    from perfdocs.validation import load_valid, resolve_root

    report = load_valid(resolve_root(records), strict, lambda org: [org.teams.get(team)] if team else [])
    print_skipped(report)
    org = report.org
    if team is not None and team not in org.teams:
        raise PerfdocsError(f"no team {team!r}{did_you_mean(team, list(org.teams))}")
    n, lo, hi = kpis.settings(org)
    flagged = kpis.trends(org, team)
    teams = [team] if team else sorted(org.teams)
    counts = {t: len(kpis.core_kpis(org, t)) for t in teams}
    problems = {t: p for t in teams if (p := kpis.core_count_problem(org, t))}
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "sustained_trend_periods": n,
                    "core_kpis": {"min": lo, "max": hi},
                    "trends": [vars(t) for t in flagged],
                    "core_counts": counts,
                    "warnings": list(problems.values()),
                },
                indent=2,
            )
        )
        return
    lines = [
        f"Sustained trends ({n} or more consecutive periods moving against the target; "
        "single bad points are not flagged):"
    ]
    lines += [f"  {t.kpi} ({t.metric}, {t.direction.replace('-', ' ')}): {t.describe()}" for t in flagged]
    if not flagged:
        lines.append("  none")
    lines.append(f"\nCore KPIs per team (the org asks for {lo} to {hi}):")
    for team in teams:
        lines.append(f"  {team}: {counts[team]}" + (f"  warning: {problems[team]}" if team in problems else ""))
    print_text("\n".join(lines))


COMMANDS = [kpi]

"""`perfdocs kpi dora` and `perfdocs kpi trends`: team signals, each figure beside its formula."""

from __future__ import annotations

import json
from datetime import datetime

import click

from perfdocs.cli import print_text, records_option
from perfdocs.cli.options import strict_option

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
@click.option(
    "--explain",
    is_flag=True,
    help="Also list every deployment of the window: what it shipped, its classification and the rule that fired.",
)
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
    explain: bool,
    fmt: str,
    records: str | None,
    strict: bool,
) -> None:
    """Compute a team's five DORA metrics from its repositories, postmortems and policies.

    \b
    throughput:
      change lead time        commit -> first deployment containing it (median, p90)
      deployment frequency    deployments per week (ones that ship nothing excluded)
      failed deployment       failed deployment -> its fix in production (median)
        recovery time
    instability:
      change fail rate        deployments that failed (a revert of a commit they shipped,
                              a rollback, a hotfix deployment, a postmortem) / deployments
      deployment rework rate  unplanned deployments fixing production (hotfixes,
                              rollbacks) / deployments

    What a deployment, a failure and rework are is a declared policy (org.yaml dora,
    dora.policies per repository or team); every figure names its policy and version and
    is printed with its formula, beside the whole window placed in the benchmark
    edition's buckets (org.yaml dora.benchmark). Figures describe teams, never people.

    \b
    Example:
      perfdocs kpi dora --team payments --since 2026-01-01 --granularity month
      perfdocs kpi dora --team payments --explain
      perfdocs kpi dora --team payments --write
    """
    from contextlib import nullcontext

    from perfdocs.cli.output import print_skipped
    from perfdocs.lock import records_lock
    from perfdocs.metrics import dora, series_write
    from perfdocs.metrics.report import render_text
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
        print_text(render_text(result, explain), nl=False)
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

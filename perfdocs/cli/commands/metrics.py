"""`perfdocs metrics review`: metric governance at a glance."""

from __future__ import annotations

import json

import click

from perfdocs.cli import print_text, records_option

SECTIONS = (
    ("metric/review-overdue", "Reviews overdue"),
    ("metric/incomplete", "Incomplete definitions"),
    ("metric/individual-activity", "Individual metrics that count activity"),
    ("metric/no-counter-metric", "Speed metrics without a quality metric to be read with"),
    ("metric/team-only-target", "Team-only metrics used as individual targets"),
)


@click.group("metrics")
def metrics() -> None:
    """Metric definitions and their governance.

    \b
    Example:
      perfdocs metrics review
    """


@metrics.command("review")
@records_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--check", is_flag=True, help="Exit 1 when anything needs attention (for CI).")
def review_command(records: str | None, fmt: str, check: bool) -> None:
    """List metrics whose review is overdue for their cadence, metrics missing an
    owner, purpose, calculation, limitations or anti-gaming rule, individual metrics
    that count activity (commits, pull requests, story points...), speed metrics
    with no counter_metric, and every place a team-only metric is used as an
    individual's target.

    Works on records with errors too (a missing field is exactly what it lists).
    `validate` reports the same findings, as warnings or, with org.yaml
    `governance: {severity: error}`, as errors.

    \b
    Example:
      perfdocs metrics review
      perfdocs metrics review --check --format json
    """
    from perfdocs import dates
    from perfdocs.rules import governance
    from perfdocs.validation import load_org, resolve_root

    org = load_org(resolve_root(records)).org
    today = dates.today()
    findings = governance.review(org, today)
    if fmt == "json":
        click.echo(
            json.dumps(
                {"today": today.isoformat(), "metrics": len(org.metrics), "findings": [f.to_dict() for f in findings]},
                indent=2,
            )
        )
    else:
        lines = [f"Metric governance on {today}: {len(org.metrics)} metric{'s' * (len(org.metrics) != 1)}"]
        for rule, title in SECTIONS:
            found = [f for f in findings if f.rule == rule]
            lines.append(f"\n{title} ({len(found)}):")
            for f in found:
                d = f.diagnostic
                lines.append(f"  {f.subject}: {f.message}\n    {d.path}:{d.line}:{d.col}")
            if not found:
                lines.append("  none")
        print_text("\n".join(lines))
    raise SystemExit(1 if check and findings else 0)


COMMANDS = [metrics]

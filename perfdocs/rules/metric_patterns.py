"""The known metric anti-patterns, as data with their sources: activity counted for a person,
and speed measured without a counterweight.

Governance (perfdocs.rules.governance) reads a metric record against these lists:

- an individual-scope metric that counts activity (commits, lines of code, pull requests, story
  points, AI tokens, tickets closed) rewards effort and volume instead of outcomes, and the
  number becomes the target people optimise (metric/individual-activity);
- a speed metric (lead time, cycle time, deployment frequency, velocity, turnaround, recovery
  time) read alone rewards going faster by breaking things, so it names the quality metric it
  is read with, its `counter_metric:` (metric/no-counter-metric).

The lists are words, matched whole and case-insensitively: a record is recognised from its name
and unit, or from a calculation that counts ("number of", "count of", "per week"...). They err
towards silence: a metric they miss is a review conversation, a false alarm is noise in CI.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from perfdocs.settings import DORA_FACTORS, dora_key


@dataclass(frozen=True)
class Source:
    """A published source a finding cites."""

    short: str
    """How a message names it."""
    reference: str
    """The full reference, with its address."""


SPACE = Source(
    "SPACE, Forsgren et al. 2021",
    "N. Forsgren, M.-A. Storey, C. Maddila, T. Zimmermann, B. Houck, J. Butler, 'The SPACE of Developer "
    "Productivity: There's more to it than you think', ACM Queue 19(1), 2021, https://queue.acm.org/detail.cfm?id=3454124",
)
DORA = Source(
    "DORA's guide",
    "DORA, 'DORA's software delivery metrics' (the guide, dora.dev), https://dora.dev/guides/dora-metrics/: "
    "throughput and instability are read together, and the metrics describe a team's delivery, not a person",
)
GOODHART = Source(
    "Goodhart's law",
    "C. Goodhart, 'Problems of monetary management: the U.K. experience' (1975), as M. Strathern put it in "
    "''Improving ratings': audit in the British University system', European Review 5(3), 1997: when a measure "
    "becomes a target, it ceases to be a good measure",
)
SOURCES = (SPACE, DORA, GOODHART)


@dataclass(frozen=True)
class Activity:
    """A kind of activity whose count says how busy someone was, not what their work achieved."""

    name: str
    pattern: str
    """A regular expression (case-insensitive) for the words that name it."""


ACTIVITIES = (
    Activity("commits", r"\bcommit(s|ted)?\b"),
    Activity(
        "lines of code",
        r"\blines? of code\b|\bs?loc\b|\blines? (added|changed|deleted|removed|written)\b|\bcode churn\b",
    ),
    Activity("pull requests", r"\bpull[- ]requests?\b|\bmerge[- ]requests?\b|\bprs?\b|\bmrs?\b"),
    Activity("story points", r"\bstory[- ]points?\b|\bpoints (completed|delivered|burned|closed)\b"),
    Activity(
        "AI tokens",
        r"\b(ai|llm|gpt|model|copilot|assistant|agent)\b[^.;]{0,20}\btokens?\b|\btokens? (used|spent|consumed|generated)\b",
    ),
    Activity(
        "tickets closed",
        r"\b(tickets?|issues?|tasks?|jira)\b[^.;]{0,20}\b(closed|resolved|completed|done)\b"
        r"|\b(closed|resolved|completed)\b[^.;]{0,20}\b(tickets?|issues?|tasks?)\b",
    ),
)
"""What an individual-scope metric must not count (SPACE: activity alone never judges a person)."""

COUNTING = re.compile(
    r"\b(number|count|counts|counted|total|sum|how many|amount|volume|tally)\b|\bper (hour|day|week|sprint|month|quarter|year)\b",
    re.IGNORECASE,
)
"""A calculation that counts: only then do its activity words make it an activity count."""

INSTEAD = (
    "measure what the work achieved, not how much of it there was: the outcomes in the person's evidence and "
    "goals (scope, impact, quality, the team's delivery) judged against the rubric; if the count helps a team "
    "see its flow, keep it a team signal (scope: team) that is never anyone's target"
)

SPEED = re.compile(
    r"\blead[- ]?times?\b|\bcycle[- ]?times?\b|\bvelocity\b|\bthroughput\b"
    r"|\b(deploy(ment)?s?|releases?|shipping) (frequency|cadence|rate|count)\b|\b(deploys?|deployments?|releases?) per\b"
    r"|\bturn-?around\b|\btime[- ]to[- ](merge|review|first review|restore|recover|recovery|deploy|ship|market|resolve|resolution)\b"
    r"|\b(merge|review|resolution|recovery|restore|restoration) times?\b|\bmtt[rda]\b",
    re.IGNORECASE,
)
"""Names of speed metrics (time or throughput of delivery)."""
SPEED_UNIT = re.compile(r"^\s*(deploys?|deployments?|releases?|points|story points|changes)\s*(/|per\b)", re.IGNORECASE)

QUALITY_EXAMPLES = "change fail rate, deployment rework rate, escaped defects, SLO attainment"


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def activity_counted(metric: Any) -> Activity | None:
    """The activity an individual-scope metric counts (None: it counts none, or it is a team's)."""
    if metric.get("scope") != "individual":
        return None
    named = f"{_text(metric.get('name'))} {_text(metric.get('id')).replace('-', ' ')} {_text(metric.get('unit'))}"
    calculation = _text(metric.get("calculation"))
    for activity in ACTIVITIES:
        pattern = re.compile(activity.pattern, re.IGNORECASE)
        if pattern.search(named) or (COUNTING.search(calculation) and pattern.search(calculation)):
            return activity
    return None


def is_speed(metric: Any) -> bool:
    """Does the metric measure how fast or how often work is delivered (a DORA throughput
    metric, or one named like lead time, cycle time, deployment frequency, velocity)?"""
    if dora_key(metric.get("dora")) in DORA_FACTORS["throughput"]:
        return True
    name = _text(metric.get("name"))
    return bool(SPEED.search(name) or SPEED_UNIT.search(_text(metric.get("unit"))))

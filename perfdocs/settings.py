"""Settings: org.yaml's sections, parsed once into typed values with their defaults.

Every setting below has a type, a default and a sentence (its attribute docstring), the
way MkDocs documents its configuration. `of(org)` reads the org record once per
organisation and keeps the result on it; consumers read attributes
(`settings.of(org).readiness.min_evidence_per_competency`) and never re-check types.

A value of the wrong type, or a number that is not finite or absurdly large, is reported
by the org schema (`schema/type`, `schema/number`, ...) when the records are validated;
here it falls back to its default, and nothing ever raises.
Settings that the schema cannot judge (a level no track has, an unknown dimension) are
reported by the rule families that check them where they are written
(perfdocs.rules.readiness, perfdocs.rules.scoring, perfdocs.rules.governance).

The sections:
- readiness: the promotion-readiness thresholds (`perfdocs packet check`).
- scoring: the advisory score's bounds, weights, how a piece of work is weighed (scope,
  verification, type, diminishing) and reliability gate, and calibration's invisible work
  (`perfdocs score`, `perfdocs calibrate`).
- kpi_rules: sustained trends and a team's number of core KPIs.
- governance: how `validate` reports metric-governance findings.
- placeholders: what counts as unfinished text (markers, the shortest evidence body).
- language: the review-language word lists an org extends or declares neutral, for all or per track.
- links: how evidence links are judged (date tolerance, authorship).
- calibration: the groups `perfdocs calibrate` shows, the smallest it shows, and each period's
  review deadline and calibration meeting.
- dora: DORA policies (what a deployment, a failure, rework and recovery are; the default policy,
  named versioned ones and who uses which), the benchmark edition and the minimum samples.
- rating_scale: the ratings reviews give, and the completion each needs.
- visibility_defaults: the visibility of records that do not declare one.
- sources: further records folders, each perhaps a repository only its readers can clone.
- compensation_fields: more field names that are never allowed in a record.
- repositories: each repository's clone, web address, default branch and the other branches
  that ship (`RepoConfig`; perfdocs.git.clones finds the clones and their branch heads).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from perfdocs.dates import parse_date
from perfdocs.errors import PerfdocsError
from perfdocs.records import numbers, visibility
from perfdocs.records.model import Record
from perfdocs.records.organisation import Organisation
from perfdocs.records.sources import Source

# --- readiness -------------------------------------------------------------------------


@dataclass(frozen=True)
class ReadinessSettings:
    """org.yaml `readiness:`: what `perfdocs packet check` asks of a promotion packet."""

    configured: bool = False
    """True when org.yaml has a `readiness` section (the site then publishes the rules)."""
    description: str | None = None
    """`readiness.description`: the org's own words about its rules, for the site."""
    evidence_window_months: int = 12
    """`readiness.evidence_window_months`: evidence older than this many months before the
    window's end does not count."""
    min_evidence_per_competency: int = 1
    """`readiness.min_evidence_per_competency`: counted evidence entries every competency of
    the target level needs."""
    min_quarters: int = 2
    """`readiness.consistency.min_quarters`: distinct quarters the counted evidence spans."""
    scope_by_level: Mapping[str, str] = field(default_factory=dict)
    """`readiness.scope.by_level`: who must benefit (self, team, multi-team, org) at each target level."""
    min_scope_evidence: int = 2
    """`readiness.scope.min_evidence`: counted evidence entries that reach the target level's scope."""
    complexity_types: tuple[str, ...] = ("rfc", "design-doc", "incident", "postmortem")
    """`readiness.complexity.evidence_types`: evidence types that show complexity."""
    min_complexity_evidence: int = 1
    """`readiness.complexity.min_evidence`: counted evidence entries of those types a packet needs."""
    require_verified_links: bool = False
    """`readiness.require_verified_links`: counted evidence must have a verified link (else only reported)."""


# --- scoring ---------------------------------------------------------------------------

DEFAULT_INVISIBLE = ("mentoring", "code-review", "interviewing", "onboarding", "documentation", "on-call", "feedback")
SCOPE_KEYS = ("self", "team", "multi-team", "org", "unstated")
"""The scopes a piece of work can state (narrowest first), and `unstated` for none."""
DEFAULT_SCOPE_FACTORS: Mapping[str, float] = {"self": 0.5, "team": 1.0, "multi-team": 1.5, "org": 2.0, "unstated": 0.5}
VERIFICATION_BASES = ("author", "reviewer", "committer", "postmortem", "cited", "self-reported")
"""What a piece of work rests on (perfdocs.records.verification.BASES), strongest first."""
DEFAULT_VERIFICATION_FACTORS: Mapping[str, float] = {
    "author": 1.0,
    "reviewer": 1.0,
    "committer": 1.0,
    "postmortem": 0.75,
    "cited": 0.75,
    "self-reported": 0.5,
}
DEFAULT_TYPE_RELEVANCE: Mapping[str, Mapping[str, float]] = {
    "certification": {"default": 0.5},
    "other": {"default": 0.75},
}


@dataclass(frozen=True)
class ScoringSettings:
    """org.yaml `scoring:`: the advisory score (`perfdocs score`) and calibration's lists.

    The score weighs distinct pieces of work, never entries (perfdocs.people.score): each
    piece's weight is its scope factor (x `below_level_factor` under the level's expected
    scope) x its verification factor x its type's relevance for the competency, and within a
    competency the k-th piece counts `diminishing`**(k-1)."""

    configured: bool = False
    """True when org.yaml has a `scoring` section."""
    description: str | None = None
    """`scoring.description`: the org's own words about the score, for the site."""
    low: float = 0.0
    """`scoring.bounds.min`: the lowest score."""
    high: float = 5.0
    """`scoring.bounds.max`: the highest score."""
    weights_given: Mapping[str, float] = field(default_factory=dict)
    """`scoring.weights` as written: a weight for dimension ids and 'scope' (empty: all equal)."""
    weights: Mapping[str, float] = field(default_factory=lambda: {"scope": 1.0})
    """The weight of every dimension of the org and of 'scope': the given ones, 0 for the
    others when some are given, 1 for all when none are (not normalised)."""
    full_marks_evidence: int = 3
    """`scoring.full_marks_evidence`: the weighted pieces of work in a dimension, in the period,
    that earn the maximum: one piece at the level's scope, verified and fully relevant weighs 1;
    narrower, self-reported or less relevant work weighs less, and further pieces in the same
    competency diminish. Volume alone cannot reach it."""
    scope_factors: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_SCOPE_FACTORS))
    """`scoring.scope_factors`: what a piece of work weighs by who benefited (its `scope`), or
    `unstated` when it gives none; default self 0.5, team 1, multi-team 1.5, org 2, unstated 0.5.
    A wider scope never weighs less than a narrower one."""
    below_level_factor: float = 0.5
    """`scoring.below_level_factor`: a further factor for a piece of work whose scope is narrower
    than the scope the person's level expects (or unstated), from 0 to 1 (default 0.5): work
    below the level shows less of it, however well done."""
    expected_scope: str = "team"
    """`scoring.expected_scope`: the scope (self, team, multi-team, org) a level expects when
    neither the ladder's level `scope:` nor `readiness.scope.by_level` names one (default team)."""
    verification_factors: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_VERIFICATION_FACTORS))
    """`scoring.verification_factors`: what a piece of work weighs by what it rests on: a verified
    `author`, `reviewer` or `committer` link, a `postmortem` record or a `cited` link that
    corroborates it, or the person's word alone (`self-reported`); default 1, 1, 1, 0.75, 0.75, 0.5.
    Verified must weigh at least as much as corroborated, and corroborated as self-reported."""
    diminishing: float = 0.5
    """`scoring.diminishing`: within one competency, the k-th distinct piece of work (heaviest
    first) counts this factor to the power k-1 (default 0.5: 1, 0.5, 0.25...); from 0 (only the
    best piece counts) to below 1."""
    type_relevance: Mapping[str, Mapping[str, float]] = field(
        default_factory=lambda: {k: dict(v) for k, v in DEFAULT_TYPE_RELEVANCE.items()}
    )
    """`scoring.type_relevance`: by evidence type, how much it shows of a competency: a number for
    every competency, or a mapping of competency or dimension ids (and `default`) to numbers;
    types not named weigh 1 (default: certification 0.5, other 0.75)."""
    gate_enabled: bool = True
    """`scoring.reliability_gate.enabled`: repeated harm caps the score."""
    min_harm: int = 2
    """`scoring.reliability_gate.min_harm`: harm events (overdue owned action items) that trigger the gate."""
    lookback_quarters: int = 4
    """`scoring.reliability_gate.lookback_quarters`: quarters, ending with the period, in which harm counts."""
    cap: float = 2.5
    """`scoring.reliability_gate.cap`: the highest score while the gate applies."""
    cap_given: bool = False
    """True when org.yaml sets the cap (only a given cap is checked against the bounds)."""
    harm_statuses: tuple[str, ...] = ("open", "in-progress")
    """`scoring.reliability_gate.harm_statuses`: action-item statuses that count as not done."""
    invisible_work_types: tuple[str, ...] = DEFAULT_INVISIBLE
    """`scoring.invisible_work_types`: evidence types calibration counts as invisible work."""
    outlier_distance: float = 1.5
    """`scoring.outlier_distance`: read but no longer used: calibration holds each rating against the
    rubric (the person's evidence for their level), never against the median of people."""

    def relevance(self, evidence_type: str, competency: str, dimension: str) -> float:
        """How much a piece of work of `evidence_type` shows of `competency` (in `dimension`)."""
        found = self.type_relevance.get(evidence_type, {})
        return found.get(competency, found.get(dimension, found.get("default", 1.0)))


# --- KPI rules and governance ----------------------------------------------------------


@dataclass(frozen=True)
class KpiSettings:
    """org.yaml `kpi_rules:`: when a KPI trend is sustained, how many core KPIs a team tracks."""

    configured: bool = False
    """True when org.yaml has a `kpi_rules` section: only then does validate check core counts."""
    sustained_trend_periods: int = 3
    """`kpi_rules.sustained_trend_periods`: consecutive moves against the target that make a trend."""
    core_min: int = 5
    """`kpi_rules.core_kpis.min`: the fewest core KPIs a team should track."""
    core_max: int = 7
    """`kpi_rules.core_kpis.max`: the most core KPIs a team should track."""
    min_sample: int = 0
    """`kpi_rules.min_sample`: the fewest data points a KPI value of a non-DORA metric needs (its
    recorded `sample`) to be shown as a number; a metric's own `min_sample` wins. 0: no minimum."""


@dataclass(frozen=True)
class GovernanceSettings:
    """org.yaml `governance:`: how validate reports metric-governance findings."""

    severity: str = "warning"
    """`governance.severity`: 'warning' or 'error', for overdue reviews, incomplete
    definitions and KPI targets without a baseline."""


# --- placeholders ----------------------------------------------------------------------


@dataclass(frozen=True)
class PlaceholderSettings:
    """org.yaml `placeholders:`: what counts as unfinished text (record/placeholder)."""

    min_body_chars: int = 0
    """`placeholders.min_body_chars`: an evidence body shorter than this (in characters, Markdown
    included) says too little to be judged. 0, the default, turns the check off; `perfdocs init`
    and the example organisation write 40."""
    markers: tuple[str, ...] = ("TODO", "TBD", "FIXME", "XXX")
    """`placeholders.markers`: words (matched whole and case-sensitively) that mark text as not
    written yet; "lorem ipsum" is always one."""


# --- review language -------------------------------------------------------------------

WordsByList = Mapping[str, tuple[str, ...]]
"""Terms by word-list id (perfdocs/rules/wordlists/<id>.yaml: personality, effort, ...)."""


@dataclass(frozen=True)
class LanguageOverride:
    """More terms for some word lists, and terms the org does not flag."""

    extend: WordsByList = field(default_factory=dict)
    """`extend`: list id -> more terms to flag."""
    neutral: WordsByList = field(default_factory=dict)
    """`neutral`: list id -> terms that are ordinary in this org (never flagged)."""


@dataclass(frozen=True)
class LanguageSettings:
    """org.yaml `language:`: the org's changes to the review-language word lists
    (perfdocs.rules.language). Well-typed entries are kept here; the rest, and list ids or
    tracks that do not exist, are reported where they are written (language/config)."""

    everyone: LanguageOverride = field(default_factory=LanguageOverride)
    """`language.extend` and `language.neutral`: for every review and packet."""
    tracks: Mapping[str, LanguageOverride] = field(default_factory=dict)
    """`language.tracks.<track>.extend` / `.neutral`: for the reviews and packets of people on that
    track, on top of `everyone` (a track's neutral term wins over an org-wide extension)."""

    def for_track(self, track: str | None) -> LanguageOverride:
        """The org-wide changes merged with the track's."""
        own = self.tracks.get(track) if track is not None else None
        if own is None:
            return self.everyone

        def merged(a: WordsByList, b: WordsByList) -> dict[str, tuple[str, ...]]:
            return {k: tuple(dict.fromkeys([*a.get(k, ()), *b.get(k, ())])) for k in {*a, *b}}

        return LanguageOverride(merged(self.everyone.extend, own.extend), merged(self.everyone.neutral, own.neutral))


def _words_by_list(value: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        return {}
    return {
        str(k): tuple(w for w in v if isinstance(w, str) and w.strip()) for k, v in value.items() if isinstance(v, list)
    }


def _override(cfg: Any) -> LanguageOverride:
    cfg = cfg if isinstance(cfg, dict) else {}
    return LanguageOverride(_words_by_list(cfg.get("extend")), _words_by_list(cfg.get("neutral")))


def _language(data: Mapping[str, Any]) -> LanguageSettings:
    cfg = _section(data, "language")
    tracks = _section(cfg, "tracks")
    return LanguageSettings(
        everyone=_override(cfg), tracks={str(k): _override(v) for k, v in tracks.items() if isinstance(v, dict)}
    )


# --- calibration -----------------------------------------------------------------------


@dataclass(frozen=True)
class CalibrationPeriod:
    """org.yaml `calibration.periods.<PERIOD>`: the dates of one period's calibration."""

    deadline: dt.date | None = None
    """`deadline`: the day the period's reviews are due (final or delivered); process health
    counts the reviews whose file was committed final by then."""
    meeting: dt.date | None = None
    """`meeting`: the day of the calibration meeting. A rating changed in a commit after it needs
    `calibration: {changed_from, note}` in the review (calibration/unexplained-change)."""


@dataclass(frozen=True)
class CalibrationSettings:
    """org.yaml `calibration:`: how `perfdocs calibrate` groups and protects people."""

    attributes: tuple[str, ...] = ()
    """`calibration.attributes`: person attributes (each person's `attributes:`) to show the rating
    distribution by, besides team, manager, track and level (for example location)."""
    min_group: int = 5
    """`calibration.min_group`: a group with fewer reviews shows "fewer than N" and no counts,
    shares or statistics, so that no small group's ratings are exposed."""
    significance: float = 0.05
    """`calibration.significance`: a group whose chi-square test against the rest of the
    organisation has a p-value below this is flagged for the meeting."""
    periods: Mapping[str, CalibrationPeriod] = field(default_factory=dict)
    """`calibration.periods`: by period (2026-Q3), its review deadline and meeting day."""
    commit_url: str | None = None
    """`calibration.commit_url`: the web address of a commit of the records repository, with
    `{sha}` in it (https://github.com/acme/records/commit/{sha}), so that the pack links the
    commits that changed a rating and the rubric each review was judged against."""


# --- evidence links --------------------------------------------------------------------


@dataclass(frozen=True)
class LinksSettings:
    """org.yaml `links:`: how `perfdocs links check` judges evidence links."""

    date_tolerance_days: int = 14
    """`links.date_tolerance_days`: evidence dated more than this many days before the linked
    work merged is a warning."""
    authorship_types: frozenset[str] = frozenset(
        {"pr", "commit", "tooling", "documentation", "design-doc", "rfc", "other"}
    )
    """`links.authorship_types`: evidence types whose linked PRs and commits must be by the
    author or a collaborator (an empty list: none)."""
    committer_counts_as_author: bool = False
    """`links.committer_counts_as_author`: whether committing a change proves having written it.
    Off by default: a maintainer who squash-merges, rebases or merges someone else's pull
    request is its committer, not its author. Turn it on only for `git am`-style workflows,
    where people commit the patches they wrote themselves and the author field is unreliable."""
    forge_reviews_count: bool = False
    """`links.forge_reviews_count`: whether a `code-review` link with no `Reviewed-by:`, `Acked-by:`
    or `Tested-by:` trailer counts as verified. Off by default: such a link resolves (it is recorded
    as `cited`), but the review is the person's word. Turn it on only for orgs whose reviews live
    only on the forge (no trailers in git)."""


# --- repositories ----------------------------------------------------------------------


@dataclass(frozen=True)
class RepoConfig:
    """One entry of org.yaml `repositories`."""

    name: str
    path: str | None = None
    """`path`: the local clone, relative to the records folder."""
    env: str | None = None
    """`env`: an environment variable that overrides `path` (default PERFDOCS_REPO_<NAME>)."""
    url: str | None = None
    """`url`: the repository's web address, for links on the site."""
    host: str = "github"
    """`host`: github or gitlab: how pull requests and commits are linked on the web."""
    default_branch: str | None = None
    """`default_branch`: the branch pull requests merge into (default: the clone's checked-out branch).
    Everything that reached it counts: a pull request merged into a maintenance branch that was
    then merged forward into it resolves."""
    branches: tuple[str, ...] = ()
    """`branches`: more branches that ship, whose merges count although they never reached the
    default branch (maintenance branches that receive backports and are not merged forward),
    as names or shell-style patterns (`release/*`, `*.x`; `*` also matches `/`), matched against
    the clone's local branches and its remote-tracking branches (`origin/release/1.x` matches
    `release/*`). Default: none, so the default branch alone, with every branch whose merges
    reached it. A pull request found on the default branch's first-parent line wins, then one
    on these branches' first-parent lines, then one anywhere else in their history."""

    @property
    def env_var(self) -> str:
        return self.env or "PERFDOCS_REPO_" + re.sub(r"[^A-Z0-9]+", "_", self.name.upper()).strip("_")

    def location(self, records_root: Path) -> tuple[Path | None, str]:
        """Where the clone is, and how that was decided (for messages)."""
        override = os.environ.get(self.env_var)
        if override:
            return Path(override), f"${self.env_var}"
        if self.path:
            return records_root / self.path, "org.yaml"
        return None, "org.yaml"

    def names(self) -> frozenset[str]:
        """Lower-case names a link or a trailer may use for this repository."""
        out = {self.name.lower()}
        if self.url:
            url = self.url.rstrip("/").removesuffix(".git").lower()
            out.add(url)
            out.add(url.split("://", 1)[-1].split("/", 1)[-1])
        return frozenset(out)


def _repositories(settings: Any) -> dict[str, RepoConfig]:
    """org.yaml `repositories`, each entry's string fields kept."""
    out: dict[str, RepoConfig] = {}
    if not isinstance(settings, dict):
        return out
    for name, conf in settings.items():
        conf = conf if isinstance(conf, dict) else {}
        keys = ("path", "env", "url", "host", "default_branch")
        values: dict[str, Any] = {k: conf[k] for k in keys if isinstance(conf.get(k), str)}
        branches = conf.get("branches")
        if isinstance(branches, list):
            values["branches"] = tuple(b for b in branches if isinstance(b, str) and b)
        out[name] = RepoConfig(name, **values)
    return out


# --- records sources -------------------------------------------------------------------


@dataclass(frozen=True)
class SourceConfig:
    """One entry of org.yaml `sources`: a further records folder, usually a repository of
    its own that only its readers can clone (perfdocs.records.sources)."""

    name: str
    path: str | None = None
    """Its folder, relative to the records folder (e.g. ../people-private)."""
    env: str | None = None
    """An environment variable that overrides `path` (for CI); default PERFDOCS_SOURCE_<NAME>."""
    kinds: tuple[str, ...] = ()
    """The kinds of record it holds (empty: any kind but org)."""

    @property
    def env_var(self) -> str:
        return self.env or "PERFDOCS_SOURCE_" + re.sub(r"[^A-Z0-9]+", "_", self.name.upper()).strip("_")

    def location(self, records_root: Path) -> tuple[Path | None, str]:
        """Where its folder is, and how that was decided (for messages)."""
        override = os.environ.get(self.env_var)
        if override:
            return Path(override), f"${self.env_var}"
        if self.path:  # normalised: diagnostics show ../people/..., not records/../../people/...
            return Path(os.path.normpath(records_root / self.path)), "org.yaml"
        return None, "org.yaml"

    def source(self, records_root: Path) -> Source:
        folder, how = self.location(records_root)
        return Source(self.name, folder, how, self.env_var, self.kinds)


def sources(data: Mapping[str, Any]) -> dict[str, SourceConfig]:
    """org.yaml `sources` from the org record's data, each entry's well-typed fields kept
    (the schema reports the others). Read before the organisation exists: it says where
    the rest of its records are."""
    out: dict[str, SourceConfig] = {}
    section = data.get("sources")
    if not isinstance(section, dict):
        return out
    for name, conf in section.items():
        conf = conf if isinstance(conf, dict) else {}
        kinds = conf.get("kinds")
        out[str(name)] = SourceConfig(
            str(name),
            path=conf["path"] if isinstance(conf.get("path"), str) else None,
            env=conf["env"] if isinstance(conf.get("env"), str) else None,
            kinds=tuple(k for k in kinds if isinstance(k, str)) if isinstance(kinds, list) else (),
        )
    return out


# --- DORA ------------------------------------------------------------------------------

DORA_KEYS = (
    "change-lead-time",
    "deployment-frequency",
    "failed-deployment-recovery-time",
    "change-fail-rate",
    "deployment-rework-rate",
)
"""The five software delivery metrics of DORA's current guide (dora.dev), as a metric record's
`dora:` names them: three of throughput, then two of instability."""

DORA_FACTORS: Mapping[str, tuple[str, ...]] = {
    "throughput": ("change-lead-time", "deployment-frequency", "failed-deployment-recovery-time"),
    "instability": ("change-fail-rate", "deployment-rework-rate"),
}
"""DORA's two factors of software delivery performance and the metrics in each."""

DORA_ALIASES: Mapping[str, str] = {
    "lead-time": "change-lead-time",
    "lead-time-for-changes": "change-lead-time",
    "change-failure-rate": "change-fail-rate",
    "time-to-restore": "failed-deployment-recovery-time",
    "time-to-restore-service": "failed-deployment-recovery-time",
    "mean-time-to-restore": "failed-deployment-recovery-time",
}
"""Names of DORA's 2019-2022 metrics, still read in records (validate warns: metric/deprecated-dora-name)
and never shown: each stands for its current metric."""


def dora_key(name: Any) -> str | None:
    """The current DORA key a metric record's `dora:` names (an old name is read as its alias)."""
    if not isinstance(name, str):
        return None
    name = DORA_ALIASES.get(name, name)
    return name if name in DORA_KEYS else None


DEPLOYMENT_KINDS = ("tag", "branch", "record")
RECOVERY_STARTS = ("deployment", "detection")
RECOVERY_ENDS = ("fix-deployed", "incident-resolved")
DEFAULT_MIN_SAMPLE: Mapping[str, int] = {
    "change-lead-time": 3,
    "deployment-frequency": 0,
    "failed-deployment-recovery-time": 1,
    "change-fail-rate": 3,
    "deployment-rework-rate": 3,
}
"""The fewest deployments, commits or failures a period needs before a figure is given
(fewer: 'insufficient data'). A deployment frequency of 0 is an answer, so it needs none."""


@dataclass(frozen=True)
class DoraSettings:
    """A DORA policy: what a deployment is, what marks one failed or rework, where recovery
    starts. The default policy is org.yaml `dora`'s own keys over these defaults (a DORA metric
    record's `definition` overrides it for that metric); a named policy is one entry of
    `dora.policies`, complete in itself and versioned (change it, bump its version)."""

    name: str = "default"
    """The policy's name (`dora.policies` key; 'default' for org.yaml `dora`'s own keys)."""
    version: int = 1
    """`version`: bumped whenever the policy changes, and printed beside every figure."""
    deployment: str = "tag"
    """`deployment`: what a production deployment is: 'tag' (a tag whose name matches),
    'branch' (a merge on the production branch's first-parent history) or 'record' (a row of
    the deployments CSV file a CD system appends to)."""
    deploy_tag_pattern: str = "deploy-*"
    """`deploy_tag_pattern`: glob (fnmatch, case-sensitive) a deployment tag's name matches."""
    deploy_tag_regex: str | None = None
    """`deploy_tag_regex`: a regular expression searched in tag names, used instead of the glob."""
    deploy_tag_exclude: tuple[str, ...] = ()
    """`deploy_tag_exclude`: regular expressions; a tag whose name matches one is never a
    deployment (release candidates, dev or archive tags)."""
    production_branch: str = "main"
    """`production_branch`: with deployment 'branch', the branch whose merges are deployments."""
    branch_every_commit: bool = False
    """`branch_every_commit`: with deployment 'branch', every first-parent commit is a
    deployment, not only merges (a squash-merge or rebase workflow)."""
    deployments_file: str | None = None
    """`deployments_file`: with deployment 'record', the CSV file (relative to the records folder)
    with columns time, repository, ref, environment."""
    environment: str = "production"
    """`environment`: with deployment 'record', the environment whose rows are deployments."""
    failure_revert: bool = True
    """`failure_revert`: a revert of a commit a deployment shipped, within the window, fails it."""
    failure_rollback: bool = True
    """`failure_rollback`: redeploying an earlier deployment's version within the window after
    the deployment it replaces (a rollback) fails that deployment. (An earlier version deployed
    later than the window is not a rollback: it ships nothing.)"""
    hotfix_tag_pattern: str = "*hotfix*"
    """`hotfix_tag_pattern`: glob; a deployment whose tag matches is a hotfix deployment (it
    fails the deployment before it, within the window, and is rework)."""
    hotfix_message_pattern: str = r"^(hotfix|Hotfix|HOTFIX)\b"
    """`hotfix_message_pattern`: regular expression searched in the subjects of the commits a
    deployment ships first; a match makes it a hotfix deployment."""
    failure_window_hours: float = 48
    """`failure_window_hours`: a revert, rollback or hotfix deployment fails a deployment only
    this many hours after it."""
    postmortem_window_hours: float | None = None
    """`postmortem_window_hours`: a postmortem naming the team's services fails the latest
    deployment only when it starts this many hours after it (unset: failure_window_hours)."""
    rework_tag_pattern: str | None = None
    """`rework_tag_pattern`: glob; a deployment whose tag matches is a rework deployment
    (unplanned, to fix a user-facing bug in production) besides hotfixes and rollbacks."""
    rework_message_pattern: str | None = None
    """`rework_message_pattern`: regular expression; a deployment all of whose shipped commits'
    subjects match it is a rework deployment."""
    recovery_start: str = "deployment"
    """`recovery_start`: where a failed deployment's recovery starts: 'deployment' (the failed
    deployment) or 'detection' (the first failure signal: the revert, rollback, hotfix deployment
    or the postmortem's detection). Where it ends is `recovery_end`."""
    recovery_end: str = "fix-deployed"
    """`recovery_end`: where a failed deployment's recovery ends: 'fix-deployed' (the first fix in
    production: the deployment shipping the revert, the rollback, the hotfix deployment, or a
    postmortem's `restored`, whichever comes first) or 'incident-resolved' (the `restored` time
    of the postmortems tied to the failure, the latest of them; a failure no postmortem is tied
    to ends with its fix in production)."""
    lead_time_start: str = "author-date"
    """`lead_time_start`: which commit time change lead time starts from: author-date or commit-date."""
    old_commit_days: float = 90
    """`old_commit_days`: a deployment whose commit is this many days older than it is warned."""
    overridden: tuple[str, ...] = ()
    """Not a setting: the settings of this named policy a metric's `definition` changed (its label says so)."""
    overridden_by: str | None = None
    """Not a setting: the metric whose `definition` changed them."""

    @property
    def postmortem_hours(self) -> float:
        return self.failure_window_hours if self.postmortem_window_hours is None else self.postmortem_window_hours

    @classmethod
    def merged(cls, *layers: Any) -> DoraSettings:
        """The defaults overridden by each layer in turn (mappings; anything else is skipped;
        a value of the wrong type keeps the one below it). Raises PerfdocsError for a pattern
        that is not a regular expression."""
        values: dict[str, Any] = {}
        for layer in layers:
            if isinstance(layer, dict):
                values.update({k: v for k, v in layer.items() if _dora_value_ok(k, v)})
        if isinstance(values.get("deploy_tag_exclude"), list):
            values["deploy_tag_exclude"] = tuple(values["deploy_tag_exclude"])
        for key in REGEX_SETTINGS:
            for pattern in _patterns(values.get(key)):
                try:
                    re.compile(pattern)
                except re.error as err:
                    raise PerfdocsError(f"{key} is not a regular expression: {err}") from None
        return cls(**values)

    def with_definition(self, definition: Any, metric: str | None = None) -> DoraSettings:
        """This named policy with a metric's `definition` over it: the settings it changes are
        named in the label ('release v2 with failure_window_hours from metric cfr's definition').
        Raises PerfdocsError for a pattern that is not a regular expression."""
        if not isinstance(definition, dict):
            return self
        changes: dict[str, Any] = {
            k: tuple(v) if k == "deploy_tag_exclude" else v
            for k, v in definition.items()
            if k != "version" and _dora_value_ok(k, v)
        }
        changes = {k: v for k, v in changes.items() if getattr(self, k) != v}
        if not changes:
            return self
        DoraSettings.merged(
            {k: list(v) if isinstance(v, tuple) else v for k, v in changes.items()}
        )  # checks the patterns
        return dataclasses.replace(self, **changes, overridden=tuple(sorted(changes)), overridden_by=metric)

    @property
    def label(self) -> str:
        """How every figure names its policy: 'name v<version>' (with the settings a metric's
        definition changed in a named policy)."""
        label = f"{self.name} v{self.version}"
        if self.overridden:
            whose = f"metric {self.overridden_by}'s" if self.overridden_by else "the metric's"
            label += f" with {', '.join(self.overridden)} from {whose} definition"
        return label

    def describe(self, key: str) -> dict[str, Any]:
        """The settings a metric depends on (what is printed beside its figures)."""
        out: dict[str, Any] = {"policy": self.label, "deployment": self.deployment}
        if self.deployment == "tag":
            if self.deploy_tag_regex:
                out["deploy_tag_regex"] = self.deploy_tag_regex
            else:
                out["deploy_tag_pattern"] = self.deploy_tag_pattern
            if self.deploy_tag_exclude:
                out["deploy_tag_exclude"] = list(self.deploy_tag_exclude)
        elif self.deployment == "branch":
            out["production_branch"] = self.production_branch
            if self.branch_every_commit:
                out["branch_every_commit"] = True
        else:
            out["deployments_file"] = self.deployments_file
            out["environment"] = self.environment
        if key == "change-lead-time":
            out["lead_time_start"] = self.lead_time_start
        if key in ("change-fail-rate", "failed-deployment-recovery-time"):
            out["failure_window_hours"] = self.failure_window_hours
            if self.postmortem_window_hours is not None:
                out["postmortem_window_hours"] = self.postmortem_window_hours
            out["failure_revert"] = self.failure_revert
            out["failure_rollback"] = self.failure_rollback
            out["hotfix_tag_pattern"] = self.hotfix_tag_pattern
            out["hotfix_message_pattern"] = self.hotfix_message_pattern
        if key == "failed-deployment-recovery-time":
            out["recovery_start"] = self.recovery_start
            out["recovery_end"] = self.recovery_end
        if key == "deployment-rework-rate":
            out["hotfix_tag_pattern"] = self.hotfix_tag_pattern
            out["hotfix_message_pattern"] = self.hotfix_message_pattern
            out["failure_rollback"] = self.failure_rollback
            if self.rework_tag_pattern:
                out["rework_tag_pattern"] = self.rework_tag_pattern
            if self.rework_message_pattern:
                out["rework_message_pattern"] = self.rework_message_pattern
        return out


DORA_SETTINGS = tuple(f.name for f in fields(DoraSettings) if f.name not in ("name", "overridden", "overridden_by"))
"""The settings of a DORA policy (org.yaml `dora`, a named policy, a metric's `definition`)."""
REGEX_SETTINGS = ("deploy_tag_regex", "deploy_tag_exclude", "hotfix_message_pattern", "rework_message_pattern")
"""The policy settings that are regular expressions (validate checks them: metric/bad-setting)."""
_CHOICES = {
    "deployment": DEPLOYMENT_KINDS,
    "recovery_start": RECOVERY_STARTS,
    "recovery_end": RECOVERY_ENDS,
    "lead_time_start": ("author-date", "commit-date"),
}


def _patterns(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [v for v in value if isinstance(v, str)]
    return []


def _dora_value_ok(key: str, value: Any) -> bool:
    """Is `value` of the type policy setting `key` takes (the schema reports the others)?"""
    if key not in DORA_SETTINGS or value is None:
        return False
    default = DoraSettings.__dataclass_fields__[key].default
    if key in _CHOICES:
        return value in _CHOICES[key]
    if key == "deploy_tag_exclude":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if key == "version":
        return isinstance(value, int) and not isinstance(value, bool) and not numbers.out_of_range(value)
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, (int, float)) or key == "postmortem_window_hours":
        return numbers.measure(value) is not None
    return isinstance(value, str)


@dataclass(frozen=True)
class DoraSetup:
    """org.yaml `dora`: the default policy, named policies and who uses which, the benchmark
    edition, and the fewest data points a figure needs."""

    default: DoraSettings = field(default_factory=DoraSettings)
    """`dora`'s own policy keys over the defaults (a pattern that is not a regular expression keeps the default)."""
    policies: Mapping[str, DoraSettings] = field(default_factory=dict)
    """`dora.policies`: named, versioned policies."""
    repositories: Mapping[str, str] = field(default_factory=dict)
    """`dora.repositories`: repository name -> the named policy its deployments are read with."""
    teams: Mapping[str, str] = field(default_factory=dict)
    """`dora.teams`: team id -> the named policy of its repositories (a repository's own entry wins)."""
    benchmark: str = "dora-2025"
    """`dora.benchmark`: the benchmark edition figures are placed against (perfdocs/metrics/benchmarks/)."""
    benchmark_segment: str = "all"
    """`dora.benchmark_segment`: whose industry means scores are compared with: all (default, every
    industry) or one of the edition's industry segments (technology, financial_services, ...)."""
    min_sample: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_MIN_SAMPLE))
    """`dora.min_sample`: per metric, the fewest data points a period needs for a figure."""

    def policy_for(self, repository: str, team: str | None) -> str | None:
        """The named policy a repository's deployments are read with (None: the default policy)."""
        return self.repositories.get(repository) or (self.teams.get(team) if team else None)


# --- all of them -----------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """Every org.yaml section perfdocs reads, with its defaults."""

    readiness: ReadinessSettings = field(default_factory=ReadinessSettings)
    scoring: ScoringSettings = field(default_factory=ScoringSettings)
    kpi_rules: KpiSettings = field(default_factory=KpiSettings)
    governance: GovernanceSettings = field(default_factory=GovernanceSettings)
    placeholders: PlaceholderSettings = field(default_factory=PlaceholderSettings)
    language: LanguageSettings = field(default_factory=LanguageSettings)
    links: LinksSettings = field(default_factory=LinksSettings)
    calibration: CalibrationSettings = field(default_factory=CalibrationSettings)
    repositories: Mapping[str, RepoConfig] = field(default_factory=dict)
    """org.yaml `repositories`: the git repositories evidence links and DORA metrics read, by name."""
    sources: Mapping[str, SourceConfig] = field(default_factory=dict)
    """org.yaml `sources`: further records folders (private repositories), by name."""
    dora: DoraSettings = field(default_factory=DoraSettings)
    """org.yaml `dora`'s own policy keys, over the defaults: the default DORA policy."""
    dora_setup: DoraSetup = field(default_factory=DoraSetup)
    """org.yaml `dora` as a whole: named policies and who uses them, benchmark edition, minimum samples."""
    rating_scale: tuple[Mapping[str, Any], ...] = ()
    """org.yaml `rating_scale`: the ratings, highest first, each with its `min_completion`
    (entries that are not mappings are left out; the schema reports them)."""
    visibility_defaults: Mapping[str, str] = field(default_factory=dict)
    """org.yaml `visibility_defaults`: visibility by kind ('default' for any other kind)."""
    compensation_fields: tuple[str, ...] = ()
    """org.yaml `compensation_fields`: field names never allowed in a record, besides the built-in ones."""


def of(org: Organisation) -> Settings:
    """The organisation's settings, parsed on first use and kept with it."""
    found = org.settings_cache
    if not isinstance(found, Settings):
        found = org.settings_cache = parse(org.org.data if org.org is not None else {}, org.dimensions)
    return found


def parse(data: Mapping[str, Any], dimensions: list[dict[str, Any]]) -> Settings:
    """Settings from an org record's data (`dimensions` give the score's weights their keys)."""
    return Settings(
        readiness=_readiness(data),
        scoring=_scoring(data, [str(d["id"]) for d in dimensions if isinstance(d.get("id"), str)]),
        kpi_rules=_kpi_rules(data),
        governance=GovernanceSettings(
            severity="error" if _section(data, "governance").get("severity") == "error" else "warning"
        ),
        placeholders=_placeholders(data),
        language=_language(data),
        links=_links(data),
        calibration=_calibration(data),
        repositories=_repositories(data.get("repositories")),
        sources=sources(data),
        dora=_dora(data),
        dora_setup=_dora_setup(data),
        rating_scale=tuple(r for r in data["rating_scale"] if isinstance(r, dict))
        if isinstance(data.get("rating_scale"), list)
        else (),
        visibility_defaults=visibility.defaults(data.get("visibility_defaults")),
        compensation_fields=tuple(v for v in data.get("compensation_fields") or [] if isinstance(v, str))
        if isinstance(data.get("compensation_fields"), list)
        else (),
    )


def _placeholders(data: Mapping[str, Any]) -> PlaceholderSettings:
    cfg, d = _section(data, "placeholders"), PlaceholderSettings()
    return PlaceholderSettings(
        min_body_chars=_int(cfg, "min_body_chars", d.min_body_chars),
        markers=_strings(cfg, "markers", d.markers),
    )


def _calibration(data: Mapping[str, Any]) -> CalibrationSettings:
    cfg, d = _section(data, "calibration"), CalibrationSettings()
    periods = {}
    for period, dates in _section(cfg, "periods").items():
        if isinstance(dates, dict):
            periods[str(period)] = CalibrationPeriod(
                parse_date(dates.get("deadline")), parse_date(dates.get("meeting"))
            )
    return CalibrationSettings(
        attributes=_strings(cfg, "attributes", d.attributes),
        min_group=max(1, _int(cfg, "min_group", d.min_group)),
        significance=_number(cfg, "significance", d.significance),
        periods=periods,
        commit_url=_str(cfg, "commit_url", None),
    )


# --- tolerant reading (the schema reports wrong types; a setting then keeps its default) ----


def _section(data: Mapping[str, Any], name: str) -> dict[str, Any]:
    value = data.get(name)
    return value if isinstance(value, dict) else {}


def _int(section: Mapping[str, Any], key: str, default: int) -> int:
    value = section.get(key)
    return value if isinstance(value, int) and numbers.measure(value) is not None else default


def _number(section: Mapping[str, Any], key: str, default: float) -> float:
    value = numbers.measure(section.get(key))  # .inf, .nan and 400-digit numbers read as unset
    return value if value is not None else default


def _bool(section: Mapping[str, Any], key: str, default: bool) -> bool:
    value = section.get(key)
    return value if isinstance(value, bool) else default


def _str(section: Mapping[str, Any], key: str, default: str | None) -> str | None:
    value = section.get(key)
    return value if isinstance(value, str) else default


def _strings(section: Mapping[str, Any], key: str, default: tuple[str, ...]) -> tuple[str, ...]:
    value = section.get(key)
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return tuple(value)
    return default


def _strings_by_key(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {k: v for k, v in value.items() if isinstance(k, str) and isinstance(v, str)}


def _numbers_by_key(value: Any) -> dict[str, float] | None:
    """A mapping of names to numbers, or None if it is anything else."""
    if not isinstance(value, dict):
        return None
    measured = {str(k): numbers.measure(v) for k, v in value.items()}
    if any(v is None for v in measured.values()):
        return None
    return {k: v for k, v in measured.items() if v is not None}


def _readiness(data: Mapping[str, Any]) -> ReadinessSettings:
    cfg = _section(data, "readiness")
    scope, complexity = _section(cfg, "scope"), _section(cfg, "complexity")
    d = ReadinessSettings()
    return ReadinessSettings(
        configured=bool(cfg),
        description=_str(cfg, "description", None),
        evidence_window_months=_int(cfg, "evidence_window_months", d.evidence_window_months),
        min_evidence_per_competency=_int(cfg, "min_evidence_per_competency", d.min_evidence_per_competency),
        min_quarters=_int(_section(cfg, "consistency"), "min_quarters", d.min_quarters),
        scope_by_level=_strings_by_key(scope.get("by_level")),
        min_scope_evidence=_int(scope, "min_evidence", d.min_scope_evidence),
        complexity_types=_strings(complexity, "evidence_types", d.complexity_types),
        min_complexity_evidence=_int(complexity, "min_evidence", d.min_complexity_evidence),
        require_verified_links=_bool(cfg, "require_verified_links", d.require_verified_links),
    )


def _scoring(data: Mapping[str, Any], dimensions: list[str]) -> ScoringSettings:
    cfg = _section(data, "scoring")
    bounds, gate = _section(cfg, "bounds"), _section(cfg, "reliability_gate")
    d = ScoringSettings()
    given = _numbers_by_key(cfg.get("weights")) or {}
    keys = [*dimensions, "scope"]
    invisible = cfg.get("invisible_work_types")
    expected = cfg.get("expected_scope")
    diminishing = _number(cfg, "diminishing", d.diminishing)
    below = _number(cfg, "below_level_factor", d.below_level_factor)
    return ScoringSettings(
        configured=bool(cfg),
        description=_str(cfg, "description", None),
        low=_number(bounds, "min", d.low),
        high=_number(bounds, "max", d.high),
        weights_given=given,
        weights={k: given.get(k, 0.0 if given else 1.0) for k in keys},
        full_marks_evidence=_int(cfg, "full_marks_evidence", d.full_marks_evidence),
        scope_factors=_factors(cfg.get("scope_factors"), DEFAULT_SCOPE_FACTORS),
        below_level_factor=below if 0 <= below <= 1 else d.below_level_factor,
        expected_scope=expected if expected in ("self", "team", "multi-team", "org") else d.expected_scope,
        verification_factors=_factors(cfg.get("verification_factors"), DEFAULT_VERIFICATION_FACTORS),
        diminishing=diminishing if 0 <= diminishing < 1 else d.diminishing,
        type_relevance=_relevance(cfg.get("type_relevance")),
        gate_enabled=_bool(gate, "enabled", d.gate_enabled),
        min_harm=_int(gate, "min_harm", d.min_harm),
        lookback_quarters=_int(gate, "lookback_quarters", d.lookback_quarters),
        cap=_number(gate, "cap", d.cap),
        cap_given=isinstance(gate.get("cap"), (int, float)) and not numbers.out_of_range(gate.get("cap")),
        harm_statuses=tuple(gate["harm_statuses"])
        if isinstance(gate.get("harm_statuses"), list) and all(isinstance(s, str) for s in gate["harm_statuses"])
        else d.harm_statuses,
        # An empty list means the defaults, as it always has.
        invisible_work_types=tuple(invisible)
        if isinstance(invisible, list) and invisible and all(isinstance(t, str) for t in invisible)
        else d.invisible_work_types,
        outlier_distance=_number(cfg, "outlier_distance", d.outlier_distance),
    )


def _factors(value: Any, defaults: Mapping[str, float]) -> dict[str, float]:
    """Named factors over their defaults; an unknown name or a negative number keeps the
    default (the schema reports both)."""
    given = value if isinstance(value, dict) else {}
    out = dict(defaults)
    for key in defaults:
        found = numbers.measure(given.get(key))
        if found is not None and found >= 0:
            out[key] = found
    return out


def _relevance(value: Any) -> dict[str, dict[str, float]]:
    """`scoring.type_relevance` over the defaults: a type's number means `{default: number}`;
    a negative or non-numeric factor is left out (the schema reports it)."""
    out = {k: dict(v) for k, v in DEFAULT_TYPE_RELEVANCE.items()}
    for etype, given in (value if isinstance(value, dict) else {}).items():
        if not isinstance(etype, str):
            continue
        factors = given if isinstance(given, dict) else {"default": given}
        kept = {str(k): v for k, v in ((k, numbers.measure(v)) for k, v in factors.items()) if v is not None and v >= 0}
        if kept:
            out[etype] = kept
    return out


def _kpi_rules(data: Mapping[str, Any]) -> KpiSettings:
    cfg = _section(data, "kpi_rules")
    core = _section(cfg, "core_kpis")
    d = KpiSettings()
    configured = isinstance(data.get("kpi_rules"), dict)
    values = [
        where.get(key, default)
        for where, key, default in (
            (cfg, "sustained_trend_periods", d.sustained_trend_periods),
            (core, "min", d.core_min),
            (core, "max", d.core_max),
        )
    ]
    # One wrong value and the three keep their defaults together (a trend length and bounds
    # from two different sources would be nobody's rule).
    sample = cfg.get("min_sample", d.min_sample)
    min_sample = sample if isinstance(sample, int) and not isinstance(sample, bool) and sample >= 0 else d.min_sample
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return KpiSettings(configured=configured, min_sample=min_sample)
    periods, lo, hi = values
    return KpiSettings(configured, periods, lo, hi, min_sample)


def _links(data: Mapping[str, Any]) -> LinksSettings:
    cfg = _section(data, "links")
    d = LinksSettings()
    types = cfg.get("authorship_types")
    return LinksSettings(
        date_tolerance_days=_int(cfg, "date_tolerance_days", d.date_tolerance_days),
        authorship_types=frozenset(t for t in types if isinstance(t, str))
        if isinstance(types, list)
        else d.authorship_types,
        committer_counts_as_author=_bool(cfg, "committer_counts_as_author", d.committer_counts_as_author),
        forge_reviews_count=_bool(cfg, "forge_reviews_count", d.forge_reviews_count),
    )


def _dora_policy(cfg: Mapping[str, Any], name: str) -> DoraSettings:
    """A policy from its keys; a pattern that is not a regular expression keeps the default
    (validate reports it: metric/bad-setting)."""
    kept = {k: v for k, v in cfg.items() if k in DORA_SETTINGS}
    for key in REGEX_SETTINGS:
        for pattern in _patterns(kept.get(key)):
            try:
                re.compile(pattern)
            except re.error:
                kept.pop(key, None)
    try:
        return dataclasses.replace(DoraSettings.merged(kept), name=name)
    except PerfdocsError:  # pragma: no cover - the patterns were checked above
        return DoraSettings(name=name)


def _dora(data: Mapping[str, Any]) -> DoraSettings:
    return _dora_policy(_section(data, "dora"), "default")


def _dora_setup(data: Mapping[str, Any]) -> DoraSetup:
    cfg = _section(data, "dora")
    named = _section(cfg, "policies")
    policies = {str(n): _dora_policy(p, str(n)) for n, p in named.items() if isinstance(p, dict)}
    samples = {k: v for k, v in _section(cfg, "min_sample").items() if dora_key(k) and isinstance(v, int) and v >= 0}
    return DoraSetup(
        default=_dora(data),
        policies=policies,
        repositories={k: v for k, v in _strings_by_key(cfg.get("repositories")).items() if v in policies},
        teams={k: v for k, v in _strings_by_key(cfg.get("teams")).items() if v in policies},
        benchmark=_str(cfg, "benchmark", "dora-2025") or "dora-2025",
        benchmark_segment=_str(cfg, "benchmark_segment", "all") or "all",
        min_sample={**DEFAULT_MIN_SAMPLE, **{str(dora_key(k)): int(v) for k, v in samples.items()}},
    )


# --- effective values and where they come from -----------------------------------------

SECTIONS: tuple[tuple[str, str], ...] = (
    ("readiness", "readiness"),
    ("scoring", "scoring"),
    ("placeholders", "placeholders"),
    ("governance", "governance"),
    ("kpi_rules", "kpi_rules"),
    ("links", "links"),
    ("dora", "dora"),
    ("dora_setup", "dora"),
)
"""(Settings attribute, org.yaml section) of the evaluation settings `perfdocs config show`
explains, in the order it prints them (`dora_setup` adds the benchmark and minimum samples
to the default DORA policy's keys)."""

_SHOWN_AS = {"weights_given": "weights"}
"""A field that records what org.yaml says, shown with the effective field it feeds: the
weights as written become the weight of every dimension."""


@dataclass(frozen=True)
class Setting:
    """One effective setting: its org.yaml key, its value in force, its default, its sentence,
    and where the value comes from (the line of org.yaml that writes it, or the default)."""

    section: str
    """The org.yaml section (readiness, scoring, ...)."""
    key: tuple[str, ...]
    """The org.yaml path, section first (`("readiness", "consistency", "min_quarters")`)."""
    attribute: str
    """The settings dataclass field that holds it."""
    value: Any
    """The value in force, as plain data (lists, dicts, numbers, strings)."""
    default: Any
    """The built-in default, as plain data."""
    doc: str
    """The field's attribute docstring, without its leading key."""
    line: int | None = None
    """The line of org.yaml that writes it; None when it is not written there."""
    ignored: bool = False
    """Written in org.yaml but not used (a value of the wrong type: validate reports it)."""
    origin: str = "org.yaml"
    """The org record's path, as `source` names it."""
    entry: bool = False
    """One entry of a mapping setting (a weight, a scope's points): `key` ends with its name."""

    @property
    def dotted(self) -> str:
        return ".".join(self.key)

    @property
    def source(self) -> str:
        """`org.yaml:LINE` when the value in force is written there, else `default`."""
        if self.line is None:
            return "default"
        if self.ignored:
            return f"default ({self.origin}:{self.line} is not used: see perfdocs validate)"
        return f"{self.origin}:{self.line}"

    @property
    def from_org(self) -> bool:
        return self.line is not None and not self.ignored

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.dotted,
            "value": self.value,
            "default": self.default,
            "source": "org.yaml" if self.from_org else "default",
            "line": self.line if self.from_org else None,
            "ignored": self.ignored,
            "doc": self.doc,
        }


_KEY = re.compile(r"^`([A-Za-z_][\w.-]*)`(?:'s)?:?\s*")


def field_docs(cls: type) -> dict[str, str]:
    """The attribute docstrings of a settings dataclass, by field name (read from this module's
    source, where they are written; the same sentences `init` writes as comments)."""
    return dict(_docs().get(cls.__name__, {}))


_DOCS: dict[str, dict[str, str]] = {}


def _docs() -> dict[str, dict[str, str]]:
    if not _DOCS:
        import ast
        import inspect
        import sys

        tree = ast.parse(inspect.getsource(sys.modules[__name__]))
        for node in tree.body:
            if not isinstance(node, ast.ClassDef):
                continue
            found: dict[str, str] = {}
            for stmt, after in zip(node.body, node.body[1:]):
                if (
                    isinstance(stmt, ast.AnnAssign)
                    and isinstance(stmt.target, ast.Name)
                    and isinstance(after, ast.Expr)
                    and isinstance(after.value, ast.Constant)
                    and isinstance(after.value.value, str)
                ):
                    found[stmt.target.id] = " ".join(after.value.value.split())
            _DOCS[node.name] = found
    return _DOCS


def key_of(section: str, doc: str) -> tuple[str, ...] | None:
    """The org.yaml path a field's docstring opens with (`readiness.scope.min_evidence`, or
    a key inside its section like a DORA policy's `deployment`); None for a field org.yaml
    does not write (a derived value)."""
    match = _KEY.match(doc)
    if match is None:
        return None
    parts = tuple(match.group(1).split("."))
    return parts if parts[0] == section else (section, *parts)


def plain(value: Any) -> Any:
    """A setting's value as plain data: lists for tuples and (sorted) sets, dicts for mappings."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, frozenset):
        return sorted(plain(v) for v in value)
    if isinstance(value, (tuple, list)):
        return [plain(v) for v in value]
    return value


def _written(data: Any, key: tuple[str, ...]) -> tuple[bool, Any]:
    for part in key:
        if not isinstance(data, dict) or part not in data:
            return False, None
        data = data[part]
    return True, data


def explain(org: Organisation, section: str | None = None) -> list[Setting]:
    """Every evaluation setting in force (`SECTIONS`, or one section of them), each with where
    its value comes from. A mapping's entries each have their own source (a weight may be
    written, another not)."""
    return explain_settings(of(org), org.org, parse({}, org.dimensions), section)


def explain_settings(
    found: Settings, org_record: Record | None, defaults: Settings, section: str | None = None
) -> list[Setting]:
    """`explain` for settings parsed from `org_record` (None: nothing written), against the
    defaults for the same dimensions."""
    data = org_record.data if org_record is not None else {}
    origin = org_record.rel if org_record is not None else "org.yaml"
    out: list[Setting] = []
    for attr, name in SECTIONS:
        if section is not None and name != section:
            continue
        here, default_here = getattr(found, attr), getattr(defaults, attr)
        docs = field_docs(type(here))
        for f in fields(here):
            doc = docs.get(f.name, "")
            key = key_of(name, doc)
            if key is None:
                continue
            shown = _SHOWN_AS.get(f.name, f.name)
            value, default = getattr(here, shown), getattr(default_here, shown)
            if dataclasses.is_dataclass(value) or (
                isinstance(value, Mapping) and any(dataclasses.is_dataclass(v) for v in value.values())
            ):
                continue  # a whole policy is explained by its own keys
            # A field shown as the effective one it feeds is explained by that one's sentence.
            sentence = docs.get(shown, "") if shown != f.name else _KEY.sub("", doc, count=1)
            entries: list[tuple[tuple[str, ...], Any, Any]] = [(key, value, default)]
            if isinstance(value, Mapping) and value:
                entries = [((*key, str(k)), v, default.get(k)) for k, v in value.items()]
            for path, val, dflt in entries:
                line, ignored = None, False
                present, written = _written(data, path)
                if present and org_record is not None:
                    line = org_record.doc.at(path, key=True)[0]
                    ignored = plain(val) == plain(dflt) and not _same(written, val)
                entry = path != key
                out.append(Setting(name, path, f.name, plain(val), plain(dflt), sentence, line, ignored, origin, entry))
    return out


def _same(written: Any, value: Any) -> bool:
    """Does what org.yaml writes say the value in force (so the default was overridden by an equal value)?"""
    if isinstance(value, frozenset):
        return isinstance(written, list) and sorted(map(str, written)) == plain(value)
    if isinstance(value, Mapping):
        return isinstance(written, dict) and all(_same(written.get(k), v) for k, v in value.items() if k in written)
    if isinstance(written, bool) != isinstance(value, bool):
        return False
    return bool(plain(written) == plain(value))

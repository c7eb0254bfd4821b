"""Semantic rules: the organisation -> diagnostics. Pure: no git, no files read, no output.

The families (each a module with a `check` generator; `run` applies them as `whole`, the
families that look across records, and `of_record`, those that look at one record and the
keys it names):
- identity: ids are valid, agree with their paths and do not collide (id/*).
- references: every reference names a record that exists, the org record exists, packets
  and teams agree with the people they name (ref/*, packet/*, team/membership, ...).
- rubric: descriptors step up from level to level; the rating scale is ordered (rubric/*, org/rating-scale).
- dates: nothing in the future, nothing in the wrong order (date/*).
- policy: no pay in development records; team signals are never individual targets
  (policy/compensation, metric/team-only-target).
- governance: metric reviews on cadence, complete definitions, DORA settings, KPI series (metric/*, kpi/*).
- readiness: org.yaml `readiness:` names levels and evidence types that exist (readiness/config).
- scoring: org.yaml `scoring:` weighs real dimensions within sane bounds (scoring/config).
- placeholders: no template text, TODO/TBD marker or too-short evidence body (record/placeholder).
- language: advisory review-language findings in reviews and packets (language/*, warnings).
- codeowners: the committed CODEOWNERS still routes each folder to its manager (codeowners/stale).

Files, YAML, schema and link diagnostics come from perfdocs.records and perfdocs.links;
perfdocs.validation runs everything in one pipeline. `RULES` is the catalogue of every rule
id perfdocs can report, with what it means; `perfdocs rules` prints it, and a test checks
that every rule the code emits is listed here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from perfdocs.dates import today
from perfdocs.diagnostics import Diagnostic
from perfdocs.records.model import Record
from perfdocs.records.organisation import Organisation
from perfdocs.records.refindex import Reference
from perfdocs.rules.codeowners import CodeownersFile

RULES: dict[str, str] = {
    # files and YAML
    "file/unreadable": "A file or folder cannot be read, disappeared, or is a link pointing outside the records folder.",
    "file/too-large": "A file over 10 MB, YAML (a .yaml file or front matter) over 1 MB, or a Markdown body over "
    "250,000 characters or 10,000 lines.",
    "file/binary": "A file contains NUL bytes: binary, not a text record.",
    "file/encoding": "A file is not UTF-8 (invalid bytes, or a UTF-16/UTF-32 byte order mark).",
    "file/no-front-matter": "A Markdown record does not start with YAML front matter.",
    "file/front-matter-unclosed": "The front matter is never closed with a '---' line.",
    "file/conflict-markers": "The file holds an unresolved merge conflict (git's '<<<<<<<' and '>>>>>>>' markers).",
    "yaml/syntax": "The YAML cannot be parsed (with the position libyaml reports).",
    "yaml/duplicate-key": "The same key twice in one mapping (YAML would silently keep the last).",
    "yaml/tag": "A YAML tag such as !!python/object or a custom tag: records are plain data.",
    "yaml/complex-key": "A mapping key that is a list or a mapping.",
    "yaml/multiple-documents": "More than one YAML document in one file.",
    "yaml/too-deep": "Nesting deeper than the limit (50 levels).",
    "yaml/too-many-nodes": "The document expands (through aliases) to more than 100,000 values or 2 MB of text.",
    "yaml/empty": "The record is empty.",
    "yaml/not-a-mapping": "The record is a list or a scalar instead of a mapping of fields.",
    # schema
    "schema/missing-kind": "The record has no 'kind'.",
    "schema/unknown-kind": "The 'kind' is not one of the record kinds.",
    "schema/unknown-field": "A field the kind's schema does not define (with a 'did you mean').",
    "schema/required": "A required field is missing.",
    "schema/type": "A value of the wrong type.",
    "schema/number": "A number that is not finite (.inf, -.inf, .nan) or beyond ±1e15, where a number is expected.",
    "schema/enum": "A value outside the allowed set (with a 'did you mean').",
    "schema/format": "A date, date-time or email that is not valid (e.g. 2026-02-30).",
    "schema/id": "An id that is not ASCII letters, digits, '.', '_' and '-'.",
    "schema/pattern": "A value that does not have the expected form (e.g. a period like 2026-Q3).",
    "schema/*": "Any other JSON Schema keyword (min-items, unique-items, minimum, ...), named after it.",
    # identity
    "id/duplicate": "Two records of one kind with the same id.",
    "id/collision": "Two ids or paths that differ only by case or by look-alike characters.",
    "id/invalid": "A path-derived id (a folder or file name) that is not a valid id.",
    "id/mismatch": "A record disagrees with its path (handle vs folder, author vs folder, date vs file name).",
    "id/location": "A record in the wrong place (e.g. evidence outside people/<handle>/).",
    "id/from-path": "An 'id' field in a record whose id comes from its path.",
    # references
    "ref/unknown-person": "A reference to a person who does not exist.",
    "ref/unknown-team": "A reference to a team that does not exist.",
    "ref/unknown-repository": "A team's repository that org.yaml 'repositories' does not configure.",
    "ref/unknown-track": "A reference to a track that does not exist.",
    "ref/unknown-level": "A level that is not in the track.",
    "ref/unknown-scale": "A proficiency scale that neither org.yaml nor the matrix defines.",
    "ref/unknown-step": "A proficiency step that is not on its competency's scale.",
    "ref/no-rating-scale": "A review rating while org.yaml defines no rating scale.",
    "ref/unknown-competency": "A competency that is not in the (author's or candidate's) track's matrix.",
    "ref/unknown-dimension": "A competency's dimension that the org does not define.",
    "ref/unknown-set": "A matrix includes a competency set that does not exist.",
    "ref/unknown-goal": "A reference to a goal that does not exist.",
    "ref/unknown-key-result": "A key result id that the goal does not have.",
    "ref/unknown-evidence": "A reference to an evidence entry that does not exist.",
    "ref/unknown-review": "A ratings preview names a review that does not exist.",
    "ref/unknown-postmortem": "A 'postmortem:<id>' link or reference to a postmortem that does not exist.",
    "ref/unknown-metric": "A reference to a metric definition that does not exist.",
    "ref/unknown-rating": "A rating that is not in the org's rating scale.",
    "ref/manager-cycle": "People who (indirectly) manage themselves.",
    "ref/missing-matrix": "A track without a competency matrix.",
    "ref/missing-org": "The records folder has no org record.",
    "ref/absent-source": "A reference that does not resolve, of a kind an absent records source may hold (a warning; --strict fails).",
    # dates
    "date/future": "A date after today (evidence, postmortems, start dates, reviews of metrics).",
    "date/order": "Dates in the wrong order (restored before detected, a window that ends before it starts).",
    # rubric lint
    "rubric/missing-descriptor": "A competency with no descriptor at some level of its track.",
    "rubric/no-step-up": "A descriptor identical to the level below (say {unchanged: true} if on purpose).",
    "rubric/duplicate-descriptor": "The same descriptor text used for two competencies.",
    "rubric/bad-unchanged": "'unchanged' at a level that has no level below it.",
    "rubric/empty-descriptor": "A descriptor with no text (say {not_expected: true} when a level expects nothing).",
    "rubric/repeated-criterion": "A criterion repeated word for word from the level below.",
    "rubric/invisible-character": "A zero-width or bidirectional control character in rubric text.",
    "rubric/relative-link": "A link in a ladder cell with no web address (copied from the ladder's own pages).",
    "rubric/step-down": "A proficiency step lower than the one at the level below.",
    "org/rating-scale": "A rating scale whose thresholds are not from highest to lowest or leave completions unrated.",
    # policy
    "policy/compensation": "A compensation field (salary, bonus, equity, ...): development is kept apart from pay.",
    "metric/team-only-target": "A team-only metric (e.g. DORA) used as an individual's key result.",
    "packet/target-level": "A packet's target level is not in the candidate's track, or not above the current level.",
    "packet/foreign-evidence": "A packet cites evidence that is not the candidate's.",
    "packet/current-level": "A packet's current level differs from the candidate's recorded level.",
    "calibration/unexplained-change": "A review's rating changed after its period's calibration meeting (git history of "
    "the review file) and the review records no calibration: {changed_from, note}.",
    "evidence/no-competency": "An evidence entry that names no competency (it cannot support any claim).",
    "team/membership": "A person's team does not list them, or a team lists someone in another team.",
    # governance (severity: org.yaml governance.severity, warning by default)
    "metric/review-overdue": "A metric whose last review is older than its review cadence.",
    "metric/incomplete": "A metric whose owner, purpose, calculation, limitations or anti-gaming rule is a placeholder (TBD).",
    "metric/unknown-setting": "A DORA metric's definition has a setting DORA metrics are not computed with (with a 'did you mean').",
    "metric/bad-setting": "A DORA setting (org.yaml dora or a metric's definition) that cannot work, e.g. an invalid hotfix_message_pattern or a policy nobody declared.",
    "metric/individual-activity": "An individual-scope metric that counts activity (commits, lines of code, pull requests, story points, AI tokens, tickets closed): activity is not outcome, and the count becomes the target (SPACE, Goodhart).",
    "metric/no-counter-metric": "A speed metric (lead time, cycle time, deployment frequency, velocity, turnaround, recovery time) that names no quality metric to be read with (counter_metric:), or names itself or another speed metric.",
    "metric/deprecated-dora-name": "A metric's dora: names one of DORA's old metrics (e.g. lead-time, time-to-restore); it is read as the current one.",
    "kpi/no-baseline": "A KPI series with a target but no baseline.",
    "kpi/duplicate-period": "A KPI series with two values for one period.",
    "kpi/core-count": "A team tracks fewer or more core KPIs than org.yaml kpi_rules.core_kpis allows (default 5 to 7).",
    # evidence links (perfdocs links check; validate runs them when the clones are present)
    "link/unresolved": "A PR that no commit on the default branch merged, or a sha that matches no commit.",
    "link/ambiguous-sha": "An abbreviated sha that matches several commits (they are listed).",
    "link/not-author": "A PR or commit not written by the evidence's author (author, committer, co-author) or a collaborator.",
    "link/date-mismatch": "Evidence dated long before the linked work merged (more than the org's tolerance).",
    "link/postmortem-not-participant": "The evidence author is neither a participant nor an action-item owner of the linked postmortem.",
    "link/repo-not-configured": "A link into a repository that org.yaml 'repositories' does not list.",
    "link/repo-missing": "A configured repository with no clone at its path (or its branch is missing).",
    "link/stale-resolution": "A link's recorded 'resolved' block (shown as verified) disagrees with what git says now.",
    "link/write-refused": "'links resolve --write' left an evidence file untouched: a link's YAML (an alias, say) cannot be edited without changing other data.",
    "link/malformed": "A link that is none of the link forms (owner/repo#N, PR/MR URL, owner/repo@sha, postmortem:id, URL).",
    # promotion readiness (perfdocs packet check; findings in its report, thresholds in org.yaml readiness)
    "readiness/no-claim": "A competency of the target level has no claim in the packet.",
    "readiness/claim-without-evidence": "A packet claim that cites no evidence (disqualifying).",
    "readiness/foreign-evidence": "A packet claim citing evidence that is not the candidate's own (disqualifying).",
    "readiness/outside-window": "A packet claim citing evidence dated outside the packet's window (disqualifying).",
    "readiness/off-competency": "Cited evidence that does not name the claimed competency, so it does not count for it.",
    "readiness/too-little-evidence": "A competency with fewer counted evidence entries than readiness.min_evidence_per_competency.",
    "readiness/consistency": "The counted evidence spans fewer quarters than readiness.consistency.min_quarters.",
    "readiness/scope": "Too little counted evidence benefits the scope the target level expects (readiness.scope).",
    "readiness/complexity": "Too little counted evidence of the types that show complexity (readiness.complexity).",
    "readiness/unverified": "Counted evidence with no link verified by 'perfdocs links resolve --write' (blocks only if required).",
    # org.yaml readiness and scoring settings (validate reports them; packet, score, review and calibrate refuse them)
    "readiness/config": "A readiness setting that names a level no track has, or an unknown evidence type.",
    "scoring/config": "A scoring setting that names an unknown dimension, evidence type or competency, has empty "
    "bounds or a cap outside them, or weighs narrower scope or self-report above wider or verified work.",
    # unfinished text
    "record/placeholder": "Template text, a TODO/TBD marker or lorem ipsum left in evidence, a goal, a review or a packet, or an evidence body too short to say anything.",
    # review language (warnings: perfdocs review lint; validate reports them too)
    "language/personality": "A review or packet describes personality rather than work (e.g. 'abrasive', 'bossy').",
    "language/effort": "Effort praised where an accomplishment should be named (e.g. 'hard-working', 'diligent').",
    "language/gendered": "An unnecessarily gendered term (e.g. 'girls', 'manpower').",
    "language/hedge": "A doubt raiser: a hedge or faint praise (e.g. 'I think', 'adequate').",
    "language/vague": "Vague praise or criticism that names no behaviour, result or next step (e.g. 'great job').",
    "language/unsupported-claim": "A sentence that claims a quantified impact but cites no evidence id or link.",
    "language/rating-mismatch": "The highest rating with a narrative of concerns, or the lowest with only praise.",
    "language/config": "org.yaml 'language' names a word list or a track that does not exist.",
    # repository
    "codeowners/stale": "The committed CODEOWNERS differs from what 'perfdocs codeowners' generates (a person's folder is not routed to their manager).",
    # records sources (org.yaml sources)
    "source/absent": "A records source org.yaml names is not present here (no clone, or its variable is not set): its records are not checked.",
    "source/overlap": "A records source's folder is the records folder, inside it, or another source's.",
    "source/kind": "A record in a records source of a kind the source does not hold (or an org record: it lives in the records folder).",
    # spreadsheet grids (perfdocs import matrix; at file:row:column, with the XLSX cell reference)
    "grid/header": "The header row lacks the competency or dimension column, repeats a column, or a level column is missing; or a cell lies beyond the last heading.",
    "grid/unknown-level": "A level column's heading is neither an id nor a title of the track's levels.",
    "grid/duplicate-competency": "Two rows for the same competency (by id, or by name when there is no id column).",
    "grid/missing-value": "A row with cells but no competency name or no dimension.",
    "grid/id": "An id column value that is not an id (letters, digits, '.', '_' and '-').",
    "grid/formula": "An XLSX cell holding a formula: perfdocs reads what cells say, so paste them as values.",
}


@dataclass(frozen=True)
class Inputs:
    """What some rules see besides the records, read for them by perfdocs.validation."""

    root: Path
    """The records folder (where org.yaml belongs, when it is missing)."""
    codeowners: CodeownersFile | None = None
    """The repository's committed CODEOWNERS, if there is one."""


def run(org: Organisation, inputs: Inputs) -> list[Diagnostic]:
    """Every rule family's diagnostics for the organisation: `whole`, and `of_record` for each record."""
    out = whole(org, inputs)
    context = Context.of(org)
    for record in org.records:
        out.extend(found for found in of_record(record, org, context) if isinstance(found, Diagnostic))
    return out


@dataclass(frozen=True)
class Context:
    """What `of_record` reads besides the records: org.yaml's pay words, and today."""

    compensation: frozenset[str]
    today: dt.date

    @classmethod
    def of(cls, org: Organisation) -> Context:
        from perfdocs.rules.policy import compensation_fields

        return cls(compensation_fields(org), today())


def of_record(record: Record, org: Organisation, context: Context) -> Iterator[Diagnostic | Reference]:
    """One record's diagnostics from the families that look at a record alone and the keys it
    names (its id and name, its references, dates, pay fields, placeholders and, for a review
    or packet, its language), with each `Reference` it makes: what the record's findings
    depend on besides the record itself, the settings and today (perfdocs.records.snapshot
    re-checks a record when one of those keys changes)."""
    from perfdocs.rules import dates, identity, language, placeholders, policy, references

    yield from identity.of_record(record)
    yield from references.found_in(record, org)
    yield from dates.of_record(record, context.today)
    yield from policy.compensation_problems(record, context.compensation)
    # Placeholders are checked in the records their kind's index holds (not a duplicate's).
    if record.kind in placeholders.KINDS and org.of_kind(record.kind).get(record.id) is record:
        yield from placeholders.of_record(record, org)
    # Review language reads the reviewed person's track (a key it names) and org.yaml's lists.
    yield from language.of_record(record, org)


def whole(org: Organisation, inputs: Inputs, collisions: bool = True) -> list[Diagnostic]:
    """The families that look across records, each run on the whole organisation: identity
    (collisions), management loops and tracks without a matrix, the rubric, team-only targets,
    governance, readiness and scoring settings, review language settings, the org record and
    CODEOWNERS. `collisions=False` leaves out the collisions, which read every record's path
    and id: a quick `validate` (perfdocs.validation), whose organisation holds the records
    of every kind but evidence and a few evidence entries, checks them for what changed."""
    from perfdocs.rules import (
        codeowners,
        governance,
        identity,
        language,
        policy,
        readiness,
        references,
        rubric,
        scoring,
    )

    out: list[Diagnostic] = []
    for check in (identity.check, references.whole, rubric.check, policy.whole, governance.check):
        if check is not identity.check or collisions:
            out.extend(check(org))
    for family in (readiness, scoring, language):
        out.extend(family.check(org))
    out.extend(references.missing_org(org, inputs.root))
    out.extend(codeowners.check(org, inputs.codeowners))
    return out

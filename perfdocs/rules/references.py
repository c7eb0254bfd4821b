"""Reference rules: every id a record names exists, in the place it must.

This is also the one place that knows which record names which key: every lookup here
yields a `Reference` (perfdocs.records.refindex) before the diagnostic, if any, that it
leads to. `check` keeps the diagnostics; `references` and `index` keep the references, for
what needs to know who depends on a key (the breakage a change causes elsewhere).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

from perfdocs import settings
from perfdocs.diagnostics import WARNING, Diagnostic, display_path
from perfdocs.records.load import Record
from perfdocs.records.organisation import Organisation
from perfdocs.records.refindex import Key, Reference, RefIndex
from perfdocs.rules._util import KeyPath, dicts, strings
from perfdocs.text import did_you_mean

Found = Diagnostic | Reference
"""What the checks below yield: each reference they resolve, and each problem they find."""


def _ref(
    record: Record,
    org: Organisation,
    value: object,
    index: Mapping[str, object],
    rule: str,
    what: str,
    path: KeyPath,
    via: Key | None = None,
) -> Iterator[Found]:
    """A reference that must resolve; ids that a broken file probably defines are not reported,
    and one that a records source absent here may hold is a warning."""
    if not isinstance(value, str):
        return
    yield Reference(record, path, Key(what, "", value), via)
    if value not in index and value not in org.unloaded:
        absent = org.absent_source(what)
        if absent is not None:
            yield record.diag(
                "ref/absent-source",
                f"unknown {what} '{value}': it may be in the records source '{absent.name}', which is not present here",
                path,
                severity=WARNING,
            )
            return
        yield record.diag(rule, f"unknown {what} '{value}'{did_you_mean(value, index)}", path)


def _person(record: Record, org: Organisation, value: object, path: KeyPath) -> Iterator[Found]:
    yield from _ref(record, org, value, org.people, "ref/unknown-person", "person", path)


def _via(person: object) -> Key | None:
    """The person whose track decides where a competency or level is looked up."""
    return Key("person", "", person) if isinstance(person, str) else None


def _competency(
    record: Record, org: Organisation, track: object, value: object, path: KeyPath, via: Key | None = None
) -> Iterator[Found]:
    if not isinstance(value, str) or not isinstance(track, str):
        return
    yield Reference(record, path, Key("competency", track, value), via)
    if org.matrix_for(track) is None:
        return
    comps = org.competencies(track)
    if value not in comps:
        yield record.diag(
            "ref/unknown-competency",
            f"unknown competency '{value}' for track {track}{did_you_mean(value, comps)}",
            path,
        )


def _level(
    record: Record,
    org: Organisation,
    track: object,
    value: object,
    path: KeyPath,
    rule: str = "ref/unknown-level",
    via: Key | None = None,
) -> Iterator[Found]:
    if not isinstance(value, str) or not isinstance(track, str):
        return
    yield Reference(record, path, Key("level", track, value), via)
    if track not in org.tracks:
        return
    ids = [lv["id"] for lv in org.levels(track)]
    if value not in ids:
        yield record.diag(
            rule,
            f"level '{value}' is not in track {track}{did_you_mean(value, ids)}",
            path,
            hint=f"levels: {', '.join(ids)}",
        )


def missing_org(org: Organisation, root: Path) -> Iterator[Diagnostic]:
    """ref/missing-org: every records folder has one org record, in its org.yaml."""
    if org.org is None:
        yield Diagnostic(
            display_path(root / "org.yaml"),
            1,
            1,
            "ref/missing-org",
            "the records folder has no org record (org.yaml with kind: org)",
        )


def _found(org: Organisation) -> Iterator[Found]:
    for record in org.records:
        yield from found_in(record, org)


def found_in(record: Record, org: Organisation) -> Iterator[Found]:
    """One record's references and the problems they have: what `check` finds at it, read
    from the record and the keys it names alone (the snapshot re-checks only the records
    whose named keys changed, perfdocs.records.snapshot)."""
    check_record = CHECKS.get(record.kind)
    if check_record is not None:
        yield from check_record(record, org)


def references(org: Organisation) -> Iterator[Reference]:
    """Every key every record names, where it names it (resolved or not)."""
    return (found for found in _found(org) if isinstance(found, Reference))


def index(org: Organisation) -> RefIndex:
    """The reverse-reference index of the organisation: who names each key, who defines it."""
    return RefIndex.build(org.records, references(org))


def check(org: Organisation) -> Iterator[Diagnostic]:
    yield from (found for found in _found(org) if isinstance(found, Diagnostic))
    yield from whole(org)


def whole(org: Organisation) -> Iterator[Diagnostic]:
    """The problems no single record's references show: management loops, tracks without a matrix."""
    yield from _manager_cycles(org)
    for track in org.tracks.values():
        if org.matrix_for(track.id) is None:
            yield track.diag(
                "ref/missing-matrix", f"track '{track.id}' has no competency matrix", ("id",), severity=WARNING
            )


def _track(record: Record, org: Organisation) -> Iterator[Found]:
    earlier: set[str] = set()
    for i, level in dicts(record.get("levels")):
        lid = level.get("id")
        if isinstance(lid, str) and lid in earlier:
            yield record.diag("id/duplicate", f"level '{lid}' is listed twice", ("levels", i, "id"))
        follows = level.get("follows")
        if isinstance(follows, str) and follows not in earlier:
            yield record.diag(
                "ref/unknown-level",
                f"level '{lid}' follows '{follows}', which is not a level listed before it",
                ("levels", i, "follows"),
            )
        if isinstance(lid, str):
            earlier.add(lid)


def _matrix(record: Record, org: Organisation) -> Iterator[Found]:
    yield from _ref(record, org, record.get("track"), org.tracks, "ref/unknown-track", "track", ("track",))
    track = record.get("track")
    mine = isinstance(track, str) and org.matrix_for(track) is record
    for i, name in strings(record.get("include")):
        yield from _ref(record, org, name, org.competency_sets, "ref/unknown-set", "competency set", ("include", i))
    dims = [d.get("id") for d in org.dimensions]
    own = record.get("dimensions")
    dims += [d.get("id") for d in own if isinstance(d, dict)] if isinstance(own, list) else []
    if mine and isinstance(track, str):
        dims = [d.get("id") for d in org.dimensions_for(track)]
    shared = {o.id for o in org.origins(track) if o.record is not record} if mine and isinstance(track, str) else set()
    for i, comp in dicts(record.get("competencies")):
        dim = comp.get("dimension")
        if isinstance(dim, str):
            yield Reference(record, ("competencies", i, "dimension"), Key("dimension", "", dim))
        if isinstance(dim, str) and (org.org is not None or own) and dim not in dims:
            yield record.diag(
                "ref/unknown-dimension",
                f"unknown dimension '{dim}'{did_you_mean(dim, dims)}",
                ("competencies", i, "dimension"),
                hint=f"{'the org and the matrix define' if own else 'the org defines'}: {', '.join(map(str, dims))}"
                if dims
                else "define dimensions in org.yaml or the matrix",
            )
        cid = comp.get("id")  # any YAML value: the schema reports an id that is not text
        if record.get("include") is not None and not (isinstance(cid, str) and cid in shared):
            # the schema asks a matrix with `include` only for ids: an override needs no more,
            # but a competency of the matrix's own needs what any competency needs
            for key in ("name", "dimension", "descriptors"):
                if key not in comp and isinstance(comp.get("id"), str):
                    yield record.diag(
                        "schema/required",
                        f"missing required field '{key}' (competency '{comp['id']}' is in none of the included sets)",
                        ("competencies", i),
                    )


def _competency_set(record: Record, org: Organisation) -> Iterator[Diagnostic]:
    """A set's dimensions are checked for every track that includes it (each may add its own)."""
    tracks = [t for t in org.tracks if record in org.included_sets(t)]
    own = record.get("dimensions")
    base = [d.get("id") for d in org.dimensions]
    base += [d.get("id") for d in own if isinstance(d, dict)] if isinstance(own, list) else []
    for i, comp in dicts(record.get("competencies")):
        dim = comp.get("dimension")
        if not isinstance(dim, str) or (org.org is None and not own):
            continue
        known = base if not tracks else [d.get("id") for d in org.dimensions_for(tracks[0])]
        for track in tracks[1:]:
            known = [d for d in known if d in [x.get("id") for x in org.dimensions_for(track)]]
        if dim not in known:
            yield record.diag(
                "ref/unknown-dimension",
                f"unknown dimension '{dim}'{did_you_mean(dim, known)}"
                + (f" (in track{'s' * (len(tracks) > 1)} {', '.join(tracks)})" if tracks else ""),
                ("competencies", i, "dimension"),
                hint="define it in org.yaml or in the set's own dimensions",
            )


def _team(record: Record, org: Organisation) -> Iterator[Found]:
    yield from _person(record, org, record.get("manager"), ("manager",))
    configured = settings.of(org).repositories
    for i, repo in strings(record.get("repositories")):
        yield Reference(record, ("repositories", i), Key("repository", "", repo.lower()))
        # Names as org.yaml spells them, without regard to case (as links match them).
        if repo.lower() not in {name.lower() for name in configured}:
            where = (
                "is not in org.yaml 'repositories'"
                if configured
                else "is not configured: org.yaml has no 'repositories'"
            )
            yield record.diag(
                "ref/unknown-repository",
                f"repository '{repo}' {where}{did_you_mean(repo, list(configured))}",
                ("repositories", i),
                hint="add it under org.yaml 'repositories' with the path of a local clone, or fix the name",
            )
    for i, member in strings(record.get("members")):
        yield from _person(record, org, member, ("members", i))
        person = org.people.get(member)
        if person is not None and isinstance(person.get("team"), str) and person.get("team") != record.id:
            yield record.diag(
                "team/membership",
                f"'{member}' is listed as a member, but their team is '{person.get('team')}'",
                ("members", i),
                severity=WARNING,
            )


def _person_record(record: Record, org: Organisation) -> Iterator[Found]:
    track = record.get("track")
    yield from _ref(record, org, track, org.tracks, "ref/unknown-track", "track", ("track",))
    yield from _level(record, org, track, record.get("level"), ("level",))
    team = record.get("team")
    yield from _ref(record, org, team, org.teams, "ref/unknown-team", "team", ("team",))
    yield from _person(record, org, record.get("manager"), ("manager",))
    members = org.teams[team].get("members") if isinstance(team, str) and team in org.teams else None
    if isinstance(members, list) and record.id not in members:
        yield record.diag(
            "team/membership",
            f"team '{team}' does not list '{record.id}' among its members",
            ("team",),
            severity=WARNING,
        )


def _goal(record: Record, org: Organisation) -> Iterator[Found]:
    level, owner = record.get("level"), record.get("owner")
    if level == "team":
        yield from _ref(record, org, owner, org.teams, "ref/unknown-team", "team", ("owner",))
    elif level == "individual":
        yield from _person(record, org, owner, ("owner",))
        if record.owner is not None and isinstance(owner, str) and owner != record.owner:
            yield record.diag(
                "id/mismatch", f"owner '{owner}' does not match the folder 'people/{record.owner}/'", ("owner",)
            )
    parent = record.get("parent")
    if isinstance(parent, str):
        yield from _ref(record, org, parent, org.goals, "ref/unknown-goal", "goal", ("parent",))
        if parent == record.id:
            yield record.diag("ref/unknown-goal", "a goal cannot be its own parent", ("parent",))
    for i, kr in dicts(record.get("key_results")):
        yield from _ref(
            record, org, kr.get("metric"), org.metrics, "ref/unknown-metric", "metric", ("key_results", i, "metric")
        )


def _evidence(record: Record, org: Organisation) -> Iterator[Found]:
    author = record.get("author")
    yield from _person(record, org, author, ("author",))
    track = org.person_track(author) if isinstance(author, str) else None
    comps = record.get("competencies")
    for i, comp in strings(comps):
        yield from _competency(record, org, track, comp, ("competencies", i), _via(author))
    if comps is not None and isinstance(comps, list) and not comps:
        yield record.diag(
            "evidence/no-competency",
            "this evidence names no competency, so no claim can cite it",
            ("competencies",),
            severity=WARNING,
        )
    for i, goal in strings(record.get("goals")):
        yield from _ref(record, org, goal, org.goals, "ref/unknown-goal", "goal", ("goals", i))
    for i, person in strings(record.get("collaborators")):
        yield from _person(record, org, person, ("collaborators", i))
    for i, link in enumerate(record.get("links") or [] if isinstance(record.get("links"), list) else []):
        ref = link.get("ref") if isinstance(link, dict) else link
        if isinstance(ref, str) and ref.startswith("postmortem:"):
            yield from _ref(
                record, org, ref.split(":", 1)[1], org.postmortems, "ref/unknown-postmortem", "postmortem", ("links", i)
            )


def _postmortem(record: Record, org: Organisation) -> Iterator[Found]:
    yield from _ref(record, org, record.get("team"), org.teams, "ref/unknown-team", "team", ("team",))
    for i, person in strings(record.get("participants")):
        yield from _person(record, org, person, ("participants", i))
    for i, item in dicts(record.get("action_items")):
        yield from _person(record, org, item.get("owner"), ("action_items", i, "owner"))


def _review(record: Record, org: Organisation) -> Iterator[Found]:
    person = record.get("person")
    yield from _person(record, org, person, ("person",))
    if record.owner is not None and isinstance(person, str) and person != record.owner:
        yield record.diag(
            "id/mismatch", f"person '{person}' does not match the folder 'people/{record.owner}/'", ("person",)
        )
    yield from _person(record, org, record.get("reviewer"), ("reviewer",))
    scale = [r.get("id") for _, r in dicts(org.setting("rating_scale", []))]  # even if it is not a list
    rating = record.get("rating")
    if isinstance(rating, str):
        yield Reference(record, ("rating",), Key("rating", "", rating))
    if isinstance(rating, str) and org.org is not None and org.setting("rating_scale") is None:
        yield record.diag(
            "ref/no-rating-scale",
            f"rating '{rating}' needs a rating scale, and org.yaml defines none",
            ("rating",),
            hint="add rating_scale: to org.yaml (the ratings, highest first, each with min_completion)",
        )
    if isinstance(rating, str) and isinstance(org.setting("rating_scale"), list) and rating not in scale:
        yield record.diag(
            "ref/unknown-rating",
            f"unknown rating '{rating}'{did_you_mean(rating, scale)}",
            ("rating",),
            hint=f"the scale: {', '.join(map(str, scale))}",
        )
    for i, kr in dicts(record.get("key_results")):
        goal = org.goals.get(goal_id) if isinstance(goal_id := kr.get("goal"), str) else None
        yield from _ref(record, org, kr.get("goal"), org.goals, "ref/unknown-goal", "goal", ("key_results", i, "goal"))
        if isinstance(goal_id, str) and isinstance(kr.get("key_result"), str):
            yield Reference(record, ("key_results", i, "key_result"), Key("key-result", goal_id, kr["key_result"]))
        if goal is not None and isinstance(kr.get("key_result"), str):
            krs = [k.get("id") for _, k in dicts(goal.get("key_results"))]
            if kr["key_result"] not in krs:
                yield record.diag(
                    "ref/unknown-key-result",
                    f"goal '{goal.id}' has no key result '{kr['key_result']}'{did_you_mean(kr['key_result'], krs)}",
                    ("key_results", i, "key_result"),
                )
    for i, fb in dicts(record.get("feedback")):
        yield from _person(record, org, fb.get("from"), ("feedback", i, "from"))
        for j, ev in strings(fb.get("evidence")):
            yield from _ref(
                record, org, ev, org.evidence, "ref/unknown-evidence", "evidence", ("feedback", i, "evidence", j)
            )
    track = org.person_track(person) if isinstance(person, str) else None
    for i, item in dicts(record.get("development_plan")):
        yield from _competency(
            record, org, track, item.get("competency"), ("development_plan", i, "competency"), _via(person)
        )


def _packet(record: Record, org: Organisation) -> Iterator[Found]:
    candidate = record.get("candidate")
    yield from _person(record, org, candidate, ("candidate",))
    if record.owner is not None and isinstance(candidate, str) and candidate != record.owner:
        yield record.diag(
            "id/mismatch", f"candidate '{candidate}' does not match the folder 'people/{record.owner}/'", ("candidate",)
        )
    yield from _person(record, org, record.get("sponsor"), ("sponsor",))
    person = org.people.get(candidate) if isinstance(candidate, str) else None
    track = person.get("track") if person else None
    current, target = record.get("current_level"), record.get("target_level")
    via = _via(candidate)
    yield from _level(record, org, track, current, ("current_level",), via=via)
    yield from _level(record, org, track, target, ("target_level",), rule="packet/target-level", via=via)
    if (
        person is not None
        and isinstance(current, str)
        and current != person.get("level")
        and isinstance(track, str)
        and isinstance(level := person.get("level"), str)
        and org.level(track, level) is not None
    ):
        yield record.diag(
            "packet/current-level",
            f"current level '{current}' differs from {candidate}'s recorded level '{person.get('level')}'",
            ("current_level",),
            severity=WARNING,
        )
    if (
        isinstance(track, str)
        and isinstance(target, str)
        and isinstance(current, str)
        and org.level(track, target)
        and org.level(track, current)
    ):
        if not org.is_above(track, target, current):
            yield record.diag(
                "packet/target-level",
                f"target level '{target}' is not above the current level '{current}' in track {track}",
                ("target_level",),
            )
    for i, claim in dicts(record.get("claims")):
        yield from _competency(record, org, track, claim.get("competency"), ("claims", i, "competency"), via)
        for j, ev in strings(claim.get("evidence")):
            path = ("claims", i, "evidence", j)
            evidence = org.evidence.get(ev)
            if evidence is None:
                yield from _ref(record, org, ev, org.evidence, "ref/unknown-evidence", "evidence", path)
                continue
            yield Reference(record, path, Key("evidence", "", ev))
            if isinstance(candidate, str) and evidence.owner != candidate:
                yield record.diag(
                    "packet/foreign-evidence",
                    f"'{ev}' is {evidence.owner}'s evidence, not "
                    f"{candidate}'s: a packet cites the candidate's own work",
                    path,
                )


def _metric(record: Record, org: Organisation) -> Iterator[Found]:
    yield from _person(record, org, record.get("owner"), ("owner",))
    yield from _ref(
        record, org, record.get("counter_metric"), org.metrics, "ref/unknown-metric", "metric", ("counter_metric",)
    )


def _kpi(record: Record, org: Organisation) -> Iterator[Found]:
    yield from _ref(record, org, record.get("team"), org.teams, "ref/unknown-team", "team", ("team",))
    yield from _ref(record, org, record.get("metric"), org.metrics, "ref/unknown-metric", "metric", ("metric",))


def _manager_cycles(org: Organisation) -> Iterator[Diagnostic]:
    reported: set[str] = set()
    for handle, person in org.people.items():
        chain, current = [handle], person.get("manager")
        while isinstance(current, str) and current in org.people and current not in chain:
            chain.append(current)
            current = org.people[current].get("manager")
        if current == handle and handle not in reported:
            reported.update(chain)
            yield person.diag("ref/manager-cycle", "management loop: " + " -> ".join(chain + [handle]), ("manager",))


def _preview(record: Record, org: Organisation) -> Iterator[Found]:
    """A ratings preview names reviews that exist (perfdocs.people.calibration shows it)."""
    for i, item in dicts(record.get("reviews")):
        yield from _ref(
            record, org, item.get("review"), org.reviews, "ref/unknown-review", "review", ("reviews", i, "review")
        )


CHECKS = {
    "track": _track,
    "competency-matrix": _matrix,
    "competency-set": _competency_set,
    "team": _team,
    "person": _person_record,
    "goal": _goal,
    "evidence": _evidence,
    "postmortem": _postmortem,
    "review": _review,
    "packet": _packet,
    "ratings-preview": _preview,
    "metric": _metric,
    "kpi": _kpi,
}

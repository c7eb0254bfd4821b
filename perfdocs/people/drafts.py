"""Drafts: a promotion packet or a review, pre-filled from the records. Plan (path, text), then write.

A packet draft lists, for every competency of the target level, the descriptor to meet
and the person's evidence in the window that names it; a review draft carries the
key-result completion, the rating the org's rules give it, the period's evidence and
feedback slots. Neither ever replaces an existing record.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from perfdocs import settings
from perfdocs.dates import months_before, parse_date, quarter_bounds, today
from perfdocs.errors import PerfdocsError
from perfdocs.fsutil import atomic_write, inside
from perfdocs.people.readiness import target_competencies
from perfdocs.people.reviews import (
    evidence_by_dimension,
    feedback_slots,
    key_results,
    period_evidence,
    plan_items,
    previous_plan,
    rating_for,
    review_completion,
)
from perfdocs.records.organisation import Organisation
from perfdocs.records.sources import destination
from perfdocs.resources import text_env

# --- promotion packets (perfdocs packet draft) ------------------------------------------


def plan_packet(
    org: Organisation, root: Path, handle: str, target: str, slug: str | None = None, sponsor: str | None = None
) -> tuple[Path, str]:
    """(path, text) of a draft packet for `handle` at `target`, from their evidence."""
    person = org.people.get(handle)
    if person is None:
        raise PerfdocsError(f"unknown person '{handle}'")
    track, current = str(person.get("track")), str(person.get("level"))
    levels = [lv["id"] for lv in org.levels(track)]
    if target not in levels:
        raise PerfdocsError(f"--target {target!r} is not a level of track {track}; choose from: {', '.join(levels)}")
    if not org.is_above(track, target, current):
        raise PerfdocsError(f"--target {target} is not above {handle}'s level {current} in track {track}")
    sponsor = sponsor or person.get("manager")
    if not isinstance(sponsor, str) or sponsor not in org.people:
        raise PerfdocsError(f"{handle} has no manager on record: name the sponsor with --sponsor HANDLE")
    rules = settings.of(org).readiness
    end = today()
    start = months_before(end, rules.evidence_window_months)
    own = [
        ev
        for ev in org.evidence_by_author.get(handle, [])
        if (day := parse_date(ev.get("date"))) is not None and start <= day <= end
    ]
    names = {d.get("id"): str(d.get("name", d.get("id"))) for d in org.dimensions}
    groups: list[dict[str, Any]] = []
    claims = 0
    for cid, comp, descriptor in target_competencies(org, track, target):
        evidence = [
            {
                "id": ev.id,
                "date": str(ev.get("date")),
                "type": ev.get("type"),
                "scope": ev.get("scope"),
                "title": str(ev.get("title", "")),
            }
            for ev in own
            if cid in (ev.get("competencies") or [])
        ]
        claims += bool(evidence)
        dim = comp.get("dimension")
        if not groups or groups[-1]["id"] != dim:
            groups.append({"id": dim, "name": names.get(dim, str(dim)), "competencies": []})
        groups[-1]["competencies"].append(
            {"id": cid, "name": str(comp.get("name", cid)), "descriptor": descriptor, "evidence": evidence}
        )
    level = org.level(track, target) or {}
    title = str(level.get("title", target))
    slug = slug or f"{end.year}-{target}"
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", slug):
        raise PerfdocsError(f"--slug {slug!r} is not a valid id (ASCII letters, digits, '.', '_' and '-')")
    rel = f"people/{handle}/packets/{slug}.md"
    text = (
        text_env("drafts")
        .get_template("packet.md.j2")
        .render(
            candidate=handle,
            name=str(person.get("name", handle)),
            current=current,
            target=target,
            target_title=title,
            sponsor=sponsor,
            window_from=start.isoformat(),
            window_to=end.isoformat(),
            today=end.isoformat(),
            groups=groups,
            claims=claims,
            expectations={k: str(level[k]) for k in ("scope", "complexity", "consistency") if k in level},
            summary=f"Draft: the case for {handle} at {target} ({title}); replace with two or three sentences.",
        )
    )
    return inside(root, root / rel), text


def write_packet(
    org: Organisation, root: Path, handle: str, target: str, slug: str | None = None, sponsor: str | None = None
) -> Path:
    path, text = plan_packet(org, root, handle, target, slug, sponsor)
    root, path, _ = destination(org.sources, root, "packet", path)  # perhaps a private records source
    if path.exists():
        raise PerfdocsError(
            f"{path.relative_to(root.resolve()).as_posix()} already exists; a draft never "
            "replaces a packet (choose another name with --slug)"
        )
    atomic_write(path, text)
    return path


# --- reviews (perfdocs review draft) ----------------------------------------------------


def plan_review(
    org: Organisation,
    root: Path,
    handle: str,
    period: str,
    reviewer: str | None = None,
    plan: list[dict[str, Any]] | None = None,
) -> tuple[Path, str]:
    """(path, text) of a review draft; `plan` gives its development plan (`perfdocs gap
    --plan`: items for the next level's thin and empty competencies), else the next level's
    thinnest competencies. The last review's plan is listed with what was done."""
    person = org.people.get(handle)
    if person is None:
        raise PerfdocsError(f"unknown person '{handle}'")
    quarter_bounds(period)
    existing = [r for r in org.reviews.values() if r.owner == handle and r.get("period") == period]
    if existing:
        raise PerfdocsError(
            f"{handle} already has a review for {period}: {existing[0].rel}; a draft never replaces a review"
        )
    reviewer = reviewer or person.get("manager")
    if not isinstance(reviewer, str) or reviewer not in org.people:
        raise PerfdocsError(f"{handle} has no manager on record: name the reviewer with --reviewer HANDLE")
    krs = key_results(org, handle, period)
    completion = review_completion(krs)
    if completion is None:
        raise PerfdocsError(
            f"{handle} has no individual key results for {period}: the org's rules rate "
            "key-result completion, so there is nothing to rate yet (add the period's goals)"
        )
    rating = rating_for(org, completion)
    if rating is None:
        raise PerfdocsError(f"the org's rating scale rates no completion of {completion:g}%")
    evidence = period_evidence(org, handle, period)
    start, end = quarter_bounds(period)
    text = (
        text_env("drafts")
        .get_template("review.md.j2")
        .render(
            person=handle,
            name=str(person.get("name", handle)),
            period=period,
            reviewer=reviewer,
            key_results=krs,
            completion=completion,
            rating=rating,
            scale=list(settings.of(org).rating_scale),
            groups=evidence_by_dimension(org, handle, evidence),
            evidence=evidence,
            slots=feedback_slots(org, handle, evidence),
            plan=plan if plan is not None else plan_items(org, handle, period),
            previous=previous_plan(org, handle, period),
            start=start.isoformat(),
            end=end.isoformat(),
            today=today().isoformat(),
            example=evidence[0].id if evidence else f"{handle}/YYYY-MM-DD-slug",
        )
    )
    rel = f"people/{handle}/reviews/{period.lower()}.md"
    return inside(root, root / rel), text


def write_review(
    org: Organisation,
    root: Path,
    handle: str,
    period: str,
    reviewer: str | None = None,
    plan: list[dict[str, Any]] | None = None,
) -> Path:
    path, text = plan_review(org, root, handle, period, reviewer, plan)
    _, path, _ = destination(org.sources, root, "review", path)  # perhaps a private records source
    atomic_write(path, text)
    return path

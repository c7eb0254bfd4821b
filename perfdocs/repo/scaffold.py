"""Scaffolding: `perfdocs new KIND` writes a valid record in the right place."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path
from typing import Any

from perfdocs.dates import QUARTER, quarter_of, today
from perfdocs.diagnostics import display_path
from perfdocs.errors import PerfdocsError
from perfdocs.fsutil import atomic_write, check_name, inside
from perfdocs.git.run import GitError, run
from perfdocs.records.organisation import Organisation
from perfdocs.records.schemas import SCHEMA_BASE, schema_documents
from perfdocs.resources import text_env
from perfdocs.text import did_you_mean

NEW_KINDS = ("evidence", "goal", "person", "postmortem", "metric", "team", "track", "matrix")


def slugify(text: str, limit: int = 60) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:limit].rstrip("-") or "entry"


def git_email(cwd: Path) -> str | None:
    """git's user.email, or None (none set, git not installed, or `cwd` not a folder)."""
    try:
        out = run(cwd, "config", "user.email", check=False, timeout=10)
    except GitError:
        return None
    return out.text.strip() or None


def author_for(org: Organisation, root: Path, author: str | None) -> str:
    if author:
        if author not in org.people:
            raise PerfdocsError(f"unknown person '{author}'")
        return author
    email = git_email(root)
    for handle, person in org.people.items():
        if email and email.lower() in [str(e).lower() for e in person.get("emails", [])]:
            return handle
    raise PerfdocsError(
        "--author is needed: "
        + (f"git's user.email {email} is not any person's email" if email else "git has no user.email")
    )


def plan(kind: str, org: Organisation, root: Path, opts: dict[str, Any]) -> tuple[Path, str]:
    """(path, text) of the new record.

    Every id, handle and period that becomes part of the path is checked (check_name, QUARTER)
    before the path is formed: the record lands in its kind's folder or nowhere."""
    day = opts.get("date") or today().isoformat()
    try:
        when = dt.date.fromisoformat(day)
    except ValueError:
        raise PerfdocsError(f"--date {day!r} is not a date (YYYY-MM-DD)") from None
    if kind in ("evidence", "postmortem") and when > today():
        # validate refuses it (date/future): say so before writing a record it would then reject
        raise PerfdocsError(
            f"--date {day} is after today ({today().isoformat()}): {kind} records what already happened"
        )
    schema = SCHEMA_BASE + f"{kind}.schema.json"
    ctx: dict[str, Any] = {"date": day, "schema": schema}
    title = opts.get("title")
    if kind == "evidence":
        author = author_for(org, root, opts.get("author"))
        if not title:
            raise PerfdocsError("--title is needed for evidence")
        track = org.person_track(author) or "?"
        comps = list(org.competencies(track))
        for c in opts.get("competencies") or ():
            if c not in comps:
                raise PerfdocsError(f"unknown competency '{c}' for track {track}; choose from: {', '.join(comps)}")
        types = schema_documents()["evidence.schema.json"]["properties"]["type"]["enum"]
        etype = opts.get("type") or "other"
        if etype not in types:
            raise PerfdocsError(f"unknown evidence type '{etype}'; choose from: {', '.join(types)}")
        ctx.update(
            author=author,
            type=etype,
            title=title,
            links=list(opts.get("links") or ()),
            competencies=list(opts.get("competencies") or ()),
            all_competencies=comps,
            track=track,
            visibility=opts.get("visibility") or "private",
        )
        rel = f"people/{check_name(author, '--author')}/evidence/{day}-{slugify(title)}.md"
        template = "evidence.md.j2"
    elif kind == "goal":
        owner = opts.get("author")
        if owner:
            check_name(owner, "--author")
        period = opts.get("period") or quarter_of(dt.date.fromisoformat(day))
        if not QUARTER.match(period):
            raise PerfdocsError(f"--period {period!r} is not a quarter: use YYYY-Q1 to YYYY-Q4, e.g. 2026-Q4")
        level = "individual" if owner else ("team" if opts.get("team") else "company")
        if owner and owner not in org.people:
            raise PerfdocsError(f"unknown person '{owner}'")
        if not title:
            raise PerfdocsError("--title is needed (the objective)")
        slug = f"{period.lower()}-{slugify(title, 40)}"
        year, q = int(period[:4]), int(period[-1])
        try:
            due = (dt.date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1) - dt.timedelta(days=1)).isoformat()
        except (ValueError, OverflowError):  # year 0 or 9999-Q4: a quarter by form, not a date
            raise PerfdocsError(f"--period {period!r} is outside the calendar perfdocs handles") from None
        ctx.update(
            id=None if owner else slug,
            period=period,
            level=level,
            owner=owner or opts.get("team"),
            objective=title,
            parent=opts.get("parent"),
            due=due,
        )
        rel = f"people/{owner}/goals/{slug}.yaml" if owner else f"goals/{slug}.yaml"
        template = "goal.yaml.j2"
    elif kind == "person":
        handle = opts.get("id")
        if not handle:
            raise PerfdocsError("--id HANDLE is needed for a person")
        check_name(handle, "--id")
        team = opts.get("team")
        if team not in org.teams:
            raise PerfdocsError(f"--team is needed and must be one of: {', '.join(org.teams)}")
        person_track: str | None = opts.get("track") or next(iter(org.tracks), None)
        levels = [lv["id"] for lv in org.levels(person_track)] if person_track else []
        if not levels:
            raise PerfdocsError("--track must name a track with levels")
        chosen = _one_level(opts.get("level"))
        ctx.update(
            handle=handle,
            name=title or handle,
            email=opts.get("email") or f"{handle}@example.com",
            track=person_track,
            level=chosen or levels[0],
            team=team,
            manager=org.teams[team].get("manager"),
        )
        rel = f"people/{handle}/person.yaml"
        template = "person.yaml.j2"
    elif kind == "postmortem":
        author = author_for(org, root, opts.get("author"))
        if not title:
            raise PerfdocsError("--title is needed for a postmortem")
        pid = check_name(opts.get("id") or f"pm-{day[:4]}-{slugify(title, 30)}", "--id")
        team = org.people[author].get("team")
        services = (
            (org.teams[team].get("services") or ["unknown-service"]) if team in org.teams else ["unknown-service"]
        )
        ctx.update(
            id=pid,
            title=title,
            severity="sev3",
            team=team if team in org.teams else None,
            services=services[:1],
            author=author,
        )
        rel = f"postmortems/{pid}.md"
        template = "postmortem.md.j2"
    elif kind in ("metric", "team"):
        rid = opts.get("id") or (slugify(title) if title else None)
        if not rid:
            raise PerfdocsError(f"--id or --title is needed for a {kind}")
        check_name(rid, "--id")
        owner = author_for(org, root, opts.get("author"))
        ctx.update(id=rid, name=title or rid, owner=owner, manager=owner, scope=opts.get("scope") or "team")
        rel = f"metrics/{rid}.yaml" if kind == "metric" else f"teams/{rid}.yaml"
        template = f"{kind}.yaml.j2"
    elif kind == "track":
        rid = (
            check_name(opts.get("id") or (slugify(title) if title else ""), "--id") if opts.get("id") or title else None
        )
        if not rid:
            raise PerfdocsError("--id or --title is needed for a track")
        if rid in org.tracks:
            raise PerfdocsError(f"track '{rid}' already exists: {org.tracks[rid].display}")
        titles = _levels_option(opts.get("level"))
        if not titles:
            raise PerfdocsError('--level TITLE is needed, once per level, lowest first (e.g. --level "Engineer I")')
        ids = [t if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}", t) else slugify(t, 40) for t in titles]
        twice = next((t for t, i in zip(titles, ids) if ids.count(i) > 1), None)
        if twice is not None:
            raise PerfdocsError(f"--level {twice!r}: two levels would have the id '{ids[titles.index(twice)]}'")
        ctx.update(id=rid, name=title or rid, levels=[{"id": i, "title": t} for i, t in zip(ids, titles)])
        rel = f"tracks/{rid}.yaml"
        template = "track.yaml.j2"
    elif kind == "matrix":
        matrix_track = str(opts.get("track") or "")
        if matrix_track not in org.tracks:
            raise PerfdocsError(f"--track must name a track{did_you_mean(matrix_track, org.tracks)}")
        check_name(matrix_track, "--track")
        existing = org.matrix_for(matrix_track)
        if existing is not None:
            raise PerfdocsError(f"track {matrix_track} already has a matrix: {existing.display}")
        names = list(opts.get("competencies") or ())
        if not names:
            raise PerfdocsError('--competency NAME is needed, once per competency (e.g. --competency "System design")')
        dims = [str(d.get("id")) for d in org.dimensions_for(matrix_track)]
        dimension = opts.get("dimension") or (dims[0] if dims else None)
        if dimension is None or dimension not in dims:
            raise PerfdocsError(
                f"--dimension must name one of the organisation's dimensions: {', '.join(dims) or 'none in org.yaml'}"
            )
        ctx.update(
            id=matrix_track,
            track=matrix_track,
            dimension=dimension,
            competencies=[{"id": slugify(n, 60), "name": n} for n in names],
            levels=[lv["id"] for lv in org.levels(matrix_track)],
            schema=SCHEMA_BASE + "competency-matrix.schema.json",
        )
        rel = f"matrices/{matrix_track}.yaml"
        template = "competency-matrix.yaml.j2"
    else:
        raise PerfdocsError(f"cannot scaffold '{kind}'; choose from: {', '.join(NEW_KINDS)}")
    text = text_env("scaffold").get_template(template).render(**ctx)
    return inside(root, root / rel), text


def _levels_option(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value or ()]


def _one_level(value: Any) -> str | None:
    found = _levels_option(value)
    if len(found) > 1:
        raise PerfdocsError("--level is given once for a person")
    return found[0] if found else None


def write(kind: str, org: Organisation, root: Path, opts: dict[str, Any], force: bool = False) -> Path:
    path, text = plan(kind, org, root, opts)
    if force and (path.exists() or path.is_symlink()):
        replaceable("competency-matrix" if kind == "matrix" else kind, org, root, path)
    atomic_write(path, text, overwrite=force)
    return path


def replaceable(kind: str, org: Organisation, root: Path, path: Path) -> None:
    """Refuse unless `path` holds a record of `kind` that perfdocs loaded: `--force` replaces a
    record with a new version of itself, never org.yaml, a person or anything of another kind."""
    rel = path.relative_to(root.resolve()).as_posix()
    there = next((r for r in org.records if r.rel == rel), None)
    if there is None:
        raise PerfdocsError(
            f"{display_path(path)} exists and is not a {kind} record; --force only replaces a {kind} record"
        )
    if there.kind != kind:
        raise PerfdocsError(
            f"{display_path(path)} holds the {there.kind} record '{there.id}'; --force only replaces a {kind} record"
        )

"""Scaffolding: `perfdocs new KIND` writes a valid record in the right place.

A new person also joins their team's `members` (the team record is edited where the list is,
keeping its comments and layout), and a CODEOWNERS file that perfdocs generates is brought up
to date, so the new person's folder is routed to their manager from their first pull request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from perfdocs.dates import QUARTER, quarter_of, today
from perfdocs.diagnostics import display_path
from perfdocs.errors import PerfdocsError
from perfdocs.fsutil import atomic_write, check_name, inside
from perfdocs.git.run import GitError, run
from perfdocs.records.model import Record
from perfdocs.records.organisation import Organisation
from perfdocs.records.parse import positions
from perfdocs.records.schemas import schema_documents
from perfdocs.records.sources import destination, home
from perfdocs.repo import local_schemas
from perfdocs.resources import text_env
from perfdocs.text import did_you_mean

NEW_KINDS = ("evidence", "goal", "person", "postmortem", "metric", "team", "track", "matrix")


_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґўђјљњћџѕ",
        "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch - y - e yu ya i yi ye g u dj j lj nj c dz dz".split(),
        strict=True,
    )
)
_GREEK = dict(
    zip(
        "αβγδεζηθικλμνξοπρσςτυφχψω",
        "a v g d e z i th i k l m n x o p r s s t y f ch ps o".split(),
        strict=True,
    )
)
TRANSLITERATION = {**_CYRILLIC, **_GREEK, "ß": "ss", "æ": "ae", "ø": "o", "œ": "oe", "ð": "d", "þ": "th", "ł": "l"}
"""Letters without an ASCII decomposition, written in Latin letters (Cyrillic as in passports,
Greek as in ELOT 743; "-": a sign that writes nothing). Scripts not here keep a short hash."""
HASH_CHARS = 8


def slugify(text: str, limit: int = 60) -> str:
    """A title as the name part of an id: lower-case ASCII letters, digits and '-', at most
    `limit` characters before any hash. Latin letters lose their accents and Cyrillic and Greek
    are transliterated ("Миграция платежей": "migratsiya-platezhey"); when letters of another
    script are left out (Chinese, Arabic, ...) or nothing is left (emoji only), a hash of the
    title is added ("entry-3f2a9c1d"), so that two such titles never get the same name. Ids stay
    ASCII (schemas/common.schema.json): file names in any script differ between macOS and
    Linux, and look-alike letters from other scripts are refused in ids."""
    title = unicodedata.normalize("NFC", text.strip())
    out: list[str] = []
    lost = False
    for ch in title.lower():
        base = unicodedata.normalize("NFKD", ch)
        ascii_part = base.encode("ascii", "ignore").decode()
        # the letter itself first (й is not и with a breve), then its base letter (ά is α)
        latin = TRANSLITERATION.get(ch, TRANSLITERATION.get(base[:1]))
        if latin is not None:
            out.append(latin if latin != "-" else "")
        elif ascii_part.isalnum():
            out.append(ascii_part.lower())
        elif unicodedata.category(ch)[0] in "LN":
            lost = True  # a letter or digit of a script not transliterated: the hash keeps it apart
            out.append("-")
        else:
            out.append("-")
    slug = re.sub(r"[^a-z0-9]+", "-", "".join(out)).strip("-")[:limit].rstrip("-")
    if slug and not lost:
        return slug
    digest = hashlib.sha256(title.encode("utf-8")).hexdigest()[:HASH_CHARS]
    return f"{slug or 'entry'}-{digest}"


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


SLUGGED = ("evidence", "goal", "postmortem")
"""The kinds whose file name ends in a slug of the title, which --slug replaces."""


def _name(opts: dict[str, Any], title: str, limit: int) -> str:
    """The name part of a new record's id: --slug as given (checked), else the title's slug."""
    slug = opts.get("slug")
    return check_name(slug, "--slug") if slug else slugify(title, limit)


def plan(kind: str, org: Organisation, root: Path, opts: dict[str, Any]) -> tuple[Path, str]:
    """(path, text) of the new record.

    Every id, handle, period and slug that becomes part of the path is checked (check_name,
    QUARTER) before the path is formed: the record lands in its kind's folder or nowhere."""
    if opts.get("slug") and kind not in SLUGGED:
        raise PerfdocsError(f"--slug names {', '.join(SLUGGED)} records; a {kind} is named by --id")
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
    ctx: dict[str, Any] = {"date": day}
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
        rel = f"people/{check_name(author, '--author')}/evidence/{day}-{_name(opts, title, 60)}.md"
        template = "evidence.md.j2"
    elif kind == "goal":
        owner = opts.get("author")
        if owner:
            check_name(owner, "--author")
        elif opts.get("company") and opts.get("team"):
            raise PerfdocsError("--company and --team: a goal is the company's or a team's, not both")
        elif not opts.get("company") and not opts.get("team"):
            # like evidence: the goal is yours unless you say whose it is
            try:
                owner = author_for(org, root, None)
            except PerfdocsError as err:
                raise PerfdocsError(f"{err}; for a team goal give --team TEAM, for a company goal --company") from None
        period = opts.get("period") or quarter_of(dt.date.fromisoformat(day))
        if not QUARTER.match(period):
            raise PerfdocsError(f"--period {period!r} is not a quarter: use YYYY-Q1 to YYYY-Q4, e.g. 2026-Q4")
        level = "individual" if owner else ("team" if opts.get("team") else "company")
        if owner and owner not in org.people:
            raise PerfdocsError(f"unknown person '{owner}'")
        if not title:
            raise PerfdocsError("--title is needed (the objective)")
        slug = f"{period.lower()}-{_name(opts, title, 40)}"
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
        pid = check_name(opts.get("id") or f"pm-{day[:4]}-{_name(opts, title, 30)}", "--id")
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
        )
        rel = f"matrices/{matrix_track}.yaml"
        template = "competency-matrix.yaml.j2"
    else:
        raise PerfdocsError(f"cannot scaffold '{kind}'; choose from: {', '.join(NEW_KINDS)}")
    path = inside(root, root / rel)
    # YAML records name their schema for the editor: the repository's local copy when it has one
    ctx["schema"] = local_schemas.schema_for(path, "competency-matrix" if kind == "matrix" else kind, root)
    text = text_env("scaffold").get_template(template).render(**ctx)
    return path, text


def _levels_option(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value or ()]


def _one_level(value: Any) -> str | None:
    found = _levels_option(value)
    if len(found) > 1:
        raise PerfdocsError("--level is given once for a person")
    return found[0] if found else None


@dataclass
class Written:
    """What `new` wrote: the record, and the files it brought up to date with it."""

    path: Path
    updated: list[Path] = field(default_factory=list)


def write(kind: str, org: Organisation, root: Path, opts: dict[str, Any], force: bool = False) -> Written:
    if kind in ("evidence", "person") or (kind == "goal" and opts.get("author")):
        home(org.sources, root, kind, "people/")  # an absent source is named before anything else is checked
    path, text = plan(kind, org, root, opts)
    records_root = root
    # A person's folder may be in a records source (org.yaml `sources`) of its own.
    root, path, source = destination(org.sources, root, kind, path)
    if force and (path.exists() or path.is_symlink()):
        replaceable("competency-matrix" if kind == "matrix" else kind, org, root, path, source)
    elif path.exists() or path.is_symlink():
        raise PerfdocsError(taken(kind, path, opts))
    atomic_write(path, text, overwrite=force)
    out = Written(path)
    if kind == "person":
        handle, team = str(opts["id"]), str(opts["team"])
        joined = join_team(org, team, handle)
        if joined is not None:
            out.updated.append(joined)
        owners = refresh_codeowners(records_root)  # the records repository's (a source's is left as it is)
        if owners is not None:
            out.updated.append(owners)
    return out


def team_record(org: Organisation, team: str) -> Record | None:
    return next((r for r in org.records if r.kind == "team" and r.id == team), None)


def join_team(org: Organisation, team: str, handle: str) -> Path | None:
    """Add `handle` to the team record's `members`, in place (the file's comments and layout
    kept); the team's path, or None when they are already a member."""
    record = team_record(org, team)
    if record is None or handle in (org.teams[team].get("members") or []):
        return None
    path = record.doc.path
    text = path.read_text(encoding="utf-8")
    atomic_write(path, with_member(text, handle), overwrite=True)
    return path


def taken(kind: str, path: Path, opts: dict[str, Any]) -> str:
    """Why a new record cannot have the name it was given, and a free name to give instead.
    Never `--force`: the file is someone's record (two people's evidence titled alike in
    Chinese on one day once slugged to the same name)."""
    message = f"{display_path(path)} already exists; not overwriting it"
    by_id = kind not in SLUGGED or (kind == "postmortem" and opts.get("id"))
    if kind == "person":
        return f"{message}: choose another handle with --id"
    stem = path.stem
    prefix = ""
    if not by_id:  # the slug follows the date (evidence), the period (goal) or pm-YYYY- (postmortem)
        cut = {"evidence": 11, "goal": 8, "postmortem": 8}[kind]
        prefix, stem = stem[:cut], stem[cut:]
    n = 2
    while path.with_name(f"{prefix}{stem}-{n}{path.suffix}").exists():
        n += 1
    option = "--id" if by_id else "--slug"
    return f"{message}: choose another name, e.g. {option} {stem}-{n}"


def with_member(text: str, handle: str) -> str:
    """A team record's YAML text with `handle` appended to its `members` list, written in the
    list's own style: a block item under the last one, or one more entry in a flow list."""
    import yaml

    root = positions(text, 0).root
    members = None
    if isinstance(root, yaml.MappingNode):
        members = next((v for k, v in root.value if isinstance(k, yaml.ScalarNode) and k.value == "members"), None)
    lines = text.splitlines(keepends=True)
    if isinstance(members, yaml.SequenceNode) and not members.flow_style and members.value:
        first, last = members.value[0], members.value[-1]
        dash = lines[first.start_mark.line][: first.start_mark.column]  # '  - ', as the list writes it
        after = last.end_mark.line + (1 if last.end_mark.column > 0 else 0)
        if lines[after - 1].endswith("\n"):
            lines.insert(after, f"{dash}{handle}\n")
        else:  # the last item ends the file without a newline
            lines[after - 1] += f"\n{dash}{handle}"
        return "".join(lines)
    if isinstance(members, yaml.SequenceNode) and members.flow_style:
        end = _offset(lines, members.end_mark.line, members.end_mark.column) - 1  # the closing ']'
        sep = ", " if members.value else ""
        return text[:end] + f"{sep}{handle}" + text[end:]
    if members is None or (isinstance(members, yaml.ScalarNode) and members.value in ("", "~", "null")):
        if members is not None:  # 'members:' with nothing after it
            at = _offset(lines, members.start_mark.line, members.start_mark.column)
            return text[:at].rstrip(" ") + f" [{handle}]" + text[at:]
        return text + ("" if text.endswith("\n") or not text else "\n") + f"members:\n  - {handle}\n"
    raise PerfdocsError(f"cannot add {handle} to the team's members: 'members' is not a list")


def _offset(lines: list[str], line: int, column: int) -> int:
    return sum(len(x) for x in lines[:line]) + column


def refresh_codeowners(root: Path) -> Path | None:
    """Bring a CODEOWNERS file that perfdocs generated up to date with the records on disk;
    its path when it changed. A hand-written file (no perfdocs marker) is left alone."""
    from perfdocs.records import organisation
    from perfdocs.records.load import load_records
    from perfdocs.repo import codeowners

    path = codeowners.locate(root)
    if not path.is_file() or codeowners.MARKER not in path.read_text(encoding="utf-8"):
        return None
    org, _ = organisation.build(load_records(root).records)
    update = codeowners.plan(org, root)
    if update.current:
        return None
    codeowners.write(update)
    return update.path


def replaceable(kind: str, org: Organisation, root: Path, path: Path, source: str | None = None) -> None:
    """Refuse unless `path` holds a record of `kind` that perfdocs loaded: `--force` replaces a
    record with a new version of itself, never org.yaml, a person or anything of another kind."""
    rel = path.relative_to(root.resolve()).as_posix()
    there = next((r for r in org.records if r.rel == rel and r.source == source), None)
    if there is None:
        raise PerfdocsError(
            f"{display_path(path)} exists and is not a {kind} record; --force only replaces a {kind} record"
        )
    if there.kind != kind:
        raise PerfdocsError(
            f"{display_path(path)} holds the {there.kind} record '{there.id}'; --force only replaces a {kind} record"
        )

"""Identity rules: ids that agree with their paths and cannot collide."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from perfdocs.diagnostics import Diagnostic
from perfdocs.records.load import Record
from perfdocs.records.organisation import Organisation

ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
EVIDENCE_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})-.+$")

# Latin look-alikes from other scripts, the ones that actually turn up in names.
_CONFUSABLES = str.maketrans(
    {
        "а": "a",
        "е": "e",
        "о": "o",
        "р": "p",
        "с": "c",
        "у": "y",
        "х": "x",
        "і": "i",
        "ј": "j",
        "ѕ": "s",
        "һ": "h",
        "ԁ": "d",
        "ɡ": "g",
        "ո": "n",
        "ν": "v",
        "ο": "o",
        "α": "a",
        "ι": "i",
        "κ": "k",
        "τ": "t",
        "ρ": "p",
        "υ": "u",
        "А": "a",
        "В": "b",
        "Е": "e",
        "К": "k",
        "М": "m",
        "Н": "h",
        "О": "o",
        "Р": "p",
        "С": "c",
        "Т": "t",
        "Х": "x",
        "ı": "i",
        "ℓ": "l",
        "０": "0",
        "—": "-",
        "–": "-",
        "‐": "-",
    }
)


def skeleton(text: str) -> str:
    """What a text looks like: case, compatibility forms, accents and look-alikes folded."""
    if text.isascii():  # nothing to fold but case (every look-alike is outside ASCII)
        return text.lower()
    folded = unicodedata.normalize("NFKD", text.translate(_CONFUSABLES)).casefold()
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return folded.translate(_CONFUSABLES)


def _describe(a: str, b: str) -> str:
    if a.casefold() == b.casefold():
        return "differ only by case"
    return "differ only by look-alike characters"


def _folded(texts: list[str]) -> list[str]:
    """The skeleton of each text: all at once when they are all ASCII (case is all there is to
    fold, and one `lower` of them joined is far cheaper than one call each)."""
    joined = "\0".join(texts)
    if joined.isascii():
        folded = joined.lower().split("\0")
        if len(folded) == len(texts):  # no text held the separator
            return folded
    return [skeleton(text) for text in texts]


def folder_clash(names: list[str]) -> bool:
    """Whether two of the file names in one folder clash as paths or as the ids taken from them
    (the name without its suffix): equal, or equal once case and look-alike characters are
    folded. For a quick `validate`, which checks the folders a change added files to instead
    of every record's path and id (and, with `clash`, that no two folders clash: two files
    in different folders then never do, nor the ids taken from their owners' folders)."""
    stems = [name.rsplit(".", 1)[0] for name in names]
    return clash(names) or clash(stems)


def clash(texts: list[str]) -> bool:
    """Whether two of `texts` are equal once case and look-alike characters are folded."""
    return len(set(_folded(texts))) != len(texts)


def check(org: Organisation) -> Iterator[Diagnostic]:
    """Paths and ids that differ only by case or look-alike characters, across records (the
    `of_record` part, each record's own id and name, is checked per record)."""
    records = org.records
    rels = [r.rel for r in records]
    ids = [r.id for r in records]
    folded_rels, folded_ids = _folded(rels), _folded(ids)
    # Most organisations have no collision at all: a path (an id of a kind) collides with an
    # earlier one exactly when folding makes two different ones equal, which the counts of
    # distinct values show at once (for ids, first across kinds: when no two ids at all fold
    # together, no two of one kind do). Only then is the walk below, in order, needed.
    paths_apart = len(set(folded_rels)) == len(set(rels))
    if paths_apart and len(set(folded_ids)) == len(set(ids)):
        return
    kinds = [r.kind for r in records]
    if paths_apart and len(set(zip(kinds, folded_ids))) == len(set(zip(kinds, ids))):
        return
    seen_paths: dict[str, str] = {}
    seen_ids: dict[tuple[str, str], Record] = {}
    for record, rel, kind, folded_rel, folded_id in zip(records, rels, kinds, folded_rels, folded_ids, strict=True):
        other = seen_paths.setdefault(folded_rel, rel)
        path_clash = other != rel
        if path_clash:
            yield record.diag(
                "id/collision",
                f"the path '{rel}' and '{other}' {_describe(rel, other)}; they clash on macOS and Windows checkouts",
            )
        # The first record of a folded id is the one a later one is reported against.
        prior = seen_ids.setdefault((kind, folded_id), record)
        if prior.id != record.id and not path_clash:
            field = ("handle",) if kind == "person" else ("id",)
            yield record.diag(
                "id/collision",
                f"{kind} id '{record.id}' and '{prior.id}' ({prior.display}) {_describe(record.id, prior.id)}",
                field,
            )


def of_record(record: Record) -> Iterator[Diagnostic]:
    """One record's own identity: an id taken from its path that is not an id, and an
    evidence entry whose author or date disagrees with its folder or file name."""
    if record.owner is None:
        return
    for part in record.id.split("/"):
        if not ID.match(part):
            yield record.diag(
                "id/invalid",
                f"the id '{record.id}' taken from this file's path is not a valid id",
                hint="rename it with ASCII letters, digits, '.', '_' and '-'",
            )
            break
    if record.kind == "evidence":
        yield from _evidence_identity(record)


def _evidence_identity(record: Record) -> Iterator[Diagnostic]:
    author = record.get("author")
    if isinstance(author, str) and author != record.owner:
        yield record.diag(
            "id/mismatch", f"author '{author}' does not match the folder 'people/{record.owner}/'", ("author",)
        )
    stem = record.id.split("/", 1)[1]
    match = EVIDENCE_NAME.match(stem)
    if not match:
        yield record.diag("id/mismatch", f"evidence file names are '<YYYY-MM-DD>-<slug>.md', not '{stem}'")
        return
    date = record.get("date")
    # A date that is not YYYY-MM-DD is the schema's to report (schema/format), once.
    if isinstance(date, str) and date != match.group(1) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        yield record.diag("id/mismatch", f"date {date} does not match the file name's date {match.group(1)}", ("date",))

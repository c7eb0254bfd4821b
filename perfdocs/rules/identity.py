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


def check(org: Organisation) -> Iterator[Diagnostic]:
    seen_paths: dict[str, str] = {}
    seen_ids: dict[tuple[str, str], tuple[str, str]] = {}
    for record in org.records:
        key = skeleton(record.rel)
        other = seen_paths.get(key)
        path_clash = other is not None and other != record.rel
        if path_clash:
            yield record.diag(
                "id/collision",
                f"the path '{record.rel}' and '{other}' {_describe(record.rel, str(other))}; "
                "they clash on macOS and Windows checkouts",
            )
        else:
            seen_paths[key] = record.rel
        id_key = (record.kind, skeleton(record.id))
        prior = seen_ids.get(id_key)
        if prior is not None and prior[0] != record.id and not path_clash:
            field = ("handle",) if record.kind == "person" else ("id",)
            yield record.diag(
                "id/collision",
                f"{record.kind} id '{record.id}' and '{prior[0]}' ({prior[1]}) {_describe(record.id, prior[0])}",
                field,
            )
        else:
            seen_ids.setdefault(id_key, (record.id, record.display))
        if record.owner is not None:
            for part in record.id.split("/"):
                if not ID.match(part):
                    yield record.diag(
                        "id/invalid",
                        f"the id '{record.id}' taken from this file's path is not a valid id",
                        hint="rename it with ASCII letters, digits, '.', '_' and '-'",
                    )
                    break
        if record.kind == "evidence" and record.owner is not None:
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

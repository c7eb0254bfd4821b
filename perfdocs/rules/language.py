"""Review language: advisory findings about how reviews and packets are written (language/*).

Studies of real reviews and reference letters found patterns that weaken a case and let bias in:
feedback about personality instead of work, effort praised where an accomplishment should be
named, unnecessarily gendered terms, doubt raisers, and vague praise or criticism with no
behaviour, result or next step. Each pattern is a word list, kept as data beside this module
(perfdocs/rules/wordlists/<id>.yaml, each citing the studies or sources its terms come from);
an org adds terms, or declares terms neutral, in org.yaml `language:`, for everyone or for one
track (perfdocs.settings.LanguageSettings).

The rules (always warnings: they advise, people decide):
- language/personality, language/effort, language/gendered, language/hedge, language/vague:
  a term of the list, at its position.
- language/unsupported-claim: a sentence that claims an impact (an impact term and a quantity)
  and cites no evidence (an evidence id, a pull request, a link), in text that has no evidence
  list of its own (a feedback quote and a packet claim cite theirs beside them).
- language/rating-mismatch: the highest rating with a narrative that voices at least two
  concerns and more concerns than praise, or the lowest with praise and no concern at all.
- language/config: org.yaml `language:` names a word list or a track that does not exist.

Positions are exact: in the Markdown body, the line and column of the term; in a YAML string,
the term's place in the file, found by walking the parsed string along its source text (folded
lines, quotes and block scalars). `review_findings(org, record)` gives one record's findings,
with the org's changes and the reviewed person's track applied (the calibration pack counts
them); `of_record` gives them to validate, record by record, and `check(org)` the
org.yaml problems (language/config).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from perfdocs import settings
from perfdocs.diagnostics import WARNING, Diagnostic, sort_key
from perfdocs.records.load import Record
from perfdocs.records.organisation import Organisation
from perfdocs.records.parse import load_text
from perfdocs.records.refindex import Key, Reference
from perfdocs.rules._util import KeyPath, section
from perfdocs.text import did_you_mean

KINDS = ("review", "packet")
FOLDER = Path(__file__).resolve().parent / "wordlists"
WORD_LISTS = ("personality", "effort", "gendered", "hedge", "vague")
"""The lists whose every term is a finding of its own (the others feed the claim and rating checks)."""


@dataclass(frozen=True)
class WordList:
    """One word list (perfdocs/rules/wordlists/<id>.yaml)."""

    id: str
    rule: str
    message: str
    """The finding's message; '{term}' is the text found."""
    help: str
    sources: tuple[str, ...]
    terms: tuple[str, ...]
    instead: Mapping[str, str]
    """Term (case-folded) -> the plainer alternative the help names."""


@cache
def word_lists() -> dict[str, WordList]:
    """Every word list shipped with perfdocs, by id."""
    out: dict[str, WordList] = {}
    for path in sorted(FOLDER.glob("*.yaml")):
        data = load_text(path.read_text(encoding="utf-8"), path, markdown=False).data
        terms: list[str] = []
        instead: dict[str, str] = {}
        for item in data["terms"]:
            if isinstance(item, dict):
                terms.append(str(item["term"]))
                instead[str(item["term"]).casefold()] = str(item["instead"])
            else:
                terms.append(str(item))
        out[path.stem] = WordList(
            path.stem, data["rule"], data["message"], data["help"], tuple(data["sources"]), tuple(terms), instead
        )
    return out


# --- matching ----------------------------------------------------------------------------

_NEVER = re.compile(r"(?!)")


def _term_pattern(term: str) -> str:
    """A term as a regular expression: words joined by any whitespace (a phrase may be folded
    over two lines), a trailing '*' for any word ending."""
    parts = []
    for word in term.split():
        star = word.endswith("*")
        parts.append(re.escape(word.rstrip("*")) + (r"\w*" if star else ""))
    return r"\s+".join(parts)


@cache
def _pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    # The longest first, so that "too aggressive" is found rather than "aggressive" inside it.
    ordered = sorted({t.strip() for t in terms if t.strip()}, key=len, reverse=True)
    if not ordered:
        return _NEVER
    body = "|".join(_term_pattern(t) for t in ordered)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.IGNORECASE)


@dataclass(frozen=True)
class Matcher:
    """One list with the org's changes applied: its terms and what is neutral."""

    words: WordList
    pattern: re.Pattern[str]
    neutral: re.Pattern[str]

    def find(self, text: str) -> Iterator[re.Match[str]]:
        """The terms in `text`, except those inside a neutral term or phrase."""
        quiet = [m.span() for m in self.neutral.finditer(text)]
        for m in self.pattern.finditer(text):
            if not any(a <= m.start() and m.end() <= b for a, b in quiet):
                yield m


def matchers(org: Organisation, track: str | None) -> dict[str, Matcher]:
    """Every list, extended and silenced as org.yaml `language:` says for this track."""
    changes = settings.of(org).language.for_track(track)
    out = {}
    for list_id, words in word_lists().items():
        terms = words.terms + changes.extend.get(list_id, ())
        out[list_id] = Matcher(words, _pattern(terms), _pattern(changes.neutral.get(list_id, ())))
    return out


# --- the texts of a record ---------------------------------------------------------------


@dataclass
class Text:
    """One piece of prose of a record and how to find its characters in the file."""

    value: str
    """The text as the record holds it."""
    scan: str
    """The same text with code, links' targets, addresses and HTML comments blanked (same length)."""
    where: Callable[[int], tuple[int, int]]
    """(line, column) in the file of the character at an index of `value`."""
    cited: bool
    """The text has its own non-empty evidence list (a feedback quote, a packet claim)."""
    claims: bool
    """Whether its sentences are claims that need evidence (not a development plan)."""
    narrative: bool
    """Whether it counts towards the narrative a rating is compared with."""


_BLANKED = re.compile(
    r"```.*?(?:```|\Z)|~~~.*?(?:~~~|\Z)|`[^`\n]*`|<!--.*?(?:-->|\Z)|\]\([^)\s]*\)|<[a-z][^>\n]*>|https?://\S+",
    re.DOTALL | re.IGNORECASE,
)


def _blank(text: str) -> str:
    return _BLANKED.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def _body_where(record: Record) -> Callable[[int], tuple[int, int]]:
    body = record.body or ""
    first = record.doc.body_line or 1

    def where(index: int) -> tuple[int, int]:
        return first + body.count("\n", 0, index), index - body.rfind("\n", 0, index)

    return where


def _scalar_node(root: yaml.Node | None, path: KeyPath) -> yaml.ScalarNode | None:
    node = root
    for part in path:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == str(part)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
        else:
            return None
    return node if isinstance(node, yaml.ScalarNode) else None


_ESCAPE_LENGTH = {"x": 4, "u": 6, "U": 10}


def align(source: str, value: str) -> list[int]:
    """For each character of a parsed YAML string, its index in the scalar's source text
    (`source`, from the node's start to its end): folded line breaks, indentation, quotes,
    doubled single quotes and backslash escapes are walked over."""
    out: list[int] = []
    n, j = len(source), 0
    quote = source[:1] if source[:1] in ("'", '"') else ""
    if quote:
        j = 1
    elif source[:1] in ("|", ">"):  # a block scalar: its text starts on the next line
        j = source.find("\n") + 1 if "\n" in source else n

    def escape(at: int) -> bool:  # a backslash escape of a double-quoted string (not a line continuation)
        return quote == '"' and source.startswith("\\", at) and not source.startswith("\\\n", at)

    for ch in value:
        if ch.isspace() and not escape(j):
            out.append(min(j, n - 1) if n else 0)
            if j < n and source[j].isspace():
                j += 1
            continue
        while not ch.isspace() and j < n and (source[j].isspace() or (quote == '"' and source.startswith("\\\n", j))):
            j += 1
        out.append(min(j, n - 1) if n else 0)
        if escape(j):  # one character of the value, whatever it stands for
            j += _ESCAPE_LENGTH.get(source[j + 1 : j + 2], 2)
        elif quote == "'" and ch == "'" and source.startswith("''", j):
            j += 2
        elif j < n and source[j] == ch:
            j += 1
    return out


def _yaml_where(record: Record, path: KeyPath, value: str) -> Callable[[int], tuple[int, int]]:
    """Where the characters of a YAML string are; the node tree is composed only when a
    finding asks (most records have none)."""
    doc = record.doc
    found: list[tuple[int, list[int]] | None] = []

    def where(index: int) -> tuple[int, int]:
        if not found:
            node = _scalar_node(doc.positions.root, path)
            found.append(
                None
                if node is None
                else (node.start_mark.index, align(doc.yaml_text[node.start_mark.index : node.end_mark.index], value))
            )
        if found[0] is None:  # not where the data says (an alias, say): the value's start will do
            return doc.at(path)
        start, offsets = found[0]
        at = start + (offsets[index] if 0 <= index < len(offsets) else 0)
        return doc.line_offset + doc.yaml_text.count("\n", 0, at) + 1, at - doc.yaml_text.rfind("\n", 0, at)

    return where


def _field(record: Record, path: KeyPath, *, cited: bool, claims: bool, narrative: bool) -> Text | None:
    value: Any = record.data
    for part in path:
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value):
            value = value[part]
        else:
            return None
    if not isinstance(value, str) or not value.strip():
        return None
    return Text(value, value, _yaml_where(record, path, value), cited, claims, narrative)


def _has_evidence(item: Any) -> bool:
    return isinstance(item, dict) and isinstance(item.get("evidence"), list) and bool(item["evidence"])


def texts(record: Record) -> Iterator[Text]:
    """The prose of a review or packet: its summary, feedback quotes or claims, development
    plan and Markdown body (ids, references and dates are not prose)."""
    data = record.data
    if (found := _field(record, ("summary",), cited=False, claims=True, narrative=True)) is not None:
        yield found
    if record.kind == "review":
        feedback = data.get("feedback")
        for i, item in enumerate(feedback if isinstance(feedback, list) else []):
            quote = _field(record, ("feedback", i, "quote"), cited=_has_evidence(item), claims=True, narrative=True)
            if quote is not None:
                yield quote
        plan = data.get("development_plan")
        for i, item in enumerate(plan if isinstance(plan, list) else []):
            if not isinstance(item, dict):
                continue
            for key in ("skill", "timeline"):
                if found := _field(record, ("development_plan", i, key), cited=False, claims=False, narrative=False):
                    yield found
            for key in ("resources", "success_measures"):
                items = item.get(key)
                for k in range(len(items) if isinstance(items, list) else 0):
                    path = ("development_plan", i, key, k)
                    if (found := _field(record, path, cited=False, claims=False, narrative=False)) is not None:
                        yield found
    else:
        claims = data.get("claims")
        for i, item in enumerate(claims if isinstance(claims, list) else []):
            claim = _field(record, ("claims", i, "claim"), cited=_has_evidence(item), claims=True, narrative=False)
            if claim is not None:
                yield claim
    body = record.body
    if body is not None and body.strip():
        yield Text(body, _blank(body), _body_where(record), False, True, True)


# --- the findings ------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+|\n[ \t]*\n\s*|\n(?=[ \t]*(?:[-*+]\s|\d+[.)]\s|#|\|))")
_CITATION = re.compile(
    r"(?<![\w.-])[a-z0-9][\w.-]*/\d{4}-\d{2}-\d{2}-[\w.-]+"  # an evidence id
    r"|https?://|\bpostmortem:[\w.-]+|[\w.-]+/[\w.-]+(?:#\d+|@[0-9a-f]{7,40})"  # a link, a PR, a commit
    r"|\b(?:PR|MR|pull request)\s*#?\d+",
    re.IGNORECASE,
)
_QUANTITY = re.compile(
    r"(?<![\w./-])(?!(?:19|20)\d\d(?!\d))\d[\d,.]*|%"  # a number, not a year (Q3, p95, l4 are not numbers either)
    r"|\b(?:half|halved|a third|two thirds|one third|twice|doubled|tripled|\w+fold)\b",
    re.IGNORECASE,
)


def sentences(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each sentence: ends at '.', '!' or '?' and a space, a blank line, or
    a new list item, heading or table row."""
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if m.start() > start:
            yield start, m.start()
        start = m.end()
    if start < len(text):
        yield start, len(text)


def _help(words: WordList, found: str) -> str:
    alternative = words.instead.get(re.sub(r"\s+", " ", found).casefold())
    return f"write {alternative} instead" if alternative else words.help


def _term(found: str) -> str:
    return re.sub(r"\s+", " ", found)


def _word_findings(record: Record, text: Text, lists: Mapping[str, Matcher]) -> Iterator[Diagnostic]:
    for list_id in WORD_LISTS:
        matcher = lists[list_id]
        for m in matcher.find(text.scan):
            line, col = text.where(m.start())
            found = _term(m.group(0))
            yield Diagnostic(
                record.display,
                line,
                col,
                matcher.words.rule,
                matcher.words.message.format(term=found),
                WARNING,
                _help(matcher.words, m.group(0)),
            )


def _claim_findings(record: Record, text: Text, impact: Matcher) -> Iterator[Diagnostic]:
    if text.cited or not text.claims:
        return
    for start, end in sentences(text.scan):
        sentence = text.scan[start:end]
        if _CITATION.search(text.value[start:end]) or not _QUANTITY.search(sentence):
            continue
        m = next(impact.find(sentence), None)
        if m is None:
            continue
        line, col = text.where(start + m.start())
        yield Diagnostic(
            record.display,
            line,
            col,
            impact.words.rule,
            impact.words.message.format(term=_term(m.group(0))),
            WARNING,
            impact.words.help,
        )


def _listed(found: list[str]) -> str:
    shown = ", ".join(f"'{t}'" for t in found[:3])
    return shown + (f" and {len(found) - 3} more" if len(found) > 3 else "")


def _rating_finding(
    org: Organisation, record: Record, narrative: list[Text], lists: Mapping[str, Matcher]
) -> Diagnostic | None:
    rating = record.get("rating")
    scale = [str(r.get("id")) for r in settings.of(org).rating_scale if r.get("id") is not None]
    if record.kind != "review" or not isinstance(rating, str) or len(scale) < 2 or rating not in (scale[0], scale[-1]):
        return None
    praise = [_term(m.group(0)).casefold() for t in narrative for m in lists["praise"].find(t.scan)]
    concern = [_term(m.group(0)).casefold() for t in narrative for m in lists["concern"].find(t.scan)]
    if rating == scale[0] and len(concern) >= 2 and len(concern) > len(praise):
        return record.diag(
            "language/rating-mismatch",
            f"the rating '{rating}' is the highest, but the narrative voices {len(concern)} concerns "
            f"({_listed(concern)}) and {len(praise)} praise",
            ("rating",),
            severity=WARNING,
            hint="show in the narrative, with its evidence, what earns the rating, or bring the rating to calibration",
        )
    if rating == scale[-1] and len(praise) >= 2 and not concern:
        return record.diag(
            "language/rating-mismatch",
            f"the rating '{rating}' is the lowest, but the narrative holds only praise ({_listed(praise)})",
            ("rating",),
            severity=WARNING,
            hint="name the gaps that lead to this rating, with their evidence, or bring the rating to calibration",
        )
    return None


def _reviewed(record: Record) -> str | None:
    who = record.get("person" if record.kind == "review" else "candidate")
    return who if isinstance(who, str) else None


def review_findings(org: Organisation, record: Record) -> list[Diagnostic]:
    """The language findings of one review or packet (none for other kinds), with the org's
    word-list changes and the reviewed person's track applied, in file order."""
    if record.kind not in KINDS:
        return []
    who = _reviewed(record)
    lists = matchers(org, org.person_track(who) if who is not None else None)
    found: list[Diagnostic] = []
    narrative = []
    for text in texts(record):
        found.extend(_word_findings(record, text, lists))
        found.extend(_claim_findings(record, text, lists["impact"]))
        if text.narrative:
            narrative.append(text)
    mismatch = _rating_finding(org, record, narrative, lists)
    if mismatch is not None:
        found.append(mismatch)
    return sorted(set(found), key=sort_key)


def config_problems(org: Organisation) -> Iterator[Diagnostic]:
    """org.yaml `language:` entries that name a word list or a track that does not exist."""
    if org.org is None:
        return
    cfg = section(org, "language")
    lists = sorted(word_lists())
    tracks = sorted(org.of_kind("track"))

    def changes(value: Any, path: KeyPath) -> Iterator[Diagnostic]:
        for key in ("extend", "neutral"):
            by_list = value.get(key) if isinstance(value, dict) else None
            for list_id in by_list if isinstance(by_list, dict) else {}:
                if str(list_id) not in lists:
                    assert org.org is not None
                    yield org.org.diag(
                        "language/config",
                        f"language {key} names the word list '{list_id}', which does not exist"
                        + did_you_mean(str(list_id), lists),
                        (*path, key, list_id),
                        key=True,
                        severity=WARNING,
                        hint="the word lists: " + ", ".join(lists),
                    )

    yield from changes(cfg, ("language",))
    by_track = cfg.get("tracks")
    for track, value in by_track.items() if isinstance(by_track, dict) else ():
        if str(track) not in tracks:
            yield org.org.diag(
                "language/config",
                f"language names the track '{track}', which does not exist" + did_you_mean(str(track), tracks),
                ("language", "tracks", track),
                key=True,
                severity=WARNING,
                hint="the tracks: " + ", ".join(tracks) if tracks else "define the track in tracks/",
            )
        yield from changes(value, ("language", "tracks", track))


def check(org: Organisation) -> Iterator[Diagnostic]:
    """What looks at org.yaml alone; each review's and packet's findings are `of_record`'s."""
    yield from config_problems(org)


def of_record(record: Record, org: Organisation) -> Iterator[Diagnostic | Reference]:
    """One review's or packet's findings (`review_findings`; only in the record its kind's
    index holds, not a duplicate's), after the reference to the person it reviews: their
    track decides which word lists apply (org.yaml's lists, the rest of what it reads, are
    read by every record)."""
    if record.kind not in KINDS or org.of_kind(record.kind).get(record.id) is not record:
        return
    who = _reviewed(record)
    if who is not None:
        yield Reference(record, ("person" if record.kind == "review" else "candidate",), Key("person", "", who))
    yield from review_findings(org, record)

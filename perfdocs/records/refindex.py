"""The reverse-reference index: which records name which keys, and which records define them.

A record *defines* keys (a person file defines the person 'ann'; a competency matrix
defines the competencies of its track, and owns that whole namespace, so a competency
missing from it is its matrix's business too) and *references* keys (an evidence entry
names its author and its competencies). `defines` reads the first from one record alone;
the second is what `perfdocs.rules.references` resolves, which yields a `Reference` for
every key it looks up (`perfdocs.rules.references.references` and `.index`). `RefIndex`
joins the two, so that "what does a change to this file break" is a lookup:
`perfdocs.validation` uses it to report the breakage a change causes in records it did not
touch (`validate PATHS`, `--changed-since`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from perfdocs.records.model import JsonPath, Record

ANY = "*"
"""The name of a namespace key: (competency, backend, *) is owned by backend's matrix."""


class Key(NamedTuple):
    """Something a record can name: (kind, scope, name). Top-level ids have no scope
    ('person', '', 'ann'); keys that exist inside another record are scoped by it
    ('competency', 'backend', 'design'; 'level', 'backend', 'l3'; 'key-result', goal id, kr id)."""

    kind: str
    scope: str
    name: str

    @property
    def namespace(self) -> Key | None:
        """The key of whoever owns the scope (the matrix of a track, the track of its levels,
        the goal of its key results, the org record of ratings): None for top-level ids."""
        return Key(self.kind, self.scope, ANY) if self.scope or self.kind in ORG_LISTS else None

    def __str__(self) -> str:
        return f"{self.kind} '{self.scope}/{self.name}'" if self.scope else f"{self.kind} '{self.name}'"


ORG_LISTS = ("rating", "dimension", "repository")
"""Keys the org record lists (its rating scale, dimensions and repositories)."""


@dataclass(frozen=True, eq=False)
class Reference:
    """`record` names `key` at `path`. `via`: the key whose record decides how the name
    resolves (an evidence entry's competencies are looked up in its author's track, so a
    change to the author's track changes what they resolve to)."""

    record: Record
    path: JsonPath
    key: Key
    via: Key | None = None

    def keys(self) -> list[Key]:
        """Every key a change to which can change how this reference resolves."""
        out = [self.key]
        if (ns := self.key.namespace) is not None:
            out.append(ns)
        if self.via is not None:
            out.append(self.via)
        return out


def _ids(items: Any, field_name: str = "id") -> Iterable[str]:
    if isinstance(items, list):
        for item in items:
            if isinstance(item, dict) and isinstance(value := item.get(field_name), str):
                yield value


def defines(record: Record) -> set[Key]:
    """The keys one record defines, namespaces it owns included; read from the record alone
    (it may be an old version of a file, from git, that is not in the organisation)."""
    kind, data = record.kind, record.data
    keys = {Key(kind, "", record.id)}
    if kind == "track":
        keys.add(Key("level", record.id, ANY))
        keys.update(Key("level", record.id, lv) for lv in _ids(data.get("levels")))
    elif kind == "competency-matrix" and isinstance(track := data.get("track"), str):
        keys.add(Key("competency", track, ANY))
        keys.update(Key("competency", track, c) for c in _ids(data.get("competencies")))
    elif kind == "goal":
        keys.add(Key("key-result", record.id, ANY))
        keys.update(Key("key-result", record.id, kr) for kr in _ids(data.get("key_results")))
    elif kind == "org":
        keys.update(Key(what, "", ANY) for what in ORG_LISTS)
        keys.update(Key("rating", "", r) for r in _ids(data.get("rating_scale")))
        keys.update(Key("dimension", "", d) for d in _ids(data.get("dimensions")))
        repos = data.get("repositories")
        if isinstance(repos, dict):
            keys.update(Key("repository", "", str(name).lower()) for name in repos)
    return keys


@dataclass
class RefIndex:
    """Every reference, found by any key it depends on (`Reference.keys`), and every key's
    definers. Built by `perfdocs.rules.references.index(org)`."""

    referrers: dict[Key, list[Reference]] = field(default_factory=lambda: defaultdict(list))
    definers: dict[Key, list[Record]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def build(cls, records: Iterable[Record], references: Iterable[Reference]) -> RefIndex:
        index = cls()
        for record in records:
            for key in defines(record):
                index.definers[key].append(record)
        for ref in references:
            for key in ref.keys():
                index.referrers[key].append(ref)
        return index

    def references_to(self, keys: Iterable[Key]) -> list[Reference]:
        """The references that depend on any of `keys`, each once, in index order."""
        seen: set[int] = set()
        out = []
        for key in keys:
            for ref in self.referrers.get(key, ()):
                if id(ref) not in seen:
                    seen.add(id(ref))
                    out.append(ref)
        return out

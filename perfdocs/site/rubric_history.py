"""Rubric history: how the competency matrices and level definitions changed, from the
git history of their files (date, commit message, and what changed in words).

Criteria that change silently are the "secret law" people stop trusting; this page
makes every change visible. A records folder outside git simply has no history.

Commits come from perfdocs.git.log; past versions of a file are parsed through the records
parser (perfdocs.records.parse) with every limit of the loader. A version that breaks one
(too large, too deep, an alias bomb) is skipped with a note the history page shows, never
expanded: an old commit must not make every later build run out of memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from perfdocs.diagnostics import Diagnostic
from perfdocs.git import log
from perfdocs.git.run import GitError, run, toplevel
from perfdocs.records import parse

MAX_COMMITS = 200
_LIMITS = frozenset({"file/too-large", "yaml/too-deep", "yaml/too-many-nodes"})
"""The loader's limits: a past version that breaks one is skipped with a note, never expanded."""


@dataclass
class Change:
    sha: str
    date: str
    subject: str
    author: str
    file: str
    changes: list[str] = field(default_factory=list)
    skipped: str | None = None
    """Why the change is not described: a version of the file broke a limit of the records loader."""


@dataclass
class _Version:
    data: dict[str, Any]
    skipped: str | None = None


class _Versions:
    """Past versions of files (`sha:path`), read through the records parser with its limits:
    the size is asked of git before the blob is read, and each distinct blob is parsed once."""

    def __init__(self, top: Path) -> None:
        self.top = top
        self.sizes: dict[str, tuple[str, int] | None] = {}
        self.parsed: dict[str, _Version] = {}

    def ask(self, specs: list[str]) -> None:
        """Look up the blob and size of every `sha:path` in one `git cat-file --batch-check`."""
        specs = [s for s in dict.fromkeys(specs) if s not in self.sizes]
        if not specs:
            return
        out = run(self.top, "cat-file", "--batch-check", input="".join(s + "\n" for s in specs).encode())
        lines = out.text.split("\n")
        for i, spec in enumerate(specs):
            words = lines[i].split() if i < len(lines) else []
            found = len(words) == 3 and words[1] == "blob" and words[2].isdigit()
            self.sizes[spec] = (words[0], int(words[2])) if found else None

    def get(self, spec: str, rel: str) -> _Version:
        """The data of one version ({} when the file did not exist then or is not a usable mapping)."""
        self.ask([spec])
        known = self.sizes.get(spec)
        if known is None:
            return _Version({})
        blob, size = known
        if blob not in self.parsed:
            self.parsed[blob] = self._parse(blob, size, rel)
        return self.parsed[blob]

    def _parse(self, blob: str, size: int, rel: str) -> _Version:
        display = f"{rel} at {blob[:10]}"
        if size > parse.MAX_FILE_BYTES:
            return _Version(
                {}, f"{size:,} bytes, larger than the {parse.MAX_FILE_BYTES:,} bytes records may hold [file/too-large]"
            )
        out = run(self.top, "cat-file", "blob", blob, check=False)
        if not out.ok:
            return _Version({})
        text = parse.decode(out.stdout, display)
        if isinstance(text, Diagnostic):
            return _Version({})
        doc = parse.load_text(text, Path(rel), display)
        if doc.data is not None:
            return _Version(doc.data)
        limit = next((d for d in doc.diagnostics if d.rule in _LIMITS), None)
        return _Version({}, f"{limit.message} [{limit.rule}]" if limit else None)


def _text(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and value.get("unchanged") is True:
        return "(unchanged from the level below)"
    return None


def describe(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """What changed between two versions of a matrix or track file, in words."""
    changes: list[str] = []
    if after.get("kind") == "track" or before.get("kind") == "track":
        old = {lv.get("id"): lv for lv in before.get("levels") or [] if isinstance(lv, dict)}
        new = {lv.get("id"): lv for lv in after.get("levels") or [] if isinstance(lv, dict)}
        for lid in new.keys() - old.keys():
            changes.append(f"level {lid} added: {new[lid].get('title', '')}")
        for lid in old.keys() - new.keys():
            changes.append(f"level {lid} removed")
        for lid in [k for k in new if k in old]:
            for key in ("title", "summary", "scope", "complexity", "consistency", "follows"):
                if old[lid].get(key) != new[lid].get(key):
                    changes.append(f"level {lid}: {key} changed to \u201c{new[lid].get(key)}\u201d")
        return changes
    old = {c.get("id"): c for c in before.get("competencies") or [] if isinstance(c, dict)}
    new = {c.get("id"): c for c in after.get("competencies") or [] if isinstance(c, dict)}
    for cid in [k for k in new if k not in old]:
        changes.append(f"competency {cid} added")
    for cid in [k for k in old if k not in new]:
        changes.append(f"competency {cid} removed")
    for cid in [k for k in new if k in old]:
        o, n = old[cid], new[cid]
        for key in ("name", "dimension"):
            if o.get(key) != n.get(key):
                changes.append(f"{cid}: {key} changed from \u201c{o.get(key)}\u201d to \u201c{n.get(key)}\u201d")
        od, nd = o.get("descriptors") or {}, n.get("descriptors") or {}
        od, nd = (od if isinstance(od, dict) else {}), (nd if isinstance(nd, dict) else {})
        for lid in nd:
            if lid not in od:
                changes.append(f"{cid} at {lid}: descriptor added: \u201c{_text(nd[lid])}\u201d")
            elif _text(od[lid]) != _text(nd[lid]):
                changes.append(f"{cid} at {lid}: \u201c{_text(od[lid])}\u201d became \u201c{_text(nd[lid])}\u201d")
        for lid in od:
            if lid not in nd:
                changes.append(f"{cid} at {lid}: descriptor removed")
    return changes


def rubric_history(root: Path, rels: list[str]) -> list[Change] | None:
    """Newest first; None when the records folder is not in a git repository."""
    if not rels:
        return []
    top = toplevel(root)
    if top is None:
        return None
    try:
        prefix = run(root, "rev-parse", "--show-prefix").text.strip()
        found = log.commits(top, paths=[prefix + rel for rel in rels], max_count=MAX_COMMITS, files=True)
    except GitError:
        return []
    wanted = {prefix + rel: rel for rel in rels}
    touched = [(c, name, wanted[name]) for c in found for name in c.files if name in wanted]
    versions = _Versions(top)
    try:
        versions.ask([f"{c.sha}{side}:{name}" for c, name, _ in touched for side in ("", "^")])
        history: list[Change] = []
        for c, name, rel in touched:
            after = versions.get(f"{c.sha}:{name}", rel)
            before = versions.get(f"{c.sha}^:{name}", rel)
            change = Change(c.sha, c.authored.date().isoformat(), c.title, c.author_name, rel)
            if after.skipped:
                change.skipped = f"This version was skipped: {after.skipped}"
            elif before.skipped:
                change.skipped = f"The previous version was skipped: {before.skipped}"
            else:
                change.changes = describe(before.data, after.data) if before.data else ["first version"]
            history.append(change)
    except GitError:
        return []
    return history

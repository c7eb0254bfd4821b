"""Rubric history: how the competency matrices and level definitions changed, from the
git history of their files (date, commit message, and what changed in words).

Criteria that change silently are the "secret law" people stop trusting; this page
makes every change visible. A records folder outside git simply has no history.

History respects visibility as the site does, for the audience it is built for: a version of
a file is described only if that version was visible to the audience at its commit (its own
`visibility`, under the org's `visibility_defaults` of that commit), and a commit's subject
and author are shown only if everything the commit changed, before and after, was visible
too. Otherwise the commit reads NEUTRAL_SUBJECT, with its date and sha only: a subject such as
"Promote alice, raise the l5 bar" must not reach the public site through the matrix it also
touched. Files that are not records (outside the records folder, README.md, CODEOWNERS, ...)
count as internal: whoever can clone the repository reads them, but they are never published.

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
from perfdocs.records import parse, visibility
from perfdocs.records.ladder import NOT_EXPECTED, UNCHANGED, cell_of
from perfdocs.records.load import IGNORED_NAMES
from perfdocs.records.schemas import KINDS

MAX_COMMITS = 200
MAX_FILES_READ = 500
"""The most files of one commit read to decide whether its subject may be shown (a bulk import
of thousands of records would cost seconds a build): beyond it, the subject is not shown."""
NEUTRAL_SUBJECT = "Rubric updated"
"""What a commit says when it also changed something the audience may not see."""
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
    exists: bool = True
    """False when the file did not exist at that commit."""
    usable: bool = True
    """False when the version could not be read as a mapping: its visibility is unknown."""


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
            return _Version({}, exists=False)
        blob, size = known
        if blob not in self.parsed:
            self.parsed[blob] = self._parse(blob, size, rel)
        return self.parsed[blob]

    def _parse(self, blob: str, size: int, rel: str) -> _Version:
        display = f"{rel} at {blob[:10]}"
        if size > parse.MAX_FILE_BYTES:
            return _Version(
                {},
                f"{size:,} bytes, larger than the {parse.MAX_FILE_BYTES:,} bytes records may hold [file/too-large]",
                usable=False,
            )
        out = run(self.top, "cat-file", "blob", blob, check=False)
        if not out.ok:
            return _Version({}, usable=False)
        text = parse.decode(out.stdout, display)
        if isinstance(text, Diagnostic):
            return _Version({}, usable=False)
        doc = parse.load_text(text, Path(rel), display)
        if isinstance(doc.data, dict):
            return _Version(doc.data)
        limit = next((d for d in doc.diagnostics if d.rule in _LIMITS), None)
        return _Version({}, f"{limit.message} [{limit.rule}]" if limit else None, usable=False)


class _Visibility:
    """The visibility of files at past commits, under the org's defaults of each commit."""

    def __init__(self, versions: _Versions, prefix: str, org_rel: str) -> None:
        self.versions = versions
        self.prefix = prefix
        self.org_rel = org_rel
        self.defaults: dict[str, dict[str, str]] = {}

    def _defaults(self, rev: str) -> dict[str, str]:
        if rev not in self.defaults:
            org = self.versions.get(f"{rev}:{self.prefix}{self.org_rel}", self.org_rel)
            self.defaults[rev] = visibility.defaults(org.data.get("visibility_defaults"))
        return self.defaults[rev]

    def of(self, rev: str, name: str) -> str | None:
        """The visibility of the file `name` (as git names it) at `rev`; None when it did not
        exist then. A version that cannot be read is private: the rule fails closed."""
        if name.startswith('"'):
            return "private"  # a name git had to quote: not a record's name, and not worth guessing
        if not name.startswith(self.prefix):
            return "internal"  # outside the records folder: never published
        rel = name[len(self.prefix) :]
        parts = rel.split("/")
        if (
            not rel.endswith(parse.RECORD_SUFFIXES)
            or parts[-1] in IGNORED_NAMES
            or any(part.startswith((".", "_")) for part in parts)
        ):
            return "internal"  # beside the records, not one of them: the loader skips it
        version = self.versions.get(f"{rev}:{name}", rel)
        if not version.exists:
            return None
        if not version.usable:
            return "private"
        kind = version.data.get("kind")
        owner = parts[1] if len(parts) >= 3 and parts[0] == "people" else None
        return visibility.of(
            version.data.get("visibility"), kind if kind in KINDS else None, owner, self._defaults(rev)
        )

    def commit_seen_by(self, commit: log.Commit, audience: str) -> bool:
        """Did `commit` change only what `audience` may see, before and after? A commit that
        changed more than MAX_FILES_READ files is not read file by file: it counts as not."""
        if len(commit.files) > MAX_FILES_READ:
            return False
        # people's folders first: that is where the private records are, and one is enough
        for name in sorted(commit.files, key=lambda n: not n.startswith(self.prefix + "people/")):
            for rev in (commit.sha, commit.sha + "^"):
                level = self.of(rev, name)
                if level is not None and not visibility.visible(level, audience):
                    return False
        return True


def _text(value: object) -> str | None:
    cell = cell_of(value)
    if cell is None:
        return None
    if cell.state == UNCHANGED:
        return "(unchanged from the level below)"
    if cell.state == NOT_EXPECTED:
        return "(not expected at this level)"
    return cell.markdown()


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
            for key in ("title", "summary", "scope", "complexity", "consistency", "follows", "path"):
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
        for key in ("name", "dimension", "summary"):
            if n.get(key) is None and after.get("include"):
                continue  # an override that leaves it to the competency set the matrix includes
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


def rubric_history(root: Path, rels: list[str], audience: str, org_rel: str = "org.yaml") -> list[Change] | None:
    """The changes of the files `rels` (relative to the records folder `root`) that `audience`
    may see, newest first; None when the records folder is not in a git repository.
    `org_rel` is where org.yaml is, for the visibility defaults of each past commit."""
    if not rels:
        return []
    top = toplevel(root)
    if top is None:
        return None
    try:
        prefix = run(root, "rev-parse", "--show-prefix").text.strip()
        found = log.commits(
            top, paths=[prefix + rel for rel in rels], max_count=MAX_COMMITS, files=True, all_files=True
        )
    except GitError:
        return []
    wanted = {prefix + rel: rel for rel in rels}
    touched = [(c, name, wanted[name]) for c in found for name in c.files if name in wanted]
    versions = _Versions(top)
    seen = _Visibility(versions, prefix, org_rel)
    try:
        read = [(c, name) for c, name, _ in touched] + [
            (c, name) for c in found if len(c.files) <= MAX_FILES_READ for name in c.files
        ]
        versions.ask([f"{c.sha}{side}:{name}" for c, name in read for side in ("", "^")])
        history: list[Change] = []
        commit_shown: dict[str, bool] = {}
        for c, name, rel in touched:
            after_level, before_level = seen.of(c.sha, name), seen.of(c.sha + "^", name)
            after_shown = after_level is not None and visibility.visible(after_level, audience)
            before_shown = before_level is not None and visibility.visible(before_level, audience)
            after = versions.get(f"{c.sha}:{name}", rel)
            before = versions.get(f"{c.sha}^:{name}", rel)
            if after.exists and after.usable and not after_shown:
                continue  # a version the audience may not see: not even that it changed
            if not after.exists and not before_shown:
                continue  # a file the audience never saw, removed
            if c.sha not in commit_shown:
                commit_shown[c.sha] = seen.commit_seen_by(c, audience)
            subject, author = (c.title, c.author_name) if commit_shown[c.sha] else (NEUTRAL_SUBJECT, "")
            change = Change(c.sha, c.authored.date().isoformat(), subject, author, rel)
            if after.skipped:
                change.skipped = f"This version was skipped: {after.skipped}"
            elif before.skipped:
                change.skipped = f"The previous version was skipped: {before.skipped}"
            elif not before.exists or not before.data:
                change.changes = ["first version"]
            elif not before_shown:
                change.changes = ["first version shown on this site (the earlier ones were not)"]
            else:
                change.changes = describe(before.data, after.data)
            history.append(change)
    except GitError:
        return []
    return history

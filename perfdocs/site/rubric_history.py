"""Rubric history: how the competency matrices and level definitions changed, from the
git history of their files (date, commit message, and what changed in words).

Criteria that change silently are the "secret law" people stop trusting; this page
makes every change visible. A records folder outside git simply has no history.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import yaml

MAX_COMMITS = 200


@dataclass
class Change:
    sha: str
    date: str
    subject: str
    author: str
    file: str
    changes: list[str] = field(default_factory=list)


def _git(root: Path, *args: str) -> str | None:
    try:
        out = subprocess.run(
            ["git", "-C", str(root), *args],
            check=False,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout if out.returncode == 0 else None


def _load(text: str | None) -> dict:
    if not text:
        return {}
    try:
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def _text(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and value.get("unchanged") is True:
        return "(unchanged from the level below)"
    return None


def describe(before: dict, after: dict) -> list[str]:
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
    top = _git(root, "rev-parse", "--show-toplevel")
    if top is None:
        return None
    prefix = (_git(root, "rev-parse", "--show-prefix") or "").strip()
    log = _git(
        root,
        "log",
        f"--max-count={MAX_COMMITS}",
        "--format=%x1e%H%x1f%as%x1f%an%x1f%s",
        "--name-only",
        "--no-renames",
        "--",
        *rels,
    )
    if log is None:
        return []
    wanted = {prefix + rel: rel for rel in rels}
    history: list[Change] = []
    for entry in log.split("\x1e")[1:]:
        head, _, files = entry.partition("\n")
        sha, date, author, subject = (head.split("\x1f") + ["", "", "", ""])[:4]
        for name in files.split("\n"):
            rel = wanted.get(name.strip())
            if rel is None:
                continue
            after = _load(_git(root, "show", f"{sha}:{name.strip()}"))
            before = _load(_git(root, "show", f"{sha}^:{name.strip()}"))
            changes = describe(before, after) if before else ["first version"]
            history.append(Change(sha, date, subject, author, rel, changes))
    return history

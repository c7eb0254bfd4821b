"""Recorded resolutions re-checked against git: the `Recheck` that `packet check` passes to
perfdocs.people.readiness when the repositories' clones are present.

A `resolved:` block is what `links resolve --write` recorded; a hand edit (another commit,
someone else's email under `as:`, `role: author` typed in) would vouch for work git does not
show. With the clone present, the link is resolved again (perfdocs.links.check, the same
checks as `links check`) and the recorded block must agree with git: the same repository
and commits, the same role, and an identity that git shows in that role. Without the clone
(or for a repository org.yaml does not configure) git cannot tell, and the recorded block is
all there is (perfdocs.records.verification.is_verified, offline).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from perfdocs.links.check import Checker, Resolution
from perfdocs.links.refs import find_repo, repositories
from perfdocs.records import linkforms, verification
from perfdocs.records.model import Record
from perfdocs.records.organisation import Organisation


def agrees(recorded: Any, res: Resolution) -> bool:
    """Whether a recorded `resolved:` block says what git says (`res`, a link that passed its
    checks): repository, commits, role, and the identity in that role."""
    if not isinstance(recorded, dict):
        return False
    if (recorded.get("repo"), recorded.get("commits"), recorded.get("role")) != (res.repo, res.commits, res.role):
        return False
    if res.role == verification.CITED:
        return True
    shown = {verification.AUTHOR: res.authors, verification.REVIEWER: res.reviewers}.get(str(res.role), res.committers)
    matched = recorded.get("as")
    return isinstance(matched, str) and matched.lower() in {e.lower() for e in shown}


class GitRecheck:
    """`verification.Recheck` against the clones that are present (one index per repository,
    loaded once, as `links check` does); a link is resolved again at most once."""

    def __init__(self, org: Organisation, records_root: Path) -> None:
        # Not strict: a missing clone is not an error here; its links fall back to the record.
        self.checker = Checker(org, records_root, strict_clones=False)
        self.checked: set[tuple[str, int]] = set()

    def __call__(self, record: Record, i: int) -> bool | None:
        links = record.get("links")
        if not isinstance(links, list) or not 0 <= i < len(links):
            return None
        text = verification.link_text(links[i])
        ref = linkforms.parse(text) if text else None
        if ref is None or not ref.checks_git:
            return None
        conf = find_repo(self.checker.configs, ref)
        if conf is None or self.checker.repository(conf).index is None:
            return None  # no clone (or no such repository): git cannot tell
        key = (record.id, i)
        if key not in self.checked:
            self.checked.add(key)
            path = ("links", i, "ref") if isinstance(links[i], dict) else ("links", i)
            for _ in self.checker.check_link(record, i, str(text), path):
                pass  # the findings are `links check`'s to report; here only the verdict counts
        res = self.checker.report.resolutions.get(key)
        # No resolution: the link no longer resolves, or proves no role for the evidence's people.
        return res is not None and agrees(links[i].get("resolved") if isinstance(links[i], dict) else None, res)


def recheck_for(org: Organisation, records_root: Path) -> verification.Recheck | None:
    """The git re-check for an organisation that configures repositories; None when it
    configures none (there is nothing to ask git)."""
    if not repositories(org):
        return None
    return GitRecheck(org, records_root)

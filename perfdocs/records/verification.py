"""What "verified" means for an evidence link: one definition, used everywhere.

A link resolved against git proves a *role* for a person in the linked work:

- ``author``: a brought-in (or linked) commit's author email, or a ``Co-authored-by:``
  trailer, is one of the person's identities;
- ``reviewer``: a ``Reviewed-by:``, ``Acked-by:`` or ``Tested-by:`` trailer names them;
- ``committer``: they committed it (squashed, rebased, applied or merged it). Recorded,
  but never authorship unless the org opts in (org.yaml ``links.committer_counts_as_author``,
  for ``git am`` workflows where the committer is the one who wrote the patch);
- ``cited``: the link resolves, but the evidence type claims no role in the work
  (mentoring, on-call, a review left only on the forge...).

A person's identities are the emails of their person record, plus the noreply addresses
GitHub and GitLab derive from the username in its ``github:`` field
(``12345+handle@users.noreply.github.com``, ``handle@users.noreply.github.com``,
``12345-handle@users.noreply.gitlab.com``).

`links resolve --write` records a resolution only for a link that passed its checks, with
the role and the identity it matched (``role: author``, ``as: ann@acme.example``), so that
`packet check`, `score` and `validate` can tell verified from not without the clone:
`is_verified` is that test. Pure data, no git (perfdocs.links does the resolving).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from perfdocs.records.model import Record

AUTHOR = "author"
REVIEWER = "reviewer"
COMMITTER = "committer"
CITED = "cited"
ROLES = (AUTHOR, REVIEWER, COMMITTER, CITED)

_NOREPLY = re.compile(
    r"^(?:(?:\d+\+)?(?P<gh>[A-Za-z0-9_.-]+)@users\.noreply\.github\.com"
    r"|(?:\d+-)?(?P<gl>[A-Za-z0-9_.-]+)@users\.noreply\.gitlab\.com)$",
    re.IGNORECASE,
)
FORGE_COMMITTERS = frozenset({"noreply@github.com", "noreply@gitlab.com"})
"""The committer of a web merge or squash on the forge: never a person."""


class Identity:
    """The addresses that are one person in git: their emails and their forge noreply forms."""

    def __init__(self, emails: Iterable[str], handles: Iterable[str] = ()) -> None:
        self.emails = frozenset(e.lower() for e in emails)
        self.handles = frozenset(h.lower() for h in handles)

    @classmethod
    def of(cls, person: Record | None) -> Identity:
        """The identity of a person record (its `emails` and `github` username)."""
        if person is None:
            return cls(())
        emails = person.get("emails")
        handle = person.get("github")
        return cls(
            [e for e in emails if isinstance(e, str)] if isinstance(emails, list) else [],
            [handle] if isinstance(handle, str) and handle else [],
        )

    def matches(self, email: str) -> bool:
        email = email.lower()
        if email in self.emails:
            return True
        m = _NOREPLY.match(email)
        return m is not None and (m["gh"] or m["gl"] or "").lower() in self.handles

    def first_match(self, emails: Iterable[str]) -> str | None:
        """The first (sorted) of `emails` that is this person, if any."""
        return next((e for e in sorted(emails) if self.matches(e)), None)

    def shown(self) -> str:
        return ", ".join(sorted(self.emails)) or "no emails on record"


def identities_of(evidence: Record, people: Mapping[str, Record]) -> list[Identity]:
    """Whom an evidence entry is by: its author first, then its collaborators. A handle that
    names nobody known is an empty identity (it matches nothing), so the first is always the
    author's."""
    collaborators = evidence.get("collaborators")
    handles = [evidence.get("author"), *(collaborators if isinstance(collaborators, list) else [])]
    return [Identity.of(people.get(h) if isinstance(h, str) else None) for h in handles]


def role_needed(evidence_type: Any, authorship_types: Iterable[str]) -> str | None:
    """The role a link must prove for an evidence type: authorship types need the author,
    a code review the reviewer; other types cite work without claiming a role in it."""
    if evidence_type in set(authorship_types):
        return AUTHOR
    if evidence_type == "code-review":
        return REVIEWER
    return None


def satisfies(role: str | None, needed: str | None, committer_counts_as_author: bool = False) -> bool:
    """Whether a proven role is the one an evidence type needs."""
    if role not in ROLES:
        return False
    if needed == AUTHOR:
        return role == AUTHOR or (committer_counts_as_author and role == COMMITTER)
    if needed == REVIEWER:
        # A review left on the forge leaves no trace in git: a resolved link that the person
        # did not write is what a code review can show (recorded as `cited`).
        return role in (REVIEWER, CITED)
    return True


def is_verified(
    resolved: Any, needed: str | None, identities: Iterable[Identity], committer_counts_as_author: bool = False
) -> bool:
    """Whether a recorded `resolved:` block verifies its link, without git: it records a role
    that satisfies what the evidence type needs, and (for any role but `cited`) the identity
    it matched is one of the people the evidence is by (its author, or a collaborator)."""
    if not isinstance(resolved, dict) or not resolved:
        return False
    role = resolved.get("role")
    if not satisfies(role, needed, committer_counts_as_author):
        return False
    if role == CITED:
        return True
    matched = resolved.get("as")
    return isinstance(matched, str) and any(i.matches(matched) for i in identities)

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

A code review is verified by a reviewer trailer. A `code-review` link with none resolves and
is recorded as ``cited``, but it is *cited, not verified* (the review itself is self-reported),
unless the org opts in with org.yaml ``links.forge_reviews_count: true`` (for orgs whose reviews
live only on the forge, where git keeps no trace of them).

`links resolve --write` records a resolution only for a link that passed its checks, with
the role and the identity it matched (``role: author``, ``as: ann@acme.example``), so that
`packet check`, the site and `validate` can tell verified from not without the clone:
`is_verified` is that test. With the clone present, `packet check` also asks git (a
`Recheck`, built by perfdocs.links.recheck and passed in: this module stays free of git)
whether the recorded block still says what git says; offline the recorded block is all
there is. `evidence_verification` says, for one evidence entry, what each link rests on
(`Basis`): a verified author, a verified reviewer, a postmortem record, a cited link, or
the person's own word (self-reported). Pure data, no git (perfdocs.links does the resolving).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from perfdocs.records import linkforms
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


def satisfies(
    role: str | None, needed: str | None, committer_counts_as_author: bool = False, forge_reviews_count: bool = False
) -> bool:
    """Whether a proven role is the one an evidence type needs."""
    if role not in ROLES:
        return False
    if needed == AUTHOR:
        return role == AUTHOR or (committer_counts_as_author and role == COMMITTER)
    if needed == REVIEWER:
        # A review left on the forge leaves no trace in git: the link resolves (`cited`), but the
        # review is the person's word, unless the org says its reviews live only on the forge.
        return role == REVIEWER or (forge_reviews_count and role == CITED)
    return True


def is_verified(
    resolved: Any,
    needed: str | None,
    identities: Iterable[Identity],
    committer_counts_as_author: bool = False,
    forge_reviews_count: bool = False,
) -> bool:
    """Whether a recorded `resolved:` block verifies its link, without git: it records a role
    that satisfies what the evidence type needs, and (for any role but `cited`) the identity
    it matched is one of the people the evidence is by (its author, or a collaborator)."""
    if not isinstance(resolved, dict) or not resolved:
        return False
    role = resolved.get("role")
    if not satisfies(role, needed, committer_counts_as_author, forge_reviews_count):
        return False
    if role == CITED:
        return True
    matched = resolved.get("as")
    return isinstance(matched, str) and any(i.matches(matched) for i in identities)


# --- what an evidence entry rests on -------------------------------------------------------

Recheck = Callable[[Record, int], bool | None]
"""What git says of evidence `record`'s recorded resolution of link `i`: True when git confirms
it (the commits exist and still prove the recorded role for the recorded identity), False when
git contradicts it (a stale or hand-edited block), None when git cannot tell (no clone)."""

POSTMORTEM = "postmortem"
SELF_REPORTED = "self-reported"
BASES = (AUTHOR, REVIEWER, COMMITTER, POSTMORTEM, CITED, SELF_REPORTED)
"""What a link rests on, strongest first."""
LABELS = {
    AUTHOR: "verified author",
    REVIEWER: "verified reviewer",
    COMMITTER: "verified committer",
    POSTMORTEM: "corroborated by a postmortem record",
    CITED: "cited",
    SELF_REPORTED: "self-reported",
}


@dataclass(frozen=True)
class Basis:
    """What one link of an evidence entry rests on."""

    ref: str | None
    kind: str
    """One of BASES."""
    verified: bool
    repo: str | None = None
    commits: tuple[str, ...] = ()
    """The commits a resolution rests on (empty for a postmortem or an unresolved link)."""
    contradicted: bool = False
    """git (the clone was present) contradicts the recorded resolution."""

    @property
    def label(self) -> str:
        if self.contradicted:
            return "self-reported (the recorded resolution disagrees with git)"
        if self.kind == CITED and not self.verified:
            return "cited, not verified"
        return LABELS[self.kind]


@dataclass(frozen=True)
class Verification:
    """What an evidence entry rests on: one Basis per link."""

    links: tuple[Basis, ...]

    @property
    def verified(self) -> int:
        return sum(b.verified for b in self.links)

    @property
    def strongest(self) -> Basis | None:
        """The verified link it rests on most firmly (None: self-report alone)."""
        verified = [b for b in self.links if b.verified]
        return min(verified, key=lambda b: BASES.index(b.kind)) if verified else None

    @property
    def self_reported(self) -> bool:
        """True when nothing but the person's word stands behind it."""
        return self.strongest is None

    @property
    def label(self) -> str:
        best = self.strongest
        if best is not None:
            return best.label
        # Say why, when a link came close: git contradicts its record, or it is only cited.
        close = next((b for b in self.links if b.contradicted), None) or next(
            (b for b in self.links if b.kind == CITED), None
        )
        return close.label if close is not None else LABELS[SELF_REPORTED]


def link_text(link: object) -> str | None:
    """The link an evidence `links` item names (a string, or a mapping's `ref`)."""
    if isinstance(link, dict):
        ref = link.get("ref")
        return ref if isinstance(ref, str) else None
    return link if isinstance(link, str) else None


def evidence_verification(
    evidence: Record,
    people: Mapping[str, Record],
    postmortems: Container[str],
    authorship_types: Iterable[str],
    committer_counts_as_author: bool = False,
    forge_reviews_count: bool = False,
    recheck: Recheck | None = None,
) -> Verification:
    """What each link of an evidence entry rests on. The one definition of verified: a link is
    verified when its recorded resolution passes `is_verified` and (when `recheck` can ask git)
    git does not contradict it, or when it cites a postmortem record that exists."""
    links = evidence.get("links")
    needed = role_needed(evidence.get("type"), authorship_types)
    identities = identities_of(evidence, people)
    out = []
    for i, link in enumerate(links if isinstance(links, list) else []):
        text = link_text(link)
        parsed = linkforms.parse(text) if text else None
        if parsed is not None and parsed.kind == linkforms.POSTMORTEM:
            found = parsed.postmortem in postmortems
            out.append(Basis(text, POSTMORTEM if found else SELF_REPORTED, found))
            continue
        resolved = link.get("resolved") if isinstance(link, dict) else None
        if not isinstance(resolved, dict) or not resolved:
            out.append(Basis(text, SELF_REPORTED, False))
            continue
        commits = resolved.get("commits")
        shas = tuple(c for c in commits if isinstance(c, str)) if isinstance(commits, list) else ()
        repo = resolved.get("repo") if isinstance(resolved.get("repo"), str) else None
        role = resolved.get("role")
        ok = is_verified(resolved, needed, identities, committer_counts_as_author, forge_reviews_count)
        contradicted = ok and recheck is not None and recheck(evidence, i) is False
        if contradicted or role not in ROLES or (not ok and role != CITED):
            out.append(Basis(text, SELF_REPORTED, False, repo, shas, contradicted))
        else:
            out.append(Basis(text, str(role), ok, repo, shas))
    return Verification(tuple(out))

"""The links index: the history of the branches that ship, as link resolution needs it, sealed on disk.

For each configured repository one `git log` walk (perfdocs.git.log) of its default branch,
and of the maintenance branches org.yaml lists under its `branches`, builds an index: pull
request number -> the commits that merged it, every sha for prefix lookup, and who had a
hand in each commit: its author and co-authors (who wrote it), the people its
`Reviewed-by:`, `Acked-by:` and `Tested-by:` trailers name, and its committer (who merged,
squashed, rebased or applied it: never its author for that alone). It is cached under the
branch heads' shas, sealed with the local key (perfdocs.store), so that an unchanged
repository is not walked again.

Where a pull request is looked for: every commit the walk reaches, which includes work
merged into a maintenance branch and then merged forward into the default branch. Where it
is found in several places (a fix squashed on the default branch and cherry-picked to a
maintenance branch as "Fix (#412)"), the first of these wins: the default branch's
first-parent line, then the first-parent lines of the listed branches, then the rest of
the history.

How a commit names the pull request it merged: a GitHub merge commit ("Merge pull request
#412 from ..."), a merge or squash titled with the PR title ("Title (#412)"), a GitLab merge
("See merge request group/project!412"), or rebased commits carrying a trailer ("PR: #412",
"Pull-Request: acme/payments#412", "Reviewed-on: https://.../pull/412"). The merge style is
read from the commit graph, not from the message alone (`style_of`): a commit with two
parents is a merge, whatever its title.
"""

from __future__ import annotations

import marshal
import re
from bisect import bisect_left
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from perfdocs import store
from perfdocs.git import log
from perfdocs.records import linkforms, verification
from perfdocs.settings import RepoConfig

INDEX_VERSION = 4
_TRAILER_KEYS = {"pr", "pull-request", "pull-requests", "pr-url", "merge-request", "reviewed-on"}
_MERGE_PR = re.compile(r"^Merge pull request #(\d+) from ")
_SQUASH_PR = re.compile(r"\(#(\d+)\)$")  # searched in the subject stripped of trailing space
_GITLAB_MR = re.compile(r"^See merge request (\S+?)!(\d+)\s*$", re.MULTILINE)
_TRAILER = re.compile(r"^([A-Za-z][A-Za-z0-9-]*):(.*)$")  # the value is stripped in Python: a lazy
# `(.+?)\s*$` is quadratic on a long line of spaced words, and a commit message may hold anything


SUBJECT_LIMIT = 200
"""Characters of a subject kept in the index (for messages); a subject may be megabytes long."""
MAINLINE, SHIPPING, ELSEWHERE = 0, 1, 2
"""Where a pull request's merge was found, best first (see the module docstring)."""

log_walks = 0
"""How many times this process walked a repository's log (the index cache makes it rare)."""


def _may_name_a_pr(message: str) -> bool:
    """Every form above holds one of these: a message without any names no pull request (a
    test much cheaper than the forms themselves, on a 50,000-commit walk)."""
    return "#" in message or "!" in message or "/pull/" in message or "merge_requests" in message


@dataclass(slots=True)
class IndexedCommit:
    """What the index keeps of a commit (a perfdocs.git.log.Commit, slimmed for the cache)."""

    sha: str
    parents: Sequence[str]
    author_email: str
    committer_email: str
    date: str
    """Committer date, ISO 8601: when the commit landed."""
    subject: str
    coauthors: list[str]
    reviewers: list[str] = field(default_factory=list)
    """Emails of its `Reviewed-by:`, `Acked-by:` and `Tested-by:` trailers."""


@dataclass
class RepoIndex:
    """Everything link resolution needs from the history of the branches that ship."""

    head: str
    branch: str
    commits: dict[str, IndexedCommit]
    mainline: list[str]
    """The default branch's first-parent line, newest first."""
    prs: dict[int, list[tuple[str, str]]]
    """PR number -> [(sha, merge style)] where it was best found (see the module docstring), oldest first."""
    sides: dict[str, list[str]] = field(default_factory=dict)
    """Merge sha -> the commits it brought in (see `brought_in`): every merge on the
    first-parent line, computed with the index; others when first asked for."""
    shipping: list[tuple[str, str]] = field(default_factory=list)
    """(branch, head sha) of the other branches walked (org.yaml `branches`)."""
    _sorted: list[str] = field(default_factory=list)

    @property
    def where(self) -> str:
        """The branches walked, for messages: `main`, or `main, release/1.x and release/2.x`."""
        names = [self.branch, *(name for name, _ in self.shipping)]
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]

    def __post_init__(self) -> None:
        self._sorted = sorted(self.commits)
        if not self.sides:
            self.sides = merged_sides(self.commits, self.mainline)

    def by_prefix(self, prefix: str) -> list[str]:
        i = bisect_left(self._sorted, prefix)
        out = []
        while i < len(self._sorted) and self._sorted[i].startswith(prefix):
            out.append(self._sorted[i])
            i += 1
        return out

    def brought_in(self, sha: str) -> list[str]:
        """The commits a merge brought in, exactly as git defines it: `M^1..M^2` (and
        `M^3`... of an octopus), the commits reachable from its merged side and not from
        its first parent. A merge off the first-parent line is worked out when first asked."""
        side = self.sides.get(sha)
        if side is None:
            parents = self.commits[sha].parents
            known = _reachable(self.commits, parents[:1], set())
            side = self.sides[sha] = sorted(_reachable(self.commits, parents[1:], known))
        return side

    def _written(self, shas: Iterable[str]) -> list[IndexedCommit]:
        """The commits that carry the work of these: a merge counts for the commits it brought
        in, never for itself (pressing merge is not writing the work), nor for commits its
        first parent already had; merges inside a side add nothing of their own."""
        out: list[IndexedCommit] = []
        for sha in shas:
            commit = self.commits[sha]
            for each in self.brought_in(sha) if len(commit.parents) > 1 else [sha]:
                c = self.commits[each]
                if len(c.parents) <= 1:
                    out.append(c)
        return out

    def authors(self, shas: Iterable[str]) -> set[str]:
        """Who wrote these commits: authors and co-authors, lower case. Not their committers:
        a maintainer who squashed, rebased or applied someone's work committed it."""
        out: set[str] = set()
        for c in self._written(shas):
            out.add(c.author_email.lower())
            out |= {e.lower() for e in c.coauthors}
        return out - {""}  # a commit without an author email (git accepts one) is by nobody

    def reviewers(self, shas: Iterable[str]) -> set[str]:
        """Who reviewed, acked or tested these commits (their trailers, and a merge's own)."""
        out: set[str] = set()
        for c in [*self._written(shas), *(self.commits[s] for s in shas)]:
            out |= {e.lower() for e in c.reviewers}
        return out

    def committers(self, shas: Iterable[str]) -> set[str]:
        """Who committed these commits, merges included (the forge's own committer aside)."""
        out = {c.committer_email.lower() for c in [*self._written(shas), *(self.commits[s] for s in shas)]}
        return out - verification.FORGE_COMMITTERS - {""}

    def to_data(self) -> dict[str, Any]:
        """For the cache: one newline-joined column per field, which loads much faster than
        a value per commit (none of the fields can hold a newline)."""
        cs = list(self.commits.values())
        return {
            "version": INDEX_VERSION,
            "head": self.head,
            "branch": self.branch,
            "sha": "\n".join(c.sha for c in cs),
            "parents": "\n".join(" ".join(c.parents) for c in cs),
            "author": "\n".join(c.author_email for c in cs),
            "committer": "\n".join(c.committer_email for c in cs),
            "date": "\n".join(c.date for c in cs),
            "subject": "\n".join(c.subject for c in cs),
            "coauthors": "\n".join(" ".join(c.coauthors) for c in cs),
            "reviewers": "\n".join(" ".join(c.reviewers) for c in cs),
            "mainline": "\n".join(self.mainline),
            "prs": [(n, sha, style) for n, found in self.prs.items() for sha, style in found],
            "sides": "\n".join(" ".join((merge, *side)) for merge, side in self.sides.items()),
            "shipping": list(self.shipping),
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> RepoIndex:
        columns = [
            data[k].split("\n")
            for k in ("sha", "parents", "author", "committer", "date", "subject", "coauthors", "reviewers")
        ]
        commits = {
            sha: IndexedCommit(sha, parents.split(), author, committer, date, subject, coauthors.split(), rev.split())
            for sha, parents, author, committer, date, subject, coauthors, rev in zip(*columns, strict=True)
        }
        prs: dict[int, list[tuple[str, str]]] = {}
        for number, sha, style in data["prs"]:
            prs.setdefault(number, []).append((sha, style))
        sides = {merge: side for merge, *side in (line.split(" ") for line in data["sides"].split("\n") if line)}
        shipping = [(name, sha) for name, sha in data["shipping"]]
        return cls(data["head"], data["branch"], commits, data["mainline"].split("\n"), prs, sides, shipping)


def _reachable(commits: dict[str, IndexedCommit], starts: Iterable[str], stop: set[str]) -> set[str]:
    """The commits reachable from `starts` (within the index) without passing through `stop`."""
    found: set[str] = set()
    stack = [s for s in starts if s in commits]
    while stack:
        sha = stack.pop()
        if sha in found or sha in stop:
            continue
        found.add(sha)
        stack.extend(p for p in commits[sha].parents if p in commits)
    return found


def merged_sides(commits: dict[str, IndexedCommit], mainline: Sequence[str]) -> dict[str, list[str]]:
    """What each merge on the first-parent line brought in (`M^1..M^2`), in one pass.

    The line is walked from its oldest commit: everything reached so far is exactly what
    the next commit's first parent can reach, so a merge's side is what its other parents
    reach without stepping into it. Each commit is visited once, by the merge that brought
    it in, whatever the nesting of merges inside pull-request branches (issue 21: a walk
    that stopped only at first-parent commits recursed into every back-merge, took seconds
    a merge, and credited everyone whose work had landed meanwhile)."""
    reached: set[str] = set()
    sides: dict[str, list[str]] = {}
    for sha in reversed(mainline):
        parents = commits[sha].parents
        side: list[str] = []
        stack = list(parents[1:])
        while stack:
            each = stack.pop()
            if each in reached or each not in commits:
                continue
            reached.add(each)
            side.append(each)
            stack.extend(commits[each].parents)
        reached.add(sha)
        if len(parents) > 1:
            sides[sha] = side
    return sides


def style_of(form: str, parents: int, rewritten: bool) -> str:
    """How a pull request was merged, from the commit graph and the form that named it: a commit
    with two or more parents is a merge commit, whatever its title (GitHub titles a merge commit
    "Title (#412)" when asked to), `gitlab` when GitLab wrote it; a single-parent commit named by
    its title is a squash (or a merge cherry-picked onto a maintenance branch, which is a squash of
    it); one carrying a PR trailer was rebased onto the branch (`trailer`), or, when its author
    also committed it at the moment they wrote it, reached the branch as it was made: a
    fast-forward push (`fast-forward`)."""
    if parents > 1:
        return "gitlab" if form == "gitlab" else "merge"
    if form == "trailer":
        return "trailer" if rewritten else "fast-forward"
    return "squash"


def _pr_of(message: str, subject: str, names: frozenset[str]) -> tuple[int, str] | None:
    """The pull request a commit merged, and the form that names it, from its message."""
    m = _MERGE_PR.match(subject)
    if m:
        return int(m[1]), "merge"
    for m in _GITLAB_MR.finditer(message) if "See merge request" in message else ():
        if m[1].lower() in names or any(n.endswith("/" + m[1].lower()) for n in names):
            return int(m[2]), "gitlab"
    m = _SQUASH_PR.search(subject)
    if m:
        return int(m[1]), "squash"
    paragraphs = message.strip().split("\n\n")
    if len(paragraphs) > 1:
        for line in paragraphs[-1].splitlines():
            t = _TRAILER.match(line)
            if t and t[1].lower() in _TRAILER_KEYS:
                number = linkforms.pr_numbers_in_trailer(t[2].strip(), names)
                if number is not None:
                    return number, "trailer"
    return None


def _first_parent_line(commits: dict[str, IndexedCommit], head: str, stop: Container[str]) -> list[str]:
    """`head`'s first-parent line, newest first, up to (not into) a commit in `stop`."""
    line: list[str] = []
    sha: str | None = head
    while sha and sha in commits and sha not in stop:
        line.append(sha)
        parents = commits[sha].parents
        sha = parents[0] if parents else None
    return line


def build_index(
    clone: Path, conf: RepoConfig, branch: str, head: str, shipping: Sequence[tuple[str, str]] = ()
) -> RepoIndex:
    """One `git log` walk of the branch (and of the `shipping` branches), parsed (perfdocs.git.log)."""
    global log_walks
    log_walks += 1
    names = conf.names()
    commits: dict[str, IndexedCommit] = {}
    named: dict[str, tuple[int, str]] = {}  # sha -> (PR number, style), for commits that name one
    for c in log.commits(clone, head, *(sha for _, sha in shipping)):
        message = c.message
        subject = message.split("\n", 1)[0].strip()
        short = subject if len(subject) <= SUBJECT_LIMIT else subject[: SUBJECT_LIMIT - 1] + "\u2026"
        commits[c.sha] = IndexedCommit(
            c.sha, c.parents, c.author_email, c.committer_email, c.committer_date, short, c.coauthors, c.reviewers
        )
        found = _pr_of(message, subject, names) if _may_name_a_pr(message) else None
        if found:
            rewritten = (
                c.author_email.lower() != c.committer_email.lower()
                or c.author_name != c.committer_name
                or c.author_date != c.committer_date
            )
            named[c.sha] = found[0], style_of(found[1], len(c.parents), rewritten)
    mainline = _first_parent_line(commits, head, set())
    lines: list[tuple[int, list[str]]] = [(MAINLINE, mainline)]
    on_a_line = set(mainline)
    for _, tip in shipping:
        line = _first_parent_line(commits, tip, on_a_line)
        on_a_line.update(line)
        lines.append((SHIPPING, line))
    # The rest of the history, in git log's order (newest first, by commit date).
    lines.append((ELSEWHERE, [sha for sha in named if sha not in on_a_line]))
    best: dict[int, tuple[int, list[tuple[str, str]]]] = {}
    for rank, line in lines:  # best first; along each line oldest first
        for sha in reversed(line):
            if sha not in named:
                continue
            number, style = named[sha]
            known = best.get(number)
            if known is None:
                best[number] = (rank, [(sha, style)])
            elif known[0] == rank:
                known[1].append((sha, style))
    prs = {number: found for number, (_, found) in best.items()}
    return RepoIndex(head, branch, commits, mainline, prs, shipping=list(shipping))


def load_index(
    clone: Path, conf: RepoConfig, records_root: Path, branch: str, head: str, shipping: Sequence[tuple[str, str]] = ()
) -> RepoIndex:
    """The cached index when the branch heads are unchanged, else a fresh walk (then cached)."""
    folder = store.cache_dir(records_root)
    if folder is None:
        return build_index(clone, conf, branch, head, shipping)
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", conf.name)
    path = folder / f"links-{slug}.marshal"
    try:
        # marshal: several times faster to load than JSON. The folder may sit in a checkout,
        # so a file is read only when it carries the MAC of the local key (perfdocs.store):
        # a committed or crafted index could otherwise vouch for links that do not resolve.
        data = store.read_sealed(path)
        if (
            isinstance(data, dict)
            and data.get("version") == INDEX_VERSION
            and data.get("head") == head
            and data.get("branch") == branch
            and [tuple(pair) for pair in data.get("shipping", ())] == [tuple(pair) for pair in shipping]
        ):
            return RepoIndex.from_data(data)
    except (OSError, ValueError, EOFError, KeyError, TypeError, AttributeError):
        pass  # no cache, or a damaged one: walk again
    index = build_index(clone, conf, branch, head, shipping)
    sealed = store.seal(marshal.dumps(index.to_data()))
    try:
        if sealed is not None:
            store.write_bytes(path, sealed)
    except OSError:
        pass  # a read-only place: the cache is only an optimisation
    return index

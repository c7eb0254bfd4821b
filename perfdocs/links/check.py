"""Evidence links checked against real history: the link/* diagnostics.

The org configuration maps repository names (`acme/payments`) to local clones
(perfdocs.git.clones). For each configured repository the index of its default branch and
of the maintenance branches its `branches` lists (perfdocs.links.index: one `git log`
walk, cached under the branch heads' shas) is loaded once, and every link of every
evidence entry is resolved against it:

- a pull request resolves to the commit(s) that merged it into a branch that ships: on the
  default branch's first-parent line, or merged into a maintenance branch that was merged
  forward or is listed (a merge commit, a squash merge, a GitLab merge, or rebased commits
  carrying a PR trailer: perfdocs.links.index says how each is recognised and labelled);
- a commit sha (full or abbreviated) resolves to exactly one commit;
- the link must prove the role the evidence type needs (perfdocs.records.verification):
  an authorship type (pr, commit, ...) needs the evidence author (or a listed
  collaborator) among the work's authors or co-authors (for a merge commit: of the
  commits it brought in). Committing is not authoring: a maintainer who merged,
  squashed or rebased someone else's pull request is its committer only, unless the
  org opts in (`links.committer_counts_as_author`, for `git am` workflows). A
  code-review is verified by a `Reviewed-by:`/`Acked-by:`/`Tested-by:` trailer (without one
  it resolves and is recorded as `cited`, but is not verified unless org.yaml
  `links.forge_reviews_count` says the org's reviews live only on the forge);
- only a link that passed these checks is kept as a resolution (what
  `links resolve --write` records, with the role and the identity it matched);
- evidence dated long before the work merged is suspicious (a warning);
- a postmortem link needs the author among its participants or action-item owners.

Findings are Diagnostics at the link's position, like every other rule.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Generator, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from perfdocs import dates, settings
from perfdocs.diagnostics import ERROR, WARNING, Diagnostic, display_path
from perfdocs.git import clones, log
from perfdocs.git.run import run
from perfdocs.links.index import RepoIndex, load_index
from perfdocs.links.refs import find_repo, href, repositories, web_url
from perfdocs.records import linkforms, verification
from perfdocs.records.load import Record
from perfdocs.records.organisation import Organisation
from perfdocs.settings import LinksSettings, RepoConfig
from perfdocs.text import did_you_mean

FieldPath = tuple[str | int, ...]
"""Where in a record a finding is: ("links", 2, "ref")."""
AUTHORSHIP_TYPES = LinksSettings().authorship_types
"""Evidence types that claim to have written the linked work (org.yaml `links.authorship_types`
overrides). Reviews, mentoring, on-call, talks... cite other people's work on purpose."""


# --- resolution --------------------------------------------------------------------------


@dataclass
class Resolution:
    repo: str
    ref: linkforms.LinkRef
    commits: list[str]
    """For a PR: the commits that merged it (perfdocs.links.index), oldest first; for a sha: the commit."""
    style: str
    merged_at: str
    authors: set[str]
    """Who wrote the work: authors and co-authors of the commits (brought in)."""
    reviewers: set[str]
    committers: set[str]
    url: str | None
    role: str | None = None
    """The role the link proved for the evidence's author or a collaborator (verification.ROLES)."""
    identity: str | None = None
    """The email that proved it (None for `cited`)."""
    verified: bool = False
    """Whether the role is what the evidence type needs (verification.satisfies): a `code-review`
    link with no reviewer trailer resolves (`cited`) but is not verified, unless the org counts
    forge reviews (`links.forge_reviews_count`)."""

    def record(self, files_changed: int | None) -> dict[str, Any]:
        """The `resolved` mapping written back into the evidence."""
        out: dict[str, Any] = {"repo": self.repo}
        if self.ref.kind == linkforms.PR:
            out["pr"] = self.ref.number
        out["commits"] = list(self.commits)
        out["style"] = self.style
        out["merged_at"] = self.merged_at
        if files_changed is not None:
            out["files_changed"] = files_changed
        if self.url:
            out["url"] = self.url
        out["role"] = self.role
        if self.identity is not None:
            out["as"] = self.identity
        out["verified_at"] = dates.today().isoformat()
        return out


@dataclass
class Repository:
    conf: RepoConfig
    clone: Path | None = None
    index: RepoIndex | None = None
    problem: str | None = None

    def files_changed(self, res: Resolution) -> int | None:
        if self.clone is None or self.index is None:
            return None
        first = self.index.commits[res.commits[0]]
        last = res.commits[-1]
        if first.parents:
            out = run(self.clone, "diff", "--shortstat", first.parents[0], last, check=False)
        else:
            out = run(self.clone, "show", "--shortstat", "--format=", last, check=False)
        if not out.ok:  # the count is a nicety; the resolution stands without it
            return None
        m = re.search(r"(\d+) files? changed", out.text)
        return int(m[1]) if m else 0


@dataclass
class LinkReport:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    resolutions: dict[tuple[str, int], Resolution] = field(default_factory=dict)
    """(evidence id, link index) -> what the link resolved to."""
    skipped: dict[str, str] = field(default_factory=dict)
    """Repository name -> why its links were not checked (validate mode only)."""
    repositories: dict[str, Repository] = field(default_factory=dict)
    links: int = 0

    @property
    def verified(self) -> int:
        """How many of the resolutions verify their link (what `validate` reports)."""
        return sum(res.verified for res in self.resolutions.values())


class Checker:
    """Resolves the links of evidence entries; one index per repository per run."""

    def __init__(
        self, org: Organisation, records_root: Path, tolerance_days: int | None = None, strict_clones: bool = True
    ) -> None:
        self.org = org
        self.root = records_root
        self.configs = repositories(org)
        links = settings.of(org).links
        self.tolerance = int(links.date_tolerance_days if tolerance_days is None else tolerance_days)
        self.authorship_types = links.authorship_types
        self.committer_counts_as_author = links.committer_counts_as_author
        self.forge_reviews_count = links.forge_reviews_count
        self.strict = strict_clones
        self.report = LinkReport()

    # repositories
    def repository(self, conf: RepoConfig) -> Repository:
        known = self.report.repositories.get(conf.name)
        if known is not None:
            return known
        clone, problem = clones.open_clone(conf, self.root)
        entry = Repository(conf, clone, problem=problem)
        if clone is not None:
            head = clones.branch_head(clone, conf)
            if isinstance(head, str):
                entry.problem = head
            else:
                branch, sha = head
                shipping = [(b, s) for b, s in clones.branch_heads(clone, conf.branches) if s != sha and b != branch]
                entry.index = load_index(clone, conf, self.root, branch, sha, shipping)
        if entry.problem:
            if self.strict:
                self.report.diagnostics.append(self._config_diag(conf, entry.problem))
            else:
                self.report.skipped[conf.name] = entry.problem
        self.report.repositories[conf.name] = entry
        return entry

    def _config_diag(self, conf: RepoConfig, message: str) -> Diagnostic:
        org = self.org.org
        path = ("repositories", conf.name)
        if org is None:
            return Diagnostic(display_path(self.root / "org.yaml"), 1, 1, "link/repo-missing", message)
        return org.diag(
            "link/repo-missing",
            message,
            path,
            key=True,
            hint="clone it there, or point the path or the environment variable at a clone",
        )

    # evidence
    def check(self, evidence: Iterable[Record]) -> LinkReport:
        for record in evidence:
            links = record.get("links")
            if not isinstance(links, list):
                continue
            for i, link in enumerate(links):
                text = link.get("ref") if isinstance(link, dict) else link
                if isinstance(text, str):
                    self.report.links += 1
                    path = ("links", i, "ref") if isinstance(link, dict) else ("links", i)
                    self.report.diagnostics.extend(self.check_link(record, i, text, path))
        self.report.diagnostics.sort(key=lambda d: (d.path, d.line, d.col, d.rule))
        return self.report

    def check_link(self, record: Record, i: int, text: str, path: FieldPath) -> Iterable[Diagnostic]:
        ref = linkforms.parse(text)
        if ref.kind == linkforms.UNKNOWN:
            yield record.diag(
                "link/malformed",
                f"{text!r} is not a link perfdocs understands",
                path,
                severity=WARNING,
                hint="use owner/repo#123, a PR or MR URL, owner/repo@<sha>, postmortem:<id> or an http(s) URL",
            )
            return
        if ref.kind == linkforms.POSTMORTEM:
            yield from self.check_postmortem(record, ref, path)
            return
        if not ref.checks_git:
            return
        conf = find_repo(self.configs, ref)
        if conf is None:
            name = f"{ref.web}/{ref.repo}" if ref.web else ref.repo
            known = list(self.configs)
            yield record.diag(
                "link/repo-not-configured",
                f"{text}: repository {name} is not in org.yaml 'repositories'{did_you_mean(ref.repo or '', known)}",
                path,
                severity=WARNING if ref.web else ERROR,
                hint=None if ref.web else "add it under 'repositories' with the path of a local clone",
            )
            return
        entry = self.repository(conf)
        if entry.index is None:
            return  # reported once, at the repository's configuration
        res = yield from self.resolve(record, ref, conf, entry.index, path)
        if res is None:
            return
        proven = list(self.check_role(record, res, path))
        yield from proven
        if not proven:  # only a link that proved its role is verified (and ever recorded)
            self.report.resolutions[(record.id, i)] = res
        yield from self.check_date(record, res, path)
        link = record.get("links")[i]
        if isinstance(link, dict) and isinstance(link.get("resolved"), dict):
            yield from self.check_recorded(record, res, link["resolved"], ("links", i, "resolved"))

    def resolve(
        self, record: Record, ref: linkforms.LinkRef, conf: RepoConfig, index: RepoIndex, path: FieldPath
    ) -> Generator[Diagnostic, None, Resolution | None]:
        """Diagnostics while resolving a link; returns what it resolved to, if anything."""
        text = ref.text
        if ref.kind == linkforms.PR:
            found = index.prs.get(ref.number) if ref.number is not None else None
            if not found:
                yield record.diag(
                    "link/unresolved",
                    f"{text}: no commit on {index.where} of {conf.name} merged pull request #{ref.number}",
                    path,
                    hint=f"looked for 'Merge pull request #{ref.number}', '(#{ref.number})', "
                    f"'See merge request ...!{ref.number}' and PR trailers",
                )
                return None
            shas = [sha for sha, _ in found]
            styles = sorted({style for _, style in found})
            return Resolution(
                conf.name,
                ref,
                shas,
                "+".join(styles),
                merged_at(index.commits[shas[-1]].date),
                index.authors(shas),
                index.reviewers(shas),
                index.committers(shas),
                web_url(conf, ref),
            )
        matches = index.by_prefix(ref.sha or "")
        if not matches:
            yield record.diag("link/unresolved", f"{text}: no commit {ref.sha} on {index.where} of {conf.name}", path)
            return None
        if len(matches) > 1:
            shown = ", ".join(
                f"{s[:12]} ({index.commits[s].date[:10]} {index.commits[s].subject!r})" for s in matches[:10]
            )
            more = f" and {len(matches) - 10} more" if len(matches) > 10 else ""
            yield record.diag(
                "link/ambiguous-sha",
                f"{text}: the short sha {ref.sha} matches {len(matches)} commits: {shown}{more}",
                path,
                hint="write more digits of the sha",
            )
            return None
        sha = matches[0]
        full = linkforms.LinkRef(text, linkforms.COMMIT, ref.repo, sha=sha, web=ref.web)
        return Resolution(
            conf.name,
            ref,
            [sha],
            "commit",
            merged_at(index.commits[sha].date),
            index.authors([sha]),
            index.reviewers([sha]),
            index.committers([sha]),
            web_url(conf, full),
        )

    def check_role(self, record: Record, res: Resolution, path: FieldPath) -> Iterable[Diagnostic]:
        """Work out the role the link proves for the evidence's author (or a collaborator) and
        whether the evidence type's needs are met; sets `res.role` and `res.identity`."""
        needed = verification.role_needed(record.get("type"), self.authorship_types)
        author = record.get("author")
        identities = verification.identities_of(record, self.org.people)
        roles = [(verification.AUTHOR, res.authors), (verification.REVIEWER, res.reviewers)]
        roles.append((verification.COMMITTER, res.committers))
        for role, emails in roles:
            # The evidence's author first, then collaborators: an author's own match is the one to record.
            found = next((m for m in (i.first_match(emails) for i in identities) if m is not None), None)
            if found is not None and verification.satisfies(role, needed, self.committer_counts_as_author):
                res.role, res.identity, res.verified = role, found, True
                return
        if needed != verification.AUTHOR:
            # It resolves, and is recorded as `cited`; a code review without a reviewer trailer
            # is the person's word, not verified (unless the org counts forge reviews).
            res.role = verification.CITED
            res.verified = verification.satisfies(
                res.role, needed, self.committer_counts_as_author, self.forge_reviews_count
            )
            return
        mine = identities[0]
        by = ", ".join(sorted(res.authors - verification.FORGE_COMMITTERS)) or "nobody"
        committed = sorted(e for e in res.committers if mine.matches(e))
        also = f"; {author} only committed it ({', '.join(committed)}), which is not writing it" if committed else ""
        yield record.diag(
            "link/not-author",
            f"{res.ref.text} was not authored by the evidence's author {author} "
            f"({mine.shown()}): its commits are by {by}{also}",
            path,
            hint="add the author's email to their person record, list the real author under "
            "'collaborators', or use a type that does not claim authorship (e.g. code-review)",
        )

    def check_date(self, record: Record, res: Resolution, path: FieldPath) -> Iterable[Diagnostic]:
        day = dates.parse_date(record.get("date"))
        merged = dates.parse_datetime(res.merged_at)
        if day is None or merged is None:
            return
        gap = (merged.date() - day).days
        if gap > self.tolerance:
            yield record.diag(
                "link/date-mismatch",
                f"the evidence is dated {day.isoformat()} but {res.ref.text} merged on "
                f"{merged.date().isoformat()}, {gap} days later (tolerance {self.tolerance} days)",
                path,
                severity=WARNING,
                hint="date the evidence when the work landed",
            )

    def check_recorded(
        self, record: Record, res: Resolution, recorded: dict[str, Any], path: FieldPath
    ) -> Iterable[Diagnostic]:
        """A `resolved:` block must say what git says: it is what the site and packets show
        as verified, so a stale or hand-edited one would vouch for the wrong commits."""
        claimed = (recorded.get("repo"), recorded.get("commits"), recorded.get("merged_at"))
        actual = (res.repo, res.commits, res.merged_at)
        if claimed != actual:
            differs = [
                name for name, a, b in zip(("repo", "commits", "merged_at"), claimed, actual, strict=True) if a != b
            ]
            yield record.diag(
                "link/stale-resolution",
                f"the recorded resolution of {res.ref.text} disagrees with git ({', '.join(differs)})",
                path,
                hint="run 'perfdocs links resolve --write' to record what git says",
            )

    def check_postmortem(self, record: Record, ref: linkforms.LinkRef, path: FieldPath) -> Iterable[Diagnostic]:
        pm = self.org.postmortems.get(ref.postmortem or "")
        if pm is None:
            return  # ref/unknown-postmortem reports it
        author = record.get("author")
        people = {x for x in pm.get("participants") or [] if isinstance(x, str)}
        items = pm.get("action_items")
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and isinstance(item.get("owner"), str):
                people.add(item["owner"])
        if author not in people:
            yield record.diag(
                "link/postmortem-not-participant",
                f"{author} is neither a participant nor an action-item owner of postmortem {ref.postmortem}",
                path,
                hint=f"add {author} to {pm.display}'s participants, or link something else",
            )


def merged_at(text: str) -> str:
    """When a commit landed, as the ISO 8601 text git printed, or (for a date git printed in a
    form Python cannot read: year 1, year 9999 at +14:00, an offset of +99:59, or no date at
    all) the same moment held to a readable range, in UTC: odd history is data, not a crash."""
    try:
        if dt.datetime.fromisoformat(text).tzinfo is not None:
            return text
    except ValueError:
        pass
    return log.when(text).isoformat()


def evidence_in(org: Organisation, only: Iterable[str | os.PathLike[str]] | None) -> list[Record]:
    records = list(org.evidence.values())
    if only is None:
        return records
    selected = [Path(p).resolve() for p in only]
    out = []
    for record in records:
        target = Path(record.doc.path).resolve()
        if any(target == p or target.is_relative_to(p) for p in selected):
            out.append(record)
    return out


def check(
    org: Organisation,
    records_root: Path,
    only: Iterable[str | os.PathLike[str]] | None = None,
    tolerance_days: int | None = None,
    strict_clones: bool = True,
) -> LinkReport:
    """Every link problem of the evidence (in `only`, when given). With strict_clones=False
    (what `validate` uses), repositories that are not cloned are skipped and listed in
    `skipped` instead of being reported as errors."""
    checker = Checker(org, records_root, tolerance_days, strict_clones)
    return checker.check(evidence_in(org, only))


def resolutions_for_writing(org: Organisation, report: LinkReport) -> dict[str, dict[int, dict[str, Any]]]:
    """Evidence file path -> {link index: the `resolved` mapping}, for `links resolve --write`."""
    out: dict[str, dict[int, dict[str, Any]]] = {}
    for (rid, i), res in sorted(report.resolutions.items()):
        record = org.evidence[rid]
        entry = report.repositories[res.repo]
        out.setdefault(str(record.doc.path), {})[i] = res.record(entry.files_changed(res))
    return out


__all__ = [
    "AUTHORSHIP_TYPES",
    "Checker",
    "LinkReport",
    "RepoConfig",
    "Resolution",
    "check",
    "href",
    "repositories",
    "resolutions_for_writing",
]

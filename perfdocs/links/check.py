"""Evidence links checked against real history: the only module that imports git.

The org configuration maps repository names (`acme/payments`) to local clones. For
each configured repository one `git log` walk of its default branch builds an index
(pull request number -> the commits that merged it, every sha for prefix lookup,
authors and co-authors), cached on disk under the branch head's sha so that an
unchanged repository is not walked again. Every link of every evidence entry is then
resolved against the index:

- a pull request resolves to the commit(s) on the default branch's first-parent line
  that merged it: a GitHub merge commit ("Merge pull request #412 from ..."), a squash
  merge ("Title (#412)"), a GitLab merge ("See merge request group/project!412"), or
  rebased commits carrying a trailer ("PR: #412", "Pull-Request: acme/payments#412",
  "Reviewed-on: https://.../pull/412");
- a commit sha (full or abbreviated) resolves to exactly one commit;
- the evidence author must be among the work's authors, committers or co-authors
  (for a merge commit: of the commits it brought in, since whoever pressed "merge"
  did not thereby write the change), unless the evidence type does not claim
  authorship (code-review, mentoring, ...) or the author is a listed collaborator;
- evidence dated long before the work merged is suspicious (a warning);
- a postmortem link needs the author among its participants or action-item owners.

Findings are Diagnostics at the link's position, like every other rule.
"""

from __future__ import annotations

import marshal
import os
import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from perfdocs import dates, store
from perfdocs.diagnostics import ERROR, WARNING, Diagnostic, display_path
from perfdocs.errors import PerfdocsError
from perfdocs.links import refs
from perfdocs.records.load import Record
from perfdocs.records.organisation import Organisation
from perfdocs.text import did_you_mean

INDEX_VERSION = 1
DEFAULT_TOLERANCE_DAYS = 14
AUTHORSHIP_TYPES = frozenset({"pr", "commit", "tooling", "documentation", "design-doc", "rfc", "other"})
"""Evidence types that claim to have written the linked work (org.yaml `links.authorship_types`
overrides). Reviews, mentoring, on-call, talks... cite other people's work on purpose."""
_TRAILER_KEYS = {"pr", "pull-request", "pull-requests", "pr-url", "merge-request", "reviewed-on"}
_MERGE_PR = re.compile(r"^Merge pull request #(\d+) from ")
_SQUASH_PR = re.compile(r"\(#(\d+)\)\s*$")
_GITLAB_MR = re.compile(r"^See merge request (\S+?)!(\d+)\s*$", re.MULTILINE)
_TRAILER = re.compile(r"^([A-Za-z][A-Za-z0-9-]*):\s*(.+?)\s*$")
_COAUTHOR = re.compile(r"^Co-authored-by:.*<([^<>\s]+)>\s*$", re.MULTILINE | re.IGNORECASE)
_FIELD, _RECORD = "\x1f", "\x1e"
_LOG_FORMAT = _FIELD.join(["%H", "%P", "%an", "%ae", "%ce", "%cI", "%B"]) + _RECORD

log_walks = 0
"""How many times this process walked a repository's log (the index cache makes it rare)."""


# --- configuration -----------------------------------------------------------------------


@dataclass(frozen=True)
class RepoConfig:
    """One entry of org.yaml `repositories`."""

    name: str
    path: str | None = None
    env: str | None = None
    url: str | None = None
    host: str = "github"
    default_branch: str | None = None

    @property
    def env_var(self) -> str:
        return self.env or "PERFDOCS_REPO_" + re.sub(r"[^A-Z0-9]+", "_", self.name.upper()).strip("_")

    def location(self, records_root: Path) -> tuple[Path | None, str]:
        """Where the clone is, and how that was decided (for messages)."""
        override = os.environ.get(self.env_var)
        if override:
            return Path(override), f"${self.env_var}"
        if self.path:
            return records_root / self.path, "org.yaml"
        return None, "org.yaml"

    def names(self) -> frozenset[str]:
        """Lower-case names a link or a trailer may use for this repository."""
        out = {self.name.lower()}
        if self.url:
            url = self.url.rstrip("/").removesuffix(".git").lower()
            out.add(url)
            out.add(url.split("://", 1)[-1].split("/", 1)[-1])
        return frozenset(out)

    def web_url(self, ref: refs.LinkRef) -> str | None:
        if not self.url:
            return None
        base = self.url.rstrip("/").removesuffix(".git")
        dash = "/-" if self.host == "gitlab" else ""
        if ref.kind == refs.PR:
            return f"{base}{dash}/{'merge_requests' if self.host == 'gitlab' else 'pull'}/{ref.number}"
        if ref.kind == refs.COMMIT:
            return f"{base}{dash}/commit/{ref.sha}"
        return None


def repositories(org: Organisation) -> dict[str, RepoConfig]:
    raw = org.setting("repositories", {})
    out: dict[str, RepoConfig] = {}
    if not isinstance(raw, dict):
        return out
    for name, conf in raw.items():
        conf = conf if isinstance(conf, dict) else {}
        keys = ("path", "env", "url", "host", "default_branch")
        values = {k: conf[k] for k in keys if isinstance(conf.get(k), str)}
        out[name] = RepoConfig(name, **values)
    return out


def find_repo(configs: dict[str, RepoConfig], ref: refs.LinkRef) -> RepoConfig | None:
    """The configured repository a link names: by its name (or its URL's path) for the short
    forms, by its web URL for URLs (or by name when no URL is configured)."""
    if ref.repo is None:
        return None
    repo = ref.repo.lower()
    for conf in configs.values():
        if ref.web:
            if f"{ref.web}/{repo}" in conf.names() or (conf.url is None and repo == conf.name.lower()):
                return conf
        elif repo in conf.names():
            return conf
    return None


def href(org: Organisation, text: str) -> str | None:
    """The web address to show for a link (no git needed): a PR or commit through its
    repository's `url`, a URL as written; None for postmortems and unknown repositories."""
    ref = refs.parse(text)
    if ref.kind == refs.URL:
        return text.strip()
    if not ref.checks_git:
        return None
    conf = find_repo(repositories(org), ref)
    if conf is not None and conf.url:
        return conf.web_url(ref)
    return text.strip() if ref.web else None


# --- the index ---------------------------------------------------------------------------


@dataclass
class Commit:
    sha: str
    parents: list[str]
    author_email: str
    committer_email: str
    date: str
    """Committer date, ISO 8601: when the commit landed."""
    subject: str
    coauthors: list[str]


@dataclass
class RepoIndex:
    """Everything link resolution needs from one branch's history."""

    head: str
    branch: str
    commits: dict[str, Commit]
    mainline: list[str]
    """The branch's first-parent line, newest first."""
    prs: dict[int, list[tuple[str, str]]]
    """PR number -> [(sha, merge style)] on the first-parent line, oldest first."""
    _sorted: list[str] = field(default_factory=list)
    _mainline_set: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        self._sorted = sorted(self.commits)
        self._mainline_set = frozenset(self.mainline)

    def by_prefix(self, prefix: str) -> list[str]:
        i = bisect_left(self._sorted, prefix)
        out = []
        while i < len(self._sorted) and self._sorted[i].startswith(prefix):
            out.append(self._sorted[i])
            i += 1
        return out

    def brought_in(self, sha: str, limit: int = 10_000) -> list[str]:
        """The commits a merge brought to the first-parent line (its other parents' side)."""
        commit = self.commits[sha]
        out, stack, seen = [], list(commit.parents[1:]), set()
        while stack and len(out) < limit:
            s = stack.pop()
            if s in seen or s in self._mainline_set or s not in self.commits:
                continue
            seen.add(s)
            out.append(s)
            stack.extend(self.commits[s].parents)
        return out

    def emails(self, shas: Iterable[str]) -> set[str]:
        """Who wrote these commits: authors, committers and co-authors, lower case."""
        out: set[str] = set()
        for sha in shas:
            commit = self.commits[sha]
            if len(commit.parents) > 1:
                out |= self.emails(self.brought_in(sha))
                continue
            out |= {commit.author_email.lower(), commit.committer_email.lower()}
            out |= {e.lower() for e in commit.coauthors}
        return out

    def to_data(self) -> dict:
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
            "mainline": "\n".join(self.mainline),
            "prs": [(n, sha, style) for n, found in self.prs.items() for sha, style in found],
        }

    @classmethod
    def from_data(cls, data: dict) -> RepoIndex:
        columns = [
            data[k].split("\n") for k in ("sha", "parents", "author", "committer", "date", "subject", "coauthors")
        ]
        commits = {
            sha: Commit(sha, parents.split(), author, committer, date, subject, coauthors.split())
            for sha, parents, author, committer, date, subject, coauthors in zip(*columns, strict=True)
        }
        prs: dict[int, list[tuple[str, str]]] = {}
        for number, sha, style in data["prs"]:
            prs.setdefault(number, []).append((sha, style))
        return cls(data["head"], data["branch"], commits, data["mainline"].split("\n"), prs)


def _pr_of(message: str, subject: str, names: frozenset[str]) -> tuple[int, str] | None:
    """The pull request a first-parent commit merged, and how, from its message."""
    m = _MERGE_PR.match(subject)
    if m:
        return int(m[1]), "merge"
    for m in _GITLAB_MR.finditer(message):
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
                number = refs.pr_numbers_in_trailer(t[2], names)
                if number is not None:
                    return number, "trailer"
    return None


def _open(conf: RepoConfig, records_root: Path):
    """The GitPython Repo of a configured clone, or (None, why not)."""
    try:
        import git
    except ImportError as err:  # GitPython refuses to import without a git executable
        raise PerfdocsError(f"git is not available: {str(err).splitlines()[0]}") from None
    where, source = conf.location(records_root)
    if where is None:
        return None, f"repository {conf.name} has no 'path' in org.yaml and ${conf.env_var} is not set"
    try:
        return git.Repo(where), None
    except (git.exc.NoSuchPathError, git.exc.InvalidGitRepositoryError):
        how = (
            ("set by " + source)
            if source.startswith("$")
            else f"from org.yaml; set ${conf.env_var} to use another clone"
        )
        return None, (f"repository {conf.name} is not cloned: no git repository at {display_path(where)} ({how})")


def _head(repo, conf: RepoConfig) -> tuple[str, str] | str:
    """(branch, head sha) of the default branch, or why there is none."""
    branch = conf.default_branch
    if branch is None:
        try:
            branch = repo.active_branch.name
        except TypeError:  # detached HEAD: use HEAD itself
            branch = "HEAD"
    import git

    try:
        return branch, repo.commit(branch).hexsha
    except (ValueError, git.exc.ODBError, git.exc.GitError):  # no such ref, or no commits yet
        return f"repository {conf.name} has no branch {branch!r} (its default_branch in org.yaml)"


def build_index(repo, conf: RepoConfig, branch: str, head: str) -> RepoIndex:
    """One `git log` walk of the branch, parsed: far faster than iterating Commit objects."""
    global log_walks
    log_walks += 1
    out = repo.git.log(head, f"--format={_LOG_FORMAT}", "--no-color")
    commits: dict[str, Commit] = {}
    messages: dict[str, str] = {}
    for entry in out.split(_RECORD):
        entry = entry.lstrip("\n")
        if not entry:
            continue
        sha, parents, _name, author, committer, date, message = entry.split(_FIELD, 6)
        subject = message.split("\n", 1)[0].strip()
        commits[sha] = Commit(sha, parents.split(), author, committer, date, subject, _COAUTHOR.findall(message))
        messages[sha] = message
    mainline: list[str] = []
    sha: str | None = head
    while sha and sha in commits:
        mainline.append(sha)
        parents = commits[sha].parents
        sha = parents[0] if parents else None
    names = conf.names()
    prs: dict[int, list[tuple[str, str]]] = {}
    for sha in reversed(mainline):
        commit = commits[sha]
        found = _pr_of(messages[sha], commit.subject, names)
        if found:
            prs.setdefault(found[0], []).append((sha, found[1]))
    return RepoIndex(head, branch, commits, mainline, prs)


def load_index(repo, conf: RepoConfig, records_root: Path, branch: str, head: str) -> RepoIndex:
    """The cached index when the branch head is unchanged, else a fresh walk (then cached)."""
    folder = store.cache_dir(records_root)
    if folder is None:
        return build_index(repo, conf, branch, head)
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", conf.name)
    path = folder / f"links-{slug}.marshal"
    try:
        # marshal: several times faster to load than JSON. The folder may sit in a checkout,
        # so a file is read only when it carries the MAC of the local key (perfdocs.store):
        # a committed or crafted index could otherwise vouch for links that do not resolve.
        blob = store.unseal(path.read_bytes())
        data = marshal.loads(blob) if blob is not None else None
        if (
            isinstance(data, dict)
            and data.get("version") == INDEX_VERSION
            and data.get("head") == head
            and data.get("branch") == branch
        ):
            return RepoIndex.from_data(data)
    except (OSError, ValueError, EOFError, KeyError, TypeError, AttributeError):
        pass  # no cache, or a damaged one: walk again
    index = build_index(repo, conf, branch, head)
    sealed = store.seal(marshal.dumps(index.to_data()))
    try:
        if sealed is not None:
            store.write_bytes(path, sealed)
    except OSError:
        pass  # a read-only place: the cache is only an optimisation
    return index


# --- resolution --------------------------------------------------------------------------


@dataclass
class Resolution:
    repo: str
    ref: refs.LinkRef
    commits: list[str]
    """For a PR: the first-parent commits that merged it, oldest first; for a sha: the commit."""
    style: str
    merged_at: str
    emails: set[str]
    url: str | None

    def record(self, files_changed: int | None) -> dict[str, Any]:
        """The `resolved` mapping written back into the evidence."""
        out: dict[str, Any] = {"repo": self.repo}
        if self.ref.kind == refs.PR:
            out["pr"] = self.ref.number
        out["commits"] = list(self.commits)
        out["style"] = self.style
        out["merged_at"] = self.merged_at
        if files_changed is not None:
            out["files_changed"] = files_changed
        if self.url:
            out["url"] = self.url
        out["verified_at"] = dates.today().isoformat()
        return out


@dataclass
class Repository:
    conf: RepoConfig
    repo: Any = None
    index: RepoIndex | None = None
    problem: str | None = None

    def files_changed(self, res: Resolution) -> int | None:
        first = self.index.commits[res.commits[0]]
        last = res.commits[-1]
        args = [first.parents[0], last] if first.parents else [last]
        import git

        try:
            if first.parents:
                out = self.repo.git.diff("--shortstat", *args)
            else:
                out = self.repo.git.show("--shortstat", "--format=", last)
        except git.exc.GitError:  # the count is a nicety; the resolution stands without it
            return None
        m = re.search(r"(\d+) files? changed", out)
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


class Checker:
    """Resolves the links of evidence entries; one index per repository per run."""

    def __init__(
        self, org: Organisation, records_root: Path, tolerance_days: int | None = None, strict_clones: bool = True
    ) -> None:
        self.org = org
        self.root = records_root
        self.configs = repositories(org)
        settings = org.setting("links", {})
        settings = settings if isinstance(settings, dict) else {}
        if tolerance_days is None:
            tolerance_days = settings.get("date_tolerance_days", DEFAULT_TOLERANCE_DAYS)
        self.tolerance = int(tolerance_days)
        types = settings.get("authorship_types")
        self.authorship_types = frozenset(types) if isinstance(types, list) else AUTHORSHIP_TYPES
        self.strict = strict_clones
        self.report = LinkReport()

    # repositories
    def repository(self, conf: RepoConfig) -> Repository:
        known = self.report.repositories.get(conf.name)
        if known is not None:
            return known
        repo, problem = _open(conf, self.root)
        entry = Repository(conf, repo, problem=problem)
        if repo is not None:
            head = _head(repo, conf)
            if isinstance(head, str):
                entry.problem = head
            else:
                entry.index = load_index(repo, conf, self.root, *head)
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

    def check_link(self, record: Record, i: int, text: str, path: tuple) -> Iterable[Diagnostic]:
        ref = refs.parse(text)
        if ref.kind == refs.UNKNOWN:
            yield record.diag(
                "link/malformed",
                f"{text!r} is not a link perfdocs understands",
                path,
                severity=WARNING,
                hint="use owner/repo#123, a PR or MR URL, owner/repo@<sha>, postmortem:<id> or an http(s) URL",
            )
            return
        if ref.kind == refs.POSTMORTEM:
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
                f"{text}: repository {name} is not in org.yaml 'repositories'{did_you_mean(ref.repo, known)}",
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
        self.report.resolutions[(record.id, i)] = res
        yield from self.check_author(record, res, path)
        yield from self.check_date(record, res, path)
        link = record.get("links")[i]
        if isinstance(link, dict) and isinstance(link.get("resolved"), dict):
            yield from self.check_recorded(record, res, link["resolved"], ("links", i, "resolved"))

    def resolve(self, record: Record, ref: refs.LinkRef, conf: RepoConfig, index: RepoIndex, path: tuple):
        text = ref.text
        if ref.kind == refs.PR:
            found = index.prs.get(ref.number)
            if not found:
                yield record.diag(
                    "link/unresolved",
                    f"{text}: no commit on {index.branch} of {conf.name} merged pull request #{ref.number}",
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
                index.commits[shas[-1]].date,
                index.emails(shas),
                conf.web_url(ref),
            )
        matches = index.by_prefix(ref.sha)
        if not matches:
            yield record.diag("link/unresolved", f"{text}: no commit {ref.sha} on {index.branch} of {conf.name}", path)
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
        full = refs.LinkRef(text, refs.COMMIT, ref.repo, sha=sha, web=ref.web)
        return Resolution(
            conf.name, ref, [sha], "commit", index.commits[sha].date, index.emails([sha]), conf.web_url(full)
        )

    def _emails(self, handle: Any) -> set[str]:
        person = self.org.people.get(handle) if isinstance(handle, str) else None
        emails = person.get("emails") if person else None
        return {e.lower() for e in emails if isinstance(e, str)} if isinstance(emails, list) else set()

    def check_author(self, record: Record, res: Resolution, path: tuple) -> Iterable[Diagnostic]:
        if record.get("type") not in self.authorship_types:
            return
        author = record.get("author")
        mine = self._emails(author)
        if mine & res.emails:
            return
        collaborators = record.get("collaborators")
        for handle in collaborators if isinstance(collaborators, list) else []:
            if self._emails(handle) & res.emails:
                return
        by = ", ".join(sorted(res.emails)) or "nobody"
        yield record.diag(
            "link/not-author",
            f"{res.ref.text} was not authored by the evidence's author {author} "
            f"({', '.join(sorted(mine)) or 'no emails on record'}): its commits are by {by}",
            path,
            hint="add the author's email to their person record, list the real author under "
            "'collaborators', or use a type that does not claim authorship (e.g. code-review)",
        )

    def check_date(self, record: Record, res: Resolution, path: tuple) -> Iterable[Diagnostic]:
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

    def check_recorded(self, record: Record, res: Resolution, recorded: dict, path: tuple) -> Iterable[Diagnostic]:
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

    def check_postmortem(self, record: Record, ref: refs.LinkRef, path: tuple) -> Iterable[Diagnostic]:
        pm = self.org.postmortems.get(ref.postmortem)
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


def evidence_in(org: Organisation, only: Iterable[str | os.PathLike] | None) -> list[Record]:
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
    only: Iterable[str | os.PathLike] | None = None,
    tolerance_days: int | None = None,
    strict_clones: bool = True,
) -> LinkReport:
    """Every link problem of the evidence (in `only`, when given). With strict_clones=False
    (what `validate` uses), repositories that are not cloned are skipped and listed in
    `skipped` instead of being reported as errors."""
    checker = Checker(org, records_root, tolerance_days, strict_clones)
    return checker.check(evidence_in(org, only))


def resolutions_for_writing(org: Organisation, report: LinkReport) -> dict[str, dict[int, dict]]:
    """Evidence file path -> {link index: the `resolved` mapping}, for `links resolve --write`."""
    out: dict[str, dict[int, dict]] = {}
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

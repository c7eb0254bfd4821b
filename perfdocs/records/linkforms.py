"""Link forms: the syntax of an evidence entry's `links`, parsed into what a link points at.

Pure string parsing, no git and no repository configuration: `parse("acme/payments#412")`
tells the link checker (perfdocs.links), packet readiness and the site what a link means.
Which configured repository a link names, and its web address, is perfdocs.links.refs.
The forms:

    acme/payments#412                              a pull request (GitHub style)
    https://github.com/acme/payments/pull/412      the same, as a URL
    group/project!412                              a GitLab merge request
    https://gitlab.com/group/project/-/merge_requests/412
    acme/payments@3f9c2ab1                         a commit, full or abbreviated sha
    https://github.com/acme/payments/commit/<sha>  (and GitLab's /-/commit/<sha>)
    postmortem:pm-2026-007                         a postmortem record
    https://...                                    any other web page (not checked)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

PR = "pr"
COMMIT = "commit"
POSTMORTEM = "postmortem"
URL = "url"
UNKNOWN = "unknown"

_NAME = r"[A-Za-z0-9_.-]+"
_REPO = rf"{_NAME}/{_NAME}(?:/{_NAME})*"
_SHORT_PR = re.compile(rf"^(?P<repo>{_NAME}/{_NAME})#(?P<num>\d{{1,9}})$")
_SHORT_MR = re.compile(rf"^(?P<repo>{_REPO})!(?P<num>\d{{1,9}})$")
_SHORT_SHA = re.compile(rf"^(?P<repo>{_REPO})@(?P<sha>[0-9a-fA-F]{{4,40}})$")
_POSTMORTEM = re.compile(r"^postmortem:(?P<id>[A-Za-z0-9][A-Za-z0-9._-]*)$")
_URL_PR = re.compile(r"^/(?P<repo>.+?)/(?:-/)?(?:pull|pulls|merge_requests)/(?P<num>\d{1,9})(?:/.*)?$")
_URL_SHA = re.compile(r"^/(?P<repo>.+?)/(?:-/)?commits?/(?P<sha>[0-9a-fA-F]{4,40})(?:/.*)?$")


@dataclass(frozen=True)
class LinkRef:
    """What one link points at. `repo` is as written (a name, or a URL's path);
    `web` is the URL's scheme and host when the link was a URL."""

    text: str
    kind: str
    repo: str | None = None
    number: int | None = None
    sha: str | None = None
    postmortem: str | None = None
    web: str | None = None

    @property
    def checks_git(self) -> bool:
        return self.kind in (PR, COMMIT)


def parse(text: str) -> LinkRef:
    """The meaning of a link's text; `kind` is UNKNOWN for text that is no link form."""
    s = text.strip()
    for pattern in (_SHORT_PR, _SHORT_MR):
        m = pattern.match(s)
        if m:
            return LinkRef(text, PR, repo=m["repo"], number=int(m["num"]))
    m = _SHORT_SHA.match(s)
    if m:
        return LinkRef(text, COMMIT, repo=m["repo"], sha=m["sha"].lower())
    m = _POSTMORTEM.match(s)
    if m:
        return LinkRef(text, POSTMORTEM, postmortem=m["id"])
    if re.match(r"^https?://", s, re.IGNORECASE):
        parts = urlsplit(s)
        web = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
        path = parts.path.rstrip("/")
        m = _URL_PR.match(path)
        if m:
            return LinkRef(text, PR, repo=m["repo"], number=int(m["num"]), web=web)
        m = _URL_SHA.match(path)
        if m:
            return LinkRef(text, COMMIT, repo=m["repo"], sha=m["sha"].lower(), web=web)
        return LinkRef(text, URL, web=web)
    return LinkRef(text, UNKNOWN)


def pr_numbers_in_trailer(value: str, repo_names: frozenset[str]) -> int | None:
    """The pull request a trailer value names ('#412', 'acme/payments#412', a PR URL),
    if it is one of `repo_names` (lower case; an unqualified '#412' is this repository)."""
    v = value.strip()
    m = re.fullmatch(r"#(\d{1,9})", v)
    if m:
        return int(m[1])
    ref = parse(v)
    if (
        ref.kind == PR
        and ref.repo
        and ref.number is not None
        and (ref.repo.lower() in repo_names or (ref.web and f"{ref.web}/{ref.repo}".lower() in repo_names))
    ):
        return ref.number
    return None

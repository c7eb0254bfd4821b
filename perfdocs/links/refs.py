"""Link references: which configured repository a link names, and the web address it shows.

The syntax of a link (`acme/payments#412`, a PR URL, `acme/payments@<sha>`, ...) is
perfdocs.records.linkforms; this module joins a parsed link with org.yaml
`repositories` (perfdocs.settings.RepoConfig), which needs no git.
"""

from __future__ import annotations

from collections.abc import Mapping

from perfdocs import settings
from perfdocs.records import linkforms
from perfdocs.records.linkforms import LinkRef
from perfdocs.records.organisation import Organisation
from perfdocs.settings import RepoConfig


def repositories(org: Organisation) -> Mapping[str, RepoConfig]:
    """The organisation's configured repositories (org.yaml `repositories`), by name."""
    return settings.of(org).repositories


def web_url(conf: RepoConfig, ref: LinkRef) -> str | None:
    """The web page of a PR or commit in a repository with a configured `url`."""
    if not conf.url:
        return None
    base = conf.url.rstrip("/").removesuffix(".git")
    dash = "/-" if conf.host == "gitlab" else ""
    if ref.kind == linkforms.PR:
        return f"{base}{dash}/{'merge_requests' if conf.host == 'gitlab' else 'pull'}/{ref.number}"
    if ref.kind == linkforms.COMMIT:
        return f"{base}{dash}/commit/{ref.sha}"
    return None


def find_repo(configs: Mapping[str, RepoConfig], ref: LinkRef) -> RepoConfig | None:
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
    ref = linkforms.parse(text)
    if ref.kind == linkforms.URL:
        return text.strip()
    if not ref.checks_git:
        return None
    conf = find_repo(repositories(org), ref)
    if conf is not None and conf.url:
        return web_url(conf, ref)
    return text.strip() if ref.web else None

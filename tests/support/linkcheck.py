"""A link check over a built site: every internal href and src must reach a file, and
every #fragment an element with that id. External links (http, https, mailto) are not
followed: the site must work offline."""

from __future__ import annotations

import html.parser
import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit


class _Collector(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in ("id", "name") and (name == "id" or tag == "a"):
                self.ids.add(value)
            elif name in ("href", "src") or (name == "action" and tag == "form"):
                self.links.append(value)


def _parse(path: Path) -> _Collector:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8"))
    return collector


def broken_links(site: Path) -> list[str]:
    """'page: link (reason)' for every internal link that leads nowhere."""
    site = site.resolve()
    parsed: dict[Path, _Collector] = {}

    def page(path: Path) -> _Collector:
        if path not in parsed:
            parsed[path] = _parse(path)
        return parsed[path]

    problems = []
    for source in sorted(site.rglob("*.html")):
        rel = source.relative_to(site).as_posix()
        for link in page(source).links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith("//"):
                if parts.scheme not in ("http", "https", "mailto"):
                    problems.append(f"{rel}: {link} (unsafe scheme)")
                continue
            target_rel = unquote(parts.path)
            if target_rel.startswith("/"):
                problems.append(f"{rel}: {link} (absolute path: breaks on file:// and sub-folders)")
                continue
            joined = posixpath.normpath(posixpath.join(posixpath.dirname(rel), target_rel)) if target_rel else rel
            if joined.startswith(".."):
                problems.append(f"{rel}: {link} (leaves the site)")
                continue
            target = site / joined
            if target.is_dir():
                problems.append(f"{rel}: {link} (a folder: does not open from file://)")
                continue
            if not target.is_file():
                problems.append(f"{rel}: {link} (no such file)")
                continue
            if parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in page(target).ids:
                problems.append(f"{rel}: {link} (no element with id '{parts.fragment}')")
    return problems

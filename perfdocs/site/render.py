"""Rendering: one Jinja environment and one Markdown parser, made once and reused for
every page, because a site can have a hundred thousand pages.

Record text reaches HTML only two ways: through Jinja's autoescaping (fields), or
through Markdown with raw HTML turned off and only safe link schemes (bodies).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import jinja2
from markdown_it import MarkdownIt
from markupsafe import Markup

from perfdocs.resources import data_dir

SAFE_SCHEMES = ("http", "https", "mailto")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")


def safe_link(url: str) -> bool:
    """http, https, mailto, or a relative link; nothing else (no javascript:, data:, file:)."""
    url = url.strip()
    if url.startswith("//") or "\\" in url:
        return False  # protocol-relative: an external host without saying so
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in url):
        return False
    match = _SCHEME.match(url)
    if match is None:
        return ":" not in url.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    return match.group(1).lower() in SAFE_SCHEMES


def template_dir() -> Path:
    return data_dir("templates") / "site"


class Renderer:
    """Templates by name and Markdown, both compiled once."""

    def __init__(self, templates: Path | None = None) -> None:
        self.templates = templates or template_dir()
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(self.templates)),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,
        )
        self.md = MarkdownIt("commonmark", {"html": False})
        self.md.validateLink = safe_link  # type: ignore[method-assign]  # markdown-it's hook for vetting link targets
        self.env.filters["markdown"] = self.markdown
        self._cache: dict[str, jinja2.Template] = {}

    def markdown(self, text: Any) -> Markup:
        if not isinstance(text, str) or not text.strip():
            return Markup("")
        return Markup(self.md.render(text))

    def add_globals(self, **values: Any) -> None:
        self.env.globals.update(values)

    def render(self, template: str, context: dict[str, Any]) -> str:
        tpl = self._cache.get(template)
        if tpl is None:
            tpl = self._cache[template] = self.env.get_template(template)
        return tpl.render(context)

"""Rendering: one Jinja environment and one Markdown parser, made once and reused for
every page, because a site can have a hundred thousand pages.

Record text reaches HTML only two ways: through Jinja's autoescaping (fields), or
through Markdown with raw HTML turned off and only safe link schemes (bodies). An image on
another host becomes a link to it: the site loads nothing from outside, so no reader's
browser makes a request a record's author chose (a tracking pixel).

Markdown's cost is bounded for any body the loader accepts (perfdocs.records.parse
MAX_BODY_CHARS): markdown-it's nesting limit (commonmark's 20) stops deep structures, and
a budget of inline markup per body (MARKS_BUDGET, SCAN_BUDGET) stops the inputs that make
markdown-it-py slow or hungry (thousands of unmatched `[` or `![`, each of which scans the
rest of its paragraph; megabytes of emphasis): a paragraph that does not fit the budget left is
shown as plain text, escaped. The budget counts characters, never time, so a body renders
the same on every machine.
"""

from __future__ import annotations

import re
import types
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

import jinja2
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from markupsafe import Markup

from perfdocs.resources import data_dir
from perfdocs.site.view import relative

SAFE_SCHEMES = ("http", "https", "mailto")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")

MARKS = "[]<&*_`!~\\"
"""The characters that start inline markup whose parsing costs more than plain text."""
MARKS_BUDGET = 20_000
"""Inline markup characters one body may have parsed (ordinary prose has one every 50 to 100
characters; a megabyte of `*a ` has 300,000, each costing tens of microseconds)."""
SCAN_BUDGET = 50_000_000
"""Sum, over a body's paragraphs, of markup characters times the paragraph's length: an
unmatched `[`, `<` or `&` makes markdown-it-py look at the rest of its paragraph, so a
paragraph's worst cost grows with that product (about 0.2 s for this much on a quiet machine)."""


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


def _bounded(state: StateCore) -> None:
    """Before inline parsing: a paragraph (or heading) whose markup does not fit what is left of
    the body's budget is shown as plain text: its one child is a text token (rendered escaped),
    and nothing is left for the inline parser."""
    marks_left, scan_left = MARKS_BUDGET, SCAN_BUDGET
    for token in state.tokens:
        if token.type != "inline":
            continue
        content = token.content
        marks = sum(map(content.count, MARKS))
        scan = marks * len(content)
        if marks > marks_left or scan > scan_left:
            text = Token("text", "", 0)
            text.content = content
            token.children, token.content = [text], ""
            continue
        marks_left -= marks
        scan_left -= scan


def _image(renderer: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    """An image on this site as an image; one on another host as a link to it, never loaded."""
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    if not _SCHEME.match(src) and not src.startswith("//"):
        return RendererHTML.image(renderer, tokens, idx, options, env)
    text = renderer.renderInlineAsText(token.children or [], options, env) or src
    return f'<a class="remote-image" href="{escapeHtml(src)}" rel="noopener noreferrer">image: {escapeHtml(text)}</a>'


@jinja2.pass_context
def _href(context: Any, url: str) -> str:
    """The `href` filter: a site path as the page being rendered links it, shortest form
    (perfdocs.site.view.relative); for the pages every record makes, whose links are repeated
    ten thousand times."""
    return relative(url, context["page"].path)


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
        self.md = MarkdownIt("commonmark", {"html": False, "maxNesting": 20})
        self.md.validateLink = safe_link  # type: ignore[method-assign]  # markdown-it's hook for vetting link targets
        self.md.core.ruler.before("inline", "perfdocs_budget", _bounded)
        renderer = cast(RendererHTML, self.md.renderer)  # "commonmark" renders HTML
        renderer.rules["image"] = types.MethodType(_image, renderer)
        self.env.filters["markdown"] = self.markdown
        self.env.filters["href"] = _href
        self._cache: dict[str, jinja2.Template] = {}

    def markdown(self, text: Any) -> Markup:
        if not isinstance(text, str) or not text.strip():
            return Markup("")
        return Markup(self.md.render(text))

    def add_globals(self, **values: Any) -> None:
        self.env.globals.update(values)

    def template(self, name: str) -> jinja2.Template:
        """The template `name`, compiled on first use (the build compiles the ones its pages use
        before forking its workers, so that each is compiled once, not once per process)."""
        tpl = self._cache.get(name)
        if tpl is None:
            tpl = self._cache[name] = self.env.get_template(name)
        return tpl

    def render(self, template: str, context: dict[str, Any]) -> str:
        return self.template(template).render(context)

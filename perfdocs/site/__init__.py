"""The static site: records -> the pages one audience may see -> a folder of HTML.

`build` is the one code path: `perfdocs build` calls it once, `perfdocs serve`
calls it again whenever the records or templates change.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path

import jinja2

from perfdocs import clock
from perfdocs.errors import PerfdocsError
from perfdocs.lock import output_lock
from perfdocs.site import search
from perfdocs.site.history import rubric_history
from perfdocs.site.pages import NOT_SHOWN, Page, View, all_pages
from perfdocs.site.render import Renderer
from perfdocs.site.writer import SiteWriter, check_target, recover
from perfdocs.validation import load_valid

__all__ = ["BuildResult", "build"]


@dataclass
class BuildResult:
    out: Path
    audience: str
    pages: int
    files: int
    seconds: float


Progress = Callable[[Iterable[Page], int], AbstractContextManager[Iterable[Page]]]
"""Wraps the pages as they are rendered, given how many there will be: the CLI's progress bar.
Pass one only when it will be shown: the count costs a dry run of the pages."""


def build(root: Path, out: Path, audience: str = "public", templates: Path | None = None,
          progress: Progress | None = None) -> BuildResult:
    """Build the site for `audience` into `out`, replacing it only if everything succeeded.

    Raises InvalidRecords (the records have errors) or PerfdocsError (anything else).
    Two builds into one folder take turns (perfdocs/lock.py).
    """
    try:
        out.parent.mkdir(parents=True, exist_ok=True)  # the lock file lives beside `out`
    except OSError as err:
        raise PerfdocsError(f"cannot create the folder for {out}: {err.strerror or err}") from None
    with output_lock(out):
        recover(out)
        return _build(root, out, audience, templates, progress)


def _build(root: Path, out: Path, audience: str, templates: Path | None,
           progress: Progress | None) -> BuildResult:
    started = time.perf_counter()
    report = load_valid(root)
    check_target(out, root)
    view = View(report.org, audience)
    renderer = Renderer(templates)
    rels = [t.rel for t in report.org.tracks.values()] + [m.rel for m in report.org.matrices.values()]
    history = rubric_history(root, rels)
    org_name = str(view.setting("name", "Engineering"))
    base = {"org_name": org_name, "audience": audience, "not_shown": NOT_SHOWN[audience],
            "nav": NAV, "today": clock.today()}
    writer = SiteWriter(out)
    pages = 0
    try:
        entries: list[search.Entry] = []
        pending = all_pages(view, history, clock.today())
        if progress:  # counting the pages costs a dry run of the pages, without rendering
            count = sum(1 for _ in all_pages(view, history, clock.today()))
        with progress(pending, count) if progress else nullcontext(pending) as rendering:
            for page in rendering:
                context = {**base, **page.context, "page": page, "root": "../" * page.path.count("/")}
                try:
                    html = renderer.render(page.template, context)
                except jinja2.TemplateError as err:
                    where = f"{err.filename}:{err.lineno}: " if isinstance(err, jinja2.TemplateSyntaxError) else ""
                    raise PerfdocsError(f"template {page.template} failed for {page.path}: {where}{err}") from err
                writer.write(page.path, html)
                entries.extend(page.search)
                pages += 1
        writer.write("static/search-index.js", search.index_script(entries))
        static = renderer.templates / "static"
        for src in sorted(static.rglob("*")) if static.is_dir() else ():
            if src.is_file() and not src.name.startswith("."):
                writer.copy(src, "static/" + src.relative_to(static).as_posix())
        writer.commit()
    except BaseException:
        writer.abandon()
        raise
    return BuildResult(out, audience, pages, writer.files, time.perf_counter() - started)


NAV = [
    ("home", "Home", "index.html"),
    ("rubric", "Rubric", "rubric/index.html"),
    ("history", "History", "rubric/history.html"),
    ("packets", "Packets", "packets/index.html"),
    ("evidence", "Evidence", "evidence/index.html"),
    ("metrics", "Metrics", "metrics/index.html"),
    ("teams", "Dashboards", "teams/index.html"),
    ("goals", "Goals", "goals/index.html"),
    ("search", "Search", "search.html"),
]

"""The static site: records -> the pages one audience may see -> a folder of HTML.

`build` is the one code path: `perfdocs build` calls it once, `perfdocs serve`
calls it again whenever the records or templates change.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
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
        workers = _workers() if progress is None else 1
        if workers > 1:
            pending = list(pending)
        if workers > 1 and len(pending) >= PARALLEL_MIN_PAGES:
            _render_parallel(pending, renderer, base, writer, workers)
            for page in pending:
                entries.extend(page.search)
            pages = len(pending)
            pending = []
        with progress(pending, count) if progress else nullcontext(pending) as rendering:
            for page in rendering:
                writer.write(page.path, _render(renderer, base, page))
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


PARALLEL_MIN_PAGES = 400
"""From this many pages on, rendering is spread over the CPU cores (forking a worker costs
~40 ms; a page ~0.5 ms)."""


def _render(renderer: Renderer, base: dict, page: Page) -> str:
    context = {**base, **page.context, "page": page, "root": "../" * page.path.count("/")}
    try:
        return renderer.render(page.template, context)
    except jinja2.TemplateError as err:
        where = f"{err.filename}:{err.lineno}: " if isinstance(err, jinja2.TemplateSyntaxError) else ""
        raise PerfdocsError(f"template {page.template} failed for {page.path}: {where}{err}") from err


def _workers() -> int:
    """Processes to render with: one per core, but never by forking a threaded process
    (`perfdocs serve` runs its server in a thread)."""
    if threading.active_count() > 1 or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


_SHARE: tuple | None = None
"""What forked workers render: set just before the fork, never sent through a pipe."""


def _render_share(k: int) -> tuple[int, int, int, str | None]:
    """Worker k renders and writes pages k, k+n, k+2n, ... until one fails:
    (files, bytes, index of the failing page or -1, its error)."""
    pages, renderer, base, writer, n = _SHARE
    for i in range(k, len(pages), n):
        try:
            writer.write(pages[i].path, _render(renderer, base, pages[i]))
        except PerfdocsError as err:
            return writer.files, writer.bytes, i, str(err)
    return writer.files, writer.bytes, -1, None


def _render_parallel(pages: list[Page], renderer: Renderer, base: dict, writer: SiteWriter,
                     workers: int) -> None:
    """Render and write every page over `workers` processes into the writer's folder; the
    first page that fails (in page order, as a single process would find it) is raised."""
    global _SHARE
    files, size = writer.files, writer.bytes
    _SHARE = (pages, renderer, base, writer, workers)
    try:
        with multiprocessing.get_context("fork").Pool(workers - 1) as pool:
            others = pool.map_async(_render_share, range(1, workers))
            results = [_render_share(0), *others.get()]
    finally:
        _SHARE = None
    writer.files = files + sum(r[0] - files for r in results)
    writer.bytes = size + sum(r[1] - size for r in results)
    failed = [(r[2], r[3]) for r in results if r[2] >= 0]
    if failed:
        raise PerfdocsError(min(failed)[1])


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

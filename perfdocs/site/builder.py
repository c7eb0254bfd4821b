"""Building the site: lock, load the valid records, make the pages, reuse or render, swap (or update in place).

`build` is the one code path: `perfdocs build` calls it once, `perfdocs serve`
calls it again whenever the records or templates change. A page whose inputs are
those of the site being replaced is taken from it rather than rendered again
(perfdocs/site/reuse.py); the output is the same as a cold build's, byte for byte.

The records are read through a quick `validate` when there can be one: when it finds no
file changed since the listing the last build of this folder left, and the code, templates,
audience and date are that build's too (reuse.py, `basis`), the site is taken as it is, each
file still shown to be the one written, without loading the records or listing the pages;
otherwise the whole organisation is loaded and every page made or reused as above.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from perfdocs import collector, dates
from perfdocs.errors import PerfdocsError
from perfdocs.fsutil import fault
from perfdocs.lock import output_lock
from perfdocs.records.organisation import Organisation
from perfdocs.site import preview, reuse, search
from perfdocs.site.pages import Page, all_pages, sections
from perfdocs.site.render import Renderer
from perfdocs.site.rubric_history import rubric_history
from perfdocs.site.view import NOT_SHOWN, View
from perfdocs.site.writer import MARKER, SiteWriter, check_outside, check_target, read_regular, recover
from perfdocs.text import did_you_mean
from perfdocs.validation import load_valid, load_valid_quick

__all__ = ["BuildResult", "build"]


@dataclass
class BuildResult:
    out: Path
    audience: str
    pages: int
    files: int
    seconds: float
    rendered: int = 0
    """Pages rendered by this build; the others were reused from the site it replaced."""
    reused: int = 0
    skipped: list[str] = field(default_factory=list)
    """Invalid records left out (and nothing of them published), when not strict."""
    unchanged: bool = False
    """The whole site was taken as the last build left it, its inputs being that build's
    (reuse.py `basis`): no record was loaded and no page made."""


Progress = Callable[[Iterable[Page], int], AbstractContextManager[Iterable[Page]]]
"""Wraps the pages as they are rendered, given how many there will be: the CLI's progress bar.
Pass one only when it will be shown: the count costs a dry run of the pages."""


def build(
    root: Path,
    out: Path,
    audience: str = "public",
    templates: Path | None = None,
    progress: Progress | None = None,
    viewer: str | None = None,
    strict: bool = True,
) -> BuildResult:
    """Build the site for `audience` into `out`, replacing it only if everything succeeded.
    With `viewer` (a person's handle), a personal preview: the audience's site plus the
    private records that person may see (perfdocs/site/preview.py), never into a folder a
    deploy publishes. With `strict=False`, invalid records are left out (nothing of them is
    published) and named in the result's `skipped` (perfdocs.validation.skip_invalid).

    Raises InvalidRecords (the records have errors) or PerfdocsError (anything else).
    Two builds into one folder take turns (perfdocs/lock.py).
    """
    check_outside(out, root)  # before the folder for the lock: a refused build creates nothing
    if viewer is not None:
        preview.check_out(out, root)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)  # the lock file lives beside `out`
    except OSError as err:
        raise fault(err, out.parent) or PerfdocsError(
            f"cannot create the folder for {out}: {err.strerror or err}"
        ) from None
    with output_lock(out):
        recover(out)
        return _build(root, out, audience, templates, progress, viewer, strict)


def _build(
    root: Path,
    out: Path,
    audience: str,
    templates: Path | None,
    progress: Progress | None,
    viewer: str | None,
    strict: bool,
) -> BuildResult:
    started = time.perf_counter()
    started_ns = time.time_ns()  # before the records are read: a file changed since is not trusted by its stat
    report = load_valid_quick(root, strict)
    check_target(out, root)
    renderer = Renderer(templates)
    key = reuse.secret()
    code = reuse.code_key(renderer.templates) if key else b""
    basis = None
    if report.changed is not None:  # a quick run: its organisation is partial (see load_valid_quick)
        before, after = report.listings or (None, None)
        if key and before is not None and after is not None:
            basis = reuse.basis(key, code, root, audience, viewer, dates.today(), after)
            was = reuse.basis(key, code, root, audience, viewer, dates.today(), before)
            if not report.changed and was is not None and basis is not None:
                _check_viewer(viewer, report.org)
                done = _unchanged(out, root, key, was, basis, renderer, audience, viewer, started)
                if done is not None:
                    return done
        report = load_valid(root, strict)
    if key and report.changed is None and report.listings is not None:
        # A full run (a cold build, or one after a change) left a listing: the next build's
        # quick run starts from it, and takes the site whole if nothing changed since.
        basis = reuse.basis(key, code, root, audience, viewer, dates.today(), report.listings[1])
    if basis is not None and _reads_outside(report.org):
        basis = None
    _check_viewer(viewer, report.org)
    view = View(report.org, audience, viewer)
    rels = [t.rel for t in report.org.tracks.values()] + [m.rel for m in report.org.matrices.values()]
    org_rel = report.org.org.rel if report.org.org is not None else "org.yaml"
    history = rubric_history(root, rels, audience, org_rel)
    org_name = str(view.setting("name", "Engineering"))
    base = {
        "org_name": org_name,
        "audience": audience,
        "not_shown": NOT_SHOWN[audience],
        "nav": sections(view, history),
        "tagline": view.setting("tagline"),
        "today": dates.today(),
        "viewer": view.person(viewer) if viewer is not None else None,
        "reports": max(len(view.folders) - 1, 0),  # the people whose records the viewer sees as manager
    }
    prints = reuse.Fingerprints(key, code, base) if key else None
    shared = prints.shared if prints is not None else None
    # The site being replaced, if it is ours (check_target refused anything else) and was
    # built from what every page of this build shares (else no page of it can be reused).
    previous = (
        reuse.read_manifest(out, key, root, shared)
        if key and shared and (out / MARKER).is_file()
        else reuse.Previous({})
    )
    writer = SiteWriter(out)
    if previous.pages:
        # Over a site of ours, its reused pages stay where they are (writer.update_in_place).
        writer.update_in_place()
    try:
        inputs = (
            reuse.Inputs(key, prints.prefix, report.org, started_ns)
            if key is not None and prints is not None and prints.prefix is not None
            else None
        )
        maker = _Maker(renderer, base, writer, previous.pages, prints, inputs)
        made: list[tuple[str, _Result]] = []  # paths, not pages: a page is let go once written
        pending: Iterable[Page] = all_pages(view, history, dates.today())
        workers = _workers()
        if workers > 1:
            with collector.paused():  # listing allocates one page per record and frees nothing
                pending = listed = list(pending)  # cheap: a page's context is made when it is needed
            if len(listed) >= FREEZE_MIN_PAGES:
                # Hundreds of thousands of long-lived objects (records, pages): without this
                # every full collection while pages are made walks them all (records.load does
                # the same; workers > 1: never in `perfdocs serve`, which runs a thread).
                gc.freeze()
            if len(listed) >= PARALLEL_MIN_PAGES:
                made = _make_all(listed, maker, workers, progress)
                pending, progress = [], None
        if progress:  # counting a generator's pages costs a dry run of the pages, without rendering
            count = (
                len(pending) if isinstance(pending, list) else sum(1 for _ in all_pages(view, history, dates.today()))
            )
        with progress(pending, count) if progress else nullcontext(pending) as rendering:
            for page in rendering:
                made.append((page.path, maker.make(page)))
        spans, index, kept = _search_index(writer, [result[1] for _, result in made], previous, key is not None)
        _static(writer, renderer, viewer)
        manifest_digest = None
        if key:
            manifest = {path: (r[0][0], r[0][1]) for path, r in made if r[0][0] is not None}
            data = reuse.manifest_bytes(manifest, key, shared)
            manifest_digest = reuse.output_digest(data)
            writer.note(reuse.MANIFEST, data)
        writer.commit([path for path, _ in made] + ([reuse.INDEX] if kept else []))
    except BaseException:
        writer.abandon()
        raise
    if key and index is not None:
        reuse.save_stats(
            out,
            key,
            root,
            previous,
            index,
            {path: (m[1], m[3], got, span) for (path, (m, _, got)), span in zip(made, spans) if m[0] is not None},
            basis,
            manifest_digest,
        )
    rendered = sum(1 for _, (m, _, _) in made if m[2])
    return BuildResult(
        out,
        audience,
        len(made),
        writer.files,
        time.perf_counter() - started,
        rendered,
        len(made) - rendered,
        report.skipped,
    )


def _check_viewer(viewer: str | None, org: Organisation) -> None:
    if viewer is not None and viewer not in org.people:
        raise PerfdocsError(f"--as {viewer}: no person has that handle{did_you_mean(viewer, org.people)}")


def _reads_outside(org: Organisation) -> bool:
    """Whether the site reads anything but the records, the code and the templates: a team's
    DORA figures, from its repositories' clones (perfdocs/site/pages/teams.py). Such a site
    is never taken whole (`_unchanged`): a clone may have moved on."""
    return any(team.get("repositories") for team in org.teams.values())


def _static(writer: SiteWriter, renderer: Renderer, viewer: str | None) -> None:
    """The files every build writes besides the pages: the templates' static files, and a
    personal preview's note."""
    static = renderer.templates / "static"
    for src in sorted(static.rglob("*")) if static.is_dir() else ():
        if src.is_file() and not src.name.startswith("."):
            writer.copy(src, "static/" + src.relative_to(static).as_posix())
    if viewer is not None:
        writer.note(preview.PREVIEW, f"a personal preview for {viewer}: private records; never publish it\n".encode())


def _unchanged(
    out: Path,
    root: Path,
    key: bytes,
    was: bytes,
    basis: bytes,
    renderer: Renderer,
    audience: str,
    viewer: str | None,
    started: float,
) -> BuildResult | None:
    """The site as the last build into `out` left it, when that build was made from `was`
    (reuse.read_unchanged): every page and the search index taken where they are, each
    shown to be the file written (its stat identity out of the racy window, else its hash),
    the static files and notes written as every build does. None (nothing changed) when
    any file is not as written, or no such build is known: the caller builds as usual."""
    kept = reuse.read_unchanged(out, key, root, was)
    if kept is None or not (out / MARKER).is_file():
        return None
    manifest = read_regular(out / reuse.MANIFEST)
    if manifest is None or reuse.output_digest(manifest[0]) != kept.manifest:
        return None
    before = kept.written_ns - reuse.RACY_NS
    digests = {path: k[0] for path, k in kept.pages.items()}
    digests[reuse.INDEX] = kept.search_index[0]
    known = {path: (k[1] if k[1][1] < before else None) for path, k in kept.pages.items()}
    st = kept.search_index[1]
    known[reuse.INDEX] = st if st[1] < before else None
    writer = SiteWriter(out)
    try:
        found = writer.keep_site(known, lambda path, data: reuse.output_digest(data) == digests[path])
        if found is None:
            writer.abandon()
            return None
        taken, read = found
        _static(writer, renderer, viewer)
        writer.note(reuse.MANIFEST, manifest[0])
        writer.commit(taken)
    except BaseException:
        writer.abandon()
        raise
    reuse.save_unchanged(out, key, root, kept, taken, basis, read)
    n = len(kept.pages)
    return BuildResult(out, audience, n, writer.files, time.perf_counter() - started, 0, n, [], True)


def _search_index(
    writer: SiteWriter, parts: list[list[str] | search.Span], previous: reuse.Previous, hashed: bool
) -> tuple[list[search.Span], reuse.IndexFile | None, bool]:
    """Write the search index (or keep the previous one, when no page's search entries
    changed): where each page's entries are in it, its hash and stat identity (when
    `hashed`), and whether the previous file was kept."""
    old = previous.search_index
    data, spans, same = search.index_file(parts, old.read if old else None, old.size if old else 0)
    if same and old is not None and previous.search_file is not None:
        digest = previous.search_file[0]
        kept = writer.reuse(reuse.INDEX, lambda found: reuse.output_digest(found) == digest, old.stat)
        if kept is not None:
            return spans, (digest, kept), True
        data = [old.read()]
    assert data is not None
    written = writer.write(reuse.INDEX, data)
    return spans, (reuse.output_digest(*data), written) if hashed else None, False


_Result = tuple[reuse.Made, list[str] | search.Span, bytes | None]
"""What a build made of a page, its search entries (search.row, or where they are in the
previous search index: reuse.Entry.search), and the identity of its inputs (reuse.Inputs)."""


@dataclass
class _Maker:
    """Puts each page into the new site: taken from the site it replaces when its inputs
    are those it was made from there (and the file still holds what was rendered), else
    rendered. A page whose inputs' identity (reuse.Inputs) is unchanged is taken without
    making its context; else its context is made and fingerprinted (reuse.Fingerprints)."""

    renderer: Renderer
    base: dict[str, Any]
    writer: SiteWriter
    previous: dict[str, reuse.Entry]
    prints: reuse.Fingerprints | None
    inputs: reuse.Inputs | None = None

    def make(self, page: Page) -> _Result:
        fp, got, made = self.reused(page)
        return made if made is not None else self.render(page, fp, got)

    def reused(self, page: Page) -> tuple[bytes | None, bytes | None, _Result | None]:
        """The page's fingerprint (None when it was not needed or cannot be had), the
        identity of its inputs, and what was made of it if it could be taken from the site
        being replaced (None: it must be rendered)."""
        old = self.previous.get(page.path)
        got = self.inputs.page(page) if self.inputs is not None else None
        if old is not None and got is not None and old.inputs == got and old.search is not None:
            digest = old.digest
            st = self.writer.reuse(page.path, lambda data: reuse.output_digest(data) == digest, old.stat)
            if st is not None:
                return old.fingerprint, got, ((old.fingerprint, digest, False, st), old.search, got)
        page.load()
        fp = self.prints.page(page) if self.prints is not None else None
        if fp is not None and old is not None and old.fingerprint == fp:
            digest = old.digest
            st = self.writer.reuse(page.path, lambda data: reuse.output_digest(data) == digest, old.stat)
            if st is not None:
                # The same fingerprint, the same search entries: where they are in the previous index, if known.
                rows = old.search if old.search is not None else [search.row(e) for e in page.search]
                return fp, got, ((fp, digest, False, st), rows, got)
        return fp, got, None

    def render(self, page: Page, fp: bytes | None, got: bytes | None) -> _Result:
        page.load()
        data = _render(self.renderer, self.base, page).encode("utf-8")
        st = self.writer.write(page.path, data)
        return (fp, reuse.output_digest(data), True, st), [search.row(e) for e in page.search], got


FREEZE_MIN_PAGES = 2000
"""From this many pages on, what is alive once the pages are listed is frozen for the collector."""
PARALLEL_MIN_PAGES = 400
"""From this many pages on, rendering is spread over the CPU cores (forking a worker costs
~40 ms; a page ~0.5 ms)."""


def _render(renderer: Renderer, base: dict[str, Any], page: Page) -> str:
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


def _make_all(pages: list[Page], maker: _Maker, workers: int, progress: Progress | None) -> list[tuple[str, _Result]]:
    """Make every page, rendering over `workers` processes. Over a previous site, the pages
    that can be reused are taken first, in this process (fingerprinting and linking cost
    less than forking workers, whose copies of the organisation cost CPU time); processes
    are forked only if at least PARALLEL_MIN_PAGES are left to render."""
    if not maker.previous:
        return list(zip((page.path for page in pages), _make_parallel(pages, maker, workers, progress)))
    made: list[_Result | None] = []
    todo: list[int] = []
    prints: list[tuple[bytes | None, bytes | None]] = []
    for i, page in enumerate(pages):
        fp, got, result = maker.reused(page)
        made.append(result)
        if result is None:
            todo.append(i)
            prints.append((fp, got))
    left = [pages[i] for i in todo]
    if len(left) >= PARALLEL_MIN_PAGES:
        # A page whose reuse failed fails again in its worker (its fingerprint or bytes still
        # do not match), and is rendered there.
        fresh = _make_parallel(left, maker, workers, progress)
    else:
        with progress(left, len(left)) if progress else nullcontext(left) as rendering:
            fresh = [maker.render(page, fp, got) for page, (fp, got) in zip(rendering, prints)]
    for i, result in zip(todo, fresh):
        made[i] = result
    return [(page.path, m) for page, m in zip(pages, made) if m is not None]


_SHARE: tuple[list[Page], _Maker, int] | None = None
"""What forked workers make: set just before the fork, never sent through a pipe."""


def _make_share(k: int, progress: Progress | None = None) -> tuple[int, int, int, str | None, list[_Result]]:
    """Worker k makes pages k, k+n, k+2n, ... until one fails: (files, bytes, index of
    the failing page or -1, its error, what it made of each page). The parent's share
    (k = 0) drives the progress bar, if any: the shares are the same size and interleaved,
    so it stands for the whole build."""
    assert _SHARE is not None  # set by _make_parallel before the fork
    pages, maker, n = _SHARE
    indices = range(k, len(pages), n)
    share = [pages[i] for i in indices]
    made: list[_Result] = []
    with progress(share, len(share)) if progress else nullcontext(share) as making:
        for i, page in zip(indices, making):
            try:
                made.append(maker.make(page))
            except PerfdocsError as err:
                return maker.writer.files, maker.writer.bytes, i, str(err), made
    return maker.writer.files, maker.writer.bytes, -1, None, made


def _make_parallel(pages: list[Page], maker: _Maker, workers: int, progress: Progress | None = None) -> list[_Result]:
    """Make every page over `workers` processes, fingerprinting and reusing included: what
    was made of each, in page order. The first page that fails (in page order, as a
    single process would find it) is raised."""
    global _SHARE
    for name in sorted({page.template for page in pages}):
        try:
            maker.renderer.template(name)
        except jinja2.TemplateError:
            pass  # raised again, with the page that uses it, by whichever worker renders that page
    writer = maker.writer
    files, size = writer.files, writer.bytes
    _SHARE = (pages, maker, workers)
    try:
        with multiprocessing.get_context("fork").Pool(workers - 1) as pool:
            others = pool.map_async(_make_share, range(1, workers))
            results = [_make_share(0, progress), *others.get()]
    finally:
        _SHARE = None
    writer.files = files + sum(r[0] - files for r in results)
    writer.bytes = size + sum(r[1] - size for r in results)
    failed = [(r[2], r[3]) for r in results if r[2] >= 0]
    if failed:
        raise PerfdocsError(min(failed)[1])
    made: list[Any] = [None] * len(pages)  # every slot is filled: share k holds pages k, k+n, ...
    for k, r in enumerate(results):
        made[k::workers] = r[4]
    return made

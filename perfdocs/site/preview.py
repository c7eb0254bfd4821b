"""Personal previews: where a site with someone's private records may be written, and when not.

`perfdocs serve --as HANDLE` and `perfdocs build --as HANDLE` render what that person may
see (perfdocs.records.visibility.folders_seen_by): their own private records and their
reports'. Such a site must never be deployed, so it is kept away from the folders a deploy
publishes (`site` and GitLab's `public`, the folders `perfdocs init`'s CI jobs upload, and
any folder holding a site built for an audience), written by default under the local cache
folder, and refused where a CI job runs (`CI` set) unless asked for with --allow-ci.

`perfdocs serve` without --as also writes under the cache folder: it is a preview too, and
`./site` is what `build` deploys.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from perfdocs.diagnostics import display_path
from perfdocs.errors import PerfdocsError
from perfdocs.site.writer import MARKER

PREVIEW = ".perfdocs-preview"
"""A file at the top of a personal preview: the folder holds private records, and is not a
site to publish (nor one that another preview may not replace)."""

PUBLISHED = ("site", "public")
"""The folder names the CI jobs of `perfdocs init` build into and upload (GitHub Pages'
artifact, GitLab Pages' `public`): beside the records folder or in the working folder."""

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def default_out(root: Path, name: str) -> Path:
    """Where a preview of the records at `root` goes without --out: under the cache folder
    ($PERFDOCS_CACHE_DIR, else .perfdocs-cache beside the records folder; perfdocs.store),
    one folder per records folder and `name` (an audience, or the person it is for)."""
    override = os.environ.get("PERFDOCS_CACHE_DIR")
    base = Path(override) if override else root.resolve().parent / ".perfdocs-cache"
    # Two records folders previewed at once must not replace each other's site.
    tag = hashlib.blake2b(str(root.resolve()).encode(), digest_size=4).hexdigest()
    return base / "preview" / f"{_UNSAFE.sub('_', name)}-{tag}"


def check_out(out: Path, root: Path) -> None:
    """Refuse an output folder a deploy would publish: `site` or `public` in the working
    folder or beside the records folder, or any folder holding a site built for an audience
    (its marker file, without the preview's)."""
    target = out.resolve()
    published = {base.resolve() / name for base in (Path.cwd(), root.resolve().parent) for name in PUBLISHED}
    built_for_audience = (out / MARKER).is_file() and not (out / PREVIEW).is_file()
    if target in published or built_for_audience:
        raise PerfdocsError(
            f"a personal preview holds private records and must not go into {display_path(out)}, "
            "a folder a deploy publishes; leave out --out (it goes under the cache folder) or give another folder"
        )


def ci_running() -> bool:
    """True where a CI job runs: the `CI` variable every CI service sets, unless empty or false."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def refuse_in_ci(allowed: bool) -> None:
    """A preview with private records has no business on a CI runner, whose folders are often
    uploaded as artifacts: refused unless `allowed` (--allow-ci)."""
    if ci_running() and not allowed:
        raise PerfdocsError(
            "refusing a personal preview in CI (the CI variable is set): it holds private records, "
            "and a CI job's folders are often uploaded; add --allow-ci to mean it"
        )

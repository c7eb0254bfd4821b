"""Bootstrap: `perfdocs init DIR` makes a new records repository.

The repository gets a minimal organisation (or, with `example`, the full example one) under
`records/`, leaving its top for the README, the CI workflows, the pre-commit configuration,
CODEOWNERS, the schemas' local copies (`.perfdocs/schemas/`) and the editor's settings. Every
file is planned before any is written: nothing is overwritten unless asked, and each file is
written atomically.

The CI workflows install perfdocs from an install spec, any pip requirement: by default this
version's tag in perfdocs' own repository (`REPOSITORY`, the one place that names it), since
perfdocs is not on the package index; `perfdocs init --install-spec` names another source.
"""

from __future__ import annotations

import os
import re
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from perfdocs import __version__
from perfdocs.dates import today
from perfdocs.diagnostics import display_path
from perfdocs.errors import PerfdocsError
from perfdocs.fsutil import atomic_write, inside
from perfdocs.git.run import GitError, Output, run
from perfdocs.lock import records_lock
from perfdocs.repo import local_schemas
from perfdocs.repo.scaffold import slugify
from perfdocs.resources import data_dir, text_env

RECORDS = "records"
ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")

REPOSITORY = "https://github.com/perfdocs/perfdocs"
"""perfdocs' source repository: where the CI `init` writes installs perfdocs from by default,
and (as owner/name) the address of its GitHub action. The one place that names it."""

MANAGER = "manager"
"""The handle of the placeholder manager `init` writes when it is not given `--manager`."""


def default_install_spec(version: str = __version__) -> str:
    """The pip requirement for this version of perfdocs: its release tag, v<version>, in
    `REPOSITORY` (a build from a source tree, whose version has a '+', has no tag: main)."""
    return f"git+{REPOSITORY}@{'main' if '+' in version else 'v' + version}"


def action(version: str = __version__) -> str:
    """What a GitHub workflow `uses:` for perfdocs' composite action (action.yml), at this version."""
    where = REPOSITORY.removeprefix("https://github.com/")
    return f"{where}@{'main' if '+' in version else 'v' + version}"


@dataclass
class Plan:
    dest: Path
    files: dict[str, str] = field(default_factory=dict)
    """Relative path (with '/') -> text."""
    install_spec: str = ""


@dataclass
class Result:
    dest: Path
    written: list[str]
    git_initialised: bool
    notes: list[str] = field(default_factory=list)
    install_spec: str = ""
    """The pip requirement the CI workflows install perfdocs with."""


def _git(folder: Path, *args: str) -> Output | None:
    """git's answer, or None when git did not run (not installed, or it hung)."""
    try:
        return run(folder, *args, check=False, timeout=60)
    except GitError:
        return None


def _env() -> jinja2.Environment:
    # Square-bracket delimiters: the CI files are full of ${{ ... }} expressions.
    return text_env(
        "init",
        block_start_string="[%",
        block_end_string="%]",
        variable_start_string="[[",
        variable_end_string="]]",
        comment_start_string="[#",
        comment_end_string="#]",
    )


def _target(rel: str, ctx: dict[str, Any]) -> str:
    """Template path -> file path: 'dot-x' is '.x' (so the templates are not themselves
    dotfiles that tools would pick up), '__handle__', '__manager__' and '__team__' are filled in."""
    parts = [("." + p[4:]) if p.startswith("dot-") else p for p in rel.split("/")]
    path = "/".join(parts).replace("__handle__", ctx["handle"]).replace("__team__", ctx["team"])
    return path.replace("__manager__", ctx["manager"])


def defaults(dest: Path) -> dict[str, str]:
    """Who the first person is, from git's configuration where there is one."""
    folder = next((p for p in (dest, *dest.parents) if p.is_dir()), Path.cwd())
    found = {}
    for key in ("user.email", "user.name"):
        out = _git(folder, "config", key)
        found[key] = out.text.strip() if out is not None and out.ok else ""
    email = found["user.email"]
    handle = slugify(email.split("@")[0]) if email else slugify(os.environ.get("USER", "") or "me")
    return {"handle": handle, "name": found["user.name"] or handle, "email": email or f"{handle}@example.com"}


def plan(
    dest: Path,
    example: bool = False,
    org_name: str | None = None,
    handle: str | None = None,
    name: str | None = None,
    email: str | None = None,
    manager: str | None = None,
    install_spec: str | None = None,
) -> Plan:
    who = defaults(dest)
    handle = handle or who["handle"]
    if not ID.match(handle):
        raise PerfdocsError(f"--handle {handle!r} is not a valid id (ASCII letters, digits, '.', '_', '-')")
    if email is not None and "@" not in email:
        raise PerfdocsError(f"--email {email!r} is not an email address")
    if manager is not None and not ID.match(manager):
        raise PerfdocsError(f"--manager {manager!r} is not a valid id (ASCII letters, digits, '.', '_', '-')")
    # the placeholder gives way to a first person who took its handle
    boss = manager or (MANAGER if handle != MANAGER else MANAGER + "-1")
    if boss == handle:
        raise PerfdocsError(f"--manager {manager!r} is the first person: name their manager, someone else")
    spec = default_install_spec() if install_spec is None else install_spec.strip()
    if not spec or any(c in spec for c in "\n\r\"'`$"):
        raise PerfdocsError(
            f"--install-spec {install_spec!r} is not a pip requirement (a git URL, a wheel's path or URL, "
            "or a package name, without quotes, '$' or line breaks)"
        )
    folder_name = dest.resolve().name
    ctx = {
        "org_id": slugify(org_name or folder_name, 40),
        "org_name": org_name or folder_name,
        # git's name and email describe the person only when the handle came from them
        "handle": handle,
        "name": name or (who["name"] if handle == who["handle"] else handle),
        "email": email or (who["email"] if handle == who["handle"] else f"{handle}@example.com"),
        "team": "core",
        "manager": boss,
        "manager_placeholder": manager is None,
        "manager_name": "Your manager" if manager is None else boss,
        "manager_email": f"{boss}@example.com",
        "today": today().isoformat(),
        "install_spec": spec,
        "repository": REPOSITORY,
        "version": __version__,
        "action": action(),
    }
    env = _env()
    out = Plan(dest, install_spec=spec)
    for rel in sorted(env.list_templates()):
        if example and rel.startswith(RECORDS + "/"):
            continue
        target = _target(rel, ctx)
        out.files[target] = env.get_template(rel).render(**ctx, schemas=local_schemas.modeline_prefix(target))
    for name, text in local_schemas.copies().items():
        out.files[f"{local_schemas.FOLDER}/{name}"] = text
    if example:
        source = data_dir("records")
        for path in sorted(source.rglob("*")):
            inner = path.relative_to(source)
            # what the loader ignores (caches, editor files) is not part of the example
            if path.is_file() and not any(part.startswith((".", "_")) for part in inner.parts):
                try:
                    out.files[f"{RECORDS}/{inner.as_posix()}"] = path.read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError) as err:
                    raise PerfdocsError(f"cannot copy the example record {inner.as_posix()}: {err}") from None
    return out


def _codeowners(dest: Path) -> str:
    """CODEOWNERS generated from the records just written (so validate finds it up to date);
    the lines of a CODEOWNERS being replaced with --force are kept above the generated part."""
    from perfdocs.records import organisation
    from perfdocs.records.load import load_records
    from perfdocs.repo import codeowners

    root = dest / RECORDS
    org, _ = organisation.build(load_records(root).records)
    path = dest / "CODEOWNERS"
    return codeowners.render(org, root, path.read_text(encoding="utf-8") if path.is_file() else None)


def init(dest: Path, example: bool = False, force: bool = False, **who: str | None) -> Result:
    """Write the new repository into `dest` (created if needed; git-initialised unless it is
    already inside a git working tree)."""
    if dest.exists() and not dest.is_dir():
        raise PerfdocsError(f"{display_path(dest)} exists and is not a folder")
    planned = plan(dest, example, **who)
    root = dest / RECORDS
    # Over an existing records folder (init --force) other commands may be writing it:
    # check and write as one step, in turn with them. A new folder has no other writer.
    with records_lock(root) if root.is_dir() else nullcontext():
        return _write(dest, planned, force)


def _write(dest: Path, planned: Plan, force: bool) -> Result:
    targets = {rel: inside(dest, dest / rel) for rel in [*planned.files, "CODEOWNERS"]}
    if not force:
        existing = [rel for rel, path in targets.items() if path.exists()]
        if existing:
            raise PerfdocsError(
                f"{display_path(dest)} already has {', '.join(existing)}; "
                "not overwriting (use --force to replace these files)"
            )
    dest.mkdir(parents=True, exist_ok=True)
    notes = []
    git_initialised = False
    inside_repo = _git(dest, "rev-parse", "--is-inside-work-tree")
    if inside_repo is None:
        notes.append("git is not installed: the folder is not a git repository yet")
    elif inside_repo.returncode != 0:
        made = _git(dest, "init", "-q", "--initial-branch=main")
        if made is None or made.returncode != 0:
            made = _git(dest, "init", "-q")  # git before 2.28 has no --initial-branch
        if made is None or made.returncode != 0:
            raise PerfdocsError(
                f"git init failed in {display_path(dest)}: "
                f"{made.stderr.decode('utf-8', 'replace').strip() if made is not None else 'git did not run'}"
            )
        git_initialised = True
    for rel, text in planned.files.items():
        atomic_write(inside(dest, dest / rel), text, overwrite=force)
    atomic_write(inside(dest, dest / "CODEOWNERS"), _codeowners(dest), overwrite=force)
    return Result(dest, [*planned.files, "CODEOWNERS"], git_initialised, notes, planned.install_spec)

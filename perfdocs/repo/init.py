"""Bootstrap: `perfdocs init DIR` makes a new records repository.

The repository gets a minimal organisation (or, with `example`, the full example one) under
`records/`, leaving its top for the README, the CI workflows, the pre-commit configuration,
CODEOWNERS, the schemas' local copies (`.perfdocs/schemas/`) and the editor's settings. Every file is planned before any is written (CODEOWNERS from the planned
records), nothing is overwritten unless asked, and the files are written all or none: every
byte goes into temporary files first, then they are renamed into place, and a failure at any
step (a full disk, a read-only folder) takes back what was written, so `init` can run again.

The CI workflows install perfdocs from an install spec, any pip requirement: by default this
version's tag in perfdocs' own repository (`REPOSITORY`, the one place that names it), since
perfdocs is not on the package index; `perfdocs init --install-spec` names another source.
"""

from __future__ import annotations

import os
import re
import shutil
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from perfdocs import __version__
from perfdocs.dates import today
from perfdocs.diagnostics import display_path
from perfdocs.errors import PerfdocsError
from perfdocs.fsutil import inside, make_folders, place, remove_folders, stage, writing
from perfdocs.git.run import GitError, Output, run
from perfdocs.lock import records_lock
from perfdocs.records.organisation import Organisation
from perfdocs.records.sources import Source
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
    private: Path | None = None
    """With --private-source: the records source for people's folders, a repository of its own."""
    private_files: dict[str, str] = field(default_factory=dict)
    """Its files: relative path (with '/') -> text."""


PRIVATE_SOURCE = "people"
"""The name org.yaml `sources` gives the private source `init --private-source` makes."""
PRIVATE_KINDS = ("person", "evidence", "goal", "review", "packet")


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
    private_source: Path | None = None,
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
    if not example:
        org_yaml = f"{RECORDS}/org.yaml"
        out.files[org_yaml] = out.files[org_yaml].rstrip("\n") + "\n" + evaluation_yaml(out.files[org_yaml])
    if private_source is not None:
        _split(out, private_source, ctx)
    return out


WRITTEN_SECTIONS = ("readiness", "scoring")
"""The org.yaml sections `init` writes in full, every default explicit: the rules the site
publishes as "how evaluation works" (the others keep their defaults until someone needs them)."""


def evaluation_yaml(org_text: str) -> str:
    """`WRITTEN_SECTIONS` as YAML with every default written out, each key under a comment
    made of its attribute docstring in perfdocs.settings: a field added there is written here
    too, with its sentence. The score's weights name the dimensions of `org_text` (the org.yaml
    being written), each at its default."""
    import json
    import textwrap

    from perfdocs import settings
    from perfdocs.records.parse import load_text

    data = load_text(org_text, Path("org.yaml")).data
    dims = data.get("dimensions") if isinstance(data, dict) else None
    defaults = settings.parse({}, [d for d in dims or [] if isinstance(d, dict)])
    sections = {name: type(getattr(defaults, attr)) for attr, name in settings.SECTIONS}
    lines: list[str] = []

    def comment(text: str, depth: int) -> None:
        width = 100 - 2 * depth - 2
        text = " ".join(text.split())
        for paragraph in textwrap.wrap(text[:1].upper() + text[1:], width) or [""]:
            lines.append("  " * depth + "# " + paragraph)

    for name in WRITTEN_SECTIONS:
        lines.append("")
        comment(str(sections[name].__doc__ or name), 0)
        lines.append(f"{name}:")
        done: tuple[str, ...] = (name,)
        said: set[str] = set()
        for row in settings.explain_settings(defaults, None, defaults, name):
            if row.value is None:  # optional text: shown, not written
                comment(f"{row.key[-1]}: (optional, not written) {row.doc}", len(row.key) - 1)
                continue
            parents = row.key[:-1]
            common = 0
            while common < min(len(done), len(parents)) and done[common] == parents[common]:
                common += 1
            for depth in range(max(common, 1), len(parents)):
                if row.entry and row.attribute not in said and depth == len(parents) - 1:
                    comment(row.doc, depth)  # a mapping: its sentence once, above its entries
                    said.add(row.attribute)
                lines.append("  " * depth + f"{parents[depth]}:")
            if row.attribute not in said:
                comment(row.doc, len(parents))
                said.add(row.attribute)
            lines.append("  " * len(parents) + f"{row.key[-1]}: {json.dumps(row.value, ensure_ascii=False)}")
            done = parents
    return "\n".join(lines) + "\n"


def _split(out: Plan, private: Path, ctx: dict[str, Any]) -> None:
    """Move people's folders into the private source and name it in org.yaml: the records
    folder keeps the org, the rubric and the teams, which everyone may clone."""
    dest = out.dest
    if private.resolve() == dest.resolve() or private.resolve().is_relative_to(dest.resolve()):
        raise PerfdocsError(
            f"--private-source {display_path(private)} must be outside {display_path(dest)}: "
            "it is a repository of its own, which only its readers can clone"
        )
    if dest.resolve().is_relative_to(private.resolve()):
        raise PerfdocsError(f"--private-source {display_path(private)} must not hold {display_path(dest)}")
    out.private = private
    prefix = f"{RECORDS}/people/"
    for rel in [r for r in out.files if r.startswith(prefix)]:
        out.private_files[rel[len(RECORDS) + 1 :]] = out.files.pop(rel)
    where = os.path.relpath(private.resolve(), (dest / RECORDS).resolve()).replace(os.sep, "/")
    out.files[f"{RECORDS}/org.yaml"] = out.files[f"{RECORDS}/org.yaml"].rstrip("\n") + (
        "\n# People's folders (their evidence, goals, reviews and packets) live in a repository of\n"
        "# their own, which only the people who may read them can clone: clone it at the path below,\n"
        f"# or set PERFDOCS_SOURCE_{PRIVATE_SOURCE.upper()} to where it is. Without it, perfdocs checks the rest.\n"
        f"sources:\n  {PRIVATE_SOURCE}:\n    path: {where}\n    kinds: [{', '.join(PRIVATE_KINDS)}]\n"
    )
    out.private_files["README.md"] = (
        f"# {ctx['org_name']}: people's records\n\n"
        "The private records source of the records repository (its org.yaml `sources`): people's\n"
        "evidence, goals, reviews and promotion packets. perfdocs `visibility` only decides what\n"
        "a site shows; anyone who can clone this repository can read every record in it, so\n"
        "give access only to the people who may read them (the managers, and each person).\n"
    )
    if ".gitignore" in out.files:
        out.private_files[".gitignore"] = out.files[".gitignore"]


def _codeowners(dest: Path, planned: Plan) -> str:
    """CODEOWNERS generated from the records about to be written (so validate finds it up to
    date), worked out before anything is written; the lines of a CODEOWNERS being replaced
    with --force are kept above the generated part."""
    from perfdocs.repo import codeowners

    root = dest / RECORDS
    path = dest / "CODEOWNERS"
    return codeowners.render(_planned_org(planned), root, path.read_text(encoding="utf-8") if path.is_file() else None)


def _private_codeowners(planned: Plan) -> str:
    """The private source's CODEOWNERS: its people's folders routed to their managers."""
    from perfdocs.repo import codeowners

    assert planned.private is not None
    path = planned.private / "CODEOWNERS"
    existing = path.read_text(encoding="utf-8") if path.is_file() else None
    return codeowners.render(_planned_org(planned), planned.private, existing, PRIVATE_SOURCE)


def _planned_org(planned: Plan) -> Organisation:
    from perfdocs.records import organisation
    from perfdocs.records.load import from_texts

    root = planned.dest / RECORDS
    texts = {rel[len(RECORDS) + 1 :]: text for rel, text in planned.files.items() if rel.startswith(RECORDS + "/")}
    records = from_texts(root, texts)
    found: list[Source] = []
    if planned.private is not None:
        private = from_texts(planned.private, planned.private_files)
        for record in private:
            record.source = PRIVATE_SOURCE
        records += private
        found.append(Source(PRIVATE_SOURCE, planned.private, "org.yaml", "", PRIVATE_KINDS, present=True))
    org, _ = organisation.build(records)
    org.sources = found
    return org


def init(
    dest: Path, example: bool = False, force: bool = False, private_source: Path | None = None, **who: str | None
) -> Result:
    """Write the new repository into `dest` (created if needed; git-initialised unless it is
    already inside a git working tree); with `private_source`, people's folders go into a
    second repository there, named in org.yaml `sources`."""
    for folder in (dest, private_source):
        if folder is not None and folder.exists() and not folder.is_dir():
            raise PerfdocsError(f"{display_path(folder)} exists and is not a folder")
    planned = plan(dest, example, private_source=private_source, **who)
    root = dest / RECORDS
    # Over an existing records folder (init --force) other commands may be writing it:
    # check and write as one step, in turn with them. A new folder has no other writer.
    with records_lock(root) if root.is_dir() else nullcontext():
        return _write(dest, planned, force)


def _write(dest: Path, planned: Plan, force: bool) -> Result:
    files = {**planned.files, "CODEOWNERS": _codeowners(dest, planned)}
    targets = {rel: inside(dest, dest / rel) for rel in files}
    repos = [dest]
    written = list(files)
    private = planned.private
    if private is not None:
        repos.append(private)
        shown = display_path(private)
        for rel, text in {**planned.private_files, "CODEOWNERS": _private_codeowners(planned)}.items():
            files[f"{shown}/{rel}"] = text
            targets[f"{shown}/{rel}"] = inside(private, private / rel)
            written.append(f"{shown}/{rel}")
    if not force:
        existing = [rel for rel, path in targets.items() if path.exists()]
        if existing:
            raise PerfdocsError(
                f"{display_path(dest)} already has {', '.join(existing)}; "
                "not overwriting (use --force to replace these files)"
            )
    undo = _Undo()
    notes: list[str] = []
    git_initialised = False
    try:
        for repo in repos:
            with writing(repo):
                undo.folders += make_folders(repo)
            said, made = _git_init(repo, undo)
            notes += [n for n in said if n not in notes]
            git_initialised = git_initialised or (made and repo == dest)
        # Every byte first, into temporary files beside their targets; only then the renames,
        # which need no space: a full disk or a read-only folder stops the first phase, and
        # the undo leaves the folder as it was, so that `init` can simply be run again.
        for rel, text in files.items():
            path = targets[rel]
            with writing(path):
                undo.folders += make_folders(path.parent)
                undo.staged.append((stage(path, text), path))
        for tmp, path in undo.staged:
            with writing(path):
                undo.keep(path)
                place(tmp, path, overwrite=force)
                undo.placed.append(path)
    except BaseException:
        undo.run()
        raise
    undo.done()
    return Result(dest, written, git_initialised, notes, planned.install_spec)


def _git_init(dest: Path, undo: _Undo) -> tuple[list[str], bool]:
    """git-initialise `dest` unless it is inside a working tree already: (notes, initialised)."""
    inside_repo = _git(dest, "rev-parse", "--is-inside-work-tree")
    if inside_repo is None:
        return ["git is not installed: the folder is not a git repository yet"], False
    if inside_repo.returncode == 0:
        return [], False
    if not (dest / ".git").exists():
        undo.gits.append(dest / ".git")  # a failed git init, or a failure after it, removes what it made
    made = _git(dest, "init", "-q", "--initial-branch=main")
    if made is None or made.returncode != 0:
        made = _git(dest, "init", "-q")  # git before 2.28 has no --initial-branch
    if made is None or made.returncode != 0:
        raise PerfdocsError(
            f"git init failed in {display_path(dest)}: "
            f"{made.stderr.decode('utf-8', 'replace').strip() if made is not None else 'git did not run'}"
        )
    return [], True


@dataclass
class _Undo:
    """What a failed `init` takes back, in reverse: the files it put in place (a replaced
    file gets its old content back), its temporary files, the git repository and the
    folders it created."""

    folders: list[Path] = field(default_factory=list)
    staged: list[tuple[Path, Path]] = field(default_factory=list)
    placed: list[Path] = field(default_factory=list)
    kept: dict[Path, Path | bytes] = field(default_factory=dict)
    """A file replaced with --force -> a hard link to its old content (or the content)."""
    gits: list[Path] = field(default_factory=list)

    def keep(self, path: Path) -> None:
        if not path.is_file() or path.is_symlink():
            return
        backup = path.with_name(f".{path.name}.{os.getpid()}.old")
        try:
            os.link(path, backup)  # no space needed: the old content stays where it is
            self.kept[path] = backup
        except OSError:  # a file system without hard links
            self.kept[path] = path.read_bytes()

    def run(self) -> None:
        for path in reversed(self.placed):
            try:
                old = self.kept.pop(path, None)
                if isinstance(old, Path):
                    os.replace(old, path)
                elif isinstance(old, bytes):
                    path.write_bytes(old)
                else:
                    path.unlink()
            except OSError:
                pass
        self.done()
        for tmp, _ in self.staged:
            try:
                tmp.unlink(missing_ok=True)
            except OSError:
                pass
        for git in self.gits:
            shutil.rmtree(git, ignore_errors=True)
        remove_folders(self.folders)

    def done(self) -> None:
        for backup in self.kept.values():
            if isinstance(backup, Path):
                try:
                    backup.unlink()
                except OSError:
                    pass

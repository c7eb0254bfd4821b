"""`perfdocs init`: from nothing to a validated repository with a built site."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import yaml

from perfdocs import __version__

from tests.support.files import REPO

SCHEMAS = sorted(f".perfdocs/schemas/{p.name}" for p in (REPO / "schemas").glob("*.schema.json"))
MINIMAL_FILES = [
    "README.md",
    ".github/workflows/perfdocs.yml",
    ".gitignore",
    ".gitlab-ci.yml",
    ".pre-commit-config.yaml",
    ".vscode/settings.json",
    "records/matrices/engineering.yaml",
    "records/org.yaml",
    "records/people/ann/person.yaml",
    "records/people/manager/person.yaml",
    "records/teams/core.yaml",
    "records/tracks/engineering.yaml",
    *SCHEMAS,
    "CODEOWNERS",
]
LISTED = [rel for rel in MINIMAL_FILES if rel not in SCHEMAS[1:]]
"""The files init lists: the schemas' copies are one line, where the first one is."""
SPEC = f"git+https://github.com/perfdocs/perfdocs@v{__version__}"


def git(cwd: Path, *args: str) -> str:
    out = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return out.stdout.strip()


def files_under(folder: Path) -> set[str]:
    return {
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(folder).parts
    }


def test_init_writes_a_minimal_organisation_into_a_new_git_repository(cli, tmp_path, isolated_git):
    res = cli("init", "my-records", cwd=tmp_path)
    assert res.exit_code == 0, res
    dest = tmp_path / "my-records"
    assert res.stdout == (
        f"created my-records, a new git repository, with {len(MINIMAL_FILES)} files:\n"
        + "".join(
            f"  {rel}\n"
            if rel != SCHEMAS[0]
            else f"  .perfdocs/schemas/ ({len(SCHEMAS)} record schemas, for editors and tools)\n"
            for rel in LISTED
        )
        + f'CI installs perfdocs with: pip install "{SPEC}" (change it with --install-spec)\n'
        + "\nnext:\n  cd my-records\n  perfdocs validate\n  perfdocs build\n"
        '  perfdocs new evidence --title "What you did"\n'
    )
    assert res.stderr == (
        "note: records/people/manager/person.yaml is a placeholder for your manager: "
        "fill it in (or use --manager HANDLE)\n"
    )
    assert files_under(dest) == set(MINIMAL_FILES)
    assert git(dest, "rev-parse", "--is-inside-work-tree") == "true"
    assert git(dest, "symbolic-ref", "--short", "HEAD") == "main"
    person = yaml.safe_load((dest / "records/people/ann/person.yaml").read_text())
    assert (person["handle"], person["name"], person["emails"]) == ("ann", "Ann Example", ["ann@example.com"])
    assert person["manager"] == "manager"
    org = yaml.safe_load((dest / "records/org.yaml").read_text())
    assert (org["id"], org["name"]) == ("my-records", "my-records")

    check = cli("validate", cwd=dest)
    assert (check.exit_code, check.stdout, check.stderr) == (0, "", "6 files checked: 0 errors, 0 warnings (ok)\n")


def test_init_takes_the_org_name_and_the_first_person_from_options(cli, tmp_path, isolated_git):
    res = cli(
        "init",
        "acme-perf",
        "--org",
        "Acme Corp",
        "--handle",
        "bo",
        "--name",
        "Bo Li",
        "--email",
        "bo@acme.example",
        cwd=tmp_path,
    )
    assert res.exit_code == 0, res
    dest = tmp_path / "acme-perf"
    person = yaml.safe_load((dest / "records/people/bo/person.yaml").read_text())
    assert (person["handle"], person["name"], person["emails"]) == ("bo", "Bo Li", ["bo@acme.example"])
    org = yaml.safe_load((dest / "records/org.yaml").read_text())
    assert (org["id"], org["name"]) == ("acme-corp", "Acme Corp")
    team = yaml.safe_load((dest / "records/teams/core.yaml").read_text())
    assert (team["manager"], team["members"]) == ("manager", ["manager", "bo"])
    assert (dest / "CODEOWNERS").read_text().splitlines()[-2:] == [
        "/records/people/bo/ @manager @bo",
        "/records/people/manager/ @manager",
    ]
    assert cli("validate", cwd=dest).exit_code == 0


def test_init_rejects_a_handle_that_is_not_an_id(cli, tmp_path, isolated_git):
    res = cli("init", "x", "--handle", "Ann Example", cwd=tmp_path)
    assert (res.exit_code, res.stdout) == (2, "")
    assert res.stderr == (
        "perfdocs: error: --handle 'Ann Example' is not a valid id (ASCII letters, digits, '.', '_', '-')\n"
    )
    assert not (tmp_path / "x").exists()


def test_every_scaffolded_yaml_record_names_its_local_schema_for_editors(cli, tmp_path, isolated_git):
    assert cli("init", "r", cwd=tmp_path).exit_code == 0
    for path in sorted((tmp_path / "r/records").rglob("*.yaml")):
        first, *rest = path.read_text().splitlines()
        kind = yaml.safe_load("\n".join(rest))["kind"]
        up = "../" * len(path.relative_to(tmp_path / "r").parent.parts)
        assert first == f"# yaml-language-server: $schema={up}.perfdocs/schemas/{kind}.schema.json"
        assert (path.parent / first.split("=", 1)[1]).resolve() == tmp_path / f"r/.perfdocs/schemas/{kind}.schema.json"


def test_init_refuses_to_overwrite_and_then_writes_nothing(cli, tmp_path, isolated_git):
    dest = tmp_path / "existing"
    dest.mkdir()
    (dest / "README.md").write_text("mine\n")
    (dest / "CODEOWNERS").write_text("* @someone\n")
    res = cli("init", dest, cwd=tmp_path)
    assert (res.exit_code, res.stdout) == (2, "")
    assert res.stderr == (
        "perfdocs: error: existing already has README.md, CODEOWNERS; "
        "not overwriting (use --force to replace these files)\n"
    )
    assert files_under(dest) == {"README.md", "CODEOWNERS"}
    assert not (dest / ".git").exists()


def test_init_force_replaces_files_but_keeps_the_repositorys_own_codeowners_lines(cli, tmp_path, isolated_git):
    dest = tmp_path / "existing"
    dest.mkdir()
    (dest / "README.md").write_text("mine\n")
    (dest / "CODEOWNERS").write_text("* @platform-team\n")
    res = cli("init", dest, "--force", cwd=tmp_path)
    assert res.exit_code == 0, res
    assert (dest / "README.md").read_text().startswith("# existing: performance records\n")
    lines = (dest / "CODEOWNERS").read_text().splitlines()
    assert lines[:2] == ["* @platform-team", ""]
    assert lines[-2:] == ["/records/people/ann/ @manager @ann", "/records/people/manager/ @manager"]


def test_init_inside_an_existing_repository_does_not_create_another(cli, tmp_path, isolated_git, git_repo):
    outer = git_repo("outer")
    res = cli("init", outer.path / "perf", cwd=tmp_path)
    assert res.exit_code == 0, res
    assert res.stdout.startswith(f"created outer/perf, with {len(MINIMAL_FILES)} files:\n")
    assert not (outer.path / "perf/.git").exists()


def test_init_example_copies_the_full_example_organisation(cli, tmp_path, isolated_git):
    res = cli("init", "demo", "--example", cwd=tmp_path)
    assert res.exit_code == 0, res
    dest = tmp_path / "demo"
    records = {
        rel for rel in files_under(REPO / "records") if not any(part.startswith((".", "_")) for part in rel.split("/"))
    }
    assert files_under(dest / "records") == records
    for rel in records:
        assert (dest / "records" / rel).read_bytes() == (REPO / "records" / rel).read_bytes(), rel
    assert "/records/people/chen/ @emeka @chen" in (dest / "CODEOWNERS").read_text().splitlines()
    check = cli("validate", "--no-links", cwd=dest)
    assert check.exit_code == 0, check


def test_written_files_are_atomic_and_leave_no_temporary_files(cli, tmp_path, isolated_git):
    assert cli("init", "r", cwd=tmp_path).exit_code == 0
    leftovers = list((tmp_path / "r").rglob(".*.tmp"))
    assert leftovers == []


def test_three_commands_from_nothing_to_a_built_site(tmp_path, isolated_git):
    """The README's getting started, run as a user would: the installed `perfdocs` script."""
    env = {**os.environ, "PATH": f"{REPO / '.venv/bin'}{os.pathsep}{os.environ['PATH']}"}
    subprocess.run(["perfdocs", "init", "my-records"], cwd=tmp_path, env=env, check=True, capture_output=True)
    done = subprocess.run(
        "cd my-records && perfdocs validate && perfdocs build",
        shell=True,
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "my-records/site/index.html").is_file()


def test_init_into_the_current_folder_names_the_org_after_it(cli, tmp_path, isolated_git):
    here = tmp_path / "people-records"
    here.mkdir()
    res = cli("init", ".", cwd=here)
    assert res.exit_code == 0, res
    assert res.stdout.endswith(
        '\nnext:\n  perfdocs validate\n  perfdocs build\n  perfdocs new evidence --title "What you did"\n'
    )
    assert yaml.safe_load((here / "records/org.yaml").read_text())["id"] == "people-records"
    assert cli("validate", cwd=here).exit_code == 0


def test_init_example_leaves_out_what_the_loader_ignores(cli, tmp_path, isolated_git, monkeypatch):
    import shutil

    from perfdocs.repo import init

    source = tmp_path / "bundled"  # the bundled example, with a cache and a draft beside the records
    shutil.copytree(REPO / "records", source, ignore=shutil.ignore_patterns(".*", "_*"))
    (source / ".perfdocs-cache").mkdir()
    (source / ".perfdocs-cache/index.bin").write_bytes(b"\x00\xff binary")
    (source / "people/alice/_draft.md").write_text("not a record\n")
    real = init.data_dir
    monkeypatch.setattr(init, "data_dir", lambda name: source if name == "records" else real(name))
    res = cli("init", "demo", "--example", cwd=tmp_path)
    assert res.exit_code == 0, res
    copied = files_under(tmp_path / "demo/records")
    assert copied == files_under(source) - {".perfdocs-cache/index.bin", "people/alice/_draft.md"}
    assert "people/alice/person.yaml" in copied


def test_written_files_get_the_usual_permissions_not_private_temporary_ones(cli, tmp_path, isolated_git):
    old = os.umask(0o022)
    try:
        assert cli("init", "r", cwd=tmp_path).exit_code == 0
        (tmp_path / "r/README.md").chmod(0o640)
        assert cli("init", "r", "--force", cwd=tmp_path).exit_code == 0
    finally:
        os.umask(old)
    assert (tmp_path / "r/records/org.yaml").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "r/README.md").stat().st_mode & 0o777 == 0o640  # a replaced file keeps its own

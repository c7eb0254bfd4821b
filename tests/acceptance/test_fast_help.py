"""`perfdocs --help` and `--version` stay fast: they load the command line, not the library
(no Jinja, no schemas, no git, no Markdown); `import perfdocs` loads nothing but its version."""

from __future__ import annotations

import subprocess
import sys

import pytest

import perfdocs

HEAVY = ("jinja2", "jsonschema", "jsonschema_rs", "git", "markdown_it", "openpyxl")


# Runs `python -m perfdocs ARGS` and, at exit, lists sys.modules: -X importtime misses the
# modules importlib.import_module loads (the command modules), though not what they import.
_RUN = (
    "import atexit, runpy, sys; "
    "atexit.register(lambda: sys.stderr.write('module: ' + ' '.join(sys.modules) + chr(10))); "
    "sys.argv[0] = 'perfdocs'; runpy.run_module('perfdocs', run_name='__main__', alter_sys=True)"
)


def imported(*args: str) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """The run of `python -X importtime -m perfdocs ARGS` (or of `-c CODE` when ARGS start with
    -c), and every module it imported: those -X importtime lists, and those left in sys.modules."""
    argv = list(args) if args[0] == "-c" else ["-c", _RUN, *args]
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *argv], capture_output=True, text=True, timeout=60, check=False
    )
    modules = set()
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and line.count("|") == 2 and "imported package" not in line:
            modules.add(line.rsplit("|", 1)[1].strip())
        elif line.startswith("module: "):
            modules.update(line.split()[1:])
    return done, modules


def heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY)


@pytest.mark.parametrize("option", ["--help", "--version"])
def test_help_and_version_import_neither_jinja_nor_the_schemas(option):
    done, modules = imported(option)
    assert done.returncode == 0, done.stderr[-2000:]
    assert ("Usage: " in done.stdout) if option == "--help" else (perfdocs.__version__ in done.stdout)
    if option == "--help":
        assert {"perfdocs.cli", "perfdocs.cli.commands.site"} <= modules  # the measure sees the commands load
    else:  # --version loads no command at all
        assert "perfdocs.cli" in modules
        assert not {m for m in modules if m.startswith("perfdocs.cli.commands.")}
    assert heavy(modules) == []
    assert not {"perfdocs.validation", "perfdocs.rules", "perfdocs.site"} & modules


def test_a_command_s_help_imports_none_of_the_library_either():
    done, modules = imported("build", "--help")
    assert done.returncode == 0, done.stderr[-2000:]
    assert heavy(modules) == []


def test_import_perfdocs_loads_only_its_version():
    done, modules = imported("-c", "import perfdocs; print(perfdocs.__version__)")
    assert done.returncode == 0, done.stderr[-2000:]
    assert sorted(m for m in modules if m.startswith("perfdocs")) == ["perfdocs"]


def test_new_offers_the_kinds_the_scaffold_writes():
    from perfdocs.cli.commands import new
    from perfdocs.repo import scaffold

    assert new.NEW_KINDS == scaffold.NEW_KINDS


def test_the_public_api_is_the_pipeline_s_own_functions():
    from perfdocs import site, validation

    assert perfdocs.validate is validation.validate
    assert perfdocs.build_site is site.build
    assert {"load_org", "validate", "build_site"} <= set(perfdocs.__all__) & set(dir(perfdocs))
    if not hasattr(validation, "load_org"):
        pytest.skip("validation.load_org (the organisation with its diagnostics) is not there yet")
    assert perfdocs.load_org is validation.load_org


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        perfdocs.nothing  # noqa: B018


def _defined_commands() -> dict[str, str]:
    """Every command the modules of perfdocs/cli/commands define, and its module."""
    import importlib
    import pkgutil

    from perfdocs.cli import commands

    found = {}
    for module in pkgutil.iter_modules(commands.__path__):
        for command in getattr(importlib.import_module(f"perfdocs.cli.commands.{module.name}"), "COMMANDS", ()):
            found[command.name] = module.name
    return found


def test_the_lazy_table_names_every_command_and_its_module():
    from perfdocs.cli import LAZY

    assert LAZY == _defined_commands()


def test_help_lists_every_command_the_command_modules_define():
    done = subprocess.run(
        [sys.executable, "-m", "perfdocs", "--help"], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    listed = done.stdout.split("\nCommands:\n", 1)[1]
    names = [line.split()[0] for line in listed.splitlines() if line.startswith("  ") and line.split()]
    assert names == sorted(_defined_commands())


def test_importing_the_command_line_loads_no_heavy_library():
    code = "import sys, perfdocs.cli; print(' '.join(sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    modules = set(done.stdout.split())
    assert heavy(modules) == []
    assert "multiprocessing" not in modules
    assert not {m for m in modules if m.startswith("perfdocs.cli.commands.")}  # loaded when a command runs
    assert "importlib.metadata" not in modules  # the version is read only by --version


def test_running_a_command_loads_only_its_own_module():
    done, modules = imported("validate", "--help")
    assert done.returncode == 0, done.stderr[-2000:]
    assert {m for m in modules if m.startswith("perfdocs.cli.commands.")} == {"perfdocs.cli.commands.validate"}


def test_a_mistyped_command_is_told_the_commands_near_it():
    done = subprocess.run(
        [sys.executable, "-m", "perfdocs", "validat"], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 2
    assert "No such command 'validat'. (Did you mean one of: 'calibrate', 'validate'?)" in done.stderr

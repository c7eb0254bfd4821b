"""perfdocs: performance records as code.

The library's front door, for scripts and notebooks:

    import perfdocs
    report = perfdocs.validate(Path("records"))   # every diagnostic, nothing raised
    report = perfdocs.load_org(Path("records"))   # the organisation with its diagnostics
    perfdocs.build_site(Path("records"), Path("site"), audience="public")

The three are imported when first used (module `__getattr__`), so `import perfdocs`, which
every command line run does, stays cheap; so is `__version__`, because reading the installed
package's metadata (importlib.metadata and the email parser it loads) costs more than the rest
of a `perfdocs --help`.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

# Names, not imports: a static import here would make every module that reads __version__
# depend (for import-linter, and at run time) on the whole pipeline.
_API = {
    "load_org": ("perfdocs.validation", "load_org"),
    "validate": ("perfdocs.validation", "validate"),
    "build_site": ("perfdocs.site", "build"),
}

__all__ = ["__version__", *_API]


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("perfdocs")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0+source"


def __getattr__(name: str) -> Any:
    if name == "__version__":
        found = globals()["__version__"] = _version()
        return found
    if name in _API:
        module, attr = _API[name]
        value = getattr(import_module(module), attr)
        globals()[name] = value  # looked up once
        return value
    raise AttributeError(f"module 'perfdocs' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_API, "__version__"})

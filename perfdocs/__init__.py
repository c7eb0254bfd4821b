"""perfdocs: performance records as code.

The library's front door, for scripts and notebooks:

    import perfdocs
    report = perfdocs.validate(Path("records"))   # every diagnostic, nothing raised
    report = perfdocs.load_org(Path("records"))   # the organisation with its diagnostics
    perfdocs.build_site(Path("records"), Path("site"), audience="public")

The three are imported when first used (module `__getattr__`), so `import perfdocs`, which
every command line run does, stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import Any

try:
    __version__ = version("perfdocs")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"

# Names, not imports: a static import here would make every module that reads __version__
# depend (for import-linter, and at run time) on the whole pipeline.
_API = {
    "load_org": ("perfdocs.validation", "load_org"),
    "validate": ("perfdocs.validation", "validate"),
    "build_site": ("perfdocs.site", "build"),
}

__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    if name in _API:
        module, attr = _API[name]
        value = getattr(import_module(module), attr)
        globals()[name] = value  # looked up once
        return value
    raise AttributeError(f"module 'perfdocs' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_API})

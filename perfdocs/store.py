"""Local state: the cache folder, the local key, sealed files and atomic byte writes.

perfdocs keeps four kinds of state between runs, all safe to delete: the record cache
(perfdocs.records.cache), the snapshot of each record's findings (perfdocs.records.snapshot), the links index (perfdocs.links) and the built site's page
manifest (perfdocs.site.reuse). Each is data that decides what perfdocs reports, and
each may sit inside a checkout where a pull request could commit a crafted copy, so none
is trusted because it is there: it is *sealed* with an HMAC under a key kept outside the
checkout (`$PERFDOCS_CACHE_DIR/key`, else the user's cache folder), and a file whose MAC
is not the local key's is never unmarshalled.
"""

from __future__ import annotations

import hashlib
import hmac
import marshal
import os
import tempfile
from pathlib import Path

MAC_BYTES = 32
_OFF = ("0", "off", "no", "false")
_ON = ("1", "on", "yes", "true")


def setting() -> str:
    """PERFDOCS_CACHE: 'off', 'on' or 'auto' (unset, or any other value)."""
    value = os.environ.get("PERFDOCS_CACHE", "auto").strip().lower()
    return "off" if value in _OFF else "on" if value in _ON else "auto"


def cache_dir(records_root: Path) -> Path | None:
    """Where caches are kept: $PERFDOCS_CACHE_DIR, else .perfdocs-cache beside the records
    folder (outside it, so that copying or packaging the records never carries a cache
    along); safe to delete at any time. None with PERFDOCS_CACHE=0."""
    if setting() == "off":
        return None
    override = os.environ.get("PERFDOCS_CACHE_DIR")
    return Path(override) if override else records_root.resolve().parent / ".perfdocs-cache"


def key() -> bytes | None:
    """The local secret that authenticates cache files, created on first use; None when
    it can neither be read nor written (then nothing is cached)."""
    override = os.environ.get("PERFDOCS_CACHE_DIR")
    if override:
        path = Path(override) / "key"
    else:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        path = Path(base) / "perfdocs" / "key"
    try:
        found = path.read_bytes()
        if len(found) == 32:
            return found
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".key.", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(os.urandom(32))
        os.replace(tmp, path)  # two runs racing: both keys are valid, the last one stays
        found = path.read_bytes()
    except OSError:
        return None
    return found if len(found) == 32 else None


def mac(secret: bytes, blob: bytes | memoryview) -> bytes:
    return hmac.new(secret, blob, hashlib.sha256).digest()


def seal(blob: bytes, secret: bytes | None = None) -> bytes | None:
    """`blob` behind its MAC under the local key, for a cache file; None without a key."""
    secret = key() if secret is None else secret
    return None if secret is None else mac(secret, blob) + blob


def unseal(raw: bytes, secret: bytes | None = None) -> bytes | None:
    """What `seal` sealed, or None when the MAC is not the local key's (a cache file that
    was committed, crafted or damaged): it must not be unmarshalled."""
    secret = key() if secret is None else secret
    blob = raw[MAC_BYTES:]
    if secret is None or len(raw) < MAC_BYTES or not hmac.compare_digest(raw[:MAC_BYTES], mac(secret, blob)):
        return None
    return blob


def read_sealed(path: Path, secret: bytes | None = None) -> object | None:
    """The marshalled data of a sealed cache file, or None when the file cannot be read, was
    not sealed with the local key (never unmarshalled, then) or does not unmarshal. Callers
    check the shape of what they get: a file of an older format unmarshals too."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    secret = key() if secret is None else secret
    # As `unseal`, on a view of the file's bytes: no copy of a cache that may be tens of MB.
    blob = memoryview(raw)[MAC_BYTES:]
    if secret is None or len(raw) < MAC_BYTES or not hmac.compare_digest(raw[:MAC_BYTES], mac(secret, blob)):
        return None
    try:
        data: object = marshal.loads(blob)
    except (EOFError, ValueError, TypeError):
        return None
    return data


def write_bytes(path: Path, data: bytes) -> None:
    """Replace `path` with `data` atomically: readers see the old file or the new one,
    never half of one. Raises OSError (callers that only cache ignore it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)

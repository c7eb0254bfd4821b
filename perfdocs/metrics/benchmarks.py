"""Benchmark editions: where a team's whole-window DORA figures sit among DORA's answer buckets.

An edition is a cited data file beside this module (`benchmarks/<edition>.yaml`): DORA's
buckets for each metric, worst first, the report year and address, and the industry means
where they could be verified (an unverified mean is left empty, never invented). org.yaml
`dora.benchmark` chooses the edition; nothing about the buckets is written in code.

A figure's score is its bucket's place on the edition's 0-10 scale (the worst bucket 0, the
best 10, evenly spaced); a factor's score is the mean of its metrics' scores. A metric whose
whole-window figure is insufficient data has no bucket and no score.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from perfdocs.errors import PerfdocsError
from perfdocs.records.parse import load_text
from perfdocs.settings import DORA_FACTORS

FOLDER = Path(__file__).resolve().parent / "benchmarks"


def editions() -> list[str]:
    return sorted(p.stem for p in FOLDER.glob("*.yaml"))


@cache
def load(edition: str) -> dict[str, Any]:
    """An edition's data (PerfdocsError for one that does not exist)."""
    path = FOLDER / f"{edition}.yaml"
    if edition not in editions():
        from perfdocs.text import did_you_mean

        raise PerfdocsError(
            f"no DORA benchmark edition {edition!r} (org.yaml dora.benchmark){did_you_mean(edition, editions())}; "
            f"editions: {', '.join(editions())}"
        )
    data = load_text(path.read_text(encoding="utf-8"), path, markdown=False).data
    if not isinstance(data, dict) or not isinstance(data.get("metrics"), dict):
        raise PerfdocsError(f"benchmark edition {edition!r} is not a mapping with 'metrics'")
    return data


def bucket(value: float, buckets: list[dict[str, Any]]) -> int | None:
    """The index (worst first) of the bucket whose [min, max) holds the value."""
    for i, b in enumerate(buckets):
        lo, hi = b.get("min"), b.get("max")
        if (lo is None or value >= lo) and (hi is None or value < hi):
            return i
    return None


def assess(metrics: list[Any], edition: str) -> dict[str, Any]:
    """The whole-window figure of each metric placed in the edition's buckets, with its score
    and the industry mean, and each factor's score."""
    data = load(edition)
    scale = data.get("scale") or {"min": 0, "max": 10}
    lo, hi = float(scale.get("min", 0)), float(scale.get("max", 10))
    out: dict[str, Any] = {
        "edition": edition,
        "title": data.get("title"),
        "source": data.get("source"),
        "year": data.get("year"),
        "legacy": bool(data.get("legacy")),
        "verified_means": bool(data.get("verified_means")),
        "metrics": {},
        "factors": {},
    }
    scores: dict[str, float] = {}
    for m in metrics:
        spec = data["metrics"].get(m.key)
        whole = m.summary
        entry: dict[str, Any] = {
            "name": m.name,
            "factor": m.factor,
            "value": whole.value if whole else None,
            "unit": m.unit,
            "sample": whole.sample if whole else 0,
            "insufficient": bool(whole is None or whole.insufficient),
            "bucket": None,
            "score": None,
            "mean": spec.get("mean") if isinstance(spec, dict) else None,
        }
        if not isinstance(spec, dict):
            entry["note"] = f"the {edition} edition has no buckets for {m.name.lower()}"
        elif whole is not None and whole.value is not None and not whole.insufficient:
            buckets = [b for b in spec.get("buckets") or [] if isinstance(b, dict)]
            i = bucket(float(whole.value), buckets)
            if i is not None:
                steps = max(1, len(buckets) - 1)
                entry["bucket"] = str(buckets[i].get("label"))
                entry["score"] = round(lo + (hi - lo) * i / steps, 1)
                scores[m.key] = entry["score"]
        out["metrics"][m.key] = entry
    for factor, keys in DORA_FACTORS.items():
        known = [scores[k] for k in keys if k in scores]
        out["factors"][factor] = {
            "score": round(sum(known) / len(known), 1) if known else None,
            "from": [k for k in keys if k in scores],
        }
    return out

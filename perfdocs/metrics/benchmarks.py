"""Benchmark editions: where a team's whole-window DORA figures sit on DORA's 0-10 scale.

An edition is a cited data file beside this module (`benchmarks/<edition>.yaml`): for each
metric how a figure is scored, the report year and address, and the industry means (with their
standard deviations) where DORA published them (an unverified mean is left empty, never
invented), for all industries and, under `segments`, per industry. org.yaml `dora.benchmark`
chooses the edition and `dora.benchmark_segment` the segment; nothing about the scoring is
written in code.

A metric is scored one of two ways, as its edition declares:
- by buckets (DORA's answer options, worst first): the bucket's place on the scale, the worst
  bucket 0 and the best 10, evenly spaced (DORA's Quick Check recodes its six answers 1..6 to
  0..10 linearly: two points a bucket);
- linearly (`scoring: linear`, with the values that score 10, `best`, and 0, `worst`): DORA's
  Quick Check scores a change fail rate or rework rate so, 10 - percent / 10, clamped.
A factor's score is the mean of its metrics' scores, the overall score (when the edition has an
`overall` mean) the mean of every metric's score; all are high-is-best, so perfdocs' instability
factor score is what DORA's Quick Check calls stability (10 = most stable). Scores are rounded to
one decimal, halves up. A metric whose whole-window figure is insufficient data has no score.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any

from perfdocs.errors import PerfdocsError
from perfdocs.records.parse import load_text
from perfdocs.settings import DORA_FACTORS

FOLDER = Path(__file__).resolve().parent / "benchmarks"

SCORED_AS = {"instability": "stability: 10 = most stable"}
"""How a factor's score reads where its name says the opposite: every score is high-is-best, so
the instability factor's score is a stability score (the name DORA's Quick Check gives it)."""


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


def round1(value: float) -> float:
    """A score to one decimal, halves up (6.25 -> 6.3), as a reader rounds it; `round` would give 6.2."""
    return float(Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def bucket(value: float, buckets: list[dict[str, Any]]) -> int | None:
    """The index (worst first) of the bucket whose [min, max) holds the value."""
    for i, b in enumerate(buckets):
        lo, hi = b.get("min"), b.get("max")
        if (lo is None or value >= lo) and (hi is None or value < hi):
            return i
    return None


def linear(spec: dict[str, Any]) -> bool:
    return spec.get("scoring") == "linear"


def scale_text(spec: dict[str, Any], unit: str, scale: tuple[float, float]) -> str:
    """How a linearly scored metric is placed, said where a bucket's label would be: '0-100 % scale
    (0 % = 10, 100 % = 0)'."""
    best, worst = float(spec["best"]), float(spec["worst"])
    lo, hi = scale
    return (
        f"{min(best, worst):g}-{max(best, worst):g} {unit} scale ({best:g} {unit} = {hi:g}, {worst:g} {unit} = {lo:g})"
    )


def place(spec: dict[str, Any], value: float, scale: tuple[float, float]) -> tuple[str | None, float | None]:
    """A figure's bucket label (None when scored linearly or in no bucket) and its unrounded score."""
    lo, hi = scale
    if linear(spec):
        best, worst = float(spec["best"]), float(spec["worst"])
        # clamped to the scale's ends: a rate above 100 % still scores 0
        share = min(1.0, max(0.0, (value - worst) / (best - worst)))
        return None, lo + (hi - lo) * share
    buckets = [b for b in spec.get("buckets") or [] if isinstance(b, dict)]
    i = bucket(value, buckets)
    if i is None:
        return None, None
    return str(buckets[i].get("label")), lo + (hi - lo) * i / max(1, len(buckets) - 1)


def scale_of(data: dict[str, Any]) -> tuple[float, float]:
    scale = data.get("scale") or {"min": 0, "max": 10}
    return float(scale.get("min", 0)), float(scale.get("max", 10))


def versus(score: float | None, mean: Any) -> float | None:
    """A score less the industry mean, one decimal (None when either is missing)."""
    if score is None or not isinstance(mean, (int, float)):
        return None
    return round1(round1(score) - float(mean))


def compared(difference: float | None) -> str:
    """'0.5 above', '1.2 below' or 'level with it': the words for `versus`."""
    if difference is None:
        return ""
    if difference == 0:
        return "level with it"
    return f"{abs(difference):.1f} {'above' if difference > 0 else 'below'}"


def _means(spec: Any) -> dict[str, Any]:
    spec = spec if isinstance(spec, dict) else {}
    return {"mean": spec.get("mean"), "std": spec.get("std"), "published": spec.get("published")}


DEFAULT_SEGMENT = "all"
"""The segment whose means an edition states at its top level (DORA's "all": every industry)."""


def segments(data: dict[str, Any]) -> list[str]:
    """The segments an edition gives means for: "all" (its top level) and those under `segments`."""
    given = data.get("segments")
    return [DEFAULT_SEGMENT, *(sorted(given) if isinstance(given, dict) else [])]


def means(data: dict[str, Any], edition: str, segment: str = DEFAULT_SEGMENT) -> dict[str, Any]:
    """The industry means of one segment: {"name", "metrics": {key: spec}, "factors", "overall"}
    (PerfdocsError for a segment the edition does not have)."""
    if segment == DEFAULT_SEGMENT:
        return {
            "name": data.get("segment_name"),
            "metrics": data["metrics"],
            "factors": data.get("factors"),
            "overall": data.get("overall"),
        }
    found = (data.get("segments") or {}).get(segment)
    if not isinstance(found, dict):
        from perfdocs.text import did_you_mean

        known = segments(data)
        raise PerfdocsError(
            f"no segment {segment!r} in DORA benchmark edition {edition} (org.yaml dora.benchmark_segment)"
            f"{did_you_mean(segment, known)}; segments: {', '.join(known)}"
        )
    return {
        "name": found.get("name", segment),
        "metrics": found.get("metrics") or {},
        "factors": found.get("factors"),
        "overall": found.get("overall"),
    }


def assess(metrics: list[Any], edition: str, segment: str = DEFAULT_SEGMENT) -> dict[str, Any]:
    """The whole-window figure of each metric placed on the edition's scale, with its score and the
    industry mean of the segment, and each factor's (and the overall) score against theirs."""
    data = load(edition)
    scale = scale_of(data)
    chosen = means(data, edition, segment)
    out: dict[str, Any] = {
        "edition": edition,
        "title": data.get("title"),
        "source": data.get("source"),
        "year": data.get("year"),
        "legacy": bool(data.get("legacy")),
        "verified_means": bool(data.get("verified_means")),
        "means_source": data.get("means_source"),
        "segment": segment,
        "segment_name": chosen["name"],
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
            "scoring": None,
            "bucket": None,
            "placement": None,
            "score": None,
            **_means(chosen["metrics"].get(m.key)),
            "versus_mean": None,
        }
        if not isinstance(spec, dict):
            entry["note"] = f"the {edition} edition has no buckets for {m.name.lower()}"
        else:
            entry["scoring"] = "linear" if linear(spec) else "buckets"
            if linear(spec):
                entry["placement"] = scale_text(spec, m.unit, scale)
            if whole is not None and whole.value is not None and not whole.insufficient:
                label, score = place(spec, float(whole.value), scale)
                if score is not None:
                    entry["bucket"] = label
                    entry["placement"] = label or entry["placement"]
                    entry["score"] = round1(score)
                    entry["versus_mean"] = versus(score, entry["mean"])
                    scores[m.key] = score
        out["metrics"][m.key] = entry
    given: dict[str, Any] = chosen["factors"] if isinstance(chosen["factors"], dict) else {}
    for factor, keys in DORA_FACTORS.items():
        known = [scores[k] for k in keys if k in scores]
        score = sum(known) / len(known) if known else None
        stated = _means(given.get(factor))
        out["factors"][factor] = {
            "score": round1(score) if score is not None else None,
            "from": [k for k in keys if k in scores],
            "scored_as": SCORED_AS.get(factor),
            **stated,
            "versus_mean": versus(score, stated["mean"]),
        }
    if isinstance(chosen["overall"], dict):
        score = sum(scores.values()) / len(scores) if scores else None
        overall = _means(chosen["overall"])
        out["overall"] = {
            "score": round1(score) if score is not None else None,
            "from": [m.key for m in metrics if m.key in scores],
            **overall,
            "versus_mean": versus(score, overall["mean"]),
        }
    return out

"""Trend charts: a KPI series as inline SVG, drawn at build time (no script, no library).

`trend_chart` is deliberately independent of records: it takes plain numbers and
labels (and skips those that are not finite, as perfdocs.records.numbers defines), so dashboards of any kind (KPIs, DORA metrics) can reuse it. Colours come from
CSS classes (`chart-*`), so the page's stylesheet decides them, dark mode included.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from perfdocs.records import numbers


@dataclass(frozen=True)
class Band:
    """A horizontal threshold band; `low`/`high` of None reach the edge of the chart."""

    label: str
    low: float | None = None
    high: float | None = None


@dataclass
class Chart:
    points: Sequence[tuple[str, float]]
    title: str = ""
    unit: str = ""
    target: float | None = None
    baseline: float | None = None
    bands: Sequence[Band] = ()
    annotations: Sequence[tuple[str, str]] = ()
    """(period label, text): a numbered marker at that point."""
    width: int = 640
    height: int = 260
    margin: tuple[int, int, int, int] = field(default=(16, 16, 40, 56))
    """top, right, bottom, left."""


def fmt(value: float) -> str:
    """A number as people write it: 12, 12.5, 0.35, 1,200."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".") if abs(value) < 100 else f"{value:,.1f}"


def _nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    span = high - low or abs(high) or 1.0
    raw = span / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value <= high + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    return ticks


def trend_chart(chart: Chart) -> Markup:
    """The SVG markup of a chart. Every text is escaped. A value that is not a finite number
    within numbers.LIMIT (a point, the target, the baseline, a band's edge) is left out: it
    has no place on an axis, and would put `nan` into the SVG."""
    pts = [(str(label), v) for label, value in chart.points if (v := numbers.measure(value)) is not None]
    target, baseline = numbers.measure(chart.target), numbers.measure(chart.baseline)
    top, right, bottom, left = chart.margin
    w, h = chart.width, chart.height
    pw, ph = w - left - right, h - top - bottom
    values = [v for _, v in pts] + [v for v in (target, baseline) if v is not None]
    lo, hi = (min(values), max(values)) if values else (0.0, 1.0)
    pad = (hi - lo) * 0.1 or abs(hi) * 0.1 or 1.0
    lo, hi = lo - pad, hi + pad
    if lo < 0 <= min(values or [0]):
        lo = 0.0
    ticks = _nice_ticks(lo, hi)
    lo, hi = min(lo, ticks[0]), max(hi, ticks[-1])

    def y(value: float) -> float:
        return top + ph - (value - lo) / (hi - lo) * ph

    def x(i: int) -> float:
        return left + (pw / 2 if len(pts) == 1 else i * pw / (len(pts) - 1))

    title = escape(chart.title)
    out = [
        (
            f'<svg class="chart" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
            f'aria-label="{title}" xmlns="http://www.w3.org/2000/svg">'
        )
    ]
    if chart.title:
        out.append(f"<title>{title}</title>")
    for i, band in enumerate(chart.bands):
        edge_lo, edge_hi = numbers.measure(band.low), numbers.measure(band.high)
        b_lo = lo if edge_lo is None else max(lo, edge_lo)
        b_hi = hi if edge_hi is None else min(hi, edge_hi)
        if b_hi <= b_lo:
            continue
        tall = y(b_lo) - y(b_hi)
        label = (
            (f'<text x="{left + pw - 4}" y="{y(b_hi) + 12:.1f}" text-anchor="end">{escape(band.label)}</text>')
            if tall >= 16
            else ""
        )
        out.append(
            f'<g class="chart-band chart-band-{i % 4}"><rect x="{left}" y="{y(b_hi):.1f}" '
            f'width="{pw}" height="{tall:.1f}"><title>{escape(band.label)}</title></rect>{label}</g>'
        )
    for t in ticks:
        out.append(
            f'<g class="chart-grid"><line x1="{left}" x2="{left + pw}" y1="{y(t):.1f}" '
            f'y2="{y(t):.1f}"/><text x="{left - 6}" y="{y(t) + 4:.1f}" text-anchor="end">'
            f"{escape(fmt(t))}</text></g>"
        )
    step = max(1, math.ceil(len(pts) / 8))
    last = len(pts) - 1
    for i, (label, _) in enumerate(pts):
        if i == last or (i % step == 0 and last - i >= max(step, 2)):
            edge = "start" if i == 0 and len(pts) > 1 else "end" if i == len(pts) - 1 and i else "middle"
            out.append(
                f'<text class="chart-axis" x="{x(i):.1f}" y="{h - bottom + 18}" '
                f'text-anchor="{edge}">{escape(label)}</text>'
            )
    if baseline is not None:
        out.append(
            f'<g class="chart-baseline"><line x1="{left}" x2="{left + pw}" '
            f'y1="{y(baseline):.1f}" y2="{y(baseline):.1f}"/>'
            f'<text x="{left + 4}" y="{y(baseline) - 4:.1f}">baseline '
            f"{escape(fmt(baseline))}</text></g>"
        )
    if target is not None:
        out.append(
            f'<g class="chart-target"><line x1="{left}" x2="{left + pw}" '
            f'y1="{y(target):.1f}" y2="{y(target):.1f}"/>'
            f'<text x="{left + 4}" y="{y(target) - 4:.1f}">target '
            f"{escape(fmt(target))}</text></g>"
        )
    if pts:
        path = " ".join(f"{'M' if i == 0 else 'L'}{x(i):.1f},{y(v):.1f}" for i, (_, v) in enumerate(pts))
        out.append(f'<path class="chart-line" d="{path}"/>')
        for i, (label, v) in enumerate(pts):
            out.append(
                f'<circle class="chart-point" cx="{x(i):.1f}" cy="{y(v):.1f}" r="3">'
                f"<title>{escape(label)}: {escape(fmt(v))} {escape(chart.unit)}</title></circle>"
            )
    index = {label: i for i, (label, _) in enumerate(pts)}
    for n, (period, text) in enumerate(chart.annotations, 1):
        at = index.get(str(period))
        if at is None:
            continue
        cx = x(at)
        out.append(
            f'<g class="chart-note"><line x1="{cx:.1f}" x2="{cx:.1f}" y1="{top}" '
            f'y2="{top + ph}"/><circle cx="{cx:.1f}" cy="{top + 9}" r="8"/>'
            f'<text x="{cx:.1f}" y="{top + 13}" text-anchor="middle">{n}</text>'
            f"<title>{escape(period)}: {escape(text)}</title></g>"
        )
    out.append("</svg>")
    return Markup("".join(out))

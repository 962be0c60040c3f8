"""Charts as inline SVG for web pages and WeasyPrint PDFs: an indicator's yearly values against its baseline and
target, and a small progress bar. Plain SVG 1.1 with explicit colours, so browsers and WeasyPrint draw the same."""

from __future__ import annotations

import base64
import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from xml.etree import ElementTree

import cairosvg

# Against white (WCAG AA): text colours reach 4.5:1, line and marker colours 3:1.
SERIES_COLOUR = "#0b3a5d"
BASELINE_COLOUR = "#8a4b00"
TARGET_COLOUR = "#146c43"
INK_COLOUR = "#333333"
OUTLINE_COLOUR = "#595959"
GRID_COLOUR = "#dddddd"  # decorative only: the tick labels carry the information
TRACK_COLOUR = "#e9ecef"  # decorative only: the outline shows the bar's full extent
SVG_NS = "http://www.w3.org/2000/svg"
SVG_DATA_URL = "data:image/svg+xml;base64,"
FONT = 'font-family="Liberation Sans, Arial, sans-serif" font-size="11"'
CHAR_WIDTH = 6.5  # a generous average glyph width at 11 px: nothing here can measure text


@dataclass(frozen=True)
class ChartText:
    """Every word a chart shows, given by the caller in the user's language."""

    title: str
    description: str
    unit: str
    baseline: str
    target: str


def format_number(value: float) -> str:
    """Swedish number format: space between thousands, decimal comma, at most 2 decimals, no trailing zeros,
    and a real minus sign (U+2212), e.g. 12345.5 -> '12 345,5', -0.25 -> '−0,25'."""
    digits = f"{abs(value):,.2f}".rstrip("0").rstrip(".")
    sign = "−" if value < 0 and digits != "0" else ""  # -0.001 rounds to 0, which has no sign
    return sign + digits.replace(",", " ").replace(".", ",")


def _e(text: str) -> str:
    return escape(text, quote=True)


def _n(coordinate: float) -> str:
    """A coordinate with one decimal: enough for the eye, and the output stays short and stable."""
    return f"{coordinate:.1f}".rstrip("0").rstrip(".")


def _text(x: float, y: float, content: str, *, fill: str = INK_COLOUR, anchor: str = "start") -> str:
    return f'<text x="{_n(x)}" y="{_n(y)}" fill="{fill}" text-anchor="{anchor}" {FONT}>{_e(content)}</text>'


def _line(x1: float, y1: float, x2: float, y2: float, stroke: str, *, dash: str = "") -> str:
    coordinates = f'x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}"'
    if dash:  # only the target is dashed, and it is drawn thicker so the dashes stay visible in print
        return f'<line {coordinates} stroke="{stroke}" stroke-width="2" stroke-dasharray="{dash}"/>'
    return f'<line {coordinates} stroke="{stroke}" stroke-width="1"/>'


def _square(x: float, y: float, size: float = 10) -> str:
    # The baseline is a hollow square in its own colour, so it differs from the series' dots by shape too.
    corner = f'x="{_n(x - size / 2)}" y="{_n(y - size / 2)}" width="{_n(size)}" height="{_n(size)}"'
    return f'<rect {corner} fill="#ffffff" stroke="{BASELINE_COLOUR}" stroke-width="2"/>'


def _ticks(low: float, high: float) -> list[float]:
    """3–5 round ticks (steps of 1, 2, 2.5 or 5 times a power of ten) covering low..high with the least waste."""
    magnitude = 10.0 ** math.floor(math.log10(high - low))
    candidates = []
    for step in (m * p for p in (magnitude / 10, magnitude, magnitude * 10) for m in (1, 2, 2.5, 5)):
        first, last = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
        if 2 <= last - first <= 4:
            candidates.append(((last - first) * step, step, first, last))
    _, step, first, last = min(candidates)  # ties go to the smaller step, i.e. more ticks
    return [i * step for i in range(first, last + 1)]


def line_chart(
    *,
    values: list[tuple[int, float]],
    text: ChartText,
    baseline: tuple[int, float] | None = None,
    target: float | None = None,
    width: int = 520,
    height: int = 240,
) -> str:
    """An indicator's yearly values as a line with labelled points, the baseline as a hollow square and the
    target as a dashed horizontal line; every year from the first to the last is labelled, the y axis has 3–5
    round ticks from 0 (or below, for negative values). Returns an accessible <svg> element as a string."""
    points = sorted((int(year), float(value)) for year, value in values)  # Decimals from the database, any order
    base = (int(baseline[0]), float(baseline[1])) if baseline else None
    goal = float(target) if target is not None else None
    years = [year for year, _ in points]
    if len(set(years)) != len(years):
        raise ValueError("line_chart takes one value per year")
    numbers = [value for _, value in points] + ([base[1]] if base else []) + ([goal] if goal is not None else [])
    if not all(math.isfinite(number) for number in numbers):
        raise ValueError("line_chart takes finite numbers only")

    # The axis starts at zero so changes are not exaggerated; 5 % headroom keeps points off the top edge.
    low, high = min([0.0, *numbers]), max([0.0, *numbers])
    pad = (high - low) * 0.05
    ticks = _ticks(low - pad if low < 0 else low, high + pad if high > 0 else high) if pad else [0.0, 0.5, 1.0]
    all_years = [*years, base[0]] if base else years
    shown_years = list(range(min(all_years), max(all_years) + 1)) if all_years else []

    tick_labels = [format_number(tick) for tick in ticks]
    goal_label = format_number(goal) if goal is not None else ""
    left = min(10 + CHAR_WIDTH * max(map(len, tick_labels)), width * 0.4)
    right = width - 10 - (CHAR_WIDTH * len(goal_label) + 6 if goal_label else 0)
    top, bottom = 38, height - 24  # room above for the unit, legend and point labels; below for the years
    slot = (right - left) / max(1, len(shown_years))  # each year gets a slot and sits in its middle

    def x(year: int) -> float:
        return left + (year - shown_years[0] + 0.5) * slot

    def y(value: float) -> float:
        return bottom - (value - ticks[0]) / (ticks[-1] - ticks[0]) * (bottom - top)

    parts = [_text(4, 14, text.unit)] if text.unit else []
    for tick, label in zip(ticks, tick_labels, strict=True):
        parts.append(_line(left, y(tick), right, y(tick), INK_COLOUR if tick == 0 else GRID_COLOUR))
        parts.append(_text(left - 6, y(tick) + 4, label, anchor="end"))
    parts += [_text(x(year), bottom + 16, str(year), anchor="middle") for year in shown_years]

    legend: list[tuple[str, Callable[[float], str]]] = []  # (label, marker at x), laid out from the right edge
    if goal is not None:
        parts.append(_line(left, y(goal), right, y(goal), TARGET_COLOUR, dash="6 4"))
        parts.append(_text(right + 6, y(goal) + 4, goal_label, fill=TARGET_COLOUR))
        legend.append((text.target, lambda at: _line(at, 10, at + 14, 10, TARGET_COLOUR, dash="4 2")))
    if base:
        parts.append(_square(x(base[0]), y(base[1])))
        if (base[0], base[1]) not in points:  # a point on the same spot already shows the number
            below = y(base[1]) + 20 <= bottom  # under the marker, unless that would run into the year labels
            label_y = y(base[1]) + (20 if below else -10)
            parts.append(_text(x(base[0]), label_y, format_number(base[1]), fill=BASELINE_COLOUR, anchor="middle"))
        legend.append((text.baseline, lambda at: _square(at + 7, 10, 8)))
    cursor = width - 4.0
    for label, marker in legend:
        cursor -= 18 + CHAR_WIDTH * len(label)
        parts += [marker(cursor), _text(cursor + 18, 14, label)]
        cursor -= 14

    if points:
        coordinates = " ".join(f"{_n(x(year))},{_n(y(value))}" for year, value in points)
        parts.append(f'<polyline points="{coordinates}" fill="none" stroke="{SERIES_COLOUR}" stroke-width="2"/>')
    for year, value in points:
        hint = _e(f"{year}: {format_number(value)} {text.unit}".strip())
        centre = f'cx="{_n(x(year))}" cy="{_n(y(value))}"'
        parts.append(f'<circle {centre} r="4" fill="{SERIES_COLOUR}"><title>{hint}</title></circle>')
        parts.append(_text(x(year), y(value) - 9, format_number(value), fill=SERIES_COLOUR, anchor="middle"))

    # Ids from the inputs: stable between renders, and different for each chart on a page.
    key = repr((points, base, goal, text, width, height)).encode()
    uid = "chart-" + hashlib.sha256(key).hexdigest()[:12]
    return (
        f'<svg xmlns="{SVG_NS}" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{uid}-title {uid}-desc"><title id="{uid}-title">{_e(text.title)}</title>'
        f'<desc id="{uid}-desc">{_e(text.description)}</desc>{"".join(parts)}</svg>'
    )


def progress_bar(*, fraction: float, label: str, width: int = 160, height: int = 14) -> str:
    """A small horizontal bar filled to fraction, clamped to 0..1 (more than done shows as full), with
    <title> = label and role="img" aria-label=label."""
    shown = 0.0 if math.isnan(fraction) else min(max(float(fraction), 0.0), 1.0)
    size = f'width="{width}" height="{height}"'
    return (
        f'<svg xmlns="{SVG_NS}" {size} viewBox="0 0 {width} {height}" role="img" aria-label="{_e(label)}">'
        f"<title>{_e(label)}</title>"
        f'<rect x="0" y="0" {size} fill="{TRACK_COLOUR}"/>'
        f'<rect x="0" y="0" width="{_n(shown * width)}" height="{height}" fill="{SERIES_COLOUR}"/>'
        f'<rect x="0.5" y="0.5" width="{width - 1}" height="{height - 1}" fill="none" stroke="{OUTLINE_COLOUR}"/>'
        "</svg>"
    )


def bar_chart(
    *,
    bars: list[tuple[str, float]],
    text: ChartText,
    compare: list[float | None] | None = None,
    width: int = 560,
    height: int = 240,
) -> str:
    """Labelled bars (months, places) with their numbers written above them, and, if given, a comparison value per
    bar (the same month last year, say) as a hollow square named by `text.baseline`. The y axis has 3–5 round ticks
    from 0. Returns an accessible <svg> element as a string."""
    values = [float(value) for _, value in bars]
    others = [float(value) for value in (compare or []) if value is not None]
    if compare is not None and len(compare) != len(bars):
        raise ValueError("bar_chart takes one comparison value per bar")
    if not all(math.isfinite(number) and number >= 0 for number in values + others):
        raise ValueError("bar_chart takes finite numbers of at least 0")
    high = max([0.0, *values, *others])
    ticks = _ticks(0.0, high * 1.05) if high else [0.0, 0.5, 1.0]
    tick_labels = [format_number(tick) for tick in ticks]
    left = min(10 + CHAR_WIDTH * max(map(len, tick_labels)), width * 0.4)
    right, top, bottom = width - 10, 38, height - 24
    slot = (right - left) / max(1, len(bars))

    def y(value: float) -> float:
        return bottom - value / ticks[-1] * (bottom - top)

    parts = [_text(4, 14, text.unit)] if text.unit else []
    for tick, label in zip(ticks, tick_labels, strict=True):
        parts.append(_line(left, y(tick), right, y(tick), INK_COLOUR if tick == 0 else GRID_COLOUR))
        parts.append(_text(left - 6, y(tick) + 4, label, anchor="end"))
    for index, ((label, _value), value) in enumerate(zip(bars, values, strict=True)):
        middle = left + (index + 0.5) * slot
        bar_width = max(2.0, slot * 0.6)
        hint = _e(f"{label}: {format_number(value)} {text.unit}".strip())
        parts.append(
            f'<rect x="{_n(middle - bar_width / 2)}" y="{_n(y(value))}" width="{_n(bar_width)}" '
            f'height="{_n(bottom - y(value))}" fill="{SERIES_COLOUR}"><title>{hint}</title></rect>'
        )
        parts.append(_text(middle, y(value) - 4, format_number(value), fill=SERIES_COLOUR, anchor="middle"))
        parts.append(_text(middle, bottom + 16, label, anchor="middle"))
        if compare is not None and compare[index] is not None:
            parts.append(_square(middle + bar_width / 2, y(float(compare[index])), 8))
    if compare is not None:
        at = width - 22 - CHAR_WIDTH * len(text.baseline)
        parts += [_square(at + 7, 10, 8), _text(at + 18, 14, text.baseline)]

    key = repr((bars, compare, text, width, height)).encode()
    uid = "chart-" + hashlib.sha256(key).hexdigest()[:12]
    return (
        f'<svg xmlns="{SVG_NS}" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{uid}-title {uid}-desc"><title id="{uid}-title">{_e(text.title)}</title>'
        f'<desc id="{uid}-desc">{_e(text.description)}</desc>{"".join(parts)}</svg>'
    )


def chart_png(svg: str, *, scale: float = 2) -> bytes:
    """A chart as a PNG image (at `scale` times its size, sharp in print), for where only an image can go: a figure
    of an agreement's text, which a signed agreement keeps as it was (pages and PDFs otherwise show the SVG)."""
    return cairosvg.svg2png(bytestring=svg.encode(), scale=scale)


def as_image(svg: str) -> str:
    """One of these charts as an <img> of the same SVG, its title and description the alternative text: how a PDF
    shows it. WeasyPrint reads an image's SVG as XML in one go, where an inline one is parsed with the page's HTML and
    every element of it styled with the page's CSS (a quarter of the annual report's render)."""
    root = ElementTree.fromstring(svg)  # noqa: S314 - our own output, not untrusted input
    words = [root.findtext(f"{{{SVG_NS}}}title"), root.findtext(f"{{{SVG_NS}}}desc")]
    alt = ": ".join(word.strip() for word in words if word and word.strip())
    source = SVG_DATA_URL + base64.b64encode(svg.encode()).decode()
    size = f'width="{root.get("width")}" height="{root.get("height")}"'
    return f'<img src="{source}" alt="{_e(alt)}" {size}>'

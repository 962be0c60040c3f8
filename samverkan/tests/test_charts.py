"""SVG charts: parsed back as XML, since browsers and WeasyPrint both need well-formed, self-contained SVG."""

import base64
import math
import xml.etree.ElementTree as ET
from decimal import Decimal
from html.parser import HTMLParser

import pytest

from samverkan.lib.charts import (
    BASELINE_COLOUR,
    GRID_COLOUR,
    INK_COLOUR,
    SERIES_COLOUR,
    SVG_DATA_URL,
    TARGET_COLOUR,
    TRACK_COLOUR,
    ChartText,
    as_image,
    bar_chart,
    format_number,
    line_chart,
    progress_bar,
)

NS = {"svg": "http://www.w3.org/2000/svg"}
SVG = "{http://www.w3.org/2000/svg}"
TEXT = ChartText(
    title="Anmälda misshandelsbrott",
    description="Från 412 (2022) till 371 (2024). Önskad riktning: minska.",
    unit="brott",
    baseline="Utgångsvärde",
    target="Målvärde",
)
VALUES = [(2022, 412.0), (2023, 398.0), (2024, 371.0)]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output, not untrusted input


def chart(**kwargs) -> ET.Element:
    return parse(line_chart(**{"values": VALUES, "text": TEXT, **kwargs}))


def polyline_points(svg: ET.Element) -> list[tuple[float, float]]:
    polyline = svg.find("svg:polyline", NS)
    return [tuple(map(float, pair.split(","))) for pair in polyline.get("points").split()]


def texts(svg: ET.Element) -> list[str]:
    return [element.text for element in svg.iter(f"{SVG}text")]


def target_lines(svg: ET.Element) -> list[ET.Element]:
    """The dashed target line across the plot, not the short one in the legend."""
    return [
        line
        for line in svg.iter(f"{SVG}line")
        if line.get("stroke") == TARGET_COLOUR and float(line.get("x2")) - float(line.get("x1")) > 100
    ]


def baseline_markers(svg: ET.Element) -> list[ET.Element]:
    return [rect for rect in svg.iter(f"{SVG}rect") if rect.get("stroke") == BASELINE_COLOUR]


def gridline_ys(svg: ET.Element) -> list[float]:
    lines = svg.iter(f"{SVG}line")
    return [float(line.get("y1")) for line in lines if line.get("stroke") in (GRID_COLOUR, INK_COLOUR)]


def contrast_with_white(colour: str) -> float:
    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.03928 else ((channel + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(int(colour[i : i + 2], 16) / 255) for i in (1, 3, 5))
    return 1.05 / (0.2126 * red + 0.7152 * green + 0.0722 * blue + 0.05)


def test_title_and_description_are_the_accessible_name_and_survive_escaping():
    text = ChartText(
        title="Brott & <ordning> \"citat\" 'apostrof'",
        description='Från <1> & "2"',
        unit="a&b",
        baseline="<bas>",
        target="'mål'",
    )
    output = line_chart(values=VALUES, text=text, baseline=(2021, 430), target=350)
    svg = parse(output)

    assert not output.startswith("<?xml")
    assert svg.tag == f"{SVG}svg"
    title, desc = svg.find("svg:title", NS), svg.find("svg:desc", NS)
    assert title.text == text.title
    assert desc.text == text.description
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert (svg.get("viewBox"), svg.get("width"), svg.get("height")) == ("0 0 520 240", "520", "240")
    assert {"a&b", "<bas>", "'mål'"} <= set(texts(svg))


def test_the_line_has_a_point_per_value_in_year_order_and_higher_values_drawn_higher():
    svg = chart(values=[(2024, 371), (2022, 412), (2025, 380.5), (2023, 398)])

    points = polyline_points(svg)
    assert len(points) == 4
    xs, ys = [x for x, _ in points], [y for _, y in points]
    assert xs == sorted(xs)
    # In year order the values are 412, 398, 371, 380.5: drawn top to bottom as 412, 398, 380.5, 371.
    assert ys[0] < ys[1] < ys[3] < ys[2]
    assert {"412", "398", "371", "380,5"} <= set(texts(svg))


def test_every_year_from_first_to_last_is_labelled():
    svg = chart(values=[(2023, 5), (2019, 7)], baseline=(2017, 9))

    assert {str(year) for year in range(2017, 2024)} <= set(texts(svg))
    assert "2016" not in texts(svg)
    assert "2024" not in texts(svg)


def test_the_y_axis_has_three_to_five_round_ticks_from_zero():
    svg = chart()

    ticks = [element.text for element in svg.iter(f"{SVG}text") if element.get("text-anchor") == "end"]
    assert 3 <= len(ticks) <= 5
    assert ticks[0] == "0"


@pytest.mark.parametrize("target", [350.0, 1000.0, -50.0, 0.0])
def test_the_target_line_lies_within_the_chart(target):
    svg = chart(target=target)

    [line] = target_lines(svg)
    assert line.get("stroke-dasharray")
    assert 0 <= float(line.get("y1")) == float(line.get("y2")) <= 240
    point_ys = [y for _, y in polyline_points(svg)]
    if target > 412:
        assert float(line.get("y1")) < min(point_ys)
    if target < 371:
        assert float(line.get("y1")) > max(point_ys)
    assert format_number(target) in texts(svg)
    assert "Målvärde" in texts(svg)


def test_there_is_no_target_line_without_a_target():
    svg = chart()

    assert not [line for line in svg.iter(f"{SVG}line") if line.get("stroke") == TARGET_COLOUR]
    assert "Målvärde" not in texts(svg)


def test_the_baseline_marker_exists_only_with_a_baseline():
    assert not baseline_markers(chart())
    assert "Utgångsvärde" not in texts(chart())

    svg = chart(baseline=(2021, 430))
    assert len(baseline_markers(svg)) == 2  # on the chart and in the legend
    assert {"Utgångsvärde", "430"} <= set(texts(svg))


def test_a_baseline_in_the_same_year_as_a_value_sits_on_that_year():
    svg = chart(baseline=(2022, 412))

    marker = baseline_markers(svg)[0]
    x, y = polyline_points(svg)[0]
    assert float(marker.get("x")) + float(marker.get("width")) / 2 == pytest.approx(x, abs=0.1)
    assert float(marker.get("y")) + float(marker.get("height")) / 2 == pytest.approx(y, abs=0.1)
    assert texts(svg).count("412") == 1  # the number is shown once, not twice on top of itself


EDGE_CASES = {
    "only a baseline": {"values": [], "baseline": (2022, 3.4)},
    "a single value": {"values": [(2024, 42)]},
    "all values equal": {"values": [(2020, 7), (2021, 7), (2022, 7)]},
    "target above all": {"target": 10_000},
    "target below all": {"values": [(2020, 5), (2021, 8)], "target": -3},
    "baseline year equal to a value's": {"baseline": (2023, 300), "target": 350},
    "years out of order": {"values": [(2024, 1), (2020, 2), (2022, 3)]},
    "huge numbers": {"values": [(2020, 1_234_567_890.5), (2021, 9.9e14)], "target": 1e15},
    "zero everywhere": {"values": [(2020, 0), (2021, 0)], "baseline": (2020, 0), "target": 0},
    "negative values": {"values": [(2020, -3.5), (2021, 1.25), (2022, -0.5)], "baseline": (2019, 0)},
    "no values at all": {"values": []},
    "decimals from the database": {"values": [(2020, Decimal("1.5")), (2021, Decimal(2))], "target": Decimal(3)},
}


@pytest.mark.parametrize("kwargs", EDGE_CASES.values(), ids=EDGE_CASES.keys())
def test_edge_cases_give_valid_svg_drawn_inside_the_chart(kwargs):
    kwargs = {"values": VALUES, **kwargs}
    svg = chart(**kwargs, width=400, height=200)

    assert svg.find("svg:title", NS).text == TEXT.title
    for element in svg.iter():
        for name in ("x", "x1", "x2", "cx"):
            if element.get(name) is not None:
                assert 0 <= float(element.get(name)) <= 400, (element.tag, element.attrib)
        for name in ("y", "y1", "y2", "cy"):
            if element.get(name) is not None:
                assert 0 <= float(element.get(name)) <= 200, (element.tag, element.attrib)
    if kwargs["values"]:
        assert len(polyline_points(svg)) == len(kwargs["values"])
    else:
        assert svg.find("svg:polyline", NS) is None


def test_equal_values_get_headroom_below_the_top_tick():
    svg = chart(values=[(2020, 7), (2021, 7), (2022, 7)])

    ys = {y for _, y in polyline_points(svg)}
    assert len(ys) == 1
    assert ys.pop() > min(gridline_ys(svg))


def test_zero_everywhere_is_drawn_on_the_zero_line():
    svg = chart(values=[(2020, 0), (2021, 0)])

    zero_line = next(line for line in svg.iter(f"{SVG}line") if line.get("stroke") == INK_COLOUR)
    assert {y for _, y in polyline_points(svg)} == {float(zero_line.get("y1"))}


def test_a_value_for_the_same_year_twice_or_not_a_number_is_refused():
    with pytest.raises(ValueError):
        line_chart(values=[(2020, 1), (2020, 2)], text=TEXT)
    with pytest.raises(ValueError):
        line_chart(values=[(2020, math.nan)], text=TEXT)


def test_the_output_is_deterministic_and_ids_differ_between_charts():
    assert line_chart(values=VALUES, text=TEXT) == line_chart(values=VALUES, text=TEXT)

    first, second = chart(), chart(values=[(2022, 1.0)])
    assert first.find("svg:title", NS).get("id") != second.find("svg:title", NS).get("id")
    assert first.find("svg:desc", NS).get("id") != second.find("svg:desc", NS).get("id")
    assert first.get("aria-labelledby") != second.get("aria-labelledby")


def test_only_basic_svg_elements_and_aa_contrast_against_white():
    svg = chart(baseline=(2021, 430), target=350)
    allowed = {"svg", "g", "line", "polyline", "circle", "rect", "text", "title", "desc"}

    assert {element.tag.removeprefix(SVG) for element in svg.iter()} <= allowed
    for element in svg.iter():
        assert "class" not in element.attrib
        assert "style" not in element.attrib
        minimum = 4.5 if element.tag == f"{SVG}text" else 3
        for name in ("fill", "stroke"):
            colour = element.get(name)
            if colour and colour not in ("none", "#ffffff", GRID_COLOUR):  # gridlines are decorative
                assert contrast_with_white(colour) >= minimum, (element.tag, name, colour)
    for colour in (SERIES_COLOUR, BASELINE_COLOUR, TARGET_COLOUR, INK_COLOUR):
        assert contrast_with_white(colour) >= 4.5


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (12345.5, "12 345,5"),
        (3.0, "3"),
        (-0.25, "−0,25"),
        (0, "0"),
        (-0.001, "0"),
        (1000, "1 000"),
        (-1500, "−1 500"),
        (1234567.891, "1 234 567,89"),
        (2.50, "2,5"),
        (0.1 + 0.2, "0,3"),
        (999.999, "1 000"),
        (1e15, "1 000 000 000 000 000"),
    ],
)
def test_numbers_are_formatted_the_swedish_way(value, expected):
    assert format_number(value) == expected


def fill_width(svg: ET.Element) -> float:
    [bar] = [rect for rect in svg.iter(f"{SVG}rect") if rect.get("fill") == SERIES_COLOUR]
    return float(bar.get("width"))


@pytest.mark.parametrize(("fraction", "width"), [(-1, 0), (0, 0), (0.25, 40), (1, 160), (2, 160), (math.nan, 0)])
def test_the_progress_bar_is_filled_to_the_clamped_fraction(fraction, width):
    svg = parse(progress_bar(fraction=fraction, label="Klart"))

    assert fill_width(svg) == width
    track = next(rect for rect in svg.iter(f"{SVG}rect") if rect.get("fill") == TRACK_COLOUR)
    assert track.get("width") == "160"


def test_the_progress_bar_carries_its_label():
    label = '3 av 4 åtgärder klara & "godkända" <snart>'
    svg = parse(progress_bar(fraction=0.75, label=label, width=100, height=10))

    assert svg.get("role") == "img"
    assert svg.get("aria-label") == label
    assert svg.find("svg:title", NS).text == label
    assert (svg.get("viewBox"), svg.get("width"), svg.get("height")) == ("0 0 100 10", "100", "10")
    assert fill_width(svg) == 75


def test_a_bar_chart_writes_every_number_and_label_and_marks_the_comparison_by_shape():
    svg = bar_chart(
        bars=[("jan 25", 3), ("feb 25", 12)],
        compare=[5, None],
        text=ChartText("Anmälda brott", "Per månad", "anmälningar", "Samma månad förra året", ""),
    )
    root = parse(svg)
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert {"3", "12", "jan 25", "feb 25", "Samma månad förra året"} <= set(texts)
    assert len(root.findall("{http://www.w3.org/2000/svg}rect")) == 2 + 1 + 1  # two bars, one comparison, legend
    assert root.get("role") == "img"
    with pytest.raises(ValueError):
        bar_chart(bars=[("jan", -1)], text=ChartText("t", "d", "", "", ""))


def image_attributes(html: str) -> dict[str, str | None]:
    """The attributes of the one element in `html`, read as a browser reads HTML."""
    found = []
    parser = HTMLParser()
    parser.handle_starttag = lambda tag, attributes: found.append((tag, dict(attributes)))
    parser.feed(html)
    parser.close()
    ((tag, attributes),) = found
    return {"tag": tag, **attributes}


def test_a_chart_as_an_image_is_the_same_svg_named_by_its_title_and_description():
    quoted = ChartText(**{**vars(TEXT), "title": 'Brott & "ordning"'})
    svg = line_chart(values=VALUES, text=quoted, baseline=(2021, 430), target=350)

    image = image_attributes(as_image(svg))

    assert image["tag"] == "img"
    assert image["src"].startswith(SVG_DATA_URL)
    assert base64.b64decode(image["src"][len(SVG_DATA_URL) :]).decode() == svg
    assert image["alt"] == f"{quoted.title}: {quoted.description}"
    assert (image["width"], image["height"]) == ("520", "240")
    bar = image_attributes(as_image(progress_bar(fraction=0.5, label="Delvis uppfyllt")))
    assert bar["alt"] == "Delvis uppfyllt"

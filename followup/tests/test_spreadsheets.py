"""The year's follow-up exported as an Excel workbook and as a CSV file."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext

from agreements.models import Agreement
from focusareas.tests.factories import (
    ActivityRowFactory,
    CommitmentFactory,
    FocusAreaFactory,
    GoalFactory,
    IndicatorFactory,
)
from followup import services
from followup.models import CommitmentOutcome, IndicatorValue, PartyComment, Status

pytestmark = pytest.mark.django_db

INJECTION = '=HYPERLINK("http://x")'


def make_report(agreement: Agreement, *, more: int = 0):
    """The signed agreement's 2024 follow-up: one commitment done (5 of 5 a year) with a risky comment, one
    commitment without a target, an activity row and an indicator with a value; `more` of each besides."""
    focus_area = FocusAreaFactory(agreement=agreement, title="Trygg stadskärna")
    ActivityRowFactory(focus_area=focus_area, activity="Trygghetsvandringar i centrum")
    target = CommitmentFactory(
        focus_area=focus_area,
        text="genomföra krogtillsyner",
        target_value=5,
        target_unit="tillsyner",
        target_scope="per_year",
    )
    CommitmentFactory(focus_area=focus_area, text="delta i medborgardialoger")
    IndicatorFactory(goal=GoalFactory(focus_area=focus_area))
    for n in range(more):
        ActivityRowFactory(focus_area=focus_area)
        CommitmentFactory(focus_area=focus_area, parties=list(agreement.parties.all()))
        IndicatorFactory(goal=GoalFactory(focus_area=focus_area), name=f"Mått {n}")
    Agreement.objects.filter(pk=agreement.pk).update(status="signed")
    agreement.refresh_from_db()
    report = services.report_start(agreement=agreement, year=2024, copy_previous=False)
    outcome = CommitmentOutcome.objects.get(report=report, commitment=target)
    outcome.status, outcome.achieved = Status.DONE, 5
    outcome.save()
    PartyComment.objects.filter(outcome=outcome).update(text=INJECTION)
    IndicatorValue.objects.filter(report=report).update(value=Decimal("398.50"))
    return report


@pytest.fixture
def report(world):
    return make_report(world.agreement)


def export(client, report, fmt: str):
    return client.get(reverse("followup:export", args=[report.agreement_id, report.year, fmt]))


def test_workbook_has_the_three_sections_with_typed_values(client, editor, report):
    client.force_login(editor)
    response = export(client, report, "xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="uppfoljning-samverkansoverenskommelse-hamnstad-2024.xlsx"'
    )
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [gettext("Commitments"), gettext("Activities"), gettext("Indicators")]

    sheet = workbook[gettext("Commitments")]
    headers = [cell.value for cell in sheet[1]]
    assert headers[0] == gettext("Focus area")  # the autouse fixture `swedish` has Swedish active
    assert gettext("Status") in headers
    assert sheet["A1"].font.bold
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == sheet.dimensions
    row = dict(zip(headers, (cell.value for cell in sheet[2]), strict=True))
    assert row[gettext("Commitment")] == "genomföra krogtillsyner"
    assert row[gettext("Status")] == str(Status.DONE.label)
    assert row[gettext("Achieved")] == 5
    assert isinstance(row[gettext("Achieved")], int)
    assert row[gettext("Target")] == 5

    indicators = workbook[gettext("Indicators")]
    headers = [cell.value for cell in indicators[1]]
    assert indicators.cell(row=2, column=headers.index("2024") + 1).value == pytest.approx(398.5)
    assert workbook[gettext("Activities")]["B2"].value == "Trygghetsvandringar i centrum"


def test_csv_is_semicolon_separated_utf8_with_bom_and_decimal_comma(client, editor, report):
    client.force_login(editor)
    response = export(client, report, "csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].endswith(
        'filename="uppfoljning-samverkansoverenskommelse-hamnstad-2024.csv"'
    )
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == gettext("Focus area")
    commitment = next(row for row in rows if "genomföra krogtillsyner" in row)
    assert str(Status.DONE.label) in commitment
    assert "5" in commitment
    assert [] in rows  # the empty row before each further section
    assert any("398,50" in row for row in rows)


def test_formula_in_a_comment_stays_text(client, editor, report):
    client.force_login(editor)
    rows = list(csv.reader(io.StringIO(export(client, report, "csv").content.decode("utf-8-sig")), delimiter=";"))
    assert f"'{INJECTION}" in next(row for row in rows if "genomföra krogtillsyner" in row)

    workbook = openpyxl.load_workbook(io.BytesIO(export(client, report, "xlsx").content))
    cells = [cell for row in workbook[gettext("Commitments")].iter_rows(min_row=2) for cell in row]
    risky = next(cell for cell in cells if cell.value == INJECTION)
    assert risky.data_type == "s"


def test_queries_do_not_grow_with_the_content(client, world, reviewer, report):
    bigger = make_report(world.neighbour_agreement, more=3)
    client.force_login(reviewer)  # the police area is party to both agreements
    export(client, report, "xlsx")  # warms up what is loaded once per process
    with CaptureQueriesContext(connection) as small:
        export(client, report, "xlsx")
    with CaptureQueriesContext(connection) as big:
        assert export(client, bigger, "xlsx").status_code == 200
    assert len(big) == len(small)


@pytest.mark.parametrize(
    ("role", "fmt", "status"),
    [("reader", "xlsx", 200), ("reader", "csv", 200), ("outsider", "xlsx", 404), ("editor", "pdf", 404)],
)
def test_who_may_export_what(client, request, report, role, fmt, status):
    client.force_login(request.getfixturevalue(role))
    assert export(client, report, fmt).status_code == status


def test_anonymous_is_sent_to_log_in(client, report):
    response = export(client, report, "csv")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))

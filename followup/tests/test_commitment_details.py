"""A commitment's target as the agreement words it, beside what was achieved: on the report, on the form that
fills it in, in the report's data and in the exports."""

import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils.translation import gettext

from focusareas.models import Commitment
from followup.models import CommitmentOutcome
from followup.pdf import report_data
from followup.report import build_annual_report
from followup.services import report_start

pytestmark = pytest.mark.django_db
IN_WORDS = "minst 3 besök per år, 10 under avtalsperioden"


@pytest.fixture
def report(signed_agreement):
    Commitment.objects.filter(text="kommunens tillsynsbesök").update(target_group="krögare", target_text=IN_WORDS)
    return report_start(agreement=signed_agreement, year=2024, copy_previous=False)


def test_the_report_shows_the_target_in_words(client, report, editor):
    client.force_login(editor)
    html = client.get(reverse("followup:report", args=[report.agreement_id, report.year])).content.decode()
    assert f"Mål: {IN_WORDS}" in html
    assert "av minst 10 besök under perioden" in html  # the arithmetic still counts against the number


def test_the_form_gives_the_target_in_words_beside_achieved(client, report, editor):
    focus_area = report.agreement.focus_areas.get()
    client.force_login(editor)
    response = client.get(reverse("followup:edit", args=[report.agreement_id, report.year, str(focus_area.pk)]))
    (form,) = [form for _heading, about, form in response.context["entries"] if about == "kommunens tillsynsbesök"]
    assert form.fields["achieved"].help_text == f"Mål: {IN_WORDS}"
    assert f"Mål: {IN_WORDS}" in response.content.decode()


def test_the_reports_data_carries_the_target_in_words(report):
    (section,) = report_data(build_annual_report(report))["focus_areas"]
    targets = {line["text"]: line["target_text"] for line in section["commitments"]}
    assert targets["kommunens tillsynsbesök"] == IN_WORDS
    assert targets["polisens krogtillsyner"] == ""


def test_the_export_has_the_target_group_and_the_target_in_words(client, report, editor):
    CommitmentOutcome.objects.filter(report=report, commitment__text="kommunens tillsynsbesök").update(achieved=4)
    client.force_login(editor)
    response = client.get(reverse("followup:export", args=[report.agreement_id, report.year, "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))[gettext("Commitments")]
    headers = [cell.value for cell in sheet[1]]
    rows = [dict(zip(headers, (cell.value for cell in row), strict=True)) for row in sheet.iter_rows(min_row=2)]
    (row,) = [row for row in rows if row[gettext("Commitment")] == "kommunens tillsynsbesök"]
    assert row[gettext("Target group")] == "krögare"
    assert row[gettext("Target as written")] == IN_WORDS
    assert (row[gettext("Target")], row[gettext("Achieved")]) == (10, 4)


def test_the_target_in_words_beside_achieved_is_text_not_markup(client, report, editor):
    Commitment.objects.filter(text="kommunens tillsynsbesök").update(target_text='<img src=x onerror="alert(1)">')
    focus_area = report.agreement.focus_areas.get()
    client.force_login(editor)
    response = client.get(reverse("followup:edit", args=[report.agreement_id, report.year, str(focus_area.pk)]))
    html = response.content.decode()
    assert "Mål: &lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    assert "<img src=x" not in html

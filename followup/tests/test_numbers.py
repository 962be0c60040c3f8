"""Numbers in the follow-up: a Swedish decimal comma whatever the browser, percentages within 0–100, the target
beside what was achieved, and a tenfold jump from last year saved only once confirmed."""

from decimal import Decimal

import pytest
from django.urls import reverse

from focusareas.forms import IndicatorForm
from focusareas.models import Indicator
from followup.models import CommitmentOutcome, IndicatorValue
from followup.services import report_start
from samverkan.lib.numbers import format_number, implausible_jump, normalise_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(signed_agreement):
    return report_start(agreement=signed_agreement, year=2024, copy_previous=False)


def edit_url(report) -> str:
    focus_area = report.agreement.focus_areas.get()
    return reverse("followup:edit", args=[report.agreement_id, report.year, str(focus_area.pk)])


def page_data(client, url) -> dict:
    """Everything the edit page's form would post back unchanged."""
    data = {}
    for _heading, _about, form in client.get(url).context["entries"]:
        for name in form.fields:
            value = form[name].value()
            if name != "evidence_file" and value is not None:
                data[form.add_prefix(name)] = value
    return data


@pytest.mark.parametrize(
    ("typed", "read"),
    [("52,5", "52.5"), ("52.5", "52.5"), ("1 234,5", "1234.5"), ("1\u00a0234,5", "1234.5"), ("1.234,5", "1234.5")],
)
def test_a_number_is_read_with_a_comma_or_a_point(typed, read):
    assert normalise_number(typed) == read


def test_numbers_are_shown_with_a_decimal_comma_and_a_jump_is_tenfold_either_way():
    assert format_number(Decimal("52.50")) == "52,5"
    assert format_number(Decimal("120.00")) == "120"
    assert implausible_jump(Decimal(525), Decimal("52.5")) and implausible_jump(5, 50)
    assert not implausible_jump(Decimal(90), Decimal(10)) and not implausible_jump(10, None)


def test_an_indicator_value_typed_with_a_decimal_comma_is_stored_as_it_reads(client, report, reviewer):
    client.force_login(reviewer)
    url = edit_url(report)
    value = IndicatorValue.objects.get(report=report)
    page = client.get(url).content.decode()
    assert f'name="i{value.pk}-value"' in page and 'inputmode="decimal"' in page and 'type="number"' not in page
    assert client.post(url, page_data(client, url) | {f"i{value.pk}-value": "112,5"}).status_code == 302
    value.refresh_from_db()
    assert value.value == Decimal("112.5")
    assert 'value="112,5"' in client.get(url).content.decode()


def test_a_percentage_above_100_is_refused_and_the_input_kept(client, report, reviewer):
    Indicator.objects.update(unit="%", baseline_value=40)
    client.force_login(reviewer)
    url = edit_url(report)
    value = IndicatorValue.objects.get(report=report)
    response = client.post(url, page_data(client, url) | {f"i{value.pk}-value": "152,5"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "En procentsats ligger mellan 0 och 100." in page and 'value="152,5"' in page
    value.refresh_from_db()
    assert value.value is None


def test_the_target_is_shown_beside_what_was_achieved(client, report, reviewer):
    client.force_login(reviewer)
    page = client.get(edit_url(report)).content.decode()
    assert "Mål: minst 5 krogtillsyner per år" in page


def test_a_tenfold_jump_from_last_year_asks_for_confirmation(client, report, reviewer, signed_agreement):
    last = CommitmentOutcome.objects.get(report=report, commitment__text="polisens krogtillsyner")
    last.achieved = 5
    last.save()
    new = report_start(agreement=signed_agreement, year=2025, copy_previous=False)
    client.force_login(reviewer)
    url = edit_url(new)
    police = CommitmentOutcome.objects.get(report=new, commitment__text="polisens krogtillsyner")
    data = page_data(client, url) | {f"c{police.pk}-achieved": "50"}
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ja, värdet stämmer" in page and 'value="50"' in page and "tio gånger förra årets värde (5)" in page
    police.refresh_from_db()
    assert police.achieved is None

    assert client.post(url, data | {f"c{police.pk}-value_confirmed": "on"}).status_code == 302
    police.refresh_from_db()
    assert police.achieved == 50


def test_an_indicator_is_checked_against_its_baseline_before_its_first_year(client, report, reviewer):
    client.force_login(reviewer)  # the baseline is 120
    url = edit_url(report)
    value = IndicatorValue.objects.get(report=report)
    response = client.post(url, page_data(client, url) | {f"i{value.pk}-value": "1 250"})
    assert response.status_code == 200 and "Ja, värdet stämmer" in response.content.decode()
    assert client.post(url, page_data(client, url) | {f"i{value.pk}-value": "125"}).status_code == 302


def test_an_indicator_form_takes_a_decimal_comma_and_keeps_percentages_within_100():
    form = IndicatorForm(
        {
            "name": "Andel trygga",
            "source": "local_survey",
            "unit": "%",
            "direction": "increase",
            "baseline_year": "2022",
            "baseline_value": "62,5",
            "target_value": "101",
        }
    )
    assert not form.is_valid()
    assert form.errors == {"target_value": ["En procentsats ligger mellan 0 och 100."]}
    assert form.cleaned_data["baseline_value"] == Decimal("62.5")

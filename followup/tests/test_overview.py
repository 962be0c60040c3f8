"""The dashboard over the years and the evaluation of the period: who may see and write them, what they show,
the evaluation's PDF, refused stale edits, and a query count that does not grow with the agreement."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from agreements.models import Agreement, Organisation
from agreements.tests.factories import AgreementFactory
from focusareas.models import ActivityRow, Commitment, Indicator
from focusareas.tests.factories import (
    ActionPlanFactory,
    ActivityRowFactory,
    CommitmentFactory,
    FocusAreaFactory,
    IndicatorFactory,
)
from followup import services
from followup.models import ActivityOutcome, CommitmentOutcome, Evaluation, FollowUpReport, IndicatorValue, Status
from followup.pdf import EVALUATION_ATTACHMENT, evaluation_pdf_content
from followup.templatetags.followup_tags import STATUS_ICONS
from followup.verdicts import TargetVerdict, Trend
from samverkan.tests.browser import assert_accessible, log_in

pytestmark = pytest.mark.django_db

PATROLS = "genomföra minst fem dokumenterade krogtillsyner tillsammans med kommunen under året"
WALKS = "ordna trygghetsvandringar i stadsdelarna"
EST = "delta varje vecka i det operativa mötet (EST)"
MAPPING = "Kartlägga var och när misshandelsbrott sker"
EVALUATION_TEXT = "Samverkan har fungerat väl under perioden."
CONCLUSIONS = "Parterna fortsätter med krogtillsynerna."


@dataclass
class FollowedUp:
    """A signed agreement followed up in 2023 and 2024."""

    agreement: Agreement
    row: ActivityRow
    patrols: Commitment
    walks: Commitment
    est: Commitment
    indicator: Indicator


def sign(agreement: Agreement) -> Agreement:
    # Content is written while the agreement is a draft; signing through the service would also render its PDF.
    Agreement.objects.filter(pk=agreement.pk).update(status=Agreement.Status.SIGNED)
    return Agreement.objects.get(pk=agreement.pk)


def set_outcome(model, year: int, *, of: dict, **values) -> None:
    """What the parties reported for one item in the year, straight into the outcome's row."""
    model.objects.filter(report__year=year, **of).update(**values)


@pytest.fixture
def followed_up(world) -> FollowedUp:
    agreement = world.agreement
    violence = FocusAreaFactory(agreement=agreement, title="Misshandel")
    row = ActivityRowFactory(focus_area=violence, activity=MAPPING)
    patrols = CommitmentFactory(
        focus_area=violence,
        parties=[world.police],
        text=PATROLS,
        target_value=5,
        target_unit="krogtillsyner",
        target_scope=Commitment.TargetScope.PER_YEAR,
    )
    walks = CommitmentFactory(focus_area=violence, parties=[world.municipality], text=WALKS, responsible_role="")
    plan = ActionPlanFactory(agreement=agreement)
    est = CommitmentFactory(focus_area=None, action_plan=plan, parties=[world.municipality, world.police], text=EST)
    indicator = IndicatorFactory(goal__focus_area=violence, name="Anmälda misshandelsbrott")
    agreement = sign(agreement)
    services.report_start(agreement=agreement, year=2023, copy_previous=False)
    services.report_start(agreement=agreement, year=2024, copy_previous=True)

    set_outcome(CommitmentOutcome, 2023, of={"commitment": patrols}, status=Status.ONGOING, achieved=3)
    set_outcome(CommitmentOutcome, 2024, of={"commitment": patrols}, status=Status.DONE, achieved=6)
    set_outcome(CommitmentOutcome, 2023, of={"commitment": walks}, status=Status.NOT_STARTED)
    set_outcome(CommitmentOutcome, 2024, of={"commitment": walks}, status=Status.PARTLY_DONE)
    set_outcome(CommitmentOutcome, 2023, of={"commitment": est}, status=Status.DONE)
    set_outcome(CommitmentOutcome, 2024, of={"commitment": est}, status=Status.DONE)
    set_outcome(ActivityOutcome, 2023, of={"row": row}, status=Status.ONGOING)
    set_outcome(ActivityOutcome, 2024, of={"row": row}, status=Status.NOT_DONE)
    set_outcome(IndicatorValue, 2023, of={"indicator": indicator}, value=Decimal("401"))
    set_outcome(IndicatorValue, 2024, of={"indicator": indicator}, value=Decimal("350"))
    return FollowedUp(agreement, row, patrols, walks, est, indicator)


def url(name: str, agreement: Agreement) -> str:
    return reverse(name, args=[agreement.pk])


def row_of(html: str, text: str) -> str:
    """The table row that names the item."""
    rows = [row for row in re.split(r"<tr[ >]", html) if text in row]
    assert rows, f"no row for {text!r}"
    return rows[0].split("</tr>")[0]


def shown(status: str) -> str:
    """A status as the page shows it: its words on its colour."""
    return (
        f'<span class="status-label outcome-{status}"><span aria-hidden="true">{STATUS_ICONS[status]}</span> '
        f"{Status(status).label}</span>"
    )


# Access


READ_VIEWS = ["followup:dashboard", "followup:evaluation", "followup:evaluation_pdf"]
ALL_VIEWS = [*READ_VIEWS, "followup:evaluation_edit"]


@pytest.mark.parametrize("name", READ_VIEWS)
def test_a_reader_of_the_agreement_sees_the_overview_pages(client, followed_up, reader, name):
    client.force_login(reader)
    assert client.get(url(name, followed_up.agreement)).status_code == 200


@pytest.mark.parametrize("name", ALL_VIEWS)
def test_it_refuses_outsiders(client, followed_up, outsider, name):
    client.force_login(outsider)
    assert client.get(url(name, followed_up.agreement)).status_code == 404


@pytest.mark.parametrize("name", ALL_VIEWS)
def test_it_sends_anonymous_visitors_to_log_in(client, followed_up, name):
    response = client.get(url(name, followed_up.agreement))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_reader_may_not_write_the_evaluation(client, followed_up, reader):
    client.force_login(reader)
    assert client.get(url("followup:evaluation_edit", followed_up.agreement)).status_code == 403
    response = client.post(url("followup:evaluation_edit", followed_up.agreement), {"text": "x", "loaded_version": 0})
    assert response.status_code == 403
    assert not Evaluation.objects.exists()


def test_a_reviewer_may_not_write_the_evaluation(client, followed_up, reviewer):
    client.force_login(reviewer)
    assert client.get(url("followup:evaluation_edit", followed_up.agreement)).status_code == 403


def test_an_unsigned_agreement_has_no_evaluation_to_write(client, world, editor):
    client.force_login(editor)
    assert client.get(url("followup:evaluation_edit", world.agreement)).status_code == 403


# The dashboard


def test_the_dashboard_shows_each_years_status_of_a_commitment(client, followed_up, reader):
    client.force_login(reader)
    html = client.get(url("followup:dashboard", followed_up.agreement)).content.decode()
    row = row_of(html, PATROLS)
    assert row.index(shown(Status.ONGOING)) < row.index(shown(Status.DONE))
    activity = row_of(html, MAPPING)
    assert activity.index(shown(Status.ONGOING)) < activity.index(shown(Status.NOT_DONE))
    # A focus area's activities, then its commitments; commitments outside every focus area come last.
    assert html.index(MAPPING) < html.index(PATROLS) < html.index(WALKS) < html.index(EST)
    assert '<th scope="col"' in html and "<caption" in html and "table-responsive" in html


def test_the_dashboard_lists_what_is_overdue(client, followed_up, reader):
    client.force_login(reader)
    response = client.get(url("followup:dashboard", followed_up.agreement))
    overdue = {(item.line.text, item.year, item.status) for item in response.context["overview"].overdue}
    assert overdue == {(MAPPING, 2024, Status.NOT_DONE), (WALKS, 2024, Status.PARTLY_DONE)}
    section = response.content.decode().split('id="overdue-heading"')[1].split("</section>")[0]
    assert WALKS in section and MAPPING in section and PATROLS not in section and EST not in section
    assert shown(Status.PARTLY_DONE) in section and "2024" in section


def test_a_target_for_the_whole_period_is_overdue_only_once_the_period_is_over(client, followed_up, reader):
    Commitment.objects.filter(pk=followed_up.patrols.pk).update(target_scope=Commitment.TargetScope.PERIOD)
    set_outcome(CommitmentOutcome, 2024, of={"commitment": followed_up.patrols}, status=Status.ONGOING)
    Agreement.objects.filter(pk=followed_up.agreement.pk).update(end_date="2099-12-31")
    client.force_login(reader)

    def overdue() -> set[str]:
        response = client.get(url("followup:dashboard", followed_up.agreement))
        return {item.line.text for item in response.context["overview"].overdue}

    assert overdue() == {MAPPING, WALKS}
    Agreement.objects.filter(pk=followed_up.agreement.pk).update(end_date="2024-12-31")
    assert overdue() == {MAPPING, WALKS, PATROLS}


def test_values_of_a_follow_up_not_yet_approved_are_marked_preliminary(client, followed_up, reader):
    client.force_login(reader)
    FollowUpReport.objects.filter(agreement=followed_up.agreement, year=2023).update(stage="approved")
    html = client.get(url("followup:dashboard", followed_up.agreement)).content.decode()
    header = html.split('id="statuses-caption"')[1].split("</thead>")[0]
    assert header.count("preliminärt") == 1 and header.index("2024") < header.index("preliminärt")
    indicators = html.split('id="indicators-heading"')[1]
    assert "350 (2024, preliminärt)" in indicators


def test_the_dashboard_lists_commitments_without_a_responsible_role(client, followed_up, reader):
    client.force_login(reader)
    html = client.get(url("followup:dashboard", followed_up.agreement)).content.decode()
    section = html.split('id="without-role-heading"')[1].split("</section>")[0]
    assert WALKS in section
    assert PATROLS not in section and EST not in section


def test_the_dashboard_shows_an_indicators_trend_with_a_chart_and_its_values(client, followed_up, reader):
    client.force_login(reader)
    html = client.get(url("followup:dashboard", followed_up.agreement)).content.decode()
    section = html.split('id="indicators-heading"')[1].split("</section>")[0]
    assert "Anmälda misshandelsbrott" in section
    assert f'class="trend trend-right_way">{Trend.RIGHT_WAY.label}<' in section
    assert "<svg" in section and 'role="img"' in section
    assert "<td>412</td>" in section and "<td>350</td>" in section  # baseline and latest value in the data table


@pytest.mark.parametrize(("name", "pinned", "cached"), [("followup:dashboard", 16, 6), ("followup:evaluation", 16, 6)])
def test_the_overview_costs_the_same_queries_for_2_and_20_focus_areas(
    client, world, reader, django_assert_max_num_queries, name, pinned, cached
):
    def agreement_with(n: int) -> Agreement:
        agreement = AgreementFactory(parties=[world.municipality, world.police])
        plan = ActionPlanFactory(agreement=agreement)
        for _ in range(n):
            focus_area = FocusAreaFactory(agreement=agreement)
            ActivityRowFactory(focus_area=focus_area)
            CommitmentFactory(
                focus_area=focus_area, parties=[world.municipality, world.police], target_value=3, target_scope="period"
            )
            CommitmentFactory(focus_area=None, action_plan=plan, agreement=agreement, responsible_role="")
            IndicatorFactory(goal__focus_area=focus_area)
        agreement = sign(agreement)
        for year in (2023, 2024):
            services.report_start(agreement=agreement, year=year, copy_previous=False)
        CommitmentOutcome.objects.filter(report__agreement=agreement).update(status=Status.ONGOING, achieved=1)
        IndicatorValue.objects.filter(report__agreement=agreement).update(value=Decimal("10"))
        return agreement

    small, large = agreement_with(2), agreement_with(20)
    client.force_login(reader)

    def count(agreement: Agreement) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(name, agreement)).status_code == 200
        return len(queries)

    client.get(reverse("password_change_done"))  # the first request of a session sets things up
    assert count(large) == count(small) <= pinned  # rendered
    with django_assert_max_num_queries(cached):  # read from the cache
        client.get(url(name, large))


# The cached pages: a signed agreement's overview is rendered once, and every change shows at once


CACHED = [
    ("followup:dashboard", "followup/partials/dashboard_body.html"),
    ("followup:evaluation", "followup/partials/evaluation_body.html"),
]


def main(response) -> str:
    """The page's own content, without what changes with every request (the session's time left, tokens)."""
    return response.content.decode().split('<main id="main"')[1].split("</main>")[0]


def rendered(response) -> set[str]:
    return {template.name for template in response.templates}


@pytest.mark.parametrize(("name", "body"), CACHED)
def test_a_signed_agreements_overview_is_rendered_once(client, followed_up, reader, editor, name, body):
    client.force_login(reader)
    first, again = client.get(url(name, followed_up.agreement)), client.get(url(name, followed_up.agreement))
    client.force_login(editor)
    as_editor = client.get(url(name, followed_up.agreement))

    assert body in rendered(first) and body not in rendered(again) and body not in rendered(as_editor)
    assert main(again) == main(first) and WALKS in main(again)


@pytest.mark.parametrize(("name", "body"), CACHED)
def test_a_draft_is_rendered_every_time(client, world, reader, name, body):
    client.force_login(reader)
    client.get(url(name, world.agreement))

    assert body in rendered(client.get(url(name, world.agreement)))


def test_a_line_saved_shows_at_once(client, followed_up, reader):
    client.force_login(reader)
    dashboard = url("followup:dashboard", followed_up.agreement)
    assert shown(Status.PARTLY_DONE) in row_of(client.get(dashboard).content.decode(), WALKS)

    outcome = CommitmentOutcome.objects.get(report__year=2024, commitment=followed_up.walks)
    outcome.status = Status.DONE
    outcome.save()  # as every form and service saves a line

    row = row_of(client.get(dashboard).content.decode(), WALKS)
    assert shown(Status.DONE) in row and shown(Status.PARTLY_DONE) not in row


def test_an_indicator_value_and_the_evaluation_saved_show_at_once(client, followed_up, reader):
    client.force_login(reader)
    evaluation = url("followup:evaluation", followed_up.agreement)
    client.get(evaluation)

    value = IndicatorValue.objects.get(report__year=2024, indicator=followed_up.indicator)
    value.value = Decimal("337")
    value.save()
    Evaluation.objects.create(agreement=followed_up.agreement, text=EVALUATION_TEXT)

    html = client.get(evaluation).content.decode()
    assert "<td>337</td>" in html and EVALUATION_TEXT in html


def test_a_year_approved_or_a_party_renamed_shows_at_once(client, world, followed_up, reader):
    client.force_login(reader)
    dashboard = url("followup:dashboard", followed_up.agreement)
    preliminary = 'class="d-block small fw-normal preliminary"'
    assert client.get(dashboard).content.decode().count(preliminary) == 2

    report = FollowUpReport.objects.get(agreement=followed_up.agreement, year=2023)
    report.stage = FollowUpReport.Stage.APPROVED
    report.save()
    Organisation.objects.filter(pk=world.police.pk).update(name="Lokalpolisområde Nya Hamnstad")

    html = client.get(dashboard).content.decode()
    assert html.count(preliminary) == 1  # 2024 only
    assert (
        "Lokalpolisområde Nya Hamnstad"
        in client.get(url("followup:evaluation", followed_up.agreement)).content.decode()
    )


@pytest.mark.parametrize(("name", "body"), CACHED)
def test_a_cached_overview_is_still_refused_to_outsiders(client, followed_up, reader, outsider, name, body):
    client.force_login(reader)
    client.get(url(name, followed_up.agreement))
    client.force_login(outsider)

    assert client.get(url(name, followed_up.agreement)).status_code == 404


# The evaluation


def test_the_evaluation_aggregates_every_year(client, followed_up, reader):
    Evaluation.objects.create(agreement=followed_up.agreement, text=EVALUATION_TEXT, conclusions=CONCLUSIONS)
    client.force_login(reader)
    response = client.get(url("followup:evaluation", followed_up.agreement))
    html = response.content.decode()
    overview = response.context["overview"]
    assert overview.years == [2023, 2024]
    patrols = next(line for line in overview.commitments if line.commitment == followed_up.patrols)
    assert [(cell.year, cell.status, cell.achieved) for cell in patrols.cells] == [
        (2023, Status.ONGOING, 3),
        (2024, Status.DONE, 6),
    ]
    # A yearly target of five: reached in 2024, not in 2023.
    assert (patrols.progress.years_met, patrols.progress.years_reported) == (1, 2)
    assert patrols.progress.verdict == TargetVerdict.PARTLY_MET
    row = row_of(html, PATROLS)
    assert row.index(shown(Status.ONGOING)) < row.index(shown(Status.DONE))
    assert str(TargetVerdict.PARTLY_MET.label) in row
    assert EVALUATION_TEXT in html and CONCLUSIONS in html
    assert "<td>401</td>" in html and "<td>350</td>" in html
    assert str(Trend.RIGHT_WAY.label) in html


def test_a_whole_period_target_adds_the_years_up(client, followed_up, reader):
    Commitment.objects.filter(pk=followed_up.patrols.pk).update(
        target_scope=Commitment.TargetScope.PERIOD, target_value=9
    )
    client.force_login(reader)
    overview = client.get(url("followup:evaluation", followed_up.agreement)).context["overview"]
    patrols = next(line for line in overview.commitments if line.commitment.pk == followed_up.patrols.pk)
    assert (patrols.progress.counted, patrols.progress.verdict) == (9, TargetVerdict.MET)


def test_the_evaluation_says_when_nothing_is_written_yet(client, followed_up, reader, editor):
    client.force_login(reader)
    response = client.get(url("followup:evaluation", followed_up.agreement))
    assert response.context["evaluation"] is None
    assert reverse("followup:evaluation_edit", args=[followed_up.agreement.pk]) not in response.content.decode()
    client.force_login(editor)
    response = client.get(url("followup:evaluation", followed_up.agreement))
    assert reverse("followup:evaluation_edit", args=[followed_up.agreement.pk]) in response.content.decode()


def test_the_evaluation_pdf_holds_the_evaluation_and_the_commitments(client, followed_up, reader):
    Evaluation.objects.create(agreement=followed_up.agreement, text=EVALUATION_TEXT, conclusions=CONCLUSIONS)
    client.force_login(reader)
    response = client.get(url("followup:evaluation_pdf", followed_up.agreement))
    assert response["Content-Type"] == "application/pdf"
    pdf = PdfReader(BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)
    assert EVALUATION_TEXT in text
    assert CONCLUSIONS in text
    assert "delta varje vecka i det operativa mötet (EST)" in text
    data = json.loads(pdf.attachments[EVALUATION_ATTACHMENT][0])
    assert data["evaluation"] == EVALUATION_TEXT
    items = {item["text"]: item for area in data["focus_areas"] for item in area["items"]}
    assert items[PATROLS]["statuses"] == {"2023": Status.ONGOING, "2024": Status.DONE}
    assert data["indicators"][0]["values"] == {"2023": "401.00", "2024": "350.00"}


def test_the_evaluation_pdf_is_in_the_agreements_language_whatever_the_users(followed_up):
    with translation.override("en"):
        pdf = evaluation_pdf_content(followed_up.agreement)
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    assert translation.gettext("Direction wanted:") in text
    assert "Direction wanted:" not in text


# Writing the evaluation


def test_an_editor_writes_the_evaluation_of_a_signed_agreement(client, followed_up, editor):
    client.force_login(editor)
    edit = url("followup:evaluation_edit", followed_up.agreement)
    form = client.get(edit).context["form"]
    response = client.post(
        edit, {"text": EVALUATION_TEXT, "conclusions": CONCLUSIONS, "loaded_version": form["loaded_version"].value()}
    )
    assert response.status_code == 302
    assert response["Location"] == url("followup:evaluation", followed_up.agreement)
    evaluation = Evaluation.objects.get(agreement=followed_up.agreement)
    assert (evaluation.text, evaluation.conclusions) == (EVALUATION_TEXT, CONCLUSIONS)
    assert evaluation.history.first().history_user == editor

    loaded = client.get(edit).context["form"]["loaded_version"].value()
    client.post(edit, {"text": "Andra versionen.", "conclusions": CONCLUSIONS, "loaded_version": loaded})
    assert Evaluation.objects.get(pk=evaluation.pk).text == "Andra versionen."


def test_a_stale_edit_of_the_evaluation_is_refused_and_keeps_the_input(client, followed_up, editor):
    evaluation = Evaluation.objects.create(agreement=followed_up.agreement, text=EVALUATION_TEXT)
    client.force_login(editor)
    edit = url("followup:evaluation_edit", followed_up.agreement)
    loaded = client.get(edit).context["form"]["loaded_version"].value()
    # Someone else saves while the editor is still writing.
    client.post(edit, {"text": "Kollegans text.", "conclusions": "", "loaded_version": loaded})

    response = client.post(edit, {"text": "Min text.", "conclusions": "Mina slutsatser.", "loaded_version": loaded})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.non_field_errors()
    assert form["text"].value() == "Min text."
    assert "Min text." in response.content.decode() and "Mina slutsatser." in response.content.decode()
    assert Evaluation.objects.get(pk=evaluation.pk).text == "Kollegans text."

    # Having seen the warning, the editor saves again on purpose, and it goes through.
    again = {"text": "Min text.", "conclusions": "", "loaded_version": form["loaded_version"].value()}
    assert client.post(edit, again).status_code == 302
    assert Evaluation.objects.get(pk=evaluation.pk).text == "Min text."


def test_a_first_evaluation_written_by_someone_else_meanwhile_is_not_overwritten(client, followed_up, editor):
    client.force_login(editor)
    edit = url("followup:evaluation_edit", followed_up.agreement)
    loaded = client.get(edit).context["form"]["loaded_version"].value()
    Evaluation.objects.create(agreement=followed_up.agreement, text="Kollegans text.")

    response = client.post(edit, {"text": "Min text.", "conclusions": "", "loaded_version": loaded})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Evaluation.objects.get(agreement=followed_up.agreement).text == "Kollegans text."


# In a real browser


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", ["followup:dashboard", "followup:evaluation", "followup:evaluation_edit"])
def test_the_pages_have_no_accessibility_violations(page, live_server, followed_up, editor, name):
    Evaluation.objects.create(agreement=followed_up.agreement, text=EVALUATION_TEXT, conclusions=CONCLUSIONS)
    log_in(page, live_server, "editor")
    page.goto(live_server.url + url(name, followed_up.agreement))
    assert_accessible(page)
    page.set_viewport_size({"width": 375, "height": 800})
    assert_accessible(page)

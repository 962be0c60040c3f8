"""Follow-up per period: a document followed up every half-year or quarter has a report for each, and a citizen
promise followed up by one side is filled in and confirmed by that side alone before the council approves it."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.models import Agreement, AgreementFrozen
from agreements.tests.factories import AgreementFactory
from focusareas.tests.factories import ActivityRowFactory, CommitmentFactory, FocusAreaFactory, IndicatorFactory
from followup import services
from followup.models import CommitmentOutcome, FollowUpDeadline, FollowUpReport, Status
from followup.reminders import send_deadline_reminders
from samverkan.lib import todo
from samverkan.tests.helpers import edit_data

pytestmark = pytest.mark.django_db

PATROLS = "Polisen lovar att genomföra minst sex hastighetskontroller vid skolorna"
Stage = FollowUpReport.Stage


def promise(world, *, frequency: int, by: str = Agreement.FollowedUpBy.POLICE, focus_areas: int = 1) -> Agreement:
    """A signed citizen promise of the world's municipality and police with a promise of each party per focus area
    (the first the police's, with a yearly target) and an activity and an indicator."""
    agreement = AgreementFactory(
        title="Medborgarlöfte Hamnstad",
        kind=Agreement.Kind.CITIZEN_PROMISE,
        parties=[world.municipality, world.police],
        follow_up_frequency=frequency,
        followed_up_by=by,
    )
    for n in range(focus_areas):
        focus_area = FocusAreaFactory(agreement=agreement, title=f"Trafiksäkerhet {n}")
        ActivityRowFactory(focus_area=focus_area)
        CommitmentFactory(
            focus_area=focus_area,
            parties=[world.police],
            text=PATROLS if n == 0 else f"{PATROLS} {n}",
            target_value=6,
            target_scope="per_year",
        )
        CommitmentFactory(focus_area=focus_area, parties=[world.municipality], text=f"Kommunen lovar {n}")
        IndicatorFactory(goal__focus_area=focus_area)
    Agreement.objects.filter(pk=agreement.pk).update(status=Agreement.Status.SIGNED)
    return Agreement.objects.get(pk=agreement.pk)


def quarters(agreement: Agreement, year: int = 2024) -> list[FollowUpReport]:
    return [
        services.report_start(agreement=agreement, year=year, period=q, copy_previous=True)
        for q in agreement.follow_up_periods
    ]


def test_a_quarterly_promise_is_followed_up_in_four_reports_a_year_started_from_the_index(client, world, editor):
    agreement = promise(world, frequency=Agreement.FollowUpFrequency.QUARTERLY)
    client.force_login(editor)
    index = reverse("followup:index", args=[agreement.pk])
    choices = [value for value, _label in client.get(index).context["start_form"].fields["year"].choices]
    assert choices[:4] == ["2023-1", "2023-2", "2023-3", "2023-4"]
    for quarter in (1, 2, 3, 4):
        response = client.post(reverse("followup:start", args=[agreement.pk]), {"year": f"2024-{quarter}"})
        assert response.status_code == 302
        assert response["Location"] == f"/overenskommelser/{agreement.pk}/uppfoljning/2024/kvartal-{quarter}/"
    assert list(agreement.follow_ups.values_list("year", "period")) == [(2024, 1), (2024, 2), (2024, 3), (2024, 4)]
    page = client.get(f"/overenskommelser/{agreement.pk}/uppfoljning/2024/kvartal-2/")
    assert "<h1>Uppföljning kvartal 2 2024</h1>" in page.content.decode()
    assert "Kvartal 2 2024" in client.get(index).content.decode()
    # Not a yearly follow-up, nor a half-year's.
    assert client.get(f"/overenskommelser/{agreement.pk}/uppfoljning/2024/").status_code == 404
    assert client.get(f"/overenskommelser/{agreement.pk}/uppfoljning/2024/halvar-1/").status_code == 404
    assert client.post(reverse("followup:start", args=[agreement.pk]), {"year": "2024"}).status_code == 302
    assert agreement.follow_ups.count() == 4


def test_only_the_police_fill_in_and_confirm_a_promise_they_follow_up_alone(client, world, editor, reviewer, reader):
    agreement = promise(world, frequency=Agreement.FollowUpFrequency.QUARTERLY)
    report = quarters(agreement)[0]
    focus_area = agreement.focus_areas.get()
    edit = reverse("followup:edit_period", args=[agreement.pk, 2024, "kvartal-1", focus_area.pk])
    confirm = reverse("followup:transition_period", args=[agreement.pk, 2024, "kvartal-1", "confirm"])
    page = report.get_absolute_url()

    # The municipality sees the report but neither fills it in nor binds anyone by it.
    client.force_login(editor)
    response = client.get(page)
    assert response.status_code == 200
    assert not response.context["can_fill_in"] and not response.context["can_confirm"]
    assert not response.context["can_submit"]
    assert client.get(edit).status_code == 403
    fingerprint = response.context["loaded_fingerprint"]
    assert client.post(confirm, {"loaded_fingerprint": fingerprint}).status_code == 403
    submit = reverse("followup:transition_period", args=[agreement.pk, 2024, "kvartal-1", "submit"])
    client.post(submit, {"loaded_fingerprint": fingerprint})
    assert FollowUpReport.objects.get(pk=report.pk).stage == Stage.DRAFT

    # The police fill in their promise and confirm the draft: nobody else's confirmation is needed.
    client.force_login(reviewer)
    entries = client.get(edit).context["entries"]
    police_outcome = CommitmentOutcome.objects.get(report=report, commitment__text=PATROLS)
    assert f"c{police_outcome.pk}" in {form.prefix for _h, _a, form in entries}
    assert not any("Kommunen lovar" in about for _h, about, _f in entries)
    data = {}
    for _heading, _about, form in entries:
        for name in form.fields:
            if name != "evidence_file" and (value := form[name].value()) is not None:
                data[form.add_prefix(name)] = value
    data |= {f"c{police_outcome.pk}-status": Status.ONGOING, f"c{police_outcome.pk}-achieved": "2"}
    assert client.post(edit, data).status_code == 302
    assert CommitmentOutcome.objects.get(pk=police_outcome.pk).achieved == 2
    response = client.get(page)
    assert response.context["can_confirm"] and not response.context["can_send_back"]
    assert client.post(confirm, {"loaded_fingerprint": response.context["loaded_fingerprint"]}).status_code == 302
    assert FollowUpReport.objects.get(pk=report.pk).stage == Stage.CONFIRMED

    # The council approves, as for every follow-up.
    client.force_login(reader)
    response = client.get(page)
    assert response.context["can_approve"]
    services.report_approve(
        report=report,
        user=reader,
        approved_on=date(2024, 4, 20),
        case_number="KS 2024/12",
        loaded_fingerprint=response.context["loaded_fingerprint"],
    )
    report.refresh_from_db()
    assert report.stage == Stage.APPROVED
    assert report.archived.file.name.endswith(".pdf")
    assert "kvartal-1" in report.archived.file.name


def test_a_half_yearly_promise_followed_up_by_the_municipality_has_two_halves(
    client, world, editor, reviewer, reader, mailoutbox, django_capture_on_commit_callbacks
):
    reader.email = "reader@example.se"
    reader.save()
    agreement = promise(
        world, frequency=Agreement.FollowUpFrequency.HALF_YEARLY, by=Agreement.FollowedUpBy.MUNICIPALITY
    )
    first, second = quarters(agreement)
    assert (first.period_label, second.period_label) == ("första halvåret 2024", "andra halvåret 2024")
    assert second.get_absolute_url() == f"/overenskommelser/{agreement.pk}/uppfoljning/2024/halvar-2/"
    assert second.period_end == date(2024, 12, 31) and first.period_end == date(2024, 6, 30)
    client.force_login(editor)
    assert "<h1>Uppföljning första halvåret 2024</h1>" in client.get(first.get_absolute_url()).content.decode()
    assert client.get(f"/overenskommelser/{agreement.pk}/uppfoljning/2024/kvartal-1/").status_code == 404
    with pytest.raises(ValidationError):
        services.report_start(agreement=agreement, year=2024, period=3, copy_previous=False)
    # The police read it but do not confirm it: the municipality does.
    with pytest.raises(PermissionDenied):
        services.report_confirm(report=first, user=reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_confirm(report=first, user=editor)
    assert FollowUpReport.objects.get(pk=first.pk).stage == Stage.CONFIRMED
    assert mailoutbox[-1].body.startswith("Kommunen har bekräftat uppföljningen för första halvåret 2024.")


def test_a_period_starts_from_the_one_before_it(world):
    agreement = promise(world, frequency=Agreement.FollowUpFrequency.QUARTERLY)
    first = services.report_start(agreement=agreement, year=2024, period=1, copy_previous=False)
    CommitmentOutcome.objects.filter(report=first).update(status=Status.ONGOING, achieved=2)
    second = services.report_start(agreement=agreement, year=2024, period=2, copy_previous=True)
    carried = CommitmentOutcome.objects.get(report=second, commitment__text=PATROLS)
    assert (carried.status, carried.achieved) == (Status.ONGOING, None)


def test_a_yearly_target_counts_the_periods_of_the_year_so_far(client, world, reviewer):
    agreement = promise(world, frequency=Agreement.FollowUpFrequency.QUARTERLY)
    reports = quarters(agreement)
    for report, achieved in zip(reports[:3], (2, 3, 1), strict=True):
        CommitmentOutcome.objects.filter(report=report, commitment__text=PATROLS).update(achieved=achieved)
    client.force_login(reviewer)
    annual = client.get(reports[2].get_absolute_url()).context["annual"]
    line = next(line for line in annual.focus_areas[0].commitments if line.commitment.text == PATROLS)
    assert (line.progress.counted, line.progress.verdict) == (6, "met")
    dashboard = client.get(reverse("followup:dashboard", args=[agreement.pk])).context["overview"]
    assert [(cell.year, cell.period) for cell in dashboard.lines[1].cells] == [(2024, q) for q in (1, 2, 3, 4)]


def test_a_yearly_agreement_keeps_its_yearly_follow_up(client, world, editor, reviewer):
    agreement = world.agreement
    Agreement.objects.filter(pk=agreement.pk).update(status=Agreement.Status.SIGNED)
    agreement.refresh_from_db()
    report = services.report_start(agreement=agreement, year=2024, copy_previous=False)
    assert (report.period, report.period_label) == (0, "2024")
    assert report.get_absolute_url() == reverse("followup:report", args=[agreement.pk, 2024])
    client.force_login(editor)
    assert client.get(f"/overenskommelser/{agreement.pk}/uppfoljning/2024/kvartal-1/").status_code == 404
    services.report_submit(report=report, user=editor)
    with pytest.raises(PermissionDenied):  # the municipality cannot confirm the police's part
        services.report_confirm(report=report, user=editor)
    services.report_confirm(report=report, user=reviewer)
    assert FollowUpReport.objects.get(pk=report.pk).stage == Stage.CONFIRMED


def test_the_form_states_how_often_and_by_whom_and_refuses_one_side_for_an_agreement(client, world, editor):
    client.force_login(editor)
    url = reverse("agreements:edit", args=[world.agreement.pk])
    data = edit_data(world.agreement, follow_up_frequency="4", followed_up_by="police")
    response = client.post(url, data)
    assert response.status_code == 200
    assert "En samverkansöverenskommelse följs upp av alla sina parter." in response.content.decode()
    assert Agreement.objects.get(pk=world.agreement.pk).followed_up_by == "all"
    data = edit_data(world.agreement, kind="citizen_promise", follow_up_frequency="4", followed_up_by="police")
    assert client.post(url, data).status_code == 302
    stored = Agreement.objects.get(pk=world.agreement.pk)
    assert (stored.follow_up_frequency, stored.followed_up_by) == (4, "police")
    # A post without the settings (a form from before they existed) keeps them.
    data = edit_data(stored)
    del data["follow_up_frequency"], data["followed_up_by"]
    assert client.post(url, data).status_code == 302
    stored = Agreement.objects.get(pk=world.agreement.pk)
    assert (stored.follow_up_frequency, stored.followed_up_by) == (4, "police")


def test_todo_and_reminders_go_to_the_side_that_follows_up(
    world, editor, reviewer, reader, mailoutbox, django_capture_on_commit_callbacks
):
    for user in (editor, reviewer, reader):
        user.email = f"{user.username}@example.se"
        user.save()
    agreement = promise(world, frequency=Agreement.FollowUpFrequency.QUARTERLY)
    services.report_start(agreement=agreement, year=2024, period=1, copy_previous=False)
    services.deadline_set(agreement=agreement, year=2024, period=2, due_on=date(2024, 7, 15), note="")
    police_items = [item.what for item in todo.items_for(reviewer)]
    assert "Fyll i och bekräfta uppföljningen för kvartal 1 2024" in police_items
    editor_items = [item.what for item in todo.items_for(editor)]
    assert not any("kvartal 1 2024" in what for what in editor_items)
    assert "Starta uppföljningen för kvartal 2 2024" in editor_items
    assert FollowUpDeadline.objects.get(agreement=agreement).period_label == "kvartal 2 2024"
    with django_capture_on_commit_callbacks(execute=True):
        assert send_deadline_reminders(today=date(2024, 7, 1)) == 1
    assert [message.to for message in mailoutbox] == [["reviewer@example.se"]]
    assert mailoutbox[0].subject == "Uppföljning kvartal 2 2024 senast 2024-07-15: Medborgarlöfte Hamnstad"


def test_the_spreadsheet_and_pdf_of_a_quarter_are_named_for_it(client, world, reviewer):
    agreement = promise(world, frequency=Agreement.FollowUpFrequency.QUARTERLY)
    report = quarters(agreement)[1]
    client.force_login(reviewer)
    response = client.get(reverse("followup:export_period", args=[agreement.pk, 2024, "kvartal-2", "csv"]))
    assert response.status_code == 200
    assert "uppfoljning-medborgarlofte-hamnstad-2024-kvartal-2.csv" in response["Content-Disposition"]
    response = client.get(report.period_url("pdf"))
    assert response.status_code == 200
    assert "uppfoljning-2024-kvartal-2-utkast.pdf" in response["Content-Disposition"]


@pytest.mark.parametrize(("name", "pinned"), [("report", 25), ("dashboard", 14)])
def test_a_quarterly_follow_up_costs_the_same_queries_with_more_quarters_and_focus_areas(
    client, world, reviewer, django_assert_max_num_queries, name, pinned
):
    def url(focus_areas: int) -> str:
        agreement = promise(world, frequency=Agreement.FollowUpFrequency.QUARTERLY, focus_areas=focus_areas)
        reports = quarters(agreement, 2023) + quarters(agreement, 2024) if focus_areas > 2 else quarters(agreement)
        if name == "dashboard":
            return reverse("followup:dashboard", args=[agreement.pk])
        return reports[-1].get_absolute_url()

    small, large = url(2), url(10)
    client.force_login(reviewer)

    def count(address: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(address).status_code == 200
        return len(queries)

    assert count(large) == count(small)
    with django_assert_max_num_queries(pinned):
        client.get(large)


def test_a_published_promise_keeps_how_often_and_by_whom_it_is_followed_up(world):
    agreement = promise(world, frequency=Agreement.FollowUpFrequency.QUARTERLY)
    agreement.follow_up_frequency = Agreement.FollowUpFrequency.YEARLY
    agreement.followed_up_by = Agreement.FollowedUpBy.ALL
    with pytest.raises(AgreementFrozen):
        agreement.save()
    stored = Agreement.objects.get(pk=agreement.pk)
    assert (stored.follow_up_frequency, stored.followed_up_by) == (4, "police")


def test_the_police_start_the_quarters_of_a_promise_they_follow_up_alone_and_set_no_deadlines(
    client, world, editor, reviewer
):
    alone = promise(world, frequency=Agreement.FollowUpFrequency.QUARTERLY)
    together = promise(world, frequency=Agreement.FollowUpFrequency.QUARTERLY, by=Agreement.FollowedUpBy.ALL)
    client.force_login(reviewer)

    index = client.get(reverse("followup:index", args=[alone.pk])).context
    response = client.post(reverse("followup:start", args=[alone.pk]), {"year": "2024-1"})

    assert index["start_form"] is not None and index["deadline_form"] is None
    assert response.status_code == 302 and list(alone.follow_ups.values_list("year", "period")) == [(2024, 1)]
    # Followed up by both sides, the municipality's security unit starts each period, as for an agreement.
    assert client.get(reverse("followup:index", args=[together.pk])).context["start_form"] is None
    assert client.post(reverse("followup:start", args=[together.pk]), {"year": "2024-1"}).status_code == 403
    assert not together.follow_ups.exists()
    client.force_login(editor)
    assert client.post(reverse("followup:start", args=[alone.pk]), {"year": "2024-2"}).status_code == 302

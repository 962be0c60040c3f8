"""A year's follow-up: started, filled in by each party for its own part, submitted, confirmed, approved."""

import hashlib
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.models import Agreement
from agreements.tests.factories import AgreementFactory
from focusareas.tests.factories import ActivityRowFactory, CommitmentFactory, FocusAreaFactory, IndicatorFactory
from followup.forms import ActivityOutcomeForm, IndicatorValueForm
from followup.models import CommitmentOutcome, FollowUpReport, IndicatorValue, PartyComment
from followup.services import report_fingerprint, report_part_save, report_start

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(signed_agreement):
    return report_start(agreement=signed_agreement, year=2024, copy_previous=False)


def outcome(text: str, year: int = 2024) -> CommitmentOutcome:
    return CommitmentOutcome.objects.get(commitment__text=text, report__year=year)


def edit_url(report) -> str:
    focus_area = report.agreement.focus_areas.get()
    return reverse("followup:edit", args=[report.agreement_id, report.year, str(focus_area.pk)])


def page_data(client, url) -> dict:
    """Everything the edit page's form would post back unchanged."""
    response = client.get(url)
    data = {}
    for _heading, _about, form in response.context["entries"]:
        for name in form.fields:
            value = form[name].value()
            if name == "evidence_file" or value is None:
                continue
            data[form.add_prefix(name)] = value
    return data


def test_a_follow_up_starts_with_a_line_for_everything(report, signed_agreement):
    assert report.commitment_outcomes.count() == 3
    assert report.activity_outcomes.count() == 1
    assert report.indicator_values.count() == 1
    assert report.focus_area_summaries.count() == 1
    assert PartyComment.objects.filter(outcome__report=report).count() == 4  # one per committing party


def test_only_signed_agreements_and_years_of_the_period_are_followed_up(world, signed_agreement):
    with pytest.raises(ValidationError):
        report_start(agreement=world.other_agreement, year=2024, copy_previous=False)
    with pytest.raises(ValidationError):
        report_start(agreement=signed_agreement, year=2031, copy_previous=False)
    report_start(agreement=signed_agreement, year=2024, copy_previous=False)
    with pytest.raises(ValidationError):
        report_start(agreement=signed_agreement, year=2024, copy_previous=False)


def test_last_years_texts_and_statuses_carry_over_but_not_the_numbers(report, signed_agreement):
    last = outcome("polisens krogtillsyner")
    last.status, last.achieved = "ongoing", 4
    last.save()
    comment = last.party_comments.get()
    comment.text = "Fyra tillsyner gjorda."
    comment.save()
    new = report_start(agreement=signed_agreement, year=2025, copy_previous=True)
    carried = outcome("polisens krogtillsyner", 2025)
    assert (carried.report, carried.status, carried.achieved) == (new, "ongoing", None)
    assert carried.party_comments.get().text == "Fyra tillsyner gjorda."


def test_each_party_fills_in_its_own_commitments(client, report, editor, reviewer):
    url = edit_url(report)
    client.force_login(reviewer)
    police_forms = {about for heading, about, form in client.get(url).context["entries"] if heading == "Åtagande"}
    assert police_forms == {"polisens krogtillsyner", "gemensam vandring"}
    client.force_login(editor)
    municipal_forms = {about for heading, about, form in client.get(url).context["entries"] if heading == "Åtagande"}
    assert municipal_forms == {"kommunens tillsynsbesök", "gemensam vandring"}


def test_the_police_cannot_write_the_municipalitys_outcome(client, report, reviewer):
    client.force_login(reviewer)
    url = edit_url(report)
    data = page_data(client, url)
    municipal = outcome("kommunens tillsynsbesök")
    data |= {f"c{municipal.pk}-status": "done", f"c{municipal.pk}-achieved": "99"}
    police = outcome("polisens krogtillsyner")
    data |= {
        f"c{police.pk}-status": "done",
        f"c{police.pk}-achieved": "6",
        f"c{police.pk}-comment_{police.commitment.parties.get().pk}": "Sex tillsyner.",
    }
    assert client.post(url, data).status_code == 302
    municipal.refresh_from_db()
    police.refresh_from_db()
    assert (municipal.status, municipal.achieved) == ("not_started", None)
    assert (police.status, police.achieved) == ("done", 6)
    assert police.party_comments.get().text == "Sex tillsyner."


def test_a_joint_commitment_has_a_comment_from_each_party(client, report, editor, reviewer, world):
    joint = outcome("gemensam vandring")
    url = edit_url(report)
    for user, party, text in (
        (editor, world.municipality, "Kommunen bjöd in."),
        (reviewer, world.police, "Polisen deltog."),
    ):
        client.force_login(user)
        data = page_data(client, url) | {f"c{joint.pk}-comment_{party.pk}": text}
        assert client.post(url, data).status_code == 302
    assert {c.party: c.text for c in joint.party_comments.all()} == {
        world.municipality: "Kommunen bjöd in.",
        world.police: "Polisen deltog.",
    }


def test_readers_and_outsiders_cannot_fill_in(client, report, reader, outsider):
    client.force_login(reader)
    assert client.get(edit_url(report)).status_code == 403
    assert client.get(report.get_absolute_url()).status_code == 200
    client.force_login(outsider)
    assert client.get(edit_url(report)).status_code == 404
    assert client.get(report.get_absolute_url()).status_code == 404


def test_a_stale_save_is_refused_and_the_input_kept(client, report, reviewer):
    client.force_login(reviewer)
    url = edit_url(report)
    police = outcome("polisens krogtillsyner")
    stale = page_data(client, url) | {f"c{police.pk}-achieved": "3"}
    client.post(url, page_data(client, url) | {f"c{police.pk}-achieved": "6"})
    response = client.post(url, stale)
    assert response.status_code == 200 and response.context["problem"]
    police.refresh_from_db()
    assert police.achieved == 6
    assert 'value="3"' in response.content.decode()


def test_bad_numbers_get_a_swedish_message_and_nothing_is_saved(client, report, reviewer):
    client.force_login(reviewer)
    url = edit_url(report)
    police = outcome("polisens krogtillsyner")
    value = IndicatorValue.objects.get(report=report)
    data = page_data(client, url) | {f"c{police.pk}-achieved": "-4", f"i{value.pk}-value": "12"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Kontrollera att detta värde är större än eller lika med 0." in response.content.decode()
    value.refresh_from_db()
    assert value.value is None


def test_evidence_must_be_a_real_pdf_or_image(client, report, reviewer, outsider):
    client.force_login(reviewer)
    url = edit_url(report)
    police = outcome("polisens krogtillsyner")
    fake = SimpleUploadedFile("rapport.pdf", b"<script>alert(1)</script>", content_type="application/pdf")
    response = client.post(url, page_data(client, url) | {f"c{police.pk}-evidence_file": fake})
    assert response.status_code == 200 and "evidence_file" in response.context["entries"][1][2].errors
    police.refresh_from_db()
    assert not police.evidence_file
    real = SimpleUploadedFile("rapport.pdf", b"%PDF-1.7\n%test\n", content_type="application/pdf")
    assert client.post(url, page_data(client, url) | {f"c{police.pk}-evidence_file": real}).status_code == 302
    police.refresh_from_db()
    assert client.get(reverse("followup:evidence", args=[police.pk])).status_code == 200
    client.force_login(outsider)
    assert client.get(reverse("followup:evidence", args=[police.pk])).status_code == 404


def transition(client, report, action, **data):
    """Take the step as from a report page loaded just now."""
    data.setdefault("loaded_fingerprint", report_fingerprint(report))
    return client.post(reverse("followup:transition", args=[report.agreement_id, report.year, action]), data)


def test_submitted_confirmed_approved_and_then_frozen(
    client, report, editor, reviewer, reader, mailoutbox, django_capture_on_commit_callbacks
):
    for user in (editor, reviewer, reader):
        user.email = f"{user.username}@example.se"
        user.save()
    with django_capture_on_commit_callbacks(execute=True):
        client.force_login(reviewer)
        transition(client, report, "submit")  # only the municipality submits
        assert FollowUpReport.objects.get(pk=report.pk).stage == "draft"
        client.force_login(editor)
        transition(client, report, "submit")
        client.force_login(editor)
        transition(client, report, "confirm")  # only the police confirm
        assert FollowUpReport.objects.get(pk=report.pk).stage == "submitted"
        client.force_login(reviewer)
        transition(client, report, "confirm")
        client.force_login(reader)
        response = transition(client, report, "approve", approved_on="2025-03-18", case_number="")
        assert response.status_code == 200 and FollowUpReport.objects.get(pk=report.pk).stage == "confirmed"
        transition(client, report, "approve", approved_on="2025-03-18", case_number="KS 2025/112")
    report.refresh_from_db()
    assert (report.stage, report.approved_on, report.case_number) == ("approved", date(2025, 3, 18), "KS 2025/112")
    assert [m.to for m in mailoutbox] == [
        ["reviewer@example.se"],
        ["editor@example.se", "reader@example.se"],
        ["editor@example.se", "reviewer@example.se"],
    ] or len(mailoutbox) == 3
    archived = report.archived
    pdf = client.get(reverse("followup:pdf", args=[report.agreement_id, report.year])).content
    assert hashlib.sha256(pdf).hexdigest() == archived.sha256
    client.force_login(editor)
    assert client.get(edit_url(report)).status_code == 403
    with pytest.raises(ValidationError):
        outcome("polisens krogtillsyner").save()


def test_the_report_page_shows_targets_trends_and_statuses(client, report, reader):
    police = outcome("polisens krogtillsyner")
    CommitmentOutcome.objects.filter(pk=police.pk).update(status="partly_done", achieved=3)
    IndicatorValue.objects.filter(report=report).update(value=100)
    client.force_login(reader)
    page = client.get(report.get_absolute_url()).content.decode()
    for text in ("Delvis genomförd", "Delvis uppfyllt", "Anmälda narkotikabrott", "<svg", "Rör sig åt rätt håll"):
        assert text in page, text


def test_the_report_page_does_not_grow_with_the_number_of_focus_areas(client, world, reader):
    def followed(n: int) -> FollowUpReport:
        agreement = AgreementFactory(parties=[world.municipality, world.police])
        for _ in range(n):
            focus_area = FocusAreaFactory(agreement=agreement)
            ActivityRowFactory(focus_area=focus_area)
            CommitmentFactory(focus_area=focus_area, parties=[world.police], target_value=2, target_scope="per_year")
            IndicatorFactory(goal__focus_area=focus_area)
        Agreement.objects.filter(pk=agreement.pk).update(status="signed")
        agreement.refresh_from_db()
        report_start(agreement=agreement, year=2023, copy_previous=False)
        return report_start(agreement=agreement, year=2024, copy_previous=True)

    small, large = followed(2), followed(20)
    client.force_login(reader)

    def count(report) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(report.get_absolute_url()).status_code == 200
        return len(queries)

    assert count(small) == count(large)


def test_saving_a_part_writes_only_the_lines_the_user_changed(report):
    """Through the service, as the page saves: a line left as loaded is not written, so a party saving its own lines
    at the same moment is not overwritten; once the report is confirmed nothing is written."""
    changed = ActivityOutcomeForm(
        {"a-status": "done", "a-comment": "", "a-loaded_version": report.activity_outcomes.get().version},
        instance=report.activity_outcomes.get(),
        prefix="a",
    )
    unchanged = IndicatorValueForm(
        {"i-value": "", "i-source": "", "i-comment": "", "i-loaded_version": "1"},
        instance=report.indicator_values.get(),
        prefix="i",
    )
    assert changed.is_valid() and unchanged.is_valid()
    IndicatorValue.objects.filter(pk=unchanged.instance.pk).update(value=7, version=1)  # another party, meanwhile
    report_part_save(report=report, forms=[changed, unchanged])
    assert report.activity_outcomes.get().status == "done"
    assert report.indicator_values.get().value == 7

    FollowUpReport.objects.filter(pk=report.pk).update(stage=FollowUpReport.Stage.CONFIRMED)
    again = ActivityOutcomeForm(
        {"a-status": "dropped", "a-comment": "", "a-loaded_version": report.activity_outcomes.get().version},
        instance=report.activity_outcomes.get(),
        prefix="a",
    )
    assert again.is_valid()
    with pytest.raises(ValidationError):
        report_part_save(report=report, forms=[again])
    assert report.activity_outcomes.get().status == "done"

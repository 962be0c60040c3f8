"""Follow-up with more than two parties: a partner without users of its own is reported for by the municipality's
editors and marked as such, and a joint commitment keeps each party's status, its own derived from theirs."""

import pytest
from django.urls import reverse

from agreements.models import Agreement, Party
from agreements.tests.factories import OrganisationFactory
from focusareas.tests.factories import CommitmentFactory, FocusAreaFactory
from followup.models import CommitmentOutcome, PartyComment, Status, combined_status
from followup.services import report_start

pytestmark = pytest.mark.django_db

HOUSING = "bostadsbolagets fastighetsvandringar"
JOINT = "gemensam trygghetsvandring"


@pytest.fixture
def report(world):
    agreement = world.agreement
    housing = OrganisationFactory(name="Hamnstadshem AB", kind="other")
    Party.objects.create(agreement=agreement, organisation=housing, order=5)
    focus_area = FocusAreaFactory(agreement=agreement, title="Trygghet i bostadsområden")
    CommitmentFactory(focus_area=focus_area, parties=[housing], text=HOUSING)
    CommitmentFactory(focus_area=focus_area, parties=[world.municipality, world.police], text=JOINT)
    Agreement.objects.filter(pk=agreement.pk).update(status=Agreement.Status.SIGNED)
    return report_start(agreement=Agreement.objects.get(pk=agreement.pk), year=2024, copy_previous=False)


def edit_url(report) -> str:
    return reverse("followup:edit", args=[report.agreement_id, report.year, str(report.agreement.focus_areas.get().pk)])


def page_data(client, url) -> dict:
    data = {}
    for _heading, _about, form in client.get(url).context["entries"]:
        for name in form.fields:
            value = form[name].value()
            if name != "evidence_file" and value is not None:
                data[form.add_prefix(name)] = value
    return data


def outcome(text: str) -> CommitmentOutcome:
    return CommitmentOutcome.objects.get(commitment__text=text)


@pytest.mark.parametrize(
    ("statuses", "combined"),
    [
        (["done", "done"], "done"),
        (["done", ""], "done"),
        (["done", "ongoing"], "partly_done"),
        (["not_done", "ongoing"], "not_done"),
        (["", ""], "not_started"),
    ],
)
def test_a_joint_status_is_derived_from_the_parties(statuses, combined):
    assert combined_status(statuses) == combined


def test_the_municipality_reports_for_a_partner_without_users_and_it_is_marked(
    client, report, editor, reviewer, reader
):
    housing = outcome(HOUSING)
    party = housing.commitment.parties.get()
    url = edit_url(report)
    client.force_login(reviewer)  # the police do not report for others
    assert HOUSING not in {about for _h, about, _f in client.get(url).context["entries"]}
    client.force_login(editor)
    assert HOUSING in {about for _h, about, _f in client.get(url).context["entries"]}
    data = page_data(client, url) | {
        f"c{housing.pk}-status": "done",
        f"c{housing.pk}-comment_{party.pk}": "Tre fastighetsvandringar i Norra hamnen.",
    }
    assert client.post(url, data).status_code == 302
    comment = PartyComment.objects.get(outcome=housing)
    assert (comment.text, comment.reported_by.name) == ("Tre fastighetsvandringar i Norra hamnen.", "Hamnstads kommun")
    client.force_login(reader)
    page = client.get(report.get_absolute_url()).content.decode()
    assert "Hamnstadshem AB (rapporterat av Hamnstads kommun):" in page
    export = client.get(reverse("followup:export", args=[report.agreement_id, report.year, "csv"]))
    assert "Tre fastighetsvandringar i Norra hamnen. (rapporterat av Hamnstads kommun)" in export.content.decode(
        "utf-8-sig"
    )


def test_each_party_reports_its_own_status_of_a_joint_commitment(client, report, editor, reviewer, world):
    joint = outcome(JOINT)
    url = edit_url(report)
    client.force_login(editor)
    page = client.get(url).content.decode()
    assert f'name="c{joint.pk}-status"' not in page and f'name="c{joint.pk}-status_{world.municipality.pk}"' in page
    assert f'name="c{joint.pk}-status_{world.police.pk}"' not in page
    data = page_data(client, url) | {f"c{joint.pk}-status_{world.municipality.pk}": Status.DONE}
    assert client.post(url, data).status_code == 302
    joint.refresh_from_db()
    assert joint.status == Status.DONE

    client.force_login(reviewer)
    data = page_data(client, url) | {f"c{joint.pk}-status_{world.police.pk}": Status.ONGOING}
    assert client.post(url, data).status_code == 302
    joint.refresh_from_db()
    statuses = dict(joint.party_comments.values_list("party__name", "status"))
    assert statuses == {"Hamnstads kommun": Status.DONE, "Lokalpolisområde Hamnstad": Status.ONGOING}
    assert joint.status == Status.PARTLY_DONE
    page = client.get(report.get_absolute_url()).content.decode()
    assert "Delvis genomfört" in page or "Delvis" in page

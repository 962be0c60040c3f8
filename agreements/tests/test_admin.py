"""The administration refuses to change or delete a signed agreement and its sections, with the reason on the form,
and still changes drafts."""

import pytest
from django.urls import reverse

from agreements.models import FROZEN_MESSAGE, Agreement, Organisation, Section, Signatory
from agreements.tests.factories import SectionFactory

pytestmark = pytest.mark.django_db


def admin_agreement_data(agreement: Agreement, **changes) -> dict:
    """What the administration's form of the agreement posts, its inline rows left as they are."""
    data = {
        "title": agreement.title,
        "kind": agreement.kind,
        "status": agreement.status,
        "start_date": agreement.start_date.isoformat(),
        "end_date": agreement.end_date.isoformat() if agreement.end_date else "",
        "copies": agreement.copies,
        "follow_up_frequency": agreement.follow_up_frequency,
        "followed_up_by": agreement.followed_up_by,
        **changes,
    }
    for prefix in ("party_links", "signatories", "forums"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data


def test_the_administration_refuses_to_change_a_signed_agreement_or_its_sections_with_the_reason(admin_client, world):
    section = SectionFactory(agreement=world.agreement, heading="Bakgrund")
    Agreement.objects.filter(pk=world.agreement.pk).update(status=Agreement.Status.SIGNED)
    agreement = Agreement.objects.get(pk=world.agreement.pk)
    section_data = {"agreement": agreement.pk, "part": section.part, "order": 0, "heading": "Ändrad", "body": ""}
    posts = {
        reverse("admin:agreements_agreement_change", args=[agreement.pk]): admin_agreement_data(agreement, title="Ny"),
        reverse("admin:agreements_section_change", args=[section.pk]): section_data,
        reverse("admin:agreements_section_add"): section_data | {"heading": "Nytt"},
    }
    for url, data in posts.items():
        response = admin_client.post(url, data)

        assert response.status_code == 200, url
        assert [str(error) for error in response.context["adminform"].form.non_field_errors()] == [str(FROZEN_MESSAGE)]
    assert Agreement.objects.get(pk=agreement.pk).title == agreement.title
    assert list(Section.objects.filter(agreement=agreement).values_list("heading", flat=True)) == ["Bakgrund"]


def test_the_administration_still_changes_a_draft_and_its_sections(admin_client, world):
    section = SectionFactory(agreement=world.agreement, heading="Bakgrund")
    agreement = world.agreement
    section_url = reverse("admin:agreements_section_change", args=[section.pk])
    section_data = {"agreement": agreement.pk, "part": section.part, "order": 0, "heading": "Ändrad", "body": ""}
    agreement_url = reverse("admin:agreements_agreement_change", args=[agreement.pk])

    assert admin_client.post(section_url, section_data).status_code == 302
    assert admin_client.post(agreement_url, admin_agreement_data(agreement, title="Ny")).status_code == 302
    assert (Section.objects.get(pk=section.pk).heading, Agreement.objects.get(pk=agreement.pk).title) == (
        "Ändrad",
        "Ny",
    )


def test_an_administrators_edit_moves_the_version_on_and_shows_on_the_agreement_page_at_once(
    client, admin_client, world, editor
):
    section = SectionFactory(agreement=world.agreement, heading="Bakgrund")
    client.force_login(editor)
    assert "Bakgrund" in client.get(world.agreement.get_absolute_url()).content.decode()
    section_data = {"agreement": world.agreement.pk, "part": section.part, "order": 0, "heading": "Uppdraget"}
    url = reverse("admin:agreements_section_change", args=[section.pk])

    assert admin_client.post(url, section_data | {"body": ""}).status_code == 302

    # An editor's form loaded before the change now finds it stale instead of overwriting it.
    assert Section.objects.get(pk=section.pk).version == section.version + 1
    page = client.get(world.agreement.get_absolute_url()).content.decode()
    assert "Uppdraget" in page and "Bakgrund" not in page


def test_the_administration_deletes_nothing_of_a_signed_agreement(admin_client, world):
    sections = [SectionFactory(agreement=world.agreement) for _ in range(2)]
    Agreement.objects.filter(pk=world.agreement.pk).update(status=Agreement.Status.SIGNED)

    one = admin_client.post(reverse("admin:agreements_section_delete", args=[sections[0].pk]), {"post": "yes"})
    selected = admin_client.post(
        reverse("admin:agreements_section_changelist"),
        {"action": "delete_selected", "_selected_action": [s.pk for s in sections], "post": "yes"},
    )
    whole = admin_client.post(reverse("admin:agreements_agreement_delete", args=[world.agreement.pk]), {"post": "yes"})

    assert (one.status_code, selected.status_code, whole.status_code) == (403, 403, 403)
    assert Section.objects.filter(agreement=world.agreement).count() == 2
    assert Agreement.objects.filter(pk=world.agreement.pk).exists()


def test_a_signatory_is_chosen_among_the_agreements_parties_only(admin_client, world):
    agreement = world.agreement
    url = reverse("admin:agreements_agreement_change", args=[agreement.pk])

    formset = next(f for f in admin_client.get(url).context["inline_admin_formsets"] if f.opts.model is Signatory)
    offered = set(formset.formset.empty_form.fields["party"].queryset)
    signatory = {
        "signatories-TOTAL_FORMS": "1",
        "signatories-0-party": world.other_municipality.pk,
        "signatories-0-name": "Anna Andersson",
        "signatories-0-title": "Kommunstyrelsens ordförande",
        "signatories-0-order": "0",
    }
    refused = admin_client.post(url, admin_agreement_data(agreement) | signatory)

    assert offered == set(Organisation.objects.filter(agreement_parties__agreement=agreement))
    assert world.other_municipality not in offered
    assert refused.status_code == 200 and not agreement.signatories.exists()
    accepted = admin_client.post(
        url, admin_agreement_data(agreement) | signatory | {"signatories-0-party": world.police.pk}
    )
    assert accepted.status_code == 302 and agreement.signatories.get().party == world.police

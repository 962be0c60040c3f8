"""The demo data that `make run` loads: what it contains, that it can be loaded again, and its logins."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from agreements.management.commands.seed_demo import DEMO_PASSWORD, DEMO_URL
from agreements.models import Agreement, Membership, Organisation, Section, number_sections

pytestmark = pytest.mark.django_db

USERNAMES = ("sakerhet", "kommunpolis", "kommunstyrelsen", "svedala", "solvesborg", "admin")
TRELLEBORG_2023 = "Samverkansöverenskommelse 2023–2026"
SVEDALA_2024 = "Samverkansöverenskommelse 2024–2027"
TRELLEBORG_2019 = "Samverkansöverenskommelse 2019–2022"
SOLVESBORG = "Samverkansöverenskommelse för ett tryggare Sölvesborg"
# The subset of the rich-text tags the brief allows for demo prose.
DEMO_TAGS = {"p", "ul", "ol", "li", "strong", "em", "h3", "h4", "a"}


@pytest.fixture(autouse=True)
def demo_settings(settings):
    # pytest-django turns DEBUG off, and the command refuses to run without it.
    settings.DEBUG = True
    # Hashing the demo password with the production hasher would make each seed take seconds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    """Rows per model, history tables included, so a needless re-save shows up too."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def agreement(title: str, first_party: str) -> Agreement:
    return Agreement.objects.get(title=title, party_links__organisation__name=first_party)


def party_names(agreement: Agreement) -> list[str]:
    return [party.organisation.name for party in agreement.party_links.select_related("organisation")]


def test_creates_the_organisations_with_their_kinds():
    seed()

    kinds = dict(Organisation.objects.values_list("name", "kind"))
    assert kinds == {
        "Trelleborgs kommun": Organisation.Kind.MUNICIPALITY,
        "Svedala kommun": Organisation.Kind.MUNICIPALITY,
        "Lokalpolisområde Trelleborg": Organisation.Kind.POLICE_AREA,
        "Sölvesborgs kommun": Organisation.Kind.MUNICIPALITY,
        "Lokalpolisområde Karlshamn": Organisation.Kind.POLICE_AREA,
        "Sölvesborgshem AB": Organisation.Kind.OTHER,
    }


def test_creates_one_user_per_role_in_the_right_organisation():
    seed()

    memberships = {
        (m.user.username, m.organisation.name, m.role)
        for m in Membership.objects.select_related("user", "organisation")
    }
    assert memberships == {
        ("sakerhet", "Trelleborgs kommun", Membership.Role.EDITOR),
        ("kommunpolis", "Lokalpolisområde Trelleborg", Membership.Role.REVIEWER),
        ("kommunstyrelsen", "Trelleborgs kommun", Membership.Role.READER),
        ("svedala", "Svedala kommun", Membership.Role.EDITOR),
        ("solvesborg", "Sölvesborgs kommun", Membership.Role.EDITOR),
    }
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    assert not admin.memberships.exists()
    others = get_user_model().objects.exclude(username="admin")
    assert not others.filter(is_staff=True).exists()
    assert all(user.first_name and user.last_name and user.email for user in others)


def test_creates_the_four_agreements_with_their_parties_in_order():
    seed()

    assert Agreement.objects.count() == 4
    trelleborg = agreement(TRELLEBORG_2023, "Trelleborgs kommun")
    assert party_names(trelleborg) == ["Trelleborgs kommun", "Lokalpolisområde Trelleborg"]
    assert trelleborg.status == Agreement.Status.DRAFT
    assert trelleborg.period_label == "2023–2026"
    assert len(trelleborg.overall_goal_list) >= 5
    assert trelleborg.signatories.count() == 2
    assert trelleborg.forums.count() == 2

    svedala = agreement(SVEDALA_2024, "Svedala kommun")
    assert party_names(svedala) == ["Svedala kommun", "Lokalpolisområde Trelleborg"]
    assert svedala.status == Agreement.Status.REVIEW

    ended = agreement(TRELLEBORG_2019, "Trelleborgs kommun")
    assert ended.status == Agreement.Status.ENDED

    solvesborg = agreement(SOLVESBORG, "Sölvesborgs kommun")
    assert party_names(solvesborg) == ["Sölvesborgs kommun", "Lokalpolisområde Karlshamn", "Sölvesborgshem AB"]
    assert solvesborg.status == Agreement.Status.SIGNED
    assert solvesborg.end_date is None
    assert solvesborg.revision_interval_years == 3
    assert [s.party.name for s in solvesborg.signatories.all()] == party_names(solvesborg)


def test_trelleborg_appendix_is_numbered_like_the_reference():
    seed()
    trelleborg = agreement(TRELLEBORG_2023, "Trelleborgs kommun")

    numbered = number_sections(list(trelleborg.sections.filter(part=Section.Part.APPENDIX)))

    by_number = {entry.number: entry.section for entry in numbered}
    assert by_number["1."].heading == "Bakgrund och uppdrag"
    assert by_number["1.3."].heading == "Effektiv samordning för trygghet – EST"
    assert by_number["2.2."].heading == "Polisens trygghetsmätning"
    assert by_number["4."].heading == "Uppföljning och utvärdering"
    assert "<h4>Anderslöv</h4>" in by_number["2.2."].body
    assert max(entry.depth for entry in numbered) == 2


def test_demo_texts_use_only_simple_formatting():
    seed()

    used = {tag for body in Section.objects.values_list("body", flat=True) for tag in re.findall(r"<(\w+)", body)}
    assert used <= DEMO_TAGS


def test_running_twice_changes_nothing():
    seed()
    counts = row_counts()
    passwords = dict(get_user_model().objects.values_list("username", "password"))
    versions = dict(Agreement.objects.values_list("pk", "version"))

    seed()

    assert row_counts() == counts
    assert dict(get_user_model().objects.values_list("username", "password")) == passwords
    assert dict(Agreement.objects.values_list("pk", "version")) == versions


def test_running_again_restores_a_changed_demo_login():
    seed()
    user = get_user_model().objects.get(username="kommunpolis")
    user.set_password("något-annat")
    user.save()
    Membership.objects.filter(user=user).update(role=Membership.Role.READER)

    seed()

    assert authenticate(username="kommunpolis", password=DEMO_PASSWORD) is not None
    assert Membership.objects.get(user=user).role == Membership.Role.REVIEWER


def test_running_again_keeps_changes_made_to_an_agreement():
    seed()
    trelleborg = agreement(TRELLEBORG_2023, "Trelleborgs kommun")
    Agreement.objects.filter(pk=trelleborg.pk).update(purpose="Ändrat i webbläsaren.")

    seed()

    trelleborg.refresh_from_db()
    assert trelleborg.purpose == "Ändrat i webbläsaren."


def test_every_demo_user_can_log_in_with_the_printed_password():
    output = seed()

    assert DEMO_PASSWORD in output
    for username in USERNAMES:
        assert authenticate(username=username, password=DEMO_PASSWORD) is not None, username


def test_police_user_sees_both_municipalities_of_the_police_area_but_not_solvesborg():
    seed()
    police = get_user_model().objects.get(username="kommunpolis")

    visible = set(Agreement.objects.visible_to(police).values_list("title", flat=True))

    assert visible == {TRELLEBORG_2023, TRELLEBORG_2019, SVEDALA_2024}


def test_municipal_editor_sees_only_their_own_municipality():
    seed()
    svedala = get_user_model().objects.get(username="svedala")
    solvesborg = get_user_model().objects.get(username="solvesborg")

    assert list(Agreement.objects.visible_to(svedala).values_list("title", flat=True)) == [SVEDALA_2024]
    assert list(Agreement.objects.visible_to(solvesborg).values_list("title", flat=True)) == [SOLVESBORG]


def test_output_lists_every_login_and_the_address():
    output = seed()

    for username in USERNAMES:
        assert re.search(rf"^\s*{username}\s", output, re.MULTILINE), username
    for role in ("redaktör", "granskare", "läsare", "systemförvaltare"):
        assert role in output
    assert DEMO_URL in output


def test_refuses_to_run_without_debug_unless_forced(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=StringIO())
    assert not Agreement.objects.exists()

    call_command("seed_demo", "--force", stdout=StringIO())
    assert Agreement.objects.count() == 4

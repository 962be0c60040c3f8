"""The demo data that `make run` loads: what it contains, that it can be loaded again, and its logins.

The demo is loaded once for the whole module (it renders three PDFs); each test runs in a transaction that is
rolled back, so a test that changes the demo or loads it again leaves the next one the demo as first loaded.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.db.models import Avg
from django.test import RequestFactory
from django.test.utils import override_settings

from agreements.models import Agreement, Membership, Organisation, Section, number_sections
from demo.loader import DEMO_PASSWORD, DEMO_URL
from documents.document import build_document
from documents.models import Approval, PartySignature
from focusareas.models import ActionPlan, ActivityRow, Commitment, FocusArea, Goal, Indicator, ReviewEntry
from followup.models import (
    ActivityOutcome,
    ArchivedReport,
    CommitmentOutcome,
    FocusAreaSummary,
    FollowUpReport,
    IndicatorValue,
    PartyComment,
    Status,
)
from followup.report import build_annual_report
from followup.verdicts import TargetVerdict, Trend
from situation.models import CrimeCount, Factor, Place, Rating, Reporter, SafetySurvey, Week, YearlyPicture

pytestmark = pytest.mark.django_db

USERNAMES = (
    "sakerhet",
    "kommunpolis",
    "kommunstyrelsen",
    "svedala",
    "solvesborg",
    "polis-karlshamn",
    "sjobacka",
    "polis-sjobacka",
    "sjobacka-ks",
    "admin",
)
TRELLEBORG_2023 = "Samverkansöverenskommelse 2023–2026"
SVEDALA_2024 = "Samverkansöverenskommelse 2024–2027"
TRELLEBORG_2019 = "Samverkansöverenskommelse 2019–2022"
SOLVESBORG = "Samverkansöverenskommelse för ett tryggare Sölvesborg"
SJOBACKA = "Samverkansöverenskommelse mellan Sjöbacka kommun och Lokalpolisområde Sjöbacka 2025–2028"
CITIZEN_PROMISE = "Medborgarlöfte för Svedala 2025"
# The subset of the rich-text tags the brief allows for demo prose.
DEMO_TAGS = {"p", "ul", "ol", "li", "strong", "em", "h3", "h4", "a"}
FOCUS_AREA_MODELS = (FocusArea, ActivityRow, Goal, Indicator, ActionPlan, Commitment, ReviewEntry)
FOLLOW_UP_MODELS = (
    FollowUpReport,
    CommitmentOutcome,
    PartyComment,
    ActivityOutcome,
    IndicatorValue,
    FocusAreaSummary,
    ArchivedReport,
)
BROTTSSTATISTIK = ["Misshandel", "Olaga hot och ofredande", "Övrig stöld", "Bedrägerier", "Skadegörelse"]


# pytest-django turns DEBUG off, and the command refuses to run without it. Hashing the demo password with the
# production hasher would make each seed take seconds.
DEMO_SETTINGS = {"DEBUG": True, "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"]}


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo_media(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("demo-media")


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, demo_media) -> str:
    """The demo, loaded and committed once for the module; returns what the command printed.

    Afterwards the database is emptied as a transactional test would leave it, so later modules start clean.
    """
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=demo_media, **DEMO_SETTINGS):
        output = seed()
    yield output
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(autouse=True)
def demo_settings(settings, seeded, demo_media):
    for name, value in DEMO_SETTINGS.items():
        setattr(settings, name, value)
    # The archived PDFs of the module's demo are in its own folder, not in the one each test would get.
    settings.MEDIA_ROOT = demo_media


def row_counts() -> dict[str, int]:
    """Rows per model, history tables included, so a needless re-save shows up too."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def agreement(title: str, first_party: str) -> Agreement:
    return Agreement.objects.get(title=title, party_links__organisation__name=first_party)


def party_names(agreement: Agreement) -> list[str]:
    return [party.organisation.name for party in agreement.party_links.select_related("organisation")]


def test_creates_the_organisations_with_their_kinds():
    kinds = dict(Organisation.objects.values_list("name", "kind"))
    assert kinds == {
        "Trelleborgs kommun": Organisation.Kind.MUNICIPALITY,
        "Svedala kommun": Organisation.Kind.MUNICIPALITY,
        "Lokalpolisområde Trelleborg": Organisation.Kind.POLICE_AREA,
        "Sölvesborgs kommun": Organisation.Kind.MUNICIPALITY,
        "Lokalpolisområde Karlshamn": Organisation.Kind.POLICE_AREA,
        "Sölvesborgshem AB": Organisation.Kind.OTHER,
        "Sjöbacka kommun": Organisation.Kind.MUNICIPALITY,
        "Lokalpolisområde Sjöbacka": Organisation.Kind.POLICE_AREA,
    }


def test_creates_one_user_per_role_in_the_right_organisation():
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
        ("polis-karlshamn", "Lokalpolisområde Karlshamn", Membership.Role.REVIEWER),
        ("sjobacka", "Sjöbacka kommun", Membership.Role.EDITOR),
        ("polis-sjobacka", "Lokalpolisområde Sjöbacka", Membership.Role.REVIEWER),
        ("sjobacka-ks", "Sjöbacka kommun", Membership.Role.READER),
    }
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    assert not admin.memberships.exists()
    others = get_user_model().objects.exclude(username="admin")
    assert not others.filter(is_staff=True).exists()
    assert all(user.first_name and user.last_name and user.email for user in others)


def test_creates_the_agreements_with_their_parties_in_order():
    assert Agreement.objects.filter(kind=Agreement.Kind.AGREEMENT).count() == 5
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
    texts = [*Section.objects.values_list("body", flat=True), *FocusArea.objects.values_list("description", flat=True)]
    used = {tag for text in texts for tag in re.findall(r"<(\w+)", text)}
    assert used <= DEMO_TAGS


def test_trelleborg_focus_areas_follow_the_reference_tables():
    trelleborg = agreement(TRELLEBORG_2023, "Trelleborgs kommun")

    focus_areas = list(trelleborg.focus_areas.prefetch_related("rows"))

    assert [(fa.group_heading, fa.title) for fa in focus_areas] == [
        *(("Brottsstatistik", title) for title in BROTTSSTATISTIK),
        ("", "Narkotika"),
        ("", "Trafik"),
        ("", "Ordningsstörningar"),
        ("", "Kriminella nätverk"),
        ("", "Hamnen"),
    ]
    assert [fa.title for fa in focus_areas if fa.prioritised] == ["Narkotika"]
    assert {fa.placement.heading for fa in focus_areas} == {"Fokusområden 2023–2026"}
    assert all(fa.placement.part == Section.Part.APPENDIX for fa in focus_areas)
    assert [fa.order for fa in focus_areas] == list(range(len(focus_areas)))
    for fa in focus_areas:
        rows = list(fa.rows.all())
        assert 1 <= len(rows) <= (2 if fa.group_heading else 4), fa.title
        assert [row.order for row in rows] == list(range(len(rows))), fa.title
        assert all(row.activity and row.measure and row.follow_up and row.goal_effect for row in rows), fa.title
    assert ActivityRow.objects.filter(focus_area__agreement=trelleborg, measure__contains="\n").exists()
    misshandel_row = ActivityRow.objects.get(focus_area__title="Misshandel", focus_area__agreement=trelleborg, order=0)
    assert [goal.text for goal in misshandel_row.goals.all()] == ["Antalet anmälda misshandelsbrott ska minska"]
    assert not trelleborg.action_plans.exists()


def test_trelleborg_commitments_await_review_and_name_who_does_what():
    trelleborg = agreement(TRELLEBORG_2023, "Trelleborgs kommun")

    commitments = list(trelleborg.commitments.prefetch_related("parties"))

    assert 3 <= len(commitments) <= 5
    assert {c.review_status for c in commitments} == {Commitment.ReviewStatus.OPEN}
    assert not ReviewEntry.objects.filter(commitment__agreement=trelleborg).exists()
    assert all(c.focus_area_id and c.action_plan_id is None and c.responsible_role for c in commitments)
    parties = {c.pk: sorted(p.name for p in c.parties.all()) for c in commitments}
    assert ["Lokalpolisområde Trelleborg", "Trelleborgs kommun"] in parties.values()  # a joint commitment
    assert ["Trelleborgs kommun"] in parties.values() and ["Lokalpolisområde Trelleborg"] in parties.values()
    targeted = [c for c in commitments if c.target_value is not None]
    assert targeted and all(c.target_unit for c in targeted)
    assert {c.target_scope for c in targeted} <= {Commitment.TargetScope.PER_YEAR, Commitment.TargetScope.PERIOD}
    harbour = trelleborg.commitments.get(focus_area__title="Hamnen")
    assert "Tullverket" in harbour.third_parties and "Hamn" in harbour.third_parties
    assert harbour.goals.exists()


def test_trelleborg_appendix_numbers_the_crime_statistics_group_once():
    trelleborg = agreement(TRELLEBORG_2023, "Trelleborgs kommun")

    outline = build_document(trelleborg).appendix

    numbered = {item.number: item for item in outline if item.number}
    group = numbered["3.1."]
    assert (group.kind, group.heading) == ("group", "Brottsstatistik")
    start = next(index for index, item in enumerate(outline) if item is group) + 1
    members = outline[start : start + len(BROTTSSTATISTIK)]
    assert [(item.kind, item.number, item.heading) for item in members] == [
        ("focus_area", "", title) for title in BROTTSSTATISTIK
    ]
    assert (numbered["3.2."].kind, numbered["3.2."].heading) == ("focus_area", "Narkotika")
    assert numbered["3.6."].heading == "Hamnen"
    assert numbered["4."].heading == "Uppföljning och utvärdering"


def test_trelleborg_goals_have_indicators_with_the_wanted_directions():
    trelleborg = agreement(TRELLEBORG_2023, "Trelleborgs kommun")

    indicators = list(Indicator.objects.filter(goal__agreement=trelleborg).select_related("goal"))

    assert all(goal.focus_area_id for goal in trelleborg.goals.all())
    assault = next(i for i in indicators if i.goal.text == "Antalet anmälda misshandelsbrott ska minska")
    assert (assault.source, assault.unit, assault.direction) == (
        Indicator.Source.REPORTED_CRIME,
        "anmälda brott",
        Indicator.Direction.DECREASE,
    )
    assert assault.baseline_year == 2022 and assault.baseline_value > 0
    assert any(
        (i.source, i.unit, i.direction)
        == (Indicator.Source.SAFETY_SURVEY, "problemindex", Indicator.Direction.DECREASE)
        for i in indicators
    )
    drug_scenes = next(i for i in indicators if "drogscener" in i.goal.text)
    assert drug_scenes.direction == Indicator.Direction.ZERO
    sewage = next(i for i in indicators if "avloppsanalys" in i.goal.text)
    assert sewage.goal.kind == Goal.Kind.RESULT
    assert (sewage.source, sewage.direction, sewage.target_value) == (
        Indicator.Source.OWN_COUNT,
        Indicator.Direction.AT_LEAST,
        1,
    )
    assert sewage.goal.activity_rows.exists() and sewage.goal.commitments.exists()


def test_the_citizen_promise_is_published_with_promises_of_each_party_and_a_joint_one():
    promise = agreement(CITIZEN_PROMISE, "Lokalpolisområde Trelleborg")
    assert (promise.kind, promise.status, promise.signing_date) == ("citizen_promise", "signed", date(2025, 2, 3))
    assert party_names(promise) == ["Lokalpolisområde Trelleborg", "Svedala kommun"]
    assert not promise.signatories.exists() and not promise.lists_focus_areas
    assert 5 <= promise.commitments.count() <= 7
    assert not promise.commitments.exclude(review_status=Commitment.ReviewStatus.ACCEPTED).exists()
    labels = [group.label for view in build_document(promise).focus_areas for group in view.commitment_groups]
    assert set(labels) == {
        "Lokalpolisområde Trelleborg lovar att",
        "Svedala kommun lovar att",
        "Lokalpolisområde Trelleborg och Svedala kommun lovar att",
    }
    assert promise.archived_pdfs.count() == 1


def test_the_citizen_promise_is_followed_up_every_quarter_by_the_police():
    promise = agreement(CITIZEN_PROMISE, "Lokalpolisområde Trelleborg")
    assert (promise.follow_up_frequency, promise.followed_up_by) == (4, "police")
    reports = list(promise.follow_ups.order_by("year", "period"))
    assert [(r.period_label, r.stage) for r in reports] == [
        ("kvartal 1 2025", FollowUpReport.Stage.APPROVED),
        ("kvartal 2 2025", FollowUpReport.Stage.DRAFT),
    ]
    assert reports[0].archived.report_id == reports[0].pk


def test_each_party_approved_and_signed_the_signed_agreements_for_itself():
    solvesborg = agreement(SOLVESBORG, "Sölvesborgs kommun")
    signatures = {
        s.party.name: (s.recorded_by.username, s.on_behalf, s.signed_on)
        for s in PartySignature.objects.filter(agreement=solvesborg).select_related("party", "recorded_by")
    }
    assert signatures == {
        "Sölvesborgs kommun": ("solvesborg", False, solvesborg.signing_date),
        "Lokalpolisområde Karlshamn": ("polis-karlshamn", False, solvesborg.signing_date),
        # The housing company has no users: the municipality's editor recorded it on its behalf.
        "Sölvesborgshem AB": ("solvesborg", True, solvesborg.signing_date),
    }
    assert Approval.objects.filter(agreement=solvesborg).count() == 3
    promise = agreement(CITIZEN_PROMISE, "Lokalpolisområde Trelleborg")
    approvers = Approval.objects.filter(agreement=promise).values_list("party__name", "recorded_by__username")
    assert set(approvers) == {("Lokalpolisområde Trelleborg", "kommunpolis"), ("Svedala kommun", "svedala")}
    assert not PartySignature.objects.filter(agreement=promise).exists()  # published, not signed


def test_svedala_is_half_way_through_the_police_review():
    svedala = agreement(SVEDALA_2024, "Svedala kommun")

    commitments = list(svedala.commitments.prefetch_related("review_entries__author"))

    assert svedala.focus_areas.count() >= 2
    assert all(fa.rows.exists() and fa.placement for fa in svedala.focus_areas.all())
    assert Counter(c.review_status for c in commitments) == {
        Commitment.ReviewStatus.ACCEPTED: 2,
        Commitment.ReviewStatus.CHANGE_REQUESTED: 1,
        Commitment.ReviewStatus.OPEN: 1,
    }
    changed = next(c for c in commitments if c.review_status == Commitment.ReviewStatus.CHANGE_REQUESTED)
    thread = list(changed.review_entries.all())
    assert [(e.author.username, e.kind) for e in thread] == [
        ("kommunpolis", ReviewEntry.Kind.CHANGE_REQUESTED),
        ("svedala", ReviewEntry.Kind.COMMENT),
    ]
    assert all(e.text for e in thread)
    waiting = next(c for c in commitments if c.review_status == Commitment.ReviewStatus.OPEN)
    assert not waiting.review_entries.exists()
    for accepted in (c for c in commitments if c.review_status == Commitment.ReviewStatus.ACCEPTED):
        assert [(e.author.username, e.kind) for e in accepted.review_entries.all()] == [
            ("kommunpolis", ReviewEntry.Kind.ACCEPTED)
        ]


def test_solvesborg_has_an_accepted_action_plan_with_commitments_per_party():
    solvesborg = agreement(SOLVESBORG, "Sölvesborgs kommun")

    plan = solvesborg.action_plans.get()
    commitments = list(solvesborg.commitments.select_related("focus_area").prefetch_related("parties"))

    assert (plan.title, plan.year) == ("Handlingsplan 2024", 2024)
    assert 3 <= solvesborg.focus_areas.count() <= 4
    assert {fa.placement.heading for fa in solvesborg.focus_areas.all()} == {"Samverkansområden"}
    assert all(c.action_plan_id == plan.pk and c.focus_area_id for c in commitments)
    assert {c.review_status for c in commitments} == {Commitment.ReviewStatus.ACCEPTED}
    assert all(c.responsible_role for c in commitments)
    committing = {party.name for c in commitments for party in c.parties.all()}
    assert committing == set(party_names(solvesborg))
    targets = {(c.target_value, c.target_unit, c.target_scope) for c in commitments if c.target_value}
    assert (5, "krogtillsyner", Commitment.TargetScope.PER_YEAR) in targets
    assert (10, "tillsynsbesök", Commitment.TargetScope.PERIOD) in targets
    assert any("Miljöförbundet" in c.third_parties for c in commitments)
    document = build_document(solvesborg)
    [plan_view] = document.action_plans
    assert [fa.title for fa, _groups in plan_view.by_focus_area] == [fa.title for fa in solvesborg.focus_areas.all()]
    assert all(len(groups) >= 2 for _fa, groups in plan_view.by_focus_area)


def test_solvesborg_goals_have_indicators_and_its_focus_areas_activities():
    solvesborg = agreement(SOLVESBORG, "Sölvesborgs kommun")

    indicators = list(Indicator.objects.filter(goal__agreement=solvesborg).select_related("goal"))

    assert all(fa.rows.exists() for fa in solvesborg.focus_areas.all())
    assert all(goal.focus_area_id for goal in solvesborg.goals.all())
    thefts = next(i for i in indicators if i.goal.text == "Antalet anmälda tillgreppsbrott ska minska")
    assert (thefts.source, thefts.direction, thefts.baseline_year) == (
        Indicator.Source.REPORTED_CRIME,
        Indicator.Direction.DECREASE,
        2023,
    )
    unsafe = next(i for i in indicators if i.goal.text == "Andelen som upplever otrygghet i centrum ska minska")
    assert unsafe.source == Indicator.Source.SAFETY_SURVEY
    at_least = [i for i in indicators if i.direction == Indicator.Direction.AT_LEAST]
    assert len(at_least) == 1 and at_least[0].target_value
    assert at_least[0].goal.commitments.exists() and at_least[0].goal.activity_rows.exists()


def test_solvesborg_is_followed_up_2024_approved_and_2025_in_draft():
    solvesborg = agreement(SOLVESBORG, "Sölvesborgs kommun")

    reports = list(solvesborg.follow_ups.order_by("year"))

    assert [(r.year, r.stage) for r in reports] == [
        (2024, FollowUpReport.Stage.APPROVED),
        (2025, FollowUpReport.Stage.DRAFT),
    ]
    approved, draft = reports
    assert (approved.approved_on, approved.case_number) == (date(2025, 3, 18), "KS 2025/112")
    assert (draft.approved_on, draft.case_number) == (None, "")
    archived = ArchivedReport.objects.get(report=approved)
    with archived.file.open("rb") as file:
        content = file.read()
    assert content.startswith(b"%PDF-")
    assert (hashlib.sha256(content).hexdigest(), len(content)) == (archived.sha256, archived.size)
    assert archived.archived_by.username == "solvesborg"
    assert not ArchivedReport.objects.filter(report=draft).exists()
    assert all(r.summary and r.conclusions for r in reports)


def test_every_line_of_both_follow_up_years_is_filled_in():
    solvesborg = agreement(SOLVESBORG, "Sölvesborgs kommun")
    commitment_count = solvesborg.commitments.count()

    for report in solvesborg.follow_ups.all():
        outcomes = list(report.commitment_outcomes.select_related("commitment").prefetch_related("party_comments"))
        assert len(outcomes) == commitment_count, report.year
        assert Status.NOT_STARTED not in {o.status for o in outcomes}, report.year
        assert all(c.text for o in outcomes for c in o.party_comments.all()), report.year
        assert all(o.party_comments.count() == o.commitment.parties.count() for o in outcomes), report.year
        assert all(o.achieved is not None for o in outcomes if o.commitment.target_value), report.year
        assert report.activity_outcomes.exists() and report.focus_area_summaries.exists()
        assert all(o.status != Status.NOT_STARTED and o.comment for o in report.activity_outcomes.all()), report.year
        assert all(s.summary and s.conclusions for s in report.focus_area_summaries.all()), report.year
    outcomes = CommitmentOutcome.objects.filter(report__agreement=solvesborg)
    statuses = {
        year: Counter(outcomes.filter(report__year=year).values_list("status", flat=True)) for year in (2024, 2025)
    }
    for counts in statuses.values():
        assert counts[Status.DONE] > sum(counts.values()) / 2  # most is done
        assert counts[Status.ONGOING] + counts[Status.PARTLY_DONE] >= 2
    assert statuses[2024][Status.NOT_DONE] == 1
    assert statuses[2025][Status.DROPPED] == 1
    links = outcomes.exclude(evidence_link="")
    assert links.count() >= 2
    assert all(re.match(r"https://[\w.]*example\.se/", o.evidence_link) for o in links)


def test_indicator_values_exist_for_both_years():
    solvesborg = agreement(SOLVESBORG, "Sölvesborgs kommun")
    indicators = Indicator.objects.filter(goal__agreement=solvesborg)

    values = IndicatorValue.objects.filter(report__agreement=solvesborg, value__isnull=False)

    assert indicators.count() >= 2
    for year in (2024, 2025):
        assert set(values.filter(report__year=year).values_list("indicator", flat=True)) == set(
            indicators.values_list("pk", flat=True)
        ), year
    assert all(v.source for v in values)


def test_the_2025_annual_report_compares_with_2024():
    draft = agreement(SOLVESBORG, "Sölvesborgs kommun").follow_ups.get(year=2025)

    annual = build_annual_report(draft)

    commitments = [line for section in annual.focus_areas for line in section.commitments]
    indicators = [line for section in annual.focus_areas for line in section.indicators]
    assert any(line.previous_status for line in commitments)
    assert any(line.previous_status and line.previous_status != line.outcome.status for line in commitments)
    assert all(len(line.series) == 2 for line in indicators)
    assert [year for year, _value in indicators[0].series] == [2024, 2025]
    # One indicator moving each way, and targets both met and missed.
    assert sorted(line.trend for line in indicators) == sorted([Trend.RIGHT_WAY, Trend.FLAT, Trend.WRONG_WAY])
    verdicts = {line.progress.verdict for line in commitments if line.progress}
    assert {TargetVerdict.MET, TargetVerdict.PARTLY_MET} <= verdicts


def test_a_signed_agreement_seeded_before_its_goals_gets_follow_ups_but_no_new_content():
    solvesborg = agreement(SOLVESBORG, "Sölvesborgs kommun")
    # A dev database from before the demo had goals, activities and follow-ups for Sölvesborg.
    Agreement.objects.filter(pk=solvesborg.pk).update(status=Agreement.Status.DRAFT)
    ArchivedReport.objects.filter(report__agreement=solvesborg).delete()
    FollowUpReport.objects.filter(agreement=solvesborg).delete()
    Goal.objects.filter(agreement=solvesborg).delete()
    ActivityRow.objects.filter(focus_area__agreement=solvesborg).delete()
    Agreement.objects.filter(pk=solvesborg.pk).update(status=Agreement.Status.SIGNED)

    output = seed()

    assert not solvesborg.goals.exists()
    assert not ActivityRow.objects.filter(focus_area__agreement=solvesborg).exists()
    assert list(solvesborg.follow_ups.values_list("year", "stage")) == [
        (2024, FollowUpReport.Stage.APPROVED),
        (2025, FollowUpReport.Stage.DRAFT),
    ]
    assert not IndicatorValue.objects.filter(report__agreement=solvesborg).exists()
    assert not CommitmentOutcome.objects.filter(report__agreement=solvesborg, status=Status.NOT_STARTED).exists()
    assert "Årsuppföljningar: 2 nya" in output


def test_a_signed_agreement_without_focus_areas_is_left_without_them():
    solvesborg = agreement(SOLVESBORG, "Sölvesborgs kommun")
    Agreement.objects.filter(pk=solvesborg.pk).update(status=Agreement.Status.DRAFT)
    ArchivedReport.objects.filter(report__agreement=solvesborg).delete()
    FollowUpReport.objects.filter(agreement=solvesborg).delete()
    for model in (FocusArea, Goal, ActionPlan):
        model.objects.filter(agreement=solvesborg).delete()
    Agreement.objects.filter(pk=solvesborg.pk).update(status=Agreement.Status.SIGNED)

    seed()

    assert not solvesborg.focus_areas.exists() and not solvesborg.commitments.exists()


def test_only_the_ended_agreement_has_no_focus_areas():
    assert not agreement(TRELLEBORG_2019, "Trelleborgs kommun").focus_areas.exists()
    assert Agreement.objects.filter(focus_areas__isnull=False).distinct().count() == 5


def test_running_twice_changes_nothing():
    counts = row_counts()
    passwords = dict(get_user_model().objects.values_list("username", "password"))
    versions = dict(Agreement.objects.values_list("pk", "version"))
    commitments = dict(Commitment.objects.values_list("pk", "version"))

    seed()

    # The check covers the newer models too.
    assert all(counts[model._meta.label] for model in (*FOCUS_AREA_MODELS, *FOLLOW_UP_MODELS))
    assert row_counts() == counts
    assert dict(get_user_model().objects.values_list("username", "password")) == passwords
    assert dict(Agreement.objects.values_list("pk", "version")) == versions
    assert dict(Commitment.objects.values_list("pk", "version")) == commitments


def test_running_again_restores_a_changed_demo_login():
    user = get_user_model().objects.get(username="kommunpolis")
    user.set_password("något-annat")
    user.save()
    Membership.objects.filter(user=user).update(role=Membership.Role.READER)

    seed()

    assert authenticate(RequestFactory().post("/"), username="kommunpolis", password=DEMO_PASSWORD) is not None
    assert Membership.objects.get(user=user).role == Membership.Role.REVIEWER


def test_running_again_keeps_changes_made_to_an_agreement():
    trelleborg = agreement(TRELLEBORG_2023, "Trelleborgs kommun")
    Agreement.objects.filter(pk=trelleborg.pk).update(purpose="Ändrat i webbläsaren.")

    seed()

    trelleborg.refresh_from_db()
    assert trelleborg.purpose == "Ändrat i webbläsaren."


def test_running_again_keeps_changes_made_to_focus_areas():
    trelleborg = agreement(TRELLEBORG_2023, "Trelleborgs kommun")
    FocusArea.objects.filter(agreement=trelleborg, title="Hamnen").update(title="Hamnen och färjetrafiken")
    trelleborg.commitments.filter(focus_area__title="Trafik").delete()
    counts = row_counts()

    seed()

    assert trelleborg.focus_areas.filter(title="Hamnen och färjetrafiken").exists()
    assert not trelleborg.commitments.filter(focus_area__title="Trafik").exists()
    assert row_counts() == counts


def test_an_agreement_seeded_before_focus_areas_existed_gets_them():
    trelleborg = agreement(TRELLEBORG_2023, "Trelleborgs kommun")
    focus_area_count = trelleborg.focus_areas.count()
    for model in (FocusArea, Goal, ActionPlan):
        model.objects.filter(agreement=trelleborg).delete()
    assert not trelleborg.commitments.exists()
    sections = list(trelleborg.sections.values_list("pk", "heading"))

    output = seed()

    assert trelleborg.focus_areas.count() == focus_area_count
    assert trelleborg.goals.exists() and trelleborg.commitments.exists()
    assert list(trelleborg.sections.values_list("pk", "heading")) == sections
    assert "tillagda i 1 av dem" in output


def test_every_demo_user_can_log_in_with_the_printed_password(seeded):
    output = seeded

    assert DEMO_PASSWORD in output
    for username in USERNAMES:
        assert authenticate(RequestFactory().post("/"), username=username, password=DEMO_PASSWORD) is not None, username


def test_police_user_sees_both_municipalities_of_the_police_area_but_not_solvesborg():
    police = get_user_model().objects.get(username="kommunpolis")

    visible = set(Agreement.objects.visible_to(police).values_list("title", flat=True))

    assert visible == {TRELLEBORG_2023, TRELLEBORG_2019, SVEDALA_2024, CITIZEN_PROMISE}


def test_karlshamn_police_user_sees_only_solvesborg():
    police = get_user_model().objects.get(username="polis-karlshamn")

    assert list(Agreement.objects.visible_to(police).values_list("title", flat=True)) == [SOLVESBORG]


def test_municipal_editor_sees_only_their_own_municipality():
    svedala = get_user_model().objects.get(username="svedala")
    solvesborg = get_user_model().objects.get(username="solvesborg")

    assert list(Agreement.objects.visible_to(svedala).values_list("title", flat=True)) == [
        CITIZEN_PROMISE,
        SVEDALA_2024,
    ]
    assert list(Agreement.objects.visible_to(solvesborg).values_list("title", flat=True)) == [SOLVESBORG]


def test_output_lists_every_login_and_the_address(seeded):
    output = seeded

    for username in USERNAMES:
        assert re.search(rf"^\s*{username}\s", output, re.MULTILINE), username
    for role in ("redaktör", "granskare", "läsare", "systemförvaltare"):
        assert role in output
    assert DEMO_URL in output


def headings(agreement: Agreement, part: str, parent: Section | None = None) -> list[str]:
    return list(agreement.sections.filter(part=part, parent=parent).order_by("order").values_list("heading", flat=True))


def test_imports_sjobackas_agreement_from_its_word_file_as_a_draft_with_its_structure():
    sjobacka = agreement(SJOBACKA, "Sjöbacka kommun")

    assert party_names(sjobacka) == ["Sjöbacka kommun", "Lokalpolisområde Sjöbacka"]
    assert sjobacka.status == Agreement.Status.DRAFT
    assert sjobacka.period_label == "2025–2028"
    assert headings(sjobacka, Section.Part.AGREEMENT) == [
        "Parter",
        "Syfte",
        "Övergripande mål",
        "Organisation",
        "Uppföljning och giltighet",
        "Underskrifter",
    ]
    organisation = sjobacka.sections.get(part=Section.Part.AGREEMENT, heading="Organisation")
    assert headings(sjobacka, Section.Part.AGREEMENT, organisation) == ["Styrgrupp", "Arbetsgrupp"]
    assert headings(sjobacka, Section.Part.APPENDIX) == [
        "Bakgrund",
        "Lägesbild",
        "Fokusområden",
        "Så följs aktiviteterna upp",
    ]
    situation = sjobacka.sections.get(part=Section.Part.APPENDIX, heading="Lägesbild")
    assert situation.body.count("<li>") == 3 and "<ul>" in situation.body
    steps = sjobacka.sections.get(part=Section.Part.APPENDIX, heading="Så följs aktiviteterna upp")
    assert steps.body.count("<li>") == 3 and "<ol>" in steps.body

    focus_areas = list(sjobacka.focus_areas.order_by("order"))
    assert [focus_area.title for focus_area in focus_areas] == ["Trygga offentliga miljöer", "Unga i riskzon"]
    assert {focus_area.placement.heading for focus_area in focus_areas} == {"Fokusområden"}
    for focus_area in focus_areas:
        rows = list(focus_area.rows.order_by("order"))
        assert len(rows) == 3
        assert all(row.activity and row.measure and row.follow_up and row.goal_effect for row in rows)
    assert [
        (s.name, s.title, s.party.name) for s in sjobacka.signatories.select_related("party").order_by("order")
    ] == [
        ("Annika Strand", "Kommunstyrelsens ordförande", "Sjöbacka kommun"),
        ("Mikael Öhman", "Lokalpolisområdeschef", "Lokalpolisområde Sjöbacka"),
    ]


def test_the_word_file_is_imported_once_even_after_its_draft_is_renamed():
    sjobacka = agreement(SJOBACKA, "Sjöbacka kommun")
    Agreement.objects.filter(pk=sjobacka.pk).update(title="Samverkansöverenskommelse Sjöbacka")

    output = seed()

    assert Agreement.objects.filter(party_links__organisation__name="Sjöbacka kommun").count() == 1
    assert "Importerade från Word: 1 (0 nya)" in output


def test_only_sjobackas_users_see_the_imported_draft():
    for username in ("sjobacka", "polis-sjobacka", "sjobacka-ks"):
        user = get_user_model().objects.get(username=username)
        assert list(Agreement.objects.visible_to(user).values_list("title", flat=True)) == [SJOBACKA], username
    for username in ("sakerhet", "kommunpolis", "svedala", "solvesborg", "polis-karlshamn"):
        user = get_user_model().objects.get(username=username)
        assert not Agreement.objects.visible_to(user).filter(title=SJOBACKA).exists(), username


def test_trelleborg_has_an_est_survey_with_a_year_of_answered_weeks_and_monthly_statistics():
    trelleborg = Organisation.objects.get(name="Trelleborgs kommun")
    assert Factor.objects.filter(municipality=trelleborg).count() == 12
    assert Place.objects.filter(municipality=trelleborg).count() == 6
    assert Reporter.objects.filter(municipality=trelleborg, active=True).count() == 40
    weeks = list(Week.objects.filter(municipality=trelleborg).order_by("monday"))
    assert len(weeks) == 53 and weeks[-1].is_open and not any(week.is_open for week in weeks[:-1])
    assert weeks[-2].situation and weeks[-2].priorities and weeks[-2].attendance
    assert all(week.answers.count() > 10 for week in weeks)
    ratings = Rating.objects.filter(answer__week__municipality=trelleborg, value__isnull=False)
    summer, winter = (
        ratings.filter(answer__week__monday__month__in=months).aggregate(mean=Avg("value"))["mean"]
        for months in ((6, 7, 8), (1, 2, 3))
    )
    assert summer > winter  # more problems in summer
    assert CrimeCount.objects.filter(municipality=trelleborg, source="police").values("month").distinct().count() == 24
    assert CrimeCount.objects.filter(municipality=trelleborg, source="municipality").exists()


def test_trelleborg_has_three_years_of_the_police_safety_survey_and_meetings_with_the_parties_present():
    trelleborg = Organisation.objects.get(name="Trelleborgs kommun")
    surveys = SafetySurvey.objects.filter(municipality=trelleborg)
    assert sorted(set(surveys.values_list("year", flat=True))) == [2023, 2024, 2025]
    centrum = surveys.get(year=2025, area="Centrum")
    assert centrum.problems.count() == 6 and centrum.safe_share == 72
    closed = Week.objects.filter(municipality=trelleborg, closed_at__isnull=False)
    assert all(week.attended_by.filter(name="Trelleborgs kommun").exists() for week in closed)
    assert closed.filter(attended_by__name="Lokalpolisområde Trelleborg").count() == closed.count() - 1


def test_trelleborg_has_a_yearly_situation_picture_with_its_action_plan_in_the_agreement_s_focus_areas():
    picture = YearlyPicture.objects.get(municipality__name="Trelleborgs kommun", year=2025)
    assert "Västra Trelleborg" in picture.analysis and picture.sources
    measures = list(picture.measures.select_related("focus_area__agreement"))
    assert len(measures) == 3
    assert [m.focus_area.title for m in measures] == ["Ordningsstörningar", "Skadegörelse", "Hamnen"]
    assert {m.focus_area.agreement.title for m in measures} == {"Samverkansöverenskommelse 2023–2026"}

"""A write to an agreement at the moment it is signed, and a line of a follow-up at the moment it is approved, run
on the database from two threads: the write lands before the signing checks what it signs (which then refuses it
as changed, or signs it with the write) or the write is refused as frozen. Never does a write land after the check,
so the signed content is always what was checked and archived."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import date

import pytest

from agreements.models import (
    Agreement,
    ArchivedPdf,
    CooperationForum,
    Party,
    Section,
    Signatory,
)
from agreements.services import reorder, section_create, section_move, section_update
from agreements.tests.factories import CooperationForumFactory, SectionFactory, SignatoryFactory
from documents import services as document_services
from documents.models import Approval, PartySignature
from documents.tests.helpers import approve_by_every_party
from focusareas.models import ActionPlan, ActivityRow, Commitment, FocusArea, Goal, Indicator
from focusareas.paste import PastedRow
from focusareas.services import rows_paste, siblings_of
from focusareas.tests.factories import (
    ActionPlanFactory,
    ActivityRowFactory,
    CommitmentFactory,
    FocusAreaFactory,
    GoalFactory,
    IndicatorFactory,
    accept,
)
from followup import pdf as followup_pdf
from followup import services as followup_services
from followup.models import (
    ActivityOutcome,
    ArchivedReport,
    CommitmentOutcome,
    FocusAreaSummary,
    FollowUpReport,
    IndicatorValue,
    PartyComment,
)
from samverkan.lib.versions import content_delete
from samverkan.tests.helpers import needs_real_concurrency, race

# Rounds per kind of write, each starting the write later into the signing; RACE_ROUNDS=50 for a deeper run.
ROUNDS = int(os.environ.get("RACE_ROUNDS", "4"))
# How long the stand-in PDF takes to lay out: the window in which a write that does not wait for the signing lands.
LAYOUT = 0.04
# Fields the signing or the approval records itself; everything else must be as it was checked.
RECORDED_BY_SIGNING = {"status", "signing_place", "signing_date", "signed_on", "updated_at"}
RECORDED_BY_APPROVAL = {"stage", "approved_on", "case_number"}

pytestmark = [needs_real_concurrency, pytest.mark.django_db(transaction=True)]


def snapshot(querysets: list, recorded: set[str]) -> str:
    """Every row of the querysets with every field but those the signing (or approval) records."""
    return repr(
        [
            [
                {name: value for name, value in row.items() if name not in recorded}
                for row in queryset.order_by("pk").values()
            ]
            for queryset in querysets
        ]
    )


def agreement_content(pk: int) -> str:
    return snapshot(
        [
            Agreement.objects.filter(pk=pk),
            Section.objects.filter(agreement_id=pk),
            FocusArea.objects.filter(agreement_id=pk),
            Goal.objects.filter(agreement_id=pk),
            Indicator.objects.filter(goal__agreement_id=pk),
            ActivityRow.objects.filter(focus_area__agreement_id=pk),
            ActionPlan.objects.filter(agreement_id=pk),
            Commitment.objects.filter(agreement_id=pk),
            Party.objects.filter(agreement_id=pk),
            Signatory.objects.filter(agreement_id=pk),
            CooperationForum.objects.filter(agreement_id=pk),
        ],
        RECORDED_BY_SIGNING,
    )


def report_content(pk: int) -> str:
    return snapshot(
        [
            FollowUpReport.objects.filter(pk=pk),
            CommitmentOutcome.objects.filter(report_id=pk),
            PartyComment.objects.filter(outcome__report_id=pk),
            ActivityOutcome.objects.filter(report_id=pk),
            IndicatorValue.objects.filter(report_id=pk),
            FocusAreaSummary.objects.filter(report_id=pk),
        ],
        RECORDED_BY_APPROVAL,
    )


def edit(model, pk: int, **values) -> Callable[[], None]:
    """A plain save of the stored object with the values changed, as any form or script would make it."""

    def save() -> None:
        instance = model.objects.get(pk=pk)
        for name, value in values.items():
            setattr(instance, name, value)
        instance.save()

    return save


def after(delay: float, write: Callable[[], object]) -> Callable[[], None]:
    def call() -> None:
        time.sleep(delay)
        write()

    return call


def check_round(outcomes: list[str], *, checked: str | None, archived, now: str) -> None:
    """Nothing failed on the way; if the signing (or approval) went through, the content is as it checked it and
    as its archived document shows it."""
    assert not [outcome for outcome in outcomes if outcome.startswith("error")], outcomes
    if outcomes[0] == "won":
        assert checked == now, "a write landed in the signed content after the signing checked it"
        with archived.file.open("rb") as document:
            assert document.read().decode() == now, "the archived document differs from the content"


@pytest.fixture
def seen(monkeypatch) -> dict[str, str]:
    """Stand-ins for the fingerprints and PDFs of signing and approving that note the content as each saw it; the
    PDF is the content as text, and takes a moment to lay out as a real one does."""
    noted: dict[str, str] = {}
    fingerprints = {
        (document_services, "agreement_fingerprint"): agreement_content,
        (followup_services, "report_fingerprint"): report_content,
    }
    for (module, name), content in fingerprints.items():
        real = getattr(module, name)

        def noting(instance, real=real, content=content):
            noted["checked"] = content(instance.pk)
            return real(instance)

        monkeypatch.setattr(module, name, noting)

    def laid_out(content: str) -> bytes:
        time.sleep(LAYOUT)
        return content.encode()

    monkeypatch.setattr(document_services, "agreement_pdf", lambda agreement: laid_out(agreement_content(agreement.pk)))
    monkeypatch.setattr(followup_pdf, "annual_report_pdf", lambda report: laid_out(report_content(report.pk)))
    return noted


AGREEMENT_WRITES = [
    "agreement",
    "section_edit",
    "section_add",
    "section_move",
    "section_delete",
    "focus_area",
    "activity_row",
    "activity_row_move",
    "activity_row_delete",
    "paste",
    "goal",
    "indicator",
    "commitment",
    "action_plan",
    "party",
    "signatory",
    "forum",
]


def test_a_write_while_the_agreement_is_signed_lands_before_the_check_or_is_refused(
    world, editor, reviewer, seen, subtests
):
    # One test with a subtest per kind of write: a database flush per kind would cost more than the races.
    agreement = world.agreement
    focus_area = FocusAreaFactory(agreement=agreement)
    row = ActivityRowFactory(focus_area=focus_area)
    ActivityRowFactory(focus_area=focus_area)
    goal = GoalFactory(focus_area=focus_area)
    indicator = IndicatorFactory(goal=goal)
    commitment = CommitmentFactory(focus_area=focus_area, parties=[world.police])
    plan = ActionPlanFactory(agreement=agreement)
    forum = CooperationForumFactory(agreement=agreement)
    party = agreement.party_links.first()
    signatory = SignatoryFactory(agreement=agreement, party=world.municipality)
    accept([commitment], reviewer=reviewer)

    def prepare(kind: str, n: int) -> Callable[[], object]:
        """The write of this round, on content made for it where the write uses it up."""
        match kind:
            case "agreement":
                return edit(Agreement, agreement.pk, purpose=f"Syfte {n}")
            case "section_edit":
                section = SectionFactory(agreement=agreement)
                return lambda: section_update(
                    section=Section.objects.get(pk=section.pk), loaded_version=1, heading="Ny", body="", parent=None
                )
            case "section_add":
                return lambda: section_create(
                    agreement=Agreement.objects.get(pk=agreement.pk),
                    part=Section.Part.APPENDIX,
                    parent=None,
                    heading=f"Tillagt {n}",
                    body="",
                )
            case "section_move":
                SectionFactory(agreement=agreement)
                section = SectionFactory(agreement=agreement)
                return lambda: section_move(section=Section.objects.get(pk=section.pk), step=-1)
            case "section_delete":
                section = SectionFactory(agreement=agreement)
                return lambda: content_delete(instance=Section.objects.get(pk=section.pk), loaded_fingerprint=None)
            case "focus_area":
                return edit(FocusArea, focus_area.pk, title=f"Fokus {n}")
            case "activity_row":
                return edit(ActivityRow, row.pk, activity=f"Aktivitet {n}")
            case "activity_row_move":
                moved = ActivityRowFactory(focus_area=focus_area)
                return lambda: reorder(
                    instance=ActivityRow.objects.get(pk=moved.pk), siblings=siblings_of(moved), step=-1
                )
            case "activity_row_delete":
                doomed = ActivityRowFactory(focus_area=focus_area)
                return lambda: content_delete(instance=ActivityRow.objects.get(pk=doomed.pk), loaded_fingerprint=None)
            case "paste":
                return lambda: rows_paste(
                    focus_area=FocusArea.objects.get(pk=focus_area.pk),
                    rows=[PastedRow(f"Inklistrad {n}", "", "", "")],
                    user=editor,
                )
            case "goal":
                return edit(Goal, goal.pk, text=f"Mål {n}")
            case "indicator":
                return edit(Indicator, indicator.pk, target_value=n)
            case "commitment":
                return edit(Commitment, commitment.pk, text=f"Åtagande {n}")
            case "action_plan":
                return edit(ActionPlan, plan.pk, title=f"Handlingsplan {n}")
            case "party":
                return edit(Party, party.pk, order=10 + n)
            case "signatory":
                return edit(Signatory, signatory.pk, name=f"Undertecknare {n}")
            case "forum":
                return edit(CooperationForum, forum.pk, name=f"Forum {n}")
        raise AssertionError(kind)

    for kind in AGREEMENT_WRITES:
        with subtests.test(kind=kind):
            for n in range(ROUNDS):
                ArchivedPdf.objects.filter(agreement=agreement).delete()
                Signatory.objects.filter(agreement=agreement).update(signed_on=None)
                PartySignature.objects.filter(agreement=agreement).delete()
                Approval.objects.filter(agreement=agreement).delete()
                Agreement.objects.filter(pk=agreement.pk).update(status=Agreement.Status.REVIEW, signing_date=None)
                write = prepare(kind, n)
                # Every party has approved the draft and the police have signed it: the municipality signs last.
                approve_by_every_party(agreement)
                document_services.agreement_sign(
                    agreement=agreement,
                    party=world.police,
                    user=reviewer,
                    signing_place="Hamnstad",
                    signed_on=date(2026, 11, 20),
                )
                loaded = document_services.agreement_fingerprint(agreement)
                seen.clear()

                def sign(loaded: str = loaded, signing_day: date = date(2026, 11, 20)) -> None:
                    document_services.agreement_sign(
                        agreement=Agreement.objects.get(pk=agreement.pk),
                        party=world.municipality,
                        user=editor,
                        loaded_fingerprint=loaded,
                        signing_place="Hamnstad",
                        signed_on=signing_day,
                    )

                # The write starts a little later each round, so that the rounds cover the signing from start to end.
                outcomes = race(sign, after(n * LAYOUT / ROUNDS * 1.5, write))

                stored = Agreement.objects.get(pk=agreement.pk)
                archived = ArchivedPdf.objects.filter(agreement=agreement).first()
                assert (stored.status == Agreement.Status.SIGNED) == (outcomes[0] == "won"), (outcomes, stored.status)
                check_round(
                    outcomes, checked=seen.get("checked"), archived=archived, now=agreement_content(agreement.pk)
                )


REPORT_LINES = ["commitment_outcome", "party_comment", "activity_outcome", "indicator_value", "focus_area_summary"]


def test_a_line_saved_while_the_follow_up_is_approved_lands_before_the_check_or_is_refused(
    world, editor, seen, subtests
):
    focus_area = FocusAreaFactory(agreement=world.agreement)
    ActivityRowFactory(focus_area=focus_area)
    CommitmentFactory(focus_area=focus_area, parties=[world.municipality, world.police])
    IndicatorFactory(goal__focus_area=focus_area)
    Agreement.objects.filter(pk=world.agreement.pk).update(status=Agreement.Status.SIGNED)
    signed = Agreement.objects.get(pk=world.agreement.pk)
    report = followup_services.report_start(agreement=signed, year=2024, copy_previous=False)
    lines = {
        "commitment_outcome": (CommitmentOutcome, "evidence_link", "https://example.se/{n}"),
        "party_comment": (PartyComment, "text", "Kommentar {n}"),
        "activity_outcome": (ActivityOutcome, "comment", "Kommentar {n}"),
        "indicator_value": (IndicatorValue, "value", "{n}"),
        "focus_area_summary": (FocusAreaSummary, "summary", "Sammanfattning {n}"),
    }
    for kind in REPORT_LINES:
        with subtests.test(kind=kind):
            model, field, value = lines[kind]
            line = model.objects.filter(
                **({"outcome__report": report} if model is PartyComment else {"report": report})
            ).first()

            for n in range(ROUNDS):
                ArchivedReport.objects.filter(report=report).delete()
                FollowUpReport.objects.filter(pk=report.pk).update(
                    stage=FollowUpReport.Stage.CONFIRMED, approved_on=None, case_number=""
                )
                loaded = followup_services.report_fingerprint(report)
                seen.clear()

                def approve(loaded: str = loaded) -> None:
                    followup_services.report_approve(
                        report=FollowUpReport.objects.get(pk=report.pk),
                        user=editor,
                        approved_on=date(2025, 3, 1),
                        case_number="KS 2025/17",
                        loaded_fingerprint=loaded,
                    )

                outcomes = race(
                    approve, after(n * LAYOUT / ROUNDS * 1.5, edit(model, line.pk, **{field: value.format(n=n)}))
                )

                archived = ArchivedReport.objects.filter(report=report).first()
                check_round(outcomes, checked=seen.get("checked"), archived=archived, now=report_content(report.pk))

"""An agreement exported as one document and imported elsewhere comes back whole: content, follow-up, archived
files and history, signed and approved as it was, and nothing else is written."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError

from agreements.history import agreement_changes
from agreements.models import (
    Agreement,
    AgreementFrozen,
    ArchivedPdf,
    CooperationForum,
    Figure,
    Membership,
    Organisation,
    Party,
    Section,
    Signatory,
)
from agreements.tests.factories import (
    AgreementFactory,
    CooperationForumFactory,
    FigureFactory,
    OrganisationFactory,
    SectionFactory,
    SignatoryFactory,
    image_bytes,
)
from focusareas.models import (
    ActionPlan,
    ActivityRow,
    Commitment,
    FocusArea,
    FocusAreaSection,
    Goal,
    Indicator,
    ReviewEntry,
)
from focusareas.tests.factories import (
    ActionPlanFactory,
    ActivityRowFactory,
    CommitmentFactory,
    FocusAreaFactory,
    FocusAreaSectionFactory,
    GoalFactory,
    IndicatorFactory,
)
from followup.models import (
    ActivityOutcome,
    ArchivedReport,
    CommitmentOutcome,
    Evaluation,
    FocusAreaSummary,
    FollowUpReport,
    IndicatorValue,
    PartyComment,
    Status,
    evidence_stored_name,
)
from followup.services import report_start
from samverkan.lib.archive import store_archived, verified_content
from samverkan.lib.images import MAX_IMAGE_BYTES, image_stored_name
from transfer.document import BOOKKEEPING, FORMAT, TransferError, _plain_fields, document_dumps
from transfer.exporter import agreement_export
from transfer.history import _party_links, history_scope
from transfer.importer import agreement_import

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n% Samverkansoverenskommelse Hamnstad\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))

# What each model carries besides its plain values, and so what the document must name by reference.
RELATIONS = {
    Agreement: {"parties", "previous_revision", "renews"},
    Party: {"agreement", "organisation"},
    Signatory: {"agreement", "party"},
    CooperationForum: {"agreement"},
    Section: {"agreement", "parent"},
    FocusArea: {"agreement", "placement"},
    Goal: {"agreement", "focus_area"},
    Indicator: {"goal"},
    FocusAreaSection: {"focus_area"},
    ActivityRow: {"focus_area", "section", "goals"},
    ActionPlan: {"agreement"},
    Commitment: {"agreement", "focus_area", "section", "placement", "action_plan", "parties", "goals"},
    ReviewEntry: {"commitment", "author"},
    Evaluation: {"agreement"},
    FollowUpReport: {"agreement"},
    CommitmentOutcome: {"report", "commitment", "evidence_file"},
    PartyComment: {"outcome", "party", "reported_by"},
    ActivityOutcome: {"report", "row"},
    IndicatorValue: {"report", "indicator"},
    FocusAreaSummary: {"report", "focus_area"},
}

# The tracked models whose history an agreement's document carries, each with the model it hangs under.
PARENTS = {
    Party: Agreement,
    Signatory: Agreement,
    CooperationForum: Agreement,
    Section: Agreement,
    Figure: Section,
    FocusArea: Agreement,
    Goal: Agreement,
    Indicator: Goal,
    FocusAreaSection: FocusArea,
    ActivityRow: FocusArea,
    ActionPlan: Agreement,
    Commitment: Agreement,
    Evaluation: Agreement,
    FollowUpReport: Agreement,
    CommitmentOutcome: FollowUpReport,
    PartyComment: CommitmentOutcome,
    ActivityOutcome: FollowUpReport,
    IndicatorValue: FollowUpReport,
    FocusAreaSummary: FollowUpReport,
}


def saved_by(user, instance, reason: str | None = None):
    """Save as the user would through a page, so the history record names them."""
    instance._history_user = user
    if reason:
        instance._change_reason = reason
    instance.save()
    return instance


@pytest.fixture
def rich_agreement(world, editor, reviewer, reader) -> Agreement:
    """The world's agreement with something of every kind, some of it edited and deleted, then signed, its
    2024 follow-up approved with evidence, 2025 being filled in."""
    agreement = world.agreement
    intro = SectionFactory(agreement=agreement, part=Section.Part.AGREEMENT, heading="Inledning", order=0)
    SectionFactory(
        agreement=agreement,
        part=Section.Part.AGREEMENT,
        parent=intro,
        heading="Bakgrund",
        body="<p><strong>Bakgrund</strong> och <em>syfte</em>, se <a href='https://bra.se'>Brå</a>.</p>",
        order=0,
    )
    SectionFactory(agreement=agreement, part=Section.Part.AGREEMENT, heading="Giltighet", order=1)
    focus_section = SectionFactory(agreement=agreement, part=Section.Part.APPENDIX, heading="Fokusområden", order=0)
    FigureFactory(section=intro)
    dropped_section = SectionFactory(agreement=agreement, part=Section.Part.APPENDIX, heading="Utgår", order=1)
    dropped_section._history_user = editor
    dropped_section.delete()
    intro.heading = "Inledning och syfte"
    saved_by(editor, intro, "Rubriken förtydligad")

    CooperationForumFactory(agreement=agreement)
    CooperationForumFactory(agreement=agreement, name="Brottsförebyggande rådet", meeting_frequency="Kvartalsvis")
    SignatoryFactory(agreement=agreement, party=world.municipality, name="Anna Ek", title="Ordförande", order=0)
    SignatoryFactory(agreement=agreement, party=world.police, name="Per Lind", title="Lokalpolisområdeschef", order=1)

    drugs = FocusAreaFactory(
        agreement=agreement,
        placement=focus_section,
        group_heading="Brottsstatistik",
        title="Narkotika",
        description="<p>Narkotika i <em>centrum</em>.</p>",
        prioritised=True,
    )
    safety = FocusAreaFactory(agreement=agreement, title="Trygghet i centrum")
    goal = GoalFactory(focus_area=drugs, kind=Goal.Kind.RESULT, text="Färre narkotikabrott")
    IndicatorFactory(goal=goal, name="Anmälda narkotikabrott", baseline_value=Decimal("412.50"), target_value=300)
    GoalFactory(focus_area=safety, text="Fler känner sig trygga")
    dropped_goal = GoalFactory(focus_area=safety, text="Utgår")
    IndicatorFactory(goal=dropped_goal)
    dropped_goal.delete()
    efforts = FocusAreaSectionFactory(focus_area=drugs, heading="Insatser", body="<p>Vad vi <em>gör</em>.</p>")
    FocusAreaSectionFactory(focus_area=drugs, heading="Uppföljning", body="")
    row = ActivityRowFactory(focus_area=drugs, section=efforts, activity="Avloppsanalyser")
    row.goals.set([goal])
    ActivityRowFactory(focus_area=safety, activity="Trygghetsvandringar")
    plan = ActionPlanFactory(agreement=agreement)
    police_commitment = CommitmentFactory(
        focus_area=drugs,
        section=efforts,
        parties=[world.police],
        text="polisens krogtillsyner",
        target_value=5,
        target_scope=Commitment.TargetScope.PER_YEAR,
        target_unit="krogtillsyner",
        target_text="minst 5 under året, 1,2 per månad under sommaren",
        target_group="krögare",
        milestones="Under våren: utbildning\nUnder hösten: tillsyner",
    )
    joint = CommitmentFactory(focus_area=safety, action_plan=plan, parties=[world.municipality], text="vandring")
    joint.goals.set([goal])
    joint.parties.add(world.police)
    CommitmentFactory(focus_area=None, action_plan=plan, agreement=agreement, text="lägesbild varje år")
    CommitmentFactory(focus_area=None, placement=intro, agreement=agreement, text="delta i föräldramöten")
    for author, kind, text in (
        (reviewer, ReviewEntry.Kind.CHANGE_REQUESTED, "Ange hur många."),
        (editor, ReviewEntry.Kind.REVISED, ""),
        (reviewer, ReviewEntry.Kind.ACCEPTED, "Bra."),
    ):
        ReviewEntry.objects.create(commitment=police_commitment, author=author, kind=kind, text=text)
    Evaluation.objects.create(agreement=agreement, text="Perioden gav resultat.", conclusions="Fortsätt.")

    for signatory in agreement.signatories.all():
        signatory.signed_on = date(2023, 1, 16)
        signatory.save(update_fields=["signed_on"])
    agreement.refresh_from_db()
    agreement.signing_place, agreement.signing_date = "Hamnstad", date(2023, 1, 16)
    saved_by(editor, agreement)
    agreement.status = Agreement.Status.SIGNED
    agreement._history_user = editor
    agreement.save(update_fields=["status", "updated_at"])
    store_archived(ArchivedPdf(agreement=agreement, archived_by=editor), PDF, "hamnstad-rev1")

    report = report_start(agreement=agreement, year=2024, copy_previous=False)
    outcome = report.commitment_outcomes.get(commitment=police_commitment)
    outcome.status, outcome.achieved = Status.DONE, 6
    # As an upload is stored: under a name of our own, the name it came with kept apart.
    outcome.evidence_file.save(evidence_stored_name("png"), ContentFile(PNG), save=False)
    outcome.evidence_name = "protokoll.png"
    saved_by(reviewer, outcome)
    comment = outcome.party_comments.get()
    comment.text = "Sex tillsyner."
    saved_by(reviewer, comment)
    value = report.indicator_values.get()
    value.value, value.source = Decimal("398.25"), "Polisens statistik"
    saved_by(editor, value)
    report.summary = "Ett år med fler tillsyner."
    report.stage, report.approved_on, report.case_number = FollowUpReport.Stage.APPROVED, date(2025, 3, 3), "KS 2025/17"
    saved_by(reader, report)
    store_archived(ArchivedReport(report=report, archived_by=reader), PDF + b"% 2024\n", "uppfoljning-2024")
    report_start(agreement=agreement, year=2025, copy_previous=True)
    return Agreement.objects.get(pk=agreement.pk)


def empty_database(*, keep_people: bool = False) -> None:
    """Delete every agreement and its history (and the organisations and users), as another installation
    would be, leaving the stored files where they are."""
    ArchivedReport.objects.all().delete()
    FollowUpReport.objects.all().delete()
    Evaluation.objects.all().delete()
    ArchivedPdf.objects.all().delete()
    Agreement.objects.all().delete()
    if not keep_people:
        Membership.objects.all().delete()
        Organisation.objects.all().delete()
        get_user_model().objects.all().delete()
    for model in apps.get_models():
        if model.__name__.startswith("Historical"):
            model.objects.all().delete()


def stored_files(settings) -> list[Path]:
    return sorted(path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file())


def history_counts() -> dict[str, int]:
    counts = {model._meta.label_lower: model.history.count() for model, _, _ in history_scope()}
    return {**counts, "parties": _party_links().objects.count()}


def shown_changes(agreement: Agreement) -> list[tuple]:
    """The agreement's history page as its readers see it."""
    return [
        (c.when, c.who, c.action, c.kind, c.subject, [(f.label, f.old, f.new) for f in c.fields])
        for c in agreement_changes(agreement)
    ]


def through_text(document: dict) -> dict:
    """The document as a file holds it."""
    return json.loads(document_dumps(document))


def evidence_of(document: dict) -> dict:
    return next(
        outcome["evidence_file"]
        for report in document["agreement"]["follow_ups"]
        for outcome in report["commitment_outcomes"]
        if outcome["evidence_file"]
    )


def test_an_agreement_comes_back_the_same_in_an_empty_database(rich_agreement):
    document = agreement_export(rich_agreement)
    changes = shown_changes(rich_agreement)
    empty_database()

    imported = agreement_import(through_text(document)).agreement

    assert imported.pk != rich_agreement.pk
    assert document_dumps(agreement_export(imported)) == document_dumps(document)
    assert shown_changes(imported) == changes


def test_a_published_citizen_promise_comes_back_as_one(world, editor):
    promise = world.agreement
    Agreement.objects.filter(pk=promise.pk).update(
        kind=Agreement.Kind.CITIZEN_PROMISE, status=Agreement.Status.SIGNED, signing_date=date(2026, 3, 2)
    )
    store_archived(ArchivedPdf(agreement=promise, archived_by=editor), PDF, "medborgarlofte")
    document = through_text(agreement_export(Agreement.objects.get(pk=promise.pk)))
    empty_database()

    imported = agreement_import(document).agreement

    assert document["agreement"]["kind"] == "citizen_promise"
    assert (imported.kind, imported.is_frozen, imported.signing_date) == ("citizen_promise", True, date(2026, 3, 2))


def test_a_promise_followed_up_every_quarter_by_the_police_comes_back_with_its_quarters(world, editor):
    promise = world.agreement
    CommitmentFactory(focus_area=FocusAreaFactory(agreement=promise), parties=[world.police], text="kontroller")
    Agreement.objects.filter(pk=promise.pk).update(
        kind=Agreement.Kind.CITIZEN_PROMISE,
        status=Agreement.Status.SIGNED,
        follow_up_frequency=Agreement.FollowUpFrequency.QUARTERLY,
        followed_up_by=Agreement.FollowedUpBy.POLICE,
    )
    promise = Agreement.objects.get(pk=promise.pk)
    store_archived(ArchivedPdf(agreement=promise, archived_by=editor), PDF, "medborgarlofte")
    for quarter in (1, 2):
        report_start(agreement=promise, year=2024, period=quarter, copy_previous=False)
    document = through_text(agreement_export(promise))
    empty_database()

    imported = agreement_import(document).agreement

    assert (imported.follow_up_frequency, imported.followed_up_by) == (4, "police")
    assert list(imported.follow_ups.values_list("year", "period")) == [(2024, 1), (2024, 2)]
    assert CommitmentOutcome.objects.filter(report__agreement=imported).count() == 2
    assert document_dumps(agreement_export(imported)) == document_dumps(document)


def test_a_commitments_target_group_milestones_and_target_in_words_come_back(rich_agreement):
    document = through_text(agreement_export(rich_agreement))
    empty_database()

    imported = agreement_import(document).agreement

    (written,) = [c for c in document["agreement"]["commitments"] if c["text"] == "polisens krogtillsyner"]
    commitment = imported.commitments.get(text="polisens krogtillsyner")
    assert (written["target_group"], commitment.target_group) == ("krögare", "krögare")
    assert commitment.target_text == written["target_text"] == "minst 5 under året, 1,2 per månad under sommaren"
    assert commitment.milestone_lines == ["Under våren: utbildning", "Under hösten: tillsyner"]
    assert (commitment.target_value, commitment.target_scope) == (5, Commitment.TargetScope.PER_YEAR)


def test_focus_area_sections_come_back_with_what_stands_in_them(rich_agreement):
    document = through_text(agreement_export(rich_agreement))
    empty_database()

    imported = agreement_import(document).agreement

    drugs = imported.focus_areas.get(title="Narkotika")
    assert [(s.heading, s.body) for s in drugs.sections.all()] == [
        ("Insatser", "<p>Vad vi <em>gör</em>.</p>"),
        ("Uppföljning", ""),
    ]
    efforts = drugs.sections.get(heading="Insatser")
    assert ActivityRow.objects.get(activity="Avloppsanalyser").section == efforts
    assert imported.commitments.get(text="polisens krogtillsyner").section == efforts
    assert ActivityRow.objects.get(activity="Trygghetsvandringar").section is None


def row_of(document: dict, activity: str) -> int:
    rows = document["agreement"]["activity_rows"]
    return next(index for index, row in enumerate(rows) if row["activity"] == activity)


def section_key(document: dict, heading: str) -> str:
    return next(s["key"] for s in document["agreement"]["focus_area_sections"] if s["heading"] == heading)


def test_the_document_names_nothing_by_database_id(rich_agreement):
    document = agreement_export(rich_agreement)
    text = document_dumps(document)

    assert document["format"] == FORMAT
    assert '"id"' not in text and "_id" not in text
    assert [party["organisation"] for party in document["agreement"]["parties"]] == [
        "Hamnstads kommun",
        "Lokalpolisområde Hamnstad",
    ]
    assert {"deleted": 1} in [record["object"] for record in document["history"]["agreements.section"]]
    assert "/" not in evidence_of(document)["name"]


def test_signed_and_approved_content_comes_back_frozen_with_its_files(rich_agreement):
    document = through_text(agreement_export(rich_agreement))
    empty_database()

    imported = agreement_import(document).agreement

    assert imported.status == Agreement.Status.SIGNED
    assert verified_content(imported.archived_pdfs.get()) == PDF
    section = imported.sections.first()
    section.heading = "Ändrad"
    with pytest.raises(AgreementFrozen):
        section.save()
    approved = FollowUpReport.objects.get(agreement=imported, year=2024)
    assert (approved.stage, approved.approved_on, approved.case_number) == ("approved", date(2025, 3, 3), "KS 2025/17")
    assert verified_content(approved.archived) == PDF + b"% 2024\n"
    outcome = approved.commitment_outcomes.get(evidence_file__gt="")
    assert outcome.evidence_file.name == f"evidence/{imported.pk}/2024/{evidence_of(document)['name']}"
    assert outcome.evidence_name == "protokoll.png"
    assert outcome.evidence_file.read() == PNG
    outcome.achieved = 7
    with pytest.raises(ValidationError):
        outcome.save()
    assert FollowUpReport.objects.get(agreement=imported, year=2025).stage == FollowUpReport.Stage.DRAFT


def test_the_import_writes_the_documents_history_and_no_other(rich_agreement):
    document = through_text(agreement_export(rich_agreement))
    empty_database()

    agreement_import(document)

    expected = {label: len(records) for label, records in document["history"].items()}
    expected["parties"] = sum(len(record["parties"]) for record in document["history"]["focusareas.commitment"])
    assert history_counts() == expected
    assert Organisation.history.count() == 0


def test_the_history_carried_is_of_every_tracked_model_under_an_agreement_parents_first():
    scope = history_scope()
    order = [model for model, _, _ in scope]

    assert scope[0] == (Agreement, "id", None)
    assert {model: parent for model, _, parent in scope[1:]} == PARENTS
    assert all(order.index(parent) < order.index(model) for model, parent in PARENTS.items())


def test_each_model_declares_the_path_to_the_objects_whose_history_is_carried(rich_agreement):
    history = agreement_export(rich_agreement)["history"]

    for model in PARENTS:
        live = {json.dumps(r["object"]) for r in history[model._meta.label_lower] if not isinstance(r["object"], dict)}
        found = model._default_manager.filter(**{model.agreement_path: rich_agreement.pk})
        assert (model.__name__, found.count()) == (model.__name__, len(live))
        assert live


def test_deleted_objects_keep_ids_that_no_new_object_takes(rich_agreement):
    document = agreement_export(rich_agreement)
    empty_database()
    imported = agreement_import(document).agreement

    gone = Section.history.filter(agreement_id=imported.pk, history_type="-").values_list("id", flat=True)
    assert len(gone) == 1
    assert not Section.objects.filter(pk__in=gone).exists()
    later = SectionFactory(agreement=AgreementFactory())
    assert later.pk > max(gone)
    gone_goals = Goal.history.filter(agreement_id=imported.pk, history_type="-").values_list("id", flat=True)
    assert GoalFactory().pk > max(gone_goals)


def test_missing_users_are_created_inactive_and_existing_ones_reused(rich_agreement, editor, reviewer):
    document = agreement_export(rich_agreement)
    empty_database(keep_people=True)
    reviewer.delete()
    organisations = set(Organisation.objects.values_list("pk", flat=True))

    result = agreement_import(document)

    assert result.new_organisations == []
    assert set(Organisation.objects.values_list("pk", flat=True)) == organisations
    assert result.new_users == ["reviewer"]
    created = get_user_model().objects.get(username="reviewer")
    assert not created.is_active
    assert not created.has_usable_password()
    assert (created.first_name, created.last_name) == (reviewer.first_name, reviewer.last_name)
    assert result.agreement.archived_pdfs.get().archived_by == editor


def test_an_organisation_of_another_kind_is_refused(world):
    document = agreement_export(world.agreement)
    empty_database()
    OrganisationFactory(name="Lokalpolisområde Hamnstad", kind=Organisation.Kind.MUNICIPALITY)

    with pytest.raises(TransferError, match="Lokalpolisområde Hamnstad"):
        agreement_import(document)
    assert not Agreement.objects.exists()


def test_the_same_document_imported_again_is_refused(rich_agreement):
    document = through_text(agreement_export(rich_agreement))
    counts = history_counts()

    with pytest.raises(TransferError, match=f"agreement {rich_agreement.pk} "):
        agreement_import(document)
    assert Agreement.objects.filter(title=rich_agreement.title).count() == 1
    assert history_counts() == counts


def test_a_document_of_an_agreement_changed_since_becomes_a_new_agreement(world):
    draft = world.agreement
    document = agreement_export(draft)
    draft.purpose = "Ett annat syfte."
    draft.save()

    imported = agreement_import(document).agreement

    assert imported.pk != draft.pk
    assert imported.purpose != draft.purpose
    assert Agreement.objects.filter(title=draft.title).count() == 2


def test_a_file_that_does_not_match_its_checksum_is_refused_and_nothing_is_written(rich_agreement, settings):
    document = through_text(agreement_export(rich_agreement))
    empty_database()
    evidence = evidence_of(document)
    damaged = bytearray(base64.b64decode(evidence["content"]))
    damaged[-1] ^= 1
    evidence["content"] = base64.b64encode(damaged).decode()
    files = stored_files(settings)

    with pytest.raises(TransferError, match="checksum"):
        agreement_import(document)

    assert not Agreement.objects.exists()
    assert not Organisation.objects.exists()
    assert not get_user_model().objects.exists()
    assert set(history_counts().values()) == {0}
    assert stored_files(settings) == files


def test_a_failure_after_the_files_are_stored_leaves_neither_rows_nor_files(rich_agreement, settings):
    document = through_text(agreement_export(rich_agreement))
    empty_database()
    document["history"]["followup.followupreport"][-1]["type"] = "?"
    files = stored_files(settings)

    with pytest.raises(TransferError, match="unknown type"):
        agreement_import(document)

    assert not Agreement.objects.exists()
    assert not ArchivedPdf.objects.exists()
    assert set(history_counts().values()) == {0}
    assert stored_files(settings) == files


@pytest.mark.parametrize("fmt", ["samverkan-agreement/2", None])
def test_another_format_is_refused(world, fmt):
    document = agreement_export(world.agreement)
    document["format"] = fmt

    with pytest.raises(TransferError, match="format"):
        agreement_import(document)
    assert Agreement.objects.count() == 3


def test_an_incomplete_document_is_refused(world):
    document = agreement_export(world.agreement)
    del document["agreement"]["sections"]

    with pytest.raises(TransferError, match="agreement: 'sections' is missing"):
        agreement_import(document)
    assert Agreement.objects.count() == 3


def test_the_commands_write_and_read_the_document(rich_agreement, tmp_path):
    path = tmp_path / "overenskommelse.json"
    call_command("export_agreement", rich_agreement.pk, "--output", str(path), stderr=StringIO())
    shown = StringIO()
    call_command("export_agreement", rich_agreement.pk, stdout=shown)
    assert shown.getvalue() == path.read_text(encoding="utf-8")
    empty_database()

    out = StringIO()
    call_command("import_agreement", str(path), stdout=out)

    imported = Agreement.objects.get()
    assert f"Imported agreement {imported.pk}: “{imported.title}”" in out.getvalue()
    assert "Hamnstads kommun" in out.getvalue()
    assert "inactive" in out.getvalue() and "editor" in out.getvalue()
    again = StringIO()
    call_command("export_agreement", imported.pk, stdout=again)
    assert again.getvalue() == path.read_text(encoding="utf-8")
    with pytest.raises(CommandError, match="already here"):
        call_command("import_agreement", str(path), stdout=StringIO())


def test_the_commands_refuse_with_a_message(rich_agreement, tmp_path):
    document = agreement_export(rich_agreement)
    evidence_of(document)["sha256"] = "0" * 64
    damaged = tmp_path / "damaged.json"
    damaged.write_text(document_dumps(document), encoding="utf-8")
    not_json = tmp_path / "notes.txt"
    not_json.write_text("Överenskommelsen", encoding="utf-8")

    with pytest.raises(CommandError, match="checksum"):
        call_command("import_agreement", str(damaged))
    with pytest.raises(CommandError, match="not a JSON document"):
        call_command("import_agreement", str(not_json))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_agreement", str(tmp_path / "missing.json"))
    with pytest.raises(CommandError, match="No agreement"):
        call_command("export_agreement", 999_999)


@pytest.mark.parametrize("model", list(RELATIONS), ids=lambda model: model.__name__)
def test_every_field_is_carried(model):
    plain = {f.name for f in _plain_fields(model)}
    fields = {
        f.name
        for f in [*model._meta.concrete_fields, *model._meta.many_to_many]
        if not f.primary_key and f.name not in BOOKKEEPING and (f.is_relation or not f.unique)
    }
    assert fields - plain == RELATIONS[model]


def section_with_parent(document: dict) -> int:
    return next(index for index, item in enumerate(document["agreement"]["sections"]) if item["parent"] is not None)


def evidence_line(document: dict) -> int:
    outcomes = document["agreement"]["follow_ups"][0]["commitment_outcomes"]
    return next(index for index, outcome in enumerate(outcomes) if outcome["evidence_file"])


def with_content(item: dict, content: bytes) -> None:
    item.update(content=base64.b64encode(content).decode(), sha256=hashlib.sha256(content).hexdigest())
    item["size"] = len(content)


# A document changed as someone crafting one would, and where the refusal must say the fault is.
CRAFTED = {
    "control character in a heading": (
        lambda d: d["agreement"]["sections"][0].update(heading="Inledning\x00"),
        lambda d: "agreement.sections[0].heading:",
    ),
    "date in the year 9999": (
        lambda d: d["agreement"].update(signing_date="9999-01-01"),
        lambda d: "agreement.signing_date:",
    ),
    "approval date in the year 9999": (
        lambda d: d["agreement"]["follow_ups"][0].update(approved_on="9999-01-01"),
        lambda d: "agreement.follow_ups[0].approved_on:",
    ),
    "title of 10,000 characters": (
        lambda d: d["agreement"].update(title="Överenskommelse " * 625),
        lambda d: "agreement.title:",
    ),
    "parent section in the other part": (
        lambda d: d["agreement"]["sections"][section_with_parent(d)].update(part=Section.Part.APPENDIX),
        lambda d: f"agreement.sections[{section_with_parent(d)}].parent:",
    ),
    "status that is no status": (
        lambda d: d["agreement"].update(status="hacked"),
        lambda d: "agreement.status:",
    ),
    "approved follow-up of a draft agreement": (
        lambda d: d["agreement"].update(status=Agreement.Status.DRAFT),
        lambda d: "agreement.follow_ups[0]:",
    ),
    "signed agreement without its PDF": (
        lambda d: d["agreement"].update(archived_pdfs=[]),
        lambda d: "agreement.archived_pdfs:",
    ),
    "approved follow-up without its PDF": (
        lambda d: d["agreement"]["follow_ups"][0].update(archived=None),
        lambda d: "agreement.follow_ups[0].archived:",
    ),
    "evidence file named to climb out of its folder": (
        lambda d: evidence_of(d).update(name="../../etc/passwd"),
        lambda d: f"agreement.follow_ups[0].commitment_outcomes[{evidence_line(d)}].evidence_file.name:",
    ),
    "archived file with an absolute name": (
        lambda d: d["agreement"]["archived_pdfs"][0].update(name="/etc/cron.d/job.pdf"),
        lambda d: "agreement.archived_pdfs[0].name:",
    ),
    "evidence file that is a web page": (
        lambda d: with_content(evidence_of(d), b"<!DOCTYPE html><script>alert(1)</script>"),
        lambda d: f"agreement.follow_ups[0].commitment_outcomes[{evidence_line(d)}].evidence_file:",
    ),
    "text where a list is expected": (
        lambda d: d["agreement"].update(sections="Inledning"),
        lambda d: "agreement.sections: a list was expected",
    ),
    "activity in a section of another focus area": (
        lambda d: d["agreement"]["activity_rows"][row_of(d, "Trygghetsvandringar")].update(
            section=section_key(d, "Insatser")
        ),
        lambda d: f"agreement.activity_rows[{row_of(d, 'Trygghetsvandringar')}].section:",
    ),
    "missing key": (
        lambda d: d["agreement"]["commitments"][0].pop("focus_area"),
        lambda d: "agreement.commitments[0]: 'focus_area' is missing",
    ),
    "control character in a history record": (
        lambda d: d["history"]["agreements.section"][0]["fields"].update(heading="Inledning\x1b[2J"),
        lambda d: "history.agreements.section[0].heading:",
    ),
}


@pytest.mark.parametrize("crafted", list(CRAFTED))
def test_a_crafted_document_is_refused_where_it_is_wrong_and_nothing_is_written(rich_agreement, settings, crafted):
    change, where = CRAFTED[crafted]
    document = through_text(agreement_export(rich_agreement))
    empty_database()
    files = stored_files(settings)
    change(document)

    with pytest.raises(TransferError) as refused:
        agreement_import(document)

    assert where(document) in str(refused.value)
    assert "Nothing was imported" in str(refused.value)
    assert not Agreement.objects.exists()
    assert not Organisation.objects.exists()
    assert not get_user_model().objects.exists()
    assert set(history_counts().values()) == {0}
    assert stored_files(settings) == files


def test_the_command_refuses_a_crafted_document_naming_where(rich_agreement, tmp_path):
    document = agreement_export(rich_agreement)
    document["agreement"]["sections"][0]["heading"] = "Inledning\x00"
    crafted = tmp_path / "crafted.json"
    crafted.write_text(document_dumps(document), encoding="utf-8")
    agreements = Agreement.objects.count()

    with pytest.raises(CommandError, match=re.escape("agreement.sections[0].heading: ")):
        call_command("import_agreement", str(crafted), stdout=StringIO())
    assert Agreement.objects.count() == agreements


def test_imported_files_are_stored_under_names_of_our_own(rich_agreement):
    document = through_text(agreement_export(rich_agreement))
    empty_database()
    evidence_of(document)["name"] = "protokoll maj.png"
    document["agreement"]["archived_pdfs"][0]["name"] = "Avtal (slutligt).pdf"

    imported = agreement_import(document).agreement

    outcome = CommitmentOutcome.objects.get(report__agreement=imported, evidence_file__gt="")
    assert re.fullmatch(rf"evidence/{imported.pk}/2024/[0-9a-f]{{32}}\.png", outcome.evidence_file.name)
    assert outcome.evidence_name == "protokoll.png"
    assert imported.archived_pdfs.get().file.name.endswith("/avtal-slutligt.pdf")


def with_logos(world) -> tuple[bytes, bytes]:
    """The municipality and the police area of the world's agreement, each with a logo of its own."""
    logos = image_bytes(colour="#0b3a5d"), image_bytes(kind="JPEG", colour="#d9534f")
    for organisation, content, kind in zip((world.municipality, world.police), logos, ("png", "jpg"), strict=True):
        organisation.logo.save(image_stored_name(kind), ContentFile(content))
    return logos


def logo_of(document: dict, name: str) -> dict:
    return next(item for item in document["organisations"] if item["name"] == name)["logo"]


def test_the_parties_logos_come_back_with_their_organisations(world, settings):
    municipality_logo, police_logo = with_logos(world)
    document = through_text(agreement_export(world.agreement))
    assert logo_of(document, "Hamnstads kommun")["sha256"] == hashlib.sha256(municipality_logo).hexdigest()
    empty_database()
    for stored in Path(settings.MEDIA_ROOT, "logos").iterdir():
        stored.unlink()  # another installation has none of these files

    imported = agreement_import(document).agreement

    municipality = Organisation.objects.get(name="Hamnstads kommun")
    police = Organisation.objects.get(name="Lokalpolisområde Hamnstad")
    assert municipality.logo.read() == municipality_logo and police.logo.read() == police_logo
    assert re.fullmatch(r"logos/[0-9a-f]{32}\.png", municipality.logo.name)
    assert re.fullmatch(r"logos/[0-9a-f]{32}\.jpg", police.logo.name)
    assert document_dumps(agreement_export(imported)) == document_dumps(document)


def test_an_organisation_here_keeps_its_own_logo_and_one_without_takes_the_documents(world):
    _, police_logo = with_logos(world)
    document = through_text(agreement_export(world.agreement))
    empty_database(keep_people=True)
    own = image_bytes(colour="#198754")
    world.municipality.logo.save(image_stored_name("png"), ContentFile(own))
    world.police.logo.delete()

    agreement_import(document)

    assert Organisation.objects.get(pk=world.municipality.pk).logo.read() == own
    assert Organisation.objects.get(pk=world.police.pk).logo.read() == police_logo


def test_a_document_without_logos_leaves_the_organisations_logos_alone(world):
    document = through_text(agreement_export(world.agreement))
    assert logo_of(document, "Hamnstads kommun") is None
    for item in document["organisations"]:
        del item["logo"]  # written before logos were carried
    empty_database(keep_people=True)
    municipality_logo, _ = with_logos(world)

    agreement_import(document)

    assert Organisation.objects.get(pk=world.municipality.pk).logo.read() == municipality_logo


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"<!DOCTYPE html><script>alert(1)</script>", id="a web page"),
        pytest.param(PNG, id="a PNG that cannot be read"),
        pytest.param(image_bytes(width=6001, height=10), id="too many pixels"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + bytes(MAX_IMAGE_BYTES), id="too large"),
    ],
)
def test_a_logo_that_is_no_image_within_bounds_is_refused_where_it_is_and_nothing_is_written(world, settings, content):
    with_logos(world)
    document = through_text(agreement_export(world.agreement))
    empty_database()
    files = stored_files(settings)
    index = next(i for i, item in enumerate(document["organisations"]) if item["name"] == "Hamnstads kommun")
    with_content(document["organisations"][index]["logo"], content)

    with pytest.raises(TransferError) as refused:
        agreement_import(document)

    assert f"organisations[{index}].logo:" in str(refused.value) and "Nothing was imported" in str(refused.value)
    assert not Organisation.objects.exists() and not Agreement.objects.exists()
    assert stored_files(settings) == files

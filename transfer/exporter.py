"""An agreement with everything under it written as one document: its content, follow-up, archived files and
history."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db import models
from django.db.models import Prefetch

from agreements.models import Agreement, ArchivedPdf, Figure, Organisation, Party, Section
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
from followup.models import ArchivedReport, CommitmentOutcome, Evaluation, FollowUpReport, PartyComment
from samverkan.lib.archive import ArchiveCorrupted, verified_content

from .document import FORMAT, TransferError, _file, _moment, _values
from .history import HistoryExport
from .ids import REPORT_LINES


def agreement_export(agreement: Agreement) -> dict[str, Any]:
    """The agreement with everything under it, its follow-up, archived files and history, as one document."""
    return _Exporter(agreement).document()


class _Exporter(HistoryExport):
    def __init__(self, agreement: Agreement) -> None:
        self.agreement = agreement
        self.refs: dict[type[models.Model], dict[int, Any]] = defaultdict(dict)
        self.deleted: dict[type[models.Model], dict[int, int]] = defaultdict(dict)
        self.organisations: dict[int, Organisation] = {}
        self.users: dict[int, Any] = {}
        self.history_organisations: dict[int, Organisation] = {}

    def organisation(self, organisation: Organisation) -> str:
        self.organisations[organisation.pk] = organisation
        return organisation.name

    def user(self, user) -> str | None:
        if user is None:
            return None
        self.users[user.pk] = user
        return user.get_username()

    def ref(self, model: type[models.Model], pk: int | None) -> Any:
        if pk is None:
            return None
        try:
            return self.refs[model][pk]
        except KeyError:
            raise TransferError(
                f"The agreement refers to a {model._meta.verbose_name} (id {pk}) that is not part of it."
            ) from None

    def document(self) -> dict[str, Any]:
        agreement = self.agreement
        self.refs[Agreement][agreement.pk] = "agreement"
        content = _values(agreement)
        content["parties"] = self.parties()
        content["signatories"] = self.listed(agreement.signatories.select_related("party"), "party")
        content["forums"] = self.listed(agreement.forums.all())
        content["sections"] = self.sections()
        content["figures"] = self.figures()
        content["focus_areas"] = self.focus_areas()
        content["focus_area_sections"] = self.focus_area_sections()
        content["goals"] = self.goals()
        content["action_plans"] = self.listed(agreement.action_plans.all())
        content["activity_rows"] = self.activity_rows()
        content["commitments"] = self.commitments()
        evaluation = Evaluation.objects.filter(agreement=agreement).first()
        if evaluation is not None:
            self.refs[Evaluation][evaluation.pk] = "evaluation"
        content["evaluation"] = None if evaluation is None else _values(evaluation)
        content["archived_pdfs"] = [
            self.archive(archived)
            for archived in agreement.archived_pdfs.select_related("archived_by").order_by("archived_at", "pk")
        ]
        content["follow_ups"] = [self.report(report) for report in agreement.follow_ups.order_by("year", "period")]
        history = self.history()
        users = sorted(self.users.values(), key=lambda user: user.get_username())
        return {
            "format": FORMAT,
            "agreement": content,
            "history": history,
            "organisations": [
                {"name": o.name, "kind": o.kind, "logo": self.logo(o)}
                for o in sorted(self.organisations.values(), key=lambda o: o.name)
            ],
            "users": [
                {
                    "username": user.get_username(),
                    "first_name": user.first_name,
                    "last_name": user.last_name,
                    "email": user.email,
                }
                for user in users
            ],
        }

    def parties(self) -> list[dict[str, Any]]:
        parties = []
        for party in self.agreement.party_links.select_related("organisation"):
            name = self.organisation(party.organisation)
            self.refs[Party][party.pk] = name
            parties.append({**_values(party), "organisation": name})
        return parties

    def listed(self, queryset: models.QuerySet, party_field: str | None = None) -> list[dict[str, Any]]:
        """Objects named by their place in the list: signatories, forums, action plans."""
        items = []
        for index, instance in enumerate(queryset):
            self.refs[type(instance)][instance.pk] = index
            item = _values(instance)
            if party_field:
                item[party_field] = self.organisation(getattr(instance, party_field))
            items.append(item)
        return items

    def sections(self) -> list[dict[str, Any]]:
        """Parents before their children, siblings in their order, so that they can be created in this order."""
        sections = list(self.agreement.sections.all())
        children: dict[int | None, list[Section]] = defaultdict(list)
        for section in sections:
            children[section.parent_id].append(section)
        ordered: list[Section] = []

        def walk(parent_id: int | None) -> None:
            for section in sorted(children[parent_id], key=lambda s: (s.part, s.order, s.pk)):
                ordered.append(section)
                walk(section.pk)

        walk(None)
        if len(ordered) != len(sections):
            raise TransferError("Some sections of the agreement hang under sections of another agreement.")
        items = []
        for section in ordered:
            self.refs[Section][section.pk] = str(section.key)
            items.append({**_values(section), "parent": self.ref(Section, section.parent_id)})
        return items

    def focus_areas(self) -> list[dict[str, Any]]:
        items = []
        for focus_area in self.agreement.focus_areas.all():
            self.refs[FocusArea][focus_area.pk] = str(focus_area.key)
            items.append({**_values(focus_area), "placement": self.ref(Section, focus_area.placement_id)})
        return items

    def figures(self) -> list[dict[str, Any]]:
        items = []
        for figure in Figure.objects.filter(section__agreement=self.agreement).order_by("section_id", "order", "pk"):
            self.refs[Figure][figure.pk] = str(figure.key)
            try:
                with figure.image.open("rb") as stored:
                    content = stored.read()
            except FileNotFoundError:
                raise TransferError(f"The image {figure.image.name} is missing.") from None
            section = self.ref(Section, figure.section_id)
            items.append({**_values(figure), "section": section, "image": _file(figure.image.name, content)})
        return items

    def logo(self, organisation: Organisation) -> dict[str, Any] | None:
        """The organisation's logo with its bytes, for the cover and running header printed elsewhere."""
        if not organisation.logo:
            return None
        try:
            with organisation.logo.open("rb") as stored:
                return _file(organisation.logo.name, stored.read())
        except FileNotFoundError:
            raise TransferError(f"The logo {organisation.logo.name} of “{organisation.name}” is missing.") from None

    def focus_area_sections(self) -> list[dict[str, Any]]:
        items = []
        for section in FocusAreaSection.objects.filter(focus_area__agreement=self.agreement):
            self.refs[FocusAreaSection][section.pk] = str(section.key)
            items.append({**_values(section), "focus_area": self.ref(FocusArea, section.focus_area_id)})
        return items

    def goals(self) -> list[dict[str, Any]]:
        items = []
        for goal in self.agreement.goals.select_related("indicator"):
            key = self.refs[Goal][goal.pk] = str(goal.key)
            indicator = getattr(goal, "indicator", None)
            if indicator is not None:
                self.refs[Indicator][indicator.pk] = key
            items.append(
                {
                    **_values(goal),
                    "focus_area": self.ref(FocusArea, goal.focus_area_id),
                    "indicator": None if indicator is None else _values(indicator),
                }
            )
        return items

    def activity_rows(self) -> list[dict[str, Any]]:
        items = []
        for row in ActivityRow.objects.filter(focus_area__agreement=self.agreement).prefetch_related("goals"):
            self.refs[ActivityRow][row.pk] = str(row.key)
            items.append(
                {
                    **_values(row),
                    "focus_area": self.ref(FocusArea, row.focus_area_id),
                    "section": self.ref(FocusAreaSection, row.section_id),
                    "goals": sorted(self.ref(Goal, goal.pk) for goal in row.goals.all()),
                }
            )
        return items

    def commitments(self) -> list[dict[str, Any]]:
        items = []
        commitments = self.agreement.commitments.prefetch_related(
            "parties", "goals", Prefetch("review_entries", ReviewEntry.objects.select_related("author"))
        )
        for commitment in commitments:
            self.refs[Commitment][commitment.pk] = str(commitment.key)
            items.append(
                {
                    **_values(commitment),
                    "focus_area": self.ref(FocusArea, commitment.focus_area_id),
                    "section": self.ref(FocusAreaSection, commitment.section_id),
                    "placement": self.ref(Section, commitment.placement_id),
                    "action_plan": self.ref(ActionPlan, commitment.action_plan_id),
                    "parties": sorted(self.organisation(party) for party in commitment.parties.all()),
                    "goals": sorted(self.ref(Goal, goal.pk) for goal in commitment.goals.all()),
                    "review": [
                        {**_values(entry), "author": self.user(entry.author)}
                        for entry in commitment.review_entries.all()
                    ],
                }
            )
        return items

    def archive(self, archived: ArchivedPdf | ArchivedReport) -> dict[str, Any]:
        try:
            content = verified_content(archived)
        except ArchiveCorrupted:
            raise TransferError(
                f"The archived file {archived.file.name} is missing or no longer matches its checksum."
            ) from None
        return {
            **_file(archived.file.name, content),
            "archived_by": self.user(archived.archived_by),
            "archived_at": _moment(archived.archived_at),
        }

    def report(self, report: FollowUpReport) -> dict[str, Any]:
        # A report is named by its year, or by its year and period (a half or a quarter).
        year = self.refs[FollowUpReport][report.pk] = [report.year, report.period] if report.period else report.year
        outcomes = []
        commitment_outcomes = report.commitment_outcomes.order_by("pk").prefetch_related(
            Prefetch("party_comments", PartyComment.objects.select_related("party", "reported_by").order_by("pk"))
        )
        for outcome in commitment_outcomes:
            commitment = self.ref(Commitment, outcome.commitment_id)
            self.refs[CommitmentOutcome][outcome.pk] = [year, commitment]
            comments = []
            for comment in outcome.party_comments.all():
                name = self.organisation(comment.party)
                self.refs[PartyComment][comment.pk] = [year, commitment, name]
                reporter = self.organisation(comment.reported_by) if comment.reported_by_id else None
                comments.append({**_values(comment), "party": name, "reported_by": reporter})
            outcomes.append(
                {
                    **_values(outcome),
                    "commitment": commitment,
                    "evidence_file": self.evidence(outcome),
                    "party_comments": comments,
                }
            )

        def lines(queryset: models.QuerySet, model: type[models.Model], attname: str, to: type[models.Model]):
            items = []
            for line in queryset.order_by("pk"):
                ref = self.ref(to, getattr(line, f"{attname}_id"))
                self.refs[model][line.pk] = [year, ref]
                items.append({**_values(line), attname: ref})
            return items

        archived = ArchivedReport.objects.filter(report=report).select_related("archived_by").first()
        return {
            **_values(report),
            "commitment_outcomes": outcomes,
            **{
                name: lines(model._default_manager.filter(report=report), model, attname, to)
                for name, model, attname, to in REPORT_LINES
            },
            "archived": None if archived is None else self.archive(archived),
        }

    def evidence(self, outcome: CommitmentOutcome) -> dict[str, Any] | None:
        if not outcome.evidence_file:
            return None
        try:
            with outcome.evidence_file.open("rb") as stored:
                content = stored.read()
        except FileNotFoundError:
            raise TransferError(f"The evidence file {outcome.evidence_file.name} is missing.") from None
        return _file(outcome.evidence_file.name, content)

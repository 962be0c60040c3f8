"""The agreement as a document: everything the agreement page (and its print) shows, loaded in a fixed
number of queries and put in document order with its numbering."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from itertools import groupby

from django.db import connection
from django.db.models import Prefetch, Subquery
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agreements.models import (
    Agreement,
    CooperationForum,
    NumberedSection,
    Organisation,
    Section,
    Signatory,
    agreement_content_models,
    content_parent_field,
    content_rows,
    number_sections,
    party_names,
)
from focusareas.models import ActionPlan, ActivityRow, Commitment, FocusArea, FocusAreaSection, Goal
from samverkan.lib.queries import ANY_AGREEMENT, Prepared
from samverkan.lib.versions import count_of, has_history, history_of, latest_id

# The main part's fixed blocks in their usual order, with their usual headings ("" for none of its own).
MAIN_BLOCKS = {
    "period": gettext_lazy("Period of validity"),
    "purpose": gettext_lazy("Purpose"),
    "text": gettext_lazy("The agreement's sections"),
    "focus_areas": gettext_lazy("Focus areas"),
    "goals": gettext_lazy("Overall goals"),
    "standing_commitments": gettext_lazy("Standing commitments"),
    "forums": gettext_lazy("Cooperation forums"),
    "follow_up": gettext_lazy("Follow-up"),
    "closing": gettext_lazy("Copies and signatures"),
}
# Blocks printed without a heading unless the authors give them one ("Beslut" over the signatures, say).
UNHEADED_BLOCKS = {"period", "text", "closing"}


@dataclass
class MainBlock:
    """A fixed block of the main part where the authors placed it, under the heading they chose ("" for none); the
    forums may instead be printed in a section of the text (`section`, its key), where the authors wrote them."""

    name: str
    heading: str
    shown: bool = True
    section: str = ""
    number: str = ""  # "3." when the fixed blocks are numbered with the sections

    @property
    def anchor(self) -> str:
        return {"goals": "overall-goals"}.get(self.name, self.name.replace("_", "-"))


def main_blocks(layout: list) -> list[MainBlock]:
    """Every fixed block, in the order of the agreement's `layout` and with its headings; blocks it does not name
    follow in their usual order with their usual headings."""
    chosen: list[MainBlock] = []
    for entry in layout if isinstance(layout, list) else []:
        name = entry.get("block") if isinstance(entry, dict) else None
        if name in MAIN_BLOCKS and all(block.name != name for block in chosen):
            heading, section = entry.get("heading"), entry.get("section")
            chosen.append(
                MainBlock(
                    name,
                    heading if isinstance(heading, str) else "",
                    entry.get("shown") is not False,
                    section if isinstance(section, str) else "",
                )
            )
    named = {block.name for block in chosen}
    usual = [
        MainBlock(name, "" if name in UNHEADED_BLOCKS else str(heading))
        for name, heading in MAIN_BLOCKS.items()
        if name not in named
    ]
    return chosen + usual


@dataclass
class CommitmentGroup:
    """The commitments made by one party, or by several together ("Polisen förbinder sig att …")."""

    label: str
    commitments: list[Commitment]


@dataclass
class FocusAreaSectionView:
    """A section of a focus area with the activities and commitments that stand in it, numbered under the focus
    area ("4.3.1.") once Bilaga 1 is outlined."""

    section: FocusAreaSection
    rows: list[ActivityRow]
    commitment_groups: list[CommitmentGroup]
    number: str = ""
    depth: int = 2

    @property
    def heading(self) -> str:
        return self.section.heading

    @property
    def anchor(self) -> str:
        return f"focus-area-section-{self.section.pk}"


@dataclass
class FocusAreaView:
    """A focus area: its sections, then the activities, commitments and goals that stand in none of them."""

    focus_area: FocusArea
    rows: list[ActivityRow]
    commitment_groups: list[CommitmentGroup]
    goals: list[Goal]
    sections: list[FocusAreaSectionView] = field(default_factory=list)

    @property
    def version_key(self) -> str:
        """A digest of everything the focus area's HTML shows, from each item's version (every save of an item
        raises it) and place: the key of its cached HTML, so a change to any of them renders it anew."""
        focus_area = self.focus_area
        placement = focus_area.placement
        shown: list = [
            (focus_area.pk, focus_area.version, placement and (placement.pk, placement.version, placement.heading))
        ]
        for holder in (self, *self.sections):
            if holder is not self:
                shown.append(("section", holder.section.pk, holder.section.version, holder.number, holder.depth))
            shown += [("row", row.pk, row.version) for row in holder.rows]
            for group in holder.commitment_groups:
                shown.append(("group", group.label))
                shown += [
                    (c.pk, c.version, c.review_status, [(p.pk, p.name, p.party_name) for p in c.parties.all()])
                    for c in group.commitments
                ]
        shown += [("goal", goal.pk, goal.version) for goal in self.goals]
        return hashlib.sha256(repr(shown).encode()).hexdigest()

    @property
    def is_only_named(self) -> bool:
        """Whether the focus area is a name and nothing more (Bilaga 1's prose describes it): it then has no heading
        of its own in Bilaga 1, only its place in the agreement's list of focus areas."""
        return not (
            strip_tags(self.focus_area.description).strip()
            or self.rows
            or self.commitment_groups
            or self.goals
            or self.sections
        )


@dataclass
class OutlineItem:
    """One heading of a part (the agreement's or Bilaga 1) in document order: a section with the commitments written
    in it (and the forums, where the authors wrote them), a group of focus areas, or a focus area."""

    kind: str  # "section", "group" or "focus_area"
    number: str  # "3.1." or "" for a focus area inside a group
    heading: str
    depth: int
    section: Section | None = None
    focus_area: FocusAreaView | None = None
    place: str = ""  # a group's number, which names its anchor even when the part is printed without numbers
    commitment_groups: list[CommitmentGroup] = field(default_factory=list)
    holds_forums: bool = False

    @property
    def anchor(self) -> str:
        if self.section is not None:
            return f"section-{self.section.pk}"
        if self.focus_area is not None:
            return f"focus-area-{self.focus_area.focus_area.pk}"
        return f"group-{(self.place or self.number).strip('.').replace('.', '-')}"


@dataclass
class ActionPlanView:
    action_plan: ActionPlan
    by_focus_area: list[tuple[FocusArea | None, list[CommitmentGroup]]]


@dataclass
class Document:
    agreement: Agreement
    parties: list[Organisation]
    signatories: list[Signatory]
    forums: list[CooperationForum]
    agreement_sections: list[OutlineItem]
    appendix: list[OutlineItem]
    action_plans: list[ActionPlanView]
    focus_areas: list[FocusAreaView]
    goals: list[Goal]  # the goals of the whole agreement, outside every focus area
    # A citizen promise's promises are its body: each focus area a purpose heading over them, printed in the main
    # part after its sections, not in Bilaga 1.
    promises: list[OutlineItem] = field(default_factory=list)

    @cached_property
    def main_blocks(self) -> list[MainBlock]:
        """The main part's fixed blocks that are printed, in the authors' order: those shown that have something to
        say (forums printed in Bilaga 1 are not in the main part)."""
        agreement = self.agreement
        has_content = {
            "period": True,
            "purpose": bool(agreement.purpose),
            "text": bool(self.agreement_sections or self.promises or self.promise_action_plans),
            "focus_areas": bool(self.listed_focus_areas and agreement.lists_focus_areas),
            "goals": bool(agreement.overall_goal_list or self.goals),
            "standing_commitments": bool(agreement.standing_commitments),
            "forums": bool(self.forums) and not agreement.forums_in_appendix and not self.forums_in_section,
            "follow_up": bool(agreement.follow_up),
            "closing": True,
        }
        return [block for block in main_blocks(agreement.layout) if block.shown and has_content[block.name]]

    @property
    def appendix_forums(self) -> MainBlock | None:
        """The forums' block when the authors print it in Bilaga 1, after its sections."""
        if not (self.agreement.forums_in_appendix and self.forums) or self.forums_in_section:
            return None
        return next((b for b in main_blocks(self.agreement.layout) if b.name == "forums" and b.shown), None)

    @property
    def listed_focus_areas(self) -> list[FocusAreaView]:
        """The focus areas the agreement's list names, as set out in Bilaga 1: not those printed in its own text."""
        in_text = {entry.focus_area.focus_area.pk for entry in self.agreement_sections if entry.focus_area}
        return [view for view in self.focus_areas if view.focus_area.pk not in in_text]

    @property
    def sections_with_commitments(self) -> list[OutlineItem]:
        """The sections of both parts that have commitments written in their text, in document order."""
        return [entry for entry in (*self.agreement_sections, *self.appendix) if entry.commitment_groups]

    @property
    def forums_in_section(self) -> bool:
        """Whether the forums are printed in a section of the text, where the authors wrote them."""
        return any(entry.holds_forums for entry in (*self.agreement_sections, *self.appendix))

    @property
    def images(self) -> list:
        """Every stored image the document shows (its figures, its parties' logos): the files its PDF may read."""
        figures = [
            f.image for e in (*self.agreement_sections, *self.appendix) if e.section for f in e.section.figures.all()
        ]
        return figures + [party.logo for party in self.logos]

    @property
    def logos(self) -> list[Organisation]:
        """The parties that have a logo, in the agreement's party order."""
        return [party for party in self.parties if party.logo]

    @property
    def appendix_action_plans(self) -> list[ActionPlanView]:
        return [] if self.agreement.is_citizen_promise else self.action_plans

    @property
    def promise_action_plans(self) -> list[ActionPlanView]:
        return self.action_plans if self.agreement.is_citizen_promise else []

    @property
    def has_appendix(self) -> bool:
        """An agreement always has its Bilaga 1; a citizen promise only when something is written there."""
        return not self.agreement.is_citizen_promise or bool(self.appendix or self.appendix_forums)

    @property
    def appendix_contents(self) -> list[OutlineItem | FocusAreaSectionView]:
        """Bilaga 1's table of contents: its headings, each focus area followed by its sections."""
        contents: list[OutlineItem | FocusAreaSectionView] = []
        for entry in self.appendix:
            if entry.heading:
                contents.append(entry)
            if entry.focus_area is not None:
                contents += entry.focus_area.sections
        return contents


def group_by_party(
    commitments: list[Commitment], parties: list[Organisation], *, promises: bool = False, as_written: bool = False
) -> list[CommitmentGroup]:
    """Group commitments by who commits, in the parties' order, joint commitments last; each group is labelled with
    the names the agreement's text uses for its parties (`parties` from `Organisation.objects.parties_of`). In a
    citizen promise (`promises`) the parties promise, each by name: "Polisen och kommunen lovar att". Commitments
    written in a section's text keep the order they were written in (`as_written`): one group for each run of
    commitments by the same parties."""
    position = {party.pk: i for i, party in enumerate(parties)}

    def who(commitment: Commitment) -> tuple[int, ...]:
        return tuple(sorted(position.get(p.pk, len(position)) for p in commitment.parties.all()))

    groups = []
    ordered = commitments if as_written else sorted(commitments, key=lambda c: (len(who(c)), who(c), c.order, c.pk))
    for key, members in groupby(ordered, key=who):
        committed = [parties[i] for i in key if i < len(parties)]
        if promises:
            label = _("%(parties)s promise to") % {"parties": _(" and ").join(p.party_name for p in committed)}
        elif len(committed) > 1 and len(committed) == len(parties):
            label = _("Together the parties commit to")
        elif len(committed) == 1:
            label = _("%(party)s commits to") % {"party": committed[0].party_name}
        else:
            label = _("%(parties)s commit to") % {"parties": _(" and ").join(p.party_name for p in committed)}
        groups.append(CommitmentGroup(label=label, commitments=list(members)))
    return groups


def document_key(agreement: Agreement) -> str:
    """A digest that changes with anything in the agreement's document: every save and delete of the agreement and
    of its content (an administrator's included) leaves a history record, so the latest record of each kind is in
    it, with the links of its content to parties and goals (their number and latest id: any change to a set of
    links changes one of them) and the parties' names; in two queries, however large the draft. The key of HTML
    built from the whole document, which then need not be loaded."""
    with connection.cursor() as cursor:
        cursor.execute(*_latest_writes().with_values({ANY_AGREEMENT: agreement.pk}))
        state = cursor.fetchone()
    names = party_names(agreement.pk)
    return hashlib.sha256(repr((agreement.pk, state, names)).encode()).hexdigest()


@functools.cache
def _latest_writes() -> Prepared:
    """The query of `document_key`, written once: its two dozen subqueries take longer to build than to run."""

    def latest(model: type) -> Subquery:
        if model is Agreement:
            records = history_of(Agreement).filter(id=ANY_AGREEMENT)
        else:
            # By what it hangs under as the record names it: a deleted item's last record still names it.
            parent = content_parent_field(model)
            owners = content_rows(parent.related_model, ANY_AGREEMENT).values("pk")
            records = history_of(model).filter(**{f"{parent.attname}__in": owners})
        return latest_id(records, "history_id")

    def links(model: type, m2m) -> dict[str, Subquery]:
        owners = content_rows(model, ANY_AGREEMENT).values("pk")
        rows = m2m.remote_field.through.objects.filter(**{f"{m2m.m2m_field_name()}__in": owners})
        name = f"{model._meta.model_name}_{m2m.name}"
        return {f"{name}_count": count_of(rows), f"{name}_latest": latest_id(rows)}

    models = [model for model in agreement_content_models() if has_history(model)]
    shown = {f"latest_{model._meta.model_name}": latest(model) for model in models}
    for model in models:
        for m2m in model._meta.many_to_many:
            if m2m.remote_field.through._meta.auto_created:
                shown.update(links(model, m2m))
    queryset = Agreement.objects.filter(pk=ANY_AGREEMENT).order_by().annotate(**shown).values_list(*shown)
    return Prepared.of("samverkan_document_key", queryset)


def build_document(agreement: Agreement) -> Document:
    parties = list(Organisation.objects.parties_of(agreement.pk))
    sections = list(agreement.sections.prefetch_related("figures"))
    commitments = list(
        Commitment.objects.filter(agreement=agreement).prefetch_related(
            Prefetch("parties", queryset=Organisation.objects.parties_of(agreement.pk).only("pk", "name"))
        )
    )
    goals = list(Goal.objects.filter(agreement=agreement).select_related("indicator"))

    def in_place(focus_area: FocusArea, section_id: int | None) -> tuple[list[ActivityRow], list[CommitmentGroup]]:
        """The rows and commitments (those not in an action plan) that stand in the section, or in none."""
        rows = [row for row in focus_area.rows.all() if row.section_id == section_id]
        standing = [
            c
            for c in commitments
            if c.focus_area_id == focus_area.pk
            and c.action_plan_id is None
            and c.placement_id is None
            and c.section_id == section_id
        ]
        return rows, group_by_party(standing, parties, promises=agreement.is_citizen_promise)

    focus_areas = []
    for focus_area in (
        FocusArea.objects.filter(agreement=agreement).select_related("placement").prefetch_related("rows", "sections")
    ):
        rows, groups = in_place(focus_area, None)
        focus_areas.append(
            FocusAreaView(
                focus_area=focus_area,
                rows=rows,
                commitment_groups=groups,
                goals=[g for g in goals if g.focus_area_id == focus_area.pk],
                sections=[
                    FocusAreaSectionView(section, *in_place(focus_area, section.pk))
                    for section in focus_area.sections.all()
                ],
            )
        )
    focus_area_of = {view.focus_area.pk: view.focus_area for view in focus_areas}
    action_plans = [
        ActionPlanView(action_plan=plan, by_focus_area=_by_focus_area(plan, commitments, focus_area_of, parties))
        for plan in agreement.action_plans.all()
    ]
    promise = agreement.is_citizen_promise
    # A focus area is printed in the part of the section it is placed under; one placed nowhere, in Bilaga 1.
    in_agreement_part = {s.pk for s in sections if s.part == Section.Part.AGREEMENT}
    in_text = [view for view in focus_areas if view.focus_area.placement_id in in_agreement_part]
    elsewhere = [view for view in focus_areas if view.focus_area.placement_id not in in_agreement_part]
    agreement_sections = outline_part(
        [s for s in sections if s.part == Section.Part.AGREEMENT], in_text, unplaced=False
    )
    appendix = outline_part([s for s in sections if s.part == Section.Part.APPENDIX], [] if promise else elsewhere)
    written_in: dict[int, list[Commitment]] = {}
    for commitment in commitments:
        if commitment.placement_id is not None:
            written_in.setdefault(commitment.placement_id, []).append(commitment)
    forums_section = next((b.section for b in main_blocks(agreement.layout) if b.name == "forums" and b.shown), "")
    for entry in (*agreement_sections, *appendix):
        if entry.section is not None:
            entry.commitment_groups = group_by_party(
                written_in.get(entry.section.pk, []), parties, promises=promise, as_written=True
            )
            entry.holds_forums = bool(forums_section) and str(entry.section.key) == forums_section
    # Numbering turned off for a part: the sections keep their order and depth, without numbers.
    for numbered, outline in (
        (agreement.numbers_agreement, agreement_sections),
        (agreement.numbers_appendix, appendix),
    ):
        if not numbered:
            for entry in outline:
                entry.place, entry.number = entry.number, ""
                for part in entry.focus_area.sections if entry.focus_area else []:
                    part.number = ""
    document = Document(
        agreement=agreement,
        parties=parties,
        signatories=list(agreement.signatories.select_related("party")),
        forums=list(agreement.forums.all()),
        agreement_sections=agreement_sections,
        appendix=appendix,
        action_plans=action_plans,
        focus_areas=focus_areas,
        goals=[g for g in goals if g.focus_area_id is None],
        promises=[
            OutlineItem("focus_area", "", view.focus_area.title, 1, focus_area=view)
            for view in elsewhere
            if promise and not view.is_only_named
        ],
    )
    if agreement.numbers_agreement and agreement.numbers_blocks:
        number_main_part(document)
    return document


def number_main_part(document: Document) -> None:
    """Number the main part's headed blocks and its sections in one sequence ("1. Syfte, 2. Bakgrund, 3. Mål"): a
    block with a heading takes the next number, the sections of the text block follow on from it."""
    count = 0
    for block in document.main_blocks:
        if block.heading:
            count += 1
            block.number = f"{count}."
        if block.name == "text":
            offset = count
            for entry in document.agreement_sections:
                if entry.number:
                    entry.number = _shifted(entry.number, offset)
                    count = max(count, int(entry.number.split(".", 1)[0]))
                for part in entry.focus_area.sections if entry.focus_area else []:
                    if part.number:
                        part.number = _shifted(part.number, offset)


def _shifted(number: str, offset: int) -> str:
    """A section's number ("2.1.") with its first level moved on by `offset` ("5.1.")."""
    top, below = number.split(".", 1)
    return f"{int(top) + offset}.{below}"


def _by_focus_area(
    plan: ActionPlan, commitments: list[Commitment], focus_area_of: dict[int, FocusArea], parties: list[Organisation]
) -> list[tuple[FocusArea | None, list[CommitmentGroup]]]:
    """The plan's commitments under the focus areas they serve, in the focus areas' order; the rest last."""

    def position(commitment: Commitment) -> tuple[bool, int, int]:
        focus_area = focus_area_of.get(commitment.focus_area_id)
        return (focus_area is None, focus_area.order if focus_area else 0, commitment.focus_area_id or 0)

    in_plan = sorted((c for c in commitments if c.action_plan_id == plan.pk), key=position)
    return [
        (
            focus_area_of.get(focus_area_id),
            group_by_party(list(members), parties, promises=plan.agreement.is_citizen_promise),
        )
        for focus_area_id, members in groupby(in_plan, key=lambda c: c.focus_area_id)
    ]


def outline_part(
    sections: list[Section], focus_areas: list[FocusAreaView], *, unplaced: bool = True
) -> list[OutlineItem]:
    """A part (Bilaga 1, or the agreement's own) in reading order. Focus areas follow the section they are placed
    under (after its subsections), numbered as its next subsections; those sharing a group heading are numbered once
    under that heading; those placed under no section follow at the end (`unplaced`). A focus area that is only
    named has no heading there (nor does a group of such)."""
    numbered = number_sections(sections)
    placed: dict[int | None, list[FocusAreaView]] = {}
    for view in (v for v in focus_areas if not v.is_only_named):
        placed.setdefault(view.focus_area.placement_id, []).append(view)

    def focus_area_item(view: FocusAreaView, number: str, depth: int) -> OutlineItem:
        # Its sections are numbered under it (4.3.1.), or not at all when the focus area has no number of its own.
        for index, part in enumerate(view.sections, start=1):
            part.number, part.depth = (f"{number}{index}." if number else ""), depth + 1
        return OutlineItem("focus_area", number, view.focus_area.title, depth, focus_area=view)

    def focus_area_items(parent: NumberedSection | None, child_count: int) -> list[OutlineItem]:
        prefix, depth = (parent.number, parent.depth + 1) if parent else ("", 1)
        items: list[OutlineItem] = []
        index = child_count
        views = placed.get(parent.section.pk if parent else None, [])
        for heading, members in groupby(views, key=lambda v: v.focus_area.group_heading):
            members = list(members)
            if heading:
                index += 1
                items.append(OutlineItem("group", f"{prefix}{index}.", heading, depth))
                items += [focus_area_item(v, "", depth + 1) for v in members]
            else:
                for view in members:
                    index += 1
                    items.append(focus_area_item(view, f"{prefix}{index}.", depth))
        return items

    items: list[OutlineItem] = []
    pending: list[tuple[NumberedSection, int]] = []  # sections whose subsections are still being listed
    for entry in numbered:
        while pending and pending[-1][0].depth >= entry.depth:
            parent, children = pending.pop()
            items += focus_area_items(parent, children)
        if pending and entry.number:
            pending[-1] = (pending[-1][0], pending[-1][1] + 1)
        items.append(OutlineItem("section", entry.number, entry.section.heading, entry.depth, section=entry.section))
        pending.append((entry, 0))
    while pending:
        parent, children = pending.pop()
        items += focus_area_items(parent, children)
    top_level = sum(1 for entry in numbered if entry.depth == 1 and entry.number)
    return items + (focus_area_items(None, top_level) if unplaced else [])

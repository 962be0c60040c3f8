"""Writes that span several models or guard against lost updates."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from samverkan.lib.versions import claim_fingerprint, claim_version, fingerprint, versions

from .models import Agreement, ArchivedFile, ArchivedPdf, Organisation, Section, number_sections
from .pdf import agreement_pdf


def agreement_fingerprint(agreement: Agreement) -> str:
    """The state of the agreement and of everything in its text: what the signatures are recorded on."""
    from focusareas.models import ActionPlan, ActivityRow, Commitment, FocusArea, Goal, Indicator

    pk = agreement.pk
    querysets = [
        Agreement.objects.filter(pk=pk),
        Section.objects.filter(agreement_id=pk),
        FocusArea.objects.filter(agreement_id=pk),
        Goal.objects.filter(agreement_id=pk),
        Indicator.objects.filter(goal__agreement_id=pk),
        ActivityRow.objects.filter(focus_area__agreement_id=pk),
        ActionPlan.objects.filter(agreement_id=pk),
        Commitment.objects.filter(agreement_id=pk),
        agreement.party_links.all(),
        agreement.signatories.all(),
        agreement.forums.all(),
    ]
    return fingerprint(row for queryset in querysets for row in versions(queryset))


@transaction.atomic
def agreement_save(*, form, formsets: list, user: AbstractBaseUser | None, loaded_version: int | None) -> Agreement:
    """Save the agreement form and its inline formsets as one change. A change of parties sends an agreement in
    review, or with accepted commitments, back to draft for a new review, recorded as the user's (None only when
    the agreement is new)."""
    from focusareas.services import agreement_parties_changed

    agreement: Agreement = form.instance
    existing = agreement.pk is not None
    if existing:
        claim_version(instance=agreement, loaded_version=loaded_version or 0)
        parties_before = set(Organisation.objects.filter(agreement_parties__agreement=agreement))
    agreement = form.save()
    for formset in formsets:
        formset.instance = agreement
        formset.save()
        if "order" not in formset.form.base_fields:
            _keep_form_order(formset)
    if existing:
        parties_after = set(Organisation.objects.filter(agreement_parties__agreement=agreement))
        if parties_after != parties_before:
            agreement_parties_changed(
                agreement=agreement,
                user=user,
                removed=sorted(parties_before - parties_after, key=str),
                added=sorted(parties_after - parties_before, key=str),
            )
    return agreement


class AlreadyCreated(Exception):
    """The same new-agreement form was sent twice (a double click); the first submission created the agreement."""

    def __init__(self, agreement: Agreement) -> None:
        super().__init__(agreement)
        self.agreement = agreement


def agreement_create(*, form, formsets: list, creation_key) -> Agreement:
    """Create the agreement of a new-agreement form once, however often the form is sent."""
    form.instance.creation_key = creation_key
    try:
        with transaction.atomic():
            return agreement_save(form=form, formsets=formsets, user=None, loaded_version=None)
    except IntegrityError:
        existing = Agreement.objects.filter(creation_key=creation_key).first() if creation_key else None
        if existing is None:
            raise
        raise AlreadyCreated(existing) from None


def _keep_form_order(formset) -> None:
    """Rows without an order field of their own keep the order in which the form lists them."""
    kept = [form.instance for form in formset.forms if form.instance.pk is not None]
    for position, instance in enumerate(kept):
        if instance.order != position:
            instance.order = position
            instance.save(update_fields=["order"])


def _next_order(*, agreement: Agreement, part: str, parent: Section | None) -> int:
    last = Section.objects.filter(agreement=agreement, part=part, parent=parent).aggregate(last=Max("order"))["last"]
    return 0 if last is None else last + 1


@transaction.atomic
def section_create(*, agreement: Agreement, part: str, parent: Section | None, heading: str, body: str) -> Section:
    section = Section(
        agreement=agreement,
        part=part,
        parent=parent,
        heading=heading,
        body=body,
        order=_next_order(agreement=agreement, part=part, parent=parent),
    )
    section.full_clean()
    section.save()
    return section


@transaction.atomic
def section_update(
    *, section: Section, loaded_version: int, heading: str, body: str, parent: Section | None
) -> Section:
    claim_version(instance=section, loaded_version=loaded_version)
    if parent != section.parent:
        section.order = _next_order(agreement=section.agreement, part=section.part, parent=parent)
        section.parent = parent
    section.heading = heading
    section.body = body
    section.full_clean()
    section.save()
    return section


@transaction.atomic
def reorder(*, instance: models.Model, siblings: models.QuerySet, step: int) -> None:
    """Move an item one place up (step -1) or down (step +1) among its siblings, renumbering their order."""
    instance.refuse_if_frozen()  # also when there is nowhere to move
    ordered = sorted(siblings.select_for_update(), key=lambda s: (s.order, s.pk))
    index = next(i for i, s in enumerate(ordered) if s.pk == instance.pk)
    target = index + step
    if not 0 <= target < len(ordered):
        return
    ordered[index], ordered[target] = ordered[target], ordered[index]
    for position, sibling in enumerate(ordered):
        if sibling.order != position:
            sibling.order = position
            sibling.save(update_fields=["order"])


def section_move(*, section: Section, step: int) -> None:
    siblings = Section.objects.filter(agreement_id=section.agreement_id, part=section.part, parent_id=section.parent_id)
    reorder(instance=section, siblings=siblings, step=step)


def agreement_sign(
    *,
    agreement: Agreement,
    user,
    loaded_version: str | None = None,
    signing_place: str,
    signing_date: date,
    signed_on: dict[int, date],
) -> ArchivedPdf:
    """Record the signatures, freeze the agreement and archive its PDF with its checksum, all or nothing; refused
    with StaleEdit if the agreement or its text changed after the signing form was loaded."""
    from focusareas.services import agreement_check_ready_for_signing

    archived = None
    try:
        with transaction.atomic():
            agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
            claim_fingerprint(current=agreement_fingerprint(agreement), loaded_version=loaded_version)
            agreement_check_ready_for_signing(agreement)
            signatories = list(agreement.signatories.all())
            if not signatories:
                raise ValidationError(_("Add the signatories before the agreement is signed."))
            if set(signed_on) != {s.pk for s in signatories}:
                raise ValidationError(_("Give the date on which each signatory signed."))
            for signatory in signatories:
                signatory.signed_on = signed_on[signatory.pk]
                signatory.save(update_fields=["signed_on"])
            agreement.signing_place = signing_place
            agreement.signing_date = signing_date
            agreement.status = Agreement.Status.SIGNED
            agreement.full_clean()
            agreement.save()
            archived = ArchivedPdf(agreement=agreement, archived_by=user)
            archive_pdf(archived)
    except BaseException:
        # No archive file may outlive a signing that did not happen.
        if archived is not None and archived.file:
            archived.file.delete(save=False)
        raise
    return archived


def archive_pdf(archived: ArchivedPdf) -> None:
    """Render the (signed) agreement once and store the PDF with its checksum."""
    agreement = archived.agreement
    store_archived(archived, agreement_pdf(agreement), f"{slugify(agreement.title)}-rev{agreement.revision}")


def store_archived(archived: ArchivedFile, content: bytes, name: str) -> None:
    """Store a rendered document with its checksum; the name ends with the checksum's start, so it is unique."""
    archived.sha256 = hashlib.sha256(content).hexdigest()
    archived.size = len(content)
    archived.file.save(f"{name}-{archived.sha256[:12]}.pdf", ContentFile(content))


class ArchiveCorrupted(Exception):
    """An archived PDF no longer matches the checksum it was archived with."""


def verified_content(archived: ArchivedPdf) -> bytes:
    """An archived file's content (anything with `file` and `sha256`), provided its checksum still matches;
    otherwise ArchiveCorrupted."""
    try:
        with archived.file.open("rb") as stored:
            content = stored.read()
    except FileNotFoundError:
        raise ArchiveCorrupted(archived) from None
    if hashlib.sha256(content).hexdigest() != archived.sha256:
        raise ArchiveCorrupted(archived)
    return content


def _shifted(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


@transaction.atomic
def agreement_copy(*, source: Agreement, **changes) -> Agreement:
    """A new draft with the source's parties, signatories, forums, sections, focus areas, activities, goals,
    action plans and commitments. Copied items keep their keys, so that revisions can be compared."""
    from focusareas.models import ActionPlan, ActivityRow, Commitment, FocusArea, Goal, Indicator

    def copy(instance: models.Model, **values) -> models.Model:
        instance.pk = instance.id = None
        instance._state.adding = True
        instance._prefetched_objects_cache = {}  # the copy's relations start empty, not as the source's
        for name, value in values.items():
            setattr(instance, name, value)
        instance.save()
        return instance

    agreement = copy(
        Agreement.objects.get(pk=source.pk),
        status=Agreement.Status.DRAFT,
        version=1,
        creation_key=None,
        signing_place="",
        signing_date=None,
        **changes,
    )
    for party in source.party_links.all():
        copy(party, agreement=agreement)
    for signatory in source.signatories.all():
        copy(signatory, agreement=agreement, signed_on=None)
    for forum in source.forums.all():
        copy(forum, agreement=agreement)
    sections: dict[int, Section] = {}
    for part in Section.Part.values:
        for entry in number_sections(list(source.sections.filter(part=part))):  # parents before their children
            section, old_pk = entry.section, entry.section.pk
            sections[old_pk] = copy(section, agreement=agreement, parent=sections.get(section.parent_id), version=1)
    focus_areas = {
        old.pk: copy(old, agreement=agreement, placement=sections.get(old.placement_id), version=1)
        for old in FocusArea.objects.filter(agreement=source)
    }
    goals = {}
    for old in Goal.objects.filter(agreement=source):
        old_pk, indicator = old.pk, Indicator.objects.filter(goal=old).first()
        goals[old_pk] = copy(old, agreement=agreement, focus_area=focus_areas.get(old.focus_area_id), version=1)
        if indicator is not None:
            copy(indicator, goal=goals[old_pk])
    plans = {old.pk: copy(old, agreement=agreement, version=1) for old in ActionPlan.objects.filter(agreement=source)}
    for old in ActivityRow.objects.filter(focus_area__agreement=source).prefetch_related("goals"):
        served = [goals[g.pk] for g in old.goals.all()]
        copy(old, focus_area=focus_areas[old.focus_area_id], version=1).goals.set(served)
    for old in Commitment.objects.filter(agreement=source).prefetch_related("parties", "goals"):
        parties, served = list(old.parties.all()), [goals[g.pk] for g in old.goals.all()]
        commitment = copy(
            old,
            agreement=agreement,
            focus_area=focus_areas.get(old.focus_area_id),
            action_plan=plans.get(old.action_plan_id),
            review_status=Commitment.ReviewStatus.OPEN,
            version=1,
        )
        commitment.parties.set(parties)
        commitment.goals.set(served)
    return agreement


@transaction.atomic
def agreement_new_revision(*, agreement: Agreement) -> Agreement:
    """An amendment of a signed agreement: a draft that goes through review and signing again."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)  # one revision, however many clicks
    if agreement.status != Agreement.Status.SIGNED:
        raise ValidationError(_("Only a signed agreement can be amended with a new revision."))
    if agreement.later_revisions.exists():
        raise ValidationError(_("This agreement already has a newer revision."))
    return agreement_copy(source=agreement, revision=agreement.revision + 1, previous_revision=agreement, renews=None)


@transaction.atomic
def agreement_renew(*, agreement: Agreement) -> Agreement:
    """A draft for the next period, with this agreement's content, parties and structure."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)  # one renewal, however many clicks
    if agreement.renewals.exists():
        raise ValidationError(_("This agreement has already been renewed."))
    changes: dict = {"revision": 1, "previous_revision": None, "renews": agreement}
    if agreement.end_date:
        years = max(1, round((agreement.end_date - agreement.start_date).days / 365.25))
        try:
            changes["start_date"] = agreement.end_date + timedelta(days=1)
            changes["end_date"] = _shifted(agreement.end_date, years)
        except (OverflowError, ValueError):  # dates entered in the admin at the end of the calendar
            raise ValidationError(_("The next period would end after the year 9999.")) from None
        old_label = agreement.period_label
        new_label = f"{changes['start_date'].year}–{changes['end_date'].year}"
        title = agreement.title.replace(old_label, new_label)
        # A title that would grow past its column keeps its old wording.
        changes["title"] = title if len(title) <= Agreement._meta.get_field("title").max_length else agreement.title
    else:
        changes["start_date"] = timezone.localdate()
    return agreement_copy(source=agreement, **changes)

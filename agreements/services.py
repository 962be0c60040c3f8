"""Writes that span several models or guard against lost updates."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.lib.versions import claim_version

from .models import Agreement, Figure, Organisation, Section, agreement_content_models, content_rows

# Sent inside the transaction of a save that changed an agreement's parties (with agreement, user, removed, added):
# what builds on the agreement, such as the police review of its commitments, reacts before the change commits.
parties_changed = Signal()
# Sent inside the transaction that made a new revision (with source, revision): what builds on the content, such as
# the police review, carries over what still holds for the content left unchanged.
revision_created = Signal()


@transaction.atomic
def agreement_save(*, form, formsets: list, user: AbstractBaseUser | None, loaded_version: int | None) -> Agreement:
    """Save the agreement form and its inline formsets as one change. A change of parties sends an agreement in
    review, or with accepted commitments, back to draft for a new review, recorded as the user's (None only when
    the agreement is new)."""
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
            parties_changed.send(
                sender=Agreement,
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
def figure_save(*, figure: Figure, loaded_version: int | None) -> Figure:
    """Save a figure as its form left it: a new one last in its section, an edited one over the version it was
    loaded with (StaleEdit otherwise)."""
    if figure.pk is None:
        figure.order = (figure.section.figures.aggregate(last=Max("order"))["last"] or 0) + 1
    else:
        claim_version(instance=figure, loaded_version=loaded_version or 0)
    figure.full_clean()
    figure.save()
    return figure


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


def _shifted(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def _copy_order(content: list[type[models.Model]]) -> list[type[models.Model]]:
    """The content models, each after the models its foreign keys and many-to-many links point to (a link to its own
    kind, a section's parent, aside), so that every copy can point to copies."""
    ordered: list[type[models.Model]] = []
    remaining = list(content)
    while remaining:
        model = next(
            model
            for model in remaining
            if all(
                field.related_model in ordered or field.related_model is model or field.related_model not in content
                for field in _links(model)
            )
        )
        ordered.append(model)
        remaining.remove(model)
    return ordered


def _links(model: type[models.Model]) -> list[models.Field]:
    return [field for field in model._meta.get_fields() if field.concrete and field.is_relation]


@transaction.atomic
def agreement_copy(*, source: Agreement, **changes) -> Agreement:
    """A new draft with the source's content: every model of `agreement_content_models()` that is `in_copy` (parties,
    signatories, forums, sections, focus areas, activities, goals, action plans, commitments), each row pointing to
    the copies of what the source's pointed to. Copied items keep their keys, so that revisions can be compared;
    versions start again at 1 and each model resets what it declares in `reset_on_copy`."""

    def copy(instance: models.Model, **values) -> models.Model:
        instance.pk = instance.id = None
        instance._state.adding = True
        instance._prefetched_objects_cache = {}  # the copy's relations start empty, not as the source's
        for name, value in values.items():
            setattr(instance, name, value)
        instance.save()
        return instance

    def restarted(model: type[models.Model]) -> dict:
        version = {"version": 1} if any(field.name == "version" for field in model._meta.fields) else {}
        return {**version, **model.reset_on_copy}

    agreement = copy(Agreement.objects.get(pk=source.pk), **{**restarted(Agreement), **changes})
    content = [model for model in agreement_content_models() if model is not Agreement and model.in_copy]
    copies: dict[type[models.Model], dict[int, models.Model]] = {Agreement: {source.pk: agreement}}
    for model in _copy_order(content):
        keys = [field for field in _links(model) if field.many_to_one or field.one_to_one]
        many = [field for field in _links(model) if field.many_to_many]
        copied = copies.setdefault(model, {})
        pending = list(content_rows(model, source.pk).prefetch_related(*(field.name for field in many)))
        while pending:  # a row under another of its kind (a subsection) after that one
            waiting = []
            for old in pending:
                if any(
                    field.related_model is model and getattr(old, field.attname) not in (None, *copied)
                    for field in keys
                ):
                    waiting.append(old)
                    continue
                old_pk = old.pk
                linked = {field.name: list(getattr(old, field.name).all()) for field in many}
                pointed = {
                    field.name: copies[field.related_model].get(getattr(old, field.attname))
                    for field in keys
                    if field.related_model in copies
                }
                copied[old_pk] = copy(old, **pointed, **restarted(model))
                for name, targets in linked.items():
                    related = getattr(copied[old_pk], name)
                    mapped = copies.get(related.model)
                    related.set([mapped[target.pk] for target in targets] if mapped is not None else targets)
            if len(waiting) == len(pending):
                raise ValueError(f"{model._meta.label} rows hang under rows outside agreement {source.pk}")
            pending = waiting
    return agreement


@transaction.atomic
def agreement_new_revision(*, agreement: Agreement) -> Agreement:
    """An amendment of a signed agreement: a draft that goes through review and signing again."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)  # one revision, however many clicks
    if agreement.status != Agreement.Status.SIGNED:
        raise ValidationError(_("Only a signed agreement can be amended with a new revision."))
    if agreement.later_revisions.exists():
        raise ValidationError(_("This agreement already has a newer revision."))
    revision = agreement_copy(
        source=agreement, revision=agreement.revision + 1, previous_revision=agreement, renews=None
    )
    revision_created.send(sender=Agreement, source=agreement, revision=revision)
    return revision


@transaction.atomic
def agreement_renew(*, agreement: Agreement) -> Agreement:
    """A draft for the next period, with this agreement's content, parties and structure."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)  # one renewal, however many clicks
    if agreement.renewals.exists():
        raise ValidationError(_("This agreement has already been renewed."))
    # The next period is followed up from its own start.
    changes: dict = {"revision": 1, "previous_revision": None, "renews": agreement, "first_follow_up_year": None}
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

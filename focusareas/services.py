"""Writes to focus areas, activity rows, commitments and goals, and the police's review of the commitments."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count, Max, OuterRef, Subquery
from django.dispatch import receiver
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_create_with_history

from agreements.models import Agreement, Membership, Organisation, Party
from agreements.services import parties_changed, revision_created
from samverkan.lib.versions import claim_fingerprint, claim_version, fingerprint, versions

from .access import may_review
from .mail import send_all_accepted, send_change_requested, send_comment, send_review_comment, send_review_requested
from .models import ActionPlan, ActivityRow, Comment, Commitment, FocusArea, FocusAreaSection, Goal, ReviewEntry
from .paste import PastedRow


def siblings_of(item: models.Model) -> models.QuerySet:
    """The items that share an order with this one: activities and commitments are printed in order within their
    section of the focus area (or outside every section)."""
    match item:
        case FocusArea():
            return FocusArea.objects.filter(agreement_id=item.agreement_id)
        case FocusAreaSection():
            return FocusAreaSection.objects.filter(focus_area_id=item.focus_area_id)
        case ActivityRow():
            return ActivityRow.objects.filter(focus_area_id=item.focus_area_id, section_id=item.section_id)
        case Commitment():
            return Commitment.objects.filter(
                agreement_id=item.agreement_id,
                focus_area_id=item.focus_area_id,
                action_plan_id=item.action_plan_id,
                section_id=item.section_id,
            )
        case Goal():
            return Goal.objects.filter(agreement_id=item.agreement_id, focus_area_id=item.focus_area_id)
        case ActionPlan():
            return ActionPlan.objects.filter(agreement_id=item.agreement_id)
    raise TypeError(item)


def _next_order(queryset: models.QuerySet) -> int:
    last = queryset.aggregate(last=Max("order"))["last"]
    return 0 if last is None else last + 1


@transaction.atomic
def item_save(*, form, loaded_version: int | None) -> models.Model:
    """Save a new item last among its siblings, or an edited one unless someone saved it in the meantime."""
    item = form.instance
    if item.pk is None:
        item.order = _next_order(siblings_of(item))
    elif hasattr(item, "version"):
        claim_version(instance=item, loaded_version=loaded_version or 0)
    return form.save()


@transaction.atomic
def commitment_save(*, form, user: AbstractBaseUser, loaded_version: int | None) -> Commitment:
    """Save a commitment; a reviewed commitment that staff change goes back to the police for review."""
    revised = form.instance.pk is not None and form.has_changed()
    commitment: Commitment = item_save(form=form, loaded_version=loaded_version)
    if revised and (
        commitment.review_status != Commitment.ReviewStatus.OPEN
        or commitment.agreement.status == Agreement.Status.REVIEW
    ):
        commitment.review_status = Commitment.ReviewStatus.OPEN
        commitment.save(update_fields=["review_status"])
        ReviewEntry.objects.create(commitment=commitment, author=user, kind=ReviewEntry.Kind.REVISED)
    return commitment


@transaction.atomic
def goal_save(*, form, indicator_form, loaded_version: int | None) -> Goal:
    """Save a goal with its indicator, or without one when "what is measured" is left empty."""
    goal: Goal = item_save(form=form, loaded_version=loaded_version)
    if indicator_form.is_wanted:
        indicator = indicator_form.save(commit=False)
        indicator.goal = goal
        indicator.save()
    elif indicator_form.instance.pk is not None:
        indicator_form.instance.delete()
    return goal


def rows_fingerprint(focus_area: FocusArea) -> str:
    """The state of the focus area's activity table, which a paste is previewed against."""
    return fingerprint(versions(ActivityRow.objects.filter(focus_area_id=focus_area.pk)))


@transaction.atomic
def rows_paste(
    *, focus_area: FocusArea, rows: list[PastedRow], user: AbstractBaseUser, loaded_fingerprint: str | None = None
) -> list[ActivityRow]:
    """Add pasted rows after the focus area's existing ones, all or none; refused with StaleEdit if the table
    changed after the paste was previewed (another paste, or the same one sent twice)."""
    focus_area.refuse_if_frozen()  # bulk creation bypasses the rows' own check
    list(FocusArea.objects.select_for_update().filter(pk=focus_area.pk).values_list("pk"))  # one paste at a time
    claim_fingerprint(current=rows_fingerprint(focus_area), loaded_fingerprint=loaded_fingerprint)
    start = _next_order(focus_area.rows.all())
    created = [
        ActivityRow(
            focus_area=focus_area,
            activity=row.activity,
            measure=row.measure,
            follow_up=row.follow_up,
            goal_effect=row.goal_effect,
            order=start + index,
        )
        for index, row in enumerate(rows)
    ]
    for row in created:
        row.full_clean(exclude=["focus_area"])
    return bulk_create_with_history(created, ActivityRow, default_user=user)


def _commitments_of(owner: FocusArea | ActionPlan) -> models.QuerySet[Commitment]:
    if isinstance(owner, FocusArea):
        return Commitment.objects.filter(focus_area_id=owner.pk)
    return Commitment.objects.filter(action_plan_id=owner.pk)


def commitments_fingerprint(owner: FocusArea | ActionPlan) -> str:
    """The state of the commitments of a focus area or action plan, which a pasted list is previewed against."""
    return fingerprint(versions(_commitments_of(owner)))


@transaction.atomic
def commitments_paste(
    *,
    owner: FocusArea | ActionPlan,
    texts: list[str],
    parties: list[Organisation],
    user: AbstractBaseUser,
    loaded_fingerprint: str | None = None,
) -> list[Commitment]:
    """Add one commitment per pasted item, made by the parties chosen, after the focus area's or action plan's
    existing ones, all or none; refused with StaleEdit if its commitments changed after the list was previewed
    (another paste, or the same one sent twice)."""
    owner.refuse_if_frozen()
    list(type(owner).objects.select_for_update().filter(pk=owner.pk).values_list("pk"))  # one paste at a time
    claim_fingerprint(current=commitments_fingerprint(owner), loaded_fingerprint=loaded_fingerprint)
    agreement_parties = set(
        Party.objects.filter(agreement_id=owner.agreement_id).values_list("organisation_id", flat=True)
    )
    if not parties or any(party.pk not in agreement_parties for party in parties):
        raise ValidationError(_("Choose who commits among the agreement's parties."))
    place = {"focus_area": owner} if isinstance(owner, FocusArea) else {"action_plan": owner}
    start = _next_order(siblings_of(Commitment(agreement_id=owner.agreement_id, **place)))
    created = []
    for index, text in enumerate(texts):
        commitment = Commitment(agreement_id=owner.agreement_id, text=text, order=start + index, **place)
        commitment._history_user = user  # the history's author also when no request is under way
        commitment.full_clean()
        commitment.save()
        commitment.parties.set(parties)
        created.append(commitment)
    return created


@transaction.atomic
def agreement_send_for_review(*, agreement: Agreement, user: AbstractBaseUser) -> None:
    """Hand a draft to the police area's reviewers and tell them by e-mail."""
    # Conditional, so that of two clicks at once only one sends the agreement (and the e-mails).
    if not Agreement.objects.filter(pk=agreement.pk, status=Agreement.Status.DRAFT).update(
        status=Agreement.Status.REVIEW
    ):
        raise ValidationError(_("Only a draft can be sent for review."))
    agreement.status = Agreement.Status.REVIEW
    agreement.save(update_fields=["status", "updated_at"])
    send_review_requested(agreement=agreement, user=user)


def _decide(
    *, commitment: Commitment, user: AbstractBaseUser, loaded_version: int, status: str, kind: str, text: str = ""
) -> None:
    """Record a decision on the commitment as the reviewer saw it: refused with StaleEdit if it was changed, or
    decided by someone else, after the review page was loaded."""
    # One decision on an agreement at a time, so that the last of them sees every other and tells that all are in.
    stage = Agreement.objects.select_for_update().filter(pk=commitment.agreement_id).values_list("status", flat=True)
    if stage.first() != Agreement.Status.REVIEW:
        raise ValidationError(_("Commitments are reviewed while the agreement is in review."))
    if not may_review(user, commitment.agreement):
        raise PermissionDenied
    # Read under the row's lock, so that of two acceptances sent at once the second sees the first.
    stored = Commitment.objects.select_for_update().values_list("review_status", flat=True).get(pk=commitment.pk)
    if stored == status == Commitment.ReviewStatus.ACCEPTED:
        raise ValidationError(_("The commitment is already accepted."))
    claim_version(instance=commitment, loaded_version=loaded_version)
    commitment.review_status = status
    commitment.save(update_fields=["review_status"])
    ReviewEntry.objects.create(commitment=commitment, author=user, kind=kind, text=text)


@transaction.atomic
def commitment_accept(*, commitment: Commitment, user: AbstractBaseUser, loaded_version: int) -> None:
    _decide(
        commitment=commitment,
        user=user,
        loaded_version=loaded_version,
        status=Commitment.ReviewStatus.ACCEPTED,
        kind=ReviewEntry.Kind.ACCEPTED,
    )
    if not open_commitments(commitment.agreement).exists():
        send_all_accepted(agreement=commitment.agreement)


@transaction.atomic
def commitment_request_change(
    *, commitment: Commitment, user: AbstractBaseUser, loaded_version: int, text: str
) -> None:
    _decide(
        commitment=commitment,
        user=user,
        loaded_version=loaded_version,
        status=Commitment.ReviewStatus.CHANGE_REQUESTED,
        kind=ReviewEntry.Kind.CHANGE_REQUESTED,
        text=text,
    )
    send_change_requested(commitment=commitment, user=user)


@transaction.atomic
def agreement_parties_changed(
    *, agreement: Agreement, user: AbstractBaseUser, removed: list[Organisation], added: list[Organisation]
) -> None:
    """After its parties changed, an agreement in review or with accepted commitments goes back to draft with every
    commitment open: an acceptance binds the police party whose reviewer gave it, and a new party has reviewed
    nothing."""
    commitments = list(Commitment.objects.select_for_update().filter(agreement=agreement))
    accepted = any(c.review_status == Commitment.ReviewStatus.ACCEPTED for c in commitments)
    if agreement.status != Agreement.Status.REVIEW and not accepted:
        return
    agreement.status = Agreement.Status.DRAFT
    agreement.save(update_fields=["status", "updated_at"])
    names = ", ".join
    text = _("Removed: %(removed)s. Added: %(added)s. The commitments are to be reviewed again.") % {
        "removed": names(o.name for o in removed) or "–",
        "added": names(o.name for o in added) or "–",
    }
    for commitment in commitments:
        commitment.review_status = Commitment.ReviewStatus.OPEN
        commitment.version += 1  # a decision from a review page loaded before the change is refused
        commitment.save(update_fields=["review_status", "version"])
    ReviewEntry.objects.bulk_create(
        ReviewEntry(commitment=c, author=user, kind=ReviewEntry.Kind.PARTIES_CHANGED, text=text) for c in commitments
    )


@receiver(parties_changed, sender=Agreement)
def _review_again_after_parties_changed(sender, *, agreement, user, removed, added, **kwargs) -> None:
    agreement_parties_changed(agreement=agreement, user=user, removed=removed, added=added)


@receiver(revision_created, sender=Agreement)
def _carry_the_review_over(sender, *, source: Agreement, revision: Agreement, **kwargs) -> None:
    """The police's acceptance of each commitment carries over to its copy in the new revision (found by its key),
    as long as the copy is not changed: a change sends it back to review as in any draft."""
    latest: dict = {}
    for key, author_id in (
        ReviewEntry.objects.filter(commitment__agreement=source, kind=ReviewEntry.Kind.ACCEPTED)
        .filter(commitment__review_status=Commitment.ReviewStatus.ACCEPTED)
        .order_by("created_at", "pk")
        .values_list("commitment__key", "author_id")
    ):
        latest[key] = author_id
    copies = list(Commitment.objects.filter(agreement=revision, key__in=latest))
    Commitment.objects.filter(pk__in=[c.pk for c in copies]).update(review_status=Commitment.ReviewStatus.ACCEPTED)
    text = _("Accepted in revision %(number)d and unchanged since.") % {"number": source.revision}
    ReviewEntry.objects.bulk_create(
        ReviewEntry(commitment=c, author_id=latest[c.key], kind=ReviewEntry.Kind.ACCEPTED, text=text) for c in copies
    )


@transaction.atomic
def comment_add(*, agreement: Agreement, about: str, key, item: str, user: AbstractBaseUser, text: str) -> Comment:
    """A comment in the thread of a section, focus area, activity row or goal (`item` names it), from staff or the
    police; the other side is told."""
    comment = Comment(agreement=agreement, about=about, key=key, author=user, text=text)
    comment.full_clean()
    comment.save()
    send_comment(comment=comment, item=item, user=user, from_the_police=may_review(user, agreement))
    return comment


@transaction.atomic
def commitment_comment(*, commitment: Commitment, user: AbstractBaseUser, text: str) -> ReviewEntry:
    """A comment in the review thread, from staff or the police; it changes no decision. The other side is told."""
    entry = ReviewEntry.objects.create(commitment=commitment, author=user, kind=ReviewEntry.Kind.COMMENT, text=text)
    send_review_comment(commitment=commitment, user=user, from_the_police=may_review(user, commitment.agreement))
    return entry


def open_commitments(agreement: Agreement) -> models.QuerySet[Commitment]:
    return Commitment.objects.filter(agreement=agreement).exclude(review_status=Commitment.ReviewStatus.ACCEPTED)


def agreement_check_ready_for_signing(agreement: Agreement) -> None:
    """Raise unless the police have reviewed the agreement and accepted every commitment."""
    obstacle = signing_obstacles([agreement]).get(agreement.pk)
    if obstacle:
        raise ValidationError(obstacle)


def signing_obstacles(agreements: Iterable[Agreement]) -> dict[int, str]:
    """Why each agreement that the police have not yet reviewed in full (every commitment accepted) cannot be signed
    yet; the others are not named. The same queries however many agreements are asked about."""
    agreements = list(agreements)
    obstacles = {
        a.pk: _("The agreement must have been reviewed by the police before it is signed.")
        for a in agreements
        if a.status != Agreement.Status.REVIEW
    }
    in_review = [a.pk for a in agreements if a.pk not in obstacles]
    if not in_review:
        return obstacles
    open_counts = (
        Commitment.objects.filter(agreement__in=in_review)
        .exclude(review_status=Commitment.ReviewStatus.ACCEPTED)
        .values("agreement_id")
        .annotate(count=Count("pk"))
        .values_list("agreement_id", "count")
    )
    for agreement_id, count in open_counts:
        obstacles[agreement_id] = ngettext(
            "%(count)d commitment is not yet accepted by the police.",
            "%(count)d commitments are not yet accepted by the police.",
            count,
        ) % {"count": count}
    accepted = [pk for pk in in_review if pk not in obstacles]
    if accepted:
        obstacles |= _not_accepted_by_the_police_parties(accepted)
    return obstacles


def _quoted(commitments: list[Commitment]) -> str:
    return ", ".join(f"“{Truncator(c.text).chars(60)}”" for c in commitments)


def _not_accepted_by_the_police_parties(agreement_ids: list[int]) -> dict[int, str]:
    """Of the agreements, those where a commitment was not last accepted by a reviewer of a police party of the
    agreement as it is now, or where a police party joined after those decisions: the signatures bind the parties
    that reviewed it."""
    police = list(
        Party.objects.filter(agreement__in=agreement_ids, organisation__kind__in=Organisation.POLICE_KINDS).values_list(
            "pk", "agreement_id", "organisation_id"
        )
    )
    reviewers_of: dict[int, set[int]] = defaultdict(set)
    memberships = Membership.objects.filter(
        role=Membership.Role.REVIEWER, organisation__in={organisation for *_, organisation in police}
    )
    for organisation_id, user_id in memberships.values_list("organisation_id", "user_id"):
        reviewers_of[organisation_id].add(user_id)
    reviewers: dict[int, set[int]] = defaultdict(set)
    for _pk, agreement_id, organisation_id in police:
        reviewers[agreement_id] |= reviewers_of[organisation_id]
    latest = ReviewEntry.objects.filter(commitment=OuterRef("pk"), kind=ReviewEntry.Kind.ACCEPTED).order_by(
        "-created_at", "-pk"
    )
    commitments: dict[int, list[Commitment]] = defaultdict(list)
    for commitment in Commitment.objects.filter(agreement__in=agreement_ids).annotate(
        accepted_by=Subquery(latest.values("author_id")[:1]),
        accepted_at=Subquery(latest.values("created_at")[:1]),
    ):
        commitments[commitment.agreement_id].append(commitment)
    obstacles = {}
    for agreement_id in agreement_ids:
        unconfirmed = [c for c in commitments[agreement_id] if c.accepted_by not in reviewers[agreement_id]]
        if unconfirmed:
            obstacles[agreement_id] = ngettext(
                "This commitment was not accepted by a reviewer of a police party of the agreement: %(commitments)s. "
                "A reviewer of the police party must accept it.",
                "These commitments were not accepted by a reviewer of a police party of the agreement: "
                "%(commitments)s. A reviewer of the police party must accept them.",
                len(unconfirmed),
            ) % {"commitments": _quoted(unconfirmed)}
    decided = {
        agreement_id: min(c.accepted_at for c in commitments[agreement_id])
        for agreement_id in agreement_ids
        if agreement_id not in obstacles and commitments[agreement_id]
    }
    if not decided:
        return obstacles
    # Since when each police party's row has named its organisation: a row's organisation can also be changed in place.
    joined: dict[int, tuple[int, datetime]] = {}
    records = Party.history.filter(id__in=[pk for pk, agreement_id, _o in police if agreement_id in decided])
    for pk, organisation_id, when in records.order_by("history_date", "history_id").values_list(
        "id", "organisation_id", "history_date"
    ):
        if pk not in joined or joined[pk][0] != organisation_id:
            joined[pk] = (organisation_id, when)
    late: dict[int, set[int]] = defaultdict(set)
    for pk, agreement_id, _organisation in police:
        if pk in joined and agreement_id in decided and joined[pk][1] > decided[agreement_id]:
            late[agreement_id].add(joined[pk][0])
    if late:
        names = dict(Organisation.objects.filter(pk__in=set().union(*late.values())).values_list("pk", "name"))
        for agreement_id, organisations in late.items():
            obstacles[agreement_id] = _(
                "%(parties)s became a party after the police had reviewed the commitments. A reviewer of each police "
                "party must accept the commitments before the agreement is signed."
            ) % {"parties": ", ".join(sorted(names[o] for o in organisations))}
    return obstacles

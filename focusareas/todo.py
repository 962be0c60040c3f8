"""What the police review leaves waiting for a user: commitments to review, and change requests and comments to answer.
Once every commitment is accepted, each party's approval and signature wait (documents/todo.py)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.translation import ngettext

from agreements.models import Agreement, Membership, Organisation
from samverkan.lib.todo import TodoItem, entered_since

from .models import Commitment, ReviewEntry

# The threads in which a comment waits for an answer: where the parties still write.
_COMMENTED_STATUSES = (Agreement.Status.DRAFT, Agreement.Status.REVIEW)


def items_for(user) -> Iterator[TodoItem]:
    memberships = list(
        Membership.objects.filter(user=user).values_list("organisation_id", "role", "organisation__kind")
    )
    editing = {org for org, role, _kind in memberships if role == Membership.Role.EDITOR}
    reviewing = {
        org for org, role, kind in memberships if role == Membership.Role.REVIEWER and kind in Organisation.POLICE_KINDS
    }
    if not editing and not reviewing:
        return
    agreements = list(
        Agreement.objects.filter(status__in=_COMMENTED_STATUSES, party_links__organisation__in=editing | reviewing)
        .annotate(
            user_edits=Count("party_links", filter=Q(party_links__organisation__in=editing), distinct=True),
            user_reviews=Count("party_links", filter=Q(party_links__organisation__in=reviewing), distinct=True),
            waiting=Count(
                "commitments", filter=Q(commitments__review_status=Commitment.ReviewStatus.OPEN), distinct=True
            ),
            changes=Count(
                "commitments",
                filter=Q(commitments__review_status=Commitment.ReviewStatus.CHANGE_REQUESTED),
                distinct=True,
            ),
        )
        .order_by("pk")
    )
    if not agreements:
        return
    in_review = entered_since(
        Agreement.history.filter(id__in=[a.pk for a in agreements])
        .order_by("history_date", "history_id")
        .values_list("id", "status", "history_date"),
        Agreement.Status.REVIEW,
    )
    threads = _threads(agreements, user)
    for agreement in agreements:
        review_url = reverse("focusareas:review", args=[agreement.pk])
        thread = threads.get(agreement.pk, {})
        if agreement.status == Agreement.Status.REVIEW:
            if agreement.user_reviews and agreement.waiting:
                yield TodoItem(
                    ngettext("Review %(count)d commitment", "Review %(count)d commitments", agreement.waiting)
                    % {"count": agreement.waiting},
                    agreement.title,
                    review_url,
                    in_review.get(agreement.pk),
                )
            if agreement.user_edits and agreement.changes:
                yield TodoItem(
                    ngettext(
                        "Change requested in %(count)d commitment",
                        "Change requested in %(count)d commitments",
                        agreement.changes,
                    )
                    % {"count": agreement.changes},
                    agreement.title,
                    review_url,
                    thread.get("change_requested"),
                )
        if (agreement.user_edits or agreement.user_reviews) and thread.get("comments"):
            count, since = thread["comments"]
            yield TodoItem(
                ngettext("%(count)d comment to answer", "%(count)d comments to answer", count) % {"count": count},
                agreement.title,
                review_url,
                since,
            )


def _threads(agreements: list[Agreement], user) -> dict[int, dict]:
    """Per agreement, since when its change requests wait (the earliest of them), and the comments by someone of
    another organisation that end a thread: each answers the user's side, who is to answer it."""
    latest = ReviewEntry.objects.filter(commitment=OuterRef("pk")).order_by("-created_at", "-pk")
    commitments = list(
        Commitment.objects.filter(agreement__in=agreements)
        .annotate(
            last_kind=Subquery(latest.values("kind")[:1]),
            last_author=Subquery(latest.values("author_id")[:1]),
            last_at=Subquery(latest.values("created_at")[:1]),
        )
        .filter(last_kind__in=[ReviewEntry.Kind.CHANGE_REQUESTED, ReviewEntry.Kind.COMMENT])
        .values("agreement_id", "review_status", "last_kind", "last_author", "last_at")
    )
    colleagues = set(
        Membership.objects.filter(
            organisation__in=Membership.objects.filter(user=user).values("organisation_id")
        ).values_list("user_id", flat=True)
    ) | {user.pk}
    threads: dict[int, dict] = {}
    for row in commitments:
        thread = threads.setdefault(row["agreement_id"], {})
        if row["review_status"] == Commitment.ReviewStatus.CHANGE_REQUESTED:
            thread["change_requested"] = min(filter(None, [thread.get("change_requested"), row["last_at"]]))
        if row["last_kind"] == ReviewEntry.Kind.COMMENT and row["last_author"] not in colleagues:
            count, since = thread.get("comments", (0, row["last_at"]))
            thread["comments"] = (count + 1, min(since, row["last_at"]))
    return threads

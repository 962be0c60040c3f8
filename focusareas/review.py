"""The key of the review page's cached HTML: everything the page shows, read in two small queries, however many
commitments and parts the agreement has."""

from __future__ import annotations

import functools
import hashlib

from django.db import connection
from django.utils.translation import get_language

from agreements.models import Agreement, Organisation, Party, Section
from samverkan.lib.queries import ANY_AGREEMENT, Prepared
from samverkan.lib.versions import count_of, history_of, latest_id

from .models import ActionPlan, ActivityRow, Comment, Commitment, FocusArea, FocusAreaSection, Goal, ReviewEntry


def review_key(agreement: Agreement) -> str:
    """A digest of what the review page shows the reader of `agreement` (fetched `with_permissions`): the agreement
    as loaded (its status as shown, which depends on today's date) with what the reader may do, the latest history
    record of its commitments, of the parts of the document listed with their titles, of its parties and of their
    organisations (every save and delete, an administrator's included, leaves one, and so does a change of who
    commits), the number and latest id of the comments (counted per part), and the review entries with their
    authors' names, which no history records. What is new or changed since the previous revision changes only with
    this one's commitments: a revision is made of a signed agreement, which no longer changes."""
    writes, entries = _queries()
    with connection.cursor() as cursor:
        cursor.execute(*writes.with_values({ANY_AGREEMENT: agreement.pk}))
        latest = cursor.fetchone()
        cursor.execute(*entries.with_values({ANY_AGREEMENT: agreement.pk}))
        thread = cursor.fetchall()
    shown = (
        agreement.pk,
        agreement.title,
        agreement.kind,
        agreement.shown_status,  # which tells its status too
        agreement.previous_revision_id,
        agreement.user_can_edit,
        agreement.user_can_review,
        get_language(),
    )
    return hashlib.sha256(repr((shown, latest, thread)).encode()).hexdigest()


@functools.cache
def _queries() -> tuple[Prepared, Prepared]:
    """The queries of `review_key`, written once: building them takes longer than running them."""

    def latest(model: type, **lookups) -> object:
        return latest_id(history_of(model).filter(**lookups), "history_id")

    focus_areas = FocusArea.objects.filter(agreement_id=ANY_AGREEMENT).values("pk")
    comments = Comment.objects.filter(agreement_id=ANY_AGREEMENT)
    organisations = Party.objects.filter(agreement_id=ANY_AGREEMENT).values("organisation_id")
    shown = {
        "latest_commitments": latest(Commitment, agreement_id=ANY_AGREEMENT),
        "latest_sections": latest(Section, agreement_id=ANY_AGREEMENT),
        "latest_focus_areas": latest(FocusArea, agreement_id=ANY_AGREEMENT),
        "latest_focus_area_sections": latest(FocusAreaSection, focus_area_id__in=focus_areas),
        "latest_rows": latest(ActivityRow, focus_area_id__in=focus_areas),
        "latest_goals": latest(Goal, agreement_id=ANY_AGREEMENT),
        "latest_action_plans": latest(ActionPlan, agreement_id=ANY_AGREEMENT),
        "latest_parties": latest(Party, agreement_id=ANY_AGREEMENT),
        "latest_organisations": latest(Organisation, id__in=organisations),
        "comment_count": count_of(comments),
        "latest_comment": latest_id(comments),
    }
    writes = Agreement.objects.filter(pk=ANY_AGREEMENT).order_by().annotate(**shown).values_list(*shown)
    entries = (
        ReviewEntry.objects.filter(commitment__agreement_id=ANY_AGREEMENT)
        .order_by("pk")
        .values_list("pk", "kind", "text", "created_at", "author__first_name", "author__last_name", "author__username")
    )
    return Prepared.of("samverkan_review_key", writes), Prepared.of("samverkan_review_entries", entries)

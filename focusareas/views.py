from __future__ import annotations

import uuid
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from agreements.access import get_agreement_for_user, id_or_404
from agreements.models import Agreement, Organisation, content_rows
from agreements.services import reorder
from samverkan.lib.access import Access
from samverkan.lib.edits import delete_on_confirm, last_saved, show_refusal, stale_form, stale_message
from samverkan.lib.fragments import with_forms
from samverkan.lib.versions import StaleEdit

from .access import agreement_of, get_item_for_user, may_comment_on_review
from .forms import CommentForm, CommitmentsPasteForm, IndicatorForm, PasteForm, ReviewCommentForm
from .kinds import ITEM_KINDS, kind_of
from .models import (
    ActionPlan,
    ActivityRow,
    Comment,
    Commitment,
    FocusArea,
    FocusAreaSection,
    Goal,
    Indicator,
    ReviewEntry,
    commented_models,
)
from .review import review_key
from .services import (
    agreement_send_for_review,
    comment_add,
    commitment_accept,
    commitment_comment,
    commitment_request_change,
    commitment_save,
    commitments_fingerprint,
    commitments_paste,
    goal_save,
    item_save,
    rows_fingerprint,
    rows_paste,
    siblings_of,
)


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def workbench_url(agreement: Agreement, item: models.Model | None = None) -> str:
    url = reverse("documents:workbench", args=[agreement.pk])
    return f"{url}#{kind_of(item).anchor}-{item.pk}" if item is not None else url


def _item_form(
    request: HttpRequest,
    *,
    agreement: Agreement,
    instance: models.Model,
    heading: str,
    partial: str | None = None,
    save: Callable[..., models.Model] = item_save,
    extra_forms: Callable[[dict | None], dict] | None = None,
    shown: Callable[[models.Model], models.Model] = lambda item: item,
) -> HttpResponse:
    """Show and save the form of one item. Through htmx the form and, once saved, the item (as `shown` loads it)
    replace each other in place on the page, unless the save moved the item elsewhere on the page: then the page
    is loaded again. Without JavaScript the form is a page of its own that leads back to the item."""
    data = request.POST if request.method == "POST" else None
    place = _place_of(instance)
    form_class = kind_of(instance).form
    # Ids unique to the item, so that several forms open at once on one page keep their labels apart.
    auto_id = f"id_{kind_of(instance).anchor}-{instance.pk or 'new'}_%s"
    form = form_class(data, instance=instance, agreement=agreement, auto_id=auto_id)
    extra = extra_forms(data) if extra_forms else {}
    if data is not None and all([form.is_valid(), *[f.is_valid() for f in extra.values()]]):
        try:
            item = save(form=form, loaded_version=form.cleaned_data["loaded_version"], **extra)
        except StaleEdit:
            instance.refresh_from_db()
            extra = extra_forms(request.POST) if extra_forms else {}
            form = stale_form(
                lambda data: form_class(data, instance=instance, agreement=agreement, auto_id=auto_id),
                data=request.POST,
                current=instance.version,
                message=stale_message(instance),
            )
        except ValidationError as refusal:
            show_refusal(form, refusal)
        else:
            if is_htmx(request) and partial and _place_of(item) == place:
                return render(request, partial, {"item": shown(item), "agreement": agreement})
            if is_htmx(request):
                return HttpResponse(headers={"HX-Redirect": workbench_url(agreement, item)})
            messages.success(request, _("Saved."))
            back = request.GET.get("next", "")
            if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
                return redirect(back)
            return redirect(workbench_url(agreement, item))
    context = {
        "agreement": agreement,
        "form": form,
        "heading": heading,
        "action": request.get_full_path(),
        "cancel": workbench_url(agreement, instance if instance.pk else None),
        **extra,
    }
    template = "focusareas/partials/item_form.html" if is_htmx(request) else "focusareas/item_form_page.html"
    return render(request, template, context)


def _place_of(item: models.Model) -> tuple:
    """Where on the workbench an item stands: its focus area, action plan and section."""
    return tuple(getattr(item, name, None) for name in ("focus_area_id", "action_plan_id", "section_id"))


def _commitment_shown(commitment: Commitment) -> Commitment:
    """The commitment with its parties named as the agreement's text calls them, in the agreement's party order."""
    parties = Organisation.objects.parties_of(commitment.agreement_id).only("pk", "name")
    return Commitment.objects.prefetch_related(Prefetch("parties", queryset=parties)).get(pk=commitment.pk)


@login_required
def focus_area_add(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_agreement_for_user(request.user, pk, Access.EDIT)
    return _item_form(
        request,
        agreement=agreement,
        instance=FocusArea(agreement=agreement),
        heading=_("New focus area"),
    )


@login_required
def focus_area_edit(request: HttpRequest, pk: int) -> HttpResponse:
    focus_area = get_item_for_user(request.user, FocusArea, pk, Access.EDIT)
    return _item_form(
        request,
        agreement=focus_area.agreement,
        instance=focus_area,
        heading=_("Edit focus area"),
    )


@login_required
def section_add(request: HttpRequest, pk: int) -> HttpResponse:
    focus_area = get_item_for_user(request.user, FocusArea, pk, Access.EDIT)
    return _item_form(
        request,
        agreement=focus_area.agreement,
        instance=FocusAreaSection(focus_area=focus_area),
        heading=_("New section in %(focus_area)s") % {"focus_area": focus_area.title},
    )


@login_required
def section_edit(request: HttpRequest, pk: int) -> HttpResponse:
    section = get_item_for_user(request.user, FocusAreaSection, pk, Access.EDIT)
    return _item_form(
        request,
        agreement=section.focus_area.agreement,
        instance=section,
        heading=_("Edit section"),
    )


@login_required
def row_add(request: HttpRequest, pk: int) -> HttpResponse:
    focus_area = get_item_for_user(request.user, FocusArea, pk, Access.EDIT)
    return _item_form(
        request,
        agreement=focus_area.agreement,
        instance=ActivityRow(focus_area=focus_area),
        heading=_("New activity in %(focus_area)s") % {"focus_area": focus_area.title},
        partial="focusareas/partials/row.html",
    )


@login_required
def row_edit(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_item_for_user(request.user, ActivityRow, pk, Access.EDIT)
    return _item_form(
        request,
        agreement=row.focus_area.agreement,
        instance=row,
        heading=_("Edit activity"),
        partial="focusareas/partials/row.html",
    )


def _owner_from_query(request: HttpRequest, agreement: Agreement, name: str, model: type[models.Model]):
    """The focus area or action plan a new item is to go under, given as ?focus_area= or ?action_plan=."""
    value = request.GET.get(name, "")
    if not value:
        return None
    try:
        return model.objects.get(pk=id_or_404(value), agreement=agreement)
    except model.DoesNotExist:
        raise Http404 from None


@login_required
def commitment_add(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_agreement_for_user(request.user, pk, Access.EDIT)
    commitment = Commitment(
        agreement=agreement,
        focus_area=_owner_from_query(request, agreement, "focus_area", FocusArea),
        action_plan=_owner_from_query(request, agreement, "action_plan", ActionPlan),
    )
    return _item_form(
        request,
        agreement=agreement,
        instance=commitment,
        heading=_("New commitment"),
        partial="focusareas/partials/commitment.html",
        save=lambda **kwargs: commitment_save(user=request.user, **kwargs),
        shown=_commitment_shown,
    )


@login_required
def commitment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = get_item_for_user(request.user, Commitment, pk, Access.EDIT)
    return _item_form(
        request,
        agreement=commitment.agreement,
        instance=commitment,
        heading=_("Edit commitment"),
        partial="focusareas/partials/commitment.html",
        save=lambda **kwargs: commitment_save(user=request.user, **kwargs),
        shown=_commitment_shown,
    )


def _goal_form(request: HttpRequest, *, agreement: Agreement, goal: Goal, heading: str) -> HttpResponse:
    indicator = getattr(goal, "indicator", None) if goal.pk else None

    def indicator_form(data: dict | None) -> dict:
        return {
            "indicator_form": IndicatorForm(
                data, instance=indicator or Indicator(), prefix="indicator", auto_id=f"id_goal-{goal.pk or 'new'}_%s"
            )
        }

    return _item_form(
        request,
        agreement=agreement,
        instance=goal,
        heading=heading,
        partial="focusareas/partials/goal.html",
        save=goal_save,
        extra_forms=indicator_form,
    )


@login_required
def goal_add(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_agreement_for_user(request.user, pk, Access.EDIT)
    goal = Goal(agreement=agreement, focus_area=_owner_from_query(request, agreement, "focus_area", FocusArea))
    return _goal_form(request, agreement=agreement, goal=goal, heading=_("New goal"))


@login_required
def goal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    goal = get_item_for_user(request.user, Goal, pk, Access.EDIT)
    return _goal_form(request, agreement=goal.agreement, goal=goal, heading=_("Edit goal"))


@login_required
def action_plan_add(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_agreement_for_user(request.user, pk, Access.EDIT)
    return _item_form(
        request,
        agreement=agreement,
        instance=ActionPlan(agreement=agreement),
        heading=_("New action plan"),
    )


@login_required
def action_plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_item_for_user(request.user, ActionPlan, pk, Access.EDIT)
    return _item_form(
        request,
        agreement=plan.agreement,
        instance=plan,
        heading=_("Edit action plan"),
    )


def _item_by_kind(request: HttpRequest, kind: str, pk: int) -> models.Model:
    if kind not in ITEM_KINDS:
        raise Http404
    return get_item_for_user(request.user, ITEM_KINDS[kind].model, pk, Access.EDIT)


@login_required
@require_POST
def item_move(request: HttpRequest, kind: str, pk: int, direction: str) -> HttpResponse:
    item = _item_by_kind(request, kind, pk)
    try:
        reorder(instance=item, siblings=siblings_of(item), step=-1 if direction == "up" else 1)
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    return redirect(workbench_url(agreement_of(item), item))


@login_required
def item_delete(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    item = _item_by_kind(request, kind, pk)
    agreement = agreement_of(item)
    form = delete_on_confirm(request, item)
    if form is None:
        messages.success(request, _("Deleted."))
        return redirect(workbench_url(agreement))
    return render(
        request,
        "focusareas/item_confirm_delete.html",
        {
            "agreement": agreement,
            "form": form,
            "item": item,
            "kind": item._meta.verbose_name,
            "cancel": workbench_url(agreement, item),
        },
    )


@login_required
def rows_paste_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Paste a table from Word or Excel: first a preview of the rows, then, once confirmed, all rows at once."""
    focus_area = get_item_for_user(request.user, FocusArea, pk, Access.EDIT)
    # The table as it was when the paste page was opened; the hidden field keeps it through the preview.
    form = PasteForm(request.POST or None, version=rows_fingerprint(focus_area))
    rows = form.cleaned_data["table"] if request.method == "POST" and form.is_valid() else None
    if "change" in request.POST:
        rows = None  # back to the text, as it was pasted
    elif rows is not None and "confirm" in request.POST:
        try:
            rows_paste(
                focus_area=focus_area,
                rows=rows,
                user=request.user,
                loaded_fingerprint=form.cleaned_data["loaded_fingerprint"],
            )
        except StaleEdit:
            form = stale_form(
                PasteForm,
                data=request.POST,
                current=rows_fingerprint(focus_area),
                message=_(
                    "Someone else added or changed activities in this table after you opened the paste, or the "
                    "same rows were sent twice. Nothing has been added. Check the table, then create the rows "
                    "again if they are still wanted."
                ),
                name="loaded_fingerprint",
            )
        except ValidationError as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(
                request,
                ngettext("%(count)d activity added.", "%(count)d activities added.", len(rows)) % {"count": len(rows)},
            )
            return redirect(workbench_url(focus_area.agreement, focus_area))
    return render(
        request,
        "focusareas/rows_paste.html",
        {"agreement": focus_area.agreement, "focus_area": focus_area, "form": form, "rows": rows},
    )


@login_required
def commitments_paste_view(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Paste a list into a focus area or action plan: first a preview of the commitments, then, once confirmed,
    all of them at once."""
    owner = get_item_for_user(request.user, ITEM_KINDS[kind].model, pk, Access.EDIT)
    agreement = owner.agreement

    def build(data: dict | None) -> CommitmentsPasteForm:
        # The commitments as they were when the page was opened; the hidden field keeps it through the preview.
        return CommitmentsPasteForm(data, agreement=agreement, version=commitments_fingerprint(owner))

    form = build(request.POST or None)
    commitments = form.cleaned_data["text"] if request.method == "POST" and form.is_valid() else None
    if "change" in request.POST:
        commitments = None  # back to the text, as it was pasted
    elif commitments is not None and "confirm" in request.POST:
        try:
            commitments_paste(
                owner=owner,
                texts=commitments,
                parties=list(form.cleaned_data["parties"]),
                user=request.user,
                loaded_fingerprint=form.cleaned_data["loaded_fingerprint"],
            )
        except StaleEdit:
            form = stale_form(
                build,
                data=request.POST,
                current=commitments_fingerprint(owner),
                message=_(
                    "Someone else added or changed commitments here after you opened the paste, or the same list "
                    "was sent twice. Nothing has been added. Check the commitments, then create them again if they "
                    "are still wanted."
                ),
                name="loaded_fingerprint",
            )
        except ValidationError as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(
                request,
                ngettext("%(count)d commitment added.", "%(count)d commitments added.", len(commitments))
                % {"count": len(commitments)},
            )
            return redirect(workbench_url(agreement, owner))
    return render(
        request,
        "focusareas/commitments_paste.html",
        {
            "agreement": agreement,
            "owner": owner,
            "anchor": f"{kind_of(owner).anchor}-{owner.pk}",
            "form": form,
            "commitments": commitments,
            "parties": form.cleaned_data["parties"] if commitments else None,
        },
    )


@login_required
@require_safe
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """The police's review of the commitments: what is open at a glance, and a thread per commitment."""
    return _review_page(request, get_agreement_for_user(request.user, pk))


def _review_page(request: HttpRequest, agreement: Agreement, refused: dict | None = None) -> HttpResponse:
    """The review page; `refused` is a decision that was not recorded: the commitment, the message and what the
    user typed, shown again at that commitment (a page of that user's own, which is not kept)."""
    key = None if refused else f"review:{review_key(agreement)}"
    body = with_forms(
        request,
        key,
        lambda tokens: render_to_string(
            "focusareas/partials/review_body.html", {**_review_content(agreement), "refused": refused, **tokens}
        ),
    )
    return render(request, "focusareas/review.html", {"agreement": agreement, "body": body})


def _review_content(agreement: Agreement) -> dict:
    """What the review page shows: every commitment with its review thread, the counts per focus area, what is
    still open, and the comment threads of the rest of the document."""
    commitments = list(
        Commitment.objects.filter(agreement=agreement)
        .select_related("focus_area", "action_plan", "placement")
        .prefetch_related(
            Prefetch("parties", queryset=Organisation.objects.parties_of(agreement.pk).only("pk", "name")),
            Prefetch("review_entries", queryset=ReviewEntry.objects.select_related("author")),
        )
        .order_by("action_plan__order", "focus_area__order", "placement__part", "placement__order", "order", "pk")
    )
    counts = (
        FocusArea.objects.filter(agreement=agreement)
        .annotate(
            total=Count("commitments"),
            accepted=Count("commitments", filter=Q(commitments__review_status=Commitment.ReviewStatus.ACCEPTED)),
            change_requested=Count(
                "commitments", filter=Q(commitments__review_status=Commitment.ReviewStatus.CHANGE_REQUESTED)
            ),
            waiting=Count("commitments", filter=Q(commitments__review_status=Commitment.ReviewStatus.OPEN)),
        )
        .filter(total__gt=0)
    )
    open_items = [c for c in commitments if c.review_status != Commitment.ReviewStatus.ACCEPTED]
    if agreement.previous_revision_id:
        # In a new revision: which commitments are new or changed since the revision before, for the police to see.
        fields = Commitment.compared_fields
        before = {
            key: values
            for key, *values in Commitment.objects.filter(agreement_id=agreement.previous_revision_id).values_list(
                "key", *fields
            )
        }
        for commitment in commitments:
            values = [getattr(commitment, name) for name in fields]
            commitment.since_previous_revision = (
                "added" if commitment.key not in before else "changed" if before[commitment.key] != values else ""
            )
    return {
        "agreement": agreement,
        "commitments": commitments,
        "counts": counts,
        "open_items": open_items,
        "threads": _threads(agreement),
    }


def _title(item: models.Model) -> str:
    return next(str(getattr(item, name)) for name in ("heading", "title", "activity", "text") if hasattr(item, name))


def _threads(agreement: Agreement) -> list[tuple[str, list[tuple[str, str, int]]]]:
    """Every part of the document other than the commitments, per kind: (kind, [(about, key, title, comments)])."""
    counts = {
        (about, key): n
        for about, key, n in Comment.objects.filter(agreement=agreement)
        .values("about", "key")
        .annotate(n=Count("pk"))
        .values_list("about", "key", "n")
    }
    threads = []
    for about, model in commented_models().items():
        items = [
            (about, item.key, _title(item), counts.get((about, item.key), 0))
            for item in content_rows(model, agreement.pk).order_by(*model._meta.ordering)
        ]
        if items:
            threads.append((Comment.About(about).label, items))
    return threads


@login_required
def comments(request: HttpRequest, pk: int, about: str, key) -> HttpResponse:
    """The comment thread of a section, focus area, activity row or goal: read by every party, written by the
    agreement's editors and the police's reviewers."""
    agreement = get_agreement_for_user(request.user, pk)
    try:
        key = uuid.UUID(key)
    except ValueError:
        raise Http404 from None
    item = content_rows(commented_models()[about], agreement.pk).filter(key=key).first()
    if item is None:
        raise Http404
    form = CommentForm(request.POST or None)
    if request.method == "POST":
        if not may_comment_on_review(agreement) or agreement.is_frozen:
            raise PermissionDenied
        if form.is_valid():
            comment_add(
                agreement=agreement,
                about=about,
                key=key,
                item=_title(item),
                user=request.user,
                text=form.cleaned_data["text"],
            )
            return redirect(f"{request.path}#thread")
    thread = Comment.objects.filter(agreement=agreement, about=about, key=key).select_related("author")
    return render(
        request,
        "focusareas/comments.html",
        {
            "agreement": agreement,
            "kind": Comment.About(about).label,
            "title": _title(item),
            "thread": thread,
            "form": form,
            "may_comment": may_comment_on_review(agreement) and not agreement.is_frozen,
        },
    )


@login_required
@require_POST
def send_for_review(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_agreement_for_user(request.user, pk, Access.EDIT)
    try:
        agreement_send_for_review(agreement=agreement, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The agreement has been sent to the police for review."))
    return redirect("focusareas:review", pk=agreement.pk)


@login_required
@require_POST
def commitment_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """A reviewer accepts or asks for a change, on the version of the commitment the page showed; anyone who may
    read the agreement may comment."""
    commitment = get_item_for_user(request.user, Commitment, pk)
    agreement = commitment.agreement
    action = request.POST.get("action")
    if action not in ("accept", "request_change", "comment"):
        raise Http404
    form = ReviewCommentForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([error for errors in form.errors.values() for error in errors])
        text = form.cleaned_data["text"]
        loaded_version = form.cleaned_data["loaded_version"] or 0
        if action == "accept":
            commitment_accept(commitment=commitment, user=request.user, loaded_version=loaded_version)
        elif not text:
            raise ValidationError(_("Write a comment that says what should change."))
        elif action == "request_change":
            commitment_request_change(
                commitment=commitment, user=request.user, loaded_version=loaded_version, text=text
            )
        elif may_comment_on_review(agreement):
            commitment_comment(commitment=commitment, user=request.user, text=text)
        else:
            raise ValidationError(_("Your role cannot comment on the review."))
    except StaleEdit:
        commitment.refresh_from_db()
        who, when = last_saved(commitment)
        message = _(
            "The commitment was changed, or decided by someone else, after you opened this page (%(who)s, "
            "%(when)s). Your decision has not been recorded. Read the commitment as it is now, then decide again."
        ) % {"who": who, "when": when}
    except ValidationError as error:
        message = " ".join(error.messages)
    else:
        return redirect(f"{reverse('focusareas:review', args=[agreement.pk])}#commitment-{commitment.pk}")
    refused = {"pk": commitment.pk, "message": message, "text": request.POST.get("text", "")}
    return _review_page(request, agreement, refused=refused)

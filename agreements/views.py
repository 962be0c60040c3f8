from __future__ import annotations

import functools
import hashlib
import uuid
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import caches
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from samverkan.lib import todo
from samverkan.lib.access import Access
from samverkan.lib.edits import (
    delete_on_confirm,
    show_refusal,
    stale_form,
    stale_message,
)
from samverkan.lib.fragments import slot, with_forms
from samverkan.lib.images import CONTENT_TYPES
from samverkan.lib.pagination import page_of
from samverkan.lib.queries import rows_once
from samverkan.lib.versions import StaleEdit, history_model

from . import services
from .access import ID, get_agreement_for_user, get_figure_for_user, get_section_for_user
from .filters import AgreementFilter
from .forms import (
    AgreementForm,
    CooperationForumFormSet,
    FigureForm,
    PartyFormSet,
    PreferencesForm,
    SectionForm,
    SignatoryFormSet,
    agreement_form_key,
    new_agreement_form_key,
)
from .history import agreement_changes, authors, authors_as_now, changes_key
from .models import Agreement, Figure, Membership, Organisation, Party, Preferences, Section, number_sections
from .services import (
    AlreadyCreated,
    agreement_save,
    figure_save,
    section_create,
    section_move,
    section_update,
)

AGREEMENTS_PER_PAGE = 50
CHANGES_PER_PAGE = 50
HISTORY_CACHE_SECONDS = 86400


def _editor_organisations(user):
    return Membership.objects.filter(user=user, role=Membership.Role.EDITOR).select_related("organisation")


@login_required
@require_safe
def agreement_list(request: HttpRequest) -> HttpResponse:
    visible = Agreement.objects.visible_to(request.user)
    seen: tuple[int, ...] | None = None  # every agreement
    if not (request.user.is_staff or request.user.is_superuser):
        # The ids read once: the list's queries then name them rather than repeat, in each of their subqueries, the
        # joins to the user's memberships, which PostgreSQL would plan again every time.
        seen = tuple(sorted(visible.order_by().values_list("pk", flat=True)))
        visible = Agreement.objects.filter(pk__in=seen)
    filtered = any(value for name, value in request.GET.items() if name != "page")
    asked = request.GET.get("page") or "1"
    # An unfiltered page is the same for everyone who sees the same agreements, until any of them changes.
    plain = asked.isascii() and asked.isdigit() and len(asked) <= 4
    key = f"agreement-list:{list_key(seen, asked)}" if plain and not filtered else None
    fragments = caches["template_fragments"]
    body = fragments.get(key) if key else None
    if body is None:
        body = _list_body(request, visible, seen, filtered)
        if key:
            fragments.set(key, body, timeout=ROW_SECONDS)
    roles = set(Membership.objects.filter(user=request.user).values_list("role", flat=True))
    context = {
        "body": mark_safe(body),
        "can_create": request.user.is_superuser or Membership.Role.EDITOR in roles,
        # Nothing to show at all: a new user's list says what to do first, by what their roles let them do.
        "roles": roles,
    }
    return render(request, "agreements/agreement_list.html", context)


def _list_body(request: HttpRequest, visible: QuerySet[Agreement], seen: tuple[int, ...] | None, filtered: bool) -> str:
    """The list's filter form, the page's rows and the links to the other pages; empty when there is nothing to
    list and nothing was asked for."""
    filterset = AgreementFilter(request.GET or None, visible=visible, seen=seen)
    # A page at a time, whatever the country holds: only that page's rows are read and rendered.
    if filtered:
        page = page_of(request, filterset.qs.only(*LISTED_FIELDS), AGREEMENTS_PER_PAGE)
    else:
        # The same query for everyone who sees the same agreements, its subqueries slower to build than to run: its
        # SQL is written once.
        page = page_of(
            request,
            lambda: filterset.qs.only(*LISTED_FIELDS),
            AGREEMENTS_PER_PAGE,
            written_once=("agreement list", seen),
        )
    if not (page.object_list or filtered):
        return ""
    context = {
        "filterset": filterset,
        "agreements": page,
        "rows": listed_rows(page.object_list, visible),
        "filtered": filtered,
    }
    return render_to_string("agreements/partials/list_body.html", context, request)


def list_key(seen: tuple[int, ...] | None, page: str) -> str:
    """What an unfiltered page of the list shows, for a reader who sees the agreements `seen` (None: all of them):
    the page asked for, the latest history record of any agreement, party and organisation (every save and delete
    leaves one, so which agreements are listed, in which order, with which parties' names, how many there are and
    the police areas to filter by follow from them), the language and today's date (a signed agreement past its end
    has ended); in one query that reads three indexes' last entries, however large the country."""
    with connection.cursor() as cursor:
        cursor.execute(_latest_records_sql())
        latest = cursor.fetchone()
    shown = (seen, page, latest, get_language(), timezone.localdate())
    return hashlib.sha256(repr(shown).encode()).hexdigest()


@functools.cache
def _latest_records_sql() -> str:
    """The latest history record of each model the list shows, by the index of its history table's key."""
    tables = [
        connection.ops.quote_name(history_model(model)._meta.db_table) for model in (Agreement, Party, Organisation)
    ]
    return "SELECT " + ", ".join(f"(SELECT MAX(history_id) FROM {table})" for table in tables)  # noqa: S608 (models' tables)


LISTED_FIELDS = ("title", "revision", "kind", "status", "start_date", "end_date", "previous_revision")


def listed_rows(agreements: list[Agreement], visible: QuerySet[Agreement]) -> str:
    """The HTML of the page's rows (of `listed()` agreements), each kept under everything it shows (`list_row_key`)
    and rendered only when that changed. Their parties' names are read in one query as plain values, and the
    revisions being prepared in another if the page has any: what a row needs of them is in its key."""
    ids = [agreement.pk for agreement in agreements]
    names: dict[int, list[str]] = {pk: [] for pk in ids}

    def parties() -> QuerySet:
        return Party.objects.filter(agreement_id__in=ids).values_list("agreement_id", "organisation__name")

    for agreement_id, name in rows_once(("names of the parties to", tuple(ids)), parties) if ids else []:
        names[agreement_id].append(name)
    preparing: dict[int, list[Agreement]] = {pk: [] for pk in ids}
    if earlier := [agreement.pk for agreement in agreements if agreement.preparing]:  # seldom any
        later_revisions = visible.filter(previous_revision_id__in=earlier).exclude(status__in=Agreement.FROZEN_STATUSES)
        for later in later_revisions.only(*LISTED_FIELDS):
            preparing[later.previous_revision_id].append(later)
    for agreement in agreements:
        agreement.party_names = names[agreement.pk]
        agreement.in_preparation = preparing[agreement.pk]
    language, today = get_language(), timezone.localdate()
    keys = [f"agreement-row:{list_row_key(agreement, language, today)}" for agreement in agreements]
    fragments = caches["template_fragments"]
    cached = fragments.get_many(keys) if keys else {}
    template = get_template("agreements/partials/list_row.html")
    rendered = {
        key: template.render({"agreement": agreement})
        for key, agreement in zip(keys, agreements, strict=True)
        if key not in cached
    }
    if rendered:
        fragments.set_many(rendered, timeout=ROW_SECONDS)
    return mark_safe("\n    ".join(cached[key] if key in cached else rendered[key] for key in keys))


ROW_SECONDS = 86400


def list_row_key(agreement: Agreement, language: str, today: date) -> str:
    """Everything a row of the list shows, read from the agreement as the page loaded it (with its parties' names
    and the revisions being prepared), in the language it is shown in and on the day it is shown (a signed agreement
    past its end has ended): the key of the row's cached HTML, so that no change can leave a row stale and no query
    is made for it. Nothing in a row depends on who reads it; which rows they see the queryset decides."""

    def shown(revision: Agreement) -> tuple:
        return (revision.pk, revision.revision, revision.kind, revision.status, revision.end_date)

    shown_row = (
        language,
        today,
        *shown(agreement),
        agreement.title,
        agreement.start_date,
        agreement.party_names,
        [shown(later) for later in agreement.in_preparation],
    )
    return hashlib.sha256(repr(shown_row).encode()).hexdigest()


def _agreement_formsets(request: HttpRequest, agreement: Agreement, data: QueryDict | None) -> dict:
    formsets = {"parties": PartyFormSet(data, instance=agreement, prefix="parties", user=request.user)}
    if agreement.pk:
        formsets["signatories"] = SignatoryFormSet(data, instance=agreement, prefix="signatories")
        formsets["forums"] = CooperationForumFormSet(data, instance=agreement, prefix="forums")
    return formsets


def _formsets_valid(formsets: dict) -> bool:
    valid = all([formset.is_valid() for formset in formsets.values()])
    if valid and "signatories" in formsets:
        return formsets["signatories"].check_parties(formsets["parties"].remaining_organisations())
    return valid


@login_required
def agreement_create(request: HttpRequest) -> HttpResponse:
    own = [m.organisation for m in _editor_organisations(request.user)]
    if not own and not request.user.is_superuser:
        raise PermissionDenied
    agreement = Agreement()
    data = request.POST if request.method == "POST" else None
    form = AgreementForm(data, instance=agreement)
    formsets = {
        "parties": PartyFormSet(
            data,
            instance=agreement,
            prefix="parties",
            user=request.user,
            initial=[{"organisation": own[0]}] if own else None,
            extra=2,
        )
    }
    if data is not None and all([form.is_valid(), _formsets_valid(formsets)]):
        try:
            agreement = services.agreement_create(
                form=form, formsets=list(formsets.values()), creation_key=form.cleaned_data["creation_key"]
            )
        except AlreadyCreated as done:
            messages.info(request, _("This form had already been sent: the agreement was created once."))
            return redirect(done.agreement)
        messages.success(request, _("The agreement has been created. Add its sections and signatories."))
        return redirect(agreement)
    key = None
    # Unfilled, the form is the same for everyone whose first party is the same, but for its creation key.
    if data is None:
        key = f"new-agreement-form:{new_agreement_form_key(own[0] if own else None)}"
        form.fields["creation_key"].initial = slot(CREATION_KEY)
    return _agreement_form_page(request, key, form, formsets, fresh={CREATION_KEY: str(uuid.uuid4())})


@login_required
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_agreement_for_user(request.user, pk, Access.EDIT)
    data = request.POST if request.method == "POST" else None
    form = AgreementForm(data, instance=agreement)
    formsets = _agreement_formsets(request, agreement, data)
    if data is not None and all([form.is_valid(), _formsets_valid(formsets)]):
        in_review = agreement.status == Agreement.Status.REVIEW
        try:
            agreement = agreement_save(
                form=form,
                formsets=list(formsets.values()),
                user=request.user,
                loaded_version=form.cleaned_data["loaded_version"],
            )
        except StaleEdit:
            agreement = get_agreement_for_user(request.user, pk, Access.EDIT)
            formsets = _agreement_formsets(request, agreement, request.POST)
            _formsets_valid(formsets)
            form = stale_form(
                lambda data: AgreementForm(data, instance=agreement),
                data=request.POST,
                current=agreement.version,
                message=stale_message(agreement),
            )
        except ValidationError as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, _("The agreement has been saved."))
            if in_review and agreement.status == Agreement.Status.DRAFT:
                messages.warning(
                    request,
                    _(
                        "The parties changed, so the agreement is a draft again: send it for review once more, and "
                        "the police review every commitment anew."
                    ),
                )
            return redirect(agreement)
    key = f"agreement-form:{agreement_form_key(agreement)}" if data is None else None
    return _agreement_form_page(request, key, form, formsets, agreement=agreement)


CREATION_KEY = "creation key"


def _agreement_form_page(
    request: HttpRequest,
    key: str | None,
    form: AgreementForm,
    formsets: dict,
    agreement: Agreement | None = None,
    fresh: dict | None = None,
) -> HttpResponse:
    """The agreement's form, or a new one's: its some sixty fields, each written through crispy-forms' templates, are
    kept in the fragment cache under `key` while the form is unfilled (a filled one, sent back with errors, shows what
    its user typed and is not kept)."""
    body = with_forms(
        request,
        key,
        lambda tokens: render_to_string(
            "agreements/partials/agreement_form_body.html",
            {"form": form, "formsets": formsets, "agreement": agreement, **tokens},
        ),
        fresh=fresh,
    )
    return render(request, "agreements/agreement_form.html", {"agreement": agreement, "body": body})


@login_required
@require_safe
def agreement_history(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_agreement_for_user(request.user, pk)
    return render(
        request,
        "agreements/agreement_history.html",
        {"agreement": agreement, "changes_html": _changes_html(request, agreement)},
    )


def _changes_html(request: HttpRequest, agreement: Agreement) -> str:
    """The page of the agreement's changes asked for, from the cache while nothing it shows has changed. Only a page
    asked for by its number alone is cached, under the number it has: a number past the end, or other parameters
    (which its links keep), is laid out each time, so the entries are no more than the pages there are. It is kept
    with its authors' names, and shown only while they are still theirs. Nothing in it depends on who reads; who may
    read it was decided before."""
    asked = request.GET.get("page", "1")
    number = int(asked) if set(request.GET) <= {"page"} and ID.fullmatch(asked) else None
    key = f"history:{changes_key(agreement)}:{number}:{get_language()}" if number else None
    cache = caches["template_fragments"]
    if key and (kept := cache.get(key)) is not None and authors_as_now(kept[0]) == kept[0]:
        return kept[1]
    changes = page_of(request, agreement_changes(agreement), CHANGES_PER_PAGE)
    html = render_to_string("agreements/partials/history_changes.html", {"changes": changes}, request)
    if key and changes.number == number:
        cache.set(key, (authors(changes), html), HISTORY_CACHE_SECONDS)
    return html


@login_required
def section_add(request: HttpRequest, pk: int, part: str) -> HttpResponse:
    agreement = get_agreement_for_user(request.user, pk, Access.EDIT)
    if part not in Section.Part.values:
        raise Http404
    form = SectionForm(request.POST or None, agreement=agreement, part=part)
    if request.method == "POST" and form.is_valid():
        try:
            section = section_create(
                agreement=agreement,
                part=part,
                parent=form.cleaned_data["parent"],
                heading=form.cleaned_data["heading"],
                body=form.cleaned_data["body"],
            )
        except ValidationError as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, _("The section has been added."))
            return redirect(f"{agreement.get_absolute_url()}#section-{section.pk}")
    return render(
        request,
        "agreements/section_form.html",
        {"form": form, "agreement": agreement, "part_label": Section.Part(part).label},
    )


@login_required
def section_edit(request: HttpRequest, pk: int) -> HttpResponse:
    section = get_section_for_user(request.user, pk, Access.EDIT)
    agreement = section.agreement
    form = SectionForm(request.POST or None, agreement=agreement, part=section.part, section=section)
    if request.method == "POST" and form.is_valid():
        try:
            section_update(
                section=section,
                loaded_version=form.cleaned_data["loaded_version"] or 0,
                heading=form.cleaned_data["heading"],
                body=form.cleaned_data["body"],
                parent=form.cleaned_data["parent"],
            )
        except StaleEdit:
            section.refresh_from_db()
            form = stale_form(
                lambda data: SectionForm(data, agreement=agreement, part=section.part, section=section),
                data=request.POST,
                current=section.version,
                message=stale_message(section),
            )
        except ValidationError as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, _("The section has been saved."))
            return redirect(f"{agreement.get_absolute_url()}#section-{section.pk}")
    return render(
        request,
        "agreements/section_form.html",
        {"form": form, "agreement": agreement, "section": section, "part_label": section.get_part_display()},
    )


@login_required
@require_POST
def section_move_view(request: HttpRequest, pk: int, direction: str) -> HttpResponse:
    section = get_section_for_user(request.user, pk, Access.EDIT)
    try:
        section_move(section=section, step=-1 if direction == "up" else 1)
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    return redirect(f"{section.agreement.get_absolute_url()}#section-{section.pk}")


@login_required
def section_delete(request: HttpRequest, pk: int) -> HttpResponse:
    section = get_section_for_user(request.user, pk, Access.EDIT)
    agreement = section.agreement
    form = delete_on_confirm(request, section)
    if form is None:
        messages.success(request, _("The section has been deleted."))
        return redirect(agreement)
    descendants = number_sections(list(Section.objects.filter(agreement=agreement, part=section.part)))
    numbered = next(n for n in descendants if n.section.pk == section.pk)
    subsections = [n for n in descendants if n.number.startswith(numbered.number) and n is not numbered]
    return render(
        request,
        "agreements/section_confirm_delete.html",
        {"agreement": agreement, "numbered": numbered, "subsections": subsections, "form": form},
    )


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The start page: what waits for the user ("Att göra"), longest waiting first."""
    return render(request, "home.html", {"items": todo.items_for(request.user), "today": timezone.localdate()})


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    """The user's own settings ("Mina inställningar"): whether the service e-mails them."""
    instance = Preferences.objects.filter(user=request.user).first() or Preferences(user=request.user)
    form = PreferencesForm(request.POST if request.method == "POST" else None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your settings are saved."))
        return redirect("preferences")
    return render(request, "preferences.html", {"form": form})


def _figure_form(request: HttpRequest, figure: Figure, agreement: Agreement) -> HttpResponse:
    form = FigureForm(request.POST or None, request.FILES or None, instance=figure)
    if request.method == "POST" and form.is_valid():
        try:
            figure = figure_save(figure=form.instance, loaded_version=form.cleaned_data["loaded_version"])
        except StaleEdit:
            figure.refresh_from_db()
            form = stale_form(
                lambda data: FigureForm(data, instance=figure),
                data=request.POST,
                current=figure.version,
                message=stale_message(figure),
            )
        except ValidationError as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, _("The figure has been saved."))
            return redirect(f"{agreement.get_absolute_url()}#figure-{figure.pk}")
    return render(request, "agreements/figure_form.html", {"form": form, "agreement": agreement, "figure": figure})


@login_required
def figure_add(request: HttpRequest, pk: int) -> HttpResponse:
    section = get_section_for_user(request.user, pk, Access.EDIT)
    return _figure_form(request, Figure(section=section), section.agreement)


@login_required
def figure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    figure = get_figure_for_user(request.user, pk, Access.EDIT)
    return _figure_form(request, figure, figure.section.agreement)


@login_required
def figure_delete(request: HttpRequest, pk: int) -> HttpResponse:
    figure = get_figure_for_user(request.user, pk, Access.EDIT)
    agreement = figure.section.agreement
    form = delete_on_confirm(request, figure)
    if form is None:
        messages.success(request, _("The figure has been deleted."))
        return redirect(f"{agreement.get_absolute_url()}#section-{figure.section_id}")
    return render(
        request, "agreements/figure_confirm_delete.html", {"agreement": agreement, "figure": figure, "form": form}
    )


def _image_response(file) -> HttpResponse:
    """A stored image, typed by its stored name, whose extension is what its content was found to be."""
    response = FileResponse(file.open("rb"), content_type=CONTENT_TYPES.get(file.name.rsplit(".", 1)[-1]))
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_safe
def figure_image(request: HttpRequest, pk: int) -> HttpResponse:
    """A figure's image, only for those who may read its agreement."""
    return _image_response(get_figure_for_user(request.user, pk).image)


@login_required
@require_safe
def party_logo(request: HttpRequest, pk: int, organisation: int) -> HttpResponse:
    """The logo of a party, for those who may read the agreement it is party to."""
    agreement = get_agreement_for_user(request.user, pk)
    try:
        party = Organisation.objects.parties_of(agreement.pk).get(pk=organisation, logo__gt="")
    except Organisation.DoesNotExist:
        raise Http404 from None
    return _image_response(party.logo)


@login_required
def agreement_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a draft that was never sent for review, with everything in it, once its editor confirms."""
    agreement = get_agreement_for_user(request.user, pk, Access.EDIT)
    if not agreement.is_unsent_draft:
        raise PermissionDenied(_("Only a draft that was never sent for review can be deleted."))
    form = delete_on_confirm(request, agreement)
    if form is None:
        messages.success(request, _("The draft “%(title)s” has been deleted.") % {"title": agreement.title})
        return redirect("agreements:list")
    return render(request, "agreements/agreement_confirm_delete.html", {"agreement": agreement, "form": form})


@require_safe
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(request, "accessibility.html")

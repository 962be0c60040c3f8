from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from samverkan.lib.access import Access
from samverkan.lib.edits import (
    changed_message,
    delete_on_confirm,
    show_refusal,
    stale_form,
    stale_message,
    with_version,
)
from samverkan.lib.pdf import RenderTooLarge
from samverkan.lib.versions import StaleEdit

from . import services
from .access import get_agreement_for_user, get_section_for_user
from .document import build_document
from .filters import AgreementFilter
from .forms import (
    AgreementForm,
    CooperationForumFormSet,
    PartyFormSet,
    SectionForm,
    SignatoryFormSet,
    SignForm,
)
from .history import agreement_changes
from .models import Agreement, ArchivedPdf, Membership, Party, Section, number_sections
from .pdf import agreement_pdf
from .revisions import compare
from .services import (
    AlreadyCreated,
    ArchiveCorrupted,
    agreement_fingerprint,
    agreement_save,
    section_create,
    section_move,
    section_update,
    verified_content,
)

logger = logging.getLogger(__name__)


def _editor_organisations(user):
    return Membership.objects.filter(user=user, role=Membership.Role.EDITOR).select_related("organisation")


@login_required
@require_safe
def agreement_list(request: HttpRequest) -> HttpResponse:
    visible = Agreement.objects.visible_to(request.user)
    filterset = AgreementFilter(request.GET or None, visible=visible)
    agreements = filterset.qs.prefetch_related(
        Prefetch("party_links", queryset=Party.objects.select_related("organisation"))
    )
    can_create = request.user.is_superuser or _editor_organisations(request.user).exists()
    return render(
        request,
        "agreements/agreement_list.html",
        {"filterset": filterset, "agreements": agreements, "can_create": can_create},
    )


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
    return render(request, "agreements/agreement_form.html", {"form": form, "formsets": formsets})


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
    return render(
        request, "agreements/agreement_form.html", {"form": form, "formsets": formsets, "agreement": agreement}
    )


@login_required
@require_safe
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_agreement_for_user(request.user, pk)
    return render(
        request,
        "agreements/agreement_detail.html",
        {
            "agreement": agreement,
            "document": build_document(agreement),
            "archived_pdfs": list(agreement.archived_pdfs.select_related("archived_by")),
            **_related_agreements(request, agreement),
        },
    )


def _related_agreements(request: HttpRequest, agreement: Agreement) -> dict:
    """The revisions and renewals linked from the page: named only if the user may open them, since another
    period's agreement can have other parties. Whether any exist decides which actions the page offers."""
    related = list(
        Agreement.objects.filter(
            models.Q(previous_revision=agreement)
            | models.Q(renews=agreement)
            | models.Q(pk__in=[pk for pk in (agreement.previous_revision_id, agreement.renews_id) if pk])
        )
    )
    shown = set(
        Agreement.objects.visible_to(request.user).filter(pk__in=[a.pk for a in related]).values_list("pk", flat=True)
    )
    return {
        "later_revisions": [a for a in related if a.previous_revision_id == agreement.pk and a.pk in shown],
        "renewals": [a for a in related if a.renews_id == agreement.pk and a.pk in shown],
        "previous_revision_shown": agreement.previous_revision_id in shown,
        "renewed_agreement_shown": agreement.renews_id in shown,
        "has_later_revision": any(a.previous_revision_id == agreement.pk for a in related),
        "is_renewed": any(a.renews_id == agreement.pk for a in related),
    }


@login_required
@require_safe
def agreement_history(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_agreement_for_user(request.user, pk)
    return render(
        request, "agreements/agreement_history.html", {"agreement": agreement, "changes": agreement_changes(agreement)}
    )


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
def agreement_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The signed agreement as archived, checked against its checksum; anything else rendered now as a draft."""
    agreement = get_agreement_for_user(request.user, pk)
    if not agreement.is_frozen:
        try:
            return pdf_response(agreement_pdf(agreement), f"{slugify(agreement.title)}-utkast.pdf")
        except RenderTooLarge:
            return pdf_too_large(request, agreement)
    archived = agreement.archived_pdfs.first()
    if archived is None:  # signed outside the product, e.g. in the admin: there is no signed PDF to give
        logger.warning("Signed agreement %s has no archived PDF", agreement.pk)
        raise Http404
    return archived_pdf_view(request, archived.pk)


@login_required
@require_safe
def archived_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        archived = ArchivedPdf.objects.get(pk=pk)
    except ArchivedPdf.DoesNotExist:
        raise Http404 from None
    agreement = get_agreement_for_user(request.user, archived.agreement_id)
    try:
        content = verified_content(archived)
    except ArchiveCorrupted:
        logger.error("Archived PDF %s of agreement %s does not match its checksum", archived.pk, agreement.pk)
        return render(
            request, "agreements/archive_corrupted.html", {"agreement": agreement, "archived": archived}, status=500
        )
    return pdf_response(content, archived.file.name.rsplit("/", 1)[-1])


def pdf_too_large(request: HttpRequest, agreement: Agreement) -> HttpResponse:
    """The page for a document whose layout hit its time or memory limit; nothing was signed or approved."""
    return render(request, "pdf_too_large.html", {"agreement": agreement}, status=503)


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_required
def agreement_sign(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_agreement_for_user(request.user, pk, Access.EDIT)
    form = SignForm(request.POST or None, agreement=agreement, version=agreement_fingerprint(agreement))
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_sign(
                agreement=agreement,
                user=request.user,
                loaded_version=form.cleaned_data["loaded_fingerprint"],
                signing_place=form.cleaned_data["signing_place"],
                signing_date=form.cleaned_data["signing_date"],
                signed_on=form.signed_on(),
            )
        except StaleEdit:
            form = SignForm(
                with_version(request.POST, agreement_fingerprint(agreement), name="loaded_fingerprint"),
                agreement=agreement,
            )
            form.is_valid()
            form.add_error(None, changed_message())
        except ValidationError as error:
            form.add_error(None, error)
        except RenderTooLarge:
            return pdf_too_large(request, agreement)
        else:
            messages.success(request, _("The agreement is signed, and its PDF has been archived."))
            return redirect(agreement)
    return render(request, "agreements/agreement_sign.html", {"agreement": agreement, "form": form})


@login_required
@require_POST
def agreement_new_revision(request: HttpRequest, pk: int) -> HttpResponse:
    return _derive(request, pk, services.agreement_new_revision, _("A new revision has been created as a draft."))


@login_required
@require_POST
def agreement_renew(request: HttpRequest, pk: int) -> HttpResponse:
    return _derive(request, pk, services.agreement_renew, _("A draft for the next period has been created."))


def _derive(request: HttpRequest, pk: int, service, success: str) -> HttpResponse:
    agreement = get_agreement_for_user(request.user, pk, Access.AMEND)
    try:
        derived = service(agreement=agreement)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(agreement)
    messages.success(request, success)
    return redirect(derived)


@login_required
@require_safe
def agreement_compare(request: HttpRequest, pk: int) -> HttpResponse:
    """What changed from the revision before this one."""
    agreement = get_agreement_for_user(request.user, pk)
    if agreement.previous_revision_id is None:
        raise Http404
    previous = get_agreement_for_user(request.user, agreement.previous_revision_id)
    return render(
        request,
        "agreements/agreement_compare.html",
        {"agreement": agreement, "previous": previous, "changes": compare(previous, agreement)},
    )


@require_safe
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(request, "accessibility.html")

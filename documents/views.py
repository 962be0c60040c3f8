"""The pages that show or act on the agreement as one document: the agreement page and the workbench, the PDF and
the archived PDF, signing, the revisions and renewals made from it, and an agreement brought in from Word."""

from __future__ import annotations

import functools
import logging
import uuid
from datetime import date
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import SimpleLazyObject
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from agreements import services as agreement_services
from agreements.access import get_agreement_for_user, id_or_404
from agreements.forms import PartyFormSet
from agreements.models import Agreement, ArchivedPdf, Membership, Organisation
from samverkan.lib.access import Access
from samverkan.lib.archive import archived_pdf_response, pdf_response, pdf_too_large
from samverkan.lib.edits import ConfirmForm, changed_message, show_refusal, stale_form, stale_message
from samverkan.lib.pdf import RenderTooLarge
from samverkan.lib.queries import ANY_AGREEMENT, ANY_PREVIOUS_REVISION, ANY_RENEWED_AGREEMENT, Prepared
from samverkan.lib.versions import StaleEdit

from . import services, wordimport
from .consent import acting_for, standings
from .document import build_document, document_key
from .forms import ApproveForm, DocxImportConfirmForm, DocxImportForm, LayoutForm, PublishForm, SignForm
from .models import Approval, SignedPage
from .pdf import agreement_pdf
from .revisions import compare
from .services import agreement_fingerprint
from .wordimport import plan_from_docx

logger = logging.getLogger(__name__)


@login_required
@require_safe
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_agreement_for_user(request.user, pk)
    return render(
        request,
        "agreements/agreement_detail.html",
        {
            "agreement": agreement,
            "document": SimpleLazyObject(partial(build_document, agreement)),
            "document_key": document_key(agreement),
            # A PDF is archived when the agreement is signed or published, never before.
            "archived_pdfs": list(agreement.archived_pdfs.select_related("archived_by")) if agreement.is_frozen else [],
            **_consent(request, agreement),
            **_related_agreements(request, agreement),
        },
    )


def _consent(request: HttpRequest, agreement: Agreement) -> dict:
    """Where each party stands, and what the user may do for theirs: while in review (approving, signing), and once
    signed (who signed for each party)."""
    if agreement.status == Agreement.Status.REVIEW:
        current = agreement_fingerprint(agreement)
        party_standings = standings(agreement, current=current, user=request.user)
        return {
            "standings": party_standings,
            "consent_fingerprint": current,
            "every_party_approved": all(s.approved for s in party_standings),
        }
    if agreement.is_frozen and not agreement.is_citizen_promise:
        party_standings = standings(agreement, current="")
        # An agreement signed before each party signed for itself has no signatures of its parties to show.
        return {"standings": party_standings} if any(s.signature for s in party_standings) else {}
    return {}


def _related_agreements(request: HttpRequest, agreement: Agreement) -> dict:
    """The revisions and renewals linked from the page: named only if the user may open them, since another
    period's agreement can have other parties. Whether any exist decides which actions the page offers."""
    related = list(
        Agreement.objects.raw(
            *_related_query().with_values(
                {
                    ANY_AGREEMENT: agreement.pk,
                    ANY_PREVIOUS_REVISION: agreement.previous_revision_id or 0,  # no agreement has the id 0
                    ANY_RENEWED_AGREEMENT: agreement.renews_id or 0,
                }
            )
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


@functools.cache
def _related_query() -> Prepared:
    """The query of an agreement's revisions and renewals, both ways, written once: it is made on every page of an
    agreement, and writing it took longer than running it."""
    return Prepared.of(
        "samverkan_related_agreements",
        Agreement.objects.filter(
            models.Q(previous_revision_id=ANY_AGREEMENT)
            | models.Q(renews_id=ANY_AGREEMENT)
            | models.Q(pk=ANY_PREVIOUS_REVISION)
            | models.Q(pk=ANY_RENEWED_AGREEMENT)
        ),
    )


@login_required
@require_safe
def workbench(request: HttpRequest, pk: int) -> HttpResponse:
    """Where staff write the focus areas, their activities, commitments and goals, and the action plans."""
    agreement = get_agreement_for_user(request.user, pk)
    context = {
        "agreement": agreement,
        # Built only if the page renders it: while nothing has changed its HTML comes from the cache.
        "document": SimpleLazyObject(partial(build_document, agreement)),
        "document_key": document_key(agreement),
    }
    return render(request, "focusareas/workbench.html", context)


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
    return archived_pdf_response(request, archived, agreement=agreement)


@login_required
def agreement_sign(request: HttpRequest, pk: int) -> HttpResponse:
    """A user of a party records its signature (or an editor of the municipality that of a party without users)."""
    agreement = get_agreement_for_user(request.user, pk)
    if agreement.is_citizen_promise:
        messages.error(request, _("A citizen promise is published, not signed."))
        return redirect(agreement)
    if not acting_for(request.user, agreement.pk):
        raise PermissionDenied
    current = agreement_fingerprint(agreement)
    party_standings = standings(agreement, current=current, user=request.user)
    form = SignForm(
        request.POST or None,
        request.FILES or None,
        standings=party_standings,
        version=current,
        initial={"party": request.GET.get("party")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_sign(
                agreement=agreement,
                party=form.standing().party,
                user=request.user,
                loaded_fingerprint=form.cleaned_data["loaded_fingerprint"],
                signing_place=form.cleaned_data["signing_place"],
                signed_on=form.cleaned_data["signed_on"],
                signed_page=form.cleaned_data["signed_page"],
            )
        except StaleEdit:
            form = stale_form(
                lambda data: SignForm(data, standings=party_standings),
                data=request.POST,
                current=agreement_fingerprint(agreement),
                message=changed_message(),
                name="loaded_fingerprint",
            )
        except ValidationError as error:
            form.add_error(None, error)
        except RenderTooLarge:
            return pdf_too_large(request, agreement)
        else:
            agreement.refresh_from_db()
            if agreement.is_frozen:
                messages.success(request, _("Every party has signed: the agreement is signed, and its PDF archived."))
            else:
                messages.success(request, _("The signature is recorded. The agreement is signed when every party has."))
            return redirect(agreement)
    return render(
        request,
        "agreements/agreement_sign.html",
        {"agreement": agreement, "form": form, "standings": party_standings},
    )


@login_required
@require_POST
def agreement_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """A user of a party approves the whole draft as the page showed it ("Godkänn utkastet")."""
    agreement = get_agreement_for_user(request.user, pk)
    acting = acting_for(request.user, agreement.pk)
    if not acting:
        raise PermissionDenied
    form = ApproveForm(request.POST)
    party = Organisation.objects.filter(pk=form.cleaned_data["party"]).first() if form.is_valid() else None
    if party is None or party.pk not in acting:
        messages.error(request, _("Choose a party you act for."))
        return redirect(agreement)
    try:
        services.agreement_approve(
            agreement=agreement,
            party=party,
            user=request.user,
            loaded_fingerprint=form.cleaned_data["loaded_fingerprint"],
        )
    except StaleEdit:
        messages.error(
            request, _("The draft changed after you opened the page. Read it as it is now, then approve it again.")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(party)s has approved the draft.") % {"party": party.name})
    return redirect(f"{agreement.get_absolute_url()}#consent")


@login_required
@require_safe
def approval_changes(request: HttpRequest, pk: int, party: int) -> HttpResponse:
    """What changed in the draft since the party last approved it."""
    agreement = get_agreement_for_user(request.user, pk)
    approval = Approval.objects.filter(agreement=agreement, party_id=id_or_404(party)).select_related("party").last()
    if approval is None:
        raise Http404
    return render(
        request,
        "documents/approval_changes.html",
        {"agreement": agreement, "approval": approval, "changes": compare(approval.content, agreement)},
    )


@login_required
@require_safe
def signed_page_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A party's scanned signed page, as archived."""
    page = SignedPage.objects.select_related("signature").filter(pk=pk).first()
    if page is None:
        raise Http404
    agreement = get_agreement_for_user(request.user, page.signature.agreement_id)
    return archived_pdf_response(request, page, agreement=agreement)


@login_required
def agreement_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish a citizen promise: what signing is for an agreement."""
    agreement = get_agreement_for_user(request.user, pk, Access.EDIT)
    if not agreement.is_citizen_promise:
        messages.error(request, _("An agreement is signed, not published."))
        return redirect(agreement)
    form = PublishForm(request.POST or None, version=agreement_fingerprint(agreement))
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_publish(
                agreement=agreement,
                user=request.user,
                loaded_fingerprint=form.cleaned_data["loaded_fingerprint"],
                published_on=form.cleaned_data["published_on"],
            )
        except StaleEdit:
            form = stale_form(
                PublishForm,
                data=request.POST,
                current=agreement_fingerprint(agreement),
                message=changed_message(),
                name="loaded_fingerprint",
            )
        except ValidationError as error:
            form.add_error(None, error)
        except RenderTooLarge:
            return pdf_too_large(request, agreement)
        else:
            messages.success(request, _("The citizen promise is published, and its PDF has been archived."))
            return redirect(agreement)
    return render(request, "documents/agreement_publish.html", {"agreement": agreement, "form": form})


@login_required
def agreement_new_revision(request: HttpRequest, pk: int) -> HttpResponse:
    return _derive(
        request,
        pk,
        agreement_services.agreement_new_revision,
        question=_("Create a new revision of this agreement?"),
        explanation=_(
            "The new revision is a draft with the signed agreement's content, reviewed and signed again; the signed "
            "agreement and its PDF stay as they are. The police's decisions carry over for commitments left unchanged."
        ),
        success=_("A new revision has been created as a draft."),
    )


@login_required
def agreement_renew(request: HttpRequest, pk: int) -> HttpResponse:
    return _derive(
        request,
        pk,
        agreement_services.agreement_renew,
        question=_("Renew this agreement for the next period?"),
        explanation=_("The renewal is a draft for the next period with this agreement's content, reviewed anew."),
        success=_("A draft for the next period has been created."),
    )


def _derive(request: HttpRequest, pk: int, service, *, question: str, explanation: str, success: str) -> HttpResponse:
    """A revision or renewal made from the agreement, once its confirmation page has been answered."""
    agreement = get_agreement_for_user(request.user, pk, Access.AMEND)
    form = ConfirmForm(request.POST or None, version=agreement_fingerprint(agreement))
    if request.method == "POST" and form.is_valid() and form.cleaned_data["loaded_fingerprint"]:
        try:
            derived = service(agreement=agreement)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(agreement)
        messages.success(request, success)
        return redirect(derived)
    return render(
        request,
        "documents/agreement_derive_confirm.html",
        {"agreement": agreement, "form": form, "question": question, "explanation": explanation},
    )


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


@login_required
def agreement_layout(request: HttpRequest, pk: int) -> HttpResponse:
    """The order and headings of the main part's fixed blocks, and the numbering of each part."""
    agreement = get_agreement_for_user(request.user, pk, Access.EDIT)
    form = LayoutForm(request.POST or None, agreement=agreement)
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_layout_save(
                agreement=agreement,
                loaded_version=form.cleaned_data["loaded_version"] or 0,
                layout=form.layout(),
                numbers_agreement=form.cleaned_data["numbers_agreement"],
                numbers_blocks=form.cleaned_data["numbers_blocks"],
                numbers_appendix=form.cleaned_data["numbers_appendix"],
                forums_in_appendix=form.cleaned_data["forums_in_appendix"],
            )
        except StaleEdit:
            agreement.refresh_from_db()
            form = stale_form(
                lambda data: LayoutForm(data, agreement=agreement),
                data=request.POST,
                current=agreement.version,
                message=stale_message(agreement),
            )
        except ValidationError as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, _("The layout has been saved."))
            return redirect(agreement)
    return render(request, "documents/agreement_layout.html", {"agreement": agreement, "form": form})


# Bringing in an agreement from Word: the upload is kept under MEDIA_ROOT/imports/ between the preview and the
# confirmation, named by a key that only the uploader's session holds, and deleted once the draft is created or
# another file is uploaded in its place, or after a day by the job `documents.jobs.sweep_imports`.
IMPORT_SESSION_KEY = "docx_import"


def _may_create(user) -> bool:
    return user.is_superuser or Membership.objects.filter(user=user, role=Membership.Role.EDITOR).exists()


def _forget_import(request: HttpRequest) -> None:
    pending = request.session.pop(IMPORT_SESSION_KEY, None)
    if pending and pending.get("path"):
        default_storage.delete(pending["path"])


@login_required
def import_docx(request: HttpRequest) -> HttpResponse:
    """Upload a Word file with the parties: the preview of what it will become, with the button that creates it."""
    if not _may_create(request.user):
        raise PermissionDenied
    own = [m.organisation for m in Membership.objects.filter(user=request.user, role=Membership.Role.EDITOR)]
    data = request.POST if request.method == "POST" else None
    form = DocxImportForm(data, request.FILES or None)
    parties = PartyFormSet(
        data,
        instance=Agreement(),
        prefix="parties",
        user=request.user,
        initial=[{"organisation": own[0]}] if own else None,
        extra=2,
    )
    if data is not None and all([form.is_valid(), parties.is_valid()]):
        content = form.cleaned_data["file"].read()
        try:
            plan = plan_from_docx(content)
        except ValidationError as error:
            form.add_error("file", error)
        else:
            _forget_import(request)
            token = uuid.uuid4()
            path = default_storage.save(f"{wordimport.IMPORTS_FOLDER}/{token}.docx", ContentFile(content))
            organisations = parties.remaining_organisations()
            request.session[IMPORT_SESSION_KEY] = {
                "token": str(token),
                "path": path,
                "parties": [organisation.pk for organisation in organisations],
                "title": form.cleaned_data["title"],
            }
            return render(
                request,
                "documents/import_preview.html",
                {
                    "plan": plan,
                    "title": form.cleaned_data["title"] or plan.title,
                    "parties": organisations,
                    "file_name": form.cleaned_data["file"].name,
                    "confirm": DocxImportConfirmForm(initial={"token": token}),
                    "default_period": _default_period(),
                },
            )
    return render(request, "documents/import_docx.html", {"form": form, "parties": parties})


def _default_period() -> str:
    year = date.today().year
    return f"{year}–{year + 3}"


@login_required
@require_POST
def import_docx_confirm(request: HttpRequest) -> HttpResponse:
    """Create the draft the preview showed, once, from the file kept for it."""
    if not _may_create(request.user):
        raise PermissionDenied
    form = DocxImportConfirmForm(request.POST)
    pending = request.session.get(IMPORT_SESSION_KEY) or {}
    if (
        not form.is_valid()
        or str(form.cleaned_data["token"]) != pending.get("token")
        or not default_storage.exists(pending["path"])
    ):
        existing = form.is_valid() and Agreement.objects.filter(creation_key=form.cleaned_data["token"]).first()
        if existing and get_agreement_for_user(request.user, existing.pk):
            messages.info(request, _("This form had already been sent: the agreement was created once."))
            return redirect(existing)
        messages.error(request, _("The uploaded file is no longer kept. Upload it again."))
        return redirect("documents:import_docx")
    token = form.cleaned_data["token"]
    organisations = {o.pk: o for o in Organisation.objects.filter(pk__in=pending["parties"])}
    parties = [organisations[pk] for pk in pending["parties"] if pk in organisations]
    # The rule of the upload, asked again: a membership may have ended since the preview.
    own = Membership.objects.filter(user=request.user, role=Membership.Role.EDITOR, organisation__in=parties)
    if not request.user.is_superuser and not own.exists():
        raise PermissionDenied
    with default_storage.open(pending["path"], "rb") as file:
        plan = plan_from_docx(file.read())
    try:
        agreement = wordimport.agreement_import_docx(
            plan=plan, parties=parties, title=pending.get("title") or "", creation_key=token
        )
    except IntegrityError:
        existing = Agreement.objects.filter(creation_key=token).first()
        if existing is None:
            raise
        messages.info(request, _("This form had already been sent: the agreement was created once."))
        return redirect(existing)
    _forget_import(request)
    messages.success(request, _("The draft has been created from the Word document. Check it against the original."))
    return redirect(agreement)

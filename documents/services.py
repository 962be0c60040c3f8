"""Signing: the signatures recorded on the agreement as it stands, which freezes it and archives its PDF; or, for a
citizen promise, its publication, which does the same without signatures."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from agreements.models import Agreement, ArchivedPdf, agreement_content_models, content_rows
from focusareas.services import agreement_check_ready_for_signing
from samverkan.lib.archive import archiving, store_archived
from samverkan.lib.versions import claim_fingerprint, claim_version, fingerprint, versions

from .mail import send_signed
from .pdf import agreement_pdf


def agreement_fingerprint(agreement: Agreement) -> str:
    """The state of the agreement and of everything in its text: what the signatures are recorded on."""
    querysets = [content_rows(model, agreement.pk) for model in agreement_content_models()]
    return fingerprint(
        row for queryset in querysets if getattr(queryset.model, "in_fingerprint", True) for row in versions(queryset)
    )


def agreement_sign(
    *,
    agreement: Agreement,
    user,
    loaded_fingerprint: str | None = None,
    signing_place: str,
    signing_date: date,
    signed_on: dict[int, date],
) -> ArchivedPdf:
    """Record the signatures, freeze the agreement and archive its PDF with its checksum, all or nothing; refused
    with StaleEdit if the agreement or its text changed after the signing form was loaded."""
    with archiving() as archives:
        agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
        claim_fingerprint(current=agreement_fingerprint(agreement), loaded_fingerprint=loaded_fingerprint)
        if agreement.is_citizen_promise:
            raise ValidationError(_("A citizen promise is published, not signed."))
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
        archives.append(archived)
        archive_pdf(archived)
        send_signed(agreement=agreement)
    return archived


def agreement_publish(*, agreement: Agreement, user, loaded_fingerprint: str | None, published_on: date) -> ArchivedPdf:
    """Publish a citizen promise: checked as for signing (the police have accepted every promise), frozen with the
    day of publication as its date, and its PDF archived, all or nothing; refused with StaleEdit if the promise or
    its text changed after the form was loaded. A citizen promise has no signatures: it is made public instead."""
    with archiving() as archives:
        agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
        claim_fingerprint(current=agreement_fingerprint(agreement), loaded_fingerprint=loaded_fingerprint)
        if not agreement.is_citizen_promise:
            raise ValidationError(_("An agreement is signed, not published."))
        agreement_check_ready_for_signing(agreement)
        agreement.signing_date = published_on
        agreement.status = Agreement.Status.SIGNED
        agreement.full_clean()
        agreement.save()
        archived = ArchivedPdf(agreement=agreement, archived_by=user)
        archives.append(archived)
        archive_pdf(archived)
        send_signed(agreement=agreement)
    return archived


def agreement_layout_save(
    *,
    agreement: Agreement,
    loaded_version: int,
    layout: list[dict],
    numbers_agreement: bool,
    numbers_appendix: bool,
    forums_in_appendix: bool,
) -> Agreement:
    """Save how the authors lay the document out, over the version the form was loaded with (StaleEdit otherwise)."""
    with transaction.atomic():
        claim_version(instance=agreement, loaded_version=loaded_version)
        agreement.layout = layout
        agreement.numbers_agreement = numbers_agreement
        agreement.numbers_appendix = numbers_appendix
        agreement.forums_in_appendix = forums_in_appendix
        agreement.full_clean()
        agreement.save()
    return agreement


def archive_pdf(archived: ArchivedPdf) -> None:
    """Render the (signed) agreement once and store the PDF with its checksum."""
    agreement = archived.agreement
    store_archived(archived, agreement_pdf(agreement), f"{slugify(agreement.title)}-rev{agreement.revision}")

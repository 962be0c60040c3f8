"""Each party's consent: its approval of the whole draft, then its signature, each recorded on the agreement as it
stands; the last party's signature signs the agreement, which freezes it and archives its PDF. A citizen promise is
published instead, once every party has approved it, with the same freeze and archive."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from agreements.models import (
    Agreement,
    ArchivedPdf,
    Organisation,
    Party,
    agreement_content_models,
    content_agreement_path,
)
from focusareas.services import agreement_check_ready_for_signing
from samverkan.lib.archive import archiving, store_archived
from samverkan.lib.versions import claim_fingerprint, claim_version, fingerprint, versions_by

from .consent import Standing, on_behalf, standings
from .mail import send_agreement_signed, send_party_approved, send_party_signed
from .models import Approval, PartySignature, SignedPage
from .pdf import agreement_pdf
from .revisions import content_snapshot


def agreement_fingerprint(agreement: Agreement) -> str:
    """The state of the agreement and of everything in its text: what the signatures are recorded on."""
    return agreement_fingerprints([agreement.pk])[agreement.pk]


def agreement_fingerprints(agreement_ids: Collection[int]) -> dict[int, str]:
    """Each agreement's fingerprint (`agreement_fingerprint`), in one query per content model however many."""
    rows: dict[int, list[tuple]] = {pk: [] for pk in agreement_ids}
    for model in agreement_content_models():
        if getattr(model, "in_fingerprint", True):
            path = content_agreement_path(model)
            queryset = model._default_manager.filter(**{f"{path}__in": agreement_ids})
            for agreement_id, versions in versions_by(queryset, path).items():
                rows[agreement_id] += versions
    return {pk: fingerprint(versions) for pk, versions in rows.items()}


def agreement_approve(
    *, agreement: Agreement, party: Organisation, user, loaded_fingerprint: str | None = None
) -> Approval:
    """Record the party's approval of the whole draft as it stands, with what it says, for the party's user (or on
    behalf of a party without users); refused with StaleEdit if the draft changed after the page was loaded."""
    with transaction.atomic():
        agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
        current = agreement_fingerprint(agreement)
        claim_fingerprint(current=current, loaded_fingerprint=loaded_fingerprint)
        behalf = on_behalf(user, agreement.pk, party)
        agreement_check_ready_for_signing(agreement)
        standing = _standing_of(agreement, party, current)
        if standing.approved:
            raise ValidationError(_("%(party)s has already approved the draft as it stands.") % {"party": party})
        approval = Approval.objects.create(
            agreement=agreement,
            party=party,
            recorded_by=user,
            on_behalf=behalf,
            fingerprint=current,
            content=content_snapshot(agreement),
        )
        send_party_approved(agreement=agreement, party=party, user=user)
    return approval


def _standing_of(agreement: Agreement, party: Organisation, current: str) -> Standing:
    return next(s for s in standings(agreement, current=current) if s.party.pk == party.pk)


def agreement_sign(
    *,
    agreement: Agreement,
    party: Organisation,
    user,
    loaded_fingerprint: str | None = None,
    signing_place: str,
    signed_on: date,
    signed_page: bytes | None = None,
) -> PartySignature:
    """Record one party's signature on the agreement as it stands, with the scanned signed page if there is one
    (required when the signature is recorded on behalf of a party without users). The signature of the last party
    signs the agreement: its signatories' days are recorded, it is frozen and its PDF archived with its checksum,
    all or nothing. Refused with StaleEdit if the agreement or its text changed after the form was loaded."""
    with archiving() as archives:
        agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
        current = agreement_fingerprint(agreement)
        claim_fingerprint(current=current, loaded_fingerprint=loaded_fingerprint)
        if agreement.is_citizen_promise:
            raise ValidationError(_("A citizen promise is published, not signed."))
        behalf = on_behalf(user, agreement.pk, party)
        agreement_check_ready_for_signing(agreement)
        signatories = list(agreement.signatories.all())
        if not signatories:
            raise ValidationError(_("Add the signatories before the agreement is signed."))
        _check_approved_by_every_party(agreement, current)
        if _standing_of(agreement, party, current).signed:
            raise ValidationError(_("%(party)s has already signed the agreement.") % {"party": party})
        if behalf and not signed_page:
            raise ValidationError(_("Attach the page the party signed, scanned as a PDF."))
        signature = PartySignature.objects.create(
            agreement=agreement,
            party=party,
            recorded_by=user,
            on_behalf=behalf,
            fingerprint=current,
            signing_place=signing_place,
            signed_on=signed_on,
        )
        if signed_page:
            page = SignedPage(signature=signature, archived_by=user)
            archives.append(page)
            store_archived(page, signed_page, f"{slugify(agreement.title)}-{slugify(party.name)}")
        signed = {s.party.pk: s.signature for s in standings(agreement, current=current) if s.signed}
        if len(signed) < Party.objects.filter(agreement=agreement).count():
            send_party_signed(agreement=agreement, party=party, user=user)
            return signature
        for signatory in signatories:
            signatory.signed_on = signed[signatory.party_id].signed_on if signatory.party_id in signed else signed_on
            signatory.save(update_fields=["signed_on"])
        agreement.signing_place = signing_place
        agreement.signing_date = max(s.signed_on for s in signed.values())
        agreement.status = Agreement.Status.SIGNED
        agreement.full_clean()
        agreement.save()
        archived = ArchivedPdf(agreement=agreement, archived_by=user)
        archives.append(archived)
        archive_pdf(archived)
        send_agreement_signed(agreement=agreement, user=user)
    return signature


def _check_approved_by_every_party(agreement: Agreement, current: str) -> None:
    waiting = [s.party.party_name for s in standings(agreement, current=current) if not s.approved]
    if waiting:
        raise ValidationError(
            _("Every party approves the draft as it stands first. Not yet approved by: %(parties)s.")
            % {"parties": ", ".join(waiting)}
        )


def agreement_publish(*, agreement: Agreement, user, loaded_fingerprint: str | None, published_on: date) -> ArchivedPdf:
    """Publish a citizen promise: checked as for signing (the police have accepted every promise), frozen with the
    day of publication as its date, and its PDF archived, all or nothing; refused with StaleEdit if the promise or
    its text changed after the form was loaded. A citizen promise has no signatures: it is made public instead."""
    with archiving() as archives:
        agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
        current = agreement_fingerprint(agreement)
        claim_fingerprint(current=current, loaded_fingerprint=loaded_fingerprint)
        if not agreement.is_citizen_promise:
            raise ValidationError(_("An agreement is signed, not published."))
        agreement_check_ready_for_signing(agreement)
        _check_approved_by_every_party(agreement, current)
        agreement.signing_date = published_on
        agreement.status = Agreement.Status.SIGNED
        agreement.full_clean()
        agreement.save()
        archived = ArchivedPdf(agreement=agreement, archived_by=user)
        archives.append(archived)
        archive_pdf(archived)
        send_agreement_signed(agreement=agreement, user=user)
    return archived


def agreement_layout_save(
    *,
    agreement: Agreement,
    loaded_version: int,
    layout: list[dict],
    numbers_agreement: bool,
    numbers_blocks: bool,
    numbers_appendix: bool,
    forums_in_appendix: bool,
) -> Agreement:
    """Save how the authors lay the document out, over the version the form was loaded with (StaleEdit otherwise)."""
    with transaction.atomic():
        claim_version(instance=agreement, loaded_version=loaded_version)
        agreement.layout = layout
        agreement.numbers_agreement = numbers_agreement
        agreement.numbers_blocks = numbers_blocks
        agreement.numbers_appendix = numbers_appendix
        agreement.forums_in_appendix = forums_in_appendix
        agreement.full_clean()
        agreement.save()
    return agreement


def archive_pdf(archived: ArchivedPdf) -> None:
    """Render the (signed) agreement once and store the PDF with its checksum."""
    agreement = archived.agreement
    store_archived(archived, agreement_pdf(agreement), f"{slugify(agreement.title)}-rev{agreement.revision}")

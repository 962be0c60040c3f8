"""Each party's consent to the agreement: its approval of the whole draft and its signature, each recorded on the
content as it stood (its fingerprint), so that a change made since withdraws it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement, AgreementContent, Organisation
from samverkan.lib.archive import ArchivedFile


class PartyConsent(AgreementContent):
    """What binds a party, recorded by a user of that party, or by the municipality's editor for a party without
    users (marked as such); valid while the agreement's content is as it was then."""

    # A revision is consented to anew, and a consent is no part of the text the signatures are recorded on.
    in_copy = False
    in_fingerprint = False

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="+")
    party = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("party"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    on_behalf = models.BooleanField(default=False)
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "pk"]


class Approval(PartyConsent):
    """A party's approval of the whole draft ("Godkänn utkastet"), with what the draft said then."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="approvals")
    # The content as approved (documents.revisions.content_snapshot), to show the party what changed since.
    content = models.JSONField(default=dict)

    class Meta(PartyConsent.Meta):
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")


class PartySignature(PartyConsent):
    """A party's signature, with the place and day it was made."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="party_signatures")
    signing_place = models.CharField(_("place of signing"), max_length=100)
    signed_on = models.DateField(_("signed on"))

    class Meta(PartyConsent.Meta):
        verbose_name = _("party's signature")
        verbose_name_plural = _("parties' signatures")


class SignedPage(ArchivedFile):
    """The scanned page a party signed on paper, archived with its checksum."""

    signature = models.OneToOneField(PartySignature, on_delete=models.CASCADE, related_name="signed_page")

    class Meta:
        verbose_name = _("signed page")
        verbose_name_plural = _("signed pages")

    def archive_folder(self) -> str:
        return f"archive/{self.signature.agreement_id}/signed-pages"

from django import forms
from django.contrib import admin, messages
from django.db.models import Q
from django.http import HttpResponseRedirect
from simple_history.admin import SimpleHistoryAdmin

from samverkan.lib.versions import claim_version

from .models import (
    Agreement,
    AgreementContent,
    AgreementFrozen,
    CooperationForum,
    Membership,
    Organisation,
    Party,
    Section,
    Signatory,
)


def frozen_agreements(instance: Agreement | AgreementContent, chosen: Agreement | None = None) -> bool:
    """Whether the agreement, or the agreement the content belongs to as stored or is moved to, is signed."""
    if isinstance(instance, Agreement):
        pks = [instance.pk]
    else:
        pks = [instance.owning_agreement_id() if instance.pk else None, chosen.pk if chosen else None]
    return Agreement.objects.filter(pk__in=[pk for pk in pks if pk], status__in=Agreement.FROZEN_STATUSES).exists()


class FrozenRefusingForm(forms.ModelForm):
    """Refuses a change to a signed agreement or to its content with the reason on the form, as the product does."""

    def clean(self) -> dict:
        cleaned = super().clean()
        if frozen_agreements(self.instance, cleaned.get("agreement")):
            raise AgreementFrozen
        return cleaned


class FrozenRefusingAdmin(SimpleHistoryAdmin):
    """An agreement, or content of one, that once signed is neither changed nor deleted in the administration."""

    form = FrozenRefusingForm

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and not (obj is not None and frozen_agreements(obj))

    def save_model(self, request, obj, form, change) -> None:
        if change:
            # An administrator's edit moves the version on as an editor's does: a form loaded before it is refused
            # rather than overwriting it, and HTML cached under the version is rendered anew. The admin's change
            # runs in a transaction, so the row stays locked from this read to the save.
            stored = type(obj).objects.select_for_update().values_list("version", flat=True).get(pk=obj.pk)
            claim_version(instance=obj, loaded_version=stored)
        super().save_model(request, obj, form, change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except AgreementFrozen as refusal:
            # Signed after the form's check, or by this very change before its inline rows were saved: nothing
            # of the change is kept.
            self.message_user(request, " ".join(refusal.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "organisation", "role"]
    list_filter = ["role", "organisation__kind"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]


class PartyInline(admin.TabularInline):
    model = Party
    extra = 0
    autocomplete_fields = ["organisation"]


class SignatoryInline(admin.TabularInline):
    model = Signatory
    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        """A signatory signs for one of the agreement's parties: only those are offered, not every organisation
        in the country (and whoever a signatory already names, so that the row still shows as it is)."""
        formset = super().get_formset(request, obj, **kwargs)
        if obj is not None and obj.pk:
            formset.form.base_fields["party"].queryset = Organisation.objects.filter(
                Q(agreement_parties__agreement=obj) | Q(pk__in=obj.signatories.values("party_id"))
            ).distinct()
        return formset


class CooperationForumInline(admin.TabularInline):
    model = CooperationForum
    extra = 0


@admin.register(Agreement)
class AgreementAdmin(FrozenRefusingAdmin):
    list_display = ["title", "status", "start_date", "end_date"]
    list_filter = ["status"]
    search_fields = ["title", "parties__name"]
    inlines = [PartyInline, SignatoryInline, CooperationForumInline]


@admin.register(Section)
class SectionAdmin(FrozenRefusingAdmin):
    list_display = ["heading", "agreement", "part", "order"]
    list_filter = ["part"]
    search_fields = ["heading", "agreement__title"]
    raw_id_fields = ["agreement", "parent"]

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Agreement, CooperationForum, Membership, Organisation, Party, Section, Signatory


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


class CooperationForumInline(admin.TabularInline):
    model = CooperationForum
    extra = 0


@admin.register(Agreement)
class AgreementAdmin(SimpleHistoryAdmin):
    list_display = ["title", "status", "start_date", "end_date"]
    list_filter = ["status"]
    search_fields = ["title", "parties__name"]
    inlines = [PartyInline, SignatoryInline, CooperationForumInline]


@admin.register(Section)
class SectionAdmin(SimpleHistoryAdmin):
    list_display = ["heading", "agreement", "part", "order"]
    list_filter = ["part"]
    search_fields = ["heading", "agreement__title"]
    raw_id_fields = ["agreement", "parent"]

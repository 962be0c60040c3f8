from __future__ import annotations

import functools
import hashlib
import uuid
from functools import cached_property

from django import forms
from django.db import connection
from django.db.models.fields import BLANK_CHOICE_DASH
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from samverkan.lib.edits import DateInput, VersionedForm, VersionedModelForm
from samverkan.lib.queries import ANY_AGREEMENT, Prepared
from samverkan.lib.validation import CleanInputMixin, CleanModelForm
from samverkan.lib.versions import count_of, history_of, latest_id
from samverkan.lib.widgets import Choices, LongSelect

from .models import (
    MAX_SECTION_DEPTH,
    Agreement,
    CooperationForum,
    Figure,
    Membership,
    Organisation,
    Party,
    Preferences,
    Section,
    Signatory,
    content_naming,
)


class AgreementForm(VersionedModelForm):
    class Meta:
        model = Agreement
        fields = [
            "kind",
            "title",
            "start_date",
            "end_date",
            "revision_interval_years",
            "first_follow_up_year",
            "follow_up_frequency",
            "followed_up_by",
            "purpose",
            "overall_goals",
            "standing_commitments",
            "follow_up",
            "lists_focus_areas",
            "copies",
            "signing_place",
            "signing_date",
        ]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "signing_date": DateInput(),
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "overall_goals": forms.Textarea(attrs={"rows": 5}),
            "standing_commitments": forms.Textarea(attrs={"rows": 4}),
            "follow_up": forms.Textarea(attrs={"rows": 4}),
        }

    # A new agreement's form is created once, however often it is sent.
    creation_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # A post without the kind (a form from before it could be chosen) keeps the agreement's kind; see clean_kind.
        self.fields["kind"].required = False
        self.fields["follow_up_frequency"].required = False
        self.fields["followed_up_by"].required = False
        if self.instance.pk:
            del self.fields["creation_key"]
        else:
            self.fields["creation_key"].initial = uuid.uuid4()

    def clean_kind(self) -> str:
        return self.cleaned_data["kind"] or self.instance.kind

    def clean_follow_up_frequency(self) -> int:
        return self.cleaned_data["follow_up_frequency"] or self.instance.follow_up_frequency

    def clean_followed_up_by(self) -> str:
        return self.cleaned_data["followed_up_by"] or self.instance.followed_up_by


class PartyForm(CleanInputMixin, forms.ModelForm):
    class Meta:
        model = Party
        fields = ["organisation", "display_name"]
        widgets = {"organisation": LongSelect}

    def has_changed(self) -> bool:
        # The creator's own organisation is preselected; a row with a party chosen is always one to save.
        return bool(self["organisation"].value()) or super().has_changed()


class BasePartyFormSet(forms.BaseInlineFormSet):
    def __init__(self, *args, user, extra: int | None = None, **kwargs) -> None:
        self.user = user
        if extra is not None:
            self.extra = extra
        super().__init__(*args, **kwargs)

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        field = form.fields["organisation"]
        field.queryset = Organisation.objects.order_by("kind", "name")
        field.widget.choices = self.organisation_choices
        field.label = _("Party")

    @cached_property
    def organisation_choices(self) -> Choices:
        """Every organisation, read and written once for all the rows (each would read them anew, hundreds), as the
        (id, name) pairs a select shows: a model instance of each cost more than writing them."""
        organisations = Organisation.objects.order_by("kind", "name").values_list("pk", "name")
        return Choices([*BLANK_CHOICE_DASH, *organisations])

    def remaining_organisations(self) -> list[Organisation]:
        return [
            form.cleaned_data["organisation"]
            for form in self.forms
            if form.cleaned_data.get("organisation") and not form.cleaned_data.get("DELETE")
        ]

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        organisations = self.remaining_organisations()
        if len(set(organisations)) != len(organisations):
            raise forms.ValidationError(_("The same organisation is listed twice among the parties."))
        if not any(o.kind == Organisation.Kind.MUNICIPALITY for o in organisations):
            raise forms.ValidationError(_("At least one municipality must be a party."))
        if not any(o.is_police for o in organisations):
            raise forms.ValidationError(_("At least one police area or police district must be a party."))
        if not self.user.is_superuser:
            own = set(
                Membership.objects.filter(user=self.user, role=Membership.Role.EDITOR).values_list(
                    "organisation_id", flat=True
                )
            )
            if not any(o.pk in own for o in organisations):
                raise forms.ValidationError(_("One of the parties must be an organisation in which you are an editor."))
        if self.instance.pk is not None:
            self._refuse_removing_named_parties(organisations)

    def _refuse_removing_named_parties(self, organisations: list[Organisation]) -> None:
        """A party that commitments name stays until they are given to other parties: a commitment of an
        organisation that is no party to the agreement binds nobody."""
        removed = Organisation.objects.filter(agreement_parties__agreement=self.instance).exclude(
            pk__in=[o.pk for o in organisations]
        )
        errors = []
        for party in removed:
            named = content_naming(agreement_id=self.instance.pk, organisation=party)
            if named:
                errors.append(
                    _(
                        "%(party)s cannot be removed while commitments name it: %(commitments)s. Choose other "
                        "parties for those commitments first."
                    )
                    % {"party": party, "commitments": ", ".join(f"“{Truncator(str(c)).chars(60)}”" for c in named)}
                )
        if errors:
            raise forms.ValidationError(errors)


# Far more rows than any agreement has, and few enough that a forged form count costs the server nothing.
MAX_ROWS = 50

PartyFormSet = forms.inlineformset_factory(
    Agreement,
    Party,
    form=PartyForm,
    formset=BasePartyFormSet,
    extra=1,
    can_delete=True,
    max_num=MAX_ROWS,
    absolute_max=MAX_ROWS,
)


class BaseSignatoryFormSet(forms.BaseInlineFormSet):
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        form.fields["party"].queryset = Organisation.objects.filter(
            agreement_parties__agreement=self.instance
        ).order_by("agreement_parties__order")

    def check_parties(self, organisations: list[Organisation]) -> bool:
        """Every signatory must sign for one of the agreement's parties as they are after this save."""
        valid = True
        for form in self.forms:
            party = form.cleaned_data.get("party")
            if party and not form.cleaned_data.get("DELETE") and party not in organisations:
                form.add_error("party", _("%(party)s is no longer a party to the agreement.") % {"party": party})
                valid = False
        return valid


SignatoryFormSet = forms.inlineformset_factory(
    Agreement,
    Signatory,
    form=CleanModelForm,
    formset=BaseSignatoryFormSet,
    fields=["name", "title", "party", "order"],
    extra=1,
    can_delete=True,
    max_num=MAX_ROWS,
    absolute_max=MAX_ROWS,
)

CooperationForumFormSet = forms.inlineformset_factory(
    Agreement,
    CooperationForum,
    form=CleanModelForm,
    fields=["name", "meeting_frequency", "convener", "participants"],
    widgets={"participants": forms.Textarea(attrs={"rows": 2})},
    extra=1,
    can_delete=True,
    max_num=MAX_ROWS,
    absolute_max=MAX_ROWS,
)


class SectionForm(VersionedForm):
    heading = forms.CharField(
        label=_("Heading"),
        max_length=200,
        required=False,
        help_text=_("Left empty, the text prints without a heading."),
    )
    parent = forms.TypedChoiceField(label=_("Place"), coerce=int, required=False, empty_value=None)
    body = Section._meta.get_field("body").formfield(label=_("Text"), required=False)

    def __init__(self, *args, agreement: Agreement, part: str, section: Section | None = None, **kwargs) -> None:
        if section is not None:
            kwargs.setdefault(
                "initial", {"heading": section.heading, "body": section.body, "parent": section.parent_id}
            )
        super().__init__(*args, version=section.version if section else None, **kwargs)
        self.section = section
        self.candidates = self._candidate_parents(agreement=agreement, part=part)
        self.fields["parent"].choices = [("", _("Main section"))] + [
            (c.pk, _("Under %(heading)s") % {"heading": c}) for c in self.candidates.values()
        ]

    def clean(self) -> dict:
        cleaned = super().clean()
        if not cleaned.get("heading") and not strip_tags(cleaned.get("body") or "").strip():
            raise forms.ValidationError(_("Write a heading or a text."))
        return cleaned

    def _candidate_parents(self, *, agreement: Agreement, part: str) -> dict[int, Section]:
        """Sections this one may be placed under: not itself, not its own subsections, not too deep."""
        sections = {s.pk: s for s in Section.objects.filter(agreement=agreement, part=part).order_by("order", "pk")}

        def depth(s: Section) -> int:
            return 1 if s.parent_id is None else 1 + depth(sections[s.parent_id])

        def height(pk: int) -> int:
            children = [s.pk for s in sections.values() if s.parent_id == pk]
            return 1 + max((height(c) for c in children), default=0)

        def is_within(s: Section, ancestor_pk: int) -> bool:
            while s is not None:
                if s.pk == ancestor_pk:
                    return True
                s = sections.get(s.parent_id)
            return False

        own_height = height(self.section.pk) if self.section else 1
        return {
            pk: s
            for pk, s in sections.items()
            if depth(s) + own_height <= MAX_SECTION_DEPTH and not (self.section and is_within(s, self.section.pk))
        }

    def clean_parent(self) -> Section | None:
        parent_pk = self.cleaned_data["parent"]
        return None if parent_pk is None else self.candidates[parent_pk]


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = Preferences
        fields = ["wants_email"]


class FigureForm(VersionedModelForm):
    """An image in a section with its alternative text, caption and width; a saved figure keeps its image unless
    another is chosen."""

    class Meta:
        model = Figure
        fields = ["image", "alt_text", "caption", "width"]
        widgets = {"image": forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"})}


def agreement_form_key(agreement: Agreement) -> str:
    """A digest of what the unfilled form of `agreement` shows: the agreement as loaded (its version is the one the
    form is sent back with), the latest history record of the agreement, its parties, signatories and cooperation
    forums (every save and delete, an administrator's included, leaves one), and the latest record and number of the
    organisations every party row offers; in one query, however many organisations the country has."""
    with connection.cursor() as cursor:
        cursor.execute(*_form_writes().with_values({ANY_AGREEMENT: agreement.pk}))
        latest = cursor.fetchone()
    shown = (agreement.pk, agreement.version, get_language())
    return hashlib.sha256(repr((shown, latest)).encode()).hexdigest()


def new_agreement_form_key(own: Organisation | None) -> str:
    """A digest of what the unfilled form of a new agreement shows, its first party `own` (the user's organisation)
    chosen: the organisations every party row offers."""
    with connection.cursor() as cursor:
        cursor.execute(*_form_writes().with_values({ANY_AGREEMENT: 0}))
        latest = cursor.fetchone()
    return hashlib.sha256(repr((own.pk if own else None, get_language(), latest)).encode()).hexdigest()


@functools.cache
def _form_writes() -> Prepared:
    """The query of the forms' keys, written once."""

    def latest(model: type, **lookups) -> object:
        return latest_id(history_of(model).filter(**lookups), "history_id")

    shown = {
        "latest_agreement": latest(Agreement, id=ANY_AGREEMENT),
        "latest_parties": latest(Party, agreement_id=ANY_AGREEMENT),
        "latest_signatories": latest(Signatory, agreement_id=ANY_AGREEMENT),
        "latest_forums": latest(CooperationForum, agreement_id=ANY_AGREEMENT),
        "latest_organisations": latest(Organisation),
        "organisations": count_of(Organisation.objects.all()),
    }
    queryset = Organisation.objects.order_by().annotate(**shown).values_list(*shown)[:1]
    return Prepared.of("samverkan_agreement_form_key", queryset)

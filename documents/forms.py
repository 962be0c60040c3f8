"""The forms of each party's consent (approving the draft, signing for the party) and of bringing in an agreement from
Word."""

from __future__ import annotations

import filetype
from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement, Section, number_sections
from samverkan.lib.edits import ConfirmForm, DateInput, VersionedForm
from samverkan.lib.validation import CleanInputMixin

from .consent import Standing
from .document import MAIN_BLOCKS, main_blocks
from .wordimport import MAX_DOCX_BYTES, check_docx

MAX_SIGNED_PAGE_BYTES = 10 * 1024 * 1024


class SignForm(ConfirmForm):
    """One party's signature as it was made: the party, the place and day, and the signed page scanned as a PDF."""

    party = forms.TypedChoiceField(label=_("Sign for"), coerce=int)
    signing_place = forms.CharField(label=_("Place of signing"), max_length=100)
    signed_on = forms.DateField(label=_("Signed on"), widget=DateInput())
    signed_page = forms.FileField(
        label=_("The signed page, scanned (PDF)"),
        required=False,
        help_text=_("At most 10 MB. Required when you record the signature of a party without users of its own."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}),
    )

    def __init__(self, *args, standings: list[Standing], version: str | None = None, **kwargs) -> None:
        super().__init__(*args, version=version, **kwargs)
        self.standings = {s.party.pk: s for s in standings if s.user_acts and not s.signed}
        self.fields["party"].choices = [
            (pk, _("%(party)s (on its behalf: it has no users of its own)") % {"party": s.party.party_name})
            if s.user_on_behalf
            else (pk, s.party.party_name)
            for pk, s in self.standings.items()
        ]

    def clean_signed_page(self) -> bytes | None:
        file = self.cleaned_data["signed_page"]
        if not file:
            return None
        if file.size > MAX_SIGNED_PAGE_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."), code="too_large")
        content = file.read()
        kind = filetype.guess(content[:8192])
        if kind is None or kind.extension != "pdf":
            raise forms.ValidationError(_("Attach the signed page as a PDF file."), code="not_pdf")
        return content

    def clean(self) -> dict:
        cleaned = super().clean()
        standing = self.standings.get(cleaned.get("party"))
        if standing and standing.user_on_behalf and not cleaned.get("signed_page") and "signed_page" not in self.errors:
            self.add_error("signed_page", _("Attach the page the party signed, scanned as a PDF."))
        return cleaned

    def standing(self) -> Standing:
        return self.standings[self.cleaned_data["party"]]


class ApproveForm(ConfirmForm):
    """A party's approval of the draft as the page showed it."""

    party = forms.IntegerField(widget=forms.HiddenInput)


class PublishForm(ConfirmForm):
    """The day a citizen promise is published."""

    published_on = forms.DateField(label=_("Date of publication"), widget=DateInput())


class DocxImportForm(CleanInputMixin, forms.Form):
    """A Word file to bring in as a new agreement, recognised as one by its content."""

    file = forms.FileField(
        label=_("Word document (.docx)"),
        help_text=_("At most 10 MB. Headings, lists, tables and signatures are read; the draft can be edited after."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".docx,application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
        ),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to take the title from the document."),
    )

    def clean_file(self) -> UploadedFile:
        file = self.cleaned_data["file"]
        if file.size > MAX_DOCX_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."), code="too_large")
        file.seek(0)
        check_docx(file.read())
        file.seek(0)
        return file


class DocxImportConfirmForm(CleanInputMixin, forms.Form):
    """Creating the draft a preview showed: the upload it was made from, named by the key kept in the session."""

    token = forms.UUIDField(widget=forms.HiddenInput)


class LayoutForm(VersionedForm):
    """The main part's fixed blocks as the authors lay them out: for each its place, its heading (empty for none) and
    whether it is printed; numbering per part, and where the forums are printed."""

    numbers_agreement = forms.BooleanField(label=_("Number the agreement's sections"), required=False)
    numbers_blocks = forms.BooleanField(
        label=_("Number the headed fixed parts in one sequence with the sections"),
        help_text=_("As in “1. Syfte, 2. Bakgrund, 3. Mål”. Parts without a heading get no number."),
        required=False,
    )
    numbers_appendix = forms.BooleanField(label=_("Number the sections of Bilaga 1"), required=False)
    forums_in_appendix = forms.BooleanField(label=_("Print the cooperation forums in Bilaga 1"), required=False)

    forums_section = forms.ChoiceField(
        label=_("Print the cooperation forums in the section"),
        required=False,
        help_text=_("Where the Word file had them, say; then neither their place above nor Bilaga 1 applies."),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, agreement: Agreement, **kwargs) -> None:
        blocks = main_blocks(agreement.layout)
        initial = {
            "numbers_agreement": agreement.numbers_agreement,
            "numbers_blocks": agreement.numbers_blocks,
            "numbers_appendix": agreement.numbers_appendix,
            "forums_in_appendix": agreement.forums_in_appendix,
            "forums_section": next(block.section for block in blocks if block.name == "forums"),
        }
        for position, block in enumerate(blocks, start=1):
            initial |= {
                f"{block.name}_position": position,
                f"{block.name}_heading": block.heading,
                f"{block.name}_shown": block.shown,
            }
        kwargs.setdefault("initial", initial)
        super().__init__(*args, version=agreement.version, **kwargs)
        sections = [
            (str(entry.section.key), f"{label}: {entry.number} {entry.section}")
            for part, label in Section.Part.choices
            for entry in number_sections([s for s in agreement.sections.all() if s.part == part])
        ]
        self.fields["forums_section"].choices = [("", _("None: in their own block")), *sections]
        places = [(n, str(n)) for n in range(1, len(MAIN_BLOCKS) + 1)]
        self.blocks = []
        for block in blocks:
            label = MAIN_BLOCKS[block.name]
            self.fields[f"{block.name}_position"] = forms.TypedChoiceField(
                label=_("Place of “%(block)s”") % {"block": label},
                choices=places,
                coerce=int,
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            self.fields[f"{block.name}_heading"] = forms.CharField(
                label=_("Heading of “%(block)s”") % {"block": label},
                max_length=200,
                required=False,
                widget=forms.TextInput(attrs={"class": "form-control"}),
            )
            self.fields[f"{block.name}_shown"] = forms.BooleanField(
                label=_("Print “%(block)s”") % {"block": label}, required=False
            )
            self.blocks.append((label, [self[f"{block.name}_{part}"] for part in ("position", "heading", "shown")]))

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("numbers_blocks") and not cleaned.get("numbers_agreement"):
            self.add_error(
                "numbers_blocks",
                _("Number the agreement's sections too: the fixed parts are numbered in one sequence with them."),
            )
        return cleaned

    def layout(self) -> list[dict]:
        """The blocks in the chosen order (a tie keeps the order they had), each with its heading and whether shown."""
        names = list(MAIN_BLOCKS)
        ordered = sorted(names, key=lambda name: (self.cleaned_data[f"{name}_position"], names.index(name)))
        section = self.cleaned_data["forums_section"]
        return [
            {
                "block": name,
                "heading": self.cleaned_data[f"{name}_heading"],
                "shown": self.cleaned_data[f"{name}_shown"],
            }
            | ({"section": section} if name == "forums" and section else {})
            for name in ordered
        ]

"""What each kind of export holds, as parts made one by one (so that the task can say how far it has come), and
how the parts become one file. Only what the user who asked may read goes in."""

from __future__ import annotations

import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from django.db.models import Q, QuerySet
from django.utils.text import slugify
from django.utils.translation import gettext as _

from agreements.models import Agreement
from documents.pdf import agreement_pdf
from focusareas.models import Commitment
from followup.models import FollowUpReport
from followup.pdf import annual_report_pdf
from followup.spreadsheets import Sheet, xlsx
from samverkan.lib.archive import ArchiveCorrupted, verified_content
from samverkan.lib.pdf import RenderTooLarge

from .models import Export


class NotAvailable(Exception):
    """A document that cannot go in: a signed agreement without an archived PDF (signed outside the product)."""


# Why a part is left out of an export rather than failing it.
LEFT_OUT = (NotAvailable, RenderTooLarge, ArchiveCorrupted)


@dataclass(frozen=True)
class Part:
    """One document of an export: its name and how it is made."""

    name: str
    make: Callable[[], Any]


def agreements_of_year(user, year: int) -> QuerySet[Agreement]:
    """The agreements the user may read that run during the year."""
    return (
        Agreement.objects.visible_to(user)
        .filter(start_date__lte=date(year, 12, 31))
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=date(year, 1, 1)))
        .order_by("title", "pk")
    )


def _agreement_pdf(agreement: Agreement) -> bytes:
    if not agreement.is_frozen:
        return agreement_pdf(agreement)
    archived = agreement.archived_pdfs.first()
    if archived is None:
        raise NotAvailable(agreement.pk)
    return verified_content(archived)


def _report_pdf(report: FollowUpReport) -> bytes:
    archived = getattr(report, "archived", None) if report.is_frozen else None
    return annual_report_pdf(report) if archived is None else verified_content(archived)


def year_pdf_parts(user, year: int) -> list[Part]:
    """Every agreement running in the year and every follow-up of the year the user may read, as their PDFs: the
    archived one once signed or approved, a draft laid out (or found in the cache) otherwise."""
    agreements = list(agreements_of_year(user, year))
    reports = defaultdict(list)  # the year's follow-up, or each of its halves or quarters
    for report in (
        FollowUpReport.objects.filter(agreement__in=agreements, year=year)
        .select_related("agreement", "archived")
        .order_by("period")
    ):
        reports[report.agreement_id].append(report)
    parts = []
    for agreement in agreements:
        folder = f"{slugify(agreement.title)}-{agreement.pk}"
        draft = "" if agreement.is_frozen else "-utkast"
        parts.append(Part(f"{folder}/overenskommelse{draft}.pdf", lambda a=agreement: _agreement_pdf(a)))
        for report in reports[agreement.pk]:
            draft = "" if report.is_frozen else "-utkast"
            name = f"{folder}/uppfoljning-{report.period_in_names}{draft}.pdf"
            parts.append(Part(name, lambda r=report: _report_pdf(r)))
    return parts


def write_zip(made: Iterable[tuple[Part, bytes]], into: IO[bytes]) -> None:
    with zipfile.ZipFile(into, "w", compression=zipfile.ZIP_STORED) as archive:  # PDFs are compressed already
        for part, content in made:
            archive.writestr(part.name, content)


def _agreement_rows(agreement: Agreement) -> tuple[list, list[list]]:
    """The agreement's row of the first sheet and its commitments' rows of the second."""
    parties = ", ".join(link.organisation.name for link in agreement.party_links.select_related("organisation"))
    commitments = (
        Commitment.objects.filter(agreement=agreement)
        .select_related("focus_area", "action_plan")
        .prefetch_related("parties")
        .order_by("focus_area__order", "action_plan__pk", "order", "pk")
    )
    rows = [
        [
            agreement.title,
            c.focus_area.title if c.focus_area else str(c.action_plan or _("Other commitments")),
            ", ".join(party.name for party in c.parties.all()),
            c.text,
            c.responsible_role,
            c.target_value,
            c.target_unit,
            str(c.get_target_scope_display()),
            c.target_text,
            str(c.get_review_status_display()),
        ]
        for c in commitments
    ]
    row = [
        agreement.title,
        str(agreement.get_kind_display()),
        str(agreement.get_shown_status_display()),
        parties,
        agreement.start_date,
        agreement.end_date,
        agreement.focus_areas.count(),
        len(rows),
    ]
    return row, rows


def workbook_parts(user) -> list[Part]:
    """Every agreement the user may read, a row each, and its commitments."""
    agreements = Agreement.objects.visible_to(user).order_by("title", "pk")
    return [Part(agreement.title, lambda a=agreement: _agreement_rows(a)) for agreement in agreements]


def workbook(made: Iterable[tuple[Part, tuple[list, list[list]]]]) -> bytes:
    agreements, commitments = [], []
    for _part, (row, rows) in made:
        agreements.append(row)
        commitments.extend(rows)
    sheets: list[Sheet] = [
        (
            _("Agreements"),
            [
                _("Title"),
                _("Kind of document"),
                _("Status"),
                _("Parties"),
                _("Start date"),
                _("End date"),
                _("Focus areas"),
                _("Commitments"),
            ],
            agreements,
        ),
        (
            _("Commitments"),
            [
                _("Agreement"),
                _("Focus area"),
                _("Who commits"),
                _("Commitment"),
                _("Responsible role"),
                _("Target"),
                _("Unit"),
                _("Target applies"),
                _("Target as written"),
                _("Review"),
            ],
            commitments,
        ),
    ]
    return xlsx(sheets)


def parts_of(export: Export) -> list[Part]:
    if export.kind == Export.Kind.YEAR_PDFS:
        return year_pdf_parts(export.requested_by, export.year)
    return workbook_parts(export.requested_by)


def filename_of(export: Export) -> str:
    if export.kind == Export.Kind.YEAR_PDFS:
        return f"samverkan-pdf-{export.year}.zip"
    return "samverkan-overenskommelser.xlsx"


def spooled() -> IO[bytes]:
    """Where a zip is written while it is made: on disk past a few megabytes, not all in memory."""
    return tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)

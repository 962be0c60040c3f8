from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from followup.models import FollowUpReport
from followup.pdf import annual_report_pdf
from samverkan.lib.archive import ArchiveCorrupted, verified_content
from samverkan.lib.pdf import RenderTooLarge


class Command(BaseCommand):
    """Write a year's annual follow-up report to a PDF file: the archived one once approved, else a draft."""

    help = "Write the annual follow-up report of an agreement and year as PDF."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("agreement", type=int, help="the agreement's id")
        parser.add_argument("year", type=int)
        parser.add_argument(
            "--period", type=int, default=0, help="the half (1–2) or quarter (1–4) of the year; 0, the whole year"
        )
        parser.add_argument("-o", "--output", type=Path, required=True, help="the PDF file to write")

    def handle(self, *args, agreement: int, year: int, period: int, output: Path, **options) -> None:
        try:
            report = FollowUpReport.objects.select_related("agreement").get(
                agreement_id=agreement, year=year, period=period
            )
        except FollowUpReport.DoesNotExist:
            raise CommandError(f"Agreement {agreement} has no follow-up for {year} (period {period})") from None
        archived = getattr(report, "archived", None) if report.is_frozen else None
        try:
            content = verified_content(archived) if archived else annual_report_pdf(report)
        except ArchiveCorrupted:
            raise CommandError(f"The archived report {agreement}/{year} does not match its checksum") from None
        except RenderTooLarge as error:
            raise CommandError(f"The PDF could not be laid out within its limits ({error})") from None
        output.write_bytes(content)
        self.stdout.write(f"{output} ({len(content)} bytes)")

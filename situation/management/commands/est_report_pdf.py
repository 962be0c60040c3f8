from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from agreements.models import Organisation
from samverkan.lib.pdf import RenderTooLarge
from situation.access import monday_of_label
from situation.models import Week
from situation.pdf import weekly_report_pdf


class Command(BaseCommand):
    """Write a municipality's weekly EST report to a PDF file."""

    help = "Write the weekly report of a municipality (its id or name) and ISO week (e.g. 2026-W47) as PDF."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("municipality", help="the municipality's id or name")
        parser.add_argument("week", help="the ISO week, e.g. 2026-W47")
        parser.add_argument("-o", "--output", type=Path, required=True, help="the PDF file to write")

    def handle(self, *args, municipality: str, week: str, output: Path, **options) -> None:
        try:
            monday = monday_of_label(week)
        except Http404:
            raise CommandError(f"{week!r} is not an ISO week such as 2026-W47") from None
        found = Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY)
        found = found.filter(pk=int(municipality)) if municipality.isdigit() else found.filter(name=municipality)
        try:
            the_week = Week.objects.select_related("municipality").get(municipality__in=found, monday=monday)
        except Week.DoesNotExist:
            raise CommandError(f"{municipality} has no week {week}") from None
        try:
            content = weekly_report_pdf(the_week)
        except RenderTooLarge as error:
            raise CommandError(f"The PDF could not be laid out within its limits ({error})") from None
        output.write_bytes(content)
        self.stdout.write(f"{output} ({len(content)} bytes)")

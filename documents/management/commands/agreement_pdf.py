from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from agreements.models import Agreement
from documents.pdf import agreement_pdf
from samverkan.lib.archive import ArchiveCorrupted, verified_content
from samverkan.lib.pdf import RenderTooLarge


class Command(BaseCommand):
    """Write an agreement's PDF to a file: the archived one if it is signed, otherwise a draft rendered now."""

    help = "Write an agreement as PDF (the archived PDF of a signed agreement, else a draft)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("agreement", type=int, help="the agreement's id")
        parser.add_argument("-o", "--output", type=Path, required=True, help="the PDF file to write")

    def handle(self, *args, agreement: int, output: Path, **options) -> None:
        try:
            found = Agreement.objects.get(pk=agreement)
        except Agreement.DoesNotExist:
            raise CommandError(f"No agreement with id {agreement}") from None
        archived = found.archived_pdfs.first() if found.is_frozen else None
        try:
            content = verified_content(archived) if archived else agreement_pdf(found)
        except ArchiveCorrupted:
            raise CommandError(f"The archived PDF of agreement {agreement} does not match its checksum") from None
        except RenderTooLarge as error:
            raise CommandError(f"The PDF could not be laid out within its limits ({error})") from None
        output.write_bytes(content)
        self.stdout.write(f"{output} ({len(content)} bytes)")

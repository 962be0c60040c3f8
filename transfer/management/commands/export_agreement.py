from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from agreements.models import Agreement
from transfer.document import TransferError, document_dumps
from transfer.exporter import agreement_export


class Command(BaseCommand):
    """Write an agreement with everything under it as one JSON document, for import_agreement elsewhere."""

    help = (
        "Write an agreement as one JSON document: its parties, signatories, forums, sections, focus areas, goals, "
        "indicators, activities, action plans, commitments with their review, follow-up reports with all their "
        "lines, the evaluation, archived PDFs and evidence files (with their SHA-256) and its history. The "
        "document holds no database ids; import_agreement reads it back."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("agreement", type=int, help="the agreement's id")
        parser.add_argument("-o", "--output", type=Path, help="the file to write (default: standard output)")

    def handle(self, *args, agreement: int, output: Path | None, **options) -> None:
        try:
            found = Agreement.objects.get(pk=agreement)
        except Agreement.DoesNotExist:
            raise CommandError(f"No agreement with id {agreement}") from None
        try:
            text = document_dumps(agreement_export(found))
        except TransferError as error:
            raise CommandError(str(error)) from None
        if output is None:
            self.stdout.write(text, ending="")
        else:
            output.write_text(text, encoding="utf-8")
            self.stderr.write(f"Agreement {found.pk} “{found.title}” written to {output}")

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from transfer.document import TransferError
from transfer.importer import agreement_import


class Command(BaseCommand):
    """Create an agreement from a document written by export_agreement, all or nothing."""

    help = (
        "Create an agreement, with everything export_agreement wrote, from its JSON document, as it was: signed "
        "agreements stay signed and approved reports approved, with their archived files (each checked against "
        "its SHA-256) and their history. Nothing is written unless all of it is. Organisations are found by "
        "name and created when missing; users are found by username, and a missing one is created inactive "
        "without a usable password, for an administrator to activate. Importing a document whose agreement is "
        "already here unchanged is refused, so importing the same file twice creates one agreement; if the "
        "agreement here was changed since, the document is imported as a new agreement beside it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the JSON document written by export_agreement")

    def handle(self, *args, file: Path, **options) -> None:
        try:
            document = json.loads(file.read_text(encoding="utf-8"))
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(f"{file} is not a JSON document: {error}") from None
        try:
            imported = agreement_import(document)
        except TransferError as error:
            raise CommandError(str(error)) from None
        except ValidationError as error:
            raise CommandError(f"The document's agreement is not valid here; nothing was imported: {error}") from None
        agreement = imported.agreement
        self.stdout.write(self.style.SUCCESS(f"Imported agreement {agreement.pk}: “{agreement.title}”"))
        if imported.new_organisations:
            self.stdout.write(f"Organisations created: {', '.join(imported.new_organisations)}")
        if imported.new_users:
            self.stdout.write(
                f"Users created, inactive and without a usable password: {', '.join(imported.new_users)}. "
                "An administrator activates them and sets a password in /admin/ when they are to log in."
            )

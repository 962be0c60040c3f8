from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from agreements.models import Organisation
from documents.wordimport import MAX_DOCX_BYTES, agreement_import_docx, check_docx, plan_from_docx


class Command(BaseCommand):
    """Bring in an agreement written in Word as a draft between named parties; the draft's id on the last line."""

    help = "Create a draft agreement from a Word document (.docx). Prints the new draft's id on its last line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the .docx file")
        parser.add_argument(
            "--party",
            action="append",
            required=True,
            dest="parties",
            help="an organisation's name, as in the product; repeat for each party, in the order they are listed",
        )
        parser.add_argument("--title", default="", help="the title, if not the document's own")

    def handle(self, *args, file: Path, parties: list[str], title: str, **options) -> None:
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from None
        if len(content) > MAX_DOCX_BYTES:
            raise CommandError(f"{file} is larger than 10 MB")
        organisations = []
        for name in parties:
            try:
                organisations.append(Organisation.objects.get(name=name))
            except Organisation.DoesNotExist:
                raise CommandError(f"No organisation named {name!r}") from None
        if not any(o.kind == Organisation.Kind.MUNICIPALITY for o in organisations) or not any(
            o.is_police for o in organisations
        ):
            raise CommandError("The parties must include a municipality and a police area or police district")
        if len(set(organisations)) != len(organisations):
            raise CommandError("The same organisation is named twice")
        try:
            check_docx(content)
            plan = plan_from_docx(content)
            agreement = agreement_import_docx(plan=plan, parties=organisations, title=title)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(
            f"{agreement.title}: {len(plan.sections)} sections, {len(plan.focus_areas)} focus areas, "
            f"{len(plan.signatories)} signatories"
        )
        for note in plan.kept_as_text:
            self.stdout.write(f"kept as text: {note}")
        for image in plan.images_not_carried:
            self.stdout.write(f"image not carried: {image.refusal or 'outside every section'}")
        self.stdout.write(str(agreement.pk))

"""`make run` calls this on every start: load the demo content from `demo/data/` and print the demo logins."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from demo.loader import DEMO_PASSWORD, DEMO_URL, DemoDataError, demo_load, demo_read


class Command(BaseCommand):
    """Fill the database with demo organisations, users and agreements, and print the demo logins."""

    help = "Skapar demodata (organisationer, användare och överenskommelser) och skriver ut inloggningarna."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Kör även när DEBUG är avstängt (skapar en superanvändare med ett känt lösenord).",
        )

    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        # The demo creates a superuser whose password anyone can read in the repository: never on a live site.
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo körs bara när DEBUG är på, eftersom den skapar en superanvändare med ett känt "
                "lösenord. Använd --force om du verkligen vill."
            )
        try:
            content = demo_read()
        except DemoDataError as error:
            raise CommandError(f"Demodata kunde inte läsas: {error}") from error
        result = demo_load(content=content)

        self.stdout.write(self.style.SUCCESS("Demodata för Samverkan är på plats."))
        self.stdout.write(
            f"  Organisationer: {len(content.organisations)} ({result.organisations} nya)\n"
            f"  Användare: {len(content.users)} ({result.users} nya)\n"
            f"  Överenskommelser: {len(content.agreements)} ({result.agreements} nya; befintliga lämnas orörda)\n"
            f"  Fokusområden, mål och åtaganden tillagda i {result.given_focus_areas} av dem\n"
            f"  Årsuppföljningar: {result.follow_ups} nya (läggs bara till där uppföljning saknas)\n"
            f"  Importerade från Word: {len(content.word_imports)} ({result.word_imports} nya)\n"
        )
        self.stdout.write(f"Logga in på {DEMO_URL} med någon av demoanvändarna:\n")
        rows = [("Användarnamn", "Roll", "Organisation", "Lösenord")] + [
            (user["username"], user["role_label"], user.get("organisation") or "–", DEMO_PASSWORD)
            for user in content.users
        ]
        widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
        for index, row in enumerate(rows):
            self.stdout.write(
                "  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            )
            if index == 0:
                self.stdout.write("  " + "  ".join("-" * width for width in widths))

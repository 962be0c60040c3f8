"""The UI is Swedish: every string has a Swedish translation, compiled into the catalogue that ships."""

import ast
import gettext
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "sv" / "LC_MESSAGES"


def untranslated_entries(po: str) -> list[str]:
    """The entries with an empty or fuzzy translation; the first entry is the catalogue's header."""
    missing = []
    for entry in po.strip().split("\n\n")[1:]:
        translations: list[list[str]] = []
        current: list[str] | None = None
        for line in entry.splitlines():
            if line.startswith("#"):
                continue
            if line.startswith("msgid"):
                current = None
            elif line.startswith("msgstr"):
                current = []
                translations.append(current)
                current.append(line.split(" ", 1)[1].strip()[1:-1])
            elif current is not None:
                current.append(line.strip()[1:-1])
        if "#, fuzzy" in entry or not translations or not all("".join(t) for t in translations):
            missing.append(entry)
    return missing


def test_every_string_is_translated_to_swedish():
    assert untranslated_entries((CATALOGUE / "django.po").read_text()) == []


def translations(po: str) -> dict[str, str]:
    """msgid (with its context, as gettext keys it) -> msgstr of the catalogue's singular entries."""
    found = {}
    for entry in po.strip().split("\n\n")[1:]:
        fields: dict[str, str] = {}
        key = None
        for line in entry.splitlines():
            if line.startswith("#"):
                continue
            if not line.startswith('"'):
                key, line = line.split(" ", 1)
                fields[key] = ""
            fields[key] += ast.literal_eval(line)
        if "msgid_plural" not in fields:
            context = fields.get("msgctxt")
            found[f"{context}\x04{fields['msgid']}" if context else fields["msgid"]] = fields["msgstr"]
    return found


def test_the_compiled_catalogue_matches_its_source():
    with (CATALOGUE / "django.mo").open("rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)._catalog
    source = translations((CATALOGUE / "django.po").read_text())
    assert {msgid: catalog.get(msgid) for msgid in source} == source


def test_swedish_is_the_default_and_english_available(client):
    assert settings.LANGUAGE_CODE == "sv"
    page = client.get(reverse("login")).content.decode()
    assert '<html lang="sv">' in page and "Logga in" in page
    with translation.override("en"):
        assert translation.gettext("Agreements") == "Agreements"
    with translation.override("sv"):
        assert translation.gettext("Agreements") == "Överenskommelser"


@pytest.mark.django_db
def test_a_user_can_switch_to_english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert '<html lang="en">' in client.get(reverse("login")).content.decode()


def test_the_browser_language_does_not_override_swedish(client):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="sv">' in page

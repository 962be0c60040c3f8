"""The monthly statistics: an export read with a preview and an error per row, a month imported again replacing
what was there, and the trends by month, place, type and weekday against the year before."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from situation.models import CrimeCount

pytestmark = pytest.mark.django_db

CSV = (
    "Månad;Brottstyp;Plats;Antal\n"
    "2025-03;Misshandel;Centrum;4\n2025-03;Skadegörelse;Hamnen;7\n2025-04;Misshandel;Centrum;2\n"
)


def import_url(world) -> str:
    return reverse("situation:statistics_import", args=[world.municipality.pk])


def upload(client, world, content: bytes, name: str = "brott.csv", source: str = "police"):
    return client.post(import_url(world), {"source": source, "file": SimpleUploadedFile(name, content)})


def confirm(client, world, preview) -> None:
    payload = preview.context["confirm"].initial["payload"]
    assert client.post(import_url(world), {"payload": payload}).status_code == 302


def test_a_file_is_previewed_then_imported_and_a_month_imported_again_is_replaced(client, world, editor):
    client.force_login(editor)
    preview = upload(client, world, CSV.encode())
    assert not CrimeCount.objects.exists()  # the preview stores nothing
    assert "mars 2025" in preview.content.decode()
    confirm(client, world, preview)
    assert CrimeCount.objects.filter(month=date(2025, 3, 1)).count() == 2

    again = upload(client, world, "Månad;Brottstyp;Plats;Antal\n2025-03;Misshandel;Centrum;9\n".encode())
    assert "Ja: ersätts av denna import" in again.content.decode()
    confirm(client, world, again)
    march = CrimeCount.objects.filter(month=date(2025, 3, 1))
    assert [(c.crime_type, c.count) for c in march] == [("Misshandel", 9)]
    assert CrimeCount.objects.filter(month=date(2025, 4, 1)).count() == 1  # another month stays


def test_each_row_that_cannot_be_read_is_named_in_swedish_and_nothing_is_imported(client, world, editor):
    client.force_login(editor)
    bad = "Datum,Brottstyp,Plats,Antal\n2025-13,Misshandel,Centrum,4\n2025-03-02,,Hamnen,-1\n2025-03-02,Rån,Torget,3\n"
    page = upload(client, world, bad.encode()).content.decode()
    assert "Rad 2: datumet eller månaden ”2025-13” är inte skrivet som ÅÅÅÅ-MM-DD eller ÅÅÅÅ-MM." in page
    assert "Rad 3: brottstypen saknas; antalet ”-1” är inte ett heltal som är 0 eller mer." in page
    assert 'name="payload"' not in page
    assert "Välj en CSV-fil" in upload(client, world, b"x", name="brott.pdf").content.decode()
    assert "kolumnerna" in upload(client, world, b"a;b\n1;2\n").content.decode()
    assert not CrimeCount.objects.exists()


def test_an_excel_export_with_dates_gives_the_weekdays(client, world, editor):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Datum", "Brottstyp", "Plats", "Antal"])
    sheet.append([date(2025, 3, 1), "Skadegörelse", "Skolan", 3])  # a Saturday
    sheet.append([date(2025, 3, 3), "Skadegörelse", "Skolan", 1.0])  # a Monday
    buffer = io.BytesIO()
    workbook.save(buffer)
    client.force_login(editor)
    confirm(client, world, upload(client, world, buffer.getvalue(), name="skadegorelse.xlsx", source="municipality"))

    assert CrimeCount.objects.filter(source="municipality", day=date(2025, 3, 1)).get().count == 3
    page = client.get(reverse("situation:statistics", args=[world.municipality.pk])).content.decode()
    assert "Lördag" in page and "Kommunens anmälningar om skadegörelse" in page


def test_the_trends_set_each_month_against_the_year_before_in_a_fixed_number_of_queries(client, world, reader):
    client.force_login(reader)
    url = reverse("situation:statistics", args=[world.municipality.pk])

    def queries(months: int) -> int:
        CrimeCount.objects.all().delete()
        CrimeCount.objects.bulk_create(
            CrimeCount(
                municipality=world.municipality,
                source="police",
                month=date(2024 + (m // 12), m % 12 + 1, 1),
                crime_type=f"Typ {m % 5}",
                place=f"Plats {m % 3}",
                count=m + 1,
            )
            for m in range(months)
        )
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            page = client.get(url).content.decode()
        return len(captured), page

    few, _ = queries(2)
    many, page = queries(24)
    assert few == many
    assert "<svg" in page and "Samma månad förra året" in page
    # December 2025 (the 24th month, count 24) against December 2024 (count 12).
    assert '<th scope="row">december 2025</th><td class="text-end">24</td><td class="text-end">12</td>' in page


def test_only_the_security_unit_imports(client, world, reviewer, outsider):
    for user, status in ((reviewer, 403), (outsider, 404)):
        client.force_login(user)
        assert upload(client, world, CSV.encode()).status_code == status
    assert not CrimeCount.objects.exists()

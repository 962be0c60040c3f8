"""The police's trygghetsmätning: results per year, area and problem imported with a preview and an error per row,
a year imported again replacing it, shown against the survey before on its page and in the yearly lägesbild (page
and PDF, table and chart), read by the municipality's users and the police of its agreements."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from situation.models import ProblemIndex, SafetySurvey
from situation.tests.helpers import pdf_text

pytestmark = pytest.mark.django_db

CSV = (
    "År;Område;Problem;Index\n"
    "2024;Centrum;Nedskräpning;2,4\n2024;Centrum;Problemindex;1,9\n2024;Centrum;Andel trygga;68\n"
    "2025;Centrum;Nedskräpning;2,1\n2025;Centrum;Skadegörelse;1,7\n2025;Centrum;Problemindex;1,8\n"
    "2025;Centrum;Andel trygga;71 %\n2025;Hamnen;Nedskräpning;1,5\n"
)


def import_url(world) -> str:
    return reverse("situation:safety_survey_import", args=[world.municipality.pk])


def page_url(world) -> str:
    return reverse("situation:safety_survey", args=[world.municipality.pk])


def upload(client, world, content: bytes, name: str = "trygghet.csv"):
    return client.post(import_url(world), {"file": SimpleUploadedFile(name, content)})


def confirm(client, world, preview) -> None:
    payload = preview.context["confirm"].initial["payload"]
    assert client.post(import_url(world), {"payload": payload}).status_code == 302


def test_a_survey_is_previewed_imported_and_shown_against_the_one_before(client, world, editor):
    client.force_login(editor)
    preview = upload(client, world, CSV.encode())
    assert not SafetySurvey.objects.exists()  # the preview stores nothing
    assert "Centrum, Hamnen" in preview.content.decode()
    confirm(client, world, preview)
    centrum = SafetySurvey.objects.get(year=2025, area="Centrum")
    assert (centrum.problem_index, centrum.safe_share) == (Decimal("1.80"), Decimal("71.0"))
    assert {p.problem: p.value for p in centrum.problems.all()} == {
        "Nedskräpning": Decimal("2.10"),
        "Skadegörelse": Decimal("1.70"),
    }

    page = client.get(page_url(world)).content.decode()
    assert "Centrum: mätningen 2025 mot 2024" in page
    assert '<td class="text-end">2,1</td><td class="text-end">2,4</td><td class="text-end">−0,3</td>' in page
    assert '<td class="text-end">71</td><td class="text-end">68</td><td class="text-end">+3</td>' in page
    assert "<svg" in page and "Problemindex per område 2025" in page

    again = upload(client, world, "År;Område;Problem;Index\n2025;Centrum;Nedskräpning;3\n".encode())
    assert "Ja: ersätts av denna import" in again.content.decode()
    confirm(client, world, again)
    assert list(SafetySurvey.objects.filter(year=2025).values_list("area", flat=True)) == ["Centrum"]
    assert SafetySurvey.objects.filter(year=2024).exists()  # another year stays
    assert ProblemIndex.objects.get(survey__year=2025).value == 3


def test_an_area_spelled_with_other_case_or_spaces_is_the_same_area(client, world, editor):
    client.force_login(editor)
    spelled = (
        "År;Område;Problem;Index\n2024;Centrum;Nedskräpning;2,4\n"
        "2025;centrum ;Nedskräpning;2,1\n2025;CENTRUM;Skadegörelse;1,7\n2025;Gamla  staden;Klotter;1\n"
    )
    confirm(client, world, upload(client, world, spelled.encode()))

    assert list(SafetySurvey.objects.filter(year=2025).order_by("area").values_list("area", flat=True)) == [
        "Gamla  staden",
        "centrum",
    ]
    page = client.get(page_url(world)).content.decode()
    assert "centrum: mätningen 2025 mot 2024" in page
    assert '<td class="text-end">2,1</td><td class="text-end">2,4</td><td class="text-end">−0,3</td>' in page


def test_each_row_that_cannot_be_read_is_named_in_swedish_and_nothing_is_imported(client, world, editor):
    client.force_login(editor)
    bad = (
        "År;Område;Problem;Index\n"
        "25;Centrum;Nedskräpning;2,1\n2025;;Klotter;12\n2025;Hamnen;Andel trygga;110\n"
        "2025;Hamnen;Klotter;1\n2025;Hamnen;klotter;2\n"
    )
    page = upload(client, world, bad.encode()).content.decode()
    assert "Rad 2: året ”25” är inte ett årtal som 2025." in page
    assert "Rad 3: området saknas; indexet ”12” är inte ett tal från 0 till 10." in page
    assert "Rad 4: andelen ”110” är inte ett tal från 0 till 100." in page
    assert "Rad 6: klotter för Hamnen 2025 anges två gånger." in page
    assert "Inget har importerats" in page and not SafetySurvey.objects.exists()
    header = upload(client, world, "År;Plats;Antal\n2025;Centrum;3\n".encode()).content.decode()
    assert "Första raden måste namnge kolumnerna" in header


def test_an_excel_workbook_is_read_as_well(client, world, editor):
    workbook = Workbook()
    sheet = workbook.active
    for row in (["År", "Område", "Problem", "Index"], [2025, "Anderslöv", "Nedskräpning", 1.25]):
        sheet.append(row)
    content = io.BytesIO()
    workbook.save(content)
    client.force_login(editor)
    confirm(client, world, upload(client, world, content.getvalue(), "trygghet.xlsx"))
    assert ProblemIndex.objects.get().value == Decimal("1.25")


def test_the_municipality_and_its_police_read_it_and_only_the_security_unit_imports(
    client, world, editor, reviewer, reader, outsider
):
    for user in (editor, reviewer, reader):
        client.force_login(user)
        assert client.get(page_url(world)).status_code == 200
    client.force_login(reviewer)
    assert upload(client, world, CSV.encode()).status_code == 403
    client.force_login(outsider)
    assert client.get(page_url(world)).status_code == 404
    assert client.get(import_url(world)).status_code == 404


def test_the_yearly_situation_picture_holds_the_survey_as_a_table_and_a_chart(client, world, editor):
    client.force_login(editor)
    confirm(client, world, upload(client, world, CSV.encode()))
    page = client.get(reverse("situation:yearly", args=[world.municipality.pk, 2025])).content.decode()
    assert "Polisens trygghetsmätning" in page and "Centrum: mätningen 2025 mot 2024" in page and "<svg" in page
    earlier = client.get(reverse("situation:yearly", args=[world.municipality.pk, 2024])).content.decode()
    assert "Centrum: mätningen 2024<" in earlier  # a year's picture shows no later survey
    text = pdf_text(client.get(reverse("situation:yearly_pdf", args=[world.municipality.pk, 2025])).content)
    assert "Polisens trygghetsmätning" in text and "Nedskräpning 2,1 2,4 −0,3" in text


def test_the_page_takes_as_many_queries_for_many_areas(client, world, editor):
    client.force_login(editor)

    def queries(areas: int) -> int:
        rows = "".join(
            f"{year};Område {n};{problem};1,{n % 10}\n"
            for year in (2024, 2025)
            for n in range(areas)
            for problem in ("Nedskräpning", "Klotter", "Problemindex")
        )
        confirm(client, world, upload(client, world, f"År;Område;Problem;Index\n{rows}".encode()))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(page_url(world)).status_code == 200
        return len(captured)

    assert queries(2) == queries(20) <= 10


def test_an_area_is_typed_in_as_a_small_table_offering_the_problems_of_the_survey_before(client, world, editor):
    client.force_login(editor)
    confirm(client, world, upload(client, world, CSV.encode()))
    url = reverse("situation:safety_survey_enter", args=[world.municipality.pk])
    offered = client.get(url).context["problems"]
    assert [row.initial["problem"] for row in offered.forms[:2]] == ["Nedskräpning", "Skadegörelse"]
    rows = {"problems-TOTAL_FORMS": "3", "problems-INITIAL_FORMS": "0"}
    rows |= {"problems-0-problem": "Nedskräpning", "problems-0-value": "1,9", "problems-1-problem": "Klotter"}
    typed = {"year": "2026", "area": "Centrum", "problem_index": "1,7", "safe_share": "74,5"} | rows

    refused = client.post(url, typed)
    assert refused.status_code == 200 and "Ange problemets index." in refused.content.decode()
    assert 'value="1,9"' in refused.content.decode() and 'value="74,5"' in refused.content.decode()  # kept
    assert not SafetySurvey.objects.filter(year=2026).exists()

    assert client.post(url, typed | {"problems-1-value": "0,8"}).status_code == 302
    again = client.get(url, {"ar": "2026", "omrade": "Centrum"})
    assert again.context["form"].initial["safe_share"] == Decimal("74.5")
    assert client.post(url, typed | {"problems-1-problem": "", "problem_index": ""}).status_code == 302
    centrum = SafetySurvey.objects.get(year=2026)  # saved again: replaced, not added
    assert centrum.problem_index is None and [(p.problem, p.value) for p in centrum.problems.all()] == [
        ("Nedskräpning", Decimal("1.90"))
    ]
    assert SafetySurvey.objects.filter(year=2025).count() == 2  # the rest of the survey stays
    assert client.get(url, {"ar": "x' OR 1=1", "omrade": "Centrum"}).status_code == 200

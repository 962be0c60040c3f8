"""Reading tables pasted from Word and Excel."""

import pytest

from focusareas.paste import MAX_ROWS, PastedRow, PasteError, parse_table


def test_a_header_row_is_recognised_and_skipped():
    text = "Aktivitet\tÅtgärd\tUppföljning\tMål/Effekt\nKartlägga\tÅtgärda\tStatistik\tFärre brott\n"
    assert parse_table(text) == [PastedRow("Kartlägga", "Åtgärda", "Statistik", "Färre brott")]


def test_a_header_with_spaces_and_other_case_is_recognised():
    assert len(parse_table("AKTIVITET\tÅtgärd\tUppföljning\tMål / Effekt\na\tb\tc\td")) == 1


def test_word_quotes_a_cell_with_line_breaks():
    text = 'Avloppsanalyser\t"Delta på träffar\nGöra kartläggning\nUpprätta plan"\tAvloppsmätning\tMindre narkotika'
    (row,) = parse_table(text)
    assert row.measure == "Delta på träffar\nGöra kartläggning\nUpprätta plan"
    assert row.follow_up == "Avloppsmätning"


def test_excel_line_endings_and_quoted_quotes():
    text = 'a1\t"Säg ""hej""\r\nrad två"\tc1\td1\r\na2\tb2\tc2\td2\r\n'
    rows = parse_table(text)
    assert [r.activity for r in rows] == ["a1", "a2"]
    assert rows[0].measure == 'Säg "hej"\nrad två'


def test_empty_cells_and_short_rows_are_padded():
    rows = parse_table("Bara aktivitet\nMed åtgärd\tÅtgärd")
    assert rows == [PastedRow("Bara aktivitet", "", "", ""), PastedRow("Med åtgärd", "Åtgärd", "", "")]


def test_trailing_empty_cells_and_blank_lines_are_ignored():
    assert parse_table("\n\na\tb\t\t\t\t\t\n\n") == [PastedRow("a", "b", "", "")]


def test_a_row_with_too_many_columns_is_refused_with_its_number():
    with pytest.raises(PasteError, match=r"Rad 2 .*\(5\)"):
        parse_table("a\tb\tc\td\na\tb\tc\td\te")


def test_a_row_without_activity_is_refused():
    with pytest.raises(PasteError, match="Rad 1"):
        parse_table("\tåtgärd\tuppföljning\tmål")


def test_an_unclosed_quote_is_refused():
    with pytest.raises(PasteError):
        parse_table('a\t"b utan slut\nc\td')


def test_nothing_to_read_is_refused():
    with pytest.raises(PasteError):
        parse_table("Aktivitet\tÅtgärd\tUppföljning\tMål/Effekt\n\n")


def test_a_thousand_rows_are_read():
    text = "\r\n".join(f'Aktivitet {i}\t"Åtgärd\n{i}"\tUppföljning\tMål' for i in range(1000))
    rows = parse_table(text)
    assert len(rows) == 1000
    assert rows[999] == PastedRow("Aktivitet 999", "Åtgärd\n999", "Uppföljning", "Mål")


def test_more_rows_than_the_limit_are_refused():
    with pytest.raises(PasteError):
        parse_table("\n".join("a" for _ in range(MAX_ROWS + 1)))

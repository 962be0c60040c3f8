"""Reading the demo's data files: a reference to something that is not there is reported before anything loads."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from demo.loader import DATA_DIR, DemoDataError, demo_read

SAMVERKAN_APPS = ("agreements", "focusareas", "followup", "samverkan")


@pytest.fixture
def data_dir(tmp_path) -> Path:
    """A copy of the demo's data files that a test may break."""
    return Path(shutil.copytree(DATA_DIR, tmp_path / "data"))


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_reads_every_agreement_in_file_order():
    content = demo_read()

    assert [data["title"] for data in content.agreements] == [
        "Samverkansöverenskommelse 2023–2026",
        "Samverkansöverenskommelse 2024–2027",
        "Samverkansöverenskommelse 2019–2022",
        "Samverkansöverenskommelse för ett tryggare Sölvesborg",
        "Medborgarlöfte för Svedala 2025",
    ]


def test_a_follow_up_line_naming_an_unknown_commitment_is_reported_with_its_file(data_dir):
    replace_in(
        data_dir / "agreements" / "4-solvesborg.yaml",
        "- commitment: ordna-trygghetsvandringar",
        "- commitment: ordna-trygghetsvandringen",
    )

    with pytest.raises(DemoDataError, match=r"4-solvesborg\.yaml \(uppföljning 2024\).*'ordna-trygghetsvandringen"):
        demo_read(data_dir=data_dir)


def test_an_activity_serving_an_unknown_goal_is_reported(data_dir):
    replace_in(data_dir / "agreements" / "1-trelleborg-2023.yaml", "    - avloppsanalys\n", "    - avloppsanalyser\n")

    with pytest.raises(
        DemoDataError, match=r"1-trelleborg-2023\.yaml \(analysera-avloppsvattnet\): okänd mål 'avloppsanalyser'"
    ):
        demo_read(data_dir=data_dir)


def test_two_commitments_with_the_same_key_are_reported(data_dir):
    replace_in(
        data_dir / "agreements" / "2-svedala-2024.yaml",
        "key: gora-hastighetskontroller-gator",
        "key: over-hastighetsgranser-gatumiljo",
    )

    with pytest.raises(DemoDataError, match=r"2-svedala-2024\.yaml: åtagande med samma key två gånger"):
        demo_read(data_dir=data_dir)


def test_a_file_that_is_not_yaml_is_reported(data_dir):
    (data_dir / "agreements" / "5-broken.yaml").write_text("title: [unclosed\n", encoding="utf-8")

    with pytest.raises(DemoDataError, match=r"5-broken\.yaml: ogiltig YAML"):
        demo_read(data_dir=data_dir)


def test_no_app_imports_the_demo():
    # The demo is a tool on top of the apps; an app depending on it would load demo code into the product.
    root = Path(__file__).resolve().parents[2]
    importing = [
        str(path.relative_to(root))
        for app in SAMVERKAN_APPS
        for path in (root / app).rglob("*.py")
        if any(
            line.strip().startswith(("import demo", "from demo"))
            for line in path.read_text(encoding="utf-8").splitlines()
        )
    ]
    assert importing == []


def test_a_word_file_for_an_unknown_organisation_is_reported(data_dir):
    replace_in(data_dir / "word.yaml", "  - Lokalpolisområde Sjöbacka", "  - Lokalpolisområde Sjöbacke")

    with pytest.raises(DemoDataError, match=r"word\.yaml \(sjobacka-2025\.docx\): okänd organisation"):
        demo_read(data_dir=data_dir)


def test_a_missing_word_file_is_reported(data_dir):
    (data_dir / "sjobacka-2025.docx").unlink()

    with pytest.raises(DemoDataError, match=r"word\.yaml \(sjobacka-2025\.docx\): filen finns inte"):
        demo_read(data_dir=data_dir)

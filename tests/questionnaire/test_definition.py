"""The declarative definition matches the data dictionary, item for item and code for code.

The spec's tables are parsed straight from docs/spec/questionnaire.md, so a drift between the
contract and the code fails here rather than in a clinic.
"""

from __future__ import annotations

import re

import pytest

from screening.questionnaire import QUESTIONNAIRE, ItemType
from tests.conftest import DOCS, SHARED

SPEC = DOCS / "spec" / "questionnaire.md"
TYPES = {
    "text": ItemType.TEXT,
    "long text": ItemType.LONG_TEXT,
    "date": ItemType.DATE,
    "integer": ItemType.INTEGER,
    "number": ItemType.NUMBER,
    "yes/no": ItemType.YES_NO,
    "choice": ItemType.CHOICE,
    "multi": ItemType.MULTI,
    "group": ItemType.GROUP,
}
ID = re.compile(r"^[a-z][a-z0-9_]*$")


def _spec_rows() -> dict[str, tuple[str, list[str]]]:
    """item id -> (type, codes) for every row of every item table in the spec."""
    rows: dict[str, tuple[str, list[str]]] = {}
    in_warning_signs = False
    in_sections = False
    for line in SPEC.read_text().splitlines():
        if line.startswith("## "):
            in_warning_signs = "warning_signs" in line
            in_sections = bool(re.match(r"## \d\. ", line))
        if not in_sections or not line.startswith("| "):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not ID.match(cells[0]) or cells[0] == "id":
            continue
        if in_warning_signs and len(cells) == 2:
            # The signs' own table: id and meaning only, all yes/no.
            rows[cells[0]] = ("yes/no", [])
            continue
        kind = cells[1]
        if kind not in TYPES:
            continue
        codes: list[str] = []
        if kind in ("choice", "multi") and len(cells) > 3:
            codes = [c.split("(")[0].strip() for c in cells[3].split(",")]
        rows[cells[0]] = (kind, codes)
    return rows


def test_every_spec_item_is_defined_with_its_type_and_codes() -> None:
    rows = _spec_rows()
    surgery_entry = {item.id: item for item in QUESTIONNAIRE.item("surgeries").items}
    assert len(rows) > 60
    for item_id, (kind, codes) in rows.items():
        item = surgery_entry.get(item_id) if item_id in surgery_entry else None
        if item is None:
            item = QUESTIONNAIRE.item(item_id)
        assert item.type is TYPES[kind], item_id
        if codes:
            assert list(item.code_values) == codes, item_id


def test_no_item_is_defined_that_the_spec_lacks() -> None:
    rows = _spec_rows()
    defined = {item.id for item in QUESTIONNAIRE.items}
    defined |= {item.id for item in QUESTIONNAIRE.item("surgeries").items}
    assert defined == set(rows)


def test_eight_sections_in_spec_order() -> None:
    assert [s.id for s in QUESTIONNAIRE.sections] == [
        "about",
        "surgery",
        "symptoms",
        "warning_signs",
        "history",
        "treatments",
        "wellbeing",
        "review",
    ]
    spec_sections = re.findall(r"^## \d\. `(\w+)`", SPEC.read_text(), flags=re.M)
    assert spec_sections == [s.id for s in QUESTIONNAIRE.sections]


def test_every_item_has_patient_wording() -> None:
    for item in QUESTIONNAIRE.items:
        assert item.question.strip() and item.label.strip(), item.id
        for code in item.codes:
            assert str(code.label).strip(), (item.id, code.value)


def test_the_always_required_follow_up_on_walking_pain_says_what_to_answer_without_it() -> None:
    """relief_sitting_bending is required whatever worse_standing_walking says (the spec), but
    asks about "that pain": a patient who does not get it is told to answer No."""
    hint = QUESTIONNAIRE.item("relief_sitting_bending").hint
    assert hint and "If you do not get that pain, answer No." in hint


@pytest.mark.parametrize(
    "name",
    ["spec/questionnaire.md", "spec/evaluation.md", "examples/README.md"],
)
def test_the_copies_in_docs_match_the_shared_spec_when_it_is_beside_the_repo(name: str) -> None:
    shared = SHARED / name
    if not shared.exists():
        pytest.skip("no shared spec beside this clone")
    assert (DOCS / name).read_text() == shared.read_text()

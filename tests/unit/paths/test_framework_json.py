"""The framework JSON format: a valid file reads into a spec; every kind of problem is named."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from paths import (
    FrameworkInvalid,
    check_framework,
    dump_framework_json,
    framework_document,
    load_framework_json,
    pick_text,
)

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "frameworks" / "mini.json"
Document = dict[str, Any]


@pytest.fixture
def document() -> Document:
    loaded: Document = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return loaded


def problems(document: Document) -> list[str]:
    with pytest.raises(FrameworkInvalid) as info:
        check_framework(document, "f.json")
    return [str(issue) for issue in info.value.issues]


def test_the_fixture_reads_into_a_spec() -> None:
    spec = load_framework_json(FIXTURE.read_bytes(), "mini.json")

    assert (spec.code, spec.version) == ("mini-city", "1.0.0")
    assert [role.units for role in spec.roles] == [("U1", "U2"), ("U2",)]
    element = spec.units[0].elements[0]
    assert (element.eqf_level, element.ecf_code, element.ecf_level) == (6, "A.1", 3)
    assert element.digcomp == ("2.4", "3.1")
    assert [c.code for c in element.criteria] == ["U1.E1.PC1", "U1.E1.PC2"]
    assert spec.units[0].elements[1].ecf_code is None
    assert spec.roles[1].eqf_level is None
    assert spec.roles[1].description == {}
    learning_units = spec.curricula[0].learning_units
    assert [(lu.hours, lu.ects) for lu in learning_units] == [(12, 0.5), (7.5, None), (None, None)]
    assert pick_text(spec.title, "bg") == "Малка рамка за умен град"


def test_the_json_writer_reads_back_to_the_same_spec() -> None:
    spec = load_framework_json(FIXTURE.read_bytes(), "mini.json")

    written = dump_framework_json(spec)

    assert load_framework_json(written, "again.json") == spec
    # Whole numbers stay whole, empty optional fields stay out, as in a hand-written file.
    learning_unit = framework_document(spec)["curricula"][0]["learning_units"][0]
    assert (learning_unit["hours"], learning_unit["ects"]) == (12, 0.5)
    assert "description" not in framework_document(spec)["roles"][1]
    assert "Малка" in written.decode("utf-8")


def test_pick_text_falls_back_to_english() -> None:
    texts = {"en": "Data", "de": "Daten"}

    assert pick_text(texts, "de") == "Daten"
    assert pick_text(texts, "de_AT") == "Daten"
    assert pick_text(texts, "ro") == "Data"
    assert pick_text({}, "ro") == ""


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d["units"][1]["elements"][0]["title"].pop("en"),
            "f.json:units[1].elements[0]: title: needs an English (en) text",
        ),
        (
            lambda d: d["framework"].pop("title"),
            "f.json:framework: title: needs an English (en) text",
        ),
        (
            lambda d: d["units"][0]["elements"][0]["criteria"][1].update(text={"de": "Nur"}),
            "f.json:units[0].elements[0].criteria[1]: text: needs an English (en) text",
        ),
        (
            lambda d: d["units"][0]["title"].update(fr="Données"),
            "f.json:units[0]: title.fr: fr is not one of the languages en, de, bg, ro",
        ),
        (
            lambda d: d["units"][0]["title"].update(de="  "),
            "f.json:units[0]: title.de: must be a text that is not empty",
        ),
    ],
)
def test_texts_need_english_and_known_languages(
    document: Document, change: Callable[[Document], object], expected: str
) -> None:
    change(document)

    assert problems(document) == [expected]


def test_unknown_references_are_named(document: Document) -> None:
    document["roles"][1]["units"] = ["U2", "U9"]
    document["curricula"][0]["learning_units"][1]["elements"] = ["U2.E1", "U3.E1"]

    assert problems(document) == [
        "f.json:roles[1]: units[1]: there is no unit with code U9",
        "f.json:curricula[0].learning_units[1]: elements[1]: there is no element with code U3.E1",
    ]


def test_duplicate_codes_name_both_places(document: Document) -> None:
    document["units"][1]["elements"][0]["code"] = "U1.E1"
    document["units"][1]["elements"][0]["criteria"][0]["code"] = "U1.E1.PC2"
    document["roles"][1]["code"] = "DEV"

    assert problems(document) == [
        "f.json:units[1].elements[0]: code: U1.E1 is used twice (also at units[0].elements[0])",
        "f.json:units[1].elements[0].criteria[0]: code: U1.E1.PC2 is used twice "
        "(also at units[0].elements[0].criteria[1])",
        "f.json:roles[1]: code: DEV is used twice (also at roles[0])",
        # U2.E1 is gone now, so the curriculum's reference to it breaks too.
        "f.json:curricula[0].learning_units[1]: elements[0]: there is no element with code U2.E1",
    ]


@pytest.mark.parametrize("level", [0, 9, "6", True, 5.5])
def test_eqf_level_must_be_1_to_8(document: Document, level: object) -> None:
    document["units"][0]["elements"][1]["eqf_level"] = level

    assert problems(document) == [
        "f.json:units[0].elements[1]: eqf_level: must be a whole number from 1 to 8"
    ]


def test_eqf_level_is_required_on_elements(document: Document) -> None:
    del document["units"][0]["elements"][1]["eqf_level"]

    assert problems(document) == ["f.json:units[0].elements[1]: eqf_level: is missing"]


@pytest.mark.parametrize(
    "uri",
    [
        "https://esco.ec.europa.eu/en/classification/skill?uri=x",
        "http://data.europa.eu/esco/occupation/7111b95d-0ce3-441a-9d92-4c75d05c4388",
        "http://data.europa.eu/esco/skill/not-a-uuid",
    ],
)
def test_esco_entries_must_be_skill_uris(document: Document, uri: str) -> None:
    document["units"][0]["elements"][0]["esco"] = [uri]

    assert problems(document) == [
        f"f.json:units[0].elements[0]: esco[0]: {uri} is not an ESCO skill address "
        "(http://data.europa.eu/esco/skill/…)"
    ]


def test_esco_accepts_skill_group_codes(document: Document) -> None:
    document["units"][0]["elements"][0]["esco"] = ["http://data.europa.eu/esco/skill/S1.2.3"]

    spec = check_framework(document, "f.json")

    assert spec.units[0].elements[0].esco == ("http://data.europa.eu/esco/skill/S1.2.3",)


@pytest.mark.parametrize(
    ("ecf", "expected"),
    [
        (
            {"code": "F.1", "level": 3},
            "f.json:units[0].elements[0].ecf: code: F.1 is not an e-CF competence code "
            "(A.1 to E.12)",
        ),
        (
            {"code": "A1", "level": 3},
            "f.json:units[0].elements[0].ecf: code: A1 is not an e-CF competence code "
            "(A.1 to E.12)",
        ),
        (
            {"code": "A.1", "level": 6},
            "f.json:units[0].elements[0].ecf: level: must be a whole number from 1 to 5",
        ),
        ({"level": 2}, "f.json:units[0].elements[0].ecf: code: is missing"),
        ("A.1", "f.json:units[0].elements[0]: ecf: must give an e-CF code and level"),
    ],
)
def test_ecf_must_be_a_competence_code_and_level(
    document: Document, ecf: object, expected: str
) -> None:
    document["units"][0]["elements"][0]["ecf"] = ecf

    assert problems(document) == [expected]


def test_digcomp_must_be_a_competence_number(document: Document) -> None:
    document["units"][0]["elements"][0]["digcomp"] = ["2.4", "6.1", "2.4"]

    assert problems(document) == [
        "f.json:units[0].elements[0]: digcomp[1]: 6.1 is not a DigComp 2.2 competence number "
        "(1.1 to 5.4)",
        "f.json:units[0].elements[0]: digcomp[2]: 2.4 is listed twice",
    ]


def test_structure_problems(document: Document) -> None:
    document["format"] = "smart-city-framework/2"
    document["framework"]["code"] = "Mini City"
    document["framework"]["source_url"] = "ftp://example.org"
    document["framework"]["editor"] = "someone"
    document["units"][0]["elements"][1]["criteria"] = []
    document["units"][1]["elements"] = []
    document["roles"][0]["units"] = []
    document["curricula"][0]["learning_units"][0]["hours"] = -1

    assert problems(document) == [
        "f.json:$: format: must be smart-city-framework/1",
        "f.json:units[0].elements[1]: criteria: needs at least one performance criterion",
        "f.json:units[1]: elements: needs at least one element",
        "f.json:roles[0]: units: needs at least one unit",
        "f.json:curricula[0].learning_units[0]: hours: must be a number, zero or more",
        "f.json:curricula[0].learning_units[1]: elements[0]: there is no element with code U2.E1",
        "f.json:framework: editor: is not a field of the framework format",
        "f.json:framework: code: Mini City may use only small letters, digits and hyphens",
        "f.json:framework: source_url: must be a web address starting with https://",
    ]


def test_item_codes_have_a_plain_shape(document: Document) -> None:
    document["units"][0]["code"] = "U 1"
    document["roles"][1]["units"] = ["U2"]
    document["roles"][0]["units"] = ["U2"]

    assert problems(document) == [
        "f.json:units[0]: code: U 1 may use only letters, digits, dots, hyphens and underscores"
    ]


def test_every_problem_is_reported_at_once(document: Document) -> None:
    broken = copy.deepcopy(document)
    broken["units"][0]["elements"][0]["eqf_level"] = 12
    broken["units"][0]["elements"][0]["esco"] = ["nope"]
    broken["roles"][0]["units"] = ["U7"]
    del broken["units"][1]["title"]

    assert len(problems(broken)) == 4


def test_empty_and_missing_sections() -> None:
    assert problems({"format": "smart-city-framework/1"}) == [
        "f.json:$: framework: is missing",
        "f.json:$: roles: needs at least one role",
        "f.json:$: units: needs at least one unit",
    ]
    assert problems([]) == ["f.json:$: file: must be a JSON object"]  # type: ignore[arg-type]


def test_framework_head_fields_are_required(document: Document) -> None:
    document["framework"] = {"title": {"de": "Nur Deutsch"}}

    assert problems(document) == [
        "f.json:framework: code: is missing",
        "f.json:framework: version: is missing",
        "f.json:framework: title: needs an English (en) text",
    ]


def test_wrong_types_in_lists(document: Document) -> None:
    document["units"].append("U3")
    document["curricula"] = {"code": "C2"}

    assert problems(document) == [
        "f.json:units[2]: units: must be an object",
        "f.json:$: curricula: must be a list",
    ]


def test_file_that_is_not_json_names_the_line() -> None:
    with pytest.raises(FrameworkInvalid) as info:
        load_framework_json(b'{\n  "format": "x",\n  oops\n}', "broken.json")

    assert [str(issue) for issue in info.value.issues] == [
        "broken.json:3: file: is not valid JSON: Expecting property name enclosed in double quotes"
    ]


def test_file_that_is_not_utf8() -> None:
    with pytest.raises(FrameworkInvalid) as info:
        load_framework_json('{"a": "é"}'.encode("latin-1"), "latin.json")

    assert [str(issue) for issue in info.value.issues] == ["latin.json:$: file: is not UTF-8 text"]
    assert info.value.message == "The framework file latin.json has 1 problem(s)."


def test_wrong_value_types(document: Document) -> None:
    document["units"][0]["title"] = "Data governance"
    document["framework"]["publisher"] = 42
    document["framework"]["source_url"] = "https://example.org/" + "x" * 2000
    document["units"][0]["elements"][0]["esco"] = "http://data.europa.eu/esco/skill/S1"
    document["roles"][0].pop("code")

    assert problems(document) == [
        "f.json:units[0].elements[0]: esco: must be a list",
        "f.json:units[0]: title: must give texts by language (en, de, bg, ro)",
        "f.json:roles[0]: code: is missing",
        "f.json:framework: publisher: must be a text",
        "f.json:framework: source_url: is longer than 2000 characters",
    ]

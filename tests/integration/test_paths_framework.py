"""Framework versions in the database, on both backends: immutable, idempotent, round-tripping."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from badges.db import Base
from paths import (
    Element,
    Framework,
    FrameworkNotFound,
    FrameworkSpec,
    FrameworkVersionConflict,
    LearningUnit,
    PerformanceCriterion,
    WorkRole,
    export_framework_csv,
    export_framework_json,
    find_framework,
    framework_spec,
    import_framework,
    list_frameworks,
    load_framework_csv,
    load_framework_json,
)
from tests.environment import NOW

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "frameworks" / "mini.json"
DEMO = ROOT / "paths" / "data" / "smart_city_framework.json"
TABLES = [name for name in Base.metadata.tables if name.startswith("framework")]


@pytest.fixture
def spec() -> FrameworkSpec:
    return load_framework_json(FIXTURE.read_bytes(), "mini.json")


def row_counts(session: Session) -> dict[str, int]:
    return {
        name: session.scalar(select(func.count()).select_from(Base.metadata.tables[name])) or 0
        for name in TABLES
    }


def test_import_stores_every_part(session: Session, spec: FrameworkSpec) -> None:
    result = import_framework(session, spec, now=NOW)
    session.commit()

    assert result.created
    framework = session.get(Framework, result.framework_id)
    assert framework is not None
    assert (framework.code, framework.version, framework.imported_at) == ("mini-city", "1.0.0", NOW)
    assert framework.title_for("de") == "Kleiner Smart-City-Rahmen"
    assert framework.title_for("ro") == "Cadru mic pentru oraș inteligent"
    role = session.scalars(select(WorkRole).where(WorkRole.code == "DEV")).one()
    assert [link.unit.code for link in role.unit_links] == ["U1", "U2"]
    element = session.scalars(select(Element).where(Element.code == "U1.E1")).one()
    assert element.framework_id == framework.id
    assert (element.eqf_level, element.ecf_code, element.ecf_level) == (6, "A.1", 3)
    assert element.digcomp == ["2.4", "3.1"]
    assert element.title_for("bg") == "Open data publishing"  # no bg text: English
    assert [c.code for c in element.criteria] == ["U1.E1.PC1", "U1.E1.PC2"]
    learning_unit = session.scalars(select(LearningUnit).where(LearningUnit.code == "C1.LU1")).one()
    assert (learning_unit.hours, learning_unit.ects) == (12, 0.5)
    assert [link.element.code for link in learning_unit.element_links] == ["U1.E1", "U1.E2"]
    assert row_counts(session)["framework_performance_criteria"] == 4
    assert framework_spec(framework) == spec


def test_importing_the_same_file_twice_changes_nothing(
    session: Session, spec: FrameworkSpec
) -> None:
    first = import_framework(session, spec, now=NOW)
    session.commit()
    before = row_counts(session)

    again = import_framework(session, load_framework_json(FIXTURE.read_bytes(), "x.json"), now=NOW)
    session.commit()

    assert (again.created, again.framework_id) == (False, first.framework_id)
    assert row_counts(session) == before


def test_a_changed_file_under_the_same_version_is_refused(
    session: Session, spec: FrameworkSpec
) -> None:
    import_framework(session, spec, now=NOW)
    session.commit()
    before = row_counts(session)
    unit = dataclasses.replace(spec.units[1], title={"en": "Citizen participation"})
    changed = dataclasses.replace(spec, units=(spec.units[0], unit))

    with pytest.raises(FrameworkVersionConflict) as info:
        import_framework(session, changed, now=NOW)
    session.rollback()

    assert "mini-city version 1.0.0 is already imported with different content" in str(info.value)
    assert info.value.code == "framework_version_conflict"
    assert row_counts(session) == before


def test_a_new_version_is_stored_alongside(session: Session, spec: FrameworkSpec) -> None:
    old = import_framework(session, spec, now=NOW)
    unit = dataclasses.replace(spec.units[1], title={"en": "Citizen participation"})
    newer = dataclasses.replace(spec, version="1.1.0", units=(spec.units[0], unit))

    new = import_framework(session, newer, now=NOW)
    session.commit()

    assert new.created
    assert new.framework_id != old.framework_id
    assert [(f.code, f.version) for f in list_frameworks(session)] == [
        ("mini-city", "1.0.0"),
        ("mini-city", "1.1.0"),
    ]
    assert find_framework(session, "mini-city").version == "1.1.0"
    assert find_framework(session, "mini-city", "1.0.0").id == old.framework_id
    # Element codes repeat across versions; each version keeps its own rows.
    assert session.scalar(select(func.count()).where(Element.code == "U1.E1")) == 2
    assert framework_spec(find_framework(session, "mini-city", "1.0.0")) == spec


def test_json_export_round_trips(session: Session, spec: FrameworkSpec) -> None:
    import_framework(session, spec, now=NOW)
    session.commit()
    before = row_counts(session)

    exported = export_framework_json(session, "mini-city", "1.0.0")
    result = import_framework(session, load_framework_json(exported, "export.json"), now=NOW)

    assert load_framework_json(exported, "export.json") == spec
    assert not result.created
    assert row_counts(session) == before


def test_csv_export_round_trips(session: Session, spec: FrameworkSpec) -> None:
    import_framework(session, spec, now=NOW)
    session.commit()
    before = row_counts(session)

    exported = export_framework_csv(session, "mini-city")
    result = import_framework(session, load_framework_csv(exported, "export.csv"), now=NOW)

    assert load_framework_csv(exported, "export.csv") == spec
    assert not result.created
    assert row_counts(session) == before


def test_unknown_framework_is_not_found(session: Session) -> None:
    with pytest.raises(FrameworkNotFound) as unknown:
        find_framework(session, "nope")
    with pytest.raises(FrameworkNotFound) as unknown_version:
        export_framework_json(session, "nope", "2.0")

    assert unknown.value.message == "There is no framework nope."
    assert unknown_version.value.message == "There is no framework nope version 2.0."


def test_deleting_a_framework_removes_its_parts(session: Session, spec: FrameworkSpec) -> None:
    result = import_framework(session, spec, now=NOW)
    session.commit()

    framework = session.get(Framework, result.framework_id)
    session.delete(framework)
    session.commit()

    assert set(row_counts(session).values()) == {0}
    assert session.scalar(select(func.count()).select_from(PerformanceCriterion)) == 0


@pytest.mark.skipif(
    not DEMO.exists(), reason="paths/data/smart_city_framework.json not yet written"
)
def test_the_demo_framework_imports_cleanly(session: Session) -> None:
    demo = load_framework_json(DEMO.read_bytes(), str(DEMO))

    result = import_framework(session, demo, now=NOW)
    again = import_framework(session, load_framework_json(DEMO.read_bytes(), "demo.json"), now=NOW)

    assert result.created
    assert not again.created
    assert load_framework_json(export_framework_json(session, demo.code), "x.json") == demo
    assert load_framework_csv(export_framework_csv(session, demo.code), "x.csv") == demo

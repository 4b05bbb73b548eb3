"""Property tests: every credential survives JSON, and no input makes the reader crash."""

from __future__ import annotations

import json
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from badges.ob3 import (
    AchievementCredential,
    CredentialFormatError,
    JsonValue,
    from_json_ld,
    to_json_ld,
)
from tests.unit.ob3.builders import load_fixture
from tests.unit.ob3.strategies import credentials, json_values

SLOW = settings(
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


#: Terms whose values the model keeps verbatim (they may hold nulls of their own).
OPAQUE = {"proof", "endorsement", "properties"}


def _no_nulls_or_empty_arrays(value: JsonValue) -> bool:
    if value is None or value == []:
        return False
    if isinstance(value, dict):
        return all(
            _no_nulls_or_empty_arrays(item) for key, item in value.items() if key not in OPAQUE
        )
    if isinstance(value, list):
        return all(_no_nulls_or_empty_arrays(item) for item in value)
    return True


@SLOW
@given(credentials)
def test_round_trip_through_json(credential: AchievementCredential) -> None:
    text = json.dumps(to_json_ld(credential), ensure_ascii=False)

    assert from_json_ld(json.loads(text)) == credential


@SLOW
@given(credentials)
def test_writing_what_was_read_gives_the_same_document(credential: AchievementCredential) -> None:
    document = to_json_ld(credential)

    assert to_json_ld(from_json_ld(document)) == document


@SLOW
@given(credentials)
def test_the_shape_rules_hold_for_every_credential(credential: AchievementCredential) -> None:
    document = to_json_ld(credential)

    contexts = document["@context"]
    assert isinstance(contexts, list)
    assert contexts[:2] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    valid_from = document["validFrom"]
    assert isinstance(valid_from, str)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", valid_from)
    document.pop("@context")  # extra contexts are kept verbatim
    document.pop("credentialStatus", None)  # a non-Bitstring status is kept verbatim
    document.pop("termsOfUse", None)  # likewise
    assert _no_nulls_or_empty_arrays(document)


@SLOW
@given(json_values)
def test_any_json_value_is_read_or_refused_with_a_path(document: JsonValue) -> None:
    _read_or_refuse_with_a_path(document)


def _read_or_refuse_with_a_path(document: JsonValue) -> None:
    try:
        from_json_ld(document)
    except CredentialFormatError as error:
        path = error.path
    else:
        return
    assert path.startswith("$")


def _paths(value: JsonValue, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*path, index))
    return found


@SLOW
@given(st.data())
def test_damaging_the_fixture_anywhere_raises_only_format_errors(data: st.DataObject) -> None:
    document = load_fixture("ob3-smart-city.json")
    path = data.draw(st.sampled_from(_paths(document)[1:]), label="path")
    parent: JsonValue = document
    for step in path[:-1]:
        parent = parent[step]  # type: ignore[index]
    assert isinstance(parent, dict | list)
    if data.draw(st.booleans(), label="delete"):
        del parent[path[-1]]  # type: ignore[arg-type]
    else:
        parent[path[-1]] = data.draw(json_values, label="value")  # type: ignore[index]

    _read_or_refuse_with_a_path(document)

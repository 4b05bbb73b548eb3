"""Fuzz ``POST /api/v1/verify`` against its own OpenAPI description (issue #5, "Bad input").

schemathesis reads the document the app serves, generates valid and invalid bodies for every
media type it lists (JSON credential, wrapper, URL wrapper, JWS text, multipart, PNG, SVG) and
sends them to the app in-process over WSGI. Every answer must be a non-5xx response that matches
the schema. Bounded and derandomized, so a run is repeatable; DIDs and status lists come from
the corpus's offline maps, so no URL the fuzzer makes up is ever fetched from the network.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from flask import Flask
from flask_limiter import Limiter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from badges.clock import FixedClock
from badges.context import current_database
from badges.usage import Channel, usage_totals
from tests.integration.test_verifier_web import CORPUS_AT, install_verifier


@pytest.fixture
def clock() -> FixedClock:
    """The corpus's verdicts hold at its own instant."""
    return FixedClock(CORPUS_AT)


#: Every media type the description lists for the request body, each fuzzed on its own.
MEDIA_TYPES = [
    "application/json",
    "text/plain",
    "multipart/form-data",
    "image/png",
    "image/svg+xml",
]


def load_schema(app: Flask) -> Any:
    """The app's OpenAPI document, loaded through the app itself over WSGI."""
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def test_the_description_lists_the_media_types_fuzzed(app: Flask) -> None:
    operation = load_schema(app)["/api/v1/verify"]["POST"]

    assert sorted(operation.definition.raw["requestBody"]["content"]) == sorted(MEDIA_TYPES)


# The counts and fuzzing do not depend on the backend; SQLite keeps the run short.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("media_type", MEDIA_TYPES)
def test_the_api_never_fails_and_always_answers_as_described(app: Flask, media_type: str) -> None:
    install_verifier(app)
    limiter: Limiter = app.extensions["badges.limiter"]
    limiter.enabled = False  # the fuzzer sends far more than 30 requests a minute
    operation = load_schema(app)["/api/v1/verify"]["POST"]
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE, media_type=media_type),
        operation.as_strategy(GenerationMode.NEGATIVE, media_type=media_type),
    )

    @settings(
        max_examples=50,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases)
    def answers_as_described(case: Any) -> None:
        case.call_and_validate(
            checks=[not_a_server_error, response_schema_conformance, content_type_conformance]
        )

    answers_as_described()

    # The requests really reached the view: each one that it saw was counted.
    with app.app_context(), current_database().sessionmaker() as session:
        assert usage_totals(session, CORPUS_AT.date()).of(channel=Channel.API) > 0

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskClient

from badges.app import create_app
from tests.environment import make_settings


def test_health_reports_the_embedded_services(client: FlaskClient, database_url: str) -> None:
    response = client.get("/health")

    assert response.status_code == 200
    assert response.json is not None
    assert response.json["status"] == "ok"
    assert response.json["database"] == {
        "ok": True,
        "backend": "postgresql" if database_url.startswith("postgresql") else "sqlite",
    }
    assert response.json["broker"] == {"ok": True, "mode": "in-process"}
    assert response.json["worker"] == {"ok": True, "mode": "in-process"}


def test_health_is_503_when_the_database_is_unreachable(tmp_path: Path) -> None:
    unreachable = "postgresql+psycopg://postgres@127.0.0.1:1/nowhere?connect_timeout=2"
    client = create_app(make_settings(tmp_path, unreachable)).test_client()

    response = client.get("/health")

    assert response.status_code == 503
    assert response.json is not None
    assert response.json["status"] == "down"
    assert response.json["database"]["ok"] is False
    assert response.json["database"]["error"] == "OperationalError"


def test_health_reports_an_unreachable_broker(tmp_path: Path, database_url: str) -> None:
    settings = make_settings(tmp_path, database_url, redis_url="redis://127.0.0.1:1/0")
    client = create_app(settings).test_client()

    response = client.get("/health")

    assert response.status_code == 200  # the site still serves pages
    assert response.json is not None
    assert response.json["status"] == "degraded"
    assert response.json["broker"]["ok"] is False
    assert response.json["worker"]["ok"] is False

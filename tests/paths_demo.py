"""The demo framework, both demo issuers and the three published demo paths, for path tests."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.accounts.service import create_organisation
from issuer import create_issuer
from paths import (
    ValidationPath,
    import_framework,
    import_paths,
    load_framework_json,
    load_paths_json,
)
from tests.environment import NOW

ROOT = Path(__file__).resolve().parents[1]
FRAMEWORK = ROOT / "paths" / "data" / "smart_city_framework.json"
DEMO_PATHS = ROOT / "paths" / "data" / "demo_paths.json"
DEMO_ISSUERS = (
    ("sofia-smart-city-academy", "Sofia Smart City Academy"),
    ("cluj-urban-innovation-lab", "Cluj Urban Innovation Lab"),
)


def load_demo_paths(
    session: Session, *, base_url: str = "http://127.0.0.1:5000"
) -> dict[str, ValidationPath]:
    """Import them into ``session`` (not committed); the paths by code."""
    import_framework(session, load_framework_json(FRAMEWORK.read_bytes(), FRAMEWORK.name), now=NOW)
    for slug, name in DEMO_ISSUERS:
        organisation = create_organisation(session, slug=slug, name=name, now=NOW)
        create_issuer(session, organisation.id, name=name, base_url=base_url, now=NOW)
    import_paths(session, load_paths_json(DEMO_PATHS.read_bytes(), DEMO_PATHS.name), now=NOW)
    return {path.code: path for path in session.scalars(select(ValidationPath))}

"""The wheel carries what the app needs: templates, static files, catalogs, migrations."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_wheel_ships_templates_static_translations_and_migrations(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
            "--wheel-dir", str(tmp_path), str(ROOT),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    (wheel,) = tmp_path.glob("badges-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())

    expected = {
        "badges/templates/base.html",
        "badges/templates/errors/error.html",
        "badges/static/css/site.css",
        "badges/migrations/env.py",
        "badges/migrations/versions/0001_accounts_and_mail.py",
        *(f"badges/translations/{lang}/LC_MESSAGES/messages.mo" for lang in ("de", "bg", "ro")),
    }
    assert expected <= names
    assert not any(name.startswith("tests/") for name in names)

"""Build hook: compile the translation catalogs (.po -> .mo) into every wheel and editable install.

The binaries are never committed; they are made from the reviewed .po sources at build time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CompileCatalogs(BuildHookInterface):  # type: ignore[type-arg]  # hatchling's generic is untyped
    """Compile ``badges/translations/*/LC_MESSAGES/messages.po``."""

    PLUGIN_NAME = "compile-catalogs"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Write a .mo next to each .po before the files are collected."""
        for po_path in Path(self.root, "badges", "translations").glob("*/LC_MESSAGES/*.po"):
            with po_path.open("rb") as source:
                catalog = read_po(source)
            with po_path.with_suffix(".mo").open("wb") as target:
                write_mo(target, catalog)

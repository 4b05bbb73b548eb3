"""Read a validation paths file (``badges paths import-paths``): parse and shape-check the JSON.

The file names everything by code: the framework by code and version, elements by code, the
issuer by slug, achievements by name. Requirements are written per stage as ``defaults`` with
per-element ``elements`` overrides, so a path file stays short. Only the shape is checked here;
:mod:`paths.path_import` resolves the names and stores the paths.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from badges.errors import N_
from paths.errors import FrameworkIssue
from paths.path_errors import PathInvalid

FORMAT = "badges-validation-paths/1"


@dataclass(frozen=True, slots=True)
class PathsSpec:
    """A parsed paths file: the raw path objects, shape-checked, plus shared rubrics."""

    filename: str
    rubrics: Mapping[str, list[dict[str, Any]]]
    achievements: tuple[Mapping[str, Any], ...]
    paths: tuple[Mapping[str, Any], ...]


def load_paths_json(data: bytes, filename: str) -> PathsSpec:
    """Parse and shape-check a paths file; every problem is listed with where it is.

    Raises:
        PathInvalid: not JSON, wrong format, or missing or mistyped fields.
    """
    issues: list[FrameworkIssue] = []

    def issue(where: str, field: str, template: str) -> None:
        issues.append(FrameworkIssue(filename, where, field, template))

    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise PathInvalid(
            filename, [FrameworkIssue(filename, "$", "-", N_("is not JSON"))]
        ) from err
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise PathInvalid(
            filename,
            [FrameworkIssue(filename, "$", "format", N_("must be %(format)s"), {"format": FORMAT})],
        )
    paths = document.get("paths")
    if not isinstance(paths, list) or not paths:
        issue("$", "paths", N_("must be a non-empty list"))
        paths = []
    required: dict[str, type] = {
        "code": str,
        "version": int,
        "title": dict,
        "framework": dict,
        "scope": str,
        "issuer": str,
        "achievement": str,
    }
    for index, path in enumerate(paths):
        where = f"paths[{index}]"
        if not isinstance(path, dict):
            issue(where, "-", N_("must be an object"))
            continue
        for field, kind in required.items():
            if not isinstance(path.get(field), kind) or isinstance(path.get(field), bool):
                issue(where, field, N_("is missing or of the wrong type"))
        if path.get("scope") not in ("role", "unit"):
            issue(where, "scope", N_("must be role or unit"))
        elif not isinstance(path.get(path["scope"]), str):
            issue(where, path["scope"], N_("is missing or of the wrong type"))
    rubrics = document.get("rubrics", {})
    if not isinstance(rubrics, dict):
        issue("$", "rubrics", N_("must be an object"))
        rubrics = {}
    achievements = document.get("achievements", [])
    if not isinstance(achievements, list) or not all(isinstance(a, dict) for a in achievements):
        issue("$", "achievements", N_("must be a list of objects"))
        achievements = []
    if issues:
        raise PathInvalid(filename, issues)
    return PathsSpec(filename, rubrics, tuple(achievements), tuple(paths))

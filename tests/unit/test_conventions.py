"""House rules that no linter checks (STYLE.md): who commits, what imports stay light."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: Adapters own the transaction; everything else only adds and flushes.
ADAPTER_NAMES = {"cli.py", "tasks.py"}
COMMIT = re.compile(r"\.commit\(")


def _domain_modules() -> list[Path]:
    candidates = [
        *(ROOT / "badges" / "accounts").rglob("*.py"),
        ROOT / "badges" / "mail.py",
        *(ROOT / "badges" / "demo").rglob("*.py"),
        *(ROOT / "issuer").rglob("*.py"),
        *(ROOT / "paths").rglob("*.py"),
    ]
    return [
        path
        for path in candidates
        if path.name not in ADAPTER_NAMES and "web" not in path.relative_to(ROOT).parts
    ]


def test_domain_modules_never_commit() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in _domain_modules()
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if COMMIT.search(line)
    ]

    assert offenders == []


def test_the_rule_would_catch_a_commit() -> None:
    assert COMMIT.search("    session.commit()")


def test_the_core_imports_no_web_framework_or_queue() -> None:
    code = (
        "import sys, badges, badges.config, badges.clock, badges.errors, badges.outbox;"
        "heavy = {'flask', 'celery', 'sqlalchemy'} & set(sys.modules);"
        "sys.exit(', '.join(sorted(heavy)) or None)"
    )

    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )

    assert result.returncode == 0, result.stderr


def test_no_grab_bag_modules() -> None:
    grab_bags = [
        path.relative_to(ROOT)
        for package in ("badges", "issuer", "verifier", "paths")
        for path in (ROOT / package).rglob("*.py")
        if path.name in {"utils.py", "helpers.py"}
    ]

    assert grab_bags == []


#: Modules of issuer/ and paths/ that are adapters (they may import Flask or Celery).
ADAPTER_MODULE = re.compile(r"^(cli(_\w+)?|tasks|bulk_tasks)$")


def test_every_domain_module_is_held_to_its_import_contract() -> None:
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    listed = {
        module
        for contract in contracts["contracts"]
        if contract["type"] == "forbidden"
        for module in contract["source_modules"]
    }
    domain = [
        f"{package}.{path.stem}"
        for package in ("issuer", "paths")
        for path in sorted((ROOT / package).glob("*.py"))
        if path.stem != "__init__" and not ADAPTER_MODULE.match(path.stem)
    ]

    assert [module for module in domain if module not in listed] == []

"""``badges paths``: the competence framework and validation paths from the command line.

Thin adapters: read the file, call one domain function inside ``session_scope`` (which commits),
print what happened. An invalid file prints every problem as ``FILE:ROW/PATH: field: message``
and exits with status 1, writing nothing.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from badges.context import current_clock, current_database
from badges.errors import DomainError
from paths import (
    FrameworkInvalid,
    FrameworkSpec,
    PathInvalid,
    export_framework_csv,
    export_framework_json,
    import_framework,
    import_paths,
    list_frameworks,
    load_framework_csv,
    load_framework_json,
    load_paths_json,
)
from paths.cli_privacy import delete_account_command, export_personal_data_command

paths_group = AppGroup("paths", help="Competence framework and validation paths.")
FORMATS = click.Choice(["json", "csv"])


def _format_of(path: Path, chosen: str | None) -> str:
    """``--format`` if given, else the file's extension."""
    if chosen is not None:
        return chosen
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in {"json", "csv"}:
        raise click.UsageError(f"Cannot tell the format of {path.name}: use --format json|csv.")
    return suffix


def _load(path: Path, fmt: str) -> FrameworkSpec:
    data = path.read_bytes()
    if fmt == "csv":
        return load_framework_csv(data, str(path))
    return load_framework_json(data, str(path))


@paths_group.command("import-framework")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=FORMATS, default=None, help="Default: from the extension.")
def import_framework_command(file: Path, fmt: str | None) -> None:
    """Import a framework version from FILE (JSON or CSV); the same file twice changes nothing."""
    try:
        spec = _load(file, _format_of(file, fmt))
    except FrameworkInvalid as err:
        for issue in err.issues:
            click.echo(str(issue), err=True)
        click.echo(err.message, err=True)
        raise SystemExit(1) from err
    try:
        with current_database().session_scope() as session:
            result = import_framework(session, spec, now=current_clock().now())
    except DomainError as err:
        raise click.ClickException(err.message) from err
    name = f"{spec.code} version {spec.version}"
    if result.created:
        elements = sum(len(unit.elements) for unit in spec.units)
        click.echo(
            f"Imported framework {name}: {len(spec.roles)} roles, {len(spec.units)} units, "
            f"{elements} elements, {len(spec.curricula)} curricula."
        )
    else:
        click.echo(f"Framework {name} is already imported; nothing changed.")


@paths_group.command("export-framework")
@click.argument("code")
@click.option("--version", "version", default=None, help="Default: the latest imported.")
@click.option("--format", "fmt", type=FORMATS, default="json", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None)
def export_framework_command(code: str, version: str | None, fmt: str, out: Path | None) -> None:
    """Write framework CODE as JSON or CSV to --out, or to standard output."""
    export = export_framework_csv if fmt == "csv" else export_framework_json
    try:
        with current_database().session_scope() as session:
            data = export(session, code, version)
    except DomainError as err:
        raise click.ClickException(err.message) from err
    if out is None:
        click.echo(data.decode("utf-8-sig"), nl=False)
    else:
        out.write_bytes(data)
        click.echo(f"Wrote {out}.", err=True)


@paths_group.command("frameworks")
def frameworks_command() -> None:
    """List the imported framework versions: code, version, import time and English title."""
    with current_database().session_scope() as session:
        for framework in list_frameworks(session):
            imported = framework.imported_at.isoformat(timespec="seconds")
            title = framework.title_for("en")
            click.echo(f"{framework.code}\t{framework.version}\t{imported}\t{title}")


@paths_group.command("import-paths")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_paths_command(file: Path) -> None:
    """Import (and publish) the validation paths in FILE; the same file twice changes nothing."""
    try:
        spec = load_paths_json(file.read_bytes(), str(file))
        with current_database().session_scope() as session:
            results = import_paths(session, spec, now=current_clock().now())
    except PathInvalid as err:
        for issue in err.issues:
            click.echo(str(issue), err=True)
        click.echo(err.message, err=True)
        raise SystemExit(1) from err
    except DomainError as err:
        raise click.ClickException(err.message) from err
    for result in results:
        done = "Imported" if result.created else "Already imported, unchanged:"
        click.echo(f"{done} path {result.code} version {result.version}.")


paths_group.add_command(export_personal_data_command)
paths_group.add_command(delete_account_command)

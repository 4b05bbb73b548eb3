"""``badges verify FILE...``: verify credentials from the command line, no database needed.

Exit status (ARCHITECTURE.md "Interfaces"): 0 when every file verified, 1 when one did not, 2
when a file is unusable (not a credential in any format, or unreadable) or a map file is bad.
``--json`` prints one JSON object a line: ``file``, ``verified``, ``verdict``, ``checks``.
``--did-documents`` / ``--status-lists`` make it run offline from maps of documents.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import click

from badges.clock import SystemClock
from badges.jsonld.loader import StaticDocumentLoader
from verifier import (
    Fetcher,
    MapFetcher,
    SafeFetcher,
    StatusListCache,
    UnusableInput,
    VerificationReport,
    read_credential,
    verify_credential,
)
from verifier.errors import FetchError

EXIT_VERIFIED, EXIT_NOT_VERIFIED, EXIT_UNUSABLE = 0, 1, 2
_MARKS = {"pass": "ok  ", "fail": "FAIL", "warning": "warn", "skipped": "skip"}


@click.command("verify")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line per file.")
@click.option(
    "--did-documents",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="JSON map of DID or URL to DID document (inline, or a path relative to the map).",
)
@click.option(
    "--status-lists",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="JSON map of URL to status list credential (inline, or a relative path).",
)
@click.option(
    "--at",
    "at",
    metavar="DATETIME",
    help="Judge validity at this instant (ISO 8601 with a time zone) instead of now.",
)
@click.pass_context
def verify_command(
    ctx: click.Context,
    files: tuple[Path, ...],
    *,
    as_json: bool,
    did_documents: Path | None,
    status_lists: Path | None,
    at: str | None,
) -> None:
    """Verify Open Badges credentials (JSON, compact JWS, baked PNG or SVG)."""
    try:
        fetcher = _fetcher(did_documents, status_lists)
    except FetchError as err:
        click.echo(f"error: {err.message}", err=True)
        ctx.exit(EXIT_UNUSABLE)
    now = _instant(at) if at is not None else SystemClock().now()
    loader, status_cache = StaticDocumentLoader(), StatusListCache()
    worst = EXIT_VERIFIED
    for path in files:
        try:
            credential = read_credential(path.read_bytes(), filename=path.name)
        except (OSError, UnusableInput) as err:
            message = err.message if isinstance(err, UnusableInput) else str(err.strerror)
            _print_unusable(path, message, as_json=as_json)
            worst = max(worst, EXIT_UNUSABLE)
            continue
        report = verify_credential(
            credential, loader=loader, fetcher=fetcher, now=now, status_cache=status_cache
        )
        _print_report(path, report, as_json=as_json)
        if not report.verified:
            worst = max(worst, EXIT_NOT_VERIFIED)
    ctx.exit(worst)


def _instant(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise click.BadParameter("give a date and time with a time zone", param_hint="--at")
    return moment


def _fetcher(did_documents: Path | None, status_lists: Path | None) -> Fetcher:
    """Offline maps when given (either one switches the network off), else the safe fetcher."""
    if did_documents is None and status_lists is None:
        return SafeFetcher()
    fetcher = MapFetcher()
    for path in (did_documents, status_lists):
        if path is not None:
            fetcher = fetcher | MapFetcher.from_file(path)
    return fetcher


def _print_unusable(path: Path, message: str, *, as_json: bool) -> None:
    if as_json:
        line = {"file": str(path), "verified": False, "error": message, "checks": []}
        click.echo(json.dumps(line, ensure_ascii=False))
    else:
        click.echo(f"{path}: unusable: {message}")


def _print_report(path: Path, report: VerificationReport, *, as_json: bool) -> None:
    if as_json:
        line = {
            "file": str(path),
            "verified": report.verified,
            "verdict": report.verdict.value,
            "checks": [check.to_json() for check in report.checks],
        }
        click.echo(json.dumps(line, ensure_ascii=False))
        return
    click.echo(f"{path}: {report.verdict.value}")
    for check in report.checks:
        click.echo(f"  [{_MARKS[check.outcome.value]}] {check.id.value}: {check.message}")

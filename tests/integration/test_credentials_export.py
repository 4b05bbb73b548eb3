"""``badges credentials export``: every credential verifies offline with ``badges verify``."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy.orm import Session

from badges.baking import extract_png
from issuer import Credential, Issuance, request_issuance, revoke, status_list_credential
from issuer.export import export_credentials
from tests.environment import NOW
from tests.integration.test_credential_page import BASE_URL, KEYRING, award

EXIT_VERIFIED, EXIT_NOT_VERIFIED = 0, 1
MAPS = {"did-documents", "status-lists"}


def _issue_more(app: Flask, session: Session, awarded_issuance: Issuance, count: int) -> None:
    for number in range(count):
        request_issuance(
            session,
            issuer_id=awarded_issuance.issuer_id,
            achievement_id=awarded_issuance.achievement_id,
            recipient_name=f"Recipient {number}",
            recipient_email=f"r{number}@example.org",
            now=NOW,
        )
    with app.app_context():
        session.commit()


def _verify(runner: FlaskCliRunner, out: Path) -> list[dict[str, object]]:
    result = runner.invoke(
        args=[
            "verify",
            *sorted(str(path) for path in out.glob("*.json") if path.stem not in MAPS),
            "--json",
            "--did-documents",
            str(out / "did-documents.json"),
            "--status-lists",
            str(out / "status-lists.json"),
            "--at",
            NOW.isoformat(),
        ]
    )
    lines = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    return [{**line, "exit_code": result.exit_code} for line in lines]


def test_exported_credentials_verify_offline_until_one_is_revoked(
    app: Flask, runner: FlaskCliRunner, session: Session, tmp_path: Path
) -> None:
    awarded = award(app, session)
    _issue_more(app, session, session.get_one(Issuance, awarded.credential.issuance_id), 2)
    out = tmp_path / "export"

    result = runner.invoke(args=["credentials", "export", "--out", str(out)])

    assert result.exit_code == 0, result.output
    assert "Exported 3 credentials" in result.output
    stored = {credential.public_id: credential for credential in session.query(Credential)}
    assert {path.stem for path in out.glob("*.png")} == set(stored)
    for public_id, credential in stored.items():
        assert (out / f"{public_id}.json").read_text(encoding="utf-8") == credential.document
        assert extract_png((out / f"{public_id}.png").read_bytes()) == credential.document
    reports = _verify(runner, out)
    assert len(reports) == 3
    assert all(report["verified"] for report in reports), reports
    assert reports[0]["exit_code"] == EXIT_VERIFIED

    revoke(session, awarded.credential.id, reason="Issued in error", now=NOW)
    status_list_credential(
        session, awarded.credential.status_list_id, keyring=KEYRING, base_url=BASE_URL, now=NOW
    )
    with app.app_context():
        session.commit()
    assert runner.invoke(args=["credentials", "export", "--out", str(out)]).exit_code == 0

    reports = _verify(runner, out)
    revoked = f"{awarded.credential.public_id}.json"
    by_file = {Path(str(report["file"])).name: report for report in reports}
    assert not by_file[revoked]["verified"]
    checks = by_file[revoked]["checks"]
    assert isinstance(checks, list)
    assert {"id": "status", "outcome": "fail"}.items() <= next(
        check for check in checks if check["id"] == "status"
    ).items()
    assert all(report["verified"] for name, report in by_file.items() if name != revoked)
    assert reports[0]["exit_code"] == EXIT_NOT_VERIFIED


def test_export_reads_in_batches(app: Flask, session: Session, tmp_path: Path) -> None:
    awarded = award(app, session)
    _issue_more(app, session, session.get_one(Issuance, awarded.credential.issuance_id), 4)

    summary = export_credentials(session, tmp_path, batch_size=2)

    assert summary.credentials == 5
    assert len(list(tmp_path.glob("*.png"))) == 5
    maps = json.loads((tmp_path / "did-documents.json").read_text(encoding="utf-8"))
    assert all(did.startswith("did:key:") for did in maps)
    lists = json.loads((tmp_path / "status-lists.json").read_text(encoding="utf-8"))
    assert list(lists) == [f"{BASE_URL}/status/{awarded.credential.status_list_id}"]

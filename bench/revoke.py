"""Time to revoke one credential and publish its re-signed status list: ``python -m bench.revoke``.

On SQLite (a temporary file) and PostgreSQL (a throwaway database), ``--runs`` credentials are
issued, then each is revoked on its own, as ``badges issuer revoke`` and the admin page do: set
the bit in the 131,072-entry Bitstring Status List (decode, set, GZIP, multibase), sign the
``BitstringStatusListCredential`` again (eddsa-rdfc-2022), commit. Prints the median and p95 per
revocation, each part's median, and the process's CPU time (a busy shared machine inflates
wall time, not CPU time). Issue #4 target: under 50 ms per revocation.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from badges import migrate
from badges.app import create_app
from badges.clock import SystemClock
from badges.config import Settings
from badges.context import current_database
from badges.jsonld.loader import StaticDocumentLoader
from badges.outbox import discard_pending
from bench.issue import BASE_URL, KEK, issue_one, request_many, setup, throwaway_database
from issuer import Credential, Keyring, revoke, status_list_credential

TARGET_MS = 50.0


def main() -> None:
    """Run the revocations on each backend and print their figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=50, help="revocations per backend")
    options = parser.parse_args()
    print(f"Revoke one credential and re-sign its status list; {options.runs} runs per backend")
    for backend in ("sqlite", "postgresql"):
        with tempfile.TemporaryDirectory() as tmp, database(backend, Path(tmp)) as url:
            settings = Settings(
                instance_path=Path(tmp) / "instance",
                secret_key="bench-secret-key",
                secret_key_generated=False,
                database_url=url,
                base_url=BASE_URL,
                key_encryption_keys=(KEK,),
            )
            app = create_app(settings)
            with app.app_context():
                report(backend, run(options.runs))
                current_database().dispose()


@contextmanager
def database(backend: str, tmp: Path) -> Iterator[str]:
    """A migrated, empty database of ``backend``."""
    if backend == "postgresql":
        with throwaway_database() as url:
            yield url
        return
    url = f"sqlite:///{tmp / 'bench.sqlite3'}"
    engine = create_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    yield url


def run(runs: int) -> dict[str, list[float]]:
    """Issue ``runs`` credentials, then revoke them one per transaction, timing each part."""
    sessionmaker = current_database().sessionmaker
    keyring, loader = Keyring([KEK]), StaticDocumentLoader()
    achievement_id, issuer_id = setup(sessionmaker)
    times: dict[str, list[float]] = {
        "set bit": [],
        "sign list": [],
        "commit": [],
        "total": [],
        "cpu": [],
    }
    with sessionmaker() as session:
        ids = request_many(session, issuer_id, achievement_id, runs + 1)
        discard_pending(session)  # issued right here
        session.commit()
        for issuance_id in ids:
            issue_one(session, issuance_id, keyring=keyring, loader=loader)
        credentials = session.scalars(select(Credential.id).order_by(Credential.id)).all()
        revoke_one(session, credentials[0], keyring=keyring, loader=loader, times={})  # warm-up
        for credential_id in credentials[1:]:
            revoke_one(session, credential_id, keyring=keyring, loader=loader, times=times)
    return times


def revoke_one(
    session: Session,
    credential_id: int,
    *,
    keyring: Keyring,
    loader: StaticDocumentLoader,
    times: dict[str, list[float]],
) -> None:
    """Revoke, re-sign the list (what the publish task does) and commit; record each part."""
    now = SystemClock().now()
    cpu = time.process_time()
    started = time.perf_counter()
    credential = revoke(session, credential_id, reason="Benchmark.", now=now)
    discard_pending(session)  # published right here instead of by the after-commit task
    bit_set = time.perf_counter()
    status_list_credential(
        session,
        credential.status_list_id,
        keyring=keyring,
        base_url=BASE_URL,
        now=now,
        loader=loader,
    )
    signed = time.perf_counter()
    session.commit()
    done = time.perf_counter()
    for part, seconds in (
        ("set bit", bit_set - started),
        ("sign list", signed - bit_set),
        ("commit", done - signed),
        ("total", done - started),
        ("cpu", time.process_time() - cpu),
    ):
        times.setdefault(part, []).append(seconds * 1000)


def report(backend: str, times: dict[str, list[float]]) -> None:
    """Median and p95 per revocation, each part's median, and the ratio to the target."""
    total = sorted(times["total"])
    p95 = total[max(0, round(0.95 * len(total)) - 1)]
    median = statistics.median(total)
    parts = ", ".join(
        f"{part} {statistics.median(values):.1f}"
        for part, values in times.items()
        if part != "total"
    )
    print(f"  {backend:<10} median {median:.1f} ms, p95 {p95:.1f} ms ({parts} ms medians)")
    cpu = statistics.median(times["cpu"])
    print(f"  {'':<10} this process's CPU time: median {cpu:.1f} ms (wall time minus waiting)")
    print(f"  {'':<10} target {TARGET_MS:.0f} ms: ratio {TARGET_MS / p95:.2f} at p95")


if __name__ == "__main__":
    main()

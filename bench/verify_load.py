"""The verifier's web front under load, by hand: ``.venv/bin/python -m bench.verify_load``.

Issue #5: the public credential page and ``POST /api/v1/verify`` served by gunicorn with two
workers on loopback, driven by 50 concurrent clients from a separate process (this one), for one
of our own credentials; prints requests per second and p50 / p99 latency (target: p99 under
100 ms). A fresh embedded instance is made in a temporary folder (``badges db upgrade`` and
``badges demo load``), so the credential is issued, signed and shared through the real flow.

The load generator is Python threads, each with its own connection (gunicorn's sync workers
close it after every answer, so each request also connects); on a 2-core machine it shares the
CPU with the two workers, which the printed load average shows. With sync workers a request
mostly waits its turn, so latency is about clients / throughput: p99 under 100 ms for 50
clients needs well over 500 requests a second. Rate limits are switched off in the served app
(:func:`wsgi_app`): one address sending thousands of requests is what they stop.

The reference, measured in the same run unless ``--skip-reference``: the same server with the
report cache holding nothing (``BENCH_REPORT_CACHE=off``), so every request verifies afresh, as
for a stream of different credentials.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from flask import Flask

VENV_BIN = Path(sys.executable).parent


def wsgi_app() -> Flask:
    """The app as gunicorn serves it, with rate limiting off for the benchmark."""
    from badges.app import create_app  # noqa: PLC0415 - imported in the gunicorn worker
    from verifier import ReportCache  # noqa: PLC0415 - likewise
    from verifier.web.service import REPORT_CACHE_EXTENSION  # noqa: PLC0415 - likewise

    app = create_app()
    app.extensions["badges.limiter"].enabled = False
    if os.environ.get("BENCH_REPORT_CACHE") == "off":
        app.extensions[REPORT_CACHE_EXTENSION] = ReportCache(max_entries=0)
    return app


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _prepare(folder: Path, port: int) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
        "BADGES_INSTANCE_PATH": str(folder / "instance"),
        "BASE_URL": f"http://127.0.0.1:{port}",
    }
    env.pop("REDIS_URL", None)
    for command in (["db", "upgrade"], ["demo", "load"]):
        subprocess.run(  # noqa: S603 - our own command line
            [str(VENV_BIN / "badges"), *command], env=env, check=True, capture_output=True
        )
    return env


def _shared_credential(folder: Path) -> tuple[str, str]:
    with sqlite3.connect(folder / "bench.sqlite3") as connection:
        public_id, document = connection.execute(
            "SELECT public_id, document FROM credentials WHERE shared AND revoked_at IS NULL "
            "ORDER BY id LIMIT 1"
        ).fetchone()
    return str(public_id), str(document)


def _serve(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn
        [
            str(VENV_BIN / "gunicorn"),
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "bench.verify_load:wsgi_app()",
        ],
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


def _load(
    port: int, method: str, path: str, body: bytes | None, *, clients: int, seconds: float
) -> tuple[int, list[float], int]:
    """Run ``clients`` threads for ``seconds``; return requests, latencies (ms) and errors."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    headers = {"Content-Type": "application/json"} if body else {}

    def client() -> None:
        nonlocal errors
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        failed = 0
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                ok = False
            mine.append((time.perf_counter() - started) * 1000)
            failed += not ok
        with lock:
            latencies.extend(mine)
            errors += failed

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(latencies), latencies, errors


def _check_verified(port: int, body: bytes) -> None:
    """Refuse to measure anything but a successful verification."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request(
        "POST", "/api/v1/verify", body=body, headers={"Content-Type": "application/json"}
    )
    report = json.loads(connection.getresponse().read())
    if not report.get("verified"):
        raise SystemExit(f"our credential did not verify: {report}")


def _report(name: str, count: int, latencies: list[float], errors: int, seconds: float) -> None:
    ordered = sorted(latencies)
    p50 = statistics.median(ordered)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    print(
        f"  {name:<32} {count / seconds:8.0f} req/s   p50 {p50:6.1f} ms   p99 {p99:6.1f} ms"
        f"   errors {errors}   (target p99 100 ms: ratio {100 / p99:.2f})"
    )


def _measure(
    env: dict[str, str], port: int, public_id: str, body: bytes, args: argparse.Namespace
) -> None:
    """Serve the instance once and load the API, then the credential page."""
    server = _serve(env, port)
    try:
        _check_verified(port, body)
        _load(port, "POST", "/api/v1/verify", body, clients=2, seconds=1.0)  # warm both workers
        for name, method, path, payload in (
            ("POST /api/v1/verify (ours)", "POST", "/api/v1/verify", body),
            ("GET /credentials/<uuid>", "GET", f"/credentials/{public_id}", None),
        ):
            count, latencies, errors = _load(
                port, method, path, payload, clients=args.clients, seconds=args.seconds
            )
            _report(name, count, latencies, errors, args.seconds)
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    """Prepare an instance, serve it with gunicorn, and load the page and the API."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument(
        "--skip-reference",
        action="store_true",
        help="do not also measure with the report cache off (every request verified)",
    )
    args = parser.parse_args()
    port = _free_port()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = _prepare(folder, port)
        public_id, document = _shared_credential(folder)
        body = json.dumps({"credential": json.loads(document)}).encode()
        print(
            f"gunicorn --workers 2 on loopback; {args.clients} clients for {args.seconds:.0f} s"
            f" each; load average before: {os.getloadavg()[0]:.2f}"
        )
        print("reports reused while the status list is unchanged (as served):")
        _measure(env, port, public_id, body, args)
        if not args.skip_reference:
            print("reference, report cache off (every request verified):")
            _measure({**env, "BENCH_REPORT_CACHE": "off"}, port, public_id, body, args)
        print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

"""SafeFetcher without a network: an injected resolver and a socketpair standing in for TLS."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from verifier import FetchError, FetchRefused, FetchTooLarge, MapFetcher, SafeFetcher
from verifier.errors import FetchTimeout
from verifier.fetch import system_resolver


@dataclass
class FakeNet:
    """Answers for host names, and canned HTTP responses per address; records connections."""

    dns: dict[str, list[str]] = field(default_factory=dict)
    responses: dict[str, bytes] = field(default_factory=dict)
    connections: list[tuple[str, int, str]] = field(default_factory=list)
    lookups: int = 0
    servers: list[socket.socket] = field(default_factory=list)

    def resolve(self, host: str, port: int) -> Sequence[str]:
        self.lookups += 1
        return self.dns.get(host, [])

    def connect(self, address: str, port: int, hostname: str, timeout: float) -> socket.socket:
        self.connections.append((address, port, hostname))
        ours, theirs = socket.socketpair()
        theirs.sendall(self.responses[address])
        theirs.shutdown(socket.SHUT_WR)
        self.servers.append(theirs)  # kept open so the request can be written
        return ours

    def close(self) -> None:
        for server in self.servers:
            server.close()


NetFactory = Callable[..., FakeNet]


@pytest.fixture
def nets() -> Iterator[NetFactory]:
    made: list[FakeNet] = []

    def make(
        dns: dict[str, list[str]] | None = None, responses: dict[str, bytes] | None = None
    ) -> FakeNet:
        made.append(FakeNet(dns or {}, responses or {}))
        return made[-1]

    yield make
    for net in made:
        net.close()


def response(body: bytes, *, status: str = "200 OK", headers: str = "") -> bytes:
    return (
        f"HTTP/1.1 {status}\r\nContent-Length: {len(body)}\r\n{headers}Connection: close\r\n\r\n"
    ).encode() + body


def fetcher(net: FakeNet, **kwargs: object) -> SafeFetcher:
    return SafeFetcher(resolver=net.resolve, connector=net.connect, **kwargs)  # type: ignore[arg-type]


PUBLIC = "93.184.215.14"


def test_fetches_from_a_public_address_and_connects_to_the_checked_one(nets: NetFactory) -> None:
    net = nets({"issuer.example": [PUBLIC]}, {PUBLIC: response(b'{"ok": true}')})

    body = fetcher(net).fetch("https://issuer.example:8443/did.json")

    assert json.loads(body) == {"ok": True}
    assert net.connections == [(PUBLIC, 8443, "issuer.example")]


@pytest.mark.parametrize(
    "url",
    [
        "http://issuer.example/did.json",
        "ftp://issuer.example/did.json",
        "https://127.0.0.1/did.json",
        "https://10.1.2.3/did.json",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/did.json",
        "https://[::ffff:127.0.0.1]/did.json",
        "https://[fe80::1]/did.json",
        "https://224.0.0.1/",
        "https://0.0.0.0/",
        "https://100.64.0.1/",
        "https://user:pw@issuer.example/",
        "https://issuer.example/a b",
    ],
)
def test_refuses_non_https_and_non_public_addresses(url: str, nets: NetFactory) -> None:
    net = nets({"issuer.example": [PUBLIC]}, {PUBLIC: response(b"{}")})

    with pytest.raises(FetchRefused):
        fetcher(net).fetch(url)
    assert net.connections == []


@pytest.mark.parametrize("answers", [["10.0.0.5"], ["192.168.1.1"], [PUBLIC, "127.0.0.1"]])
def test_refuses_a_host_name_that_resolves_to_a_private_address(
    answers: list[str], nets: NetFactory
) -> None:
    net = nets({"rebind.example": answers}, {})

    with pytest.raises(FetchRefused):
        fetcher(net).fetch("https://rebind.example/did.json")
    assert net.connections == []


def test_an_explicitly_allowed_network_is_reachable(nets: NetFactory) -> None:
    net = nets({"test.local": ["127.0.0.1"]}, {"127.0.0.1": response(b"{}")})

    assert fetcher(net, allowed_networks=["127.0.0.0/8"]).fetch("https://test.local/") == b"{}"


def test_redirect_to_a_private_address_is_refused(nets: NetFactory) -> None:
    net = nets(
        {"issuer.example": [PUBLIC], "internal.example": ["10.0.0.7"]},
        {
            PUBLIC: response(
                b"", status="302 Found", headers="Location: https://internal.example/\r\n"
            )
        },
    )

    with pytest.raises(FetchRefused):
        fetcher(net).fetch("https://issuer.example/status/1")
    assert [c[0] for c in net.connections] == [PUBLIC]


def test_redirect_to_http_is_refused(nets: NetFactory) -> None:
    net = nets(
        {"issuer.example": [PUBLIC]},
        {PUBLIC: response(b"", status="301 Moved", headers="Location: http://issuer.example/\r\n")},
    )

    with pytest.raises(FetchRefused):
        fetcher(net).fetch("https://issuer.example/")


def test_follows_a_public_redirect_but_not_forever(nets: NetFactory) -> None:
    loop = response(b"", status="302 Found", headers="Location: /again\r\n")
    net = nets({"issuer.example": [PUBLIC]}, {PUBLIC: loop})

    with pytest.raises(FetchError, match="Too many redirects"):
        fetcher(net, max_redirects=2).fetch("https://issuer.example/")
    assert len(net.connections) == 3


def test_oversize_bodies_are_refused(nets: NetFactory) -> None:
    net = nets({"issuer.example": [PUBLIC]}, {PUBLIC: response(b"x" * 5000)})

    with pytest.raises(FetchTooLarge):
        fetcher(net, max_bytes=4096).fetch("https://issuer.example/")


def test_oversize_chunked_bodies_are_refused(nets: NetFactory) -> None:
    chunks = b"".join(b"400\r\n" + b"y" * 1024 + b"\r\n" for _ in range(8)) + b"0\r\n\r\n"
    raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks
    net = nets({"issuer.example": [PUBLIC]}, {PUBLIC: raw})

    with pytest.raises(FetchTooLarge):
        fetcher(net, max_bytes=4096).fetch("https://issuer.example/")


def test_error_statuses_and_garbage_are_fetch_errors(nets: NetFactory) -> None:
    net = nets(
        {"a.example": [PUBLIC], "b.example": ["93.184.215.15"]},
        {PUBLIC: response(b"nope", status="404 Not Found"), "93.184.215.15": b"garbage\r\n\r\n"},
    )

    with pytest.raises(FetchError, match="404"):
        fetcher(net).fetch("https://a.example/")
    with pytest.raises(FetchError):
        fetcher(net).fetch("https://b.example/")


def test_the_total_time_cap_holds(nets: NetFactory) -> None:
    ticks = iter([0.0, 100.0, 200.0])
    net = nets({"slow.example": [PUBLIC]}, {PUBLIC: response(b"{}")})

    with pytest.raises(FetchTimeout):
        fetcher(net, timeout=10.0, clock=lambda: next(ticks)).fetch("https://slow.example/")


def test_unknown_hosts_are_errors(nets: NetFactory) -> None:
    with pytest.raises(FetchError, match="could not be found"):
        fetcher(nets()).fetch("https://nowhere.example/")


def test_responses_are_cached_per_instance_until_the_ttl_passes(nets: NetFactory) -> None:
    now = [0.0]
    net = nets({"issuer.example": [PUBLIC]}, {PUBLIC: response(b"{}")})
    safe = fetcher(net, cache_ttl=60.0, clock=lambda: now[0])

    safe.fetch("https://issuer.example/")
    safe.fetch("https://issuer.example/")
    assert len(net.connections) == 1
    now[0] = 61.0
    safe.fetch("https://issuer.example/")
    assert len(net.connections) == 2
    assert len(fetcher(net).fetch("https://issuer.example/")) == 2  # another instance: own cache


def test_map_fetcher_serves_only_its_documents(tmp_path: Path) -> None:
    (tmp_path / "doc.json").write_text('{"id": "did:web:issuer.example"}', encoding="utf-8")
    (tmp_path / "map.json").write_text(
        json.dumps({"did:web:issuer.example": "doc.json", "https://x.example/s": {"a": 1}}),
        encoding="utf-8",
    )
    maps = MapFetcher.from_file(tmp_path / "map.json")

    assert json.loads(maps.fetch("https://issuer.example/.well-known/did.json"))["id"] == (
        "did:web:issuer.example"
    )
    assert json.loads(maps.fetch("https://x.example/s")) == {"a": 1}
    with pytest.raises(FetchError):
        maps.fetch("https://elsewhere.example/")


def test_map_files_that_are_not_json_are_fetch_errors(tmp_path: Path) -> None:
    (tmp_path / "map.json").write_text("[1, 2]", encoding="utf-8")
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")

    with pytest.raises(FetchError):
        MapFetcher.from_file(tmp_path / "map.json")
    with pytest.raises(FetchError):
        MapFetcher.from_file(tmp_path / "broken.json")


def test_the_default_fetcher_refuses_localhost_without_connecting() -> None:
    # Real name resolution (no socket is opened: the answer is refused before connecting).
    assert {"127.0.0.1", "::1"} & set(system_resolver("localhost", 443))
    with pytest.raises(FetchRefused):
        SafeFetcher().fetch("https://localhost/.well-known/did.json")

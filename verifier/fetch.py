"""The verifier's only way out to the network: :class:`SafeFetcher`, and :class:`MapFetcher`.

A credential names URLs its issuer chose (did:web hosts, status lists, refresh services), and so
does anyone who forges one, so fetching them is a server-side request forgery lever. The rules
(issue #5, "Resolution"):

* https only, port and path as given; no user info;
* every address the host resolves to is checked at connect time, and the connection goes to the
  checked address (TLS still verifies the certificate for the host name), so a DNS answer that
  changes between the check and the connection (rebinding) cannot reach a private network;
* private, loopback, link-local, multicast, reserved, unspecified and shared (CGNAT) addresses
  are refused unless a network is explicitly allowed;
* redirects are followed a few times, each target checked like the first URL;
* responses are capped in size and the whole exchange in time;
* successful responses are kept in a small TTL cache belonging to the instance (injected clock).

For tests and offline use, :class:`verifier.maps.MapFetcher` answers from a mapping instead.

Standard library only (``http.client`` over a socket we open ourselves, ``ssl``), so no
dependency and no client that would resolve names behind our back.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol
from urllib.parse import urljoin, urlsplit

from badges.errors import N_
from verifier.errors import FetchError, FetchRefused, FetchTimeout, FetchTooLarge

#: Largest response accepted: DID documents and status lists are a few KB to a few hundred KB.
MAX_RESPONSE_BYTES = 2 * 1024 * 1024
TOTAL_TIMEOUT_SECONDS = 10.0
MAX_REDIRECTS = 3
CACHE_TTL_SECONDS = 300.0
CACHE_ENTRIES = 256
_REDIRECTS = frozenset({301, 302, 303, 307, 308})

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
#: ``resolve(host, port)`` -> the IP addresses (text) the host name resolves to.
Resolver = Callable[[str, int], Sequence[str]]


#: ``connect(address, port, server_hostname, timeout)`` -> a connection to exactly ``address``.
Connector = Callable[[str, int, str, float], socket.socket]


class Fetcher(Protocol):
    """Fetches a document by URL, or raises :class:`~verifier.errors.FetchError`."""

    def fetch(self, url: str, *, accept: str = "application/json") -> bytes:
        """The body of ``url`` (after redirects), or raise ``FetchError``."""
        ...


def system_resolver(host: str, port: int) -> Sequence[str]:
    """Every address ``host`` resolves to, through the system resolver."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as err:
        raise FetchError(
            N_("The server %(host)s could not be found."), params={"host": host[:200]}
        ) from err
    return [str(info[4][0]) for info in infos]


def tls_connector(address: str, port: int, server_hostname: str, timeout: float) -> socket.socket:
    """Open TCP to exactly ``address`` and speak TLS, verifying the certificate for the name."""
    context = ssl.create_default_context()
    raw = socket.create_connection((address, port), timeout=timeout)
    try:
        return context.wrap_socket(raw, server_hostname=server_hostname)
    except BaseException:
        raw.close()
        raise


class SafeFetcher:
    """Fetch https documents from public addresses only, bounded in size, time and redirects.

    Args:
        resolver: host name resolution (inject one in tests; the default asks the system).
        connector: opens the connection to a checked address (tests inject a fake).
        allowed_networks: networks that may be reached although not public (e.g. a test
            server on loopback); empty by default.
        max_bytes, timeout, max_redirects: the caps.
        cache_ttl: seconds a successful response is reused; ``clock`` tells monotonic seconds.
    """

    def __init__(
        self,
        *,
        resolver: Resolver = system_resolver,
        connector: Connector = tls_connector,
        allowed_networks: Iterable[IpNetwork | str] = (),
        max_bytes: int = MAX_RESPONSE_BYTES,
        timeout: float = TOTAL_TIMEOUT_SECONDS,
        max_redirects: int = MAX_REDIRECTS,
        cache_ttl: float = CACHE_TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._resolve = resolver
        self._connect = connector
        self._allowed = tuple(ipaddress.ip_network(net) for net in allowed_networks)
        self._max_bytes = max_bytes
        self._timeout = timeout
        self._max_redirects = max_redirects
        self._ttl = cache_ttl
        self._clock = clock
        self._cache: OrderedDict[tuple[str, str], tuple[float, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def fetch(self, url: str, *, accept: str = "application/json") -> bytes:
        """The body of ``url`` after at most ``max_redirects`` checked redirects."""
        cached = self._cached(url, accept)
        if cached is not None:
            return cached
        deadline = self._clock() + self._timeout
        current = url
        for _ in range(self._max_redirects + 1):
            status, location, body = self._get_once(current, accept, deadline)
            if status in _REDIRECTS and location:
                current = urljoin(current, location)
                continue
            if status != 200:
                raise FetchError(
                    N_("The server answered %(status)s for %(url)s."),
                    params={"status": status, "url": current[:300]},
                )
            self._store(url, accept, body)
            return body
        raise FetchError(N_("Too many redirects from %(url)s."), params={"url": url[:300]})

    def check_url(self, url: str) -> tuple[str, int, str, str]:
        """Host, port, ``Host`` header and request target of an acceptable https URL."""
        if any(ord(char) <= 0x20 or ord(char) == 0x7F for char in url):
            raise FetchRefused(N_("The address contains spaces or control characters."))
        parts = urlsplit(url)
        if parts.scheme != "https":
            raise FetchRefused(
                N_("Only https addresses are fetched, not %(url)s."), params={"url": url[:300]}
            )
        if parts.username is not None or parts.password is not None or not parts.hostname:
            raise FetchRefused(N_("The address has no host, or carries a user name."))
        try:
            port = parts.port or 443
        except ValueError as err:
            raise FetchRefused(N_("The address has an invalid port.")) from err
        host = parts.hostname
        host_header = parts.netloc.rpartition("@")[2]
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return host, port, host_header, target

    def check_address(self, text: str) -> IpAddress:
        """The address, if it is public or explicitly allowed; else raise ``FetchRefused``."""
        address = ipaddress.ip_address(text.split("%", 1)[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        if any(address in network for network in self._allowed):
            return address
        if not address.is_global or address.is_multicast or address.is_reserved:
            raise FetchRefused(
                N_("The address %(address)s is private, local or reserved; it is not fetched."),
                params={"address": str(address)},
            )
        return address

    def _addresses(self, host: str, port: int) -> list[IpAddress]:
        try:
            literal: IpAddress | None = ipaddress.ip_address(host.strip("[]"))
        except ValueError:
            literal = None
        answers = [str(literal)] if literal is not None else list(self._resolve(host, port))
        if not answers:
            raise FetchError(N_("The server %(host)s could not be found."), params={"host": host})
        # Every answer must be acceptable: a mix of public and private ones is a rebinding trick.
        return [self.check_address(answer) for answer in answers]

    def _get_once(self, url: str, accept: str, deadline: float) -> tuple[int, str, bytes]:
        host, port, host_header, target = self.check_url(url)
        address = self._addresses(host, port)[0]
        remaining = self._remaining(deadline, url)
        try:
            connection = self._connect(str(address), port, host, remaining)
        except (OSError, ssl.SSLError) as err:
            raise FetchError(
                N_("Could not connect to %(host)s."), params={"host": host[:200]}
            ) from err
        try:
            return self._exchange(
                connection,
                host_header=host_header,
                target=target,
                accept=accept,
                deadline=deadline,
                url=url,
            )
        finally:
            connection.close()

    def _exchange(
        self,
        connection: socket.socket,
        *,
        host_header: str,
        target: str,
        accept: str,
        deadline: float,
        url: str,
    ) -> tuple[int, str, bytes]:
        request = (
            f"GET {target} HTTP/1.1\r\nHost: {host_header}\r\nAccept: {accept}\r\n"
            "Accept-Encoding: identity\r\nConnection: close\r\n"
            "User-Agent: badges-verifier/1\r\n\r\n"
        )
        try:
            connection.settimeout(self._remaining(deadline, url))
            connection.sendall(request.encode("ascii"))
            response = http.client.HTTPResponse(connection, method="GET")
            response.begin()
            location = response.getheader("Location") or ""
            body = bytearray()
            while chunk := response.read(min(65536, self._max_bytes + 1 - len(body))):
                body += chunk
                if len(body) > self._max_bytes:
                    raise FetchTooLarge(
                        N_("The response from %(url)s is larger than %(max)s bytes."),
                        params={"url": url[:300], "max": self._max_bytes},
                    )
                connection.settimeout(self._remaining(deadline, url))
        except TimeoutError as err:
            raise FetchTimeout(N_("%(url)s did not answer in time."), params={"url": url}) from err
        except (OSError, http.client.HTTPException, ValueError) as err:
            raise FetchError(
                N_("The answer from %(url)s was not a valid HTTP response."),
                params={"url": url[:300]},
            ) from err
        return response.status, location, bytes(body)

    def _remaining(self, deadline: float, url: str) -> float:
        remaining = deadline - self._clock()
        if remaining <= 0:
            raise FetchTimeout(N_("%(url)s did not answer in time."), params={"url": url[:300]})
        return remaining

    def _cached(self, url: str, accept: str) -> bytes | None:
        with self._lock:
            entry = self._cache.get((url, accept))
            if entry is None:
                return None
            if entry[0] <= self._clock():
                del self._cache[(url, accept)]
                return None
            self._cache.move_to_end((url, accept))
            return entry[1]

    def _store(self, url: str, accept: str, body: bytes) -> None:
        if self._ttl <= 0:
            return
        with self._lock:
            self._cache[(url, accept)] = (self._clock() + self._ttl, body)
            while len(self._cache) > CACHE_ENTRIES:
                self._cache.popitem(last=False)

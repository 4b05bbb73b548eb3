"""Verification method URL -> public key, the way a stranger would find it (ob3-spec §3).

* ``did:key``: expanded offline (the key is the identifier: self-certifying);
* ``did:web``: the DID document is fetched from the https URL the DID names (bound by DNS and
  TLS of that host);
* ``https:``: the controller document is fetched from the URL without its fragment.

Then Controlled Identifiers 1.0 §3.3 "Retrieve Verification Method" with the ``assertionMethod``
relationship (:func:`badges.did.retrieve_verification_method`: document id equals the URL, method
id and controller match, method listed under ``assertionMethod``). A key written in a URL
fragment (``https://issuer.example#z6Mk…``) is never taken from the URL (ob3-spec §12.1): the
document is always dereferenced. The OB key-provenance rule, controller equals ``issuer.id``, is
checked by the ``key_binding`` check with the :class:`Binding` recorded here.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from badges.did import (
    InvalidDid,
    InvalidDidDocument,
    did_key_document,
    did_web_to_url,
    retrieve_verification_method,
)
from badges.errors import N_, DomainError
from badges.proofs.jwk import PublicKey, public_key_from_jwk
from badges.proofs.jwt import JoseHeader
from badges.proofs.multikey import public_key_to_multikey
from verifier.fetch import Fetcher

ASSERTION_METHOD = "assertionMethod"
_DID_ACCEPT = "application/did+ld+json, application/did+json, application/json"
#: did:key methods remembered (a few dozen bytes each, besides the key object).
_DID_KEY_CACHE_SIZE = 1024


@dataclass(frozen=True, slots=True)
class Binding:
    """How a verification method was resolved: its controller, key and what vouches for it."""

    verification_method: str
    controller: str
    public_key: str
    #: ``did:key`` (self-certifying), ``did:web`` (DNS + TLS), ``https`` (TLS) or ``jwk`` (a
    #: JWK fetched from an https ``kid``; ``controller`` is then the origin that served it).
    method: str
    #: The ``iss`` member of a JWK, which must name the issuer when present (ob3-spec §3.2).
    claimed_issuer: str | None = None


class KeyResolver:
    """Resolves verification methods for one verification, remembering each :class:`Binding`.

    It is the ``public_key_for`` given to :func:`badges.proofs.verify_proof`; create one per
    verification (it only memoises within that verification).
    """

    def __init__(self, fetcher: Fetcher) -> None:
        self._fetcher = fetcher
        self.bindings: dict[str, Binding] = {}
        self.errors: dict[str, str] = {}

    def __call__(self, verification_method: str) -> Ed25519PublicKey:
        """The Ed25519 key of ``verification_method``, or raise a ``DomainError``."""
        try:
            key, binding = resolve_verification_method(verification_method, self._fetcher)
        except DomainError as err:
            self.errors[verification_method] = err.message
            raise
        self.bindings[verification_method] = binding
        return key

    def jwt_key(self, header: JoseHeader) -> PublicKey:
        """The key for a VC-JWT header: a DID URL ``kid``, or an https ``kid`` naming a JWK.

        A header ``jwk`` alone is refused: anyone can sign with a key they embed themselves.
        """
        if header.kid is not None and header.kid.startswith("did:"):
            return self(header.kid)
        name = header.kid or "jwk"
        try:
            if header.kid is None:
                raise InvalidDidDocument(
                    N_(
                        "The token names no key (only an embedded jwk), so nothing ties it to the"
                        " issuer."
                    )
                )
            return self._jwk_key(header.kid)
        except DomainError as err:
            self.errors[name] = err.message
            raise

    def _jwk_key(self, kid: str) -> PublicKey:
        document = fetch_json(self._fetcher, kid.partition("#")[0], accept="application/json")
        jwk = _find_jwk(document, kid)
        key = public_key_from_jwk(jwk)
        issuer = jwk.get("iss")
        claimed = issuer if isinstance(issuer, str) else None
        self.bindings[kid] = Binding(kid, origin(kid), str(jwk.get("kty", "")), "jwk", claimed)
        return key


def resolve_verification_method(
    verification_method: str, fetcher: Fetcher
) -> tuple[Ed25519PublicKey, Binding]:
    """Dereference the controller document and retrieve the method (CID 1.0 §3.3).

    Raises:
        DomainError: the URL is not a usable DID URL or https URL, the document cannot be
            fetched, or it does not bind the method (``InvalidDidDocument``).
    """
    if not isinstance(verification_method, str) or "#" not in verification_method:
        raise InvalidDidDocument(N_("The verification method URL has no fragment."))
    controller = verification_method.partition("#")[0]
    if controller.startswith("did:key:"):
        return _resolve_did_key(verification_method)
    if controller.startswith("did:web:"):
        document = fetch_json(fetcher, did_web_to_url(controller), accept=_DID_ACCEPT)
        method = "did:web"
    elif controller.startswith("https://"):
        document, method = fetch_json(fetcher, controller, accept=_DID_ACCEPT), "https"
    else:
        raise InvalidDid(
            N_("Keys named by %(method)s are not supported (did:key, did:web or https)."),
            params={"method": controller.split(":", 2)[0][:40] or "?"},
        )
    key = retrieve_verification_method(document, verification_method, relationship=ASSERTION_METHOD)
    binding = Binding(verification_method, controller, public_key_to_multikey(key), method)
    return key, binding


@functools.lru_cache(maxsize=_DID_KEY_CACHE_SIZE)
def _resolve_did_key(verification_method: str) -> tuple[Ed25519PublicKey, Binding]:
    """A ``did:key`` method: the same checks, memoised, since the answer is the string's alone.

    A did:key document is generated from the DID, nothing fetched, so resolving one is a pure
    function of the URL; decoding and re-encoding its base58 key was a few percent of every
    verification. Failures raise and are never cached; the key and binding are immutable.
    """
    controller = verification_method.partition("#")[0]
    document = did_key_document(controller)
    key = retrieve_verification_method(document, verification_method, relationship=ASSERTION_METHOD)
    return key, Binding(verification_method, controller, public_key_to_multikey(key), "did:key")


def fetch_json(fetcher: Fetcher, url: str, *, accept: str) -> dict[str, Any]:
    """Fetch ``url`` and parse a JSON object, or raise a ``DomainError``."""
    return parse_json_object(fetcher.fetch(url, accept=accept), url)


def parse_json_object(body: bytes, url: str) -> dict[str, Any]:
    """Parse a fetched body as a JSON object, or raise a ``DomainError`` naming ``url``."""
    try:
        document = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as err:
        raise InvalidDidDocument(
            N_("The document at %(url)s is not JSON."), params={"url": url[:300]}
        ) from err
    if not isinstance(document, dict):
        raise InvalidDidDocument(
            N_("The document at %(url)s is not a JSON object."), params={"url": url[:300]}
        )
    return document


def _find_jwk(document: Mapping[str, Any], kid: str) -> Mapping[str, Any]:
    if "kty" in document:
        return document
    keys = document.get("keys")
    if isinstance(keys, list):
        for key in keys:
            if isinstance(key, dict) and key.get("kid") in (kid, kid.partition("#")[2]):
                return key
    raise InvalidDidDocument(N_("The key set does not hold the key the token names."))


def origin(url: str) -> str:
    """``scheme://host[:port]`` of a URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"

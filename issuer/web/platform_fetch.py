"""The verifier's fetcher on this platform: our own published documents from the database.

A stranger's verifier fetches our DID documents and status lists over HTTP. Our own ``/verify``
page and API do the same through :class:`verifier.SafeFetcher`, which refuses plain http and
loopback addresses; so on the embedded default (``BASE_URL`` http://127.0.0.1:5000) a credential
we issued could not have its status checked on our own verifier. :class:`PlatformFetcher` answers
the URLs under ``BASE_URL`` that this app itself serves (``/status/<id>``,
``/issuers/<slug>/did.json``) with the same documents those routes return, read from the
database, and hands every other URL to the safe fetcher unchanged. Nothing is trusted that a
stranger could not fetch: the bytes are the published ones.

Inside a request the request's own session answers (issue #5: the credential page fetches its
status list on every visit, and a session of its own costs a connection checkout and a
ROLLBACK). It only reads, with autoflush off, so it never writes what the view has pending;
plain SELECTs under READ COMMITTED see the latest committed list, as a new session would.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager

from flask import has_request_context
from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.context import current_database
from badges.errors import N_
from badges.web.database import db_session
from issuer import IssuerNotFound, KeyUnavailable, StatusList, did_document, get_issuer
from verifier import Fetcher, FetchError

#: Same wording for every miss: a stranger would get a 404 from each of these.
_NOTHING = N_("Nothing is published at %(url)s.")
_STATUS = re.compile(r"/status/(\d{1,18})")
_ISSUER_DID = re.compile(r"/issuers/([A-Za-z0-9_-]{1,64})/did\.json")


class PlatformFetcher:
    """Serve our own published documents locally; delegate everything else."""

    def __init__(self, base_url: str, fallback: Fetcher) -> None:
        self._base_url = base_url.rstrip("/")
        self._fallback = fallback

    def fetch(self, url: str, *, accept: str = "application/json") -> bytes:
        """The document at ``url``: ours from the database, anyone else's through the fallback."""
        if url.startswith(self._base_url + "/"):
            path = url[len(self._base_url) :].partition("#")[0]
            with _reading_session() as session:
                body = _published(session, path)
            if body is not None:
                return body
        return self._fallback.fetch(url, accept=accept)


@contextmanager
def _reading_session() -> Iterator[Session]:
    """The request's session (no autoflush) inside a request; a short one of its own outside."""
    if has_request_context():
        session = db_session()
        with session.no_autoflush:
            yield session
        return
    with current_database().sessionmaker() as own:  # read only: nothing to commit
        yield own


def _published(session: Session, path: str) -> bytes | None:
    if match := _STATUS.fullmatch(path):
        # Only the published column: the bitstring and bookkeeping are not needed here, and the
        # page's verdict asks for this on every visit (issue #5).
        published = session.scalar(
            select(StatusList.credential_json).where(StatusList.id == int(match.group(1)))
        )
        if published is None:
            raise FetchError(_NOTHING, params={"url": path})
        return published.encode()
    if match := _ISSUER_DID.fullmatch(path):
        try:
            issuer = get_issuer(session, match.group(1))
            if not issuer.uses_did_web:
                raise FetchError(_NOTHING, params={"url": path})
            return json.dumps(did_document(session, issuer)).encode()
        except (IssuerNotFound, KeyUnavailable):
            raise FetchError(_NOTHING, params={"url": path}) from None
    return None

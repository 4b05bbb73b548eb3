"""How an issuer presents itself: the public profile an admin edits (OB ``Profile``, ``Address``).

Every field is checked here, so the admin page, the CLI and tests share one set of rules and a
credential never carries a profile that OB 3.0 would refuse (reference/ob3-spec.md §1.5). The
logo passes the same gate as badge images (:func:`issuer.images.check_image`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from sqlalchemy.orm import Session

from badges.errors import N_
from issuer.errors import InvalidIssuer
from issuer.images import ImageUpload, check_image
from issuer.models import Issuer

#: The same web-address rule as achievement alignments (:mod:`issuer.achievements`).
_HTTP_URL = re.compile(r"https?://[^\s/?#]+[^\s]*")


@dataclass(frozen=True, slots=True, kw_only=True)
class ProfileFields:
    """The issuer's public profile as an admin edits it (OB ``Profile`` and ``Address``)."""

    name: str
    url: str | None = None
    email: str | None = None
    description: str | None = None
    street_address: str | None = None
    postal_code: str | None = None
    address_locality: str | None = None
    address_region: str | None = None
    address_country_code: str | None = None


def update_issuer_profile(
    session: Session, issuer: Issuer, values: ProfileFields, *, logo: ImageUpload | None = None
) -> Issuer:
    """Check and store the issuer's public profile; a new logo replaces the old one."""
    name = (values.name or "").strip()
    if not name or len(name) > 200:
        raise InvalidIssuer(N_("Give the issuer a name of at most 200 characters."), field="name")
    url = _optional(values.url, 2000)
    if url is not None and not _HTTP_URL.fullmatch(url):
        raise InvalidIssuer(
            N_("The issuer's web address must start with http:// or https://."), field="url"
        )
    country = _optional(values.address_country_code, 2)
    if country is not None and not re.fullmatch(r"[A-Za-z]{2}", country):
        raise InvalidIssuer(
            N_("Give the country as a two-letter code such as DE or BG."),
            field="address_country_code",
        )
    media_type = check_image(logo.data, logo.media_type) if logo is not None else None
    issuer.name, issuer.url, issuer.email = name, url, _issuer_email(values.email)
    issuer.description = _optional(values.description, 5000)
    issuer.street_address = _optional(values.street_address, 300)
    issuer.postal_code = _optional(values.postal_code, 32)
    issuer.address_locality = _optional(values.address_locality, 200)
    issuer.address_region = _optional(values.address_region, 200)
    issuer.address_country_code = country.upper() if country else None
    if logo is not None:
        issuer.logo_data, issuer.logo_media_type = logo.data, media_type
    session.flush()
    return issuer


def _optional(value: str | None, limit: int) -> str | None:
    text = (value or "").strip()
    if len(text) > limit:
        raise InvalidIssuer(
            N_("A field is longer than %(limit)s characters."), params={"limit": limit}
        )
    return text or None


def _issuer_email(value: str | None) -> str | None:
    address = (value or "").strip().lower()
    if not address:
        return None
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        raise InvalidIssuer(N_("Give the issuer a valid email address."), field="email") from None
    return address

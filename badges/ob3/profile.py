"""Profile (issuer, creator, source) and the small classes it uses: Image, Address, identifiers.

OB 3.0 §B.1.14 Profile, §B.1.13 Image, §B.1.4 Address, §B.1.10 GeoCoordinates, §B.1.11
IdentifierEntry (https://www.imsglobal.org/spec/ob/v3p0/#profile); summary in
``reference/ob3-spec.md`` §1.3, §1.8, §1.9.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from badges.ob3.values import JsonObject, require_finite, require_type, require_uri


@dataclass(frozen=True, slots=True, kw_only=True)
class Image:
    """An image (URL or Data URI) with an optional caption; ``type`` is the single IRI ``Image``."""

    TYPE: ClassVar[str] = "Image"

    id: str
    caption: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class GeoCoordinates:
    """A WGS84 position; ``type`` is the single IRI ``GeoCoordinates``."""

    TYPE: ClassVar[str] = "GeoCoordinates"

    latitude: float
    longitude: float

    def __post_init__(self) -> None:
        require_finite(self.latitude, "GeoCoordinates.latitude")
        require_finite(self.longitude, "GeoCoordinates.longitude")


@dataclass(frozen=True, slots=True, kw_only=True)
class Address:
    """A postal address; ``address_country_code`` is ISO 3166-1 alpha-2."""

    type: tuple[str, ...] = ("Address",)
    address_country: str | None = None
    address_country_code: str | None = None
    address_region: str | None = None
    address_locality: str | None = None
    street_address: str | None = None
    post_office_box_number: str | None = None
    postal_code: str | None = None
    geo: GeoCoordinates | None = None

    def __post_init__(self) -> None:
        require_type(self.type, "Address", "Address.type")


@dataclass(frozen=True, slots=True, kw_only=True)
class IdentifierEntry:
    """Another identifier of a profile or achievement (``identifierType`` from the enum or ext:)."""

    TYPE: ClassVar[str] = "IdentifierEntry"

    identifier: str
    identifier_type: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Profile:
    """An issuer, creator, source or endorser.

    ``name`` is optional as in the spec (``[0..1]``), so that a credential whose issuer is a bare
    URI can be read; :func:`badges.ob3.serialize.to_json_ld` refuses an issuer without one,
    because displayers must show the issuer's name.
    ``endorsement`` entries are EndorsementCredentials kept as opaque JSON objects: they are whole
    signed credentials, verified on their own, not re-serialised from a model.
    """

    id: str
    type: tuple[str, ...] = ("Profile",)
    name: str | None = None
    url: str | None = None
    phone: str | None = None
    description: str | None = None
    image: Image | None = None
    email: str | None = None
    address: Address | None = None
    other_identifier: tuple[IdentifierEntry, ...] = ()
    official: str | None = None
    parent_org: Profile | None = None
    family_name: str | None = None
    given_name: str | None = None
    additional_name: str | None = None
    patronymic_name: str | None = None
    honorific_prefix: str | None = None
    honorific_suffix: str | None = None
    family_name_prefix: str | None = None
    date_of_birth: date | None = None
    endorsement: tuple[JsonObject, ...] = ()
    endorsement_jwt: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        require_uri(self.id, "Profile.id")
        require_type(self.type, "Profile", "Profile.type")

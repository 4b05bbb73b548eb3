"""The few facts a person reads first: who issued what to whom, and when (OB 3.0 §8 terms).

Read from the verified report's credential, defensively: a credential that failed its checks can
hold anything, so every value is taken only when it has the expected shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

#: Longest name shown; anything longer is cut (a hostile credential can carry megabytes).
MAX_NAME_LENGTH = 300


@dataclass(frozen=True, slots=True)
class Summary:
    """Names and dates of a credential, each ``None`` when absent or malformed."""

    issuer_name: str | None = None
    achievement_name: str | None = None
    recipient_name: str | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    awarded: datetime | None = None


def summarize(credential: Mapping[str, Any] | None) -> Summary:
    """The summary of ``credential`` (a VC-JWT payload's ``vc`` claim is looked into)."""
    if not isinstance(credential, Mapping):
        return Summary()
    inner = credential.get("vc")
    if isinstance(inner, Mapping) and "credentialSubject" in inner:
        credential = inner
    subject = _first(credential.get("credentialSubject"))
    achievement = _first(subject.get("achievement"))
    return Summary(
        issuer_name=_name(_first(credential.get("issuer"))),
        achievement_name=_name(achievement),
        recipient_name=_name(subject),
        valid_from=_instant(credential.get("validFrom") or credential.get("issuanceDate")),
        valid_until=_instant(credential.get("validUntil") or credential.get("expirationDate")),
        awarded=_instant(credential.get("awardedDate")),
    )


def _first(value: Any) -> Mapping[str, Any]:
    if isinstance(value, list) and value:
        value = value[0]
    return value if isinstance(value, Mapping) else {}


def _name(node: Mapping[str, Any]) -> str | None:
    name = node.get("name")
    if isinstance(name, Mapping):  # a language map (JSON-LD @language container)
        name = next((text for text in name.values() if isinstance(text, str)), None)
    if isinstance(name, str) and name.strip():
        return name.strip()[:MAX_NAME_LENGTH]
    return None


def _instant(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None

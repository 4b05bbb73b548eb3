"""The issuer's domain errors: a stable ``code`` and an English message marked for translation."""

from __future__ import annotations

from badges.errors import Conflict, DomainError, InvalidInput, NotFound


class KeyUnavailable(DomainError):
    """No usable signing key: none yet, removed, or it cannot be decrypted with the KEKs given."""

    code = "key_unavailable"


class IssuerNotFound(NotFound):
    """No issuer with that slug or id."""

    code = "issuer_not_found"


class SigningKeyNotFound(NotFound):
    """No signing key with that id."""

    code = "signing_key_not_found"


class IssuerExists(Conflict):
    """The organisation already is an issuer, or the slug is taken."""

    code = "issuer_exists"


class KeyStateConflict(Conflict):
    """The key operation does not fit the key's state (removing a key twice, for instance)."""

    code = "key_state_conflict"


class InvalidIssuer(InvalidInput):
    """An issuer profile field breaks a rule; ``field`` names it."""

    code = "invalid_issuer"


class CredentialNotFound(NotFound):
    """No credential with that id."""

    code = "credential_not_found"


class StatusListNotFound(NotFound):
    """No status list with that id."""

    code = "status_list_not_found"


class AchievementNotFound(NotFound):
    """No achievement with that id, or not one of the issuer's."""

    code = "achievement_not_found"


class InvalidAchievement(InvalidInput):
    """An achievement field breaks a rule; ``field`` names it."""

    code = "invalid_achievement"


class InvalidImage(InvalidInput):
    """An uploaded badge image or logo is not a safe PNG or SVG within the limits."""

    code = "invalid_image"


class AchievementArchived(Conflict):
    """The achievement is archived, so it can no longer be awarded."""

    code = "achievement_archived"


class InvalidRecipient(InvalidInput):
    """The recipient's name or email address is unusable."""

    code = "invalid_recipient"


class StatusConflict(Conflict):
    """The status change does not fit the credential's state (revoked twice, for instance)."""

    code = "status_conflict"

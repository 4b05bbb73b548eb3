"""Base58btc (the Bitcoin alphabet) as multibase uses it: the ``z`` prefix is handled by callers.

Written out rather than taken from PyPI: it is twenty lines, fully typed and strict (no
whitespace, no foreign characters), where the ``base58`` package has been unmaintained since 2021.
"""

from __future__ import annotations

from types import MappingProxyType

from badges.proofs.errors import KeyFormatError

ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = MappingProxyType({char: value for value, char in enumerate(ALPHABET)})
#: Keys and signatures are under 100 characters; the cap keeps the quadratic big-int arithmetic
#: from becoming a lever on hostile input.
MAX_LENGTH = 512


def encode(data: bytes) -> str:
    """Encode bytes; each leading zero byte becomes ``1``."""
    zeros = len(data) - len(data.lstrip(b"\0"))
    number = int.from_bytes(data, "big")
    digits: list[str] = []
    while number:
        number, remainder = divmod(number, 58)
        digits.append(ALPHABET[remainder])
    return "1" * zeros + "".join(reversed(digits))


def decode(text: str) -> bytes:
    """Decode text; raise :class:`KeyFormatError` on any character outside the alphabet."""
    if not text:
        raise KeyFormatError("Empty base58btc string.")
    if len(text) > MAX_LENGTH:
        raise KeyFormatError(
            "The base58btc string is longer than %(max)d characters.", params={"max": MAX_LENGTH}
        )
    number = 0
    for char in text:
        value = _INDEX.get(char)
        if value is None:
            raise KeyFormatError(
                "Invalid base58btc character %(char)s.", params={"char": repr(char)}
            )
        number = number * 58 + value
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body

"""Bitstring Status List codec: bit order, sizes, encoding, spec examples, hostile input."""

from __future__ import annotations

import base64
import contextlib
import gzip
import tracemalloc
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from badges.errors import InvalidInput
from badges.statuslist import (
    MAX_LIST_BYTES,
    MINIMUM_ENTRIES,
    MalformedStatusList,
    StatusBits,
    StatusListError,
    StatusListLengthError,
    StatusRangeError,
)

#: W3C Bitstring Status List v1.0, example "BitstringStatusListCredential": all 131,072 clear.
SPEC_EXAMPLE = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"
#: 1EdTech validator fixture ``ob30/bit-string-list/testlist``: only index 23 is set.
VALIDATOR_FIXTURE = "uH4sIAAAAAAAA_-3BMQEAAAzDoMy_6cnoA9QFAAAAAAAAAAAAAAAAAAAAbD3uPa2cAEAAAA"
QUICK = settings(max_examples=40, deadline=None, database=None)


def encode_independently(bitstring: bytes, *, prefix: str = "u") -> str:
    """GZIP + base64url without padding, written from the spec rather than the module.

    ``mtime=0`` keeps the output (and so the test ids made from it) the same in every pytest
    worker: xdist refuses to run when workers collect different ids.
    """
    return prefix + base64.urlsafe_b64encode(gzip.compress(bitstring, mtime=0)).decode().rstrip("=")


def decode_independently(encoded: str) -> bytes:
    body = encoded.removeprefix("u")
    return gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def test_the_spec_example_decodes_to_an_empty_list_of_the_minimum_size() -> None:
    bits = StatusBits.decode(SPEC_EXAMPLE)

    assert len(bits) == MINIMUM_ENTRIES == 131_072
    assert bits.bitstring == bytes(16_384)
    assert bits.get(0) == 0
    assert bits.get(MINIMUM_ENTRIES - 1) == 0


def test_the_validator_fixture_has_exactly_index_23_set() -> None:
    bits = StatusBits.decode(VALIDATOR_FIXTURE)

    assert bits.get(23) == 1
    assert [index for index in range(64) if bits.get(index)] == [23]
    assert bits.bitstring == bytes([0, 0, 1]) + bytes(16_381)


def test_create_makes_an_all_zero_list_of_sixteen_kilobytes() -> None:
    bits = StatusBits.create()

    assert len(bits) == MINIMUM_ENTRIES
    assert bits.bitstring == bytes(16_384)


@pytest.mark.parametrize(
    ("index", "byte", "value"),
    [
        (0, 0, 0x80),
        (1, 0, 0x40),
        (7, 0, 0x01),
        (8, 1, 0x80),
        (23, 2, 0x01),
        (131_071, 16_383, 0x01),
    ],
)
def test_bit_zero_is_the_most_significant_bit_of_byte_zero(
    index: int, byte: int, value: int
) -> None:
    bits = StatusBits.create().set(index, 1)

    assert bits.bitstring[byte] == value
    assert sum(bits.bitstring) == value
    assert bits.get(index) == 1


def test_set_returns_a_new_list_and_leaves_the_original_alone() -> None:
    original = StatusBits.create()

    changed = original.set(5, True).set(5, 0).set(6, 1)

    assert original.get(6) == 0
    assert changed.get(5) == 0
    assert changed.get(6) == 1


def test_set_many_applies_a_batch() -> None:
    bits = StatusBits.create().set_many([(0, 1), (9, 1), (131_071, 1), (9, 0)])

    assert [bits.get(i) for i in (0, 9, 131_071)] == [1, 0, 1]
    assert sum(bits.bitstring) == 0x80 + 0x01


@pytest.mark.parametrize("index", [-1, MINIMUM_ENTRIES, 10**12])
def test_indices_outside_the_list_are_range_errors(index: int) -> None:
    bits = StatusBits.create()

    with pytest.raises(StatusRangeError, match="outside the list") as get_error:
        bits.get(index)
    with pytest.raises(StatusRangeError):
        bits.set(index, 1)

    assert get_error.value.w3c_type == "RANGE_ERROR"
    assert isinstance(get_error.value, InvalidInput)


@pytest.mark.parametrize("value", [-1, 2])
def test_a_value_wider_than_the_status_size_is_refused(value: int) -> None:
    with pytest.raises(StatusRangeError, match="does not fit in 1 bits"):
        StatusBits.create().set(0, value)


def test_encode_is_gzip_then_multibase_base64url_without_padding() -> None:
    bits = StatusBits.create().set_many([(0, 1), (23, 1), (99_999, 1)])

    encoded = bits.encode()

    assert encoded.startswith("uH4sI")  # multibase 'u', then the GZIP magic 1f 8b 08
    assert "=" not in encoded
    assert "+" not in encoded
    assert "/" not in encoded
    assert decode_independently(encoded) == bits.bitstring
    assert StatusBits.decode(encoded) == bits


def test_encode_is_reproducible() -> None:
    assert StatusBits.create().set(3, 1).encode() == StatusBits.create().set(3, 1).encode()


def test_decode_reads_a_list_encoded_independently() -> None:
    bitstring = bytearray(16_384)
    bitstring[12_345] = 0b0010_0000  # index 12345 * 8 + 2

    bits = StatusBits.decode(encode_independently(bytes(bitstring)))

    assert bits.get(12_345 * 8 + 2) == 1
    assert bits.get(12_345 * 8 + 1) == 0
    assert bits.get(12_345 * 8 + 3) == 0


def test_decode_accepts_status_list_2021_without_the_multibase_prefix() -> None:
    bitstring = bytes([0x80]) + bytes(16_383)
    unprefixed = encode_independently(bitstring, prefix="")
    padded = base64.urlsafe_b64encode(gzip.compress(bitstring, mtime=0)).decode()

    assert unprefixed.startswith("H4sI")
    assert StatusBits.decode(unprefixed).get(0) == 1
    assert StatusBits.decode(padded).get(0) == 1


def test_the_minimum_size_is_enforced_on_create() -> None:
    with pytest.raises(StatusListLengthError, match="at least 131072 entries") as error:
        StatusBits.create(length=MINIMUM_ENTRIES - 1)

    assert error.value.w3c_type == "STATUS_LIST_LENGTH_ERROR"


def test_a_short_list_is_a_length_error_on_decode() -> None:
    with pytest.raises(StatusListLengthError, match="131064 entries"):
        StatusBits.decode(encode_independently(bytes(16_383)))


def test_larger_lists_keep_their_size() -> None:
    bits = StatusBits.create(length=200_001)

    assert len(bits) == 200_008  # rounded up to whole bytes
    assert len(StatusBits.decode(bits.set(200_000, 1).encode())) == 200_008


def test_status_size_two_packs_entries_of_two_bits_msb_first() -> None:
    bits = StatusBits.create(status_size=2)

    changed = bits.set(0, 0b11).set(1, 0b10).set(3, 0b01).set(131_071, 0b10)

    assert len(bits) == MINIMUM_ENTRIES
    assert len(bits.bitstring) == 32_768
    assert changed.bitstring[0] == 0b1110_0001
    assert changed.bitstring[-1] == 0b0000_0010
    assert [changed.get(i) for i in range(4)] == [3, 2, 0, 1]
    assert StatusBits.decode(changed.encode(), status_size=2) == changed
    with pytest.raises(StatusRangeError):
        bits.set(0, 4)


def test_status_size_three_entries_may_straddle_bytes() -> None:
    bits = StatusBits.create(status_size=3).set(2, 0b101)  # bits 6, 7, 8

    assert bits.bitstring[:2] == bytes([0b0000_0010, 0b1000_0000])
    assert bits.get(2) == 0b101
    assert bits.get(1) == 0
    assert bits.get(3) == 0


def test_a_sixteen_kilobyte_list_read_with_status_size_two_is_too_short() -> None:
    with pytest.raises(StatusListLengthError):
        StatusBits.decode(SPEC_EXAMPLE, status_size=2)


@pytest.mark.parametrize("size", [0, -1])
def test_status_size_must_be_positive(size: int) -> None:
    with pytest.raises(StatusListError, match="positive integer"):
        StatusBits.create(status_size=size)
    with pytest.raises(StatusListError, match="positive integer"):
        StatusBits.decode(SPEC_EXAMPLE, status_size=size)


def test_create_refuses_lists_beyond_the_size_cap() -> None:
    with pytest.raises(StatusListError, match="at most"):
        StatusBits.create(length=MAX_LIST_BYTES * 8 + 8)


@pytest.mark.parametrize(
    ("encoded", "reason"),
    [
        ("", "prefix 'u'"),
        ("u", "not GZIP"),
        ("uH4sI$AAA", "multibase base64url"),
        ("uH4sIAA==", "multibase base64url"),  # multibase 'u' has no padding
        ("u H4sIAAAA", "multibase base64url"),
        ("zH4sIAAAA", "prefix 'u'"),  # base58btc multibase: not what the spec uses
        ("H4sI$", "multibase base64url"),
        ("uH4sIA", "not valid base64url"),  # 5 characters: impossible length
        ("u" + base64.urlsafe_b64encode(b"plain bytes!").decode(), "not GZIP"),
        (encode_independently(bytes(16_384))[:-12], "truncated|corrupt"),
        (encode_independently(bytes(16_384)) + "eHg", "after"),  # + base64url of b"xx"
        (encode_independently(bytes(16_384))[:5] + "garbage-garbage", "corrupt|truncated"),
    ],
)
def test_malformed_lists_are_refused_with_a_reason(encoded: str, reason: str) -> None:
    with pytest.raises(MalformedStatusList, match=reason) as error:
        StatusBits.decode(encoded)

    assert error.value.w3c_type == "MALFORMED_VALUE_ERROR"


def gzip_bomb(size: int) -> bytes:
    """GZIP of ``size`` zero bytes, built in pieces so the test never holds ``size`` bytes."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    piece = bytes(1024 * 1024)
    parts = [compressor.compress(piece) for _ in range(size // len(piece))]
    return b"".join([*parts, compressor.flush()])


def test_a_gzip_bomb_is_refused_within_bounded_memory() -> None:
    bomb = "u" + base64.urlsafe_b64encode(gzip_bomb(256 * 1024 * 1024)).decode().rstrip("=")
    tracemalloc.start()
    try:
        with pytest.raises(MalformedStatusList, match="refusing to read it"):
            StatusBits.decode(bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert len(bomb) < 400_000
    assert peak < 4 * MAX_LIST_BYTES  # stopped at the cap, not at 256 MiB


def test_the_decompression_cap_is_adjustable() -> None:
    encoded = StatusBits.create(length=MINIMUM_ENTRIES * 2).encode()

    with pytest.raises(MalformedStatusList, match="more than 16384 bytes"):
        StatusBits.decode(encoded, max_bytes=16_384)
    assert len(StatusBits.decode(encoded, max_bytes=32_768)) == MINIMUM_ENTRIES * 2


def test_an_oversized_encoding_is_refused_before_decoding() -> None:
    with pytest.raises(MalformedStatusList, match="longer than"):
        StatusBits.decode("u" + "A" * 30_000, max_bytes=16_384)


@QUICK
@given(
    updates=st.lists(st.tuples(st.integers(0, MINIMUM_ENTRIES - 1), st.integers(0, 1)), max_size=50)
)
def test_round_trip_over_random_updates(updates: list[tuple[int, int]]) -> None:
    expected = bytearray(16_384)
    for index, value in updates:
        mask = 0x80 >> (index % 8)
        expected[index // 8] = (
            expected[index // 8] | mask if value else expected[index // 8] & ~mask
        )

    bits = StatusBits.create().set_many(updates)
    decoded = StatusBits.decode(bits.encode())

    assert bits.bitstring == bytes(expected)
    assert decoded == bits
    for index, _ in updates:
        assert decoded.get(index) == (expected[index // 8] >> (7 - index % 8)) & 1


@QUICK
@given(
    size=st.integers(1, 8),
    updates=st.lists(st.tuples(st.integers(0, MINIMUM_ENTRIES - 1), st.integers(0, 255))),
)
def test_round_trip_over_random_status_sizes(size: int, updates: list[tuple[int, int]]) -> None:
    updates = [(index, value % (1 << size)) for index, value in updates]
    expected = dict(updates)

    decoded = StatusBits.decode(
        StatusBits.create(status_size=size).set_many(updates).encode(), status_size=size
    )

    assert {index: decoded.get(index) for index in expected} == expected
    as_integer = int.from_bytes(decoded.bitstring, "big")
    total = len(decoded.bitstring) * 8
    for index, value in expected.items():
        assert (as_integer >> (total - (index + 1) * size)) & ((1 << size) - 1) == value


@QUICK
@given(st.text(max_size=200))
def test_random_text_raises_only_status_list_errors(text: str) -> None:
    with contextlib.suppress(StatusListError):
        StatusBits.decode(text)


@QUICK
@given(st.binary(max_size=200), st.booleans())
def test_random_gzip_like_payloads_raise_only_status_list_errors(body: bytes, header: bool) -> None:
    payload = (b"\x1f\x8b\x08\x00" + body) if header else body
    with contextlib.suppress(StatusListError):
        StatusBits.decode("u" + base64.urlsafe_b64encode(payload).decode().rstrip("="))

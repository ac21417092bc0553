"""Records sealed together: the plaintext of a segment, made and read back.

A record is first written as a sealed row of its own (one AES-GCM call and one
row per save, which keeps a keystroke's save small). At close, once enough rows
have gathered, they are folded into segments of up to SEGMENT_SIZE records
sealed as one: opening one row costs some 15 microseconds of fixed work (a
SQLite step, an AES-GCM call, a hash for the manifest, a JSON call), which at
50,000 records was most of an unlock; a segment pays it once for 512 records.
Not more: a segment is opened whole (its ciphertext, SQLite's copy and the
plaintext at once), and at 2,048 records, some 3.5 MB each, those copies alone
raised the interface's peak memory by 13 MB.

The plaintext (docs/FORMAT.md, "Segments") is a small text header naming each
record and its payload's length, then the payloads as one JSON array, so the
journal decodes a whole segment in one call and an independent reader needs
nothing but json.loads.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from operator import methodcaller

MAGIC = b"pairjournal-segment 1"
SEGMENT_SIZE = 512  # what a fold writes; a reader takes a segment of any size
# Loose rows load one by one; this many cost about 4 ms at unlock, not worth re-sealing a segment for.
FOLD_AT = 256
DIGEST_MOD = 1 << 256


def digest_sum(keys: Sequence[bytes]) -> int:
    """The sum of sha256(`<id>|<version>`) over records, each read as a big-endian number (not reduced)."""
    digests = map(methodcaller("digest"), map(hashlib.sha256, keys))
    big: Callable[[bytes], int] = functools.partial(int.from_bytes, byteorder="big")
    return sum(map(big, digests))


def foldable(record_id: object, version: object) -> bool:
    """Only a record pairjournal wrote fits a segment's header: a text id without spaces or line ends."""
    return (
        type(record_id) is str
        and type(version) is int
        and record_id.isascii()
        and record_id.isprintable()
        and " " not in record_id
        and "|" not in record_id
    )


def pack(entries: list[tuple[str, int, bytes]]) -> bytes:
    """The plaintext of a segment holding `entries` (id, version, payload), sorted by id."""
    entries = sorted(entries, key=lambda entry: entry[0])
    keys = [f"{record_id}|{version}".encode("ascii") for record_id, version, _ in entries]
    payloads = [payload for _, _, payload in entries]
    head = b"%s\n%d %064x\n%s\n" % (
        MAGIC,
        len(entries),
        digest_sum(keys) % DIGEST_MOD,
        b" ".join(b"%d" % len(payload) for payload in payloads),
    )
    return b"".join([head, b"\n".join(keys), b"\n[", b",".join(payloads), b"]"])


@dataclass
class Segment:
    """A segment's plaintext, opened: `<id>|<version>` keys in order (and as the one line-separated
    text they were read from), their manifest digest sum (reduced), and `body`, the payloads as one
    JSON array (a view into `plaintext`)."""

    keys: list[bytes]
    key_text: bytes
    lengths: list[int]
    digest: int
    body: memoryview
    plaintext: bytes | bytearray

    def payloads(self) -> list[bytes]:
        """Each record's payload, in the order of `keys`."""
        starts = accumulate((length + 1 for length in self.lengths[:-1]), initial=1)
        body = self.body
        return [bytes(body[start : start + length]) for start, length in zip(starts, self.lengths, strict=True)]


def unpack(plaintext: bytes | bytearray, size: int | None = None) -> Segment:
    """Reads an opened segment, the first `size` bytes of `plaintext` (all of them by default);
    ValueError when it is not one (a bug, or a newer pairjournal).

    The segment's `body` is a view into `plaintext`: valid while `plaintext` holds it."""
    end = len(plaintext) if size is None else size
    first = plaintext.index(b"\n", 0, end)
    if plaintext[:first] != MAGIC:
        raise ValueError("not a segment of a format this pairjournal reads")
    second = plaintext.index(b"\n", first + 1, end)
    count_text, digest_text = plaintext[first + 1 : second].split(b" ")
    count = int(count_text)
    third = plaintext.index(b"\n", second + 1, end)
    lengths = list(map(int, plaintext[second + 1 : third].split(b" ")))
    if count < 1 or len(lengths) != count or min(lengths) < 0:
        raise ValueError("a segment's header does not add up")
    start = end - (sum(lengths) + count + 1)
    if start <= third + 1:
        raise ValueError("a segment's header does not add up")
    key_text = bytes(plaintext[third + 1 : start - 1])
    keys = key_text.split(b"\n")
    if (
        len(keys) != count
        or plaintext[start - 1 : start] != b"\n"
        or plaintext[start : start + 1] != b"["
        or plaintext[end - 1 : end] != b"]"
    ):
        raise ValueError("a segment's header does not add up")
    return Segment(keys, key_text, lengths, int(digest_text, 16), memoryview(plaintext)[start:end], plaintext)


__all__ = ["FOLD_AT", "MAGIC", "SEGMENT_SIZE", "Segment", "digest_sum", "foldable", "pack", "unpack"]

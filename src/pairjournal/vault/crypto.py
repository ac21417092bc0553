"""Pure cryptography for the vault: key derivation, key wrap, record sealing.

Everything here composes primitives from `cryptography`; nothing is home-made.
No I/O, no SQLite: the store hands bytes in and gets bytes out.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from pairjournal.canonical import canonical_json
from pairjournal.errors import DamagedJournal, NewerFormat, UsageError, WrongPassphrase

FORMAT_VERSION = 1
MAGIC = "pairjournal"
KDF_NAME = "argon2id"
AEAD_NAME = "AES-256-GCM"
KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
SALT_BYTES = 16

# Production parameters (RFC 9106's second recommendation, and then some).
PRODUCTION_MEMORY_KIB = 64 * 1024
PRODUCTION_ITERATIONS = 3
PRODUCTION_LANES = 4

# Anything outside these bounds is refused before the KDF runs, so a hostile
# header cannot make us allocate gigabytes or spin for hours.
MAX_MEMORY_KIB = 4 * 1024 * 1024
MAX_ITERATIONS = 64
MAX_LANES = 64


@dataclass(frozen=True)
class KdfParams:
    """Argon2id parameters; recorded in the header so each journal carries its own."""

    memory_kib: int
    iterations: int
    lanes: int
    salt: bytes

    @classmethod
    def production(cls) -> KdfParams:
        return cls(PRODUCTION_MEMORY_KIB, PRODUCTION_ITERATIONS, PRODUCTION_LANES, os.urandom(SALT_BYTES))

    @classmethod
    def cheap(cls) -> KdfParams:
        """Fast parameters for tests and benchmarks; still real Argon2id."""
        return cls(8, 1, 1, os.urandom(SALT_BYTES))

    def with_new_salt(self) -> KdfParams:
        return KdfParams(self.memory_kib, self.iterations, self.lanes, os.urandom(SALT_BYTES))

    def validate(self) -> None:
        ok = (
            isinstance(self.lanes, int)
            and isinstance(self.iterations, int)
            and isinstance(self.memory_kib, int)
            and 1 <= self.lanes <= MAX_LANES
            and 1 <= self.iterations <= MAX_ITERATIONS
            and 8 * self.lanes <= self.memory_kib <= MAX_MEMORY_KIB
            and 16 <= len(self.salt) <= 64
        )
        if not ok:
            raise DamagedJournal(
                "journal header has key-derivation parameters out of bounds; refusing to run them"
            )

    def to_json(self) -> dict[str, Any]:
        return {
            "name": KDF_NAME,
            "memory_kib": self.memory_kib,
            "iterations": self.iterations,
            "lanes": self.lanes,
            "salt": base64.b64encode(self.salt).decode("ascii"),
            "length": KEY_BYTES,
        }

    @classmethod
    def from_json(cls, data: Any) -> KdfParams:
        if not isinstance(data, dict) or data.get("name") != KDF_NAME or data.get("length") != KEY_BYTES:
            raise DamagedJournal("journal header names an unknown key-derivation function")
        try:
            params = cls(
                int(data["memory_kib"]),
                int(data["iterations"]),
                int(data["lanes"]),
                base64.b64decode(data["salt"], validate=True),
            )
        except (KeyError, TypeError, ValueError, OverflowError) as exc:  # OverflowError: int(1e999)
            raise DamagedJournal("journal header has malformed key-derivation parameters") from exc
        params.validate()
        return params


# The passphrase policy, beside the key derivation it protects: the vault enforces it
# on every path that sets a passphrase (Store.create, Store.change_passphrase), and
# the interface shows the same rule as it is typed. Length is what matters most; the
# interface's strength hint says more, but only this is a rule.
MIN_PASSPHRASE_LENGTH = 8


def passphrase_problem(passphrase: str) -> str | None:
    """Why a new passphrase is refused, in one line; None when it meets the policy."""
    if not passphrase:
        return "the passphrase must not be empty"
    length = len(unicodedata.normalize("NFC", passphrase))
    if length < MIN_PASSPHRASE_LENGTH:
        return f"the passphrase needs at least {MIN_PASSPHRASE_LENGTH} characters ({length} given)"
    return None


def check_new_passphrase(passphrase: str) -> None:
    """Raises UsageError (exit 2) for a passphrase that may not be set."""
    problem = passphrase_problem(passphrase)
    if problem is not None:
        raise UsageError(problem)
    normalise_passphrase(passphrase)


def normalise_passphrase(passphrase: str) -> bytes:
    """NFC so the same passphrase typed on different systems derives the same key."""
    if not passphrase:
        raise UsageError("the passphrase must not be empty")
    try:
        return unicodedata.normalize("NFC", passphrase).encode("utf-8")
    except UnicodeEncodeError:  # bytes that are not UTF-8 (an argument or variable in another encoding)
        raise UsageError("the passphrase is not valid UTF-8 text") from None


def derive_key(passphrase: str, params: KdfParams) -> bytes:
    params.validate()
    kdf = Argon2id(
        salt=params.salt,
        length=KEY_BYTES,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=params.memory_kib,
    )
    return kdf.derive(normalise_passphrase(passphrase))


@dataclass(frozen=True)
class Header:
    """The plaintext, authenticated header of a journal file.

    Its canonical bytes are the associated data of the key wrap, so changing any
    field makes the data key impossible to unwrap.
    """

    vault_id: str
    kdf: KdfParams
    format: int = FORMAT_VERSION

    def to_bytes(self) -> bytes:
        return canonical_json(
            {
                "magic": MAGIC,
                "format": self.format,
                "vault_id": self.vault_id,
                "kdf": self.kdf.to_json(),
                "wrap": AEAD_NAME,
                "seal": AEAD_NAME,
            }
        )

    @classmethod
    def from_bytes(cls, raw: bytes) -> Header:
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:  # RecursionError: [[[[...]]]]
            raise DamagedJournal("journal header is damaged (not readable)") from exc
        if not isinstance(data, dict) or data.get("magic") != MAGIC:
            raise DamagedJournal("journal header is damaged (bad magic)")
        fmt = data.get("format")
        if not isinstance(fmt, int):
            raise DamagedJournal("journal header is damaged (bad format version)")
        if fmt > FORMAT_VERSION:
            raise NewerFormat(
                f"this journal uses format {fmt}, newer than this pairjournal understands "
                f"({FORMAT_VERSION}); upgrade pairjournal to open it"
            )
        if data.get("wrap") != AEAD_NAME or data.get("seal") != AEAD_NAME:
            raise DamagedJournal("journal header names an unknown cipher")
        vault_id = data.get("vault_id")
        if not isinstance(vault_id, str) or len(vault_id) != 32:
            raise DamagedJournal("journal header is damaged (bad vault id)")
        return cls(vault_id=vault_id, kdf=KdfParams.from_json(data.get("kdf")), format=fmt)




def header_digest(raw: bytes) -> str:
    """An unkeyed checksum, only to tell a damaged header from a wrong passphrase."""
    return hashlib.sha256(raw).hexdigest()


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def wrap_aad(header_bytes: bytes) -> bytes:
    return b"pairjournal|v1|wrap|" + header_bytes


def wrap_key(kek: bytes, data_key: bytes, header_bytes: bytes) -> tuple[bytes, bytes]:
    nonce = os.urandom(NONCE_BYTES)
    return nonce, AESGCM(kek).encrypt(nonce, data_key, wrap_aad(header_bytes))


def unwrap_key(kek: bytes, nonce: bytes, wrapped: bytes, header_bytes: bytes) -> bytes:
    try:
        key = AESGCM(kek).decrypt(nonce, wrapped, wrap_aad(header_bytes))
    except (InvalidTag, ValueError) as exc:
        raise WrongPassphrase("wrong passphrase (or the journal's key block was altered)") from exc
    if len(key) != KEY_BYTES:
        raise DamagedJournal("journal key block is damaged")
    return key


def record_aad(vault_id: str, table: str, record_id: str, version: int, fmt: int = FORMAT_VERSION) -> bytes:
    """Binds a ciphertext to its journal, table, row and version (see docs/FORMAT.md)."""
    # The file's own format number, not this code's: a journal written as format 1
    # must keep opening after a later release moves new journals to format 2.
    return f"pairjournal|v{fmt}|{vault_id}|{table}|{record_id}|{version}".encode("ascii")


class Sealer:
    """Seals and opens records under one journal's data key."""

    def __init__(self, data_key: bytes, vault_id: str, fmt: int = FORMAT_VERSION) -> None:
        self._aead = AESGCM(data_key)
        self._key = data_key
        self.vault_id = vault_id
        self.fmt = fmt

    def seal(self, table: str, record_id: str, version: int, plaintext: bytes | bytearray) -> tuple[bytes, bytes]:
        nonce = os.urandom(NONCE_BYTES)
        aad = record_aad(self.vault_id, table, record_id, version, self.fmt)
        return nonce, self._aead.encrypt(nonce, plaintext, aad)

    SEAL_PART_BYTES = 1 << 20

    def seal_in_parts(
        self, table: str, record_id: str, version: int, plaintext: bytes | bytearray | Sequence[bytes]
    ) -> tuple[bytes, int, Iterator[bytes]]:
        """seal() for a large plaintext, given whole or as pieces to be joined: (nonce, the
        sealed length, the sealed bytes in parts).

        The parts joined are exactly what seal() makes of the joined plaintext with that
        nonce (AES-GCM's ciphertext, then its 16-byte tag: the same construction, through
        the library's streaming interface), so open() reads them; but no more than one part
        of them is held at a time, and the pieces are never joined, where seal() holds a
        second copy of the whole plaintext's size.
        """
        pieces = [plaintext] if isinstance(plaintext, bytes | bytearray) else list(plaintext)
        nonce = os.urandom(NONCE_BYTES)
        encryptor = Cipher(algorithms.AES(self._key), modes.GCM(nonce)).encryptor()
        encryptor.authenticate_additional_data(record_aad(self.vault_id, table, record_id, version, self.fmt))
        step = self.SEAL_PART_BYTES

        def parts() -> Iterator[bytes]:
            for piece in pieces:
                with memoryview(piece) as view:
                    for start in range(0, len(view), step):
                        yield encryptor.update(view[start : start + step])
            pieces.clear()  # each let go once sealed
            yield encryptor.finalize() + encryptor.tag

        return nonce, sum(map(len, pieces)) + TAG_BYTES, parts()

    def open(self, table: str, record_id: str, version: int, nonce: bytes, ciphertext: bytes) -> bytes:
        """Raises InvalidTag (or ValueError for a malformed nonce) when not authentic."""
        return self._aead.decrypt(nonce, ciphertext, record_aad(self.vault_id, table, record_id, version, self.fmt))

    def open_into(
        self, table: str, record_id: str, version: int, nonce: bytes, ciphertext: memoryview, out: bytearray
    ) -> int:
        """open(), the plaintext written into `out` (grown when too small) instead of a new bytes
        object; returns its length. When it is not authentic, what was written into `out` is
        zeroed again (AES-GCM writes the plaintext before it checks the tag).

        For loading: hundreds of segments of most of a megabyte each, and a new plaintext for
        every one is fresh memory the kernel must fault in, page by page (with the ciphertexts,
        a third of the page faults of loading 200,000 records).
        """
        size = len(ciphertext) - TAG_BYTES
        if size < 0:
            raise ValueError("a ciphertext shorter than its tag")
        if len(out) < size:
            out.extend(bytes(size - len(out)))
        aad = record_aad(self.vault_id, table, record_id, version, self.fmt)
        decrypt_into = getattr(self._aead, "decrypt_into", None)  # not in every cryptography we accept
        with memoryview(out) as whole, whole[:size] as target:
            if decrypt_into is None:
                target[:] = self._aead.decrypt(nonce, ciphertext, aad)
                return size
            try:
                decrypt_into(nonce, ciphertext, aad, target)
            except BaseException:
                target[:] = bytes(size)
                raise
        return size

    def opener(self, table: str) -> Callable[[str, int, bytes, bytes], bytes]:
        """open() for every row of one table at unlock: the same associated data, its fixed part built once."""
        head = record_aad(self.vault_id, table, "", 0, self.fmt)[: -len(b"|0")]
        decrypt = self._aead.decrypt

        def open_row(record_id: str, version: int, nonce: bytes, ciphertext: bytes) -> bytes:
            return decrypt(nonce, ciphertext, head + f"{record_id}|{version}".encode("ascii"))

        return open_row

    def batch_opener(self, table: str) -> Callable[[Sequence[bytes], Sequence[bytes], Sequence[bytes]], list[bytes]]:
        """open() for a batch of rows at unlock: (nonces, ciphertexts, each `<id>|<version>` in ASCII).

        The same associated data as open(), joined and decrypted by map() in C, with
        no Python step per record. Raises on the first record that fails.
        """
        head = record_aad(self.vault_id, table, "", 0, self.fmt)[: -len(b"|0")]
        decrypt = self._aead.decrypt

        def open_batch(nonces: Sequence[bytes], cts: Sequence[bytes], tails: Sequence[bytes]) -> list[bytes]:
            return list(map(decrypt, nonces, cts, map(head.__add__, tails)))

        return open_batch


__all__ = [
    "AEAD_NAME",
    "FORMAT_VERSION",
    "MIN_PASSPHRASE_LENGTH",
    "Header",
    "InvalidTag",
    "KdfParams",
    "Sealer",
    "canonical_json",
    "check_new_passphrase",
    "derive_key",
    "header_digest",
    "new_data_key",
    "passphrase_problem",
    "record_aad",
    "unwrap_key",
    "wrap_key",
]

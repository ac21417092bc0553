"""The journal's two keys for the partner exchange: the Ed25519 signing key and the age (X25519) identity.

The signing key is the one exports are signed with (signing.py). The age identity
is made beside it on first need and sealed in the vault like it (an
ExchangeIdentity record, docs/FORMAT.md); bundles the partner writes are
encrypted to its public half, the recipient ``age1...``. Encryption and
decryption are pyrage's (the Rust age implementation): nothing of the age
format is written here, so a bundle opens with the standard ``age`` tool too.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyrage

from pairjournal.errors import UsageError
from pairjournal.journal.service import Journal
from pairjournal.model import ExchangeIdentity, check_text
from pairjournal.sharing.signing import b64, ensure_key, fingerprint_of, public_bytes

MAX_NAME = 200


@dataclass(frozen=True)
class Identity:
    """What a card shows of a journal: the name, both public keys, and the fingerprint."""

    name: str
    signing_key: bytes
    age_recipient: str

    @property
    def fingerprint(self) -> str:
        return fingerprint_of(self.signing_key)

    @property
    def signing_key_b64(self) -> str:
        return b64(self.signing_key)


def ensure_identity(journal: Journal) -> ExchangeIdentity:
    """The journal's age identity, made and sealed on first need (with the signing key, if that is new too)."""
    ensure_key(journal)
    found = journal.exchange_identity()
    if found is None:
        found = journal.save(ExchangeIdentity(age_secret=str(pyrage.x25519.Identity.generate())))
    return found


def set_name(journal: Journal, name: str) -> ExchangeIdentity:
    """The name my card shows (the one my partner knows me by)."""
    name = " ".join(check_text(name, "the name").split())
    if not name or len(name) > MAX_NAME:
        raise UsageError(f"the name on a card needs 1 to {MAX_NAME} characters")
    found = ensure_identity(journal)
    found.name = name
    return journal.save(found)


def age_identity(found: ExchangeIdentity) -> pyrage.x25519.Identity:
    return pyrage.x25519.Identity.from_str(found.age_secret)


def recipient_of(found: ExchangeIdentity) -> str:
    return str(age_identity(found).to_public())


def valid_recipient(text: str) -> bool:
    try:
        pyrage.x25519.Recipient.from_str(text)
    except (pyrage.RecipientError, ValueError, TypeError):
        return False
    return text.startswith("age1") and text == text.strip()


def valid_secret(text: str) -> bool:
    try:
        pyrage.x25519.Identity.from_str(text)
    except (pyrage.IdentityError, ValueError, TypeError):
        return False
    return True


def mine(journal: Journal) -> Identity:
    found = ensure_identity(journal)
    return Identity(name=found.name, signing_key=public_bytes(ensure_key(journal)), age_recipient=recipient_of(found))


def encrypt(data: bytes, recipient: str) -> bytes:
    """The age file (binary, X25519 recipient) of data, for one recipient."""
    return bytes(pyrage.encrypt(data, [pyrage.x25519.Recipient.from_str(recipient)]))


def decrypt(journal: Journal, data: bytes) -> bytes | None:
    """data opened with this journal's age identity; None when it does not open (not for me, changed, cut)."""
    found = journal.exchange_identity()
    if found is None:  # a journal that never made its identity can open nothing (and reading writes nothing)
        return None
    try:
        return bytes(pyrage.decrypt(data, [age_identity(found)]))
    except (pyrage.DecryptError, ValueError, TypeError):
        return None


__all__ = ["Identity", "decrypt", "encrypt", "ensure_identity", "mine", "recipient_of", "set_name",
           "valid_recipient", "valid_secret"]

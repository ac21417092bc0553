"""Ed25519 signatures on exports, and the journal's signing key.

Each journal has one key pair, made on first need and sealed in the vault as a
SigningKey record. A coordinator verifies an export with the public key that
travels inside the file, and confirms who signed it by comparing the
fingerprint out of band (pairjournal shows it in Settings and with
`pairjournal fingerprint`).

File layouts (docs/EXPORT.md describes them for people):
- JSON: ``{"payload": {...}, "signature": {...}}`` pretty-printed with sorted keys;
  the signature covers the canonical (compact, sorted, UTF-8) JSON of the payload,
  and the file must be byte-for-byte the pretty form, so no byte can change unseen.
- Markdown: the text, then a fenced block ```` ```pairjournal-signature ```` as the
  very end; the signature covers every byte before the fence line.
- HTML: the page, then ``<!-- pairjournal-signature {...} -->`` as the very end;
  the signature covers every byte before the comment.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from pairjournal.errors import PairjournalError, UsageError
from pairjournal.journal.service import Journal
from pairjournal.model import SigningKey

ALG = "Ed25519"
MD_FENCE = "```pairjournal-signature\n"
HTML_MARK = "<!-- pairjournal-signature "
HTML_END = " -->\n"
FINGERPRINT_HEX = 32  # 128 bits of SHA-256: short enough to read aloud, far too long to forge
# Traces an export leaves even when one byte of it was changed: seeing any of them,
# verify says "changed" rather than "not an export".
EXPORT_TRACES = (b"pairjournal-signature", b'"alg":"Ed25519"', b'"alg": "Ed25519"', b"pairjournal-export")

CHANGED = "signature does not match: the file was changed"


class BadSignature(PairjournalError):
    """The file is a pairjournal export, but its bytes are not the ones that were signed."""

    exit_code = 10


class NotAnExport(UsageError):
    """The file carries no pairjournal signature at all."""


def canonical_json(obj: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8: the bytes a JSON payload's signature covers."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def pretty_json(obj: Any) -> bytes:
    """The one pretty form pairjournal writes; verify insists on it byte for byte."""
    return (json.dumps(obj, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


# -- the key ---------------------------------------------------------------------


def current_key(journal: Journal) -> SigningKey | None:
    keys = sorted(journal.all(SigningKey), key=lambda k: (k.created, k.id))
    return keys[0] if keys else None


def ensure_key(journal: Journal) -> SigningKey:
    """The journal's signing key, made and sealed on first need."""
    key = current_key(journal)
    if key is None:
        raw = Ed25519PrivateKey.generate().private_bytes_raw()
        key = journal.save(SigningKey(private_key=base64.b64encode(raw).decode("ascii")))
    return key


def _private(key: SigningKey) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(key.private_key))


def public_bytes(key: SigningKey) -> bytes:
    return _private(key).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def fingerprint_of(public_key: bytes) -> str:
    """SHA-256 of the raw public key, first 128 bits, as groups of four hex digits."""
    digest = hashlib.sha256(public_key).hexdigest()[:FINGERPRINT_HEX]
    return " ".join(digest[i : i + 4] for i in range(0, len(digest), 4))


def fingerprint(journal: Journal) -> str:
    """The fingerprint a coordinator compares out of band (made on first call)."""
    return fingerprint_of(public_bytes(ensure_key(journal)))


def pseudonym_secret(key: SigningKey) -> bytes:
    """A per-journal secret for pseudonyms, derived so that it cannot reveal the key."""
    return hashlib.sha256(b"pairjournal pseudonyms\x00" + base64.b64decode(key.private_key)).digest()


def pseudonym(secret: bytes, label: str, name: str) -> str:
    """A stable stand-in for a name, e.g. "Partner-7f3a2c"; the same name gets the same one."""
    mac = hmac.new(secret, f"{label}\x00{name.strip().casefold()}".encode(), hashlib.sha256).hexdigest()
    return f"{label}-{mac[:6]}"


# -- signing -----------------------------------------------------------------------


def signature_block(key: SigningKey, data: bytes) -> dict[str, str]:
    private = _private(key)
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return {
        "alg": ALG,
        "fingerprint": fingerprint_of(public),
        "public_key": base64.b64encode(public).decode("ascii"),
        "value": base64.b64encode(private.sign(data)).decode("ascii"),
    }


def sign_json(key: SigningKey, payload: dict[str, Any]) -> bytes:
    document = {"payload": payload, "signature": signature_block(key, canonical_json(payload))}
    return pretty_json(document)


def _md_block(signature: dict[str, str]) -> str:
    return f"{MD_FENCE}{json.dumps(signature, sort_keys=True, separators=(',', ':'))}\n```\n"


def _html_block(signature: dict[str, str]) -> str:
    return f"{HTML_MARK}{json.dumps(signature, sort_keys=True, separators=(',', ':'))}{HTML_END}"


def sign_text(key: SigningKey, fmt: str, text: str) -> bytes:
    """Appends the trailing signature block to a Markdown or HTML document."""
    if not text.endswith("\n"):
        text += "\n"
    body = text.encode("utf-8")
    signature = signature_block(key, body)
    block = _md_block(signature) if fmt == "md" else _html_block(signature)
    return body + block.encode("utf-8")


def sign_document(key: SigningKey, fmt: str, content: dict[str, Any] | str) -> bytes:
    if fmt == "json":
        assert isinstance(content, dict)
        return sign_json(key, content)
    assert isinstance(content, str)
    return sign_text(key, fmt, content)


# -- verifying ---------------------------------------------------------------------


@dataclass(frozen=True)
class Verified:
    format: str
    fingerprint: str


def _check(signature: Any, data: bytes) -> str:
    """Checks one signature structure against the signed bytes; returns the fingerprint."""
    if not isinstance(signature, dict) or signature.get("alg") != ALG:
        raise BadSignature(CHANGED)
    try:
        public = base64.b64decode(str(signature["public_key"]), validate=True)
        value = base64.b64decode(str(signature["value"]), validate=True)
        key = Ed25519PublicKey.from_public_bytes(public)
    except (KeyError, ValueError, binascii.Error):
        raise BadSignature(CHANGED) from None
    if signature.get("fingerprint") != fingerprint_of(public):
        raise BadSignature(CHANGED)
    try:
        key.verify(value, data)
    except InvalidSignature:
        raise BadSignature(CHANGED) from None
    return fingerprint_of(public)


def _verify_json(data: bytes) -> Verified | None:
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):  # RecursionError: [[[[... nested too deeply
        return None
    if not isinstance(document, dict) or set(document) != {"payload", "signature"}:
        return None
    if pretty_json(document) != data:
        raise BadSignature(CHANGED)
    payload = document["payload"]
    if not isinstance(payload, dict):
        raise BadSignature(CHANGED)
    return Verified("json", _check(document["signature"], canonical_json(payload)))


def _verify_trailing(data: bytes, mark: str, build: Any, fmt: str) -> Verified | None:
    at = data.rfind(mark.encode("utf-8"))
    if at < 0:
        return None
    body, block = data[:at], data[at:]
    try:
        text = block.decode("utf-8")
        inner = text[len(mark) :]
        inner = inner[: -len("\n```\n")] if fmt == "md" else inner[: -len(HTML_END)]
        signature = json.loads(inner)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BadSignature(CHANGED) from None
    if not isinstance(signature, dict) or build(signature).encode("utf-8") != block:
        raise BadSignature(CHANGED)
    return Verified(fmt, _check(signature, body))


def verify_bytes(data: bytes) -> Verified:
    """Checks a whole export file; raises BadSignature or NotAnExport."""
    found = _verify_json(data) if data.startswith(b"{") else None
    if found is None:
        # User text may quote a marker; the real block is whichever comes last.
        md_at, html_at = data.rfind(MD_FENCE.encode()), data.rfind(HTML_MARK.encode())
        if md_at > html_at:
            found = _verify_trailing(data, MD_FENCE, _md_block, "md")
        elif html_at >= 0:
            found = _verify_trailing(data, HTML_MARK, _html_block, "html")
    if found is not None:
        return found
    if any(trace in data for trace in EXPORT_TRACES):
        raise BadSignature(CHANGED)
    raise NotAnExport("this is not a signed pairjournal export (no signature found)")


__all__ = [
    "BadSignature",
    "NotAnExport",
    "Verified",
    "canonical_json",
    "current_key",
    "ensure_key",
    "fingerprint",
    "fingerprint_of",
    "pseudonym",
    "pseudonym_secret",
    "sign_document",
    "verify_bytes",
]

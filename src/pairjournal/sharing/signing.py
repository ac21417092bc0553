"""Ed25519 signatures on exports, and the journal's signing key.

Each journal has one key pair, made on first need and sealed in the vault as a
SigningKey record. A coordinator verifies an export with the public key that
travels inside the file, and confirms who signed it by comparing the
fingerprint with one received from the author directly (`verify --expect`).

What is signed (export version 2; docs/EXPORT.md describes it for people): the
message is a domain-separation prefix naming the format and the export version,
``pairjournal-export:v2:<fmt>\\n``, followed by
- JSON: the canonical JSON of the payload; the file is
  ``{"payload": {...}, "signature": {...}}`` pretty-printed with sorted keys,
  and must be byte for byte that pretty form;
- Markdown: every byte before the trailing ```` ```pairjournal-signature ```` block;
- HTML: every byte before the trailing ``<!-- pairjournal-signature ... -->`` comment.
So the signature of a Markdown file cannot pass as an HTML one: the verifier
derives the format from the file's layout, and the prefix must name it.

Version 1 files (before the prefix) still verify, and are reported as version 1.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from pairjournal.canonical import canonical_json
from pairjournal.errors import PairjournalError, UsageError
from pairjournal.journal.service import Journal
from pairjournal.model import SigningKey
from pairjournal.sharing import pseudonyms

ALG = "Ed25519"
EXPORT_VERSION = 2
MD_FENCE = "```pairjournal-signature\n"
HTML_MARK = "<!-- pairjournal-signature "
HTML_END = " -->\n"
FINGERPRINT_HEX = 32  # 128 bits of SHA-256: short enough to read aloud, far too long to forge
MIN_EXPECT_HEX = 16
FORMAT_NAMES = {"md": "Markdown", "json": "JSON", "html": "HTML"}
# The file names each format may be saved under: a browser renders .html, so nothing else may be called that.
EXTENSIONS: dict[str, tuple[str, ...]] = {"md": (".md", ".markdown"), "json": (".json",), "html": (".html", ".htm")}
# Traces an export leaves even when one byte of it was changed: seeing any of them,
# verify says "changed" rather than "not an export".
EXPORT_TRACES = (b"pairjournal-signature", b'"alg":"Ed25519"', b'"alg": "Ed25519"', b"pairjournal-export")

CHANGED = "signature does not match: the file was changed"


class BadSignature(PairjournalError):
    """The file is a pairjournal export, but its bytes are not the ones that were signed."""

    exit_code = 10


class UnexpectedSigner(PairjournalError):
    """The signature is valid, but by a key the person did not say they expected."""

    exit_code = 11


class NotAnExport(UsageError):
    """The file carries no pairjournal signature at all."""


def pretty_json(obj: Any) -> bytes:
    """The one pretty form pairjournal writes; verify insists on it byte for byte."""
    return (json.dumps(obj, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def context(fmt: str, version: int = EXPORT_VERSION) -> bytes:
    """The domain-separation prefix of a signed export message."""
    return f"pairjournal-export:v{version}:{fmt}\n".encode("ascii")


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


def sign_message(key: SigningKey, message: bytes) -> bytes:
    """The journal's Ed25519 signature over message (callers prefix their own domain separation)."""
    return _private(key).sign(message)


def signature_valid(public_key: bytes, signature: bytes, message: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def b64_exact(value: Any, size: int) -> bytes | None:
    """Strict, canonical base64 of exactly `size` bytes, or None."""
    if not isinstance(value, str):
        return None
    try:
        raw = base64.b64decode(value, validate=True)
    except (ValueError, binascii.Error):
        return None
    if len(raw) != size or base64.b64encode(raw).decode("ascii") != value:
        return None
    return raw


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def fingerprint_of(public_key: bytes) -> str:
    """SHA-256 of the raw public key, first 128 bits, as groups of four hex digits."""
    digest = hashlib.sha256(public_key).hexdigest()[:FINGERPRINT_HEX]
    return " ".join(digest[i : i + 4] for i in range(0, len(digest), 4))


def fingerprint(journal: Journal) -> str:
    """The fingerprint a coordinator compares out of band (made on first call)."""
    return fingerprint_of(public_bytes(ensure_key(journal)))


def existing_fingerprint(journal: Journal) -> str | None:
    """The fingerprint of the key the journal has, or None; makes nothing (a read-only journal may ask)."""
    key = current_key(journal)
    return fingerprint_of(public_bytes(key)) if key is not None else None


def pseudonym_secret(key: SigningKey) -> bytes:
    """A per-journal secret for pseudonyms, derived so that it cannot reveal the key."""
    return hashlib.sha256(b"pairjournal pseudonyms\x00" + base64.b64decode(key.private_key)).digest()


pseudonym = pseudonyms.pseudonym


# -- signing -----------------------------------------------------------------------


def signature_block(key: SigningKey, fmt: str, data: bytes) -> dict[str, Any]:
    private = _private(key)
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return {
        "alg": ALG,
        "format": fmt,
        "public_key": base64.b64encode(public).decode("ascii"),
        "v": EXPORT_VERSION,
        "value": base64.b64encode(private.sign(context(fmt) + data)).decode("ascii"),
    }


def sign_json(key: SigningKey, payload: dict[str, Any]) -> bytes:
    document = {"payload": payload, "signature": signature_block(key, "json", canonical_json(payload))}
    return pretty_json(document)


def _block_json(signature: dict[str, Any]) -> str:
    return json.dumps(signature, sort_keys=True, separators=(",", ":"))


def _md_block(signature: dict[str, Any]) -> str:
    return f"{MD_FENCE}{_block_json(signature)}\n```\n"


def _html_block(signature: dict[str, Any]) -> str:
    return f"{HTML_MARK}{_block_json(signature)}{HTML_END}"


def sign_text(key: SigningKey, fmt: str, text: str) -> bytes:
    """Appends the trailing signature block to a Markdown or HTML document."""
    if not text.endswith("\n"):
        text += "\n"
    body = text.encode("utf-8")
    signature = signature_block(key, fmt, body)
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
    """What a valid export told the verifier: its format and version, and the key that signed it."""

    format: str
    fingerprint: str
    version: int = EXPORT_VERSION
    public_key: bytes = b""

    @property
    def format_name(self) -> str:
        return FORMAT_NAMES[self.format]


def _b64(value: Any, size: int) -> bytes:
    """Strict base64 of exactly `size` bytes, in its one canonical spelling (no spare bits set)."""
    if not isinstance(value, str):
        raise BadSignature(CHANGED)
    try:
        raw = base64.b64decode(value, validate=True)
    except (ValueError, binascii.Error):
        raise BadSignature(CHANGED) from None
    if len(raw) != size or base64.b64encode(raw).decode("ascii") != value:
        raise BadSignature(CHANGED)
    return raw


def _check(signature: Any, fmt: str, data: bytes) -> Verified:
    """Checks one signature structure against the signed bytes of a file of format `fmt`."""
    if not isinstance(signature, dict) or signature.get("alg") != ALG:
        raise BadSignature(CHANGED)
    version = signature.get("v", 1)
    if type(version) is not int:  # 2.0 equals 2 but is another spelling of the block: one file, one form
        raise BadSignature(CHANGED)
    if version == EXPORT_VERSION:
        if set(signature) != {"alg", "format", "public_key", "v", "value"} or signature["format"] != fmt:
            raise BadSignature(CHANGED)
        message = context(fmt) + data
    elif version == 1 and "v" not in signature:
        if set(signature) != {"alg", "fingerprint", "public_key", "value"} or not _version_1_layout(fmt, data):
            raise BadSignature(CHANGED)
        message = data
    else:
        raise BadSignature(CHANGED)
    public = _b64(signature["public_key"], 32)
    value = _b64(signature["value"], 64)
    if version == 1 and signature["fingerprint"] != fingerprint_of(public):
        raise BadSignature(CHANGED)
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(value, message)
    except (InvalidSignature, ValueError):
        raise BadSignature(CHANGED) from None
    return Verified(fmt, fingerprint_of(public), version, public)


# How version 1 files began. A version 1 signature covers the bytes before its block
# with no prefix, so without this a version 2 signed message (prefix and all) could
# be rewrapped as a "version 1" file of another format, an HTML page among them.
_VERSION_1_STARTS = {"md": b"# Mentoring summary: ", "html": b"<!DOCTYPE html>\n"}


def _version_1_layout(fmt: str, data: bytes) -> bool:
    if data.startswith(b"pairjournal-export:"):
        return False
    start = _VERSION_1_STARTS.get(fmt)
    return start is None or data.startswith(start)


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
    found = _check(document["signature"], "json", canonical_json(payload))
    if payload.get("version") != found.version:
        raise BadSignature(CHANGED)
    return found


def _verify_trailing(data: bytes, mark: str, build: Callable[[dict[str, Any]], str], fmt: str) -> Verified | None:
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
    # The block must be exactly as pairjournal writes it, and the very end of the file:
    # no byte outside the signed region may go unchecked.
    if not isinstance(signature, dict) or build(signature).encode("utf-8") != block:
        raise BadSignature(CHANGED)
    return _check(signature, fmt, body)


def verify_bytes(data: bytes, name: str | None = None) -> Verified:
    """Checks a whole export file; raises BadSignature or NotAnExport.

    The format comes from the file's own layout; when the file's `name` is given,
    its extension must be one of that format's (a Markdown export saved as .html
    would be shown by a browser as a page, so it is refused).
    """
    found = _verify_json(data) if data.startswith(b"{") else None
    if found is None:
        # User text may quote a marker; the real block is whichever comes last.
        md_at, html_at = data.rfind(MD_FENCE.encode()), data.rfind(HTML_MARK.encode())
        if md_at > html_at:
            found = _verify_trailing(data, MD_FENCE, _md_block, "md")
        elif html_at >= 0:
            found = _verify_trailing(data, HTML_MARK, _html_block, "html")
    if found is None:
        if any(trace in data for trace in EXPORT_TRACES):
            raise BadSignature(CHANGED)
        raise NotAnExport("this is not a signed pairjournal export (no signature found)")
    if name is not None:
        check_extension(found.format, name)
    return found


def check_extension(fmt: str, name: str) -> None:
    suffix = PurePath(name).suffix.lower()
    allowed = EXTENSIONS[fmt]
    if suffix not in allowed:
        shown = suffix or "no extension"
        raise BadSignature(
            f"this is a {FORMAT_NAMES[fmt]} export saved as {shown}; it verifies only as {' or '.join(allowed)}"
            " (a browser could run a mislabelled file as a page)"
        )


# -- expected keys -------------------------------------------------------------------------

_HEX = re.compile(r"[0-9a-f]+")


def parse_expected(value: str) -> str:
    """A fingerprint (or a prefix of at least 16 hex digits) as typed: spaces optional, any case."""
    digits = "".join(value.split()).lower()
    if not _HEX.fullmatch(digits) or not MIN_EXPECT_HEX <= len(digits) <= 64:
        raise UsageError(
            f"--expect {value.strip()!r} is not a fingerprint: give at least {MIN_EXPECT_HEX} of its hex digits"
        )
    return digits


def matches_expected(found: str, expected: Iterable[str]) -> bool:
    digits = found.replace(" ", "")
    return any(digits.startswith(e) or (len(e) > len(digits) and e.startswith(digits)) for e in expected)


def require_expected(result: Verified, expected: Iterable[str]) -> None:
    wanted = list(expected)
    if wanted and not matches_expected(result.fingerprint, wanted):
        raise UnexpectedSigner(
            f"the signature is valid but by key {result.fingerprint}, which is not the one you expected"
        )


__all__ = [
    "EXPORT_VERSION",
    "EXTENSIONS",
    "BadSignature",
    "NotAnExport",
    "UnexpectedSigner",
    "Verified",
    "b64",
    "b64_exact",
    "canonical_json",
    "check_extension",
    "context",
    "current_key",
    "ensure_key",
    "existing_fingerprint",
    "fingerprint",
    "fingerprint_of",
    "parse_expected",
    "pseudonym",
    "pseudonym_secret",
    "require_expected",
    "sign_document",
    "sign_message",
    "signature_valid",
    "verify_bytes",
]

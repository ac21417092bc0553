"""A bundle is a standard age file: read here by an independent age reader written from the age spec.

The `age` command-line tool is not installed everywhere (tests/test_exchange.py
uses it where it is). This reader follows the published age v1 format
(age-encryption.org/v1: the X25519 recipient stanza, the header MAC, the
STREAM payload in 64 KiB chunks) using only `cryptography`'s primitives and
Bech32 decoding, and shares no code with pyrage or pairjournal. If pairjournal
ever wrote anything but standard age, it would fail here.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from exchange_world import link
from pairjournal.journal import Journal
from pairjournal.model import ShareScope
from pairjournal.sharing import identity

CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
CHUNK = 64 * 1024


def bech32_decode(text: str) -> tuple[str, bytes]:
    text = text.lower()
    hrp, _, data = text.rpartition("1")
    values = [CHARSET.index(c) for c in data]
    generator = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
    check = 1
    for v in [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp] + values:
        top = check >> 25
        check = (check & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            check ^= generator[i] if (top >> i) & 1 else 0
    assert check == 1, "bad Bech32 checksum"
    bits, acc, out = 0, 0, bytearray()
    for v in values[:-6]:
        acc, bits = (acc << 5) | v, bits + 5
        if bits >= 8:
            bits -= 8
            out.append((acc >> bits) & 0xFF)
    return hrp, bytes(out)


def _hkdf(key: bytes, salt: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(key)


def _raw_b64(text: bytes) -> bytes:
    assert b"=" not in text  # age writes unpadded base64
    return base64.b64decode(text + b"=" * (-len(text) % 4), validate=True)


def age_decrypt(data: bytes, secret: str) -> bytes:
    """Decrypts an age v1 file for one X25519 identity, as the spec describes it."""
    hrp, raw_secret = bech32_decode(secret)
    assert hrp == "age-secret-key-"
    private = X25519PrivateKey.from_private_bytes(raw_secret)
    ours = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    head, rest = data.split(b"\n---", 1)
    lines = head.split(b"\n")
    assert lines[0] == b"age-encryption.org/v1"
    file_key = None
    i = 1
    while i < len(lines):
        args = lines[i][3:].split(b" ")
        assert lines[i].startswith(b"-> ")
        body = b""
        i += 1
        while True:  # the body is wrapped at 64 columns; a shorter line ends it
            body += lines[i]
            i += 1
            if len(lines[i - 1]) < 64:
                break
        if args[0] == b"X25519" and file_key is None:
            share = _raw_b64(args[1])
            shared = private.exchange(X25519PublicKey.from_public_bytes(share))
            wrap = _hkdf(shared, share + ours, b"age-encryption.org/v1/X25519")
            file_key = ChaCha20Poly1305(wrap).decrypt(b"\x00" * 12, _raw_b64(body), None)
    assert file_key is not None, "no stanza for this identity"
    mac_line, payload = rest.split(b"\n", 1)
    expected = hmac.new(_hkdf(file_key, b"", b"header"), head + b"\n---", hashlib.sha256).digest()
    assert hmac.compare_digest(_raw_b64(mac_line.strip()), expected), "header MAC"
    nonce, stream = payload[:16], payload[16:]
    cipher = ChaCha20Poly1305(_hkdf(file_key, nonce, b"payload"))
    out, counter = bytearray(), 0
    while True:
        chunk, stream = stream[: CHUNK + 16], stream[CHUNK + 16 :]
        last = not stream
        out += cipher.decrypt(counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00"), chunk, None)
        counter += 1
        if last:
            return bytes(out)


def test_an_independent_age_reader_opens_a_bundle(make_journal: Callable[..., Journal], tmp_path: Path) -> None:
    world = link(make_journal, tmp_path / "pair")
    # Large enough for several 64 KiB chunks: the STREAM's counter and last-chunk flag are exercised.
    world.bo.add_takeaway(world.bo_pair.id, "opened without pyrage " + "x" * 150_000, scope=ShareScope.PARTNER)
    bundle = world.write(world.bo).read_bytes()
    secret = world.ana.exchange_identity()
    assert secret is not None
    plain = age_decrypt(bundle, secret.age_secret)
    document = json.loads(plain)
    assert document["payload"]["entries"][0]["text"].startswith("opened without pyrage")
    assert document["payload"]["to_age"] == identity.mine(world.ana).age_recipient
    # The reader is strict: another identity, or one changed byte, does not open.
    with pytest.raises(Exception):  # noqa: B017  (any failure of the reader will do)
        age_decrypt(bundle, world.bo.exchange_identity().age_secret)  # type: ignore[union-attr]
    changed = bytearray(bundle)
    changed[-100] ^= 1
    with pytest.raises(Exception):  # noqa: B017
        age_decrypt(bytes(changed), secret.age_secret)


def test_the_recipient_on_a_card_is_the_identity_s_bech32_public_key(make_journal: Callable[..., Journal]) -> None:
    journal = make_journal()
    found = identity.ensure_identity(journal)
    _, raw = bech32_decode(found.age_secret)
    public = X25519PrivateKey.from_private_bytes(raw).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    hrp, decoded = bech32_decode(identity.recipient_of(found))
    assert (hrp, decoded) == ("age", public)

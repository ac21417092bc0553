"""Cards: the one file partners swap once, holding a name, both public keys and the fingerprint.

A card (docs/EXCHANGE.md, "The card") is JSON in one pretty form:

    {"card": {"age_recipient": "age1...", "name": "...", "schema": "pairjournal-card",
              "signing_key": "<base64, 32 bytes>", "v": 1},
     "fingerprint": "xxxx xxxx ... (8 groups)", "signature": "<base64, 64 bytes>"}

``signature`` is the card's own Ed25519 key over ``pairjournal-card:v1\\n`` and the
canonical JSON of ``card``. The fingerprint is that key's (the one every export
is signed with, signing.py), and the signature binds the age recipient to it: so
one fingerprint, compared aloud, covers both keys. A card whose age key was
swapped fails its signature; a card with another signing key shows another
fingerprint.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pairjournal.boundedio import read_bounded
from pairjournal.canonical import canonical_json
from pairjournal.errors import UsageError
from pairjournal.journal.service import Journal
from pairjournal.model import PartnerKeys, check_text
from pairjournal.sharing.identity import MAX_NAME, Identity, mine, valid_recipient
from pairjournal.sharing.signing import (
    BadSignature,
    b64,
    b64_exact,
    ensure_key,
    fingerprint_of,
    pretty_json,
    sign_message,
    signature_valid,
)

SCHEMA = "pairjournal-card"
VERSION = 1
CONTEXT = b"pairjournal-card:v1\n"
CARD_LIMIT = 64 * 1024  # a card is a few hundred bytes


class BadCard(UsageError):
    """Not a pairjournal card."""


class ForgedCard(BadSignature):
    """A card whose signature does not match its keys and name: changed after it was made."""


def card_body(identity: Identity) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "v": VERSION,
        "name": identity.name,
        "signing_key": identity.signing_key_b64,
        "age_recipient": identity.age_recipient,
    }


def make_card(journal: Journal) -> bytes:
    """My card, as the file to hand my partner."""
    identity = mine(journal)
    if not identity.name:
        raise UsageError("give the name your partner knows you by once: pairjournal card --name NAME")
    body = card_body(identity)
    signature = sign_message(ensure_key(journal), CONTEXT + canonical_json(body))
    return pretty_json({"card": body, "fingerprint": identity.fingerprint, "signature": b64(signature)})


def read_card(path: Path) -> PartnerKeys:
    """A card file, checked in full; raises BadCard (not a card) or ForgedCard (changed)."""
    return parse_card(read_bounded(path, CARD_LIMIT, "card"), str(path))


def parse_card(data: bytes, where: str = "the card") -> PartnerKeys:
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BadCard(f"{where} is not a pairjournal card (not JSON)") from None
    if not isinstance(document, dict) or set(document) != {"card", "fingerprint", "signature"}:
        raise BadCard(f"{where} is not a pairjournal card")
    body = document["card"]
    if not isinstance(body, dict) or set(body) != {"schema", "v", "name", "signing_key", "age_recipient"} \
            or body["schema"] != SCHEMA:
        raise BadCard(f"{where} is not a pairjournal card")
    if type(body["v"]) is not int or body["v"] != VERSION:
        raise BadCard(f"{where} is a card of another version than this pairjournal reads ({VERSION})")
    name = body["name"]
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME:
        raise ForgedCard(f"{where}: the card's name is missing or too long")
    check_text(name, "the card's name")
    key = b64_exact(body["signing_key"], 32)
    signature = b64_exact(document["signature"], 64)
    recipient = body["age_recipient"]
    if key is None or signature is None or not isinstance(recipient, str) or not valid_recipient(recipient):
        raise ForgedCard(f"{where}: the card's keys are malformed; it was changed after it was made")
    if pretty_json(document) != data:
        raise ForgedCard(f"{where} is not exactly as pairjournal writes a card; it was changed")
    if not signature_valid(key, signature, CONTEXT + canonical_json(body)):
        raise ForgedCard(f"{where}: the card's signature does not match its keys and name; it was changed")
    fingerprint = fingerprint_of(key)
    if document["fingerprint"] != fingerprint:
        raise ForgedCard(f"{where}: the fingerprint written on the card is not its key's; it was changed")
    return PartnerKeys(name=name, signing_key=b64(key), age_recipient=recipient, fingerprint=fingerprint)


__all__ = ["CARD_LIMIT", "BadCard", "ForgedCard", "make_card", "parse_card", "read_card"]

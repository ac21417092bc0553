"""Signed statements between the partners: consent receipts and agreement acknowledgements.

A **receipt** is the partner's approval of one of my items for the coordinator:
their Ed25519 signature over ``pairjournal-receipt:v1\\n`` followed by the
canonical JSON of

    {"schema": "pairjournal-consent-receipt", "v": 1, "item": ID, "kind": KIND,
     "sha256": DIGEST OF THE OUTBOUND CONTENT, "author": AUTHOR'S FINGERPRINT,
     "coordinator": COORDINATOR, "on": YYYY-MM-DD}

It proves that the holder of the partner's key approved exactly those bytes
(the outbound content of docs/EXPORT.md) of that item, by that author, for that
coordinator, on that day; any other bytes, item, author or coordinator fails.

An **acknowledgement** of an agreement version is a signature over
``pairjournal-agreement-ack:v1\\n`` and the canonical JSON of
``{"schema": "pairjournal-agreement-ack", "v": 1, "agreement": HASH, "on": DATE}``,
HASH being journal/charter.py's agreement_hash of the version's terms.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pairjournal.canonical import canonical_json
from pairjournal.journal.service import Journal
from pairjournal.model import Receipt
from pairjournal.sharing.escaping import PARTNER_LABEL, consent_label, html_item, md_item
from pairjournal.sharing.signing import (
    EXPORT_VERSION,
    BadSignature,
    Verified,
    b64,
    b64_exact,
    ensure_key,
    fingerprint_of,
    public_bytes,
    sign_message,
    signature_valid,
)

RECEIPT_SCHEMA = "pairjournal-consent-receipt"
RECEIPT_CONTEXT = b"pairjournal-receipt:v1\n"
ACK_SCHEMA = "pairjournal-agreement-ack"
ACK_CONTEXT = b"pairjournal-agreement-ack:v1\n"
STATEMENT_FIELDS = {"schema", "v", "item", "kind", "sha256", "author", "coordinator", "on"}


class BadReceipt(BadSignature):
    """A consent receipt that does not hold: another key, other bytes, another item, or changed."""


def statement(*, item: str, kind: str, sha256: str, author: str, coordinator: str, on: date) -> dict[str, Any]:
    return {
        "schema": RECEIPT_SCHEMA,
        "v": 1,
        "item": item,
        "kind": kind,
        "sha256": sha256,
        "author": author,
        "coordinator": coordinator,
        "on": on.isoformat(),
    }


def sign_receipt(journal: Journal, body: dict[str, Any]) -> Receipt:
    """My signature over a statement about my partner's item."""
    key = ensure_key(journal)
    raw = canonical_json(body)
    return Receipt(statement=raw.decode("utf-8"), public_key=b64(public_bytes(key)),
                   signature=b64(sign_message(key, RECEIPT_CONTEXT + raw)))


def receipt_json(receipt: Receipt) -> dict[str, str]:
    """A receipt as an export or a bundle carries it."""
    return {"statement": receipt.statement, "public_key": receipt.public_key, "signature": receipt.signature}


def receipt_from_json(value: Any, where: str) -> Receipt:
    if not isinstance(value, dict) or set(value) != {"statement", "public_key", "signature"} \
            or not all(isinstance(v, str) for v in value.values()):
        raise BadReceipt(f"{where}: malformed consent receipt")
    return Receipt(statement=value["statement"], public_key=value["public_key"], signature=value["signature"])


def check_receipt(receipt: Receipt, where: str) -> tuple[dict[str, Any], bytes]:
    """The statement a receipt's signature holds for, and the key that made it; BadReceipt otherwise."""
    key = b64_exact(receipt.public_key, 32)
    signature = b64_exact(receipt.signature, 64)
    if key is None or signature is None:
        raise BadReceipt(f"{where}: the consent receipt's key or signature is malformed")
    try:
        body = json.loads(receipt.statement)
    except (ValueError, RecursionError):
        raise BadReceipt(f"{where}: the consent receipt's statement is not JSON") from None
    if not isinstance(body, dict) or set(body) != STATEMENT_FIELDS or body["schema"] != RECEIPT_SCHEMA \
            or body["v"] != 1 or canonical_json(body).decode("utf-8") != receipt.statement:
        raise BadReceipt(f"{where}: the consent receipt's statement is not one pairjournal signs")
    if not signature_valid(key, signature, RECEIPT_CONTEXT + receipt.statement.encode("utf-8")):
        raise BadReceipt(f"{where}: the consent receipt's signature does not match its statement")
    return body, key


# -- agreement acknowledgements ------------------------------------------------------------


def ack_message(agreement_sha256: str, on: date) -> bytes:
    body = {"schema": ACK_SCHEMA, "v": 1, "agreement": agreement_sha256, "on": on.isoformat()}
    return ACK_CONTEXT + canonical_json(body)


def sign_ack(journal: Journal, agreement_sha256: str, on: date) -> str:
    return b64(sign_message(ensure_key(journal), ack_message(agreement_sha256, on)))


def ack_valid(public_key: bytes, signature: str, agreement_sha256: str, on: date) -> bool:
    raw = b64_exact(signature, 64)
    return raw is not None and signature_valid(public_key, raw, ack_message(agreement_sha256, on))




# -- what an export says about consent, checked -------------------------------------------------
#
# Every exported item carries "consent": {"by": "partner", "receipt": {...}} or {"by": "author",
# "receipt": null}. A JSON export carries it in the payload; Markdown and HTML carry the same
# facts as one line, "pairjournal-consent <hex of canonical JSON>", in their signed part
# (CONSENT_MARK), so `verify` checks every format the same way (docs/EXPORT.md, "Consent receipts").

CONSENT_MARK = "pairjournal-consent "
AUTHOR_LABEL = "consent recorded by the author"


@dataclass(frozen=True)
class ConsentLine:
    kind: str
    id: str
    by: str  # "partner" or "author"
    partner: str = ""  # the fingerprint of the key that signed the receipt

    @property
    def label(self) -> str:
        if self.by == "partner":
            return f"consent signed by the partner (fingerprint {self.partner})"
        return AUTHOR_LABEL


@dataclass
class ConsentReport:
    lines: list[ConsentLine] = field(default_factory=list)
    partner: str = ""  # the partner key's fingerprint the export names, if any
    agreement: str = ""  # what the export says of the version both signed

    @property
    def partner_keys(self) -> set[str]:
        """Every partner key a claim of the export rests on: each receipt's, and the named key when the
        export says both partners signed the agreement (so `--expect` covers that claim too)."""
        found = {line.partner for line in self.lines if line.partner}
        if self.agreement and self.partner:
            found.add(self.partner)
        return found


def consent_view(payload: dict[str, Any]) -> dict[str, Any]:
    """The consent facts of an export payload: the pair's reference, coordinator, partner key, the
    version both signed, and every exported item as (kind, entry). Markdown and HTML embed exactly this."""
    items: list[dict[str, Any]] = []
    for kind, member in (("takeaway", "takeaways"), ("action", "action_items"), ("recognition", "recognitions")):
        items += [{"kind": kind, "entry": entry} for entry in payload[member]]
    for objective in payload["objectives"]:
        if objective["shared"]:
            head = {k: v for k, v in objective.items() if k not in ("progress", "number", "shared")}
            items.append({"kind": "objective", "entry": head})
        items += [{"kind": "progress", "entry": {**p, "objective": objective["id"]}} for p in objective["progress"]]
    # An item the author vouches for alone is named by its id: only a receipt needs the bytes to check.
    items = [i if (i["entry"].get("consent") or {}).get("by") == "partner"
             else {"kind": i["kind"], "entry": {"id": i["entry"]["id"], "consent": i["entry"]["consent"]}}
             for i in items]
    pair = payload["pair"]
    return {
        "pair": {"ref": pair["ref"], "coordinator": pair["coordinator"], "partner_key": pair["partner_key"]},
        "pseudonymized": payload["pseudonymized"],
        "agreement": payload["agreement"]["signed_by_both"],
        "items": items,
    }


_CONTENT_FIELDS = {
    "takeaway": ("on", "text"),
    "action": ("created", "owner", "due", "status", "completed_on", "text", "evidence"),
    "progress": ("objective", "on", "level", "text"),
    "recognition": ("on", "text"),
    "objective": ("outcome", "evidence", "timebox"),
}


def outbound_of(kind: str, entry: dict[str, Any], pair: dict[str, Any]) -> dict[str, Any]:
    """The outbound content (docs/EXPORT.md) an exported item stands for: what the receipt's hash covers."""
    coordinator = pair["coordinator"]
    return {
        "kind": kind,
        "pair": pair["ref"],
        "coordinator": coordinator.strip() if isinstance(coordinator, str) else coordinator,
        **{name: entry[name] for name in _CONTENT_FIELDS[kind]},
    }


def check_consent(view: Any, signer: bytes) -> ConsentReport:
    """Checks every receipt of an export against the exported bytes; raises BadReceipt."""
    try:
        pair, items = view["pair"], view["items"]
        partner = pair["partner_key"]
        report = ConsentReport()
        partner_key: bytes | None = None
        if partner is not None:
            partner_key = b64_exact(partner["public_key"], 32)
            if partner_key is None or fingerprint_of(partner_key) != partner["fingerprint"]:
                raise BadReceipt("the partner key the export names is malformed")
            if partner_key == signer:
                raise BadReceipt("the export names the author's own key as the partner's")
            report.partner = partner["fingerprint"]
        author = fingerprint_of(signer)
        for item in items:
            kind, entry = item["kind"], item["entry"]
            where = f"{kind} {entry['id']}"
            given = entry["consent"]
            if given == {"by": "author", "receipt": None}:
                report.lines.append(ConsentLine(kind, entry["id"], "author"))
                continue
            if not isinstance(given, dict) or set(given) != {"by", "receipt"} or given["by"] != "partner":
                raise BadReceipt(f"{where}: its consent is malformed")
            if partner_key is None or view["pseudonymized"]:
                raise BadReceipt(f"{where}: a receipt without the partner key it must be checked against")
            receipt = receipt_from_json(given["receipt"], where)
            body, key = check_receipt(receipt, where)
            if key != partner_key:
                raise BadReceipt(f"{where}: the receipt was signed by another key than the partner's")
            content = outbound_of(kind, entry, pair)
            if body["item"] != entry["id"] or body["kind"] != kind:
                raise BadReceipt(f"{where}: the receipt is for another item")
            if body["sha256"] != hashlib.sha256(canonical_json(content)).hexdigest():
                raise BadReceipt(f"{where}: the receipt is for other bytes than the export carries")
            if body["author"] != author or body["coordinator"] != content["coordinator"]:
                raise BadReceipt(f"{where}: the receipt is for another author or coordinator")
            report.lines.append(ConsentLine(kind, entry["id"], "partner", fingerprint_of(key)))
        signed = view["agreement"]
        if signed is not None:
            if partner_key is None:
                raise BadReceipt("the agreement's acknowledgement has no partner key to be checked against")
            mine_ok = ack_valid(signer, signed["author_signature"], signed["sha256"],
                                date.fromisoformat(signed["author_ack"]))
            theirs_ok = ack_valid(partner_key, signed["partner_signature"], signed["sha256"],
                                  date.fromisoformat(signed["partner_ack"]))
            if not (mine_ok and theirs_ok):
                raise BadReceipt("the agreement's acknowledgements do not match their signatures")
            report.agreement = (f"agreement version {signed['version']} (sha256 {signed['sha256'][:16]}…) "
                                "signed by both partners")
        return report
    except BadReceipt:
        raise
    except (KeyError, TypeError, ValueError, AttributeError):
        raise BadReceipt("the export's consent records are malformed") from None


def embedded_view(data: bytes) -> Any:
    """The consent line of a Markdown or HTML export (the last one: user text comes before it)."""
    at = data.rfind(CONSENT_MARK.encode("ascii"))
    if at < 0:
        raise BadReceipt("the export carries no consent records")
    run = re.match(rb"[0-9a-f]*", data[at + len(CONSENT_MARK):])
    line = run.group(0) if run else b""
    try:
        raw = bytes.fromhex(line.decode("ascii"))
        view = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise BadReceipt("the export's consent records are malformed") from None
    if canonical_json(view) != raw:
        raise BadReceipt("the export's consent records are malformed")
    return view


def embed_line(payload: dict[str, Any]) -> str:
    """Hex, not base64: hex digits never spell a name, so a page's words are only its own."""
    return CONSENT_MARK + canonical_json(consent_view(payload)).hex()


__all__ = ["CONSENT_MARK", "BadReceipt", "ConsentLine", "ConsentReport", "ack_valid", "check_consent",
           "check_receipt", "consent_of", "consent_view", "embed_line", "embedded_view", "outbound_of",
           "receipt_from_json", "receipt_json", "sign_ack", "sign_receipt", "statement"]


def consent_of(data: bytes, verified: Verified) -> ConsentReport | None:
    """The consent records of a verified export, every receipt checked; None for a version 1 file."""
    if verified.version != EXPORT_VERSION:
        return None
    if verified.format == "json":
        try:
            view = consent_view(json.loads(data.decode("utf-8"))["payload"])
        except (KeyError, TypeError, ValueError, AttributeError):
            raise BadReceipt("the export's consent records are malformed") from None
        return check_consent(view, verified.public_key)
    view = embedded_view(data)
    report = check_consent(view, verified.public_key)
    _check_shown(data[: data.rfind(CONSENT_MARK.encode("ascii"))], verified.format, view)
    return report


def _plain(text: str) -> str:
    """What a reader sees of a page, roughly: no tags, entities and escapes resolved, spaces collapsed."""
    text = html.unescape(re.sub(r"<[^>]*>", "", text))
    text = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)
    return " ".join(text.split()).casefold()


def _check_shown(page: bytes, fmt: str, view: Any) -> None:
    """A Markdown or HTML page must show each item a receipt covers exactly as pairjournal writes it,
    as whole lines, and call no other item signed by the partner: a receipt cannot vouch for a page
    that says something else, adds words around the ones it covers, or labels another item with it."""
    text = page.decode("utf-8", errors="replace")
    partner = view["pair"]["partner_key"]
    fingerprint = partner["fingerprint"] if isinstance(partner, dict) else ""
    render = md_item if fmt == "md" else html_item
    signed = 0
    for item in view["items"]:
        entry = item["entry"]
        if (entry.get("consent") or {}).get("by") != "partner":
            continue
        signed += 1
        block = "\n".join(render(item["kind"], entry, consent_label(entry, fingerprint)))
        if f"\n{block}\n" not in f"\n{text}\n":
            raise BadReceipt(f"{item['kind']} {entry['id']}: the page does not show the text its receipt covers")
    # The label as a label: opening its parenthesis, as every item's shows it. Counting the bare words
    # refused a page pairjournal wrote whose takeaway said "consent signed by the partner" in a sentence.
    labels = _plain(text).count(f"({PARTNER_LABEL}")
    if labels != signed:
        raise BadReceipt(f"the page calls {labels} item(s) '({PARTNER_LABEL})', but carries {signed} receipt(s)")

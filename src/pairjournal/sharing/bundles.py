"""Bundles: the files two linked journals of a pair send each other, by any channel.

A bundle (docs/EXCHANGE.md, "The bundle") is an age file encrypted to the
partner's age recipient (pyrage: a standard age file, which the ``age`` tool
opens too). Inside is one canonical JSON document,
``{"payload": {...}, "signature": "<base64>"}``, the signature being my Ed25519
key over ``pairjournal-bundle:v1\\n`` and the canonical JSON of the payload. The
payload names sender and recipient (fingerprints and keys), carries a sequence
number that only ever grows, the number of the partner's newest bundle this
journal applied (their confirmation), and entries:

- ``item`` / ``unshare``: an item I shared with my partner, or that it is no longer shared;
- ``request`` / ``withdraw``: a consent request for an item I marked for the
  coordinator, with the exact outbound bytes and their SHA-256, or its withdrawal;
- ``answer``: my answer to one of theirs, an approval carrying my signed receipt;
- ``agreement`` / ``ack``: an agreement version I proposed, and my signed acknowledgement.

Every bundle carries every entry the partner has not confirmed yet, so a lost
bundle costs nothing and applying one twice changes nothing. Reading checks
everything before anything is applied, then applies it in one transaction.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pairjournal.boundedio import MiB, read_bounded
from pairjournal.canonical import canonical_json
from pairjournal.errors import NotFound, PairjournalError, UsageError
from pairjournal.journal import charter
from pairjournal.journal.outbound import Disclosable, progress_level
from pairjournal.journal.service import Journal
from pairjournal.model import (
    ActionItem,
    Agreement,
    Cadence,
    Consent,
    ConsentRequest,
    Decision,
    Objective,
    ObjectiveProgress,
    Pair,
    PartnerItem,
    PartnerLink,
    Recognition,
    SentEntry,
    ShareScope,
    Takeaway,
    check_text,
    now,
)
from pairjournal.sharing import consent, identity
from pairjournal.sharing.files import StagedFile, check_destination
from pairjournal.sharing.receipts import (
    BadReceipt,
    ack_valid,
    check_receipt,
    receipt_from_json,
    receipt_json,
    sign_ack,
)
from pairjournal.sharing.signing import (
    BadSignature,
    b64,
    b64_exact,
    ensure_key,
    fingerprint_of,
    public_bytes,
    sign_message,
    signature_valid,
)

SCHEMA = "pairjournal-bundle"
VERSION = 1
CONTEXT = b"pairjournal-bundle:v1\n"
BUNDLE_LIMIT = 64 * MiB
PAYLOAD_FIELDS = {"schema", "version", "seq", "ack", "from", "from_key", "to", "to_age", "made", "entries"}
ITEM_FIELDS = {"type", "item", "kind", "text", "on", "owner", "due", "status", "evidence", "completed_on",
               "objective", "level", "for_coordinator"}
ENTRY_FIELDS: dict[str, set[str]] = {
    "item": ITEM_FIELDS,
    "unshare": {"type", "item"},
    "request": {"type", "item", "kind", "content", "sha256", "coordinator", "author"},
    "withdraw": {"type", "item"},
    "answer": {"type", "item", "sha256", "decision", "receipt"},
    "agreement": {"type", "sha256", "terms"},
    "ack": {"type", "agreement", "on", "signature"},
}
REQUEST_KINDS = ("takeaway", "action", "progress", "recognition", "objective")
APPLY_ORDER = ("item", "unshare", "request", "withdraw", "answer", "agreement", "ack")


class BundleRefused(BadSignature):
    """A bundle that was changed, cut short, not encrypted to this journal, or not signed by the partner."""


class UnknownSender(PairjournalError):
    """A bundle signed (validly) by a key no pair of this journal is linked to."""

    exit_code = 11


class BundleReplayed(PairjournalError):
    """A bundle already read, or older than the newest one read from that partner."""

    exit_code = 12


class NotABundle(UsageError):
    """The file is not a pairjournal bundle at all."""


def _digest(entry: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(entry)).hexdigest()


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def require_link(journal: Journal, pair: Pair) -> PartnerLink:
    link = journal.partner_link(pair.id)
    if link is None:
        raise UsageError(
            f"the pair with {pair.name} is not linked to your partner's journal: swap cards first "
            "(`pairjournal card`, then `pairjournal partner link --pair NAME CARD`)"
        )
    return link


# -- what I send ---------------------------------------------------------------------------


def _item_entry(journal: Journal, item: Takeaway | ActionItem | ObjectiveProgress | Recognition) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "type": "item", "item": item.id, "kind": item.KIND, "text": "", "on": _iso(journal.item_date(item)),
        "owner": "", "due": None, "status": "", "evidence": "", "completed_on": None, "objective": "", "level": "",
        "for_coordinator": item.scope is ShareScope.COORDINATOR,
    }
    match item:
        case Takeaway() | Recognition():
            entry["text"] = item.text
        case ActionItem():
            entry.update(text=item.text, owner=item.owner.value, due=_iso(item.due), status=item.status.value,
                         evidence=item.evidence, completed_on=_iso(item.completed_on),
                         objective=item.objective_id or "")
        case ObjectiveProgress():
            entry.update(text=item.evidence, objective=item.objective_id,
                         level=progress_level(item).value)
    return entry


def _asks_consent(journal: Journal, item: Disclosable) -> bool:
    """Marked for the coordinator with my consent for it as it is: a request the partner answers.

    Said for as long as that holds, answered or not. A request that stopped being said once
    their receipt arrived left as a withdrawal: their journal then called it withdrawn, hid
    it, and they could no longer decline what they had approved (docs/EXCHANGE.md)."""
    if item.scope is not ShareScope.COORDINATOR or item.my_consent is None:
        return False
    return item.my_consent.sha256 == journal.outbound_digest(item)


def current_entries(journal: Journal, pair: Pair) -> dict[str, dict[str, Any]]:
    """Everything a bundle to this pair's partner would say today, by entry key."""
    found: dict[str, dict[str, Any]] = {}
    me = identity.mine(journal).fingerprint
    for item in consent.items(journal, pair.id):
        if item.scope is ShareScope.PRIVATE:
            continue
        found[f"item:{item.id}"] = _item_entry(journal, item)
    candidates: list[Disclosable] = [*consent.items(journal, pair.id)]
    candidates += [o for _, _, o in consent.current_objectives(journal, pair.id)]
    for asked in candidates:
        if _asks_consent(journal, asked):
            content = journal.outbound(asked)
            found[f"request:{asked.id}"] = {
                "type": "request", "item": asked.id, "kind": consent.kind_of(asked),
                "content": canonical_json(content).decode("utf-8"), "sha256": journal.outbound_digest(asked),
                "coordinator": content["coordinator"], "author": me,
            }
    for request in journal.consent_requests(pair.id):
        if request.decision is not Decision.PENDING:
            found[f"answer:{request.item_id}"] = {
                "type": "answer", "item": request.item_id, "sha256": request.sha256,
                "decision": request.decision.value,
                "receipt": receipt_json(request.receipt) if request.receipt is not None else None,
            }
    agreement = journal.agreement(pair.id)
    if agreement is not None:
        sha = charter.agreement_hash(agreement)
        if not agreement.from_partner:
            found["agreement:current"] = {"type": "agreement", "sha256": sha,
                                          "terms": charter.agreement_terms(agreement)}
        if agreement.my_ack is not None and agreement.my_signature:
            found[f"ack:{sha}"] = {"type": "ack", "agreement": sha, "on": agreement.my_ack.isoformat(),
                                   "signature": agreement.my_signature}
    return found


def _removal(key: str) -> dict[str, Any] | None:
    kind, _, ref = key.partition(":")
    if kind == "item":
        return {"type": "unshare", "item": ref}
    if kind == "request":
        return {"type": "withdraw", "item": ref}
    return None


def _unconfirmed(link: PartnerLink, entries: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The entries the partner has not confirmed having, with removals for what stopped being said."""
    confirmed = {(s.key, s.sha256) for s in link.sent if s.seq <= link.confirmed_seq}
    everything = dict(entries)
    for sent in link.sent:
        if sent.key not in everything and (removal := _removal(sent.key)) is not None:
            everything[sent.key] = removal
    return {key: e for key, e in everything.items() if (key, _digest(e)) not in confirmed}


def sign_pending_acks(journal: Journal, pair: Pair) -> None:
    """An acknowledgement recorded without a signature (the interface's agreement screen) is signed as it leaves."""
    agreement = journal.agreement(pair.id)
    if agreement is not None and agreement.my_ack is not None and not agreement.my_signature:
        signature = sign_ack(journal, charter.agreement_hash(agreement), agreement.my_ack)
        journal.acknowledge(agreement, me=agreement.my_ack, my_signature=signature)


def sign_ack_now(journal: Journal, agreement: Agreement, on: date) -> Agreement:
    """My acknowledgement of a version, signed over its hash (the CLI's `agreement ack --me` in a linked pair)."""
    signature = sign_ack(journal, charter.agreement_hash(agreement), on)
    return journal.acknowledge(agreement, me=on, my_signature=signature)


@dataclass(frozen=True)
class Prepared:
    data: bytes
    seq: int
    entries: dict[str, dict[str, Any]]
    pair: Pair

    def counts(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for entry in self.entries.values():
            found[entry["type"]] = found.get(entry["type"], 0) + 1
        return found


def prepare(journal: Journal, pair: Pair, *, made: datetime | None = None) -> Prepared:
    """The bytes of the next bundle to the pair's partner (nothing written yet)."""
    link = require_link(journal, pair)
    key = ensure_key(journal)
    mine = identity.mine(journal)
    entries = _unconfirmed(link, current_entries(journal, pair))
    payload: dict[str, Any] = {
        "schema": SCHEMA,
        "version": VERSION,
        "seq": link.out_seq + 1,
        "ack": link.in_seq,
        "from": mine.fingerprint,
        "from_key": b64(public_bytes(key)),
        "to": link.partner.fingerprint,
        "to_age": link.partner.age_recipient,
        "made": (made or now()).isoformat(),
        "entries": [entries[k] for k in sorted(entries)],
    }
    signed = canonical_json(payload)
    document = canonical_json({"payload": payload, "signature": b64(sign_message(key, CONTEXT + signed))})
    return Prepared(identity.encrypt(document, link.partner.age_recipient), payload["seq"], entries, pair)


def _record_sent(journal: Journal, prepared: Prepared) -> None:
    link = require_link(journal, prepared.pair)
    known = {s.key: s for s in link.sent}
    for key, entry in prepared.entries.items():
        sha = _digest(entry)
        before = known.get(key)
        if before is None or before.sha256 != sha:
            known[key] = SentEntry(key=key, sha256=sha, seq=prepared.seq)
    link.sent = [known[k] for k in sorted(known)]
    link.out_seq = prepared.seq
    journal.save(link)


def write(journal: Journal, pair: Pair, dest: Path, *, force: bool = False,
          made: datetime | None = None) -> Prepared:
    """Writes the next bundle to dest (0600, never half-written) and counts it sent, in one transaction."""
    check_destination(dest, force=force, journal_path=journal.path)
    with journal.batch():
        sign_pending_acks(journal, pair)
        prepared = prepare(journal, pair, made=made)
        staged = StagedFile(dest, prepared.data)
        try:
            _record_sent(journal, prepared)
            staged.publish(force=force)
        except BaseException:
            staged.discard()
            raise
    return prepared


def suggested_name(journal: Journal, pair: Pair) -> str:
    link = require_link(journal, pair)
    slug = "".join(c if c.isalnum() else "-" for c in link.partner.name.casefold()).strip("-") or "partner"
    return f"pairjournal-to-{slug}-{link.out_seq + 1}.age"


# -- what arrives ----------------------------------------------------------------------------


@dataclass
class Opened:
    """A bundle that passed every check, not applied yet."""

    pair: Pair
    link: PartnerLink
    payload: dict[str, Any]

    @property
    def seq(self) -> int:
        return int(self.payload["seq"])


def _refuse(why: str) -> BundleRefused:
    return BundleRefused(f"bundle refused: {why}; nothing was applied")


def open_bundle(journal: Journal, data: bytes, *, pair: Pair | None = None) -> Opened:
    """Decrypts and checks a bundle completely; raises with one line, applying nothing."""
    if not data.startswith(b"age-encryption.org/v1\n"):
        raise NotABundle("this is not a pairjournal bundle (not an age file); nothing was applied")
    inner = identity.decrypt(journal, data)
    if inner is None:
        raise _refuse("it does not open with this journal's key (it is for someone else, or it was changed or "
                      "cut short)")
    try:
        document = json.loads(inner.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _refuse("its contents are not a signed pairjournal bundle") from None
    if not isinstance(document, dict) or set(document) != {"payload", "signature"} \
            or canonical_json(document) != inner or not isinstance(document["payload"], dict):
        raise _refuse("its contents are not a signed pairjournal bundle")
    payload: dict[str, Any] = document["payload"]
    if set(payload) != PAYLOAD_FIELDS or payload["schema"] != SCHEMA or payload["version"] != VERSION:
        raise _refuse("it is not a bundle of the version this pairjournal reads")
    sender = b64_exact(payload["from_key"], 32)
    signature = b64_exact(document["signature"], 64)
    if sender is None or signature is None \
            or not signature_valid(sender, signature, CONTEXT + canonical_json(payload)):
        raise _refuse("its signature does not match its contents (it was changed)")
    fingerprint = fingerprint_of(sender)
    if payload["from"] != fingerprint:
        raise _refuse("the sender it names is not the key that signed it")
    mine = identity.mine(journal)
    if payload["to"] != mine.fingerprint or payload["to_age"] != mine.age_recipient:
        raise _refuse(f"it was made for another journal (the key {payload['to']}), not this one")
    links = [(p, link) for p, link in journal.linked_pairs()
             if link.partner.signing_key == payload["from_key"] and (pair is None or p.id == pair.id)]
    if not links:
        raise UnknownSender(
            f"bundle refused: it is signed by the key {fingerprint}, which no pair of yours is linked to "
            "(link your partner's card first, or ask who sent it); nothing was applied"
        )
    if len(links) > 1:
        raise UsageError("more than one pair is linked to the key that signed this bundle: name one with --pair")
    found, link = links[0]
    seq, ack = payload["seq"], payload["ack"]
    if type(seq) is not int or type(ack) is not int or seq < 1 or ack < 0:
        raise _refuse("its sequence numbers are malformed")
    if seq <= link.in_seq:
        what = "was already read" if seq == link.in_seq else f"is older than the newest one read ({link.in_seq})"
        raise BundleReplayed(f"bundle refused: this bundle from {link.partner.name} (number {seq}) {what}; "
                             "nothing was applied")
    if ack > link.out_seq:
        raise _refuse(f"it confirms bundle {ack} of yours, but you wrote {link.out_seq}")
    if not isinstance(payload["made"], str) or not isinstance(payload["entries"], list):
        raise _refuse("its contents are malformed")
    for n, entry in enumerate(payload["entries"]):
        _check_entry(entry, n, payload)
    return Opened(found, link, payload)


def _check_entry(entry: Any, n: int, payload: dict[str, Any]) -> None:
    where = f"entry {n + 1}"
    if not isinstance(entry, dict) or entry.get("type") not in ENTRY_FIELDS \
            or set(entry) != ENTRY_FIELDS[entry["type"]]:
        raise _refuse(f"{where} is not one pairjournal writes")
    for name, value in entry.items():
        if name not in ("receipt", "terms", "for_coordinator") and value is not None and not isinstance(value, str):
            raise _refuse(f"{where} is malformed ({name})")
        if isinstance(value, str):
            try:
                check_text(value, name)
            except UsageError:
                raise _refuse(f"{where} holds text that is not valid Unicode") from None
    kind = entry["type"]
    try:
        if kind == "item":
            if entry["kind"] not in ("takeaway", "action", "progress", "recognition") \
                    or not isinstance(entry["for_coordinator"], bool):
                raise ValueError
            for name in ("on", "due", "completed_on"):
                if entry[name] is not None:
                    date.fromisoformat(entry[name])
        elif kind == "request":
            if entry["kind"] not in REQUEST_KINDS or entry["author"] != payload["from"] \
                    or hashlib.sha256(entry["content"].encode("utf-8")).hexdigest() != entry["sha256"]:
                raise ValueError
            content = json.loads(entry["content"])
            if not isinstance(content, dict) or canonical_json(content).decode("utf-8") != entry["content"] \
                    or content.get("kind") != entry["kind"] or content.get("coordinator") != entry["coordinator"]:
                raise ValueError
        elif kind == "answer":
            if entry["decision"] not in ("approved", "declined"):
                raise ValueError
            if entry["decision"] == "approved":
                receipt = receipt_from_json(entry["receipt"], where)
                body, key = check_receipt(receipt, where)
                if b64(key) != payload["from_key"] or body["item"] != entry["item"] \
                        or body["sha256"] != entry["sha256"] or body["author"] != payload["to"]:
                    raise BadReceipt(f"{where}: the receipt is not the partner's for this item and these bytes")
                date.fromisoformat(body["on"])
            elif entry["receipt"] is not None:
                raise ValueError
        elif kind == "agreement":
            terms = _terms(entry["terms"])
            if charter.agreement_hash(terms) != entry["sha256"]:
                raise ValueError
        elif kind == "ack":
            day = date.fromisoformat(entry["on"])
            sender = b64_exact(payload["from_key"], 32)
            if sender is None or not ack_valid(sender, entry["signature"], entry["agreement"], day):
                raise _refuse(f"{where}: the acknowledgement's signature does not match")
    except BundleRefused:
        raise
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        raise _refuse(f"{where} is malformed") from None


_TERM_FIELDS = {"objectives", "cadence", "minutes", "review_date", *(name for name, _, _ in charter.TEXT_FIELDS)}


def _terms(value: Any) -> Agreement:
    """An agreement version's terms as a bundle carries them, made into a draft Agreement (or ValueError)."""
    if not isinstance(value, dict) or set(value) != _TERM_FIELDS or not isinstance(value["objectives"], list):
        raise ValueError("terms")
    objectives = []
    for o in value["objectives"]:
        if not isinstance(o, dict) or set(o) != {"id", "outcome", "evidence", "timebox"}:
            raise ValueError("objective")
        if not all(isinstance(o[k], str) for k in ("id", "outcome", "evidence")) or not o["id"]:
            raise ValueError("objective")
        objectives.append(Objective(id=o["id"], outcome=check_text(o["outcome"]), evidence=check_text(o["evidence"]),
                                    timebox=date.fromisoformat(o["timebox"]) if o["timebox"] else None))
    minutes = value["minutes"]
    if type(minutes) is not int or not 1 <= minutes <= 600:
        raise ValueError("minutes")
    made = Agreement(pair_id="", objectives=objectives, cadence=Cadence(value["cadence"]), minutes=minutes,
                     review_date=date.fromisoformat(value["review_date"]) if value["review_date"] else None)
    for name, _, _ in charter.TEXT_FIELDS:
        if not isinstance(value[name], str):
            raise ValueError(name)
        setattr(made, name, check_text(value[name]))
    return made


@dataclass
class Arrived:
    """What one bundle brought, for the person to read."""

    partner: str
    seq: int
    lines: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def note(self, kind: str, line: str | None = None) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        if line:
            self.lines.append(line)


def _short(text: str, width: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def apply(journal: Journal, opened: Opened) -> Arrived:
    """Applies a checked bundle in one transaction; applying the same entries again changes nothing."""
    pair, payload = opened.pair, opened.payload
    arrived = Arrived(partner=opened.link.partner.name, seq=opened.seq)
    received = now()
    with journal.batch():
        # A version before its acknowledgement, whatever order the keys sorted them in.
        for entry in sorted(payload["entries"], key=lambda e: APPLY_ORDER.index(e["type"])):
            _apply_entry(journal, pair, entry, received, arrived)
        link = require_link(journal, pair)
        link.in_seq = opened.seq
        link.confirmed_seq = max(link.confirmed_seq, int(payload["ack"]))
        journal.save(link)
    return arrived


def _apply_entry(journal: Journal, pair: Pair, entry: dict[str, Any], received: datetime, arrived: Arrived) -> None:
    kind = entry["type"]
    if kind == "item":
        item = PartnerItem(
            pair_id=pair.id, item_id=entry["item"], kind=entry["kind"], text=entry["text"],
            on=date.fromisoformat(entry["on"]) if entry["on"] else None, owner=entry["owner"],
            due=date.fromisoformat(entry["due"]) if entry["due"] else None, status=entry["status"],
            evidence=entry["evidence"],
            completed_on=date.fromisoformat(entry["completed_on"]) if entry["completed_on"] else None,
            objective_id=entry["objective"], level=entry["level"], for_coordinator=entry["for_coordinator"],
            received=received,
        )
        if journal.store_partner_item(item):
            arrived.note("item", f"  {entry['kind']} [{entry['item'][:8]}]: {_short(entry['text'])}")
    elif kind == "unshare":
        if journal.remove_partner_item(pair.id, entry["item"]):
            arrived.note("unshare", f"  no longer shared: [{entry['item'][:8]}]")
    elif kind == "request":
        if journal.store_consent_request(ConsentRequest(
            pair_id=pair.id, item_id=entry["item"], kind=entry["kind"], content=entry["content"],
            sha256=entry["sha256"], author=entry["author"], coordinator=entry["coordinator"], received=received,
        )):
            arrived.note("request", f"  consent request [{entry['item'][:8]}] ({entry['kind']}) for "
                                    f"{entry['coordinator'] or 'the coordinator'}: waiting for your answer")
    elif kind == "withdraw":
        if journal.withdraw_consent_request(pair.id, entry["item"]):
            arrived.note("withdraw", f"  request withdrawn: [{entry['item'][:8]}]")
    elif kind == "answer":
        _apply_answer(journal, pair, entry, arrived)
    elif kind == "agreement":
        _apply_agreement(journal, pair, entry, arrived)
    elif kind == "ack":
        _apply_ack(journal, pair, entry, arrived)


def _pair_of(journal: Journal, item: Disclosable) -> str | None:
    """The pair an item belongs to; an objective's is its agreement's."""
    if isinstance(item, Objective):
        return next((a.pair_id for a, _, o in consent.current_objectives(journal) if o.id == item.id), None)
    return item.pair_id


def _apply_answer(journal: Journal, pair: Pair, entry: dict[str, Any], arrived: Arrived) -> None:
    try:
        item = consent.find_item(journal, entry["item"])
    except (NotFound, UsageError):
        arrived.note("answer", f"  an answer about [{entry['item'][:8]}], which is no longer in your journal")
        return
    if _pair_of(journal, item) != pair.id:
        # The partner of this pair answers for this pair's items only, whatever ids they know.
        arrived.note("answer", f"  an answer about [{entry['item'][:8]}], which is not an item of this pair: ignored")
        return
    sha = entry["sha256"]
    if entry["decision"] == "approved":
        receipt = receipt_from_json(entry["receipt"], "answer")
        body, _ = check_receipt(receipt, "answer")
        given = Consent(given_on=date.fromisoformat(body["on"]), how="signed by your partner", sha256=sha,
                        receipt=receipt)
        if item.partner_consent == given:
            return
        item.partner_consent = given
        item.declined_sha256 = ""
        current = "" if journal.outbound_digest(item) == sha else " (for an earlier wording: it changed since)"
        arrived.note("approved", f"  approved, with a signed receipt: [{item.id[:8]}]{current}")
    else:
        if item.declined_sha256 == sha:
            return
        if item.partner_consent is not None and item.partner_consent.sha256 == sha:
            item.partner_consent = None
        item.declined_sha256 = sha
        arrived.note("declined", f"  declined: [{item.id[:8]}] stays out of every export")
    consent.save_item(journal, item)


def _apply_agreement(journal: Journal, pair: Pair, entry: dict[str, Any], arrived: Arrived) -> None:
    history = journal.agreement_history(pair.id)
    if any(charter.agreement_hash(a) == entry["sha256"] for a in history):
        return
    terms = _terms(entry["terms"])
    made = journal.new_agreement_version(
        pair.id, objectives=terms.objectives, cadence=terms.cadence, minutes=terms.minutes,
        review_date=terms.review_date, from_partner=True,
        **{name: getattr(terms, name) for name, _, _ in charter.TEXT_FIELDS},
    )
    arrived.note("agreement", f"  agreement version {made.version}, proposed by your partner: read it with "
                              f"`pairjournal agreement diff --pair NAME`, then acknowledge it")


def _apply_ack(journal: Journal, pair: Pair, entry: dict[str, Any], arrived: Arrived) -> None:
    for version in journal.agreement_history(pair.id):
        if charter.agreement_hash(version) == entry["agreement"]:
            day = date.fromisoformat(entry["on"])
            if version.partner_signature == entry["signature"] and version.partner_ack == day:
                return
            journal.acknowledge(version, partner=day, partner_signature=entry["signature"])
            arrived.note("ack", f"  your partner signed their acknowledgement of agreement version {version.version}")
            return
    arrived.note("ack", "  an acknowledgement of an agreement version this journal does not hold")


def read(journal: Journal, path: Path, *, pair: Pair | None = None) -> Arrived:
    """`pairjournal exchange in FILE`: reads (bounded, regular files only), checks, applies."""
    data = read_bounded(path, BUNDLE_LIMIT, "bundle")
    return apply(journal, open_bundle(journal, data, pair=pair))


__all__ = [
    "BUNDLE_LIMIT",
    "Arrived",
    "BundleRefused",
    "BundleReplayed",
    "NotABundle",
    "Opened",
    "Prepared",
    "UnknownSender",
    "apply",
    "current_entries",
    "open_bundle",
    "prepare",
    "read",
    "require_link",
    "sign_ack_now",
    "suggested_name",
    "write",
]

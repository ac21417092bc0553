"""The partner exchange as the journal keeps it: pinned keys, what the partner shared, their requests.

Each partner keeps their own journal. Once a pair is linked to the partner's
card (a PartnerLink: their keys, and the numbers of the bundles both ways),
the partner's bundles bring their shared items (PartnerItem: theirs, read-only
here, searchable, never exported by me) and their consent requests
(ConsentRequest: the exact bytes they would send the coordinator, which I
approve with a signed receipt or decline). The formats, signatures and
encryption are sharing's (sharing/bundles.py, receipts.py, cards.py); this
module only stores and finds, through the same writes as every other record.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import TypeVar

from msgspec.structs import replace

from pairjournal.errors import NotFound, UsageError
from pairjournal.journal.core import MIN_ID_PREFIX, needs_records
from pairjournal.journal.reflecting import ReflectionVerbs
from pairjournal.model import (
    ActionItem,
    Agreement,
    Consentable,
    ConsentRequest,
    Decision,
    ExchangeIdentity,
    ObjectiveProgress,
    Pair,
    PartnerItem,
    PartnerKeys,
    PartnerLink,
    Receipt,
    Recognition,
    Relink,
    Takeaway,
)

PARTNER_KINDS = ("takeaway", "action", "progress", "recognition")
R = TypeVar("R", ConsentRequest, PartnerItem)


def derived_id(*parts: str) -> str:
    """A record id that follows from what the record is about, so applying a bundle twice adds nothing."""
    return hashlib.sha256("|".join(("pairjournal", *parts)).encode("utf-8")).hexdigest()[:32]


class ExchangeVerbs(ReflectionVerbs):
    # -- my identity ---------------------------------------------------------------------

    @needs_records
    def exchange_identity(self) -> ExchangeIdentity | None:
        found = sorted(self._records.all(ExchangeIdentity), key=lambda k: (k.created, k.id))
        return found[0] if found else None

    # -- the link ----------------------------------------------------------------------

    @needs_records
    def partner_link(self, pair_id: str) -> PartnerLink | None:
        """The pair's link to the partner's journal, or None when the pair is not linked."""
        found = [link for link in self._records.all(PartnerLink) if link.pair_id == pair_id]
        return found[0] if found else None

    @needs_records
    def linked_pairs(self) -> list[tuple[Pair, PartnerLink]]:
        found = []
        for link in self._records.all(PartnerLink):
            pair = self._records.find(link.pair_id)
            if isinstance(pair, Pair):
                found.append((pair, link))
        return sorted(found, key=lambda p: p[0].name.casefold())

    @needs_records
    def link_partner(self, pair_id: str, keys: PartnerKeys, *, verified: bool, on: date | None = None,
                     relink: bool = False) -> PartnerLink:
        """Pins the partner's keys in the pair. A different key needs relink=True, and is recorded."""
        pair = self.get(Pair, pair_id)
        self.require_active(pair)
        day = on or date.today()
        # A bundle names no pair: the sender's key is what finds it. Two active pairs on one key
        # would let a bundle meant for one apply its items, requests and answers to the other.
        for other, other_link in self.linked_pairs():
            if other.id != pair.id and other.ended_on is None and other_link.partner.fingerprint == keys.fingerprint:
                raise UsageError(
                    f"this card ({keys.fingerprint}) is already linked to your pair with {other.name}; one "
                    "partner's journal links to one active pair (end that pair first if this one replaces it)"
                )
        link = self.partner_link(pair.id)
        if link is None:
            return self.save(PartnerLink(pair_id=pair.id, partner=keys, verified=verified, linked_on=day,
                                         id=derived_id("partner-link", pair.id)))
        if link.partner.fingerprint == keys.fingerprint and link.partner.age_recipient == keys.age_recipient:
            link.partner = keys
            link.verified = link.verified or verified
            return self.save(link)
        if not relink:
            raise UsageError(
                f"the pair with {pair.name} is linked to the key {link.partner.fingerprint}, and this card has "
                f"another ({keys.fingerprint}); confirm the change with the partner and relink explicitly"
            )
        old_key = link.partner.signing_key
        with self.batch():
            link.relinks.append(Relink(on=day, old_fingerprint=link.partner.fingerprint,
                                       new_fingerprint=keys.fingerprint, verified=verified))
            link.partner = keys
            link.verified = verified
            # A new journal on the partner's side numbers its bundles from 1, and has none of mine.
            link.in_seq = 0
            link.confirmed_seq = 0
            link.sent = []
            self._forget_signatures_of(pair.id, old_key)
            return self.save(link)

    def _forget_signatures_of(self, pair_id: str, key: str) -> None:
        """Receipts and an acknowledgement the replaced key signed. An export names one partner key and
        verify holds every receipt against it, so they could not be checked: the items wait for the new
        journal's receipt (the next bundle asks for it), the agreement for its acknowledgement."""
        items: list[Takeaway | ActionItem | ObjectiveProgress | Recognition] = [
            *self._records.all(Takeaway), *self._records.all(ActionItem),
            *self._records.all(ObjectiveProgress), *self._records.all(Recognition)]
        for item in items:
            if item.pair_id == pair_id and _receipt_by(item, key):
                item.partner_consent = None
                self.save(item)
        for version in self._records.all(Agreement):
            if version.pair_id != pair_id:
                continue
            signed = [o for o in version.objectives if _receipt_by(o, key)]
            for objective in signed:
                objective.partner_consent = None
            if signed or version.partner_signature:
                if version.partner_signature:
                    version.partner_signature = ""
                    version.partner_ack = None
                self.save(version)

    # -- what the partner shared -------------------------------------------------------------

    @needs_records
    def partner_items(self, pair_id: str | None = None, kind: str | None = None) -> list[PartnerItem]:
        """The partner's shared items (theirs, read-only here), oldest first."""
        found = [
            i for i in self._records.all(PartnerItem)
            if (pair_id is None or i.pair_id == pair_id) and (kind is None or i.kind == kind)
        ]
        return sorted(found, key=lambda i: (i.on or i.created.date(), i.created, i.item_id))

    @needs_records
    def partner_open_actions(self, pair_id: str) -> list[PartnerItem]:
        """The partner's shared action items still open: to summarise actions together in a session."""
        return [i for i in self.partner_items(pair_id, "action") if i.status == "open"]

    def _partner_followups(self, pair_id: str) -> list[str]:
        return [i.text for i in self.partner_open_actions(pair_id)]

    @needs_records
    def partner_item(self, ref: str) -> PartnerItem:
        return _by_ref(self._records.all(PartnerItem), ref, "item your partner shared")

    @needs_records
    def store_partner_item(self, item: PartnerItem) -> bool:
        """Keeps the partner's item as their bundle says it (one record per item of theirs);
        False when the journal already held it exactly so (nothing is written then)."""
        if item.kind not in PARTNER_KINDS:
            raise UsageError(f"a partner's item of kind {item.kind!r} is not something pairjournal shares")
        item.id = derived_id("partner-item", item.pair_id, item.item_id)
        existing = self._records.find(item.id)
        if isinstance(existing, PartnerItem):
            item.created = existing.created
            if replace(existing, received=item.received) == item:
                return False
        self.save(item)
        return True

    @needs_records
    def remove_partner_item(self, pair_id: str, item_id: str) -> bool:
        existing = self._records.find(derived_id("partner-item", pair_id, item_id))
        if isinstance(existing, PartnerItem):
            self.delete(existing)
            return True
        return False

    # -- the partner's consent requests ---------------------------------------------------------

    @needs_records
    def consent_requests(self, pair_id: str | None = None, *, pending_only: bool = False) -> list[ConsentRequest]:
        """The partner's requests to approve their items for the coordinator, oldest first
        (withdrawn ones left out; with pending_only, only those still waiting for my answer)."""
        found = [
            r for r in self._records.all(ConsentRequest)
            if (pair_id is None or r.pair_id == pair_id) and not r.withdrawn
            and (not pending_only or r.decision is Decision.PENDING)
        ]
        return sorted(found, key=lambda r: (r.received, r.item_id))

    @needs_records
    def consent_request(self, ref: str) -> ConsentRequest:
        return _by_ref([r for r in self._records.all(ConsentRequest) if not r.withdrawn], ref,
                       "consent request from your partner")

    @needs_records
    def store_consent_request(self, request: ConsentRequest) -> bool:
        """A request as the partner's bundle says it. The same bytes asked again keep my answer
        (False: nothing written); new bytes (they edited the item) wait for a new one."""
        request.id = derived_id("consent-request", request.pair_id, request.item_id)
        existing = self._records.find(request.id)
        if isinstance(existing, ConsentRequest) and existing.sha256 == request.sha256 and not existing.withdrawn:
            return False
        self.save(request)
        return True

    @needs_records
    def withdraw_consent_request(self, pair_id: str, item_id: str) -> bool:
        existing = self._records.find(derived_id("consent-request", pair_id, item_id))
        if isinstance(existing, ConsentRequest) and not existing.withdrawn:
            existing.withdrawn = True
            self.save(existing)
            return True
        return False

    @needs_records
    def answer_consent_request(self, request: ConsentRequest, decision: Decision, *, on: date,
                               receipt: Receipt | None = None) -> ConsentRequest:
        """Records my answer; an approval carries the receipt I signed (sharing/receipts.py)."""
        if decision is Decision.APPROVED and receipt is None:
            raise UsageError("an approval is a signed receipt")
        request.decision = decision
        request.decided_on = on
        request.receipt = receipt if decision is Decision.APPROVED else None
        return self.save(request)


def _receipt_by(item: Consentable, key: str) -> bool:
    given = item.partner_consent
    return given is not None and given.receipt is not None and given.receipt.public_key == key


def _by_ref(found: list[R], ref: str, what: str) -> R:
    wanted = ref.strip().lower()
    exact = [r for r in found if wanted in (r.item_id, r.id)]
    if len(exact) == 1:
        return exact[0]
    matches = [r for r in found if len(wanted) >= MIN_ID_PREFIX and r.item_id.startswith(wanted)] if wanted else []
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise UsageError(f"id {ref!r} matches more than one {what}; give more characters")
    raise NotFound(f"no {what} with id {ref!r}")


__all__ = ["PARTNER_KINDS", "ExchangeVerbs", "derived_id"]

"""Consent verbs: who agreed to share which item with the coordinator, in exactly which form.

An item leaves in a coordinator export only when both consents are recorded for
its content as it is now: mine (given when I share it with the coordinator) and
the partner's (a dated Consent saying how it was given). Each records the
SHA-256 of the item's outbound content (journal/outbound.py); an edit that
changes what would leave makes the item "changed since consent" until both are
given again. Marked for the coordinator without the partner's consent it is
*pending*. Withdrawing clears both consents and makes the item private again;
the Withdrawal stays on the item, flagged ``after_export`` when a file already
carried it, so the person can see what can no longer be taken back.

Objectives of the pair's agreement share the same way (an objective is a
Consentable inside its agreement version), and additionally leave only from a
version both partners acknowledged (see summary.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from pairjournal.errors import NotFound, UsageError
from pairjournal.journal import vocabulary
from pairjournal.journal.outbound import (
    STATUS_EXPLANATIONS,
    STATUS_LABELS,
    ConsentKind,
    Disclosable,
    Item,
    consent_kind,
    progress_level,
)
from pairjournal.journal.outbound import ConsentStatus as Status
from pairjournal.journal.service import MIN_ID_PREFIX, Journal, title_of
from pairjournal.model import (
    ActionItem,
    Agreement,
    Consent,
    Disclosure,
    Objective,
    ObjectiveProgress,
    Pair,
    Recognition,
    ShareScope,
    Takeaway,
    Withdrawal,
    check_text,
)

SHAREABLE_TYPES: tuple[type, ...] = (Takeaway, ActionItem, ObjectiveProgress, Recognition)
KIND_NAMES = vocabulary.KIND_NAMES


def kind_of(item: Disclosable) -> str:
    return "objective" if isinstance(item, Objective) else item.KIND


def status(journal: Journal, item: Disclosable) -> Status:
    return journal.consent_status(item)


def exportable(journal: Journal, item: Disclosable) -> bool:
    """The single gate of the coordinator export: both consents, for exactly this content."""
    return journal.consent_status(item) is Status.CONSENTED


def label(state: Status) -> str:
    return STATUS_LABELS[state]


def explain(state: Status) -> str:
    return STATUS_EXPLANATIONS[state]


# -- finding items -------------------------------------------------------------------


def current_objectives(journal: Journal, pair_id: str | None = None) -> list[tuple[Agreement, int, Objective]]:
    """(version, number, objective) for every objective of each pair's current agreement."""
    found: list[tuple[Agreement, int, Objective]] = []
    pairs = [journal.get(Pair, pair_id)] if pair_id else journal.pairs()
    for pair in pairs:
        agreement = journal.agreement(pair.id)
        if agreement is not None:
            found += [(agreement, n, o) for n, o in enumerate(agreement.objectives, 1)]
    return found


def find_item(journal: Journal, item_id: str) -> Disclosable:
    """A takeaway, action item, progress entry or current objective by id or unique prefix."""
    found: list[Disclosable] = []
    for cls in SHAREABLE_TYPES:
        try:
            found.append(journal.get(cls, item_id))
        except NotFound:
            continue
    wanted = item_id.strip().lower()
    if len(wanted) >= MIN_ID_PREFIX:
        found += [o for _, _, o in current_objectives(journal) if o.id == wanted or o.id.startswith(wanted)]
    if not found:
        raise NotFound(f"no takeaway, action item, progress entry or objective with id {item_id!r}")
    if len(found) > 1:
        raise UsageError(f"id {item_id!r} matches more than one item; give more characters")
    return found[0]


def save_item(journal: Journal, item: Disclosable) -> Disclosable:
    """Saves an item after a consent verb changed it (an objective through its agreement version)."""
    if isinstance(item, Objective):
        for agreement, _, objective in current_objectives(journal):
            if objective is item:
                journal.save(agreement)
                return item
        raise NotFound("this objective is not in a current agreement any more")
    return journal.save(item)


def exported_ids(journal: Journal) -> set[str]:
    """Every item id that some delivered export already carried."""
    return {item.id for d in journal.all(Disclosure) if d.status == "delivered" for item in d.items}


# -- the verbs ---------------------------------------------------------------------------


def _withdraw_in_place(journal: Journal, item: Disclosable, on: date) -> Withdrawal:
    withdrawal = Withdrawal(on=on, after_export=item.id in exported_ids(journal))
    item.withdrawals.append(withdrawal)
    item.my_consent = None
    item.partner_consent = None
    item.scope = ShareScope.PRIVATE
    return withdrawal


def set_scope(journal: Journal, item_id: str, scope: ShareScope | str, *, on: date | None = None) -> Disclosable:
    """My side of consent. Sharing with the coordinator records my consent for the item
    exactly as it is now; leaving the coordinator scope withdraws every consent given."""
    item = find_item(journal, item_id)
    scope = ShareScope(scope)
    day = on or date.today()
    if scope is ShareScope.COORDINATOR:
        item.scope = scope
        sha = journal.outbound_digest(item)
        if item.my_consent is None or item.my_consent.sha256 != sha:
            item.my_consent = Consent(given_on=day, how="", sha256=sha)
    else:
        if item.scope is ShareScope.COORDINATOR and (item.my_consent or item.partner_consent):
            if item.partner_consent is not None:
                _withdraw_in_place(journal, item, day)
            item.my_consent = None
            item.partner_consent = None
        item.scope = scope
    return save_item(journal, item)


def share(
    journal: Journal, item_id: str, scope: ShareScope | str, *, wording: str | None = None, on: date | None = None
) -> Disclosable:
    """set_scope with an optional new coordinator wording, in one write: my consent is for the final wording."""
    with journal.batch():
        if wording is not None:
            set_wording(journal, item_id, wording)
        return set_scope(journal, item_id, scope, on=on)


def give_consent(journal: Journal, item_id: str, *, how: str, on: date | None = None) -> Disclosable:
    """Records the partner's consent (the date, and how it was given) for the item exactly as it is now."""
    if not how or not how.strip():
        raise UsageError("say how your partner gave consent (for example: --how 'in person')")
    check_text(how, "how consent was given")
    item = find_item(journal, item_id)
    item.partner_consent = Consent(given_on=on or date.today(), how=how.strip(), sha256=journal.outbound_digest(item))
    return save_item(journal, item)


def withdraw(journal: Journal, item_id: str, *, on: date | None = None) -> tuple[Disclosable, Withdrawal]:
    """Withdraws coordinator sharing; later exports leave the item out."""
    item = find_item(journal, item_id)
    if item.scope is not ShareScope.COORDINATOR:
        raise UsageError(f"this {KIND_NAMES[kind_of(item)]} is not shared with the coordinator; nothing to withdraw")
    withdrawal = _withdraw_in_place(journal, item, on or date.today())
    return save_item(journal, item), withdrawal


def set_wording(journal: Journal, item_id: str, text: str) -> Disclosable:
    """The coordinator-facing paraphrase, exported instead of the private text.

    Any change to it changes what would leave, so consent given before no longer
    covers the item. An empty wording means the item's own text: that is a change
    too, never a fallback an earlier consent could carry.
    """
    item = find_item(journal, item_id)
    if isinstance(item, Objective):
        raise UsageError("an objective leaves in the agreement's own words; it takes no separate wording")
    check_text(text, "the coordinator wording")  # before the item changes in memory
    item.coordinator_text = text.strip()
    return journal.save(item)


ItemT = TypeVar("ItemT", Takeaway, ActionItem, ObjectiveProgress, Recognition)


def capture(
    journal: Journal,
    item: ItemT,
    *,
    partner_how: str | None = None,
    wording: str = "",
    on: date | None = None,
) -> ItemT:
    """Sharing chosen while capturing an item: the wording, then my consent and the partner's for it.
    The verbs change the journal's own object in place, so the item given is the item returned."""
    if item.scope is not ShareScope.COORDINATOR:
        return item
    with journal.batch():
        if wording.strip():
            set_wording(journal, item.id, wording)
        set_scope(journal, item.id, ShareScope.COORDINATOR, on=on)
        if partner_how:
            give_consent(journal, item.id, how=partner_how, on=on)
    return item


# -- which items, and where they stand ---------------------------------------------------


def item_date(journal: Journal, item: Item) -> date:
    return journal.item_date(item)


def in_period(journal: Journal, item: Item, start: date, end: date) -> bool:
    return start <= journal.item_date(item) <= end


def items(journal: Journal, pair_id: str | None = None) -> list[Item]:
    found: list[Item] = [
        *journal.takeaways(pair_id), *journal.actions(pair_id), *journal.progress(pair_id),
        *journal.recognitions(pair_id),
    ]
    return found


def consented(journal: Journal, pair_id: str, start: date, end: date) -> list[Item]:
    """The items a coordinator export for this pair and period may carry, oldest first."""
    # Filters on the scope first: on a large journal only a handful of items are shared at all.
    every = items(journal, pair_id)
    found = [
        item
        for item in every
        if item.pair_id == pair_id
        and item.scope is ShareScope.COORDINATOR
        and in_period(journal, item, start, end)
        and exportable(journal, item)  # the costly test (a digest of the outbound content) last
    ]
    return sorted(found, key=lambda i: (journal.item_date(i), i.created, i.id))


def waiting(journal: Journal, pair_id: str | None = None) -> list[Item]:
    """Items marked for the coordinator that cannot leave yet: pending, or changed since consent."""
    return [
        i
        for i in items(journal, pair_id)
        if i.scope is ShareScope.COORDINATOR and status(journal, i) in (Status.PENDING, Status.CHANGED)
    ]


def pending(journal: Journal, pair_id: str | None = None) -> list[Item]:
    return [
        i for i in items(journal, pair_id) if i.scope is ShareScope.COORDINATOR and status(journal, i) is Status.PENDING
    ]


@dataclass(frozen=True)
class ItemState:
    """One row of `pairjournal consent list` and the interface's sharing overview."""

    kind: str
    id: str
    pair_id: str
    title: str
    status: Status
    my_consent: Consent | None
    consent: Consent | None
    wording: str
    withdrawals: tuple[Withdrawal, ...]
    exported: bool
    outbound_sha256: str
    consent_kind: ConsentKind | None = None
    declined: bool = False

    @property
    def withdrawn_after_export(self) -> bool:
        return any(w.after_export for w in self.withdrawals)

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]


def overview(journal: Journal, pair_id: str | None = None, *, shared_only: bool = True) -> list[ItemState]:
    """Every item that is or was meant for someone else (or all items when not shared_only),
    the objectives of each current agreement included."""
    sent = exported_ids(journal)
    rows: list[ItemState] = []
    candidates: list[tuple[Disclosable, str, str]] = []
    for captured in items(journal, pair_id):
        title = (
            title_of(captured)
            if not isinstance(captured, ObjectiveProgress)
            else (captured.evidence or title_of(captured))
        )
        candidates.append((captured, captured.pair_id, title))
    for agreement, number, objective in current_objectives(journal, pair_id):
        candidates.append((objective, agreement.pair_id, f"Objective {number}: {objective.outcome}"))
    for item, owner, title in candidates:
        state = status(journal, item)
        if shared_only and state is Status.PRIVATE:
            continue
        rows.append(
            ItemState(
                kind=kind_of(item),
                id=item.id,
                pair_id=owner,
                title=title.splitlines()[0] if title else "",
                status=state,
                my_consent=item.my_consent,
                consent=item.partner_consent,
                wording=getattr(item, "coordinator_text", ""),
                withdrawals=tuple(item.withdrawals),
                exported=item.id in sent,
                outbound_sha256=journal.outbound_digest(item),
                consent_kind=consent_kind(item),
                declined=bool(item.declined_sha256) and item.declined_sha256 == journal.outbound_digest(item),
            )
        )
    return rows


def by_kind(found: Iterable[Item]) -> dict[str, list[Item]]:
    grouped: dict[str, list[Item]] = {"takeaway": [], "action": [], "progress": [], "recognition": []}
    for item in found:
        grouped[item.KIND].append(item)
    return grouped


__all__ = [
    "ConsentKind",
    "ItemState",
    "Status",
    "capture",
    "consent_kind",
    "consented",
    "current_objectives",
    "explain",
    "exportable",
    "find_item",
    "give_consent",
    "item_date",
    "label",
    "overview",
    "pending",
    "progress_level",
    "save_item",
    "set_scope",
    "set_wording",
    "share",
    "status",
    "waiting",
    "withdraw",
]

"""Consent rules: who agreed to share which item with the coordinator, and withdrawals.

An item leaves in a coordinator export only when both consents are recorded: mine
(its scope is ``coordinator``) and the partner's (a dated Consent saying how it
was given). Marked for the coordinator without the partner's consent it is
*pending*. Withdrawing clears the consent and makes the item private again; the
Withdrawal stays on the item, flagged ``after_export`` when a file already
carried it, so the person can see what can no longer be taken back.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from pairjournal.errors import NotFound, UsageError
from pairjournal.journal.service import Journal, title_of
from pairjournal.model import (
    ActionItem,
    Consent,
    Disclosure,
    ObjectiveProgress,
    Session,
    Shareable,
    ShareScope,
    Takeaway,
    Withdrawal,
)

SHAREABLE_TYPES: tuple[type, ...] = (Takeaway, ActionItem, ObjectiveProgress)
KIND_NAMES = {"takeaway": "takeaway", "action": "action item", "progress": "progress entry"}

Item = Takeaway | ActionItem | ObjectiveProgress


class Status(StrEnum):
    PRIVATE = "private"
    PARTNER = "partner"
    PENDING = "pending"
    CONSENTED = "consented"
    WITHDRAWN = "withdrawn"


def status(item: Shareable) -> Status:
    if item.consent_complete:
        return Status.CONSENTED
    if item.scope is ShareScope.COORDINATOR:
        return Status.PENDING
    if item.withdrawals and item.scope is ShareScope.PRIVATE:
        return Status.WITHDRAWN
    return Status.PARTNER if item.scope is ShareScope.PARTNER else Status.PRIVATE


def exportable(item: Shareable) -> bool:
    """The single gate of the coordinator export: both consents, none withdrawn since."""
    return item.consent_complete


def find_item(journal: Journal, item_id: str) -> Item:
    """A takeaway, action item or progress entry by id or unique prefix."""
    found: list[Item] = []
    for cls in SHAREABLE_TYPES:
        try:
            found.append(journal.get(cls, item_id))
        except NotFound:
            continue
    if not found:
        raise NotFound(f"no takeaway, action item or progress entry with id {item_id!r}")
    if len(found) > 1:
        raise UsageError(f"id {item_id!r} matches more than one item; give more characters")
    return found[0]


def exported_ids(journal: Journal) -> set[str]:
    """Every item id that some logged export already carried."""
    return {item.id for d in journal.all(Disclosure) for item in d.items}


def _withdraw_in_place(journal: Journal, item: Item, on: date) -> Withdrawal:
    withdrawal = Withdrawal(on=on, after_export=item.id in exported_ids(journal))
    item.withdrawals.append(withdrawal)
    item.partner_consent = None
    item.scope = ShareScope.PRIVATE
    return withdrawal


def set_scope(journal: Journal, item_id: str, scope: ShareScope | str, *, on: date | None = None) -> Item:
    """My side of consent. Leaving the coordinator scope withdraws any consent given."""
    item = find_item(journal, item_id)
    scope = ShareScope(scope)
    if item.scope is ShareScope.COORDINATOR and scope is not ShareScope.COORDINATOR and item.consent_complete:
        _withdraw_in_place(journal, item, on or date.today())
    item.scope = scope
    return journal.save(item)


def give_consent(journal: Journal, item_id: str, *, how: str, on: date | None = None) -> Item:
    """Records the partner's consent: the date and how it was given (in person, by email...)."""
    if not how or not how.strip():
        raise UsageError("say how your partner gave consent (for example: --how 'in person')")
    item = find_item(journal, item_id)
    item.partner_consent = Consent(given_on=on or date.today(), how=how.strip())
    return journal.save(item)


def withdraw(journal: Journal, item_id: str, *, on: date | None = None) -> tuple[Item, Withdrawal]:
    """Withdraws coordinator sharing; later exports leave the item out."""
    item = find_item(journal, item_id)
    if item.scope is not ShareScope.COORDINATOR:
        raise UsageError(f"this {KIND_NAMES[item.KIND]} is not shared with the coordinator; nothing to withdraw")
    withdrawal = _withdraw_in_place(journal, item, on or date.today())
    return journal.save(item), withdrawal


def set_wording(journal: Journal, item_id: str, text: str) -> Item:
    """The coordinator-facing paraphrase; exported instead of the private text. Empty: use the text."""
    item = find_item(journal, item_id)
    item.coordinator_text = text.strip()
    return journal.save(item)


def item_date(journal: Journal, item: Item) -> date:
    """The date that places an item in an export period.

    A takeaway belongs to its session's date when it came from one, an action
    item to the day it was created, a progress entry to the day it rates.
    """
    if isinstance(item, Takeaway) and item.session_id:
        session = journal.find(item.session_id)
        if isinstance(session, Session):
            return session.date
    if isinstance(item, ObjectiveProgress) and item.on is not None:
        return item.on
    return item.created.date()


def in_period(journal: Journal, item: Item, start: date, end: date) -> bool:
    return start <= item_date(journal, item) <= end


def items(journal: Journal, pair_id: str | None = None) -> list[Item]:
    found: list[Item] = [*journal.takeaways(pair_id), *journal.actions(pair_id), *journal.progress(pair_id)]
    return found


def consented(journal: Journal, pair_id: str, start: date, end: date) -> list[Item]:
    """The items a coordinator export for this pair and period may carry, oldest first."""
    # Filters before sorting: on a large journal only a handful of items pass.
    found = [
        item
        for cls in SHAREABLE_TYPES
        for item in journal.all(cls)
        if item.pair_id == pair_id and exportable(item) and in_period(journal, item, start, end)
    ]
    return sorted(found, key=lambda i: (item_date(journal, i), i.created, i.id))


def pending(journal: Journal, pair_id: str | None = None) -> list[Item]:
    return [i for i in items(journal, pair_id) if status(i) is Status.PENDING]


@dataclass(frozen=True)
class ItemState:
    """One row of `pairjournal consent list` and the interface's sharing overview."""

    kind: str
    id: str
    pair_id: str
    title: str
    status: Status
    consent: Consent | None
    wording: str
    withdrawals: tuple[Withdrawal, ...]
    exported: bool

    @property
    def withdrawn_after_export(self) -> bool:
        return any(w.after_export for w in self.withdrawals)


def overview(journal: Journal, pair_id: str | None = None, *, shared_only: bool = True) -> list[ItemState]:
    """Every item that is or was meant for someone else (or all items when not shared_only)."""
    sent = exported_ids(journal)
    rows: list[ItemState] = []
    for item in items(journal, pair_id):
        state = status(item)
        if shared_only and state is Status.PRIVATE:
            continue
        title = title_of(item) if not isinstance(item, ObjectiveProgress) else (item.evidence or title_of(item))
        rows.append(
            ItemState(
                kind=item.KIND,
                id=item.id,
                pair_id=item.pair_id,
                title=title.splitlines()[0] if title else "",
                status=state,
                consent=item.partner_consent,
                wording=item.coordinator_text,
                withdrawals=tuple(item.withdrawals),
                exported=item.id in sent,
            )
        )
    return rows


def by_kind(found: Iterable[Item]) -> dict[str, list[Item]]:
    grouped: dict[str, list[Item]] = {"takeaway": [], "action": [], "progress": []}
    for item in found:
        grouped[item.KIND].append(item)
    return grouped


__all__ = [
    "ItemState",
    "Status",
    "consented",
    "exportable",
    "find_item",
    "give_consent",
    "item_date",
    "overview",
    "pending",
    "set_scope",
    "set_wording",
    "status",
    "withdraw",
]

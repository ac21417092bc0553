"""Takeaways, action items and objective progress: the items a pair captures, and what would leave of them.

Each can be shared; what an export would carry of it (its outbound content) and
whether both consents still cover that are decided in outbound.py, with the
one date the journal knows and the model does not (a takeaway's session's).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pairjournal.errors import NotFound, UsageError
from pairjournal.journal import outbound
from pairjournal.journal.core import needs_records, required
from pairjournal.journal.outbound import ConsentStatus, Disclosable, Item
from pairjournal.journal.pairs import PairVerbs
from pairjournal.model import (
    ActionItem,
    ActionStatus,
    Agreement,
    Consent,
    Objective,
    ObjectiveProgress,
    Owner,
    Pair,
    Session,
    ShareScope,
    Takeaway,
    check_values,
)


class ItemVerbs(PairVerbs):
    # -- takeaways -----------------------------------------------------------------

    @needs_records
    def takeaways(self, pair_id: str | None = None, session_id: str | None = None) -> list[Takeaway]:
        ordered = self._records.ordered(Takeaway, pair_id)
        if session_id is None:
            return list(ordered)
        return [t for t in ordered if t.session_id == session_id]

    @needs_records
    def add_takeaway(
        self,
        pair_id: str,
        text: str,
        *,
        session_id: str | None = None,
        scope: ShareScope | str = ShareScope.PRIVATE,
        partner_consent: Consent | None = None,
        coordinator_text: str = "",
        on: date | None = None,
    ) -> Takeaway:
        """A new takeaway. Shared with the coordinator, it records my consent (and the
        partner's, when given) for exactly what it would export: see outbound.py."""
        pair = self.get(Pair, pair_id)
        if session_id is not None:
            session_id = self.get(Session, session_id).id
        takeaway = Takeaway(
            pair_id=pair.id,
            text=required(text, "a takeaway"),
            session_id=session_id,
            scope=ShareScope(scope),
            coordinator_text=coordinator_text.strip(),
        )
        self._bind_new(takeaway, partner_consent, on)
        return self.save(takeaway)

    # -- action items ----------------------------------------------------------------

    @needs_records
    def actions(self, pair_id: str | None = None) -> list[ActionItem]:
        return list(self._records.ordered(ActionItem, pair_id))

    @needs_records
    def open_actions(self, pair_id: str | None = None) -> list[ActionItem]:
        """Open action items, soonest due first; those without a due date last."""
        return list(self._open_actions(pair_id))

    def _open_actions(self, pair_id: str | None) -> list[ActionItem]:
        return self._records.derived(
            ActionItem,
            ("open", pair_id),
            lambda: [a for a in self._records.ordered(ActionItem, pair_id) if a.status is ActionStatus.OPEN],
        )

    def _actions_done(self, pair_id: str) -> int:
        return self._records.derived(
            ActionItem,
            ("done", pair_id),
            lambda: sum(a.status is ActionStatus.DONE for a in self._records.ordered(ActionItem, pair_id)),
        )

    @needs_records
    def add_action(
        self,
        pair_id: str,
        text: str,
        *,
        owner: Owner | str = Owner.ME,
        due: date | None = None,
        session_id: str | None = None,
        objective_id: str | None = None,
        scope: ShareScope | str = ShareScope.PRIVATE,
        partner_consent: Consent | None = None,
        coordinator_text: str = "",
        on: date | None = None,
    ) -> ActionItem:
        pair = self.get(Pair, pair_id)
        action = ActionItem(
            pair_id=pair.id,
            text=required(text, "an action item"),
            owner=Owner(owner),
            due=due,
            session_id=session_id,
            objective_id=objective_id,
            scope=ShareScope(scope),
            coordinator_text=coordinator_text.strip(),
        )
        self._bind_new(action, partner_consent, on)
        return self.save(action)

    @needs_records
    def complete_action(self, action_id: str, *, evidence: str = "", on: date | None = None) -> ActionItem:
        action = self.get(ActionItem, action_id)
        action.status = ActionStatus.DONE
        action.evidence = evidence or action.evidence
        action.completed_on = on or date.today()
        return self.save(action)

    @needs_records
    def drop_action(self, action_id: str) -> ActionItem:
        action = self.get(ActionItem, action_id)
        action.status = ActionStatus.DROPPED
        return self.save(action)

    # -- objective progress ------------------------------------------------------------

    @needs_records
    def progress(self, pair_id: str | None = None) -> list[ObjectiveProgress]:
        return list(self._records.ordered(ObjectiveProgress, pair_id))

    @needs_records
    def add_progress(
        self,
        pair_id: str,
        objective_id: str,
        *,
        rating: int,
        evidence: str = "",
        on: date | None = None,
        scope: ShareScope | str = ShareScope.PRIVATE,
        partner_consent: Consent | None = None,
    ) -> ObjectiveProgress:
        pair = self.get(Pair, pair_id)
        if not 1 <= rating <= 5:
            raise UsageError("a progress rating runs from 1 to 5")
        entry = ObjectiveProgress(
            pair_id=pair.id,
            objective_id=objective_id,
            rating=rating,
            evidence=evidence,
            on=on or date.today(),
            scope=ShareScope(scope),
        )
        self._bind_new(entry, partner_consent, None)
        return self.save(entry)

    # -- what would leave, and whether consent covers it ------------------------------------

    @needs_records
    def item_date(self, item: Item) -> date:
        """The date that places an item in an export period and that its export shows.

        A takeaway belongs to its session's date when it came from one, an action
        item to the day it was created, a progress entry to the day it rates.
        """
        if isinstance(item, Takeaway) and item.session_id:
            session = self._records.find(item.session_id)
            if isinstance(session, Session):
                return session.date
        if isinstance(item, ObjectiveProgress) and item.on is not None:
            return item.on
        return item.created.date()

    @needs_records
    def outbound(self, item: Disclosable) -> dict[str, Any]:
        """The item's outbound content: exactly what a coordinator export would carry of it."""
        match item:
            case Takeaway():
                return outbound.takeaway_content(item, self.item_date(item), self._pair_of(item))
            case ActionItem():
                return outbound.action_content(item, self._pair_of(item))
            case ObjectiveProgress():
                return outbound.progress_content(item, self.item_date(item), self._pair_of(item))
            case Objective():
                return outbound.objective_content(item, self._pair_of(item))
        raise TypeError(f"{type(item).__name__} is not shared")

    def _pair_of(self, item: Disclosable) -> Pair:
        """The pair an item belongs to; an objective's is the pair whose agreement holds it."""
        if isinstance(item, Objective):
            for agreement in self._records.all(Agreement):
                if any(o is item for o in agreement.objectives):
                    return self.get(Pair, agreement.pair_id)
            for agreement in self._records.all(Agreement):
                if any(o.id == item.id for o in agreement.objectives):
                    return self.get(Pair, agreement.pair_id)
            raise NotFound("this objective is in no agreement of this journal")
        return self.get(Pair, item.pair_id)

    @needs_records
    def outbound_digest(self, item: Disclosable) -> str:
        return outbound.digest(self.outbound(item))

    @needs_records
    def consent_status(self, item: Disclosable) -> ConsentStatus:
        return outbound.status_of(item, self.outbound_digest(item))

    def _bind_new(self, item: Item, partner_consent: Consent | None, on: date | None) -> None:
        """A new item shared with the coordinator at once: my consent (and the partner's) for its content."""
        check_values(item)  # a value out of range is refused before anything is computed from it
        sha = self.outbound_digest(item)
        if item.scope is ShareScope.COORDINATOR:
            given = on or (partner_consent.given_on if partner_consent else date.today())
            item.my_consent = Consent(given_on=given, how="", sha256=sha)
        if partner_consent is not None:
            item.partner_consent = outbound.bound(partner_consent, sha)

__all__ = ["ItemVerbs"]

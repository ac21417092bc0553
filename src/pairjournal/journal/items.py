"""Takeaways, action items and objective progress: the items a pair captures, and what would leave of them.

Each can be shared; what an export would carry of it (its outbound content) and
whether both consents still cover that are decided in outbound.py, with the
one date the journal knows and the model does not (a takeaway's session's).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from msgspec.structs import replace

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
    ProgressLevel,
    Recognition,
    Role,
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
        self.require_active(pair)
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

    @needs_records
    def edit_takeaway(self, takeaway_id: str, text: str) -> Takeaway:
        """A corrected takeaway. Shared, it is "changed since consent" until both agree again."""
        takeaway = self.get(Takeaway, takeaway_id)
        self.require_active(self.get(Pair, takeaway.pair_id))
        takeaway.text = required(text, "a takeaway")
        return self.save(takeaway)

    @needs_records
    def delete_item(self, item_id: str) -> Item:
        """Deletes a takeaway, action item, progress entry or recognition: from the file, the
        index and home at once. An export that carried it keeps its log entry."""
        item = self._item(item_id)
        self.delete(item)
        return item

    def _item(self, item_id: str) -> Item:
        found: list[Item] = []
        kinds: tuple[type[Item], ...] = (Takeaway, ActionItem, ObjectiveProgress, Recognition)
        for cls in kinds:
            try:
                found.append(self.get(cls, item_id))
            except NotFound:
                continue
        if not found:
            raise NotFound(f"no takeaway, action item, progress entry or recognition with id {item_id!r}")
        if len(found) > 1:
            raise UsageError(f"id {item_id!r} matches more than one item; give more characters")
        return found[0]

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
        self.require_active(pair)
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

    @needs_records
    def reopen_action(self, action_id: str) -> ActionItem:
        """Back to open: done or dropped by mistake. Its evidence stays."""
        action = self.get(ActionItem, action_id)
        self.require_active(self.get(Pair, action.pair_id))
        if action.status is ActionStatus.OPEN:
            raise UsageError("this action item is open already")
        action.status = ActionStatus.OPEN
        action.completed_on = None
        return self.save(action)

    @needs_records
    def edit_action(self, action_id: str, **changes: object) -> ActionItem:
        """Changes an action item's text, owner, due date, evidence or status."""
        action = self.get(ActionItem, action_id)
        self.require_active(self.get(Pair, action.pair_id))
        unknown = set(changes) - {"text", "owner", "due", "evidence", "status"}
        if unknown:
            raise UsageError(f"an action item has no field {sorted(unknown)[0]!r} to edit")
        edited = replace(action, **changes)
        edited.text = required(edited.text, "an action item")
        edited.owner, edited.status = Owner(edited.owner), ActionStatus(edited.status)
        if edited.status is ActionStatus.DONE and action.status is not ActionStatus.DONE:
            edited.completed_on = edited.completed_on or date.today()
        elif edited.status is not ActionStatus.DONE:
            edited.completed_on = None
        return self.save(edited)

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
        level: ProgressLevel | str,
        evidence: str = "",
        on: date | None = None,
        scope: ShareScope | str = ShareScope.PRIVATE,
        partner_consent: Consent | None = None,
    ) -> ObjectiveProgress:
        """Where an objective of the pair's current agreement stands today, with the evidence."""
        pair = self.get(Pair, pair_id)
        self.require_active(pair)
        objective = self._current_objective(pair.id, objective_id)
        try:
            rated = ProgressLevel(level)
        except ValueError:
            scale = ", ".join(v.value for v in ProgressLevel)
            raise UsageError(f"{level!r} is not a progress rating ({scale})") from None
        entry = ObjectiveProgress(
            pair_id=pair.id,
            objective_id=objective.id,
            level=rated,
            evidence=evidence,
            on=on or date.today(),
            scope=ShareScope(scope),
        )
        self._bind_new(entry, partner_consent, None)
        return self.save(entry)

    @needs_records
    def edit_progress(self, entry_id: str, **changes: object) -> ObjectiveProgress:
        """Changes a progress entry's level, evidence or date."""
        entry = self.get(ObjectiveProgress, entry_id)
        self.require_active(self.get(Pair, entry.pair_id))
        unknown = set(changes) - {"level", "evidence", "on"}
        if unknown:
            raise UsageError(f"a progress entry has no field {sorted(unknown)[0]!r} to edit")
        edited = replace(entry, **changes)
        if edited.level is not None:
            edited.level = ProgressLevel(edited.level)
        return self.save(edited)

    @needs_records
    def objective_by_number(self, pair_id: str, number: int) -> Objective:
        """The objective numbered `number` (from 1) in the pair's current agreement."""
        agreement = self.agreement(pair_id)
        objectives = agreement.objectives if agreement else []
        if not 1 <= number <= len(objectives):
            held = f"objectives 1 to {len(objectives)}" if objectives else "no objectives"
            raise UsageError(f"the current agreement has {held}; there is no objective {number}")
        return objectives[number - 1]

    @needs_records
    def progress_of(self, objective_id: str, pair_id: str | None = None) -> list[ObjectiveProgress]:
        """An objective's trail: its progress entries, oldest first."""
        return [p for p in self._records.ordered(ObjectiveProgress, pair_id) if p.objective_id == objective_id]

    def _current_objective(self, pair_id: str, objective_id: str) -> Objective:
        agreement = self.agreement(pair_id)
        for objective in agreement.objectives if agreement else []:
            if objective.id == objective_id:
                return objective
        raise UsageError("progress is recorded against an objective of the pair's current agreement")

    # -- recognition ----------------------------------------------------------------------

    @needs_records
    def recognitions(self, pair_id: str | None = None) -> list[Recognition]:
        found = self._records.all(Recognition)
        return sorted((r for r in found if pair_id is None or r.pair_id == pair_id), key=lambda r: r.created)

    @needs_records
    def add_recognition(
        self,
        pair_id: str,
        text: str,
        *,
        scope: ShareScope | str = ShareScope.PRIVATE,
        partner_consent: Consent | None = None,
    ) -> Recognition:
        """The mentee's written recognition of what the mentor contributed."""
        pair = self.get(Pair, pair_id)
        self.require_active(pair)
        if pair.role is not Role.MENTEE:
            raise UsageError(
                "recognition is what the mentee writes of the mentor's contribution; in this pair you are the mentor"
            )
        recognition = Recognition(pair_id=pair.id, text=required(text, "a recognition"), scope=ShareScope(scope))
        self._bind_new(recognition, partner_consent, None)
        return self.save(recognition)

    @needs_records
    def edit_recognition(self, recognition_id: str, text: str) -> Recognition:
        recognition = self.get(Recognition, recognition_id)
        self.require_active(self.get(Pair, recognition.pair_id))
        recognition.text = required(text, "a recognition")
        return self.save(recognition)

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
            case Recognition():
                return outbound.recognition_content(item, self._pair_of(item))
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

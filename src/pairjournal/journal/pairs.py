"""Pairs and their agreements: who the partner is, and the charter the two of them wrote.

An agreement is versioned and never overwritten: each version is its own record,
and only its acknowledgements and its objectives' sharing are recorded on it
afterwards.
"""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import date

from pairjournal.errors import NotFound, UsageError
from pairjournal.journal.core import JournalCore, check_minutes, needs_records
from pairjournal.model import Agreement, Cadence, Objective, Pair, PairStatus, Role, ShareScope


class PairVerbs(JournalCore):
    # -- pairs -----------------------------------------------------------------

    @needs_records
    def pairs(self, include_ended: bool = True) -> list[Pair]:
        pairs = sorted(self._records.all(Pair), key=lambda p: p.name.casefold())
        return [p for p in pairs if include_ended or p.status is not PairStatus.ENDED]

    @needs_records
    def pair(self, name_or_id: str) -> Pair:
        """A pair by name (case-insensitive), unique name prefix, or id."""
        pairs = self._records.all(Pair)
        wanted = name_or_id.casefold().strip()
        for p in pairs:
            if p.name.casefold() == wanted or p.id == name_or_id:
                return p
        starts = [p for p in pairs if p.name.casefold().startswith(wanted)] if wanted else []
        if len(starts) == 1:
            return starts[0]
        known = ", ".join(p.name for p in self.pairs()) or "none yet"
        raise NotFound(f"no pair named {name_or_id!r} (pairs: {known})")

    @needs_records
    def add_pair(
        self,
        name: str,
        role: Role | str,
        *,
        cadence: Cadence | str = Cadence.BIWEEKLY,
        minutes: int = 30,
        program: str = "",
        coordinator: str = "",
        start: date | None = None,
        planned_end: date | None = None,
    ) -> Pair:
        name = name.strip()
        if not name:
            raise UsageError("a pair needs a partner name")
        if any(p.name.casefold() == name.casefold() for p in self._records.all(Pair)):
            raise UsageError(f"a pair named {name!r} already exists")
        check_minutes(minutes)
        pair = Pair(
            name=name,
            role=Role(role),
            cadence=Cadence(cadence),
            minutes=minutes,
            program=program,
            coordinator=coordinator,
            start=start or date.today(),
            planned_end=planned_end,
        )
        return self.save(pair)

    # -- agreements ----------------------------------------------------------------

    @needs_records
    def agreement_history(self, pair_id: str) -> list[Agreement]:
        return list(self._records.ordered(Agreement, pair_id))

    @needs_records
    def agreement(self, pair_id: str) -> Agreement | None:
        history = self._records.ordered(Agreement, pair_id)
        return history[-1] if history else None

    @needs_records
    def new_agreement_version(self, pair_id: str, **changes: object) -> Agreement:
        """Saves a new version built from the latest one; older versions stay as they were."""
        pair = self.get(Pair, pair_id)
        current = self.agreement(pair.id)
        base = current or Agreement(pair_id=pair.id, cadence=pair.cadence, minutes=pair.minutes, version=0)
        fresh = Agreement(pair_id=pair.id)
        draft = replace(base, **changes, version=base.version + 1, id=fresh.id, created=fresh.created)  # type: ignore[arg-type]
        # Each version owns its objectives (a shared list would let an edit reach back into
        # history). An objective kept from the last version keeps its sharing: its consents
        # are bound to its text, so one whose text changed is "changed since consent".
        before = {o.id: o for o in base.objectives}
        draft.objectives = [_carry_sharing(before.get(o.id), copy.deepcopy(o)) for o in draft.objectives]
        if "my_ack" not in changes:
            draft.my_ack = None
        if "partner_ack" not in changes:
            draft.partner_ack = None
        return self.save(draft)

    @needs_records
    def acknowledge(self, agreement: Agreement, *, me: date | None = None, partner: date | None = None) -> Agreement:
        """Acknowledgement dates are recorded on an existing version (and so is its objectives' sharing)."""
        if me is not None:
            agreement.my_ack = me
        if partner is not None:
            agreement.partner_ack = partner
        return self.save(agreement)


def _carry_sharing(previous: Objective | None, objective: Objective) -> Objective:
    if previous is not None and previous is not objective and objective.scope is ShareScope.PRIVATE \
            and objective.my_consent is None and objective.partner_consent is None:
        objective.scope = previous.scope
        objective.my_consent = copy.deepcopy(previous.my_consent)
        objective.partner_consent = copy.deepcopy(previous.partner_consent)
        objective.withdrawals = copy.deepcopy(previous.withdrawals)
    return objective


__all__ = ["PairVerbs"]

"""Pairs and their agreements: who the partner is, and the charter the two of them wrote.

An agreement is versioned and never overwritten: each version is its own record,
and only its acknowledgements and its objectives' sharing are recorded on it
afterwards.
"""

from __future__ import annotations

import copy
from datetime import date

from msgspec.structs import replace

from pairjournal.errors import NotFound, UsageError
from pairjournal.journal.core import JournalCore, check_minutes, needs_records, required
from pairjournal.model import (
    AgendaItem,
    Agreement,
    Cadence,
    Disclosure,
    Objective,
    Pair,
    PairStatus,
    PartnerLink,
    Pause,
    Role,
    ShareScope,
)

# What edit_pair may change; status, pauses, agenda and dates of ending have their own verbs.
_EDITABLE_PAIR_FIELDS = {"name", "role", "cadence", "minutes", "program", "coordinator", "start", "planned_end"}


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

    @needs_records
    def edit_pair(self, pair_id: str, **changes: object) -> Pair:
        """Changes any of a pair's own fields: name, role, cadence, minutes, program,
        coordinator, start, planned_end. Its status changes through pause, resume and end."""
        pair = self.get(Pair, pair_id)
        self.require_active(pair)
        unknown = set(changes) - _EDITABLE_PAIR_FIELDS
        if unknown:
            raise UsageError(f"a pair has no field {sorted(unknown)[0]!r} to edit")
        edited = replace(pair, **changes)
        edited.name = edited.name.strip()
        edited.role, edited.cadence = Role(edited.role), Cadence(edited.cadence)
        if not edited.name:
            raise UsageError("a pair needs a partner name")
        clash = [p for p in self._records.all(Pair) if p.id != pair.id and p.name.casefold() == edited.name.casefold()]
        if clash:
            raise UsageError(f"a pair named {edited.name!r} already exists")
        check_minutes(edited.minutes)
        if edited.start and edited.planned_end and edited.planned_end < edited.start:
            raise UsageError("the planned end comes before the start")
        return self.save(edited)

    @needs_records
    def pause_pair(self, pair_id: str, *, on: date | None = None) -> Pair:
        """A break both agreed to: no session is expected until it resumes."""
        pair = self.get(Pair, pair_id)
        self.require_active(pair)
        if pair.status is PairStatus.PAUSED:
            raise UsageError(f"{pair.name} is paused already")
        pair.status = PairStatus.PAUSED
        pair.pauses.append(Pause(start=on or date.today()))
        return self.save(pair)

    @needs_records
    def resume_pair(self, pair_id: str, *, on: date | None = None) -> Pair:
        pair = self.get(Pair, pair_id)
        self.require_active(pair)
        if pair.status is not PairStatus.PAUSED:
            raise UsageError(f"{pair.name} is not paused")
        day = on or date.today()
        if pair.pauses and pair.pauses[-1].end is None:
            if day < pair.pauses[-1].start:
                raise UsageError("a pause cannot end before it started")
            pair.pauses[-1].end = day
        pair.status = PairStatus.ACTIVE
        return self.save(pair)

    @needs_records
    def end_pair(self, pair_id: str, *, on: date | None = None) -> Pair:
        """Ends the pair: it leaves home and becomes read-only; every record stays, and its
        export still covers the period it ran."""
        pair = self.get(Pair, pair_id)
        self.require_active(pair)
        day = on or date.today()
        if pair.start and day < pair.start:
            raise UsageError("a pair cannot end before it started")
        if pair.pauses and pair.pauses[-1].end is None:
            pair.pauses[-1].end = day
        pair.status = PairStatus.ENDED
        pair.ended_on = day
        return self.save(pair)

    @needs_records
    def delete_pair(self, pair_id: str) -> dict[str, int]:
        """Deletes a pair and everything recorded for it, in one transaction; returns what went, by kind."""
        pair = self.get(Pair, pair_id)
        gone: dict[str, int] = {}
        with self.batch():
            # The disclosure log keeps its entries: what left, left (they then say the pair is gone).
            owned = [
                e for e in self._records.values()
                if getattr(e, "pair_id", None) == pair.id and not isinstance(e, Disclosure)
            ]
            for entity in owned:
                self.delete(entity)
                gone[entity.KIND] = gone.get(entity.KIND, 0) + 1
            self.delete(pair)
        return gone

    def require_active(self, pair: Pair) -> None:
        """An ended pair is kept as it was: read-only, for the record and its exports."""
        if pair.status is PairStatus.ENDED:
            raise UsageError(
                f"the pair with {pair.name} has ended and is kept read-only (`pairjournal pair list --all` shows it)"
            )

    # -- the rhythm that counts ------------------------------------------------------

    @needs_records
    def cadence_of(self, pair_id: str) -> Cadence:
        """How often the pair meets: the current agreement's cadence, or the pair's own without one."""
        agreement = self.agreement(pair_id)
        return agreement.cadence if agreement is not None else self.get(Pair, pair_id).cadence

    @needs_records
    def minutes_of(self, pair_id: str) -> int:
        """How long a session is planned to last: the current agreement's length, or the pair's own."""
        agreement = self.agreement(pair_id)
        return agreement.minutes if agreement is not None else self.get(Pair, pair_id).minutes

    # -- the next session's agenda --------------------------------------------------------

    @needs_records
    def agenda_for(self, pair_id: str) -> list[AgendaItem]:
        """What is to be raised at the next session; the live session starts with it."""
        return list(self.get(Pair, pair_id).next_agenda)

    @needs_records
    def add_agenda(self, pair_id: str, text: str) -> AgendaItem:
        pair = self.get(Pair, pair_id)
        self.require_active(pair)
        item = AgendaItem(text=required(text, "an agenda item").strip())
        pair.next_agenda.append(item)
        self.save(pair)
        return item

    @needs_records
    def remove_agenda(self, pair_id: str, index: int) -> AgendaItem:
        pair = self.get(Pair, pair_id)
        if not 0 <= index < len(pair.next_agenda):
            raise UsageError(f"there is no agenda item {index + 1} (the next agenda has {len(pair.next_agenda)})")
        item = pair.next_agenda.pop(index)
        self.save(pair)
        return item

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
        """Saves a new version built from the latest one; older versions stay as they were.
        A new version is a draft until both partners acknowledge it again."""
        pair = self.get(Pair, pair_id)
        self.require_active(pair)
        current = self.agreement(pair.id)
        base = current or Agreement(pair_id=pair.id, cadence=pair.cadence, minutes=pair.minutes, version=0)
        fresh = Agreement(pair_id=pair.id)
        draft = replace(base, **changes, version=base.version + 1, id=fresh.id, created=fresh.created)
        draft.cadence = Cadence(draft.cadence)  # a choice given as text ("weekly") is stored as the choice
        check_minutes(draft.minutes)
        # Each version owns its objectives (a shared list would let an edit reach back into
        # history). An objective kept from the last version keeps its sharing: its consents
        # are bound to its text, so one whose text changed is "changed since consent".
        before = {o.id: o for o in base.objectives}
        draft.objectives = [_carry_sharing(before.get(o.id), copy.deepcopy(o)) for o in draft.objectives]
        if "my_ack" not in changes:
            draft.my_ack = None
        if "partner_ack" not in changes:
            draft.partner_ack = None
        # Signatures cover the version they were made for; a new version is signed anew by both.
        draft.my_signature = str(changes.get("my_signature", ""))
        draft.partner_signature = str(changes.get("partner_signature", ""))
        draft.from_partner = bool(changes.get("from_partner", False))
        return self.save(draft)

    @needs_records
    def acknowledge(
        self,
        agreement: Agreement,
        *,
        me: date | None = None,
        partner: date | None = None,
        my_signature: str = "",
        partner_signature: str = "",
    ) -> Agreement:
        """Acknowledgement dates are recorded on an existing version (and so is its objectives' sharing).

        In a pair linked to the partner's journal the partner's acknowledgement is theirs to
        sign: it arrives in a bundle with their signature (sharing/bundles.py), never typed here.
        """
        linked = any(link.pair_id == agreement.pair_id for link in self._records.all(PartnerLink))
        if partner is not None and linked and not partner_signature:
            raise UsageError(
                "this pair is linked to your partner's journal: they acknowledge the agreement in theirs, "
                "and their signed acknowledgement arrives with their next bundle"
            )
        if me is not None:
            agreement.my_ack = me
            agreement.my_signature = my_signature
        if partner is not None:
            agreement.partner_ack = partner
            agreement.partner_signature = partner_signature
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

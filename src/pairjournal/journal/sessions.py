"""Sessions: recorded afterwards, or run live beside the conversation and resumed after a crash."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date, datetime

from msgspec.structs import replace

from pairjournal.errors import UsageError
from pairjournal.journal.core import check_minutes, needs_records
from pairjournal.journal.home import next_session_due
from pairjournal.journal.items import ItemVerbs
from pairjournal.model import ActionItem, AgendaItem, Pair, PairStatus, Session, Takeaway, now

# What edit_session may change; when it started and ended are the live session's own record.
_EDITABLE_SESSION_FIELDS = {
    "notes", "agenda", "checkin_mood", "checkin_note", "date", "actual_minutes", "planned_minutes", "objective_ids"
}


@dataclass(frozen=True)
class SessionSummary:
    """One line of a pair's session history."""

    session: Session
    takeaways: int
    actions: int

    @property
    def length_text(self) -> str:
        held = f"{self.session.actual_minutes}" if self.session.actual_minutes else "?"
        return f"{held} of {self.session.planned_minutes} min"


def _session_date(session: Session) -> date:
    return session.date


class SessionVerbs(ItemVerbs):
    @needs_records
    def sessions(self, pair_id: str | None = None, start: date | None = None, end: date | None = None) -> list[Session]:
        ordered = self._records.ordered(Session, pair_id)
        first = 0 if start is None else bisect_left(ordered, start, key=_session_date)
        last = len(ordered) if end is None else bisect_right(ordered, end, key=_session_date)
        return ordered[first:last]

    @needs_records
    def add_session(
        self,
        pair_id: str,
        *,
        on: date | None = None,
        minutes: int | None = None,
        notes: str = "",
    ) -> Session:
        pair = self.get(Pair, pair_id)
        self.require_active(pair)
        if minutes is not None:
            check_minutes(minutes)
        session = Session(
            pair_id=pair.id,
            date=on or date.today(),
            planned_minutes=self.minutes_of(pair.id),
            actual_minutes=minutes,
            notes=notes,
        )
        return self.save(session)

    @needs_records
    def live_session(self, pair_id: str) -> Session | None:
        """A session started and not ended, to resume after a quit or crash."""
        ordered = self._records.ordered(Session, pair_id)
        return self._records.derived(
            Session, ("live", pair_id), lambda: next((s for s in reversed(ordered) if s.live), None)
        )

    @needs_records
    def _partner_followups(self, pair_id: str) -> list[str]:
        """The partner's own open action items, as their bundles brought them (exchange.py)."""
        return []

    def start_session(self, pair_id: str, *, at: datetime | None = None) -> Session:
        """Starts (or resumes) a live session: its agenda is what was put on it since the
        last one, then a follow-up for each open action, mine and (for a linked pair) the
        ones the partner shared, so the two summarise them together; its length the agreement's."""
        pair = self.get(Pair, pair_id)
        existing = self.live_session(pair.id)
        if existing is not None:
            return existing
        self.require_active(pair)
        started = at or now()
        agenda = [AgendaItem(text=item.text) for item in pair.next_agenda]
        agenda += [AgendaItem(text=f"Follow up: {a.text}", follow_up=True) for a in self.open_actions(pair.id)]
        agenda += [AgendaItem(text=f"Follow up ({pair.name}'s): {text}", follow_up=True)
                   for text in self._partner_followups(pair.id)]
        session = Session(
            pair_id=pair.id,
            date=started.date(),
            planned_minutes=self.minutes_of(pair.id),
            started_at=started,
            agenda=agenda,
        )
        with self.batch():
            saved = self.save(session)
            if pair.next_agenda:  # taken into this session: the next one starts afresh
                pair.next_agenda = []
                self.save(pair)
        return saved

    @needs_records
    def end_session(self, session: Session, *, at: datetime | None = None) -> Session:
        if session.started_at is None:
            raise UsageError("this session was never started")
        ended = at or now()
        session.ended_at = ended
        session.actual_minutes = max(1, round((ended - session.started_at).total_seconds() / 60))
        with self.batch():
            saved = self.save(session)
            self._carry_over(session)
        return saved

    def _carry_over(self, session: Session) -> None:
        """A topic the session did not cover goes back on the pair's next agenda (once); a follow-up
        is not, as the next start makes one again for every action still open."""
        pair = self.find(session.pair_id)
        if not isinstance(pair, Pair) or pair.status is PairStatus.ENDED:
            return
        waiting = {item.text for item in pair.next_agenda}
        left = [text for text in _uncovered(session) if text not in waiting]
        if left:
            pair.next_agenda = [*(AgendaItem(text=text) for text in left), *pair.next_agenda]
            self.save(pair)

    def carried_over(self, session: Session) -> int:
        """How many of an ended session's topics wait on the next agenda because it did not cover them."""
        return len(_uncovered(session))

    @needs_records
    def edit_session(self, session_id: str, **changes: object) -> Session:
        """Corrects a session, ended or not: its notes, agenda, check-in, date, lengths or objectives touched."""
        session = self.get(Session, session_id)
        self.require_active(self.get(Pair, session.pair_id))
        unknown = set(changes) - _EDITABLE_SESSION_FIELDS
        if unknown:
            raise UsageError(f"a session has no field {sorted(unknown)[0]!r} to edit")
        edited = replace(session, **changes)
        for minutes in (edited.actual_minutes, edited.planned_minutes):
            if minutes is not None:
                check_minutes(minutes)
        return self.save(edited)

    @needs_records
    def delete_session(self, session_id: str) -> Session:
        """Deletes a session. What was captured in it stays, no longer tied to it."""
        session = self.get(Session, session_id)
        with self.batch():
            for item in self._captured_in(session):
                item.session_id = None
                self.save(item)
            self.delete(session)
        return session

    @needs_records
    def discard_session(self, session_id: str) -> Session:
        """A live session started by mistake: it goes with everything captured in it, leaving
        no trace, and never counts as held."""
        session = self.get(Session, session_id)
        if not session.live:
            raise UsageError("only a session still running can be discarded; delete an ended one instead")
        with self.batch():
            for item in self._captured_in(session):
                self.delete(item)
            self.delete(session)
        return session

    def _captured_in(self, session: Session) -> list[Takeaway | ActionItem]:
        captured: list[Takeaway | ActionItem] = [
            *(t for t in self._records.ordered(Takeaway, session.pair_id) if t.session_id == session.id),
            *(a for a in self._records.ordered(ActionItem, session.pair_id) if a.session_id == session.id),
        ]
        return captured

    @needs_records
    def session_history(self, pair_id: str) -> list[SessionSummary]:
        """The pair's sessions, newest first, each with what it captured: for the history view."""
        takeaways: dict[str, int] = {}
        actions: dict[str, int] = {}
        for t in self._records.ordered(Takeaway, pair_id):
            if t.session_id:
                takeaways[t.session_id] = takeaways.get(t.session_id, 0) + 1
        for a in self._records.ordered(ActionItem, pair_id):
            if a.session_id:
                actions[a.session_id] = actions.get(a.session_id, 0) + 1
        return [
            SessionSummary(session=s, takeaways=takeaways.get(s.id, 0), actions=actions.get(s.id, 0))
            for s in reversed(self._records.ordered(Session, pair_id))
        ]

    @needs_records
    def last_session(self, pair_id: str) -> Session | None:
        return next((s for s in reversed(self._records.ordered(Session, pair_id)) if not s.live), None)

    @needs_records
    def next_session_due(self, pair_id: str) -> date | None:
        """When the next session is due by the agreement's cadence; None while paused or after the end."""
        pair = self.get(Pair, pair_id)
        if pair.status is not PairStatus.ACTIVE:
            return None
        last = self.last_session(pair.id)
        return next_session_due(pair, last.date if last else None, self.cadence_of(pair.id))


def _uncovered(session: Session) -> list[str]:
    """The topics a session left uncovered, once each, follow-ups aside (the next start makes them again)."""
    return list(dict.fromkeys(item.text for item in session.agenda if not item.done and not item.follow_up))


__all__ = ["SessionVerbs"]

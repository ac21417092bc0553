"""Sessions: recorded afterwards, or run live beside the conversation and resumed after a crash."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import date, datetime

from pairjournal.errors import UsageError
from pairjournal.journal.core import check_minutes, needs_records
from pairjournal.journal.home import next_session_due
from pairjournal.journal.items import ItemVerbs
from pairjournal.model import AgendaItem, Pair, Session, now


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
        if minutes is not None:
            check_minutes(minutes)
        session = Session(
            pair_id=pair.id,
            date=on or date.today(),
            planned_minutes=pair.minutes,
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
    def start_session(self, pair_id: str, *, at: datetime | None = None) -> Session:
        """Starts (or resumes) a live session, its agenda prefilled from open actions."""
        pair = self.get(Pair, pair_id)
        existing = self.live_session(pair.id)
        if existing is not None:
            return existing
        started = at or now()
        agenda = [AgendaItem(text=f"Follow up: {a.text}") for a in self.open_actions(pair.id)]
        session = Session(
            pair_id=pair.id,
            date=started.date(),
            planned_minutes=pair.minutes,
            started_at=started,
            agenda=agenda,
        )
        return self.save(session)

    @needs_records
    def end_session(self, session: Session, *, at: datetime | None = None) -> Session:
        if session.started_at is None:
            raise UsageError("this session was never started")
        ended = at or now()
        session.ended_at = ended
        session.actual_minutes = max(1, round((ended - session.started_at).total_seconds() / 60))
        return self.save(session)

    @needs_records
    def last_session(self, pair_id: str) -> Session | None:
        return next((s for s in reversed(self._records.ordered(Session, pair_id)) if not s.live), None)

    @needs_records
    def next_session_due(self, pair_id: str) -> date:
        pair = self.get(Pair, pair_id)
        last = self.last_session(pair.id)
        return next_session_due(pair, last.date if last else None)


__all__ = ["SessionVerbs"]

"""What the home screen shows, as data: a PairHome for each pair not ended.

Journal.home() builds it from the whole journal. The same data, sealed, is the
journal's *unlock cache* (see docs/FORMAT.md): unlocking a large journal shows
home from it while the rest is decrypted in the background. So everything here
either does not depend on the day or says which days it is good for (`since`),
and the numbers home prints come from the functions below whichever way the data
was made: one definition, two sources, never two answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from pairjournal.journal import cadence
from pairjournal.journal.outbound import ConsentStatus
from pairjournal.journal.vocabulary import owned_by
from pairjournal.model import ActionItem, Cadence, Owner, Pair, PairStatus, PartnerItem, Prompt, Settings, Takeaway


@dataclass(frozen=True)
class PairStats:
    """Numbers for the home screen strip: no content, only counts."""

    sessions_this_quarter: int
    expected_this_quarter: int
    actions_done: int
    actions_open: int
    actions_overdue: int


def quarter_first_day(pair: Pair, today: date) -> date:
    """Where "this quarter" starts for a pair: the quarter's first day, or the pair's start if later."""
    q_start, _ = cadence.quarter_bounds(today)
    return max(q_start, pair.start or q_start)


def pair_stats(
    pair: Pair,
    held: list[date],
    actions_done: int,
    open_actions: list[ActionItem],
    today: date,
    rhythm: Cadence | None = None,
) -> PairStats:
    """`held`: dates of finished sessions, covering at least this quarter. `rhythm`: the
    cadence that counts (the current agreement's), the pair's own when None."""
    first = quarter_first_day(pair, today)
    last = min(today, pair.ended_on) if pair.ended_on else today
    return PairStats(
        sessions_this_quarter=sum(first <= day <= today for day in held),
        expected_this_quarter=cadence.expected_between(rhythm or pair.cadence, first, last, pair.pauses,
                                                       anchor=pair.start or pair.created.date()),
        actions_done=actions_done,
        actions_open=len(open_actions),
        actions_overdue=sum(a.due is not None and a.due < today for a in open_actions),
    )


def next_session_due(pair: Pair, last_session: date | None, rhythm: Cadence | None = None) -> date:
    return cadence.next_due(rhythm or pair.cadence, last_session, pair.start or pair.created.date())


def cache_since(today: date) -> date:
    """The first day session dates are kept from: the start of last quarter, so a cache
    written late in one quarter still serves the whole of the next."""
    this_quarter, _ = cadence.quarter_bounds(today)
    last_quarter, _ = cadence.quarter_bounds(this_quarter - timedelta(days=1))
    return last_quarter


@dataclass(kw_only=True)
class PairHome:
    pair: Pair
    live_session_id: str | None = None
    last_session_id: str | None = None
    last_session_date: date | None = None
    # The last finished session's takeaways (all of them; home shows the first few).
    last_takeaways: list[Takeaway] = field(default_factory=list)
    # Every open action item of the pair, in the journal's order.
    open_actions: list[ActionItem] = field(default_factory=list)
    actions_done: int = 0
    # Dates of finished sessions on or after HomeData.since, ascending.
    held: list[date] = field(default_factory=list)
    prompts_waiting: list[Prompt] = field(default_factory=list)
    # The consent status of each takeaway and action above, by id: decided by the
    # journal (outbound.py) when the data was made, so home never re-decides it.
    consent: dict[str, ConsentStatus] = field(default_factory=dict)
    # The rhythm that counts: the current agreement's cadence and length (the pair's own without one).
    cadence: Cadence | None = None
    minutes: int | None = None
    # The current agreement's version, and whether both partners acknowledged it (None: no agreement).
    agreement_version: int | None = None
    agreement_acknowledged: bool | None = None
    # What the partner shared from their own journal (a linked pair): their open action items
    # and their latest other items, newest first. Theirs, read-only here, never exported by me.
    partner_actions: list[PartnerItem] = field(default_factory=list)
    partner_recent: list[PartnerItem] = field(default_factory=list)

    def consent_of(self, item_id: str) -> ConsentStatus:
        return self.consent.get(item_id, ConsentStatus.PRIVATE)

    def stats(self, today: date) -> PairStats:
        return pair_stats(self.pair, self.held, self.actions_done, self.open_actions, today, self.cadence)

    def next_due(self) -> date:
        return next_session_due(self.pair, self.last_session_date, self.cadence)

    @property
    def paused(self) -> bool:
        return self.pair.status is PairStatus.PAUSED

    def mine(self) -> list[ActionItem]:
        return [a for a in self.open_actions if owned_by(a, Owner.ME)]

    def theirs(self) -> list[ActionItem]:
        return [a for a in self.open_actions if owned_by(a, Owner.PARTNER)]


RECENT_PARTNER_ITEMS = 3  # how many of the partner's latest shared items home and the session show


def partner_shared(items: list[PartnerItem]) -> tuple[list[PartnerItem], list[PartnerItem]]:
    """(their open action items, their latest other shared items, newest first), from all they shared."""
    actions = [i for i in items if i.kind == "action" and i.status == "open"]
    others = [i for i in items if i.kind != "action"]
    others.sort(key=lambda i: (i.on or i.created.date(), i.created), reverse=True)
    return actions, others[:RECENT_PARTNER_ITEMS]


@dataclass(kw_only=True)
class HomeData:
    since: date
    pairs: list[PairHome] = field(default_factory=list)
    settings: Settings = field(default_factory=Settings)
    # The day this was made for: the prompts waiting are the day's (None in a cache from before it).
    made_on: date | None = None

    def covers(self, today: date) -> bool:
        """True when every number home prints for `today` can be read from this data."""
        q_start, _ = cadence.quarter_bounds(today)
        return q_start >= self.since

    def open_actions(self) -> list[ActionItem]:
        return [a for p in self.pairs for a in p.open_actions]

"""A small, fixed journal for the sharing tests: fixed ids, dates and signing key, so outputs are stable.

Every text that must never leave carries a SECRET marker; every text that may
leave in a coordinator export carries a SHARED marker. Items are saved with the
scope they are meant to have and their consents are then given through the
consent verbs, so each consent is bound to the content it covers (as a person
would give it).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, date, datetime

from pairjournal.journal import Journal
from pairjournal.model import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    Agreement,
    Cadence,
    Consent,
    Objective,
    ObjectiveProgress,
    Owner,
    Pair,
    Recognition,
    Reflection,
    Role,
    Session,
    ShareScope,
    SigningKey,
    Takeaway,
)

NOW = datetime(2025, 6, 30, 12, 0, tzinfo=UTC)
TODAY = NOW.date()
START = date(2025, 1, 1)
END = date(2025, 6, 30)
FIXED_KEY = base64.b64encode(bytes(range(32))).decode("ascii")
PARTNER = "Ana Souza"
COORDINATOR = "Carla Mendes"


def _id(n: int) -> str:
    """Fixed ids whose short (8-character) forms differ, as random ones do."""
    return f"{n:08x}".replace("0", "a", 1) + "0" * 24


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)


@dataclass
class World:
    pair: Pair
    shared_takeaway: Takeaway
    worded_takeaway: Takeaway
    pending_takeaway: Takeaway
    partner_takeaway: Takeaway
    private_takeaway: Takeaway
    shared_action: ActionItem
    private_action: ActionItem
    shared_progress: ObjectiveProgress
    private_progress: ObjectiveProgress
    objective: Objective


def consent_on(day: date) -> Consent:
    """A consent to record with give(): the verbs bind it to the item's content."""
    return Consent(given_on=day, how="in person")


def give(journal: Journal, item_id: str, given: Consent | None, *, mine: date | None = None) -> None:
    """Records my consent (when the item is for the coordinator) and the partner's, bound to the item as it is."""
    from pairjournal.sharing import consent as consent_verbs

    found = consent_verbs.find_item(journal, item_id)
    if found.scope is ShareScope.COORDINATOR:
        consent_verbs.set_scope(journal, item_id, ShareScope.COORDINATOR, on=mine or (given.given_on if given else None))
    if given is not None:
        consent_verbs.give_consent(journal, item_id, how=given.how, on=given.given_on)


def build(journal: Journal, *, fixed_key: bool = True) -> World:
    """Saves the world into a (real, encrypted) journal."""
    if fixed_key:
        journal.save(SigningKey(private_key=FIXED_KEY, created=at(date(2025, 1, 1)), id=_id(999)))
    pair = journal.save(
        Pair(
            name=PARTNER,
            role=Role.MENTEE,
            cadence=Cadence.BIWEEKLY,
            minutes=30,
            program="Reverse Mentoring 2025",
            coordinator=COORDINATOR,
            start=date(2025, 1, 6),
            created=at(date(2025, 1, 6)),
            id=_id(1),
        )
    )
    objective = Objective(
        outcome="SHARED-OUTCOME draft weekly reports with an AI assistant",
        evidence="SHARED-OBJ-EVIDENCE three reports drafted",
        timebox=date(2025, 9, 30),
        id="0b1ec7e1",
        scope=ShareScope.COORDINATOR,
    )
    journal.save(
        Agreement(
            pair_id=pair.id,
            objectives=[objective],
            confidentiality="SECRET-CONFIDENTIALITY what is said stays here",
            scope="SECRET-SCOPE",
            feedback_norms="SECRET-NORMS",
            repair_routine="SECRET-REPAIR",
            my_ack=date(2025, 1, 6),
            partner_ack=date(2025, 1, 7),
            created=at(date(2025, 1, 6)),
            id=_id(2),
        )
    )
    give(journal, objective.id, consent_on(date(2025, 1, 7)))
    sessions = []
    for n, (day, minutes) in enumerate([(date(2025, 1, 6), 40), (date(2025, 1, 20), 30), (date(2025, 2, 3), 35)]):
        sessions.append(
            journal.save(
                Session(
                    pair_id=pair.id,
                    date=day,
                    actual_minutes=minutes,
                    agenda=[AgendaItem(text=f"SECRET-AGENDA-{n}")],
                    checkin_mood="SECRET-MOOD",
                    checkin_note=f"SECRET-CHECKIN-{n}",
                    notes=f"SECRET-NOTES-{n}",
                    created=at(day),
                    id=_id(10 + n),
                )
            )
        )
    # A session before the period: must not count.
    journal.save(Session(pair_id=pair.id, date=date(2024, 12, 16), actual_minutes=90, notes="SECRET-OLD",
                         created=at(date(2024, 12, 16)), id=_id(19)))

    def takeaway(n: int, text: str, scope: ShareScope, consent: Consent | None = None, wording: str = "") -> Takeaway:
        saved = journal.save(
            Takeaway(
                pair_id=pair.id,
                text=text,
                session_id=sessions[n % len(sessions)].id,
                scope=scope,
                coordinator_text=wording,
                created=at(sessions[n % len(sessions)].date),
                id=_id(20 + n),
            )
        )
        give(journal, saved.id, consent, mine=sessions[n % len(sessions)].date)
        return saved

    shared_t = takeaway(0, "SHARED-TAKEAWAY Ana showed me how *prompting* works", ShareScope.COORDINATOR,
                        consent_on(date(2025, 1, 7)))
    worded_t = takeaway(1, "SECRET-RAW-WORDING I felt embarrassed asking about TikTok", ShareScope.COORDINATOR,
                        consent_on(date(2025, 1, 21)), wording="SHARED-WORDING learning about short-video platforms")
    pending_t = takeaway(2, "SECRET-PENDING my boss is wrong about Gen Z", ShareScope.COORDINATOR)
    partner_t = takeaway(3, "SECRET-PARTNER-ONLY a thought for Ana", ShareScope.PARTNER, consent_on(date(2025, 2, 3)))
    private_t = takeaway(4, "SECRET-PRIVATE-TAKEAWAY", ShareScope.PRIVATE)

    shared_a = journal.save(
        ActionItem(
            pair_id=pair.id,
            text="SHARED-ACTION try the meeting-notes assistant",
            owner=Owner.ME,
            due=date(2025, 2, 1),
            status=ActionStatus.DONE,
            evidence="SHARED-ACTION-EVIDENCE used it for two stand-ups, Carla saw it",
            completed_on=date(2025, 1, 30),
            scope=ShareScope.COORDINATOR,
            created=at(date(2025, 1, 20)),
            id=_id(40),
        )
    )
    give(journal, shared_a.id, consent_on(date(2025, 1, 21)))
    private_a = journal.save(
        ActionItem(
            pair_id=pair.id,
            text="SECRET-ACTION ask HR about the budget",
            due=date(2025, 3, 1),
            evidence="SECRET-ACTION-EVIDENCE",
            created=at(date(2025, 2, 3)),
            id=_id(41),
        )
    )
    shared_p = journal.save(
        ObjectiveProgress(
            pair_id=pair.id,
            objective_id=objective.id,
            on=date(2025, 2, 3),
            rating=3,
            evidence="SHARED-PROGRESS first report drafted",
            scope=ShareScope.COORDINATOR,
            created=at(date(2025, 2, 3)),
            id=_id(50),
        )
    )
    give(journal, shared_p.id, consent_on(date(2025, 2, 3)))
    private_p = journal.save(
        ObjectiveProgress(
            pair_id=pair.id,
            objective_id=objective.id,
            on=date(2025, 3, 3),
            rating=2,
            evidence="SECRET-PROGRESS-PRIVATE",
            created=at(date(2025, 3, 3)),
            id=_id(51),
        )
    )
    shared_r = journal.save(Recognition(pair_id=pair.id, text="SHARED-RECOGNITION Ana made the new tools feel safe",
                                        scope=ShareScope.COORDINATOR, created=at(date(2025, 2, 4)), id=_id(70)))
    give(journal, shared_r.id, consent_on(date(2025, 2, 4)))
    journal.save(Recognition(pair_id=pair.id, text="SECRET-RECOGNITION-PRIVATE", created=at(date(2025, 2, 5)), id=_id(71)))
    journal.save(Reflection(text="SECRET-REFLECTION about my own assumptions", title="SECRET-REFLECTION-TITLE",
                            pair_id=pair.id, created=at(date(2025, 2, 4)), id=_id(60)))
    return World(
        pair=pair,
        shared_takeaway=shared_t,
        worded_takeaway=worded_t,
        pending_takeaway=pending_t,
        partner_takeaway=partner_t,
        private_takeaway=private_t,
        shared_action=shared_a,
        private_action=private_a,
        shared_progress=shared_p,
        private_progress=private_p,
        objective=objective,
    )


def save_shared(journal: Journal, item: Takeaway | ActionItem | ObjectiveProgress, given: Consent | None) -> object:
    """Saves an item and then gives the consents its scope calls for, bound to it as saved."""
    journal.save(item)
    give(journal, item.id, given)
    return item


def reconsent(journal: Journal, item_id: str, how: str = "in person") -> None:
    """Both consents again, for the item as it is now (after an edit made it "changed since consent")."""
    from pairjournal.sharing import consent as consent_verbs

    consent_verbs.set_scope(journal, item_id, ShareScope.COORDINATOR)
    consent_verbs.give_consent(journal, item_id, how=how)

"""Writes tests/fixtures/journal-v1.pairjournal: a format 1 journal kept forever.

Run once, from the repository root:

    PYTHONPATH=src python tests/make_fixture_v1.py

It refuses to overwrite an existing fixture: the point of the file is that it was
written by the format 1 code and every later pairjournal must still open it
(tests/test_fixture_v1.py). To change what it holds, add a new fixture for a new
format instead. The KDF parameters are cheap (recorded in the header) so the test
stays fast; ids and dates are fixed so the test can name every value.
"""

from __future__ import annotations

import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

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
    PairStatus,
    Prompt,
    PromptCategory,
    PromptTiming,
    Reflection,
    Role,
    Session,
    Settings,
    ShareScope,
    Takeaway,
    Withdrawal,
)
from pairjournal.vault.crypto import KdfParams

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "journal-v1.pairjournal"
PASSPHRASE = "fixture passphrase v1"

CET = timezone(timedelta(hours=1))
PAIR_ID = "10000000000000000000000000000001"
AGREEMENT_ID = "20000000000000000000000000000002"
SESSION_ID = "30000000000000000000000000000003"
TAKEAWAY_ID = "40000000000000000000000000000004"
ACTION_ID = "50000000000000000000000000000005"
PROGRESS_ID = "60000000000000000000000000000006"
PROMPT_ID = "70000000000000000000000000000007"
REFLECTION_ID = "80000000000000000000000000000008"
SETTINGS_ID = "90000000000000000000000000000009"
DELETED_ID = "a000000000000000000000000000000a"
OBJECTIVE_ID = "0b1ec71e"


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2024, 2, day, hour, minute, tzinfo=CET)


def build(path: Path) -> None:
    journal = Journal.create(path, PASSPHRASE, KdfParams.cheap())
    try:
        journal.save(
            Pair(
                id=PAIR_ID,
                name="Fixture Partner",
                role=Role.MENTEE,
                cadence=Cadence.MONTHLY,
                minutes=45,
                program="Fixture Program 2024",
                coordinator="Fixture Coordinator",
                start=date(2024, 1, 15),
                planned_end=date(2024, 12, 15),
                status=PairStatus.ACTIVE,
                created=at(1, 9),
            )
        )
        journal.save(
            Agreement(
                id=AGREEMENT_ID,
                pair_id=PAIR_ID,
                version=1,
                objectives=[
                    Objective(
                        id=OBJECTIVE_ID,
                        outcome="Fixture outcome: runs a hybrid meeting unaided",
                        evidence="Fixture evidence: two meetings run",
                        timebox=date(2024, 6, 30),
                    )
                ],
                cadence=Cadence.MONTHLY,
                minutes=45,
                confidentiality="Fixture confidentiality: nothing leaves the room",
                scope="Fixture scope: tools, not careers",
                scheduling="Fixture scheduling: first Thursday",
                feedback_norms="Fixture feedback: ask before advising",
                repair_routine="Fixture repair: pause, name the impact, share intent, recommit",
                review_date=date(2024, 4, 1),
                my_ack=date(2024, 2, 1),
                partner_ack=date(2024, 2, 2),
                created=at(1, 9, 30),
            )
        )
        journal.save(
            Session(
                id=SESSION_ID,
                pair_id=PAIR_ID,
                date=date(2024, 2, 1),
                planned_minutes=45,
                actual_minutes=44,
                started_at=at(1, 10),
                ended_at=at(1, 10, 44),
                agenda=[
                    AgendaItem(text="Fixture agenda: try the meeting tool", done=True),
                    AgendaItem(text="Fixture agenda: left for next time", done=False),
                ],
                checkin_mood="Fixture mood: curious",
                checkin_note="Fixture check-in: a long week",
                notes="Fixture notes line one\nFixture notes line two: café, naïve, 日本語 ✓",
                objective_ids=[OBJECTIVE_ID],
                created=at(1, 10),
            )
        )
        journal.save(
            Takeaway(
                id=TAKEAWAY_ID,
                pair_id=PAIR_ID,
                text="Fixture takeaway: mute is a courtesy, not a rule",
                session_id=SESSION_ID,
                scope=ShareScope.COORDINATOR,
                partner_consent=Consent(given_on=date(2024, 2, 2), how="Fixture consent: by chat"),
                coordinator_text="Fixture coordinator wording",
                withdrawals=[Withdrawal(on=date(2024, 2, 3), after_export=False)],
                created=at(1, 10, 20),
            )
        )
        action = ActionItem(
            id=ACTION_ID,
            pair_id=PAIR_ID,
            text="Fixture action: book the meeting room with video",
            owner=Owner.BOTH,
            due=date(2024, 2, 15),
            session_id=SESSION_ID,
            objective_id=OBJECTIVE_ID,
            scope=ShareScope.PARTNER,
            created=at(1, 10, 30),
        )
        journal.save(action)
        # A second write of the same record: the fixture holds a version 2.
        action.status = ActionStatus.DONE
        action.evidence = "Fixture action evidence: room booked"
        action.completed_on = date(2024, 2, 14)
        journal.save(action)
        journal.save(
            ObjectiveProgress(
                id=PROGRESS_ID,
                pair_id=PAIR_ID,
                objective_id=OBJECTIVE_ID,
                on=date(2024, 3, 1),
                rating=4,
                evidence="Fixture progress evidence: ran one meeting alone",
                scope=ShareScope.PRIVATE,
                created=at(29, 18),
            )
        )
        journal.save(
            Prompt(
                id=PROMPT_ID,
                text="Fixture prompt: what did I assume about my mentor this week?",
                category=PromptCategory.CUSTOM,
                timing=PromptTiming.BETWEEN,
                for_role=Role.MENTEE,
                builtin=False,
                created=at(2, 8),
            )
        )
        journal.save(
            Reflection(
                id=REFLECTION_ID,
                text="Fixture reflection: I expected slides; we used a shared doc.\nSecond line.",
                prompt_id=PROMPT_ID,
                pair_id=PAIR_ID,
                title="Fixture reflection title",
                tags=["fixture", "naïve"],
                starred=True,
                source="fixture",
                created=at(2, 21),
            )
        )
        journal.save(Settings(id=SETTINGS_ID, theme="fixture-theme", autolock_minutes=7))
        # Written and then deleted, so the manifest has seen a removal.
        gone = Takeaway(id=DELETED_ID, pair_id=PAIR_ID, text="Fixture deleted takeaway", created=at(3, 9))
        journal.save(gone)
        journal.delete(gone)
        if not journal.check().ok:
            raise SystemExit("the fixture journal fails its own check; not keeping it")
    finally:
        journal.close()


def main() -> int:
    if FIXTURE.exists():
        print(f"{FIXTURE} already exists; it is kept forever and never rewritten", file=sys.stderr)
        return 1
    FIXTURE.parent.mkdir(parents=True, exist_ok=True)
    build(FIXTURE)
    leftovers = [p for p in (Path(f"{FIXTURE}-wal"), Path(f"{FIXTURE}-shm")) if p.exists()]
    if leftovers:
        print(f"unexpected leftovers beside the fixture: {leftovers}", file=sys.stderr)
        return 1
    print(f"wrote {FIXTURE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

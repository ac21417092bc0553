"""The checked-in format 1 journal must always open, with every value as written.

tests/fixtures/journal-v1.pairjournal was written once by tests/make_fixture_v1.py
and is kept forever. Each test works on a copy in tmp_path: opening a journal may
write (WAL, -shm, migrations), and the checked-in bytes must never change.
The expected values below are written out here on purpose, not imported from the
maker script: they are the promise the file was made with.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from pairjournal.errors import WrongPassphrase
from pairjournal.journal import Journal, codec
from pairjournal.model import KINDS, ActionItem, Pair, Reflection, Session
from pairjournal.vault.store import read_header

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "journal-v1.pairjournal"
FIXTURE_SHA256 = "8767779bce075f67dfda6e5373c7736a72766c07b71c0cd41097c13d415a3bbc"
PASSPHRASE = "fixture passphrase v1"
PAIR_ID = "10000000000000000000000000000001"

# Record id -> (kind, store version, fields as plain JSON values).
EXPECTED: dict[str, tuple[str, int, dict[str, Any]]] = {
    PAIR_ID: ("pair", 1, {
        "name": "Fixture Partner", "role": "mentee", "cadence": "monthly", "minutes": 45,
        "program": "Fixture Program 2024", "coordinator": "Fixture Coordinator", "start": "2024-01-15",
        "planned_end": "2024-12-15", "status": "active", "created": "2024-02-01T09:00:00+01:00",
    }),
    "20000000000000000000000000000002": ("agreement", 1, {
        "pair_id": PAIR_ID, "version": 1,
        "objectives": [{
            "outcome": "Fixture outcome: runs a hybrid meeting unaided",
            "evidence": "Fixture evidence: two meetings run", "timebox": "2024-06-30", "id": "0b1ec71e",
            # Added with consent bound to content: an old objective reads as private, consent-free.
            "scope": "private", "my_consent": None, "partner_consent": None, "withdrawals": [],
            # Added with the partner exchange: nothing declined.
            "declined_sha256": "",
        }],
        "cadence": "monthly", "minutes": 45,
        "confidentiality": "Fixture confidentiality: nothing leaves the room",
        "scope": "Fixture scope: tools, not careers", "scheduling": "Fixture scheduling: first Thursday",
        "feedback_norms": "Fixture feedback: ask before advising",
        "repair_routine": "Fixture repair: pause, name the impact, share intent, recommit",
        "review_date": "2024-04-01", "my_ack": "2024-02-01", "partner_ack": "2024-02-02",
        "created": "2024-02-01T09:30:00+01:00",
    }),
    "30000000000000000000000000000003": ("session", 1, {
        "pair_id": PAIR_ID, "date": "2024-02-01", "planned_minutes": 45, "actual_minutes": 44,
        "started_at": "2024-02-01T10:00:00+01:00", "ended_at": "2024-02-01T10:44:00+01:00",
        "agenda": [  # follow_up came later: a topic written before it reads as not a follow-up
            {"text": "Fixture agenda: try the meeting tool", "done": True, "follow_up": False},
            {"text": "Fixture agenda: left for next time", "done": False, "follow_up": False},
        ],
        "checkin_mood": "Fixture mood: curious", "checkin_note": "Fixture check-in: a long week",
        "notes": "Fixture notes line one\nFixture notes line two: café, naïve, 日本語 ✓",
        "objective_ids": ["0b1ec71e"], "created": "2024-02-01T10:00:00+01:00",
    }),
    "40000000000000000000000000000004": ("takeaway", 1, {
        "pair_id": PAIR_ID, "text": "Fixture takeaway: mute is a courtesy, not a rule",
        "session_id": "30000000000000000000000000000003", "scope": "coordinator",
        # A consent from before consent was bound to content covers no content ("sha256": ""),
        # and the item has no consent of mine: it must be given again before it can leave.
        # Added with the partner exchange: no receipt, so recorded by the author.
        "partner_consent": {"given_on": "2024-02-02", "how": "Fixture consent: by chat", "sha256": "", "receipt": None},
        "my_consent": None,
        "coordinator_text": "Fixture coordinator wording",
        "withdrawals": [{"on": "2024-02-03", "after_export": False}],
        "created": "2024-02-01T10:20:00+01:00",
    }),
    "50000000000000000000000000000005": ("action", 2, {
        "pair_id": PAIR_ID, "text": "Fixture action: book the meeting room with video", "owner": "both",
        "due": "2024-02-15", "status": "done", "evidence": "Fixture action evidence: room booked",
        "session_id": "30000000000000000000000000000003", "objective_id": "0b1ec71e",
        "completed_on": "2024-02-14", "scope": "partner", "partner_consent": None, "coordinator_text": "",
        "withdrawals": [], "created": "2024-02-01T10:30:00+01:00",
    }),
    "60000000000000000000000000000006": ("progress", 1, {
        "pair_id": PAIR_ID, "objective_id": "0b1ec71e", "on": "2024-03-01", "rating": 4,
        "evidence": "Fixture progress evidence: ran one meeting alone", "scope": "private",
        "created": "2024-02-29T18:00:00+01:00",
    }),
    "70000000000000000000000000000007": ("prompt", 1, {
        "text": "Fixture prompt: what did I assume about my mentor this week?", "category": "custom",
        "timing": "between", "for_role": "mentee", "builtin": False, "created": "2024-02-02T08:00:00+01:00",
    }),
    "80000000000000000000000000000008": ("reflection", 1, {
        "text": "Fixture reflection: I expected slides; we used a shared doc.\nSecond line.",
        "prompt_id": "70000000000000000000000000000007", "pair_id": PAIR_ID,
        "title": "Fixture reflection title", "tags": ["fixture", "naïve"], "starred": True, "source": "fixture",
        "created": "2024-02-02T21:00:00+01:00",
    }),
    "90000000000000000000000000000009": ("settings", 1, {"theme": "fixture-theme", "autolock_minutes": 7}),
}
DELETED_ID = "a000000000000000000000000000000a"
FIXTURE_KINDS = {"pair", "agreement", "session", "takeaway", "action", "progress", "reflection", "prompt", "settings"}


@pytest.fixture
def fixture_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "journal-v1.pairjournal"
    shutil.copyfile(FIXTURE, copy)
    return copy


def test_the_checked_in_file_is_the_original_and_self_contained() -> None:
    assert hashlib.sha256(FIXTURE.read_bytes()).hexdigest() == FIXTURE_SHA256, (
        "tests/fixtures/journal-v1.pairjournal changed; it must be kept byte for byte forever"
    )
    assert not Path(f"{FIXTURE}-wal").exists()
    assert not Path(f"{FIXTURE}-shm").exists()


def test_header_says_format_1_with_its_recorded_parameters(fixture_copy: Path) -> None:
    header, _raw, nonce, wrapped = read_header(fixture_copy)
    assert header.format == 1
    assert (header.kdf.memory_kib, header.kdf.iterations, header.kdf.lanes) == (8, 1, 1)
    assert len(header.kdf.salt) == 16 and len(header.vault_id) == 32
    assert len(nonce) == 12 and len(wrapped) == 48
    assert b"Fixture" not in fixture_copy.read_bytes()
    with sqlite3.connect(fixture_copy) as conn:
        assert conn.execute("PRAGMA user_version").fetchone() == (1,)


def test_every_known_value_opens(fixture_copy: Path) -> None:
    with sqlite3.connect(fixture_copy) as conn:
        versions = dict(conn.execute("SELECT id, version FROM records").fetchall())
    with Journal.open(fixture_copy, PASSPHRASE) as journal:
        assert journal.damaged == []
        assert journal.check().ok
        assert journal.find(DELETED_ID) is None
        assert set(versions) == set(EXPECTED)
        # Every kind that existed when the fixture was made; kinds added later need their own fixture.
        assert {kind for kind, _, _ in EXPECTED.values()} == FIXTURE_KINDS <= set(KINDS)
        for record_id, (kind, version, fields) in EXPECTED.items():
            entity = journal.find(record_id)
            assert entity is not None and kind == entity.KIND
            assert versions[record_id] == version
            loaded = codec.to_dict(entity)
            assert loaded["id"] == record_id
            for name, value in fields.items():
                assert loaded[name] == value, f"{kind}.{name}"


def test_domain_queries_work_on_the_old_file(fixture_copy: Path) -> None:
    with Journal.open(fixture_copy, PASSPHRASE) as journal:
        pair = journal.pair("fixture partner")
        assert pair.id == PAIR_ID
        assert [a.version for a in journal.agreement_history(PAIR_ID)] == [1]
        assert journal.open_actions(PAIR_ID) == []
        assert [s.id for s in journal.sessions(PAIR_ID)] == ["30000000000000000000000000000003"]
        assert journal.settings().autolock_minutes == 7
        hits = {hit.id for hit in journal.search("naïve")}
        assert hits == {"30000000000000000000000000000003", "80000000000000000000000000000008"}


def test_an_old_consent_covers_nothing_until_given_again(fixture_copy: Path) -> None:
    """Format 1 recorded consent as a flag; it cannot say what it was for, so nothing leaves on it."""
    from pairjournal.journal.outbound import ConsentStatus
    from pairjournal.model import Takeaway
    from pairjournal.sharing import consent, export

    with Journal.open(fixture_copy, PASSPHRASE) as journal:
        item = journal.get(Takeaway, "40000000000000000000000000000004")
        item.withdrawals.clear()  # as if never withdrawn: the consent alone must not be enough
        journal.save(item)
        assert journal.consent_status(item) is ConsentStatus.CHANGED
        pair = journal.get(Pair, PAIR_ID)
        text = export.prepare(journal, pair, date(2024, 1, 1), date(2024, 12, 31), "json").text
        assert "Fixture coordinator wording" not in text and "mute is a courtesy" not in text
        consent.share(journal, item.id, "coordinator")
        consent.give_consent(journal, item.id, how="again, in person")
        text = export.prepare(journal, pair, date(2024, 1, 1), date(2024, 12, 31), "json").text
        assert "Fixture coordinator wording" in text


def test_the_old_file_stays_writable(fixture_copy: Path) -> None:
    with Journal.open(fixture_copy, PASSPHRASE) as journal:
        journal.add_reflection("Written today into a format 1 file", pair_id=PAIR_ID)
        journal.complete_action("50000000000000000000000000000005", evidence="Again")
    with Journal.open(fixture_copy, PASSPHRASE) as journal:
        assert journal.check().ok
        assert len(journal.all(Reflection)) == 2
        assert journal.get(ActionItem, "50000000000000000000000000000005").evidence == "Again"
        assert journal.get(Pair, PAIR_ID).name == "Fixture Partner"
        assert journal.get(Session, "30000000000000000000000000000003").actual_minutes == 44


def test_a_wrong_passphrase_is_refused(fixture_copy: Path) -> None:
    before = fixture_copy.read_bytes()
    with pytest.raises(WrongPassphrase):
        Journal.open(fixture_copy, "not the fixture passphrase")
    assert fixture_copy.read_bytes() == before

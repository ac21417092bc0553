"""Loading groups every record by kind and pair exactly as writing them one by one does.

RecordSet.load groups a batch with a pass per kind and per pair in it; RecordSet.remember
(every save) groups one record at a time. Both must give the same kinds, the same pairs'
groups in the same order, and one shared string per repeated pair or session id.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import pytest

from conftest import PASSPHRASE
from pairjournal.journal import Journal
from pairjournal.journal.records import RecordSet
from pairjournal.model import ActionItem, Session, Takeaway
from pairjournal.vault.store import Store


def test_a_load_in_batches_groups_as_saving_one_by_one(
    make_journal, journal_path: Path, monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
) -> None:
    journal: Journal = make_journal()
    rng = random.Random(16)
    pairs = [journal.add_pair(name, "mentee", start=date(2026, 1, 1)) for name in ("Ana", "Ben", "Caro")]
    for n in range(120):
        pair = rng.choice(pairs)
        what = rng.randrange(4)
        if what == 0:
            journal.add_session(pair.id, on=date(2026, 1, 2) + timedelta(days=n), notes=f"notes {n}")
        elif what == 1:
            sessions = journal.sessions(pair.id)
            journal.add_takeaway(pair.id, f"takeaway {n}", session_id=rng.choice(sessions).id if sessions else None)
        elif what == 2:
            journal.add_action(pair.id, f"action {n}")
        else:
            journal.add_reflection(f"reflection {n}", pair_id=rng.choice([pair.id, None]))
    journal.close()

    monkeypatch.setattr(Store, "LOAD_BATCH", 7)  # many batches, each holding several kinds and pairs
    with Journal.open(journal_path, PASSPHRASE) as loaded:
        records = loaded._records
        one_by_one = RecordSet()
        for entity in records.values():
            one_by_one.remember(entity, records.versions()[entity.id])
        assert {cls: list(group) for cls, group in records._by_kind.items()} == {
            cls: list(group) for cls, group in one_by_one._by_kind.items()
        }
        assert {cls: {pair: list(group) for pair, group in groups.items()} for cls, groups in records._by_pair.items()} == {
            cls: {pair: list(group) for pair, group in groups.items()} for cls, groups in one_by_one._by_pair.items()
        }
        assert set(records._by_pair[Session]) == {pair.id for pair in pairs}
        for pair in pairs:
            for cls in (Session, Takeaway, ActionItem):
                held = records.all(cls)
                assert len({id(e.pair_id) for e in held if e.pair_id == pair.id}) <= 1  # one string, shared
        session_ids = [t.session_id for t in records.all(Takeaway) if t.session_id is not None]
        assert len({id(s) for s in session_ids}) == len(set(session_ids))
        assert loaded.check().ok

"""Every entity survives a real file: saved, closed, reopened, equal field for field."""

from __future__ import annotations

from pathlib import Path

from conftest import PASSPHRASE
from factories import fill
from pairjournal.journal import Journal, codec
from pairjournal.model import ActionItem, Pair


def test_every_entity_round_trips_through_the_file(journal: Journal, journal_path: Path) -> None:
    saved = fill(journal)
    journal.close()
    with Journal.open(journal_path, PASSPHRASE) as reopened:
        for entity in saved:
            loaded = reopened.get(type(entity), entity.id)
            assert codec.to_dict(loaded) == codec.to_dict(entity)
        assert reopened.damaged == []
        assert reopened.check().ok


def test_edit_and_delete_persist(journal: Journal, journal_path: Path) -> None:
    pair = journal.add_pair("Sam", "mentee")
    action = journal.add_action(pair.id, "Draft the demo")
    gone = journal.add_action(pair.id, "Drop me")
    journal.complete_action(action.id[:6], evidence="Demo shipped")
    journal.delete(gone)
    journal.close()
    with Journal.open(journal_path, PASSPHRASE) as reopened:
        (left,) = reopened.all(ActionItem)
        assert left.status.value == "done" and left.evidence == "Demo shipped"
        assert reopened.get(Pair, pair.id).name == "Sam"
        assert reopened.check().ok


def test_agreement_versions_are_never_overwritten(journal: Journal) -> None:
    pair = journal.add_pair("Ira", "mentor")
    first = journal.new_agreement_version(pair.id, confidentiality="Chatham House")
    second = journal.new_agreement_version(pair.id, confidentiality="Nothing leaves the room")
    history = journal.agreement_history(pair.id)
    assert [a.version for a in history] == [1, 2]
    assert history[0].id == first.id and history[0].confidentiality == "Chatham House"
    assert journal.agreement(pair.id).id == second.id  # type: ignore[union-attr]

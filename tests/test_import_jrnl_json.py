"""Importing the file `jrnl --export json` writes (the way out of an encrypted jrnl journal)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from conftest import PASSPHRASE
from pairjournal.importers import import_notes
from pairjournal.importers.common import ImportFormatError
from pairjournal.journal import Journal
from pairjournal.model import Reflection

FIXTURES = Path(__file__).parent / "fixtures" / "import"
EXPORT = FIXTURES / "jrnl-json" / "export.json"


@pytest.fixture
def in_tokyo(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_every_field_lands_where_it_should(journal: Journal, in_tokyo: None) -> None:
    report = import_notes(journal, EXPORT, "jrnl-json")
    assert (report.found, report.new) == (5, 5)
    got = {r.title: r for r in journal.reflections()}
    first = got["First coffee with Sam. We talked about @mentoring goals"]
    assert first.text.startswith("Sam showed me three keyboard shortcuts")
    assert "\n\nAfter the break" in first.text
    assert first.created == datetime(2024, 1, 15, 8, 5, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert first.tags == ["mentoring", "work"]  # from the export's list, tag symbol removed
    assert first.source == "jrnl-json:export.json"
    assert got["Why I resisted feedback"].starred is True
    assert got["Bastille Day 🎆 and a Hebrew phrase: שלום עולם"].text.startswith("Arabic too: مرحبا")
    assert got["Only in the export"].text == ""
    assert got["Only in the export"].tags == ["extra"]


def test_text_file_and_its_export_share_ids(journal: Journal) -> None:
    """Importing a jrnl file and then its JSON export adds only what the file lacked."""
    import_notes(journal, FIXTURES / "jrnl" / "journal.txt", "jrnl")
    report = import_notes(journal, EXPORT, "jrnl-json")
    assert (report.found, report.new, report.duplicates) == (5, 1, 4)
    assert len(journal.reflections()) == 5


def test_importing_twice_does_not_duplicate(journal: Journal) -> None:
    import_notes(journal, EXPORT, "jrnl-json")
    again = import_notes(journal, EXPORT, "jrnl-json")
    assert (again.new, again.duplicates) == (0, 5)
    assert len(journal.all(Reflection)) == 5


def test_empty_export(journal: Journal) -> None:
    report = import_notes(journal, FIXTURES / "jrnl-json" / "empty.json", "jrnl-json")
    assert (report.found, report.new) == (0, 0)


def test_malformed_entry_in_the_middle_writes_nothing(journal: Journal, journal_path: Path) -> None:
    with pytest.raises(ImportFormatError) as caught:
        import_notes(journal, FIXTURES / "jrnl-json" / "malformed.json", "jrnl-json")
    assert "malformed.json: entry 2: date '01/02/2024'" in str(caught.value)
    journal.close()
    with Journal.open(journal_path, PASSPHRASE) as reopened:
        assert reopened.all(Reflection) == []


def test_json_syntax_error_names_line_and_column(journal: Journal) -> None:
    with pytest.raises(ImportFormatError, match=r"syntax.json: line 3 column 1: not valid JSON"):
        import_notes(journal, FIXTURES / "jrnl-json" / "syntax.json", "jrnl-json")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ([], 'not a jrnl JSON export (no "entries" list'),
        ({"entries": ["text"]}, "entry 1: an entry should be a JSON object"),
        ({"entries": [{"date": "2024-01-01", "time": "10:00", "title": 5}]}, 'entry 1: "title" should be text'),
        ({"entries": [{"date": "2024-01-01", "title": "t", "tags": "@a"}]}, 'entry 1: "tags" should be a list'),
        ({"entries": [{"date": "2024-01-01", "title": "t", "starred": "yes"}]}, 'entry 1: "starred" should be'),
    ],
)
def test_wrong_shapes_are_named(journal: Journal, tmp_path: Path, data: object, expected: str) -> None:
    source = tmp_path / "odd.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ImportFormatError) as caught:
        import_notes(journal, source, "jrnl-json")
    assert expected in str(caught.value)
    assert journal.reflections() == []


def test_search_finds_imported_text(journal: Journal) -> None:
    import_notes(journal, EXPORT, "jrnl-json")
    assert [h.title for h in journal.search("twenty years younger")] == ["Why I resisted feedback"]

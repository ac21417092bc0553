"""Importing a Day One JSON export, bare or inside its zip."""

from __future__ import annotations

import json
import zipfile
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from conftest import PASSPHRASE
from pairjournal.importers import common, dayone, import_notes
from pairjournal.importers.common import ImportFormatError, entry_id
from pairjournal.journal import Journal
from pairjournal.model import Reflection

FIXTURES = Path(__file__).parent / "fixtures" / "import" / "dayone"
JOURNAL_JSON = FIXTURES / "Journal.json"
CRM_UUID = "6D8F1C2A4B3E4F5A9C0D1E2F3A4B5C6D"


def make_zip(tmp_path: Path, members: dict[str, bytes]) -> Path:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return archive


def check_fields(journal: Journal) -> None:
    got = {r.id: r for r in journal.reflections()}
    assert len(got) == 2
    crm = got[entry_id("dayone", CRM_UUID)]
    assert crm.title == "Learning the new CRM"
    assert crm.text == (
        "Maya walked me through the pipeline view. It took 20 minutes (not the hour I feared)!\n\n"
        "- ask about dashboards next time"
    )
    # 14:30 UTC on the day New York left summer time: 09:30 at -05:00, in its own zone.
    assert crm.created == datetime(2023, 11, 5, 9, 30, tzinfo=ZoneInfo("America/New_York"))
    assert crm.created.utcoffset() == timedelta(hours=-5)
    assert crm.tags == ["mentoring", "Reverse Mentoring"]
    assert crm.starred is True

    tokyo = got[entry_id("dayone", "A1B2C3D4E5F60718293A4B5C6D7E8F90")]
    assert tokyo.title == ""
    assert tokyo.text.startswith("No heading on this one, just a thought in Japanese: 今日はよく学んだ。\n")
    assert tokyo.created.isoformat() == "2024-04-01T08:15:00+09:00"
    assert tokyo.starred is False and tokyo.tags == []


def test_every_field_lands_where_it_should(journal: Journal) -> None:
    report = import_notes(journal, JOURNAL_JSON, "dayone")
    check_fields(journal)
    assert {r.source for r in journal.reflections()} == {"dayone:Journal.json"}
    assert (report.found, report.new) == (2, 2)
    # Attachments are listed, never imported.
    assert report.attachments == [f"entry 1 (uuid {CRM_UUID}) (2023-11-05): 1 photo, 1 audio"]
    assert report.problems == [
        "entry 3 (uuid 00000000000000000000000000000003): no text, only attachments (1 photo); skipped"
    ]
    text = "\n".join(report.lines())
    assert "Attachments not imported (1 entry):" in text


def test_the_zip_is_read_without_extracting(journal: Journal, tmp_path: Path) -> None:
    archive = make_zip(
        tmp_path,
        {
            "Journal.json": JOURNAL_JSON.read_bytes(),
            "photos/0f343b0931126a20f133d67c2b018a3b.jpeg": b"\xff\xd8 not really a photo",
            "__MACOSX/._Journal.json": b"resource fork junk",
        },
    )
    report = import_notes(journal, archive, "dayone")
    assert report.new == 2
    check_fields(journal)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.zip", "journals"]  # nothing unpacked


def test_zip_and_json_are_the_same_entries(journal: Journal, tmp_path: Path) -> None:
    import_notes(journal, JOURNAL_JSON, "dayone")
    archive = make_zip(tmp_path, {"Journal.json": JOURNAL_JSON.read_bytes()})
    again = import_notes(journal, archive, "dayone")
    assert (again.new, again.duplicates) == (0, 2)
    assert len(journal.all(Reflection)) == 2


def test_oversized_zip_member_is_refused(journal: Journal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(common, "MAX_IMPORT_BYTES", 1000)
    archive = make_zip(tmp_path, {"Journal.json": JOURNAL_JSON.read_bytes()})
    with pytest.raises(ImportFormatError, match=r"export.zip:Journal.json: more than 1000 bytes to read in all"):
        import_notes(journal, archive, "dayone")
    assert journal.reflections() == []


def test_zip_without_a_journal_is_refused(journal: Journal, tmp_path: Path) -> None:
    archive = make_zip(tmp_path, {"photos/a.jpeg": b"x"})
    with pytest.raises(ImportFormatError, match="the zip holds no Day One journal"):
        import_notes(journal, archive, "dayone")


def test_malformed_entry_in_the_middle_writes_nothing(journal: Journal, journal_path: Path) -> None:
    import_notes(journal, JOURNAL_JSON, "dayone")
    with pytest.raises(ImportFormatError) as caught:
        import_notes(journal, FIXTURES / "malformed.json", "dayone")
    assert "malformed.json: entry 2 (uuid BAD00002): creationDate 'yesterday afternoon'" in str(caught.value)
    journal.close()
    with Journal.open(journal_path, PASSPHRASE) as reopened:
        assert len(reopened.all(Reflection)) == 2
        assert all(r.text != "Fine" for r in reopened.all(Reflection))


def test_empty_export(journal: Journal) -> None:
    report = import_notes(journal, FIXTURES / "empty.json", "dayone")
    assert (report.found, report.new) == (0, 0)


def test_unknown_time_zone_is_reported_not_fatal(journal: Journal, tmp_path: Path) -> None:
    source = tmp_path / "Journal.json"
    entry = {"uuid": "Z1", "creationDate": "2024-01-01T10:00:00Z", "timeZone": "Mars/Olympus", "text": "Red dust"}
    source.write_text(json.dumps({"entries": [entry]}), encoding="utf-8")
    report = import_notes(journal, source, "dayone")
    (only,) = journal.reflections()
    assert only.created == datetime(2024, 1, 1, 10, 0, tzinfo=ZoneInfo("UTC"))
    assert report.problems == ["entry 1 (uuid Z1): unknown time zone 'Mars/Olympus'; kept the time in this machine's zone"]


def test_search_finds_imported_text(journal: Journal) -> None:
    import_notes(journal, JOURNAL_JSON, "dayone")
    assert [h.title for h in journal.search("pipeline dashboards")] == ["Learning the new CRM"]


def test_day_one_escapes_are_undone() -> None:
    assert dayone.clean_text(r"Cost \$5 \(approx\.\) \- \#1 \\ done") == r"Cost $5 (approx.) - #1 \ done"

"""Importing jrnl's plain-text journal file into a real, encrypted journal."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from conftest import PASSPHRASE
from pairjournal.errors import StorageFull, UsageError
from pairjournal.importers import import_notes
from pairjournal.importers.common import ImportFormatError, entry_id
from pairjournal.importers.jrnl import split_title, tags_in
from pairjournal.journal import Journal
from pairjournal.model import Reflection, Role

FIXTURES = Path(__file__).parent / "fixtures" / "import" / "jrnl"
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def in_paris(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """jrnl has no time zone: the machine's local zone applies. Make it a known one."""
    monkeypatch.setenv("TZ", "Europe/Paris")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def by_title(journal: Journal) -> dict[str, Reflection]:
    return {r.title: r for r in journal.reflections()}


def snapshot(path: Path) -> list[tuple[str, str, str, datetime]]:
    """What a freshly opened journal holds: compared before and after a failed import."""
    with Journal.open(path, PASSPHRASE) as reopened:
        return sorted((r.id, r.title, r.text, r.created) for r in reopened.all(Reflection))


def test_every_field_lands_where_it_should(journal: Journal, in_paris: None) -> None:
    report = import_notes(journal, FIXTURES / "journal.txt", "jrnl")
    assert (report.found, report.new, report.duplicates) == (4, 4, 0)
    got = by_title(journal)

    first = got["First coffee with Sam. We talked about @mentoring goals"]
    assert first.text == (
        "Sam showed me three keyboard shortcuts I never knew.\n\n"
        "After the break we tried the AI drafting tool on a real @Work email.\n"
        "  Indented line kept as written."
    )
    assert first.created == datetime(2024, 1, 15, 8, 5, tzinfo=PARIS)
    assert first.created.utcoffset() == timedelta(hours=1)
    assert first.tags == ["mentoring", "work"]
    assert first.starred is False
    assert first.source == "jrnl:journal.txt"
    assert first.pair_id is None and first.prompt_id is None

    starred = got["Why I resisted feedback"]
    assert starred.starred is True
    assert starred.text.endswith("Writing it down helps. @reflection")
    assert starred.tags == ["reflection"]

    # jrnl reads an entry with an empty first line by taking its next line as the title.
    untitled = got["A note I wrote with no title line."]
    assert untitled.text == "It continues here with café, naïve and résumé."
    assert untitled.created == datetime(2024, 2, 2, 12, 0, tzinfo=PARIS)

    summer = got["Bastille Day 🎆 and a Hebrew phrase: שלום עולם"]
    assert summer.created.utcoffset() == timedelta(hours=2)  # the zone's rule for that date
    assert summer.text == "Arabic too: مرحبا بالعالم, then back to English. @travel @Travel"
    assert summer.tags == ["travel"]


def test_fields_survive_reopening_the_file(journal: Journal, journal_path: Path, in_paris: None) -> None:
    import_notes(journal, FIXTURES / "journal.txt", "jrnl")
    before = {r.id: r for r in journal.reflections()}
    journal.close()
    with Journal.open(journal_path, PASSPHRASE) as reopened:
        after = {r.id: r for r in reopened.reflections()}
    assert after == before


def test_unusual_time_format(journal: Journal, in_paris: None) -> None:
    report = import_notes(journal, FIXTURES / "ampm.txt", "jrnl", time_format="%d/%m/%Y %I:%M %p")
    assert report.new == 2
    got = by_title(journal)
    assert got["Evening review"].created == datetime(2024, 2, 3, 21, 15, tzinfo=PARIS)
    assert got["Evening review"].text == "Late session notes."
    assert got["Just after midnight"].created == datetime(2024, 2, 4, 0, 5, tzinfo=PARIS)
    assert got["Just after midnight"].starred is True


def test_wrong_time_format_names_the_first_line(journal: Journal) -> None:
    with pytest.raises(ImportFormatError) as caught:
        import_notes(journal, FIXTURES / "ampm.txt", "jrnl")
    assert "ampm.txt: line 1: text before the first dated entry" in str(caught.value)
    assert "--time-format" in str(caught.value)
    assert journal.reflections() == []


def test_unsupported_time_format_directive(journal: Journal) -> None:
    with pytest.raises(UsageError, match="unsupported directive %Q"):
        import_notes(journal, FIXTURES / "ampm.txt", "jrnl", time_format="%Y %Q")


def test_empty_file_imports_nothing(journal: Journal) -> None:
    report = import_notes(journal, FIXTURES / "empty.txt", "jrnl")
    assert (report.found, report.new) == (0, 0)
    assert report.lines() == [f"Found no entries in {FIXTURES / 'empty.txt'}; nothing was imported."]
    assert journal.reflections() == []


def test_importing_twice_does_not_duplicate(journal: Journal, journal_path: Path) -> None:
    first = import_notes(journal, FIXTURES / "journal.txt", "jrnl")
    second = import_notes(journal, FIXTURES / "journal.txt", "jrnl")
    assert (first.new, second.new, second.duplicates) == (4, 0, 4)
    assert "4 entries already in the journal: skipped." in second.lines()
    journal.close()
    with Journal.open(journal_path, PASSPHRASE) as reopened:
        assert len(reopened.reflections()) == 4


def test_ids_are_deterministic(journal: Journal) -> None:
    import_notes(journal, FIXTURES / "journal.txt", "jrnl")
    r = by_title(journal)["Why I resisted feedback"]
    wall = r.created.replace(tzinfo=None).isoformat(timespec="minutes")
    assert r.id == entry_id("jrnl", f"{wall}\x00{r.title}\x00{r.text}")
    assert len(r.id) == 32


def test_malformed_entry_in_the_middle_writes_nothing(journal: Journal, journal_path: Path) -> None:
    journal.add_reflection("Written before the import")
    import_notes(journal, FIXTURES / "journal.txt", "jrnl")
    before = snapshot(journal_path)
    with pytest.raises(ImportFormatError) as caught:
        import_notes(journal, FIXTURES / "malformed.txt", "jrnl")
    message = str(caught.value)
    assert "malformed.txt: line 4: [2024-02-30 10:00] is not a valid date" in message
    assert "\n" not in message
    assert snapshot(journal_path) == before
    assert "A good entry" not in by_title(journal)


def test_failure_while_writing_rolls_back_everything(
    journal: Journal, journal_path: Path, tmp_path: Path
) -> None:
    """A full disk halfway through the write: the one transaction leaves the file as it was."""
    journal.add_reflection("Already here")
    before = snapshot(journal_path)
    big = tmp_path / "big.txt"
    body = "Words that take up room. " * 80
    big.write_text("\n".join(f"[2023-01-01 {i // 60:02d}:{i % 60:02d}] Entry {i}\n{body}" for i in range(600)))
    conn = journal._store.conn  # a real SQLite limit stands in for a full disk
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count={pages + 20}")
    with pytest.raises(StorageFull):
        import_notes(journal, big, "jrnl")
    assert [r.text for r in journal.reflections()] == ["Already here"]
    journal.close()
    assert snapshot(journal_path) == before
    with Journal.open(journal_path, PASSPHRASE) as reopened:
        assert reopened.check().ok


def test_dry_run_writes_nothing(journal: Journal, journal_path: Path) -> None:
    before = snapshot(journal_path)
    report = import_notes(journal, FIXTURES / "journal.txt", "jrnl", dry_run=True)
    assert (report.found, report.new) == (4, 4)
    text = "\n".join(report.lines())
    assert "Dry run" in text and "2024-01-15 to 2024-07-14" in text and "nothing was written" in text
    assert journal.reflections() == []
    assert snapshot(journal_path) == before


def test_pair_option_attaches_every_entry(journal: Journal) -> None:
    pair = journal.add_pair("Maya", Role.MENTEE)
    report = import_notes(journal, FIXTURES / "journal.txt", "jrnl", pair_name="maya")
    assert report.pair_name == "Maya"
    assert {r.pair_id for r in journal.reflections()} == {pair.id}
    assert journal.reflections(pair.id) != []


def test_unknown_pair_is_refused_before_reading(journal: Journal) -> None:
    with pytest.raises(UsageError, match="no pair named 'Nobody'"):
        import_notes(journal, FIXTURES / "journal.txt", "jrnl", pair_name="Nobody")
    assert journal.reflections() == []


def test_search_finds_imported_text(journal: Journal) -> None:
    import_notes(journal, FIXTURES / "journal.txt", "jrnl")
    hits = journal.search("keyboard shortcuts")
    assert [h.title for h in hits] == ["First coffee with Sam. We talked about @mentoring goals"]
    assert [h.kind for h in journal.search("resume")] == ["reflection"]  # accents folded
    assert journal.search("שלום") != []


def test_entries_without_text_are_skipped_and_reported(journal: Journal, tmp_path: Path) -> None:
    source = tmp_path / "gaps.txt"
    source.write_text("\n[2024-01-01 10:00]\n\n[2024-01-02 10:00] Kept\n", encoding="utf-8")
    report = import_notes(journal, source, "jrnl")
    assert report.new == 1
    assert report.problems == ["line 2: empty entry skipped"]


def test_windows_line_endings_and_bom(journal: Journal, tmp_path: Path) -> None:
    source = tmp_path / "windows.txt"
    source.write_bytes("\ufeff[2024-01-01 10:00] Title\r\nBody line\r\n\r\nmore\r\n".encode())
    import_notes(journal, source, "jrnl")
    (only,) = journal.reflections()
    assert (only.title, only.text) == ("Title", "Body line\n\nmore")


def test_bracketed_text_that_is_not_a_date_stays_in_the_body(journal: Journal, tmp_path: Path) -> None:
    source = tmp_path / "brackets.txt"
    source.write_text("[2024-01-01 10:00] Title\n[x] a checkbox\n[2024-01-01] not a full date\n", encoding="utf-8")
    import_notes(journal, source, "jrnl")
    (only,) = journal.reflections()
    assert only.text == "[x] a checkbox\n[2024-01-01] not a full date"


def test_not_utf8_names_the_line(journal: Journal, tmp_path: Path) -> None:
    source = tmp_path / "latin1.txt"
    source.write_bytes(b"[2024-01-01 10:00] Fine\nline two\ncaf\xe9\n")
    with pytest.raises(ImportFormatError, match=r"latin1.txt: line 3: not UTF-8 text"):
        import_notes(journal, source, "jrnl")


def test_entries_spanning_read_blocks(journal: Journal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The file is read in blocks; entries and line numbers must not care where blocks end."""
    from pairjournal.importers import jrnl

    monkeypatch.setattr(jrnl, "BLOCK_BYTES", 7)
    lines = [f"[2024-01-{d:02d} 10:00] Day {d}\nbody {d} @t{d}\nmore {d}\n" for d in range(1, 21)]
    source = tmp_path / "many.txt"
    source.write_text("".join(lines) + "[2024-01-99 10:00] bad\n", encoding="utf-8")
    with pytest.raises(ImportFormatError, match="line 61:"):
        import_notes(journal, source, "jrnl")
    for size in (7, 8):  # odd and even block sizes split CR LF pairs differently
        monkeypatch.setattr(jrnl, "BLOCK_BYTES", size)
        source.write_bytes("".join(lines).replace("\n", "\r\n").encode())
        assert [e.body for e in jrnl.read(source, [])] == [f"body {d} @t{d}\nmore {d}" for d in range(1, 21)]
    source.write_text("".join(lines), encoding="utf-8")
    assert import_notes(journal, source, "jrnl").new == 20
    assert by_title(journal)["Day 17"].text == "body 17 @t17\nmore 17"
    assert by_title(journal)["Day 17"].tags == ["t17"]


def test_split_title_follows_jrnl() -> None:
    assert split_title("Title line\nbody") == ("Title line", "body")
    assert split_title("One line. Two sentences") == ("One line.", "Two sentences")
    assert split_title("No sentence end") == ("No sentence end", "")
    assert split_title("  \n  Lead\n\n body  \n") == ("Lead", "body")


def test_tags_follow_jrnl() -> None:
    assert tags_in("@A mail me@example.com (@b) @c. @d-e/f\n@C") == ["a", "c", "d-e/f"]


def test_bulk_save_keeps_versions_and_manifest(journal: Journal, journal_path: Path) -> None:
    """Journal.save_many (the import's write path) leaves the file exactly as save() would."""
    from pairjournal.vault.store import Store

    old = journal.add_reflection("first version")
    old.text = "second version"
    fresh = [Reflection(text=f"bulk {i}") for i in range(Store.PUT_MANY_CHUNK + 3)]  # more than one chunk
    journal.save_many([old, *fresh])
    journal.close()
    with Journal.open(journal_path, PASSPHRASE) as reopened:
        assert reopened.check().ok  # the sealed manifest matches every (id, version)
        assert reopened.get(Reflection, old.id).text == "second version"
        assert reopened._versions[old.id] == 2
        assert len(reopened.reflections()) == len(fresh) + 1

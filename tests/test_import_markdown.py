"""Importing a folder of Markdown notes (Obsidian style)."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from conftest import PASSPHRASE
from pairjournal.importers import import_notes
from pairjournal.importers.common import ImportFormatError
from pairjournal.importers.markdown import front_matter, inline_tags
from pairjournal.journal import Journal
from pairjournal.model import Reflection

FIXTURES = Path(__file__).parent / "fixtures" / "import" / "markdown"
LISBON = ZoneInfo("Europe/Lisbon")


@pytest.fixture
def in_lisbon(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "Europe/Lisbon")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    """A copy of the fixture vault, so the undated note's modification time can be set."""
    copy = tmp_path / "vault"
    shutil.copytree(FIXTURES / "vault", copy)
    stamp = datetime(2022, 6, 1, 12, 0, tzinfo=UTC).timestamp()
    os.utime(copy / "Projects" / "undated.md", (stamp, stamp))
    return copy


def test_every_field_lands_where_it_should(journal: Journal, vault: Path, in_lisbon: None) -> None:
    report = import_notes(journal, vault, "markdown")
    got = {r.source: r for r in journal.reflections()}
    assert sorted(got) == [
        "markdown:Daily/2024-03-01 Team offsite.md",
        "markdown:Projects/crm-rollout.md",
        "markdown:Projects/heading-title.md",
        "markdown:Projects/undated.md",
    ]
    assert (report.found, report.new) == (4, 4)

    daily = got["markdown:Daily/2024-03-01 Team offsite.md"]
    assert daily.title == "Team offsite"  # the file name, less its date
    assert daily.created == datetime(2024, 3, 1, 0, 0, tzinfo=LISBON)
    assert daily.tags == ["mentoring"]
    assert daily.text.startswith("We met the new cohort today. #mentoring\n\nThe mentor asked")

    crm = got["markdown:Projects/crm-rollout.md"]
    assert crm.title == "CRM rollout: what I learned"
    assert crm.created == datetime(2024, 4, 10, 16, 45, tzinfo=LISBON)
    assert crm.created.utcoffset() == timedelta(hours=1)
    assert crm.starred is True
    # Front matter tags first, then inline ones; none from code, URLs, headings or pure numbers.
    assert crm.tags == ["crm", "Reverse-Mentoring", "learning", "team/ops"]
    assert crm.text.startswith("# A heading that is not the title\n\nInline tags")

    heading = got["markdown:Projects/heading-title.md"]
    assert heading.title == "Repairing after a misstep"
    assert heading.text == (
        "## Not level one\n\nPause, name the impact, share intent, recommit. Ünïcödé ✓ and עברית."
    )
    assert heading.created.isoformat() == "2024-05-02T07:30:00+02:00"  # its own offset is kept
    assert heading.tags == ["feedback", "repair"]

    undated = got["markdown:Projects/undated.md"]
    assert undated.title == "undated"
    assert undated.created == datetime(2022, 6, 1, 13, 0, tzinfo=LISBON)  # the file's mtime
    assert undated.tags == ["loose"]

    assert report.problems == [
        "1 file(s) that are not Markdown notes skipped (attachments?), e.g. attachment.txt",
        "empty.md: empty note skipped",
        "Projects/undated.md: no date in front matter or file name; dated by its modification time",
    ]


def test_hidden_folders_are_not_imported(journal: Journal, vault: Path) -> None:
    import_notes(journal, vault, "markdown")
    assert all(".obsidian" not in r.source for r in journal.reflections())
    assert journal.search("Obsidian's own file") == []


def test_importing_twice_does_not_duplicate(journal: Journal, vault: Path) -> None:
    import_notes(journal, vault, "markdown")
    again = import_notes(journal, vault, "markdown")
    assert (again.new, again.duplicates) == (0, 4)
    assert len(journal.all(Reflection)) == 4


def test_a_single_note_file(journal: Journal, vault: Path) -> None:
    report = import_notes(journal, vault / "Projects" / "heading-title.md", "markdown")
    assert report.new == 1
    assert journal.reflections()[0].source == "markdown:heading-title.md"


def test_malformed_note_in_the_middle_writes_nothing(journal: Journal, journal_path: Path) -> None:
    with pytest.raises(ImportFormatError) as caught:
        import_notes(journal, FIXTURES / "bad", "markdown")
    assert "wrong-date.md: line 3: date '2024-14-01' is not a date" in str(caught.value)
    journal.close()
    with Journal.open(journal_path, PASSPHRASE) as reopened:
        assert reopened.all(Reflection) == []


def test_unclosed_front_matter_is_malformed(journal: Journal, tmp_path: Path) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "open.md").write_text("---\ntitle: never closed\n\nBody\n", encoding="utf-8")
    with pytest.raises(ImportFormatError, match=r"open.md: line 1: front matter opened with '---' is never closed"):
        import_notes(journal, tmp_path / "notes", "markdown")


def test_empty_folder(journal: Journal, tmp_path: Path) -> None:
    (tmp_path / "nothing").mkdir()
    report = import_notes(journal, tmp_path / "nothing", "markdown")
    assert (report.found, report.new) == (0, 0)


def test_search_finds_imported_text(journal: Journal, vault: Path) -> None:
    import_notes(journal, vault, "markdown")
    assert [h.title for h in journal.search("name the impact")] == ["Repairing after a misstep"]


def test_front_matter_forms() -> None:
    lines = [
        "---",
        "title: 'Quoted: yes'",
        "tags: a, b",
        "aliases:",
        "  - x",
        "  - 'y'",
        "# a comment",
        "nested:",
        "  key: value",
        "---",
        "body",
    ]
    fields, line_of, start = front_matter(lines, "n.md")
    assert fields["title"] == "Quoted: yes"
    assert fields["tags"] == "a, b"
    assert fields["aliases"] == ["x", "y"]
    assert line_of["tags"] == 3
    assert lines[start] == "body"


def test_inline_tags_skip_code_and_headings() -> None:
    body = "#top and #mid-dle\n# Heading #nope\n```\n#fenced\n```\n    #indented\n`#span` #ok_1 #123 x#y"
    assert inline_tags(body) == ["top", "mid-dle", "ok_1"]

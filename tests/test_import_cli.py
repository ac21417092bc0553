"""`pairjournal import FILE --from ...` end to end, and its failures: one line, non-zero, nothing written."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import PASSPHRASE, ROOT, CliResult, subprocess_env
from pairjournal.journal import Journal
from pairjournal.model import Reflection, Role

FIXTURES = Path(__file__).parent / "fixtures" / "import"
JRNL = FIXTURES / "jrnl" / "journal.txt"

Cli = Callable[..., CliResult]


def reflections(path: Path) -> list[tuple[str, str, str]]:
    with Journal.open(path, PASSPHRASE) as reopened:
        return sorted((r.id, r.title, r.text) for r in reopened.all(Reflection))


@pytest.fixture
def existing(journal: Journal, journal_path: Path) -> Path:
    """A journal with a pair and one reflection of its own, closed so the CLI can open it."""
    journal.add_pair("Maya", Role.MENTEE)
    journal.add_reflection("Mine, written before any import")
    journal.close()
    return journal_path


def assert_one_line_failure(result: CliResult, *fragments: str) -> None:
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.mark.parametrize(
    ("source", "path", "count"),
    [
        ("jrnl", JRNL, 4),
        ("jrnl-json", FIXTURES / "jrnl-json" / "export.json", 5),
        ("dayone", FIXTURES / "dayone" / "Journal.json", 2),
        ("markdown", FIXTURES / "markdown" / "vault", 4),
    ],
)
def test_each_source_imports(cli: Cli, existing: Path, source: str, path: Path, count: int) -> None:
    result = cli("import", str(path), "--from", source)
    assert result.exit_code == 0, result.stderr
    assert f"Imported {count} of {count}" in result.stdout
    assert len(reflections(existing)) == count + 1


def test_pair_and_report(cli: Cli, existing: Path) -> None:
    result = cli("import", str(JRNL), "--from", "jrnl", "--pair", "Maya")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == (
        f"Imported 4 of 4 entries from {JRNL}, dated 2024-01-15 to 2024-07-14 as private reflections into pair Maya."
    )
    listed = cli("list", "reflections", "--pair", "Maya")
    assert "Why I resisted feedback" in listed.stdout
    assert "Mine, written before" not in listed.stdout


def test_second_import_reports_duplicates(cli: Cli, existing: Path) -> None:
    cli("import", str(JRNL), "--from", "jrnl")
    before = reflections(existing)
    again = cli("import", str(JRNL), "--from", "jrnl")
    assert again.exit_code == 0
    assert "Imported 0 of 4" in again.stdout
    assert "4 entries already in the journal: skipped." in again.stdout
    assert reflections(existing) == before


def test_dry_run_writes_nothing(cli: Cli, existing: Path) -> None:
    before = reflections(existing)
    result = cli("import", str(FIXTURES / "dayone" / "Journal.json"), "--from", "dayone", "--dry-run")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "Dry run:" in out and "holds 2 entries, dated 2023-11-05 to 2024-04-01" in out
    assert "Would import 2 as private reflections; nothing was written." in out
    assert "Attachments not imported (1 entry):" in out and "1 photo, 1 audio" in out
    assert "only attachments (1 photo); skipped" in out
    assert reflections(existing) == before


def test_search_finds_imported_text(cli: Cli, existing: Path) -> None:
    cli("import", str(FIXTURES / "markdown" / "vault"), "--from", "markdown")
    found = cli("search", "name the impact")
    assert found.exit_code == 0
    assert "reflection" in found.stdout and "Pause, name the impact" in found.stdout


def test_time_format_option(cli: Cli, existing: Path) -> None:
    result = cli("import", str(FIXTURES / "jrnl" / "ampm.txt"), "--from", "jrnl", "--time-format", "%d/%m/%Y %I:%M %p")
    assert result.exit_code == 0, result.stderr
    assert "dated 2024-02-03 to 2024-02-04" in result.stdout


def test_malformed_file_names_file_and_line(cli: Cli, existing: Path) -> None:
    before = reflections(existing)
    result = cli("import", str(FIXTURES / "jrnl" / "malformed.txt"), "--from", "jrnl")
    assert_one_line_failure(result, "malformed.txt: line 4:", "not a valid date")
    assert result.exit_code == 2
    assert reflections(existing) == before


def test_malformed_entry_names_the_entry(cli: Cli, existing: Path) -> None:
    before = reflections(existing)
    result = cli("import", str(FIXTURES / "dayone" / "malformed.json"), "--from", "dayone")
    assert_one_line_failure(result, "malformed.json: entry 2 (uuid BAD00002)")
    assert reflections(existing) == before


def test_missing_file(cli: Cli, existing: Path, tmp_path: Path) -> None:
    result = cli("import", str(tmp_path / "nope.txt"), "--from", "jrnl")
    assert_one_line_failure(result, "no such file or folder", "nope.txt")


def test_unknown_source(cli: Cli, existing: Path) -> None:
    result = cli("import", str(JRNL), "--from", "evernote")
    assert_one_line_failure(result, "evernote")
    assert result.exit_code == 2


def test_unknown_pair(cli: Cli, existing: Path) -> None:
    result = cli("import", str(JRNL), "--from", "jrnl", "--pair", "Nobody")
    assert_one_line_failure(result, "no pair named 'Nobody'")


def test_time_format_only_for_jrnl(cli: Cli, existing: Path) -> None:
    result = cli("import", str(FIXTURES / "dayone" / "Journal.json"), "--from", "dayone", "--time-format", "%Y")
    assert_one_line_failure(result, "--time-format applies only to --from jrnl")


def test_folder_given_for_a_file_source(cli: Cli, existing: Path) -> None:
    result = cli("import", str(FIXTURES / "markdown" / "vault"), "--from", "jrnl")
    assert_one_line_failure(result, "is not a file")


def test_foreign_options_without_from(cli: Cli, existing: Path) -> None:
    result = cli("import", str(JRNL), "--dry-run")
    assert_one_line_failure(result, "go with --from")


def test_no_journal_yet(cli: Cli, journal_path: Path) -> None:
    result = cli("import", str(JRNL), "--from", "jrnl")
    assert_one_line_failure(result, "no journal at")
    assert not journal_path.exists()


def test_bench_smoke(tmp_path: Path) -> None:
    """The benchmark script runs end to end at a tiny size (the full run is manual)."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "import_jrnl.py"), "--entries", "60", "--cheap-kdf"],
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    rows = done.stdout.strip().splitlines()
    assert rows[0].startswith("| entries | file MB | seconds | peak MB | cores |")
    assert rows[2].startswith("| 60 |")

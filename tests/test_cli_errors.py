"""Bad input, one test each (issue 2's list): one line on stderr, a non-zero exit, no traceback,
and the journal file byte-for-byte as it was.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import PASSPHRASE, PYTHON, CliResult, subprocess_env
from pairjournal.errors import (
    DamagedJournal,
    JournalMissing,
    NewerFormat,
    NotAJournal,
    UsageError,
    WrongPassphrase,
)
from pairjournal.journal import Journal
from pairjournal.vault.store import SCHEMA_VERSION


def _state(folder: Path) -> dict[str, str]:
    """Every file beside the journal and a hash of its bytes.

    SQLite's shared-memory index (-shm) and an empty write-ahead log are left
    out: a read-only connection creates them and cannot remove them, and they
    hold nothing. A -wal with any content would count.
    """
    if not folder.exists():
        return {}
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file() and not p.name.endswith("-shm") and not (p.name.endswith("-wal") and p.stat().st_size == 0)
    }


def _refused(result: CliResult, exit_code: int, *words: str) -> str:
    assert result.exit_code == exit_code, (result.exit_code, result.stderr)
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith("pairjournal: error: ")
    assert "internal error" not in line
    for word in words:
        assert word in line, line
    return line


def _names_only_the_bad_record(stderr: str, record_id: str) -> None:
    """check's report: the record named on exactly one BAD line, and nothing else."""
    assert stderr.strip().splitlines() == [
        f"BAD record {record_id}: fails authentication (altered, swapped or damaged)",
    ]


@pytest.fixture
def ready(make_journal: Callable[..., Journal], journal_path: Path, cli: Callable[..., CliResult]) -> dict[str, str]:
    """A closed journal with a pair, an action and two reflections; today's backup already made."""
    with make_journal() as journal:
        pair = journal.add_pair("Asha", "mentor")
        action = journal.add_action(pair.id, "set up passkeys")
        first = journal.add_reflection("first thought")
        journal.add_reflection("second thought")
    assert cli("list", "pairs").exit_code == 0
    return {"pair": pair.id, "action": action.id, "reflection": first.id}


def test_wrong_passphrase(ready: dict[str, str], journal_path: Path, cli: Callable[..., CliResult]) -> None:
    before = _state(journal_path.parent)
    result = cli("list", "pairs", env={"PAIRJOURNAL_PASSPHRASE": "not it"})
    _refused(result, WrongPassphrase.exit_code, "wrong passphrase")
    assert _state(journal_path.parent) == before


@pytest.mark.parametrize("how", ["empty passphrase file", "empty answer at the prompt"])
def test_empty_passphrase_at_init(journal_path: Path, tmp_path: Path, cli: Callable[..., CliResult], how: str) -> None:
    if how == "empty passphrase file":
        secret = tmp_path / "empty"
        secret.write_text("")
        result = cli("--passphrase-file", str(secret), "init")
    else:
        result = cli("init", input="\n\n", env={"PAIRJOURNAL_PASSPHRASE": None})
    _refused(result, UsageError.exit_code, "must not be empty")
    assert not journal_path.exists()
    assert _state(journal_path.parent) == {}


def test_journal_path_that_does_not_exist(tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    missing = tmp_path / "nowhere" / "journal.pairjournal"
    result = cli("--journal", str(missing), "list", "pairs")
    _refused(result, JournalMissing.exit_code, "no journal at", str(missing))
    assert not missing.parent.exists()  # nothing was created on the way


@pytest.mark.parametrize("content", ["text", "another sqlite database"])
def test_a_file_that_is_not_a_journal(tmp_path: Path, cli: Callable[..., CliResult], content: str) -> None:
    path = tmp_path / "notes.pairjournal"
    if content == "text":
        path.write_text("Dear diary,\nthis is not a journal.\n")
    else:
        conn = sqlite3.connect(path)
        with conn:
            conn.execute("CREATE TABLE recipes (name TEXT)")
        conn.close()
    before = _state(tmp_path)
    result = cli("--journal", str(path), "list", "pairs")
    _refused(result, NotAJournal.exit_code, "not a pairjournal journal")
    assert _state(tmp_path) == before


@pytest.mark.parametrize("keep", [0.25, 0.5, 0.9])
def test_a_truncated_journal(ready: dict[str, str], journal_path: Path, cli: Callable[..., CliResult], keep: float) -> None:
    raw = journal_path.read_bytes()
    journal_path.write_bytes(raw[: int(len(raw) * keep)])
    before = _state(journal_path.parent)
    result = cli("list", "reflections")
    assert result.exit_code in (DamagedJournal.exit_code, NotAJournal.exit_code)
    _refused(result, result.exit_code)
    assert _state(journal_path.parent) == before


def test_an_altered_ciphertext(ready: dict[str, str], journal_path: Path, cli: Callable[..., CliResult]) -> None:
    conn = sqlite3.connect(journal_path)
    with conn:
        (ct,) = conn.execute("SELECT ct FROM records WHERE id=?", (ready["reflection"],)).fetchone()
        conn.execute("UPDATE records SET ct=? WHERE id=?", (ct[:5] + bytes([ct[5] ^ 0x20]) + ct[6:], ready["reflection"]))
    conn.close()
    before = _state(journal_path.parent)

    checked = cli("check")
    assert checked.exit_code == DamagedJournal.exit_code and "Traceback" not in checked.stderr
    _names_only_the_bad_record(checked.stderr, ready["reflection"])

    # The other records stay readable; the damage is named once, on stderr.
    listed = cli("list", "reflections", "--json")
    assert listed.exit_code == 0
    assert [r["text"] for r in json.loads(listed.stdout)] == ["second thought"]
    [warning] = listed.stderr.strip().splitlines()
    assert "1 record(s) fail authentication" in warning and "pairjournal check" in warning
    assert _state(journal_path.parent) == before


def test_a_journal_of_a_newer_format_header(ready: dict[str, str], journal_path: Path, cli: Callable[..., CliResult]) -> None:
    conn = sqlite3.connect(journal_path)
    with conn:
        (raw,) = conn.execute("SELECT header FROM vault WHERE id=1").fetchone()
        header = json.loads(raw)
        header["format"] = 2
        newer = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
        conn.execute(
            "UPDATE vault SET header=?, header_sha256=? WHERE id=1", (newer, hashlib.sha256(newer).hexdigest())
        )
    conn.close()
    before = _state(journal_path.parent)
    result = cli("list", "pairs")
    _refused(result, NewerFormat.exit_code, "format 2", "upgrade pairjournal")
    assert _state(journal_path.parent) == before


def test_a_journal_of_a_newer_storage_schema(ready: dict[str, str], journal_path: Path, cli: Callable[..., CliResult]) -> None:
    conn = sqlite3.connect(journal_path)
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    conn.close()
    before = _state(journal_path.parent)
    result = cli("list", "pairs")
    _refused(result, NewerFormat.exit_code, f"schema is version {SCHEMA_VERSION + 1}", "upgrade pairjournal")
    assert _state(journal_path.parent) == before


def test_an_unknown_pair(ready: dict[str, str], journal_path: Path, cli: Callable[..., CliResult]) -> None:
    before = _state(journal_path.parent)
    result = cli("session", "add", "--pair", "Zed")
    _refused(result, UsageError.exit_code, "no pair named 'Zed'", "Asha")
    assert _state(journal_path.parent) == before


@pytest.mark.parametrize("when", ["2024-13-45", "yesterday", "2024-02-30"])
def test_an_invalid_date(ready: dict[str, str], journal_path: Path, cli: Callable[..., CliResult], when: str) -> None:
    before = _state(journal_path.parent)
    result = cli("session", "add", "--pair", "Asha", "--date", when)
    _refused(result, UsageError.exit_code, "not a valid date", "YYYY-MM-DD")
    assert _state(journal_path.parent) == before


@pytest.mark.parametrize("ident", ["deadbeef", "zz", "0" * 32])
def test_an_unknown_id(ready: dict[str, str], journal_path: Path, cli: Callable[..., CliResult], ident: str) -> None:
    before = _state(journal_path.parent)
    result = cli("action", "done", ident)
    _refused(result, UsageError.exit_code, "no action with id")
    assert _state(journal_path.parent) == before


# -- the same in a real process: nothing on stderr but the one line --------------------------


@pytest.mark.parametrize("damage", ["truncated", "not a journal", "altered ciphertext"])
def test_damaged_files_in_a_real_process(ready: dict[str, str], journal_path: Path, damage: str) -> None:
    raw = journal_path.read_bytes()
    match damage:
        case "truncated":
            journal_path.write_bytes(raw[: len(raw) // 3])
        case "not a journal":
            journal_path.write_bytes(b"\x00" * len(raw))
        case "altered ciphertext":
            conn = sqlite3.connect(journal_path)
            with conn:
                (ct,) = conn.execute("SELECT ct FROM records WHERE id=?", (ready["action"],)).fetchone()
                conn.execute("UPDATE records SET ct=? WHERE id=?", (bytes([ct[0] ^ 1]) + ct[1:], ready["action"]))
            conn.close()
    before = _state(journal_path.parent)
    done = subprocess.run(
        [PYTHON, "-m", "pairjournal", "--journal", str(journal_path), "check"],
        env=subprocess_env(PAIRJOURNAL_PASSPHRASE=PASSPHRASE),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "Traceback" not in done.stderr and "Exception" not in done.stderr
    if damage == "altered ciphertext":
        _names_only_the_bad_record(done.stderr, ready["action"])
    else:
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert _state(journal_path.parent) == before


def test_the_readme_lists_every_exit_code_the_program_uses() -> None:
    """Issue 12: every code in the table, and nothing in the code missing from it (verify's included)."""
    import re

    from conftest import ROOT

    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "src" / "pairjournal").rglob("*.py"))
    used = {int(n) for n in re.findall(r"exit_code = (\d+)|SystemExit\((\d+)\)|_EXIT = (\d+)", source) for n in n if n}
    used |= {0, 130}  # success; "aborted; nothing was changed" (fail(..., 130) in cli/base.py)
    assert {1, 2, 6, 10, 70} <= used, used  # the scan finds what it should
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("### Exit codes") :].split("\n## ", 1)[0]
    listed = {int(n) for n in re.findall(r"^\| (\d+) \|", table, re.M)}
    assert used == listed, (sorted(used - listed), sorted(listed - used))


def test_a_missing_choice_is_named_on_one_line_without_escaped_tabs(
    ready: dict[str, str], cli: Callable[..., CliResult]
) -> None:
    result = cli("list")
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert "Choose from: pairs, sessions, takeaways" in line and "\\t" not in line

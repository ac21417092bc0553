"""Issue 12, item 2: one range for every date, bounded numbers, valid text; exit 70 is always a bug.

The domain checks every value before it is stored (Journal.save), so nothing the
CLI, an import or the interface accepts can break a later command; the CLI's
date type says the same range up front. The last test throws hypothesis at the
CLI's text, number and date arguments: every input works or gets one line and
exit 2, never exit 70 and never a traceback, and the journal keeps listing.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import PASSPHRASE, PYTHON, CliResult, subprocess_env
from pairjournal.errors import UsageError
from pairjournal.journal import Journal, codec
from pairjournal.model import AgendaItem, Session
from pairjournal.vault.store import Store

Cli = Callable[..., CliResult]


@pytest.fixture
def ready(journal: Journal, journal_path: Path) -> Path:
    journal.add_pair("Ana", "mentor", start=date(2026, 1, 5))
    journal.close()
    return journal_path


def _one_line_exit_2(result: CliResult, *fragments: str) -> str:
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("pairjournal: error: ") and "internal error" not in lines[0]
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


@pytest.mark.parametrize("when", ["9999-12-31", "0001-01-01", "1899-12-31", "2200-01-01"])
def test_a_session_outside_the_range_is_refused_and_the_journal_keeps_working(
    ready: Path, cli: Cli, when: str
) -> None:
    before = ready.read_bytes()
    result = cli("session", "add", "--pair", "Ana", "--date", when)
    _one_line_exit_2(result, when, "1900-01-01 to 2199-12-31")
    assert ready.read_bytes() == before
    assert cli("list", "pairs").exit_code == 0


@pytest.mark.parametrize("when", ["1900-01-01", "2199-12-31"])
def test_the_ends_of_the_range_are_accepted(ready: Path, cli: Cli, when: str) -> None:
    assert cli("session", "add", "--pair", "Ana", "--date", when).exit_code == 0
    listed = cli("list", "pairs")
    assert listed.exit_code == 0, listed.stderr
    assert cli("list", "sessions").stdout.startswith(when)


def test_the_domain_refuses_what_the_cli_would_not_pass(journal: Journal) -> None:
    pair = journal.add_pair("Ana", "mentor")
    with pytest.raises(UsageError, match="outside the dates pairjournal keeps"):
        journal.add_session(pair.id, on=date(9999, 12, 31))
    with pytest.raises(UsageError, match="outside the dates"):
        journal.add_action(pair.id, "far away", due=date(1, 1, 1))
    session = journal.add_session(pair.id, on=date(2026, 3, 1))
    session.date = date(9999, 1, 1)  # an edit made in place, as the interface makes them
    with pytest.raises(UsageError, match="date 9999-01-01"):
        journal.save(session)
    with pytest.raises(UsageError, match="between"):
        journal.save_settings(autolock_minutes=10**30)
    with pytest.raises(UsageError, match="between"):
        journal.save(Session(pair_id=pair.id, date=date(2026, 1, 1), planned_minutes=2**40))
    with pytest.raises(UsageError, match="not valid Unicode"):
        journal.add_reflection("bytes that were not UTF-8: \udcff\udcfe")
    session.date = date(2026, 3, 1)
    session.agenda = [AgendaItem(text="fine"), AgendaItem(text="nested \udcff")]  # inside a list of objects
    with pytest.raises(UsageError, match=r"agenda\.text holds a character that is not valid Unicode"):
        journal.save(session)
    session.agenda = []
    with Journal.open(journal.path, PASSPHRASE) as reread:  # what was stored: the refused edit is not
        assert [s.date for s in reread.sessions()] == [date(2026, 3, 1)]


def test_a_journal_that_already_holds_a_far_date_still_lists(ready: Path, cli: Cli) -> None:
    """Written by a pairjournal from before the rule: its next due date is "never", not exit 70."""
    with Journal.open(ready, PASSPHRASE) as journal:
        pair_id = journal.pairs()[0].id
    store = Store.open(ready, PASSPHRASE)
    store.put("e" * 32, codec.encode(Session(pair_id=pair_id, date=date(9999, 12, 31), id="e" * 32)))
    store.close()
    for words in (["list", "pairs"], ["list", "sessions"], ["search", "Ana"], ["check"]):
        result = cli(*words)
        assert result.exit_code == 0, (words, result.stderr)
    assert "9999-12-31" in cli("list", "pairs").stdout


def test_year_one_in_a_jrnl_file_is_refused_naming_the_line(ready: Path, cli: Cli, tmp_path: Path) -> None:
    source = tmp_path / "journal.txt"
    source.write_text("[2024-01-02 10:00] Fine\nok\n\n[0001-01-01 00:00] Ancient\ntext\n")
    line = _one_line_exit_2(cli("import", str(source), "--from", "jrnl"), "line 4", "0001-01-01", "outside the dates")
    assert str(source) in line


def test_a_five_thousand_digit_number_in_jrnl_json_is_refused(ready: Path, cli: Cli, tmp_path: Path) -> None:
    source = tmp_path / "export.json"
    source.write_text('{"entries": [{"date": "2024-01-01", "time": "10:00", "title": "t", "body": ' + "9" * 5000 + "}]}")
    _one_line_exit_2(cli("import", str(source), "--from", "jrnl-json"), "thousands of digits")


def test_a_lone_surrogate_in_imported_json_is_refused_naming_the_entry(ready: Path, cli: Cli, tmp_path: Path) -> None:
    source = tmp_path / "export.json"
    source.write_text('{"entries": [{"date": "2024-01-01", "time": "10:00", "title": "bad \\udcff", "body": "b"}]}')
    _one_line_exit_2(cli("import", str(source), "--from", "jrnl-json"), "entry 1", "not valid Unicode")
    dayone = tmp_path / "Journal.json"
    dayone.write_text('{"entries": [{"uuid": "U1", "creationDate": "0001-01-01T00:00:00Z", "text": "x"}]}')
    _one_line_exit_2(cli("import", str(dayone), "--from", "dayone"), "uuid U1", "0001-01-01")


def test_lone_surrogates_in_arguments_are_one_line(ready: Path, cli: Cli) -> None:
    for words in (
        ["reflect", "\udcff"],
        ["pair", "add", "\udcffname", "--role", "mentor"],
        ["takeaway", "add", "x\udcfe", "--pair", "Ana"],
        ["session", "add", "--pair", "\udcff"],
    ):
        result = cli(*words)
        assert result.exit_code == 2, (words, result.exit_code, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1 and "internal error" not in result.stderr


def test_invalid_utf8_in_real_arguments_and_passphrase(ready: Path) -> None:
    """What a shell passes when a terminal or a file name is not UTF-8: bytes, not text."""
    env = subprocess_env(PAIRJOURNAL_PASSPHRASE=PASSPHRASE, PAIRJOURNAL_JOURNAL=str(ready))
    for words in ([b"reflect", b"caf\xe9"], [b"pair", b"add", b"\xff\xfe", b"--role", b"mentor"], [b"action", b"done", b"\xc3\xc3\xc3\xc3"]):
        done = subprocess.run([PYTHON.encode(), b"-m", b"pairjournal", *words], env=env, capture_output=True, timeout=60)
        stderr = done.stderr.decode("utf-8", "replace")
        assert done.returncode == 2, (words, done.returncode, stderr)
        assert len(stderr.strip().splitlines()) == 1 and "internal error" not in stderr and "Traceback" not in stderr
    env_bytes = {k.encode(): v.encode() for k, v in env.items()}
    env_bytes[b"PAIRJOURNAL_PASSPHRASE"] = b"correct horse \xff"
    done = subprocess.run([PYTHON.encode(), b"-m", b"pairjournal", b"list", b"pairs"], env=env_bytes, capture_output=True, timeout=60)
    assert done.returncode == 2 and b"not valid UTF-8" in done.stderr, done.stderr


# -- any text, number or date ------------------------------------------------------------------

any_text = st.text(alphabet=st.characters(exclude_categories=()), max_size=30) | st.sampled_from(
    ["", " ", "-", "\x00", "\x1b]0;pwned\x07", "\udcff", "Ana", "a" * 5000, "🙂", "\u202e"]
)
any_number = st.integers(min_value=-(10**30), max_value=10**30).map(str) | any_text | st.sampled_from(["9" * 5000, "1e9", "0x10", "٣"])
any_date = (
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat)
    | any_text
    | st.sampled_from(["9999-12-31", "0001-01-01", "2024-02-30", "20240101", "2024-W01-1", "+002024-01-01"])
)

COMMANDS: list[Callable[[str, str, str], list[str]]] = [
    lambda t, n, d: ["pair", "add", t, "--role", "mentee", "--minutes", n, "--start", d, "--program", t],
    lambda t, n, d: ["session", "add", "--pair", "Ana", "--date", d, "--minutes", n, "--notes", t],
    lambda t, n, d: ["session", "add", "--pair", t],
    lambda t, n, d: ["takeaway", "add", t, "--pair", "Ana", "--session", t],
    lambda t, n, d: ["action", "add", t, "--pair", "Ana", "--due", d],
    lambda t, n, d: ["action", "done", t, "--evidence", t],
    lambda t, n, d: ["reflect", t, "--prompt", t],
    lambda t, n, d: ["reflect", t, "--pair", t],
    lambda t, n, d: ["search", t],
    lambda t, n, d: ["list", "actions", "--pair", t],
    lambda t, n, d: ["pair", "add", "Zed " + t, "--role", "mentor", "--cadence", t],
]


def test_any_text_number_or_date_argument_works_or_is_one_line_exit_2(ready: Path, cli: Cli) -> None:
    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(which=st.integers(0, len(COMMANDS) - 1), text=any_text, number=any_number, day=any_date)
    @example(which=1, text="x", number="30", day="9999-12-31")
    @example(which=0, text="\x1b[2J", number="99999999999999999999999", day="0001-01-01")
    @example(which=6, text="\udcff", number="1", day="")
    def run(which: int, text: str, number: str, day: str) -> None:
        result = cli(*COMMANDS[which](text, number, day), input="")
        assert "Traceback" not in result.stderr + result.stdout
        assert result.exit_code in (0, 2), (result.exit_code, result.stderr)
        if result.exit_code == 2:
            lines = result.stderr.strip().splitlines()
            assert len(lines) == 1, result.stderr
            assert lines[0].startswith("pairjournal: error: ") and "internal error" not in lines[0]
        assert "\x1b" not in result.stdout + result.stderr  # shown, never obeyed
        # Whatever was stored, every later command still works.
        listed = cli("list", "pairs", "--json")
        assert listed.exit_code == 0, listed.stderr
        json.loads(listed.stdout)

    run()
    assert cli("check").exit_code == 0
    for kind in ("pairs", "sessions", "takeaways", "actions", "reflections", "prompts"):
        assert cli("list", kind).exit_code == 0

"""Issue 12, item 3: user text reaches a terminal shown, never obeyed.

An imported title holding ESC ] 0 ; ... BEL set the terminal's title and ESC [ 2 J
cleared the screen when listed. The CLI now writes every control character, C1
control and bidirectional override as a visible escape; the interface draws them
as visible stand-ins. The journal keeps the text exactly as it came.
"""

from __future__ import annotations

import io
import json
import os
import pty
import select
import subprocess
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from rich.console import Console

from conftest import PASSPHRASE, PYTHON, CliResult, subprocess_env
from pairjournal.journal import Journal
from tui_support import TODAY, make_app, unlock, wait_for

Cli = Callable[..., CliResult]

TITLE_SET = "\x1b]0;pwned\x07"
CLEAR = "\x1b[2J"
C1_CSI = "\x9b31m"
RLO = "\u202e"
EVIL = f"Plan{TITLE_SET}{CLEAR}{C1_CSI}{RLO}txt.exe"
RAW = ("\x1b", "\x07", "\x9b", RLO)


def _clean(output: str) -> None:
    for char in RAW:
        assert char not in output, repr(output)


def test_printable_escapes_what_a_terminal_obeys_and_nothing_else() -> None:
    from pairjournal.termtext import printable

    assert printable(EVIL) == "Plan\\x1b]0;pwned\\x07\\x1b[2J\\x9b31m\\u202etxt.exe"
    assert printable("two\nlines\tand\r") == "two\\nlines\\tand\\r"
    assert printable("lone \udcff") == "lone \\udcff"
    ordinary = "Ünïcode 日本語 🙂 [b]not markup[/b] C:\\path"
    assert printable(ordinary) == ordinary


def test_an_imported_title_is_listed_inertly(cli: Cli, journal: Journal, journal_path: Path, tmp_path: Path) -> None:
    journal.add_pair("Ana", "mentor")
    journal.close()
    source = tmp_path / "journal.txt"
    source.write_text(f"[2024-01-02 10:00] {EVIL}\nbody {CLEAR}text\n", encoding="utf-8")
    imported = cli("import", str(source), "--from", "jrnl")
    assert imported.exit_code == 0, imported.stderr
    _clean(imported.stdout + imported.stderr)

    listed = cli("list", "reflections")
    assert listed.exit_code == 0
    _clean(listed.stdout)
    assert "Plan\\x1b]0;pwned\\x07\\x1b[2J" in listed.stdout  # visible, so the person sees what is there

    found = cli("search", "body")
    _clean(found.stdout)
    assert "\\x1b[2J" in found.stdout

    as_json = cli("list", "reflections", "--json")
    _clean(as_json.stdout)
    assert json.loads(as_json.stdout)[0]["title"] == EVIL  # the same text, exactly, once parsed
    with Journal.open(journal_path, PASSPHRASE) as reopened:
        assert reopened.reflections()[0].title == EVIL  # stored as it came


def _on_a_terminal(*args: str) -> tuple[int, str]:
    """The real program with its output on a pseudo-terminal, as a person runs it.

    (click removes some escape sequences itself when its output is not a terminal,
    so only a terminal shows what a person's terminal would be sent.)
    """
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [PYTHON, "-m", "pairjournal", *args],
        stdin=subprocess.DEVNULL,
        stdout=slave,
        stderr=slave,
        env=subprocess_env(PAIRJOURNAL_PASSPHRASE=PASSPHRASE),
    )
    os.close(slave)
    chunks = []
    try:
        while select.select([master], [], [], 60)[0]:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(master)
    return proc.wait(timeout=60), b"".join(chunks).decode("utf-8", "replace")


def test_listing_on_a_real_terminal_sends_no_escape_sequence(journal: Journal, journal_path: Path, tmp_path: Path) -> None:
    journal.add_pair("Ana", "mentor")
    journal.add_reflection(f"body {CLEAR}", title=EVIL)
    journal.close()
    code, shown = _on_a_terminal("--journal", str(journal_path), "list", "reflections")
    assert code == 0, shown
    _clean(shown)
    assert "Plan\\x1b]0;pwned\\x07" in shown


def test_error_messages_that_quote_input_are_inert(journal: Journal, journal_path: Path, tmp_path: Path) -> None:
    journal.add_pair("Ana", "mentor")
    journal.close()
    odd = tmp_path / f"notes{TITLE_SET}{CLEAR}.txt"
    odd.write_text("not a jrnl file at all\n")
    for words in (
        ["import", str(odd), "--from", "jrnl"],
        ["session", "add", "--pair", EVIL],
        ["pair", "add", "X", "--role", f"mentor{TITLE_SET}"],
    ):
        code, shown = _on_a_terminal("--journal", str(journal_path), *words)
        assert code == 2, shown
        assert len(shown.strip().splitlines()) == 1, shown
        _clean(shown)


def _terminal_output(app: object) -> str:
    """What the app would write to a real terminal for its current screen (headless apps write nothing)."""
    console = Console(file=io.StringIO(), force_terminal=True, color_system="truecolor", width=160)
    return app.screen._compositor.render_update(full=True).render_segments(console)  # type: ignore[attr-defined]


async def test_the_interface_draws_such_text_inertly(make_journal: Callable[..., Journal], journal_path: Path) -> None:
    journal = make_journal()
    pair = journal.add_pair(f"Ana{TITLE_SET}{CLEAR}", "mentee", start=TODAY - timedelta(days=30))
    held = journal.add_session(pair.id, on=TODAY - timedelta(days=3), minutes=30)
    journal.add_takeaway(pair.id, f"keep {C1_CSI}this{RLO}", session_id=held.id)
    journal.add_action(pair.id, f"do {CLEAR} that", owner="me", due=TODAY + timedelta(days=2))
    journal.close()
    app = make_app(journal_path)
    async with app.run_test(size=(160, 50)) as pilot:
        await unlock(pilot)
        await wait_for(pilot, lambda: app.journal is not None and app.journal.loaded, "the records")
        await pilot.pause()
        output = _terminal_output(app)
        assert "Ana" in output and "keep" in output and "that" in output  # the text is there...
        assert "\x1b]0;" not in output and "\x1b[2J" not in output  # ...and none of it is obeyed
        assert "\x9b" not in output and RLO not in output and "\x07" not in output
        assert "\u241b" in output  # ESC drawn as its visible stand-in
        assert app.journal is not None and app.journal.pairs()[0].name == f"Ana{TITLE_SET}{CLEAR}"


def test_the_interfaces_reach_into_textual_and_rich_still_fits() -> None:
    """tui/compat.py extends two private tables: fail loudly here if a release renames them."""
    from rich import control as rich_control
    from textual import content as textual_content

    from pairjournal.tui.compat import inert_table, make_text_inert

    make_text_inert()
    for module in (textual_content, rich_control):
        table = module._CONTROL_STRIP_TRANSLATE
        assert isinstance(table, dict) and table[0x1B] == "\u241b"
    # BEL was always removed by the libraries; the rest now shows, each as one character.
    assert textual_content.Content(EVIL).plain == "Plan\u241b]0;pwned\u241b[2J\ufffd31m\ufffdtxt.exe"
    assert set(inert_table()) >= {0x00, 0x1B, 0x7F, 0x9B, 0x202E, 0x2066}

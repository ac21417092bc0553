"""Help (? and F1) and the person's own keys (config.toml's [keymap]), in the real app on real journals.

Help: opens over any screen or dialog, lists that screen's keys by group and what
the screen is for, closes with Esc or ? again, is in the palette as "Help", and never
takes a "?" that is being typed into a field. Keymaps: a remapped key works and the old
one does not; every kind of bad config is one notification and the app starts anyway.
And the bindings themselves: every one has its own id, and none uses tmux's ctrl+b.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from pairjournal.journal import Journal
from pairjournal.tui.app import PairJournalApp
from pairjournal.tui.config import CONFIG_LIMIT, check_keys, parse_config, read_config
from pairjournal.tui.keys import HELP, all_bindings, clashes, declared_bindings
from pairjournal.tui.screens.help import KEY_WIDTH, HelpScreen
from pairjournal.tui.widgets.document import Document
from tui_support import TODAY, enter_text, make_app, unlock, wait_for, wait_for_screen

SIZE = (100, 34)

def seed(journal: Journal) -> None:
    pair = journal.add_pair("Ana Ruiz", "mentee", cadence="biweekly", minutes=30, start=TODAY - timedelta(days=40))
    journal.add_action(pair.id, "Share the security checklist", owner="partner", due=TODAY + timedelta(days=5))


@pytest.fixture
def seeded(make_journal: Any, journal_path: Path) -> Path:
    journal = make_journal()
    seed(journal)
    journal.close()
    return journal_path


def help_text(app: PairJournalApp) -> str:
    screen = app.screen
    assert isinstance(screen, HelpScreen)
    parts = [str(s.render()) for s in screen.query(".pj-dialog-title, .help-purpose, .help-hint")]
    return "\n".join([*parts, screen.query_one(Document).plain])


def toasts(app: PairJournalApp) -> list[str]:
    """The notifications on screen, as a person sees them (the app must run with notifications=True)."""
    return [str(toast.render()) for toast in app.screen.query("Toast")]


async def settle(pilot: Pilot[Any]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


# -- the bindings themselves ------------------------------------------------------------------------------


def test_every_binding_has_its_own_non_empty_id() -> None:
    by_id: dict[str, set[Any]] = defaultdict(set)
    missing = []
    for where, binding in declared_bindings():
        if not binding.id:
            missing.append(f"{where}: {binding.key}")
        else:
            by_id[binding.id].add(binding)
    assert missing == []
    # The same id twice is allowed only for one binding shared by several screens (BACK, SAVE, HELP).
    assert {i: b for i, b in by_id.items() if len(b) > 1} == {}
    assert len(by_id) > 50  # the walk did reach every screen and widget


def test_no_binding_uses_ctrl_b_tmuxs_prefix() -> None:
    offenders = {binding.id for _, binding in declared_bindings()
                 if "ctrl+b" in [key.strip() for key in binding.key.split(",")]}
    assert offenders == set()


def test_help_is_bound_everywhere_with_priority_and_question_mark_first() -> None:
    assert HELP in PairJournalApp.BINDINGS and HELP.priority
    assert HELP.key.split(",")[0] == "question_mark"  # the footer shows "?" wherever no field takes it


# -- help ---------------------------------------------------------------------------------------------------


async def test_question_mark_opens_help_for_home_and_closes_it(seeded: Path) -> None:
    app = make_app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("question_mark")
        await wait_for_screen(pilot, "HelpScreen")
        text = help_text(app)
        assert "Help · " in text
        assert "This screen" in text and "Everywhere" in text
        assert re.search(r"Start or resume a session +home\.start_session", text)  # and the id to remap it
        assert "Lock" in text and "Command palette" in text
        assert "Esc or ? closes help" in text
        await pilot.press("question_mark")
        await wait_for_screen(pilot, "HomeScreen")
        await pilot.press("f1")
        await wait_for_screen(pilot, "HelpScreen")
        await pilot.press("escape")
        await wait_for_screen(pilot, "HomeScreen")


async def test_help_over_a_dialog_lists_the_dialogs_keys(seeded: Path) -> None:
    app = make_app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("a")
        await wait_for_screen(pilot, "ActionDialog")
        await pilot.press("f1")  # the text field has the focus: ? would be typed, F1 is not
        await wait_for_screen(pilot, "HelpScreen")
        text = help_text(app)
        assert "Owner" in text and "capture.owner" in text and "Share scope" in text
        await pilot.press("escape")
        await wait_for_screen(pilot, "ActionDialog")  # help closed, the dialog (and its text) still there


async def test_help_says_what_the_screen_is_for(seeded: Path) -> None:
    app = make_app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("e")
        await wait_for_screen(pilot, "ExportScreen")
        await pilot.press("f1")
        await wait_for_screen(pilot, "HelpScreen")
        text = help_text(app)
        assert "A summary for your coordinator" in text
        assert "Preview the exact file" in text
        assert "Write the previewed file (not available just now)" in text  # no preview yet


async def test_a_question_mark_typed_into_a_field_stays_there(seeded: Path) -> None:
    app = make_app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("s")
        await wait_for_screen(pilot, "SessionScreen")
        app.clear_notifications()
        notes = app.screen.query_one("#notes", TextArea)
        notes.focus()
        await pilot.press(*"why", "question_mark")
        await pilot.pause()
        assert type(app.screen).__name__ == "SessionScreen"
        assert notes.text.endswith("why?")
        await pilot.press("ctrl+o")
        await wait_for_screen(pilot, "ActionDialog")
        field = app.screen.query_one("#capture-text", Input)
        await pilot.press(*"ok", "question_mark")
        await pilot.pause()
        assert type(app.screen).__name__ == "ActionDialog"
        assert field.value == "ok?"


async def test_the_palette_finds_help(seeded: Path) -> None:
    app = make_app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("ctrl+p")
        await wait_for_screen(pilot, "CommandPalette")
        await pilot.press(*"Help")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for_screen(pilot, "HelpScreen")
        assert "home.start_session" in help_text(app)  # help for home, the screen under the palette


async def test_help_on_the_unlock_screen(seeded: Path) -> None:
    app = make_app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, "UnlockScreen")
        await pilot.press("f1")
        await wait_for_screen(pilot, "HelpScreen")
        assert "Quit" in help_text(app)


# -- the person's keymap --------------------------------------------------------------------------------------


def write_config(own_config: Path, text: str | bytes) -> Path:
    own_config.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        own_config.write_bytes(text)
    else:
        own_config.write_text(text)
    return own_config


async def test_a_remapped_key_works_and_the_old_one_does_not(seeded: Path, own_config: Path) -> None:
    write_config(own_config, '[keymap]\n"home.start_session" = "z"\n"app.help" = "f12"\n')
    app = make_app(seeded)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await unlock(pilot)
        await settle(pilot)
        assert toasts(app) == [] and app.config_problems == []
        await pilot.press("s")  # the old key: nothing
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"
        await pilot.press("f1")  # help's old keys: nothing either
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"
        await pilot.press("f12")
        await wait_for_screen(pilot, "HelpScreen")
        assert "z             Start or resume a session" in help_text(app)  # help shows the key it has now
        await pilot.press("escape")
        await wait_for_screen(pilot, "HomeScreen")
        await pilot.press("z")
        await wait_for_screen(pilot, "SessionScreen")


@pytest.mark.parametrize(
    "text,expected",
    [
        ('[keymap\n"home.add_pair" = "x"', "not valid TOML"),
        ('[keymap]\n"home.no_such_thing" = "x"\n"home.add_pair" = "w"', "'home.no_such_thing' is not a binding id"),
        ('[keymap]\n"home.add_pair" = 5', "must be a key in quotes"),
        ('[keymap]\n"home.add_pair" = ""', "has no usable key"),
        ('[keymap]\n"home.add_pair" = "ctrl+nosuchkey"', "is not a key name"),
        ('journal = "/somewhere"\n[keymap]\n"home.add_pair" = "w"', "unknown setting 'journal'"),
        ('keymap = "x"', "keymap must be a table"),
        (b"[keymap]\n\xff\xfe", "not UTF-8"),
        (b"#" * (CONFIG_LIMIT + 1), "larger than 64 KB"),
    ],
    ids=["not-toml", "unknown-id", "number", "empty", "no-such-key", "unknown-setting", "keymap-not-table",
         "not-utf8", "huge"],
)
async def test_a_bad_config_is_one_notification_and_the_app_starts(seeded: Path, own_config: Path,
                                                                   text: str | bytes, expected: str) -> None:
    write_config(own_config, text)
    app = make_app(seeded)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for_screen(pilot, "UnlockScreen")
        await settle(pilot)
        await wait_for(pilot, lambda: toasts(app), "the notification")
        (shown,) = toasts(app)
        assert expected in shown and str(own_config) in shown
        await unlock(pilot)  # the app runs on
        if "w" in str(text):
            await pilot.press("w")  # the good entry beside a bad one is still used
            await wait_for_screen(pilot, "AddPairScreen")


async def test_a_fifo_as_config_is_refused_without_reading(seeded: Path, own_config: Path) -> None:
    own_config.parent.mkdir(parents=True)
    os.mkfifo(own_config)  # a read would wait forever for a writer
    app = make_app(seeded)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for_screen(pilot, "UnlockScreen")
        await wait_for(pilot, lambda: toasts(app), "the notification")
        (shown,) = toasts(app)
        assert "FIFO" in shown and "nothing was read" in shown


async def test_no_config_file_is_no_notification(seeded: Path, own_config: Path) -> None:
    assert not own_config.exists()
    app = make_app(seeded)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await unlock(pilot)
        await settle(pilot)
        assert toasts(app) == [] and app.config_problems == []


async def test_a_key_taken_from_another_action_is_said_once(seeded: Path, own_config: Path) -> None:
    write_config(own_config, '[keymap]\n"home.add_pair" = "s"\n')
    app = make_app(seeded)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await unlock(pilot)
        await settle(pilot)
        await pilot.press("s")  # the key named in the config wins
        await wait_for_screen(pilot, "AddPairScreen")
        await pilot.press("escape")
        await wait_for_screen(pilot, "HomeScreen")
        (shown,) = toasts(app)
        assert "s is now both Add a pair (home.add_pair) and Start or resume a session (home.start_session)" in shown


def test_the_config_path_follows_the_environment(own_config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert read_config().path == own_config
    monkeypatch.delenv("PAIRJOURNAL_CONFIG")
    default = read_config().path
    assert default.name == "config.toml" and default.parent.name == "pairjournal"


@pytest.mark.parametrize("keys", ["x", "ctrl+k", "f5", "question_mark", "?", "slash", "ctrl+shift+up", "x,f5",
                                  "escape", "enter", "comma"])
def test_key_names_textual_knows_are_accepted(keys: str) -> None:
    assert check_keys(keys) is None


def test_the_readme_says_where_the_keymap_lives_and_its_example_works() -> None:
    from conftest import ROOT

    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## Keys\n", 1)[1].split("\n## ", 1)[0]
    assert "~/.config/pairjournal/config.toml" in section and "PAIRJOURNAL_CONFIG" in section
    example = section.split("```toml\n", 1)[1].split("```", 1)[0]
    config = parse_config(example, Path("README.md"))
    assert config.problems == [] and config.keymap
    assert set(config.keymap) <= set(all_bindings())
    assert clashes(PairJournalApp._normalize_keymap(config.keymap), PairJournalApp) == []
    assert re.search(r"^\[keymap\]$", example, re.MULTILINE)


async def test_help_shows_the_keys_of_an_input_focused_screen_in_a_dialog(seeded: Path) -> None:
    """The session's capture dialog: F1 from inside the text field, then ? closes (no field has focus in help)."""
    app = make_app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("a")
        await wait_for_screen(pilot, "ActionDialog")
        await enter_text(pilot, "#capture-text", "draft", submit=False)
        await pilot.press("f1")
        await wait_for_screen(pilot, "HelpScreen")
        await pilot.press("question_mark")
        await wait_for_screen(pilot, "ActionDialog")
        assert app.screen.query_one("#capture-text", Input).value == "draft"


# -- help over every screen and dialog, at 80x24 --------------------------------------------------------------

# From home, the keys that reach each screen and dialog, and the screen each key opens. Each step's help
# is checked, then Esc walks back. Together they visit every screen and dialog a person meets after unlock.
ROUTES: list[list[tuple[str, str]]] = [
    [("a", "ActionDialog")],
    [("n", "AddPairScreen")],
    [("g", "AgreementScreen"), ("e", "AgreementEditor")],
    [("o", "ActionsScreen"), ("n", "ActionDialog")],
    [("r", "ReflectionsScreen"), ("n", "AddPrompt")],
    [("slash", "SearchScreen")],
    [("comma", "SettingsScreen")],
    [("e", "ExportScreen")],
    [("d", "DisclosuresScreen")],
    [("s", "SessionScreen"), ("ctrl+t", "TakeawayDialog")],
]


def expected_lines(app: PairJournalApp) -> list[tuple[str, str, bool]]:
    """(id, key as the footer shows it, enabled) for every binding Textual says is live on this screen now.

    Read from Textual's own view of the screen (active_bindings), not from help's code, so a binding help
    forgot, or a key it shows wrongly, is caught. Textual's own bindings have no id and are not ours to list.
    """
    found = []
    for key, active in app.screen.active_bindings.items():
        binding = active.binding
        if binding.id and (binding.tooltip or binding.description):
            found.append((binding.id, app.get_key_display(binding.with_key(key)), active.enabled))
    return found


async def check_help_here(pilot: Pilot[Any], where: str) -> None:
    app = pilot.app
    assert isinstance(app, PairJournalApp)
    expected = expected_lines(app)
    assert expected, f"{where}: no bindings of ours are live"
    await pilot.press("f1")  # F1, not ?: a focused field would take the ?
    await wait_for_screen(pilot, "HelpScreen")
    lines: list[str] = []
    for line in help_text(app).splitlines():
        if lines and line.strip() and line.startswith(" " * KEY_WIDTH):
            lines[-1] += " " + line.strip()  # a value wrapped under its column at 80 wide: one entry
        else:
            lines.append(line)
    for binding_id, key, enabled in expected:
        holding = [line for line in lines if re.search(rf"\s{re.escape(binding_id)}\s*$", line)]
        assert holding, f"{where}: help does not list {binding_id}"
        (line,) = holding
        assert key in line.split(binding_id)[0].split(), f"{where}: {binding_id} is shown without its key {key}"
        assert ("not available just now" in line) is (not enabled), f"{where}: {binding_id} availability"
    # Nothing cut off at 80x24: the box is inside the terminal, and its title and the line saying how
    # to close it are on screen whatever the length of the list (which scrolls between them).
    help_screen = app.screen
    box = help_screen.query_one(".help-box").region
    assert box.x >= 0 and box.y >= 0 and box.right <= SMALL[0] and box.bottom <= SMALL[1], where
    for part in (".pj-dialog-title", ".help-hint"):
        shown = help_screen.query_one(part).region
        assert shown.height > 0 and box.y < shown.y and shown.bottom < box.bottom, f"{where}: {part} hidden"
    await pilot.press("escape")
    await wait_for(pilot, lambda: app.screen is not help_screen, "help to close")
    await pilot.pause()


SMALL = (80, 24)


@pytest.mark.parametrize("route", ROUTES, ids=[" > ".join(name for _, name in route) for route in ROUTES])
async def test_help_over_every_screen_and_dialog_lists_its_live_keys(seeded: Path, route: list[tuple[str, str]]
                                                                     ) -> None:
    app = make_app(seeded)
    async with app.run_test(size=SMALL) as pilot:
        await unlock(pilot)
        await check_help_here(pilot, "HomeScreen")
        for key, name in route:
            await pilot.press(key)
            await wait_for_screen(pilot, name)
            await check_help_here(pilot, name)
        assert type(app.screen).__name__ == route[-1][1]  # help closed onto the screen it was opened over


async def test_question_mark_over_a_screen_without_a_focused_field(seeded: Path) -> None:
    """Where no field has the focus (the actions table), ? itself opens help, and ? closes it again."""
    app = make_app(seeded)
    async with app.run_test(size=SMALL) as pilot:
        await unlock(pilot)
        await pilot.press("o")
        await wait_for_screen(pilot, "ActionsScreen")
        await pilot.press("question_mark")
        await wait_for_screen(pilot, "HelpScreen")
        assert "actions.mark_done" in help_text(app)
        await pilot.press("question_mark")
        await wait_for_screen(pilot, "ActionsScreen")


async def test_help_leads_the_footer_where_the_keys_do_not_fit_80_columns(seeded: Path) -> None:
    """Home and the live session have more keys than 80 columns hold: "? Help" must not be the one cut."""
    app = make_app(seeded)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await settle(pilot)
        footer = app.screen.query_one("KeyFooter")
        assert str(footer.children[0].render()).split() == ["?", "Help"]
        await pilot.press("s")
        await wait_for_screen(pilot, "SessionScreen")
        await settle(pilot)
        footer = app.screen.query_one("KeyFooter")
        assert str(footer.children[0].render()).split() == ["?", "Help"]

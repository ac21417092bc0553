"""Issue 12, item 7: one passphrase rule, beside the key derivation, enforced by the vault.

The 8-character minimum lived only in the interface: `init` and `passwd` took "a".
Now vault/crypto.py holds it, Store.create and Store.change_passphrase refuse a
passphrase against it (every path that sets one: init, passwd, the interface,
creating a journal by importing a backup), and the interface shows that same rule.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import PASSPHRASE, CliResult
from pairjournal.errors import UsageError, WrongPassphrase
from pairjournal.journal import Journal, KdfParams
from tui_support import enter_text, make_app, screen_text, unlock, wait_for, wait_for_screen

Cli = Callable[..., CliResult]


@pytest.mark.parametrize("short", ["a", "seven77", unicodedata.normalize("NFD", "éééé")])
def test_init_refuses_a_short_passphrase_and_creates_nothing(journal_path: Path, cli: Cli, short: str) -> None:
    result = cli("init", env={"PAIRJOURNAL_PASSPHRASE": short})
    assert result.exit_code == 2, result.stderr
    [line] = result.stderr.strip().splitlines()
    assert "at least 8 characters" in line
    assert not journal_path.exists() and not journal_path.parent.exists()


def test_eight_characters_are_enough(journal_path: Path, cli: Cli) -> None:
    assert cli("init", env={"PAIRJOURNAL_PASSPHRASE": "eight ch"}).exit_code == 0
    with Journal.open(journal_path, "eight ch") as journal:
        assert journal.pairs() == []


def test_passwd_refuses_a_short_passphrase_and_the_old_one_still_opens(journal: Journal, journal_path: Path, cli: Cli) -> None:
    journal.close()
    before = journal_path.read_bytes()
    result = cli("passwd", env={"PAIRJOURNAL_NEW_PASSPHRASE": "a"})
    assert result.exit_code == 2 and "at least 8 characters" in result.stderr
    assert journal_path.read_bytes() == before
    with Journal.open(journal_path, PASSPHRASE):
        pass
    with pytest.raises(WrongPassphrase):
        Journal.open(journal_path, "a")


def test_the_vault_refuses_it_on_every_path(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="at least 8 characters"):
        Journal.create(tmp_path / "j.pairjournal", "short", KdfParams.cheap())
    assert not (tmp_path / "j.pairjournal").exists()
    with (
        Journal.create(tmp_path / "j.pairjournal", PASSPHRASE, KdfParams.cheap()) as journal,
        pytest.raises(UsageError, match="at least 8 characters"),
    ):
        journal.change_passphrase("1234567")
    with Journal.open(tmp_path / "j.pairjournal", PASSPHRASE):
        pass


def test_the_rule_lives_beside_the_key_derivation_and_the_interface_uses_it() -> None:
    from pairjournal import journal
    from pairjournal.tui.widgets import passphrase as widget
    from pairjournal.vault import crypto

    assert crypto.MIN_PASSPHRASE_LENGTH == 8
    assert journal.MIN_PASSPHRASE_LENGTH is crypto.MIN_PASSPHRASE_LENGTH
    assert journal.passphrase_problem is crypto.passphrase_problem
    assert not hasattr(widget, "MIN_LENGTH")  # no second copy of the rule to drift
    assert widget.policy_problem("a") == "The passphrase needs at least 8 characters (1 given)."
    assert widget.policy_problem(PASSPHRASE) is None


async def test_the_settings_screen_shows_the_vaults_rule(make_journal: Callable[..., Journal], journal_path: Path) -> None:
    make_journal().close()
    app = make_app(journal_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await unlock(pilot)
        await pilot.press("comma")
        await wait_for_screen(pilot, "SettingsScreen")
        await enter_text(pilot, "#new-passphrase", "short")
        await enter_text(pilot, "#repeat-passphrase", "short")
        await wait_for(pilot, lambda: "at least 8 characters (5 given)" in screen_text(app), "the rule")
    with Journal.open(journal_path, PASSPHRASE):
        pass

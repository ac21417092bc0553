"""The scriptable CLI contract: names, outputs and the JSON shape scripts rely on."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

from conftest import PASSPHRASE, PYTHON, subprocess_env
from pairjournal.journal import Journal


def _setup(cli) -> None:
    assert cli("init").exit_code == 0
    r = cli("pair", "add", "Alex Rivera", "--role", "mentor", "--cadence", "weekly", "--minutes", "40",
            "--program", "Cohort 3", "--coordinator", "Dana")
    assert r.exit_code == 0, r.stderr


def test_init_creates_a_private_journal_and_refuses_to_overwrite(cli, journal_path: Path) -> None:
    r = cli("init")
    assert (r.exit_code == 0 and "cannot recover" not in r.stdout.lower()) or "nobody can recover" in r.stdout
    assert stat.S_IMODE(os.stat(journal_path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(journal_path.parent).st_mode) == 0o700
    before = journal_path.read_bytes()
    again = cli("init")
    assert again.exit_code != 0 and "refusing to overwrite" in again.stderr
    assert journal_path.read_bytes() == before


def test_init_asks_twice_when_interactive(cli, journal_path: Path) -> None:
    r = cli("init", input="s3cret phrase\ns3cret phrase\n", env={"PAIRJOURNAL_PASSPHRASE": None})
    assert r.exit_code == 0, r.stderr
    with Journal.open(journal_path, "s3cret phrase") as journal:
        assert journal.pairs() == []


def test_everyday_commands_round_trip(cli) -> None:
    _setup(cli)
    assert cli("session", "add", "--pair", "alex", "--date", "2026-03-02", "--minutes", "35",
               "--notes", "Talked about prompts").exit_code == 0
    sessions = json.loads(cli("list", "sessions", "--json").stdout)
    assert sessions[0]["date"] == "2026-03-02" and sessions[0]["actual_minutes"] == 35
    sid = sessions[0]["id"]

    r = cli("takeaway", "add", "--pair", "Alex Rivera", "Ask before assuming", "--session", sid[:8],
            "--share", "coordinator")
    assert "pending" in r.stdout
    cli("takeaway", "add", "--pair", "Alex Rivera", "Shared one", "--share", "coordinator", "--partner-consent")
    takeaways = json.loads(cli("list", "takeaways", "--json").stdout)
    by_text = {t["text"]: t for t in takeaways}
    assert by_text["Ask before assuming"]["session_id"] == sid
    assert by_text["Ask before assuming"]["partner_consent"] is None
    assert by_text["Shared one"]["partner_consent"]["given_on"]
    assert by_text["Shared one"]["pair"] == "Alex Rivera"

    r = cli("action", "add", "--pair", "Alex Rivera", "Try the dashboard", "--owner", "partner", "--due", "2026-03-20")
    assert r.exit_code == 0
    (action,) = json.loads(cli("list", "actions", "--json").stdout)
    assert action["owner"] == "partner" and action["due"] == "2026-03-20" and action["status"] == "open"
    assert cli("action", "done", action["id"][:6], "--evidence", "Used it twice").exit_code == 0
    (action,) = json.loads(cli("list", "actions", "--json").stdout)
    assert action["status"] == "done" and action["evidence"] == "Used it twice"

    assert cli("reflect", "I underrated her idea", "--prompt", "leader-01", "--pair", "Alex").exit_code == 0
    (reflection,) = json.loads(cli("list", "reflections", "--json").stdout)
    assert reflection["prompt_id"] == "leader-01" and reflection["text"] == "I underrated her idea"

    hits = json.loads(cli("search", "underrated", "--json").stdout)
    assert [h["kind"] for h in hits] == ["reflection"]
    assert "Alex Rivera" in cli("pair", "list").stdout
    assert "leader-01" in cli("list", "prompts").stdout
    assert "OK" in cli("check").stdout


def test_passwd_and_backup(cli, journal_path: Path, tmp_path: Path) -> None:
    _setup(cli)
    r = cli("passwd", env={"PAIRJOURNAL_NEW_PASSPHRASE": "second phrase"})
    assert r.exit_code == 0, r.stderr
    assert cli("pair", "list").exit_code == 3  # the old passphrase is refused
    new_file = tmp_path / "pp.txt"
    new_file.write_text("second phrase\n")
    dest = tmp_path / "backups" / "copy.pairjournal"
    r = cli("--passphrase-file", str(new_file), "backup", str(dest))
    assert r.exit_code == 0, r.stderr
    with Journal.open(dest, "second phrase") as copy:
        assert copy.pair("Alex Rivera").minutes == 40
    assert stat.S_IMODE(os.stat(dest).st_mode) == 0o600


def test_python_dash_m_and_help_work_in_a_real_process(tmp_path: Path) -> None:
    env = subprocess_env(PAIRJOURNAL_JOURNAL=str(tmp_path / "j.pj"), PAIRJOURNAL_PASSPHRASE=PASSPHRASE)
    out = subprocess.run([PYTHON, "-m", "pairjournal", "--help"], capture_output=True, text=True, env=env)
    assert out.returncode == 0
    for name in ("init", "pair", "session", "takeaway", "action", "reflect", "list", "search", "check", "passwd", "backup"):
        assert name in out.stdout


def test_every_subcommand_of_an_everyday_group_is_found_in_a_fresh_process() -> None:
    """The everyday groups live in cli/core.py, some of their subcommands in cli/lifecycle.py: a whole
    process that imports only the group's module must still find them (in one process of tests,
    another test has usually imported lifecycle already, which hid that they were missing)."""
    import click

    from pairjournal.cli import cli as root
    from pairjournal.cli import core as core_commands

    root.list_commands(click.Context(root))
    wanted = {g.name: sorted(g.commands) for g in core_commands.COMMANDS if isinstance(g, click.Group)}
    assert sum(map(len, wanted.values())) >= 20
    code = (
        "import click, json, sys; from pairjournal.cli import cli; ctx = click.Context(cli); "
        f"wanted = json.loads({json.dumps(json.dumps(wanted))}); "
        "print(json.dumps({g: [s for s in subs if cli.get_command(ctx, g).get_command(ctx, s) is None] "
        "for g, subs in wanted.items()}))"
    )
    out = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, env=subprocess_env(), check=True)
    assert json.loads(out.stdout) == {name: [] for name in wanted}


def test_a_bare_start_imports_no_storage_or_crypto() -> None:
    """The interface starts from `pairjournal` alone; the command modules load only when asked for."""
    code = (
        "import sys, pairjournal.cli; "
        "print(sorted(m for m in ('pairjournal.vault', 'cryptography', 'sqlite3', 'pairjournal.sharing') if m in sys.modules))"
    )
    out = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, env=subprocess_env(), check=True)
    assert out.stdout.strip() == "[]"


def test_every_command_has_help_text() -> None:
    import click

    from pairjournal.cli import cli as root

    root.list_commands(click.Context(root))  # loads the lazily registered command modules

    def walk(group, prefix=""):
        for name, command in group.commands.items():
            assert command.help or command.short_help, f"{prefix}{name} has no help"
            if hasattr(command, "commands"):
                walk(command, f"{prefix}{name} ")

    walk(root)


def test_every_everyday_command_is_found_where_the_root_group_looks_first() -> None:
    from pairjournal.cli import HOME_OF
    from pairjournal.cli import core as core_commands

    assert set(HOME_OF) == {command.name for command in core_commands.COMMANDS}
    assert set(HOME_OF.values()) == {"core"}

"""The lifecycle from the command line: every command, its shapes, its bad inputs."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
import pytest

from pairjournal.cli import cli as root
from pairjournal.journal import Journal
from pairjournal.model import ActionItem, PairStatus, Session, Takeaway

ROOT = Path(__file__).resolve().parents[1]
PASSPHRASE = "correct horse battery staple"


def _commands() -> Iterator[tuple[str, click.Command]]:
    ctx = click.Context(root)

    def walk(group: click.Group, prefix: str) -> Iterator[tuple[str, click.Command]]:
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            assert command is not None
            path = f"{prefix} {name}".strip()
            yield path, command
            if isinstance(command, click.Group):
                yield from walk(command, path)

    yield from walk(root, "")


def test_every_command_has_help_and_a_line_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    missing = [path for path, _ in _commands() if f"pairjournal {path}" not in readme]
    helpless = [path for path, command in _commands() if not (command.help or "").strip()]
    assert not missing, f"not in the README: {missing}"
    assert not helpless, f"no help text: {helpless}"


def test_every_listing_has_json() -> None:
    listings = [path for path, c in _commands() if path.endswith(("list", "history")) or path in ("search", "backups")]
    for path in listings:
        command = dict(_commands())[path]
        assert any(p.name == "as_json" for p in command.params), path


@pytest.fixture
def ana(journal: Journal) -> dict[str, str]:
    pair = journal.add_pair("Ana Ruiz", "mentee")
    session = journal.add_session(pair.id, minutes=30, notes="first notes")
    takeaway = journal.add_takeaway(pair.id, "a takeaway", session_id=session.id)
    action = journal.add_action(pair.id, "an action", session_id=session.id)
    reflection = journal.add_reflection("a reflection", pair_id=pair.id)
    journal.close()
    return {"pair": pair.id, "session": session.id, "takeaway": takeaway.id, "action": action.id,
            "reflection": reflection.id}


def _reopen(path: Path) -> Journal:
    return Journal.open(path, PASSPHRASE)


def _ok(result: Any) -> Any:
    assert result.exit_code == 0, result.stderr
    return result


def test_edit_and_delete_each_record(cli: Callable[..., Any], journal_path: Path, ana: dict[str, str]) -> None:
    _ok(cli("takeaway", "edit", ana["takeaway"][:8], "a better takeaway"))
    _ok(cli("action", "edit", ana["action"][:8], "--due", "2026-04-01", "--owner", "both"))
    _ok(cli("session", "edit", ana["session"][:8], "--notes", "-", input="notes from stdin\n"))
    _ok(cli("reflection", "edit", ana["reflection"][:8], "-", input="rethought\n"))
    with _reopen(journal_path) as journal:
        assert journal.get(Takeaway, ana["takeaway"]).text == "a better takeaway"
        assert journal.get(ActionItem, ana["action"]).owner.value == "both"
        assert journal.get(Session, ana["session"]).notes == "notes from stdin"
    _ok(cli("takeaway", "delete", ana["takeaway"][:8], "--yes"))
    again = cli("takeaway", "delete", ana["takeaway"][:8], "--yes")
    assert again.exit_code == 2 and len(again.stderr.strip().splitlines()) == 1
    _ok(cli("action", "delete", ana["action"], "--yes"))
    _ok(cli("reflection", "delete", ana["reflection"][:8], "--yes"))
    _ok(cli("session", "delete", ana["session"][:8], "--yes"))
    with _reopen(journal_path) as journal:
        assert journal.all(Takeaway) == journal.all(ActionItem) == journal.all(Session) == []


def test_deleting_asks_first_and_refuses_without_a_terminal(cli: Callable[..., Any], journal_path: Path,
                                                            ana: dict[str, str]) -> None:
    result = cli("takeaway", "delete", ana["takeaway"][:8])
    assert result.exit_code == 2 and "pass --yes" in result.stderr
    with _reopen(journal_path) as journal:
        assert journal.find(ana["takeaway"]) is not None


@pytest.mark.parametrize(
    "args",
    [
        ("takeaway", "edit", "deadbeef", "x"),
        ("takeaway", "edit", "{takeaway}", ""),
        ("action", "edit", "{action}", "--due", "2300-01-01"),
        ("action", "edit", "{action}", "--due", "2026-01-01", "--no-due"),
        ("action", "edit", "{action}"),
        ("session", "edit", "{session}", "--date", "1800-01-01"),
        ("session", "show", "zz"),
        ("agreement", "show", "--pair", "Ana"),
        ("agreement", "ack", "--pair", "Ana"),
        ("agreement", "new", "--pair", "Ana", "--evidence", "before any objective"),
        ("agreement", "new", "--pair", "Ana", "--objective", "x", "--timebox", "not a date"),
        ("progress", "add", "--pair", "Ana", "--objective", "1", "--rating", "great"),
        ("progress", "add", "--pair", "Ana", "--objective", "1", "--rating", "emerging"),
        ("agenda", "remove", "--pair", "Ana", "3"),
        ("agenda", "add", "--pair", "Nobody", "x"),
        ("pair", "resume", "Ana"),
        ("pair", "edit", "Ana"),
        ("pair", "edit", "Ana", "--minutes", "0"),
        ("prompt", "edit", "leader-01", "mine now"),
        ("recognition", "add", "--pair", "Ana", ""),
    ],
)
def test_bad_input_is_one_line_exit_2_and_changes_nothing(cli: Callable[..., Any], journal_path: Path,
                                                           ana: dict[str, str], args: tuple[str, ...]) -> None:
    before = journal_path.read_bytes()
    result = cli(*(a.format(**ana) for a in args))
    assert result.exit_code == 2, (args, result.stdout, result.stderr)
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert journal_path.read_bytes() == before


def test_an_ambiguous_prefix_is_refused(cli: Callable[..., Any], journal: Journal) -> None:
    pair = journal.add_pair("Ana Ruiz", "mentee")
    journal.save(Takeaway(pair_id=pair.id, text="one", id="abcd" + "1" * 28))
    journal.save(Takeaway(pair_id=pair.id, text="two", id="abcd" + "2" * 28))
    journal.close()
    result = cli("takeaway", "edit", "abcd", "which one?")
    assert result.exit_code == 2 and "matches" in result.stderr


def test_a_pair_from_agreement_to_archive(cli: Callable[..., Any], journal_path: Path, ana: dict[str, str]) -> None:
    _ok(cli("agreement", "new", "--pair", "Ana", "--objective", "Run a hybrid meeting", "--evidence", "two meetings",
            "--timebox", "2026-06-30", "--objective", "Use an assistant weekly", "--cadence", "weekly",
            "--minutes", "45"))
    shown = json.loads(_ok(cli("agreement", "show", "--pair", "Ana", "--json")).stdout)
    assert [o["outcome"] for o in shown["objectives"]] == ["Run a hybrid meeting", "Use an assistant weekly"]
    assert shown["objectives"][0]["evidence"] == "two meetings" and shown["objectives"][0]["timebox"] == "2026-06-30"
    assert shown["objectives"][1]["evidence"] == "" and shown["cadence"] == "weekly"
    _ok(cli("agreement", "ack", "--pair", "Ana", "--me"))
    _ok(cli("agreement", "ack", "--pair", "Ana", "--partner"))
    _ok(cli("progress", "add", "--pair", "Ana", "--objective", "1", "--rating", "progressing",
            "--evidence", "ran one alone"))
    entries = json.loads(_ok(cli("progress", "list", "--pair", "Ana", "--json")).stdout)
    assert [(e["level"], e["evidence"]) for e in entries] == [("progressing", "ran one alone")]
    _ok(cli("agreement", "new", "--pair", "Ana", "--objective", "Run a hybrid meeting", "--evidence", "three"))
    diff = _ok(cli("agreement", "diff", "--pair", "Ana")).stdout
    assert "- Objective 2: Use an assistant weekly" in diff and "+   Evidence 1: three" in diff
    history = json.loads(_ok(cli("agreement", "history", "--pair", "Ana", "--json")).stdout)
    assert [(a["version"], a["acknowledged_by_both"]) for a in history] == [(1, True), (2, False)]
    _ok(cli("agenda", "add", "--pair", "Ana", "-", input="from stdin\n"))
    assert json.loads(_ok(cli("agenda", "list", "--pair", "Ana", "--json")).stdout) == [
        {"text": "from stdin", "done": False, "follow_up": False}]
    listed = _ok(cli("pair", "list")).stdout
    assert "weekly" in listed and "45 min" in listed
    _ok(cli("pair", "pause", "Ana"))
    assert "paused" in _ok(cli("pair", "list")).stdout
    _ok(cli("pair", "resume", "Ana"))
    ended = _ok(cli("pair", "end", "Ana", "--yes")).stdout
    assert "archived" in ended and "review-01" in ended
    assert "Ana Ruiz" not in _ok(cli("pair", "list")).stdout
    assert "ended" in _ok(cli("pair", "list", "--all")).stdout
    refused = cli("takeaway", "add", "--pair", "Ana", "after the end")
    assert refused.exit_code == 2 and "read-only" in refused.stderr
    with _reopen(journal_path) as journal:
        assert journal.pair("Ana").status is PairStatus.ENDED


def test_recognition_and_session_history(cli: Callable[..., Any], journal_path: Path, ana: dict[str, str]) -> None:
    made = _ok(cli("recognition", "add", "--pair", "Ana", "Ana made it safe to ask", "--share", "coordinator")).stdout
    assert "waiting for your partner" in made
    listed = json.loads(_ok(cli("list", "recognitions", "--json")).stdout)
    assert [r["text"] for r in listed] == ["Ana made it safe to ask"]
    _ok(cli("recognition", "edit", listed[0]["id"][:8], "Ana made it safe to ask anything"))
    history = json.loads(_ok(cli("session", "list", "--pair", "Ana", "--json")).stdout)
    assert [(s["takeaway_count"], s["action_count"]) for s in history] == [(1, 1)]
    shown = _ok(cli("session", "show", ana["session"][:8])).stdout
    assert "first notes" in shown and "a takeaway" in shown and "an action" in shown
    _ok(cli("recognition", "delete", listed[0]["id"][:8], "--yes"))


def test_a_live_session_is_discarded_without_a_trace(cli: Callable[..., Any], journal: Journal,
                                                     journal_path: Path) -> None:
    pair = journal.add_pair("Ana Ruiz", "mentee")
    live = journal.start_session(pair.id)
    journal.add_takeaway(pair.id, "by mistake", session_id=live.id)
    journal.close()
    _ok(cli("session", "discard", live.id[:8], "--yes"))
    with _reopen(journal_path) as again:
        assert again.all(Session) == [] and again.all(Takeaway) == []


def test_own_prompts(cli: Callable[..., Any], journal_path: Path, ana: dict[str, str]) -> None:
    made = _ok(cli("prompt", "add", "What did I put to use?", "--timing", "after")).stdout
    prompt_id = made.split("[")[1].split("]")[0]
    _ok(cli("prompt", "edit", prompt_id, "What did I put to use this week?"))
    _ok(cli("prompt", "delete", prompt_id, "--yes"))
    assert "What did I put to use" not in _ok(cli("list", "prompts")).stdout

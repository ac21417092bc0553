"""Issue 12, item 4: the passphrase and private text stay out of core files, `ps` and shell history.

A crashed command's core file held the passphrase and decrypted notes; text given
as an argument is in every other user's `ps` and in the shell's history. At
start-up pairjournal sets its core-file limit to zero and (Linux) marks itself
non-dumpable; every argument that takes private text also takes `-`, to read the
text from standard input instead.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import PASSPHRASE, PYTHON, CliResult, subprocess_env
from pairjournal.journal import Journal
from pairjournal.model import ActionItem, Session

Cli = Callable[..., CliResult]
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc and prctl (Linux)")


def _core_limit(pid: int) -> tuple[str, str] | None:
    with open(f"/proc/{pid}/limits") as limits:
        for line in limits:
            if line.startswith("Max core file size"):
                soft, hard = line.split()[4:6]
                return soft, hard
    return None


@linux_only
def test_a_running_pairjournal_cannot_dump_core(tmp_path: Path) -> None:
    """The real program, blocked on its passphrase prompt, read from outside through /proc."""
    env = subprocess_env()
    env.pop("PAIRJOURNAL_PASSPHRASE", None)
    proc = subprocess.Popen(
        [PYTHON, "-m", "pairjournal", "--journal", str(tmp_path / "new" / "j.pairjournal"), "init"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,  # no terminal: the prompt reads standard input, and waits on it
    )
    try:
        deadline = time.monotonic() + 30
        limit = None
        while time.monotonic() < deadline:
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            limit = _core_limit(proc.pid)
            if limit == ("0", "0"):
                break
            time.sleep(0.05)
        assert limit == ("0", "0"), limit  # soft and hard: nothing in the process can raise it again
        if os.geteuid() != 0:
            # Non-dumpable: the kernel hands the process's /proc files to root, so
            # this user's other processes can no longer read its memory or environment.
            time.sleep(0.2)
            assert os.stat(f"/proc/{proc.pid}/environ").st_uid == 0
            with pytest.raises(PermissionError), open(f"/proc/{proc.pid}/environ", "rb") as environ:
                environ.read()
    finally:
        proc.communicate(input=b"", timeout=30)
    assert proc.returncode != 0
    assert not (tmp_path / "new").exists()


@linux_only
def test_start_up_marks_the_process_non_dumpable(tmp_path: Path) -> None:
    """Read by the process itself after the real start-up: a sitecustomize records its state at exit."""
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    report = tmp_path / "state.txt"
    (hooks / "sitecustomize.py").write_text(
        "import atexit, os\n"
        "def _record():\n"
        "    import ctypes, resource\n"
        "    dumpable = ctypes.CDLL(None).prctl(3, 0, 0, 0, 0)\n"
        "    soft, hard = resource.getrlimit(resource.RLIMIT_CORE)\n"
        "    open(os.environ['STATE_FILE'], 'w').write(f'{dumpable} {soft} {hard}')\n"
        "atexit.register(_record)\n"
    )
    env = subprocess_env(STATE_FILE=str(report))
    env["PYTHONPATH"] = os.pathsep.join([str(hooks), env["PYTHONPATH"]])
    done = subprocess.run([PYTHON, "-m", "pairjournal", "--version"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert report.read_text() == "0 0 0"  # not dumpable; core limit 0, soft and hard


# -- `-`: private text from standard input ---------------------------------------------------


@pytest.fixture
def ready(journal: Journal, journal_path: Path) -> Path:
    journal.add_pair("Ana", "mentor")
    journal.close()
    return journal_path


def _texts(path: Path) -> dict[str, list[str]]:
    with Journal.open(path, PASSPHRASE) as journal:
        return {
            "reflections": [r.text for r in journal.reflections()],
            "takeaways": [t.text for t in journal.takeaways()],
            "actions": [a.text for a in journal.actions()],
            "evidence": [a.evidence for a in journal.actions()],
            "notes": [s.notes for s in journal.sessions()],
            "pairs": [p.name for p in journal.pairs()],
        }


def test_every_private_text_argument_reads_standard_input(ready: Path, cli: Cli) -> None:
    secret = "what I really think\nabout the re-org\n"
    assert cli("reflect", "-", input=secret).exit_code == 0
    assert cli("takeaway", "add", "--pair", "Ana", "-", input="a takeaway from stdin\n").exit_code == 0
    assert cli("action", "add", "--pair", "Ana", "-", input="an action from stdin").exit_code == 0
    assert cli("session", "add", "--pair", "Ana", "--notes", "-", input="notes\r\n").exit_code == 0
    assert cli("pair", "add", "-", "--role", "mentee", input="Bea Private\n").exit_code == 0
    with Journal.open(ready, PASSPHRASE) as journal:
        action_id = journal.all(ActionItem)[0].id
    assert cli("action", "done", action_id[:8], "--evidence", "-", input="used it twice\n").exit_code == 0
    texts = _texts(ready)
    assert texts["reflections"] == ["what I really think\nabout the re-org"]  # one trailing newline is the input's
    assert texts["takeaways"] == ["a takeaway from stdin"]
    assert texts["actions"] == ["an action from stdin"] and texts["evidence"] == ["used it twice"]
    assert texts["notes"] == ["notes"]
    assert "Bea Private" in texts["pairs"]
    found = cli("search", "-", input="re-org\n")
    assert found.exit_code == 0 and "reflection" in found.stdout


def test_standard_input_is_read_once_and_as_utf8_within_a_cap(ready: Path, cli: Cli) -> None:
    before = ready.read_bytes()
    both = cli("pair", "add", "-", "--role", "mentor", "--program", "-", input="x")
    assert both.exit_code == 2 and "only one value can be read from standard input" in both.stderr
    bad = cli("reflect", "-", input="caf\xe9".encode("latin-1"))  # type: ignore[arg-type]
    assert bad.exit_code == 2 and "not UTF-8" in bad.stderr
    huge = cli("reflect", "-", input="x" * (1024 * 1024 + 1))
    assert huge.exit_code == 2 and "larger than 1 MB" in huge.stderr
    empty = cli("reflect", "-", input="")
    assert empty.exit_code == 2 and "needs some text" in empty.stderr
    for result in (both, bad, huge, empty):
        assert len(result.stderr.strip().splitlines()) == 1
    assert ready.read_bytes() == before


@linux_only
def test_text_from_standard_input_is_not_in_the_process_arguments(ready: Path) -> None:
    """What `ps` shows of a running `pairjournal reflect -`: the dash, never the text."""
    proc = subprocess.Popen(
        [PYTHON, "-m", "pairjournal", "--journal", str(ready), "reflect", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=subprocess_env(PAIRJOURNAL_PASSPHRASE=PASSPHRASE),
    )
    assert proc.stdin is not None
    proc.stdin.write(b"my private words, ")
    proc.stdin.flush()
    time.sleep(0.5)  # it is running, waiting for the rest
    with open(f"/proc/{proc.pid}/cmdline", "rb") as cmdline:
        shown = cmdline.read()
    assert b"reflect\x00-" in shown and b"private" not in shown
    _out, err = proc.communicate(input=b"and more\n", timeout=60)
    assert proc.returncode == 0, err
    assert _texts(ready)["reflections"] == ["my private words, and more"]


def test_help_says_where_text_can_come_from(cli: Cli) -> None:
    for words in (["reflect"], ["takeaway", "add"], ["action", "add"], ["session", "add"], ["action", "done"]):
        shown = cli(*words, "--help")
        assert shown.exit_code == 0 and "standard input" in shown.stdout, words


def test_session_notes_from_stdin_keep_their_markdown(ready: Path, cli: Cli) -> None:
    notes = "# Agenda\n\n- one\n- two\n\n```\ncode\n```\n"
    assert cli("session", "add", "--pair", "Ana", "--notes", "-", input=notes).exit_code == 0
    with Journal.open(ready, PASSPHRASE) as journal:
        assert journal.all(Session)[0].notes == notes[:-1]

"""Shared fixtures: real journal files in temporary folders, cheap (but real) Argon2id."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from pairjournal.journal import Journal
from pairjournal.vault.crypto import KdfParams

PASSPHRASE = "correct horse battery staple"
ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"


@pytest.fixture(autouse=True)
def own_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test's interface reads its own (absent) config.toml, never the developer's keymap."""
    path = tmp_path / "config" / "config.toml"
    monkeypatch.setenv("PAIRJOURNAL_CONFIG", str(path))
    return path


@pytest.fixture
def journal_path(tmp_path: Path) -> Path:
    return tmp_path / "journals" / "me.pairjournal"


@pytest.fixture
def make_journal(journal_path: Path) -> Iterator[Callable[..., Journal]]:
    """Creates a journal with cheap KDF parameters recorded in its header."""
    opened: list[Journal] = []

    def make(path: Path | None = None, passphrase: str = PASSPHRASE) -> Journal:
        journal = Journal.create(path or journal_path, passphrase, KdfParams.cheap())
        opened.append(journal)
        return journal

    yield make
    for journal in opened:
        journal.close()


@pytest.fixture
def journal(make_journal: Callable[..., Journal]) -> Journal:
    return make_journal()


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(journal_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., CliResult]:
    """Runs `pairjournal` in-process against the test journal, passphrase from the environment."""
    from pairjournal.cli import cli as root

    monkeypatch.setenv("PAIRJOURNAL_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("PAIRJOURNAL_JOURNAL", str(journal_path))

    def run(*args: str, input: str | None = None, env: dict[str, str | None] | None = None) -> CliResult:
        runner = CliRunner()
        result = runner.invoke(root, list(args), input=input, env=env, catch_exceptions=False)
        return CliResult(result.exit_code, result.stdout, result.stderr)

    return run


def subprocess_env(**extra: str) -> dict[str, str]:
    """Environment for running pairjournal in a child process from this checkout."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.update(extra)
    return env


PYTHON = sys.executable


def cache_entry(path: Path, name: str) -> tuple[bytes, bytes] | None:
    """The sealed row (nonce, ct) of the cache entry `name` as it is on disk, or None."""
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT nonce, ct FROM cache WHERE name = ?", (name,)).fetchone()  # type: ignore[no-any-return]
    except sqlite3.OperationalError:  # no cache table
        return None
    finally:
        conn.close()

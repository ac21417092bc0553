"""Hostile input: every file pairjournal reads, fuzzed with hypothesis; only clean errors come out.

Files read today: the journal's header (before anything authenticates it), the
records table of a journal someone else prepared, theme files, passphrase
files. `pairjournal import` is hooked below and runs once the command exists.
"""

from __future__ import annotations

import base64
import json
import math
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from conftest import PASSPHRASE, CliResult
from pairjournal.errors import DamagedJournal, PairjournalError, UsageError
from pairjournal.journal import Journal
from pairjournal.vault.crypto import Header, KdfParams
from pairjournal.vault.store import Store

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)


def _valid_header() -> dict[str, Any]:
    return json.loads(Header(vault_id="a" * 32, kdf=KdfParams.cheap()).to_bytes())


def _accepts_or_refuses_cleanly(raw: bytes) -> None:
    try:
        header = Header.from_bytes(raw)
    except PairjournalError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    header.kdf.validate()  # whatever is accepted is within the bounds the KDF may run with
    assert header.kdf.memory_kib <= 4 * 1024 * 1024 and header.kdf.iterations <= 64


@FUZZ
@given(st.binary(max_size=600))
@example(b"[" * 5_000 + b"]" * 5_000)
@example(b"\xff\xfe{}")
def test_header_bytes_arbitrary(raw: bytes) -> None:
    _accepts_or_refuses_cleanly(raw)


@FUZZ
@given(
    key=st.sampled_from(["magic", "format", "vault_id", "kdf", "wrap", "seal", "extra"]),
    value=json_values,
)
@example(key="format", value=2)
@example(key="format", value=float("inf"))
def test_header_fields_replaced_by_anything(key: str, value: Any) -> None:
    data = _valid_header()
    data[key] = value
    _accepts_or_refuses_cleanly(json.dumps(data, allow_nan=True).encode())


@FUZZ
@given(
    key=st.sampled_from(["name", "memory_kib", "iterations", "lanes", "salt", "length"]),
    value=json_values | st.just(1e999) | st.just(-1) | st.just(2**40) | st.just(base64.b64encode(b"x" * 200).decode()),
)
@example(key="memory_kib", value=1e999)
@example(key="memory_kib", value=float("nan"))
@example(key="iterations", value=10**6)
def test_kdf_parameters_replaced_by_anything(key: str, value: Any) -> None:
    data = _valid_header()
    data["kdf"][key] = value
    raw = json.dumps(data, allow_nan=True).encode()
    _accepts_or_refuses_cleanly(raw)
    number = isinstance(value, (int, float)) and not isinstance(value, bool) and key != "length"
    if number and (not math.isfinite(value) or value > 2**30 or value < 0):
        with pytest.raises(DamagedJournal):  # never runs an unbounded KDF
            Header.from_bytes(raw)


@pytest.fixture(scope="module")
def clean_journal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hostile") / "base.pairjournal"
    with Journal.create(path, PASSPHRASE, KdfParams.cheap()) as journal:
        pair = journal.add_pair("Mo", "mentee")
        journal.add_takeaway(pair.id, "a kept thought")
    return path


cell = (
    st.none()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False)
    | st.text(max_size=40)
    | st.binary(max_size=80)
)


@settings(FUZZ, max_examples=100)
@given(record_id=cell, version=cell, nonce=cell, ct=cell)
@example(record_id="é" * 32, version=1, nonce=b"\x00" * 12, ct=b"\x00" * 32)
@example(record_id=None, version="one", nonce="text", ct=7)
def test_hostile_rows_in_the_records_table(
    clean_journal: Path, tmp_path_factory: pytest.TempPathFactory, record_id: Any, version: Any, nonce: Any, ct: Any
) -> None:
    """A row planted by someone without the key is refused or reported, never believed."""
    path = tmp_path_factory.mktemp("rows") / "planted.pairjournal"
    path.write_bytes(clean_journal.read_bytes())
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA synchronous=OFF")
        with conn:
            conn.execute("INSERT INTO records (id, version, nonce, ct) VALUES (?, ?, ?, ?)", (record_id, version, nonce, ct))
    except sqlite3.IntegrityError:
        assume(False)  # SQLite's own constraints refused the row
    finally:
        conn.close()
    try:
        journal = Journal.open(path, PASSPHRASE)
    except PairjournalError:
        return
    try:
        assert [p.name for p in journal.pairs()] == ["Mo"]
        assert [t.text for t in journal.takeaways()] == ["a kept thought"]
        assert len(journal.damaged) == 1
        try:
            report = journal.check()
        except PairjournalError:
            return
        assert not report.ok and report.bad
    finally:
        journal.close()


def test_negative_schema_version_is_damage(clean_journal: Path, tmp_path: Path) -> None:
    path = tmp_path / "neg.pairjournal"
    path.write_bytes(clean_journal.read_bytes())
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version=-3")
    conn.close()
    with pytest.raises(DamagedJournal):
        Store.open(path, PASSPHRASE)


def test_text_that_is_not_utf8_in_the_records_table_is_damage(clean_journal: Path, tmp_path: Path) -> None:
    path = tmp_path / "utf8.pairjournal"
    path.write_bytes(clean_journal.read_bytes())
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("INSERT INTO records (id, version, nonce, ct) VALUES (CAST(x'92ff41' AS TEXT), 1, x'00', x'00')")
    conn.close()
    with pytest.raises(DamagedJournal):
        Journal.open(path, PASSPHRASE)


# -- theme files ---------------------------------------------------------------------


def test_theme_text_arbitrary() -> None:
    from pairjournal.tui.themes import ThemeError, parse_theme

    @FUZZ
    @given(st.text(max_size=400))
    @example('name = "x"\nprimary = "#' + "f" * 10_000 + '"')
    @example("[" * 5000)
    @example('name = "a"\nprimary = "red"\n[variables]\n"block-cursor-foreground" = "$x; } {"')
    def run(text: str) -> None:
        try:
            parse_theme(text, "fuzz.toml")
        except ThemeError as exc:
            assert "\n" not in str(exc) and str(exc).startswith("fuzz.toml")

    run()


def test_theme_values_replaced_by_anything() -> None:
    from pairjournal.tui.themes import COLOUR_KEYS, ThemeError, parse_theme

    toml_values = st.one_of(
        st.text(max_size=30).map(json.dumps),
        st.integers().map(str),
        st.booleans().map(lambda b: str(b).lower()),
        st.floats(allow_nan=True).map(lambda f: "nan" if math.isnan(f) else ("inf" if f > 1e308 else "-inf" if f < -1e308 else repr(f))),
        st.lists(st.integers(), max_size=3).map(str),
    )

    @FUZZ
    @given(key=st.sampled_from(["name", "dark", *COLOUR_KEYS]), value=toml_values, var=st.text(max_size=20))
    def run(key: str, value: str, var: str) -> None:
        base = {"name": '"fuzzed"', "primary": '"#336699"', key: value}
        text = "\n".join(f"{k} = {v}" for k, v in base.items())
        text += f"\n[variables]\n{json.dumps('block-cursor-background')} = {json.dumps(var)}\n"
        try:
            parse_theme(text, "fuzz.toml")
        except ThemeError as exc:
            assert "\n" not in str(exc)

    run()


def test_theme_files_with_hostile_bytes_never_stop_loading(tmp_path: Path) -> None:
    from pairjournal.tui.themes import MAX_THEME_BYTES, load_themes

    (tmp_path / "binary.toml").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "huge.toml").write_bytes(b"#" * (MAX_THEME_BYTES + 10))
    (tmp_path / "deep.toml").write_text("a = " + "[" * 10_000 + "]" * 10_000)
    (tmp_path / "dir.toml").mkdir()
    (tmp_path / "good.toml").write_text('name = "still-loads"\nprimary = "#123456"\n')
    result = load_themes([tmp_path])
    assert "still-loads" in result.names
    bad = [e for e in result.errors if str(tmp_path) in e]
    assert len(bad) == 3 and all("\n" not in e for e in bad)


# -- passphrase files ------------------------------------------------------------------


def test_passphrase_file_contents_arbitrary(
    tmp_path: Path, make_journal: Callable[..., Journal], cli: Callable[..., CliResult]
) -> None:
    make_journal().close()
    secret_file = tmp_path / "secret"

    @settings(max_examples=40, deadline=None)
    @given(st.binary(max_size=200))
    @example(b"")
    @example(b"\n")
    @example(b"\xff\xfe\x00")
    @example(PASSPHRASE.encode() + b"\n\n")
    def run(content: bytes) -> None:
        # A file holding the passphrase and one line ending (\n or \r\n) rightly opens it.
        assume(content.rstrip(b"\r\n") != PASSPHRASE.encode() or content.endswith(b"\n\n"))
        secret_file.write_bytes(content)
        result = cli("--passphrase-file", str(secret_file), "list", "pairs")
        assert result.exit_code in (2, 3)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in result.stderr

    run()


def test_passphrase_file_that_is_a_folder_or_missing(tmp_path: Path, make_journal: Callable[..., Journal], cli: Callable[..., CliResult]) -> None:
    make_journal().close()
    for target in (tmp_path, tmp_path / "absent"):
        result = cli("--passphrase-file", str(target), "list", "pairs")
        assert result.exit_code != 0
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


# -- import and verify (hooks: each runs once its command exists) -----------------------

# (command line before the file, file name, needs a journal). `{file}` is the hostile file.
FILE_READERS = [
    pytest.param(["import"], "backup.json", id="import-backup"),
    pytest.param(["import", "--from", "jrnl"], "notes.txt", id="import-jrnl"),
    pytest.param(["import", "--from", "jrnl-json"], "notes.json", id="import-jrnl-json"),
    pytest.param(["import", "--from", "dayone"], "dayone.json", id="import-dayone-json"),
    pytest.param(["import", "--from", "dayone"], "dayone.zip", id="import-dayone-zip"),
    pytest.param(["import", "--from", "markdown"], "note.md", id="import-markdown"),
    pytest.param(["verify"], "export.md", id="verify"),
]


def _supported(words: list[str]) -> bool:
    import click

    from pairjournal.cli import cli as root

    command = root.get_command(click.Context(root), words[0])
    if command is None:
        return False
    options = {opt for param in command.params for opt in getattr(param, "opts", [])}
    return all(not w.startswith("--") or w in options for w in words[1:])


def _zip_of(content: bytes) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("Journal.json", content)
    return buffer.getvalue()


hostile_files = (
    st.binary(max_size=1500)
    | json_values.map(lambda v: json.dumps(v, allow_nan=True).encode())
    | st.dictionaries(st.sampled_from(["entries", "format", "kind", "records", "version", "text", "date"]), json_values, max_size=4).map(
        lambda v: json.dumps(v, allow_nan=True).encode()
    )
    | st.text(max_size=400).map(str.encode)
)


@pytest.mark.parametrize(("words", "name"), FILE_READERS)
def test_files_the_program_reads_give_clean_errors(
    words: list[str], name: str, tmp_path: Path, make_journal: Callable[..., Journal], cli: Callable[..., CliResult]
) -> None:
    """Hostile bytes in any file given to import or verify: one clean line or a clean import."""
    if not _supported(words):
        pytest.skip(f"`pairjournal {' '.join(words)}` does not exist yet; this hook fuzzes it once it does")
    with make_journal() as journal:
        journal.add_pair("Ana", "mentor")
    source = tmp_path / name

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(hostile_files)
    @example(b"[" * 5_000)
    @example(b'{"entries": ' + b"[" * 5_000 + b"}")
    @example(b"\xef\xbb\xbf{}")
    @example(b"\x00" * 64)
    def run(content: bytes) -> None:
        source.write_bytes(_zip_of(content) if name.endswith(".zip") else content)
        result = cli(*words, str(source))
        assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
        if result.exit_code != 0:
            assert len(result.stderr.strip().splitlines()) == 1, result.stderr
            assert "internal error" not in result.stderr, result.stderr

    run()
    checked = cli("check")
    assert checked.exit_code == 0, checked.stderr  # whatever was imported, the journal is sound


def test_usage_error_is_the_class_for_bad_passphrase_files(tmp_path: Path) -> None:
    from pairjournal.cli.base import read_secret_file

    path = tmp_path / "s"
    path.write_bytes(b"\xff\xfe")
    with pytest.raises(UsageError):
        read_secret_file(path)

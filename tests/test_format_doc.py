"""docs/FORMAT.md cannot drift from the code.

The decryption script printed in the document is extracted and run, in a child
process that cannot import pairjournal, against journals pairjournal wrote; it
must recover exactly what was saved. The tables, columns, header fields, kinds
and payload fields in the file must all be named in the document.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import typing
import unicodedata
from collections.abc import Callable
from datetime import UTC
from pathlib import Path
from typing import Any

import msgspec
import pytest

from conftest import PASSPHRASE, PYTHON, ROOT
from factories import fill
from pairjournal.errors import DamagedJournal
from pairjournal.journal import Journal, codec
from pairjournal.journal.service import HOME_CACHE
from pairjournal.model import KINDS, ActionItem, Entity, Reflection
from pairjournal.vault import crypto
from pairjournal.vault.store import CACHE, CACHE_AAD_VERSION, SCHEMA_VERSION

FORMAT_MD = ROOT / "docs" / "FORMAT.md"
SECURITY_MD = ROOT / "docs" / "SECURITY.md"
FIXTURE = ROOT / "tests" / "fixtures" / "journal-v1.pairjournal"
MARKER = "<!-- decrypt.py"

# The same passphrase in two Unicode forms: the journal is made with the
# composed one, the script is given the decomposed one (NFC must make them equal).
PASSPHRASE_NFD = unicodedata.normalize("NFD", "Çafé crème brûlée ✓ 2024")
PASSPHRASE_NFC = unicodedata.normalize("NFC", PASSPHRASE_NFD)

# What the documented script says (on stderr) about a journal's unlock cache.
CACHE_CURRENT = 'unlock cache "home" (v=2): current, made from the records as they are'
CACHE_STALE = 'unlock cache "home" (v=2): stale, the records were written after it; pairjournal ignores it'
CACHE_FORGED = 'unlock cache "home": fails authentication; pairjournal ignores it'


def doc_text() -> str:
    return FORMAT_MD.read_text(encoding="utf-8")


def decrypt_script() -> str:
    text = doc_text()
    found = re.search(re.escape(MARKER) + r"[^\n]*\n```python\n(.*?)\n```", text, re.S)
    assert found, "docs/FORMAT.md must hold the decryption script in a ```python block right after its marker"
    return found.group(1) + "\n"


@dataclasses.dataclass
class Run:
    code: int
    records: dict[str, dict[str, Any]]
    stderr: str


def run_doc_script(tmp_path: Path, journal_file: Path, passphrase: str) -> Run:
    """Runs the document's script as an outsider would: a bare interpreter, no pairjournal on the path."""
    script = tmp_path / "decrypt.py"
    script.write_text(decrypt_script(), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PAIRJOURNAL_PASSPHRASE"}}
    env["PAIRJOURNAL_PASSPHRASE"] = passphrase
    proc = subprocess.run(
        [PYTHON, "-I", str(script), str(journal_file)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    records: dict[str, dict[str, Any]] = {}
    for line in proc.stdout.splitlines():
        record = json.loads(line)
        records[record["id"]] = record
    return Run(proc.returncode, records, proc.stderr)


@pytest.fixture
def known_journal(make_journal: Callable[..., Journal], journal_path: Path) -> tuple[Path, dict[str, tuple[Entity, int]]]:
    """A closed journal holding every kind, one record edited twice and one deleted."""
    journal = make_journal(passphrase=PASSPHRASE_NFC)
    saved = fill(journal)
    extra = journal.add_reflection("Résumé: naïve 日本語 text, \"quoted\" and\nmulti-line ✓", title="Ünïcode")
    extra.text += " (edited once)"
    journal.save(extra)
    extra.text += " (edited twice)"
    journal.save(extra)
    gone = journal.add_reflection("This one is deleted before the script runs")
    journal.delete(gone)
    journal.close()
    expected = {e.id: (e, 1) for e in saved}
    expected[extra.id] = (extra, 3)
    return journal_path, expected


def test_the_script_uses_only_the_standard_library_and_cryptography() -> None:
    tree = ast.parse(decrypt_script())
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.module is not None and node.level == 0
            roots.add(node.module.split(".")[0])
    assert "sqlite3" in roots and "cryptography" in roots
    assert roots - {"cryptography"} <= set(sys.stdlib_module_names), roots


def test_the_documented_script_recovers_every_record_exactly(
    tmp_path: Path, known_journal: tuple[Path, dict[str, tuple[Entity, int]]]
) -> None:
    path, expected = known_journal
    run = run_doc_script(tmp_path, path, PASSPHRASE_NFD)
    assert run.code == 0, run.stderr
    assert run.stderr.splitlines() == [CACHE_CURRENT]  # the journal that wrote it left a current cache
    assert set(run.records) == set(expected)
    for record_id, (entity, version) in expected.items():
        record = run.records[record_id]
        assert record["kind"] == entity.KIND
        assert record["version"] == version
        assert record["fields"] == json.loads(json.dumps(codec.to_dict(entity)))
    assert any(r["kind"] == "reflection" and "日本語" in r["fields"]["text"] for r in run.records.values())


def _documented_fixture_passphrase() -> str:
    found = re.search(r"Its passphrase is `([^`]+)`", doc_text())
    assert found, "docs/FORMAT.md must say the fixture journal's passphrase"
    return found.group(1)


def test_the_documented_script_reads_the_checked_in_v1_fixture(tmp_path: Path) -> None:
    copy = tmp_path / "copy.pairjournal"
    shutil.copyfile(FIXTURE, copy)
    run = run_doc_script(tmp_path, copy, _documented_fixture_passphrase())
    assert run.code == 0, run.stderr
    assert len(run.records) == 9
    assert run.records["80000000000000000000000000000008"]["fields"]["tags"] == ["fixture", "naïve"]
    assert run.records["50000000000000000000000000000005"]["version"] == 2


def test_the_documented_script_refuses_a_wrong_passphrase(
    tmp_path: Path, known_journal: tuple[Path, dict[str, tuple[Entity, int]]]
) -> None:
    path, _ = known_journal
    run = run_doc_script(tmp_path, path, "not the passphrase")
    assert run.code != 0
    assert run.records == {}
    assert "wrong passphrase" in run.stderr and "Traceback" not in run.stderr


def test_the_documented_script_reports_a_deleted_row_and_an_altered_record(
    tmp_path: Path, known_journal: tuple[Path, dict[str, tuple[Entity, int]]]
) -> None:
    path, expected = known_journal
    victim, altered = sorted(expected)[:2]
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM records WHERE id = ?", (victim,))
        (ct,) = conn.execute("SELECT ct FROM records WHERE id = ?", (altered,)).fetchone()
        conn.execute("UPDATE records SET ct = ? WHERE id = ?", (bytes([ct[0] ^ 1]) + ct[1:], altered))
    conn.close()
    run = run_doc_script(tmp_path, path, PASSPHRASE_NFD)
    assert run.code == 1
    assert f"record {altered} fails authentication" in run.stderr
    assert "manifest does not match" in run.stderr
    assert set(run.records) == set(expected) - {victim, altered}


def test_the_documented_script_refuses_a_file_one_byte_short(
    tmp_path: Path, known_journal: tuple[Path, dict[str, tuple[Entity, int]]]
) -> None:
    """FORMAT.md's truncation rule, applied by its own script and by pairjournal alike."""
    path, _ = known_journal
    assert not Path(f"{path}-wal").exists()
    path.write_bytes(path.read_bytes()[:-1])
    run = run_doc_script(tmp_path, path, PASSPHRASE_NFD)
    assert run.code != 0 and run.records == {}
    assert "truncated" in run.stderr and "Traceback" not in run.stderr
    with pytest.raises(DamagedJournal, match="truncated"):
        Journal.open(path, PASSPHRASE_NFC)


@pytest.mark.parametrize(
    "planted",
    [
        "CREATE TABLE notes (text TEXT)",
        "CREATE INDEX records_by_version ON records (version)",
        "CREATE VIEW everything AS SELECT * FROM records",
        "CREATE TRIGGER copy_out AFTER INSERT ON records BEGIN SELECT 1; END",
    ],
)
def test_the_documented_script_and_pairjournal_refuse_an_extra_table(
    tmp_path: Path, known_journal: tuple[Path, dict[str, tuple[Entity, int]]], planted: str
) -> None:
    """FORMAT.md: no other tables, indexes, views or triggers may exist."""
    path, expected = known_journal
    with sqlite3.connect(path) as conn:
        conn.execute(planted)
    conn.close()
    run = run_doc_script(tmp_path, path, PASSPHRASE_NFD)
    assert run.code == 1
    assert "pairjournal did not make" in run.stderr
    assert set(run.records) == set(expected)  # the records themselves still come out
    with Journal.open(path, PASSPHRASE_NFC) as journal:
        assert journal.read_only and "did not make" in (journal.damage_summary or "")
        report = journal.check()
        assert not report.ok and any("did not make" in p for p in report.problems)


def test_a_new_journals_manifest_starts_as_documented(journal: Journal, journal_path: Path) -> None:
    documented = re.search(r"a new journal's manifest is\s+`([^`]+)`", doc_text())
    assert documented, "docs/FORMAT.md must give a new journal's manifest"
    with sqlite3.connect(journal_path) as conn:
        epoch, nonce, ct = conn.execute("SELECT epoch, nonce, ct FROM manifest WHERE id = 1").fetchone()
    conn.close()
    with Journal.open(journal_path, PASSPHRASE) as reopened:
        sealer = reopened._store._sealer
        plain = sealer.open("manifest", "1", epoch, nonce, ct)
    assert plain.decode("utf-8") == documented.group(1).replace("<64 zeros>", "0" * 64)
    assert epoch == 1


def test_date_times_at_utc_are_written_with_z_and_the_disclosure_hash_rule_holds(
    make_journal: Callable[..., Journal], journal_path: Path, tmp_path: Path
) -> None:
    """The documented way to recompute a disclosure's hash, run on a journal kept at UTC."""
    from datetime import date, datetime

    from pairjournal.model import Disclosure
    from pairjournal.sharing.disclosures import GENESIS, entry_hash

    journal = make_journal()
    pair = journal.add_pair("Utc Partner", "mentor")
    entry = Disclosure(
        seq=1, when=datetime(2026, 3, 1, 9, 30, tzinfo=UTC), recipient="Dana", pair_id=pair.id,
        period_from=date(2026, 1, 1), period_to=date(2026, 2, 28), format="md", prev_hash=GENESIS,
    )
    entry.hash = entry_hash(entry)
    journal.save(entry)
    journal.close()
    run = run_doc_script(tmp_path, journal_path, PASSPHRASE)
    assert run.code == 0, run.stderr
    fields = run.records[entry.id]["fields"]
    assert fields["when"] == "2026-03-01T09:30:00Z"  # what the payload rule says
    text = doc_text()
    start = text.index("**Recomputing a disclosure's `hash`.**")
    snippet = re.search(r"```python\n(.*?)\n```", text[start:], re.S)
    assert snippet, "the hash rule needs its example"
    namespace: dict[str, Any] = {"payload": {"d": dict(fields)}, "hashlib": __import__("hashlib"), "json": json}
    exec(snippet.group(1), namespace)
    naive = dict(fields)
    stored = naive.pop("hash")
    import hashlib

    assert hashlib.sha256(json.dumps(naive, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()).hexdigest() != stored


def test_the_document_names_the_moods_as_stored() -> None:
    from pairjournal.tui.widgets.mood import MOODS

    row = _row(doc_text(), "| `session` |")
    listed = re.findall(r"`(\w+)`", row.split("`checkin_mood`", 1)[1].split("`checkin_note`", 1)[0])
    assert tuple(listed) == MOODS, listed
    assert "not a number" in row


def test_passwd_and_accept_damage_seal_a_fresh_cache_as_documented(journal: Journal, journal_path: Path, tmp_path: Path) -> None:
    journal.add_pair("Cache After Passwd", "mentor")
    journal.close()
    with Journal.open(journal_path, PASSPHRASE) as reopened:
        reopened.change_passphrase("the next long passphrase")
    assert run_doc_script(tmp_path, journal_path, "the next long passphrase").stderr.splitlines() == [CACHE_CURRENT]
    text = doc_text()
    assert "`passwd` (which rewrites the `vault` row)" in text
    assert "`export` (which adds an entry to the\ndisclosure log)" in text


def test_the_document_names_every_table_and_column(journal: Journal, journal_path: Path) -> None:
    text = doc_text()
    # The optional table too: the unlock cache, written as the interface writes it when it closes.
    journal.add_pair("Table Partner", "mentor")
    assert journal.save_home_cache()
    with sqlite3.connect(journal_path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        assert {"vault", "records", "manifest", CACHE} <= set(tables), tables
        for table in tables:
            assert f"`{table}`" in text, f"table {table} is not in docs/FORMAT.md"
            columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
            section = _section(text, f"### `{table}`")
            for column in columns:
                assert f"| `{column}` |" in section, f"column {table}.{column} is not in docs/FORMAT.md"
        for (index,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'"):
            assert f"`{index}`" in text, f"index {index} is not in docs/FORMAT.md"
        (user_version,) = conn.execute("PRAGMA user_version").fetchone()
    conn.close()
    assert user_version == SCHEMA_VERSION
    assert f"`PRAGMA user_version` holds the **storage schema version**: `{user_version}`" in text


def test_the_documented_script_reports_a_current_unlock_cache_and_a_write_removes_it(
    make_journal: Callable[..., Journal], journal_path: Path, tmp_path: Path
) -> None:
    """The script's verdict on the cache, and pairjournal's own, agree with FORMAT.md's stamp rule."""
    journal = make_journal()
    pair = journal.add_pair("Cache Partner", "mentor")
    journal.add_action(pair.id, "an open action that home shows")
    journal.keeps_home_cache = True  # as the interface does: close() writes the cache
    journal.close()

    run = run_doc_script(tmp_path, journal_path, PASSPHRASE)
    assert run.code == 0, run.stderr
    assert run.stderr.splitlines() == [CACHE_CURRENT]
    assert pair.id in run.records
    with Journal.open(journal_path, PASSPHRASE, lazy=True) as lazy:
        assert not lazy.loaded, "a current cache is used: the records stay sealed until needed"
        assert [p.pair.id for p in lazy.home().pairs] == [pair.id]

    # A write removes it in the same transaction (seen here before the writer closes)...
    cli_like = Journal.open(journal_path, PASSPHRASE)
    second = cli_like.add_pair("Second Partner", "mentee")
    run = run_doc_script(tmp_path, journal_path, PASSPHRASE)
    assert run.code == 0, run.stderr
    assert run.stderr == ""  # no entry left to report
    assert {pair.id, second.id} <= set(run.records)
    with Journal.open(journal_path, PASSPHRASE, lazy=True) as lazy:
        assert lazy.loaded, "without a current cache every record is decrypted at once"
        assert {p.pair.id for p in lazy.home().pairs} == {pair.id, second.id}
        lazy.keeps_home_cache = False  # leave the re-sealing to the writer
    # ...and the writer's close seals a fresh one.
    cli_like.close()

    # Current again, and used.
    run = run_doc_script(tmp_path, journal_path, PASSPHRASE)
    assert run.code == 0, run.stderr
    assert run.stderr.splitlines() == [CACHE_CURRENT]


def test_the_documented_script_and_pairjournal_ignore_a_replayed_or_altered_cache(
    make_journal: Callable[..., Journal], journal_path: Path, tmp_path: Path
) -> None:
    """SECURITY.md: an old cache row put back, or a changed byte, only gets the cache ignored."""
    journal = make_journal()
    pair = journal.add_pair("Replay Partner", "mentor")
    assert journal.save_home_cache()
    journal.close()
    with sqlite3.connect(journal_path) as conn:
        old_row = conn.execute("SELECT nonce, ct FROM cache WHERE name = 'home'").fetchone()
    conn.close()
    with Journal.open(journal_path, PASSPHRASE, lazy=True) as lazy:  # the interface: its close re-seals the cache
        later = lazy.add_pair("Later Partner", "mentee")
    assert run_doc_script(tmp_path, journal_path, PASSPHRASE).stderr.splitlines() == [CACHE_CURRENT]

    # An older entry put back authenticates, but its stamp names older records.
    with sqlite3.connect(journal_path) as conn:
        conn.execute("UPDATE cache SET nonce = ?, ct = ? WHERE name = 'home'", old_row)
    conn.close()
    run = run_doc_script(tmp_path, journal_path, PASSPHRASE)
    assert (run.code, run.stderr.splitlines()) == (0, [CACHE_STALE])
    with Journal.open(journal_path, PASSPHRASE, lazy=True) as lazy:
        assert lazy.loaded
        assert {p.pair.id for p in lazy.home().pairs} == {pair.id, later.id}
        lazy.keeps_home_cache = False  # keep the planted row for the next step

    # A changed byte fails authentication.
    with sqlite3.connect(journal_path) as conn:
        conn.execute("UPDATE cache SET ct = ? WHERE name = 'home'", (bytes([old_row[1][0] ^ 1]) + old_row[1][1:],))
    conn.close()
    run = run_doc_script(tmp_path, journal_path, PASSPHRASE)
    assert (run.code, run.stderr.splitlines()) == (0, [CACHE_FORGED])
    assert {pair.id, later.id} <= set(run.records)
    with Journal.open(journal_path, PASSPHRASE, lazy=True) as lazy:
        assert lazy.loaded
        assert {p.pair.id for p in lazy.home().pairs} == {pair.id, later.id}


def test_the_document_states_the_unlock_cache_constants() -> None:
    text = doc_text()
    aad = crypto.record_aad("<vault_id>", CACHE, HOME_CACHE, CACHE_AAD_VERSION).decode("ascii")
    assert f"`{aad}`" in text
    assert f"| `v` | the layout version of the entry: `{codec.HOME_CACHE_VERSION}` |" in text
    assert "`sqlite_autoindex_cache_1`" in text
    example = next(line for line in text.splitlines() if re.match(r'\{"v":2,"stamp":"[0-9a-f]{64}"', line))
    decoded = codec.decode_home(example.encode("utf-8"))
    assert decoded is not None, "the documented cache example does not decode"
    stamp, home = decoded
    assert re.fullmatch(r"[0-9a-f]{64}", stamp)
    assert home.pairs and home.covers(home.since)
    assert codec.encode_home(stamp, home).decode("utf-8") == example, "the example is written as pairjournal writes it"


def test_the_document_names_every_header_field(journal: Journal, journal_path: Path) -> None:
    text = doc_text()
    with sqlite3.connect(journal_path) as conn:
        (raw,) = conn.execute("SELECT header FROM vault WHERE id = 1").fetchone()
    conn.close()
    header = json.loads(raw)
    assert raw == crypto.canonical_json(header), "the header is stored in canonical form"
    for key in header:
        assert f"| `{key}` |" in text, f"header field {key} is not in docs/FORMAT.md"
    for key in header["kdf"]:
        assert f"| `kdf.{key}` |" in text, f"header field kdf.{key} is not in docs/FORMAT.md"
    assert f'"magic":"{crypto.MAGIC}"' in text and f"`\"{crypto.AEAD_NAME}\"`" in text


def test_the_document_states_the_codes_constants() -> None:
    text = doc_text()
    assert f"`{crypto.wrap_aad(b'').decode('ascii')}`" in text
    template = crypto.record_aad("<vault_id>", "<table>", "<record id>", "<version>")  # type: ignore[arg-type]
    assert f"`{template.decode('ascii')}`" in text
    assert f"1 <= lanes <= {crypto.MAX_LANES}" in text
    assert f"1 <= iterations <= {crypto.MAX_ITERATIONS}" in text
    assert f"8 * lanes <= memory_kib <= {crypto.MAX_MEMORY_KIB}" in text
    assert f"{crypto.PRODUCTION_MEMORY_KIB} KiB" in text
    assert f"{crypto.PRODUCTION_ITERATIONS} iterations" in text and f"{crypto.PRODUCTION_LANES} lanes" in text
    assert f"`format` | the format version, an integer: `{crypto.FORMAT_VERSION}`" in text
    assert f"`v` | the payload version: `{codec.PAYLOAD_VERSION}`" in text


def test_the_document_lists_every_kind_and_every_field() -> None:
    text = doc_text()
    for kind, cls in KINDS.items():
        row = _row(text, f"| `{kind}` |")
        for name in cls.__struct_fields__:
            assert f"`{name}`" in row, f"field {kind}.{name} is not in docs/FORMAT.md"
    for cls in _nested_types():
        row = _row(text, f"| `{cls.__name__}` ")
        for name in cls.__struct_fields__:
            assert f"`{name}`" in row, f"field {cls.__name__}.{name} is not in docs/FORMAT.md"


def test_the_documented_payload_example_decodes() -> None:
    text = doc_text()
    example = next(line for line in text.splitlines() if line.startswith('{"k":"pair","v":1,'))
    entity = codec.decode(example.encode("utf-8"))
    assert entity.KIND == "pair"
    assert json.loads(codec.encode(entity)) == json.loads(example)


def test_security_doc_states_the_production_parameters() -> None:
    text = SECURITY_MD.read_text(encoding="utf-8")
    assert f"{crypto.PRODUCTION_MEMORY_KIB // 1024} MiB" in text
    assert f"{crypto.PRODUCTION_ITERATIONS} iterations" in text
    assert f"{crypto.PRODUCTION_LANES} lanes" in text
    assert f"{crypto.SALT_BYTES}-byte" in text
    assert "## Tests that prove it" in text


def test_check_catches_what_the_manifest_section_says_and_not_more(
    make_journal: Callable[..., Journal], journal_path: Path, tmp_path: Path
) -> None:
    """FORMAT.md and SECURITY.md: a deleted row and a rolled-back record are caught; a whole old copy is not."""
    journal = make_journal()
    pair = journal.add_pair("Manifest Partner", "mentor")
    action = journal.add_action(pair.id, "first wording")
    journal.close()
    old_copy = tmp_path / "old-copy.pairjournal"
    shutil.copyfile(journal_path, old_copy)
    with sqlite3.connect(journal_path) as conn:
        old_row = conn.execute("SELECT version, nonce, ct FROM records WHERE id = ?", (action.id,)).fetchone()
    conn.close()
    with Journal.open(journal_path, PASSPHRASE) as reopened:
        reopened.complete_action(action.id, evidence="second wording")
    newest = journal_path.read_bytes()

    # A record rolled back to an older version of itself: it opens, but the digest differs.
    with sqlite3.connect(journal_path) as conn:
        conn.execute("UPDATE records SET version = ?, nonce = ?, ct = ? WHERE id = ?", (*old_row, action.id))
    conn.close()
    with Journal.open(journal_path, PASSPHRASE) as rolled:
        report = rolled.check()
        assert report.bad == [] and not report.ok
        assert any("older version" in p for p in report.problems)

    # A deleted row: the count differs.
    journal_path.write_bytes(newest)
    with sqlite3.connect(journal_path) as conn:
        conn.execute("DELETE FROM records WHERE id = ?", (pair.id,))
    conn.close()
    with Journal.open(journal_path, PASSPHRASE) as deleted:
        report = deleted.check()
        assert not report.ok and any("deleted" in p for p in report.problems)

    # The documented limit: a whole older copy is consistent with itself.
    journal_path.write_bytes(old_copy.read_bytes())
    with Journal.open(journal_path, PASSPHRASE) as restored:
        assert restored.check().ok
        assert restored.get(ActionItem, action.id).evidence == ""


NETWORK_MODULES = {
    "socket", "ssl", "http", "urllib", "urllib3", "ftplib", "smtplib", "poplib", "imaplib", "telnetlib",
    "xmlrpc", "socketserver", "webbrowser", "requests", "httpx", "aiohttp", "websockets",
}


def test_no_module_of_pairjournal_imports_network_code() -> None:
    """SECURITY.md says pairjournal has no network code at all."""
    offenders = []
    for source in sorted((ROOT / "src" / "pairjournal").rglob("*.py")):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offenders += [f"{source.name}: {n}" for n in names if n.split(".")[0] in NETWORK_MODULES]
    assert offenders == []


def test_the_row_finder_fails_on_a_missing_row() -> None:
    # Guards the row finder itself: a missing row must fail, not pass vacuously.
    with pytest.raises(AssertionError):
        _row(doc_text(), "| `no-such-kind` |")
    assert "`text`" in _row(doc_text(), f"| `{Reflection.KIND}` |")


def _row(text: str, start: str) -> str:
    rows = [line for line in text.splitlines() if line.startswith(start)]
    assert len(rows) == 1, f"docs/FORMAT.md needs exactly one table row starting {start!r}"
    return rows[0]


def _section(text: str, heading: str) -> str:
    start = text.index(heading)
    end = text.find("\n#", start + len(heading))
    return text[start : end if end != -1 else len(text)]


def _nested_types() -> list[type[msgspec.Struct]]:
    """Records stored inside payloads (not kinds themselves), found from the kinds' type hints."""
    seen: list[type[msgspec.Struct]] = []

    def visit(tp: Any) -> None:
        for arg in typing.get_args(tp):
            visit(arg)
        if isinstance(tp, type) and issubclass(tp, msgspec.Struct) and tp not in seen:
            if not hasattr(tp, "KIND"):
                seen.append(tp)
            for hint in typing.get_type_hints(tp).values():
                visit(hint)

    for cls in KINDS.values():
        for hint in typing.get_type_hints(cls).values():
            visit(hint)
    return seen

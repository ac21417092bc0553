"""The full plaintext backup: an exact round trip, idempotent import, strict validation, nothing overwritten."""

from __future__ import annotations

import copy
import json
import os
import stat
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from exchange_world import link
from pairjournal.journal import Journal, KdfParams
from pairjournal.model import ENTITY_TYPES, Pair, Settings, ShareScope, Takeaway
from pairjournal.sharing import disclosures, export, portable, signing
from pairjournal.sharing.portable import BadBackup
from sharing_world import END, NOW, START, build

PASSPHRASE = "correct horse battery staple"


def _everything(journal: Journal) -> dict[str, list[Any]]:
    return {cls.KIND: sorted(journal.all(cls), key=lambda e: e.id) for cls in ENTITY_TYPES}


def _rich_journal(journal: Journal, tmp_path: Path) -> None:
    world = build(journal, fixed_key=False)
    journal.save_settings(theme="pairjournal-light", autolock_minutes=9)
    journal.add_prompt("What surprised me this week?")
    export.commit(journal, export.prepare(journal, world.pair, START, END, "md", generated=NOW), tmp_path / "a.md")
    # The partner exchange's records too: a link, an item the partner shared, their consent request.
    partner = Journal.create(tmp_path / "partner.pairjournal", PASSPHRASE, KdfParams.cheap())
    try:
        linked = link(lambda path: partner, tmp_path / "exchange", ana=journal, ana_pair=world.pair)
        partner.add_takeaway(linked.bo_pair.id, "the partner's own takeaway", scope=ShareScope.COORDINATOR)
        linked.send(partner, journal)
    finally:
        partner.close()


def test_round_trip_restores_every_entity_exactly(
    journal: Journal, make_journal: Callable[..., Journal], tmp_path: Path
) -> None:
    _rich_journal(journal, tmp_path)
    data = portable.export_full(journal)
    assert {e["kind"] for e in data["entities"]} == {cls.KIND for cls in ENTITY_TYPES}
    restored = make_journal(tmp_path / "restored.pairjournal")
    report = portable.import_full(restored, json.loads(portable.dump(data)))
    assert report.total_added == len(data["entities"])
    assert _everything(restored) == _everything(journal)
    # The same key and an intact log came along.
    assert signing.fingerprint(restored) == signing.fingerprint(journal)
    assert disclosures.verify_chain(restored).ok
    assert portable.export_full(restored, exported=NOW) == portable.export_full(journal, exported=NOW)


def test_round_trip_survives_reopening(journal: Journal, make_journal: Callable[..., Journal], tmp_path: Path) -> None:
    _rich_journal(journal, tmp_path)
    path = tmp_path / "restored.pairjournal"
    restored = make_journal(path)
    portable.import_full(restored, portable.export_full(journal))
    restored.close()
    again = Journal.open(path, PASSPHRASE)
    try:
        assert _everything(again) == _everything(journal)
    finally:
        again.close()


def test_importing_twice_adds_nothing(journal: Journal, make_journal: Callable[..., Journal], tmp_path: Path) -> None:
    _rich_journal(journal, tmp_path)
    data = portable.export_full(journal)
    restored = make_journal(tmp_path / "restored.pairjournal")
    portable.import_full(restored, data)
    before = _everything(restored)
    report = portable.import_full(restored, data)
    assert report.total_added == 0
    assert report.unchanged == len(data["entities"])
    assert _everything(restored) == before


def test_import_never_overwrites(journal: Journal, make_journal: Callable[..., Journal], tmp_path: Path) -> None:
    _rich_journal(journal, tmp_path)
    data = portable.export_full(journal)
    target = make_journal(tmp_path / "target.pairjournal")
    portable.import_full(target, data)
    takeaway = sorted(target.all(Takeaway), key=lambda t: t.id)[0]
    takeaway.text = "edited since the backup"
    target.save(takeaway)
    report = portable.import_full(target, data)
    assert report.kept == 1
    assert target.get(Takeaway, takeaway.id).text == "edited since the backup"


def test_a_journal_keeps_its_own_key_and_settings(
    journal: Journal, make_journal: Callable[..., Journal], tmp_path: Path
) -> None:
    _rich_journal(journal, tmp_path)
    target = make_journal(tmp_path / "target.pairjournal")
    own = signing.fingerprint(target)
    target.save_settings(theme="pairjournal-contrast")
    report = portable.import_full(target, portable.export_full(journal))
    assert signing.fingerprint(target) == own
    assert len(target.all(Settings)) == 1 and target.settings().theme == "pairjournal-contrast"
    assert any("signing-key" in s for s in report.skipped)
    # The other journal's log is imported whole and still verifies as its own chain.
    assert disclosures.verify_chain(target).ok


def test_a_pair_name_clash_is_refused_before_any_write(
    journal: Journal, make_journal: Callable[..., Journal], tmp_path: Path
) -> None:
    _rich_journal(journal, tmp_path)
    target = make_journal(tmp_path / "target.pairjournal")
    target.add_pair("ana souza", "mentor")
    before = _everything(target)
    with pytest.raises(BadBackup, match="clashes"):
        portable.import_full(target, portable.export_full(journal))
    assert _everything(target) == before


def _mutations() -> list[tuple[str, Callable[[dict[str, Any]], None]]]:
    def entity(data: dict[str, Any], kind: str) -> dict[str, Any]:
        return next(e for e in data["entities"] if e["kind"] == kind)["data"]

    return [
        ("wrong schema", lambda d: d.update(schema="something-else")),
        ("newer version", lambda d: d.update(version=2)),
        ("version as text", lambda d: d.update(version="1")),
        ("unknown top-level field", lambda d: d.update(extra=1)),
        ("entities not a list", lambda d: d.update(entities={})),
        ("unknown kind", lambda d: d["entities"].append({"kind": "diary", "data": {}})),
        ("entity with extra key", lambda d: d["entities"][0].update(more=1)),
        ("unknown field", lambda d: entity(d, "takeaway").update(mood="x")),
        ("missing field", lambda d: entity(d, "takeaway").pop("created")),
        ("text not a string", lambda d: entity(d, "takeaway").update(text=5)),
        ("bad date", lambda d: entity(d, "session").update(date="2025-02-30")),
        ("bad date-time", lambda d: entity(d, "pair").update(created="yesterday")),
        ("bad enum", lambda d: entity(d, "pair").update(role="boss")),
        ("bool as int", lambda d: entity(d, "pair").update(minutes=True)),
        ("null where not allowed", lambda d: entity(d, "takeaway").update(scope=None)),
        ("bad nested", lambda d: entity(d, "takeaway").update(partner_consent={"given_on": "2025-01-01"})),
        ("bad id", lambda d: entity(d, "reflection").update(id="../../etc")),
        ("duplicate id", lambda d: d["entities"].append(copy.deepcopy(d["entities"][-1]))),
        ("dangling pair", lambda d: entity(d, "takeaway").update(pair_id="f" * 32)),
        # Found in review: values that imported, then broke every later command.
        ("date-time without offset", lambda d: entity(d, "takeaway").update(created="2025-02-01T10:00:00")),
        ("reflection time without offset", lambda d: entity(d, "reflection").update(created="2025-02-01T10:00:00")),
        ("date out of range", lambda d: entity(d, "session").update(date="9999-12-31")),
        ("number out of range", lambda d: entity(d, "pair").update(minutes=10**12)),
        ("signing key not a key", lambda d: entity(d, "signing-key").update(private_key="notbase64!!")),
        ("signing key too short", lambda d: entity(d, "signing-key").update(private_key="AAAA")),
    ]


@pytest.mark.parametrize("label,mutate", _mutations(), ids=[m[0] for m in _mutations()])
def test_bad_backups_are_refused_whole(
    journal: Journal, make_journal: Callable[..., Journal], tmp_path: Path, label: str,
    mutate: Callable[[dict[str, Any]], None]
) -> None:
    _rich_journal(journal, tmp_path)
    data = portable.export_full(journal)
    mutate(data)
    target = make_journal(tmp_path / "target.pairjournal")
    target.add_reflection("already here")
    before = _everything(target)
    with pytest.raises(BadBackup) as caught:
        portable.import_full(target, data)
    assert "\n" not in str(caught.value)
    assert "SECRET" not in str(caught.value)
    assert _everything(target) == before


# -- the CLI ----------------------------------------------------------------------------------


def test_cli_backup_and_import_into_a_new_journal(
    journal: Journal, journal_path: Path, tmp_path: Path, cli: Callable[..., object]
) -> None:
    _rich_journal(journal, tmp_path)
    original = _everything(journal)
    journal.close()
    backup = tmp_path / "backup.json"
    result = cli("export", "--all", "--format", "json", "--plaintext", "--out", str(backup))
    assert result.exit_code == 0, result.stderr
    assert stat.S_IMODE(os.stat(backup).st_mode) == 0o600

    fresh = tmp_path / "fresh" / "new.pairjournal"
    result = cli("--journal", str(fresh), "import", str(backup))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Imported: added")
    restored = Journal.open(fresh, PASSPHRASE)
    try:
        assert _everything(restored) == original
    finally:
        restored.close()

    result = cli("--journal", str(fresh), "import", str(backup))
    assert result.exit_code == 0
    assert "added 0 record(s)" in result.stdout


@pytest.mark.parametrize(
    "content",
    [b"", b"not json", b"[1, 2]", b'{"schema": "pairjournal-backup", "version": 1, "entities": [{"kind": "pair"}]}',
     b"\xff\xfe", b'{"schema": "pairjournal-export"}'],
)
def test_cli_import_malformed_file(
    journal: Journal, journal_path: Path, tmp_path: Path, cli: Callable[..., object], content: bytes
) -> None:
    journal.add_reflection("SECRET-EXISTING")
    before = _everything(journal)
    journal.close()
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    result = cli("import", str(bad))
    assert result.exit_code != 0
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""
    again = Journal.open(journal_path, PASSPHRASE)
    try:
        assert _everything(again) == before
    finally:
        again.close()


def test_cli_import_malformed_file_creates_no_journal(tmp_path: Path, cli: Callable[..., object]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": "pairjournal-backup", "version": 1, "entities": 3}')
    target = tmp_path / "none" / "j.pairjournal"
    result = cli("--journal", str(target), "import", str(bad))
    assert result.exit_code != 0
    assert len(result.stderr.strip().splitlines()) == 1
    assert not target.exists()


def test_cli_import_of_an_out_of_range_backup_creates_no_journal(
    journal: Journal, tmp_path: Path, cli: Callable[..., object]
) -> None:
    journal.add_pair("Ana", "mentee")
    data = portable.export_full(journal)
    next(e for e in data["entities"] if e["kind"] == "pair")["data"]["start"] = "0001-01-01"
    bad = tmp_path / "bad.json"
    bad.write_bytes(portable.dump(data))
    target = tmp_path / "none" / "j.pairjournal"
    result = cli("--journal", str(target), "import", str(bad))
    assert result.exit_code == 2, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not target.exists()


def test_cli_import_missing_file(tmp_path: Path, cli: Callable[..., object]) -> None:
    result = cli("import", str(tmp_path / "nope.json"))
    assert result.exit_code != 0
    assert len(result.stderr.strip().splitlines()) == 1


def test_backup_documents_itself(journal: Journal) -> None:
    journal.add_pair("Ana", "mentee")
    data = portable.export_full(journal, exported=datetime(2025, 1, 1, tzinfo=UTC))
    assert data["schema"] == "pairjournal-backup" and data["version"] == 1
    assert "plaintext" in data["warning"]
    assert data["exported"] == "2025-01-01T00:00:00+00:00"
    (pair,) = [e for e in data["entities"] if e["kind"] == "pair"]
    assert set(pair["data"]) == set(Pair.__struct_fields__)

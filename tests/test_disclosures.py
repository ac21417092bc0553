"""The disclosure log: it matches the files written, and an edited or removed entry is detected."""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from msgspec.structs import replace

from pairjournal.journal import Journal
from pairjournal.model import Disclosure, SigningKey
from pairjournal.sharing import consent, disclosures, export
from pairjournal.sharing.signing import canonical_json
from sharing_world import COORDINATOR, END, NOW, START, World, build

PASSPHRASE = "correct horse battery staple"


@pytest.fixture
def world(journal: Journal) -> World:
    return build(journal)


def _export_three(journal: Journal, world: World, folder: Path) -> dict[str, Path]:
    written = {}
    for n, fmt in enumerate(export.FORMATS):
        out = folder / f"summary-{n}.{fmt}"
        when = datetime(2025, 7, 1 + n, 10, 0, tzinfo=UTC)
        prepared = export.prepare(journal, world.pair, START, END, fmt, generated=when,
                                  pseudonymize=(fmt == "html"))
        export.commit(journal, prepared, out, when=when)
        written[fmt] = out
    return written


def test_the_log_matches_the_files_written(journal: Journal, world: World, tmp_path: Path) -> None:
    files = _export_three(journal, world, tmp_path)
    log = disclosures.entries(journal)
    assert [e.seq for e in log] == [3, 2, 1]  # newest first
    by_format = {e.format: e for e in log}
    for fmt, path in files.items():
        entry = by_format[fmt]
        assert entry.file_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
        assert entry.file_name == str(path.resolve())
        assert entry.recipient == COORDINATOR
        assert (entry.period_from, entry.period_to) == (START, END)
        assert entry.pair_id == world.pair.id
        assert entry.pseudonymized is (fmt == "html")
    assert disclosures.verify_chain(journal).ok


def test_logged_items_are_exactly_the_exported_ones_with_their_hashes(
    journal: Journal, world: World, tmp_path: Path
) -> None:
    files = _export_three(journal, world, tmp_path)
    entry = next(e for e in disclosures.entries(journal) if e.format == "json")
    payload = json.loads(files["json"].read_bytes())["payload"]
    exported = {t["id"]: t for t in payload["takeaways"]}
    exported |= {a["id"]: a for a in payload["action_items"]}
    exported |= {r["id"]: r for r in payload["recognitions"]}
    for objective in payload["objectives"]:
        exported |= {p["id"]: p for p in objective["progress"]}
        head = {k: objective[k] for k in ("id", "number", "shared", "outcome", "evidence", "timebox", "consent")}
        exported[objective["id"]] = head
    logged = {i.id: i for i in entry.items}
    assert set(logged) == set(exported)
    for item_id, item in logged.items():
        assert item.sha256 == hashlib.sha256(canonical_json(exported[item_id])).hexdigest()
    assert {i.kind for i in entry.items} == {"takeaway", "action", "progress", "objective", "recognition"}
    assert world.pending_takeaway.id not in logged and world.private_takeaway.id not in logged


def test_the_chain_links_each_entry_to_the_one_before(journal: Journal, world: World, tmp_path: Path) -> None:
    _export_three(journal, world, tmp_path)
    chain = sorted(journal.all(Disclosure), key=lambda d: d.seq)
    assert chain[0].prev_hash == disclosures.GENESIS
    for before, after in itertools.pairwise(chain):
        assert after.prev_hash == before.hash
    for entry in chain:
        assert entry.hash == disclosures.entry_hash(entry)
    key = journal.all(SigningKey)[0]
    assert (key.log_seq, key.log_head) == (3, chain[-1].hash)


def test_an_edited_entry_is_detected(journal: Journal, world: World, tmp_path: Path) -> None:
    _export_three(journal, world, tmp_path)
    middle = next(d for d in journal.all(Disclosure) if d.seq == 2)
    journal.save(replace(middle, items=middle.items[:1]))
    report = disclosures.verify_chain(journal)
    assert not report.ok
    assert report.broken == {middle.id: ["the entry was changed after it was logged"]}


def test_an_edited_entry_with_a_recomputed_hash_breaks_the_next_link(
    journal: Journal, world: World, tmp_path: Path
) -> None:
    _export_three(journal, world, tmp_path)
    middle = next(d for d in journal.all(Disclosure) if d.seq == 2)
    forged = replace(middle, recipient="nobody")
    forged.hash = disclosures.entry_hash(forged)
    journal.save(forged)
    report = disclosures.verify_chain(journal)
    last = next(d for d in journal.all(Disclosure) if d.seq == 3)
    assert list(report.broken) == [last.id]
    assert "chain is broken" in report.broken[last.id][0]


def test_editing_the_newest_entry_is_detected_by_the_head(journal: Journal, world: World, tmp_path: Path) -> None:
    _export_three(journal, world, tmp_path)
    last = next(d for d in journal.all(Disclosure) if d.seq == 3)
    forged = replace(last, file_sha256="0" * 64)
    forged.hash = disclosures.entry_hash(forged)
    journal.save(forged)
    report = disclosures.verify_chain(journal)
    assert list(report.broken) == [last.id]


@pytest.mark.parametrize("removed_seq", [1, 2])
def test_a_removed_entry_is_detected(journal: Journal, world: World, tmp_path: Path, removed_seq: int) -> None:
    _export_three(journal, world, tmp_path)
    gone = next(d for d in journal.all(Disclosure) if d.seq == removed_seq)
    journal.delete(gone)
    report = disclosures.verify_chain(journal)
    assert not report.ok
    after = next(d for d in journal.all(Disclosure) if d.seq == removed_seq + 1)
    assert f"entry {removed_seq} of the log are missing" in report.broken[after.id][0]


def test_removing_the_newest_entry_is_detected(journal: Journal, world: World, tmp_path: Path) -> None:
    _export_three(journal, world, tmp_path)
    journal.delete(next(d for d in journal.all(Disclosure) if d.seq == 3))
    report = disclosures.verify_chain(journal)
    assert not report.ok and not report.broken
    assert report.problems == ["the newest 1 entry is missing from the log"]


def test_removing_the_whole_log_is_detected(journal: Journal, world: World, tmp_path: Path) -> None:
    _export_three(journal, world, tmp_path)
    for entry in journal.all(Disclosure):
        journal.delete(entry)
    assert disclosures.verify_chain(journal).problems == ["the newest 3 entries are missing from the log"]


def test_the_chain_survives_reopening(journal: Journal, journal_path: Path, world: World, tmp_path: Path) -> None:
    _export_three(journal, world, tmp_path)
    journal.close()
    again = Journal.open(journal_path, PASSPHRASE)
    try:
        assert disclosures.verify_chain(again).ok
        assert disclosures.verify_chain(again).checked == 3
    finally:
        again.close()


def test_an_empty_log_is_fine(journal: Journal) -> None:
    assert disclosures.verify_chain(journal).ok
    assert disclosures.entries(journal) == []


# -- the CLI --------------------------------------------------------------------------


def test_cli_disclosures(journal: Journal, world: World, tmp_path: Path, cli: Callable[..., object]) -> None:
    files = _export_three(journal, world, tmp_path)
    consent.withdraw(journal, world.shared_takeaway.id, on=date(2025, 7, 10))
    journal.close()
    result = cli("disclosures")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("#3 ") and lines[-1].startswith("#1 ")
    assert all(line.endswith("OK") for line in lines)
    assert all("withdrawn since" in line for line in lines)
    assert COORDINATOR in lines[0]

    result = cli("disclosures", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["chain_ok"] is True
    assert [e["seq"] for e in data["entries"]] == [3, 2, 1]
    by_format = {e["format"]: e for e in data["entries"]}
    for fmt, path in files.items():
        assert by_format[fmt]["file_sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert by_format[fmt]["status"] == "OK"
        assert by_format[fmt]["withdrawn_after_export"] == [world.shared_takeaway.id]


def test_cli_disclosures_reports_a_broken_chain(
    journal: Journal, world: World, tmp_path: Path, cli: Callable[..., object]
) -> None:
    _export_three(journal, world, tmp_path)
    middle = next(d for d in journal.all(Disclosure) if d.seq == 2)
    journal.delete(middle)
    journal.close()
    result = cli("disclosures")
    assert result.exit_code != 0
    assert "BROKEN" in result.stdout
    assert "entry 2 of the log are missing" in result.stderr
    result = cli("disclosures", "--json")
    data = json.loads(result.stdout)
    assert data["chain_ok"] is False
    assert [e["status"] for e in data["entries"]] == ["BROKEN", "OK"]


def test_cli_disclosures_empty(journal: Journal, cli: Callable[..., object]) -> None:
    journal.close()
    result = cli("disclosures")
    assert result.exit_code == 0
    assert result.stdout.strip() == "No exports yet."


def test_a_failed_write_logs_nothing(journal: Journal, world: World, tmp_path: Path) -> None:
    out = tmp_path / "taken.md"
    out.write_text("keep")
    prepared = export.prepare(journal, world.pair, START, END, "md", generated=NOW)
    with pytest.raises(Exception, match="already exists"):
        export.commit(journal, prepared, out)
    assert journal.all(Disclosure) == []
    assert out.read_text() == "keep"

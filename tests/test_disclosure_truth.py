"""The disclosure log tells the truth: what left, exactly; what failed, as failed; and it cannot be reset quietly."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import PYTHON, subprocess_env
from pairjournal.journal import Journal
from pairjournal.model import Disclosure
from pairjournal.sharing import consent, disclosures, export, portable
from sharing_world import END, NOW, START, World, build

PASSPHRASE = "correct horse battery staple"


@pytest.fixture
def world(journal: Journal) -> World:
    return build(journal)


def _log(path: Path) -> list[Disclosure]:
    with Journal.open(path, PASSPHRASE) as journal:
        return sorted(journal.all(Disclosure), key=lambda d: d.seq)


# -- each entry seals exactly what left ----------------------------------------------------------------


def test_an_entry_seals_the_exact_text_of_every_item_that_left(journal: Journal, world: World, tmp_path: Path,
                                                                cli: Callable[..., object]) -> None:
    prepared = export.prepare(journal, world.pair, START, END, "json", pseudonymize=True, generated=NOW)
    entry = export.commit(journal, prepared, tmp_path / "out.json", when=NOW)
    payload = json.loads((tmp_path / "out.json").read_bytes())["payload"]
    exported = {t["id"]: t for t in payload["takeaways"]} | {a["id"]: a for a in payload["action_items"]}
    for item, text in disclosures.item_texts(entry):
        assert text is not None
        if item.kind in ("takeaway", "action"):
            assert exported[item.exported_id] == text
        assert item.exported_id != item.id  # pseudonymised: the file's ids are its own
    journal.close()
    shown = cli("disclosures", "show", "1")
    assert shown.exit_code == 0, shown.stderr  # type: ignore[attr-defined]
    assert "SHARED-TAKEAWAY Ana showed me" not in shown.stdout  # names replaced, as they left  # type: ignore[attr-defined]
    assert "SHARED-TAKEAWAY Partner-" in shown.stdout  # type: ignore[attr-defined]
    assert "SHARED-ACTION-EVIDENCE" in shown.stdout and "delivered" in shown.stdout  # type: ignore[attr-defined]
    data = json.loads(cli("disclosures", "show", "1", "--json").stdout)  # type: ignore[attr-defined]
    assert {i["entry"]["id"] for i in data["items"] if i["kind"] == "takeaway"} == {t["id"] for t in payload["takeaways"]}
    assert cli("disclosures", "show", "7").exit_code == 2  # type: ignore[attr-defined]


def test_every_export_carries_its_place_in_the_log(journal: Journal, world: World, tmp_path: Path) -> None:
    first = export.commit(journal, export.prepare(journal, world.pair, START, END, "json", generated=NOW),
                          tmp_path / "a.json", when=NOW)
    second = export.commit(journal, export.prepare(journal, world.pair, START, END, "json", generated=NOW),
                           tmp_path / "b.json", when=NOW)
    a = json.loads((tmp_path / "a.json").read_bytes())["payload"]["disclosure"]
    b = json.loads((tmp_path / "b.json").read_bytes())["payload"]["disclosure"]
    assert a == {"seq": 1, "prev_hash": disclosures.GENESIS}
    assert b == {"seq": 2, "prev_hash": first.hash}
    assert second.prev_hash == first.hash
    md = export.prepare(journal, world.pair, START, END, "md", generated=NOW).text
    assert f"number 3, after entry {second.hash}" in md


def test_a_preview_made_before_another_export_cannot_be_written(journal: Journal, world: World, tmp_path: Path) -> None:
    stale = export.prepare(journal, world.pair, START, END, "md", generated=NOW)
    export.commit(journal, export.prepare(journal, world.pair, START, END, "md", generated=NOW), tmp_path / "a.md")
    with pytest.raises(disclosures.LogMoved):
        export.commit(journal, stale, tmp_path / "b.md")
    assert not (tmp_path / "b.md").exists()
    assert [d.seq for d in journal.all(Disclosure)] == [1]


# -- 9. the log survives a full backup, and an edited backup is refused --------------------------------


def _backup_with_two_exports(journal: Journal, world: World, tmp_path: Path) -> dict:  # type: ignore[type-arg]
    for name in ("a.md", "b.md"):
        export.commit(journal, export.prepare(journal, world.pair, START, END, "md", generated=NOW), tmp_path / name)
    return portable.export_full(journal)


def test_a_full_backup_keeps_the_log_and_its_chain_exactly(journal: Journal, world: World, tmp_path: Path,
                                                           make_journal: Callable[..., Journal]) -> None:
    data = _backup_with_two_exports(journal, world, tmp_path)
    before = sorted(journal.all(Disclosure), key=lambda d: d.seq)
    fresh = make_journal(tmp_path / "fresh.pairjournal")
    portable.import_full(fresh, data)
    after = sorted(fresh.all(Disclosure), key=lambda d: d.seq)
    assert after == before
    assert disclosures.verify_chain(fresh).ok
    assert disclosures.position(fresh) == disclosures.position(journal)


@pytest.mark.parametrize("edit", ["drop-newest", "drop-oldest", "edit-entry", "rewind-head"])
def test_an_edited_log_in_a_backup_is_refused(journal: Journal, world: World, tmp_path: Path,
                                              make_journal: Callable[..., Journal], edit: str) -> None:
    data = _backup_with_two_exports(journal, world, tmp_path)
    entities = data["entities"]
    log = sorted((e for e in entities if e["kind"] == "disclosure"), key=lambda e: e["data"]["seq"])
    key = next(e for e in entities if e["kind"] == "signing-key")
    if edit == "drop-newest":
        entities.remove(log[-1])
    elif edit == "drop-oldest":
        entities.remove(log[0])
    elif edit == "edit-entry":
        log[0]["data"]["recipient"] = "nobody"
    else:
        key["data"]["log_seq"] = 1
    fresh = make_journal(tmp_path / "fresh.pairjournal")
    with pytest.raises(portable.BadBackup, match="disclosure log does not verify"):
        portable.import_full(fresh, data)
    assert fresh.all(Disclosure) == []


def test_a_reset_log_shows_as_going_backwards_to_whoever_holds_an_export(
    journal: Journal, world: World, tmp_path: Path, make_journal: Callable[..., Journal]
) -> None:
    """Emptying the log consistently (entries and head) cannot be seen locally; the exports show it."""
    data = _backup_with_two_exports(journal, world, tmp_path)
    seen = json.loads(export.prepare(journal, world.pair, START, END, "json", generated=NOW).data)["payload"]
    data["entities"] = [e for e in data["entities"] if e["kind"] != "disclosure"]
    key = next(e for e in data["entities"] if e["kind"] == "signing-key")
    key["data"]["log_seq"], key["data"]["log_head"] = 0, ""
    fresh = make_journal(tmp_path / "fresh.pairjournal")
    portable.import_full(fresh, data)
    later = json.loads(export.prepare(fresh, world.pair, START, END, "json", generated=NOW).data)["payload"]
    assert seen["disclosure"]["seq"] == 3 and later["disclosure"]["seq"] == 1  # went backwards, same key


# -- 10. exports that did not happen are not logged as if they had -----------------------------------------


def test_a_dangling_symlink_destination_is_refused_and_not_logged(journal: Journal, world: World, tmp_path: Path,
                                                                   cli: Callable[..., object]) -> None:
    journal.close()
    dest = tmp_path / "out.md"
    dest.symlink_to(tmp_path / "missing" / "target.md")
    result = cli("export", "--pair", "Ana", "--format", "md", "--out", str(dest))
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert "symbolic link" in result.stderr  # type: ignore[attr-defined]
    assert _log(journal.path) == []


def _run(journal_path: Path, shell_tail: str) -> subprocess.CompletedProcess[str]:
    command = (
        f"{shlex.quote(PYTHON)} -m pairjournal --journal {shlex.quote(str(journal_path))} "
        f"export --pair Ana --from 2025-01-01 --to 2025-06-30 --format md {shell_tail}"
    )
    env = subprocess_env(PAIRJOURNAL_PASSPHRASE=PASSPHRASE)
    return subprocess.run(["sh", "-c", command], capture_output=True, text=True, env=env, timeout=120)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_full_standard_output_is_logged_as_failed(journal: Journal, world: World) -> None:
    journal.close()
    result = _run(journal.path, "> /dev/full")
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "standard output" in lines[0], result.stderr
    (entry,) = _log(journal.path)
    assert entry.status == "failed" and "No space left" in entry.failure
    assert disclosures.verify_chain(Journal.open(journal.path, PASSPHRASE)).ok


def test_a_closed_standard_output_is_refused_before_anything(journal: Journal, world: World) -> None:
    journal.close()
    result = _run(journal.path, ">&-")
    assert result.returncode == 2, result.stderr
    assert "standard output is closed" in result.stderr
    assert _log(journal.path) == []


def test_a_file_that_could_not_be_written_is_logged_as_failed(journal: Journal, world: World, tmp_path: Path) -> None:
    folder = tmp_path / "readonly"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as a user who can write anywhere")
        with pytest.raises(export.ExportFailed):
            export.commit(journal, export.prepare(journal, world.pair, START, END, "md"), folder / "x.md")
    finally:
        folder.chmod(0o700)
    (entry,) = journal.all(Disclosure)
    assert entry.status == "failed" and entry.failure


def test_a_delivered_file_is_complete_before_it_is_logged(journal: Journal, world: World, tmp_path: Path) -> None:
    prepared = export.prepare(journal, world.pair, START, END, "html", generated=NOW)
    entry = export.commit(journal, prepared, tmp_path / "out.html")
    assert entry.status == "delivered" and (tmp_path / "out.html").read_bytes() == prepared.data
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no staging file left


# -- found in review: bytes prepared before a change never leave ----------------------------------


def test_a_withdrawal_after_the_preview_stops_the_export(journal: Journal, world: World, tmp_path: Path) -> None:
    prepared = export.prepare(journal, world.pair, START, END, "md", generated=NOW)
    assert b"SHARED-TAKEAWAY" in prepared.data
    consent.withdraw(journal, world.shared_takeaway.id)
    with pytest.raises(export.ExportStale):
        export.commit(journal, prepared, tmp_path / "late.md")
    assert not (tmp_path / "late.md").exists()
    assert journal.all(Disclosure) == []


def test_a_withdrawal_in_another_process_after_the_preview_stops_it_too(
    journal: Journal, world: World, tmp_path: Path, cli: Callable[..., object]
) -> None:
    prepared = export.prepare(journal, world.pair, START, END, "json", pseudonymize=True, generated=NOW)
    result = cli("consent", "withdraw", world.shared_action.id[:8])
    assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]
    with pytest.raises(export.ExportStale):
        export.commit(journal, prepared, tmp_path / "late.json")
    assert not (tmp_path / "late.json").exists()
    fresh = export.prepare(journal, world.pair, START, END, "json", pseudonymize=True, generated=NOW)
    export.commit(journal, fresh, tmp_path / "now.json")
    assert b"SHARED-ACTION" not in (tmp_path / "now.json").read_bytes()


@pytest.mark.parametrize("redirect", ["1<>{journal}", ">> {journal}", "> {wal}"])
def test_standard_output_onto_the_journal_is_refused(journal: Journal, world: World, redirect: str) -> None:
    journal.close()
    before = journal.path.read_bytes()
    tail = redirect.format(journal=shlex.quote(str(journal.path)), wal=shlex.quote(f"{journal.path}-wal"))
    result = _run(journal.path, tail)
    assert result.returncode == 2, result.stderr
    assert "journal or one of its own files" in result.stderr
    assert journal.path.read_bytes() == before
    assert _log(journal.path) == []


def test_a_plaintext_backup_onto_the_journal_through_stdout_is_refused(journal: Journal, world: World) -> None:
    journal.close()
    before = journal.path.read_bytes()
    command = (
        f"{shlex.quote(PYTHON)} -m pairjournal --journal {shlex.quote(str(journal.path))} "
        f"export --all --plaintext --format json >> {shlex.quote(str(journal.path))}"
    )
    env = subprocess_env(PAIRJOURNAL_PASSPHRASE=PASSPHRASE)
    result = subprocess.run(["sh", "-c", command], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 2, result.stderr
    assert journal.path.read_bytes() == before


def test_a_log_entry_whose_text_is_not_json_is_shown_not_crashed_on(journal: Journal, world: World,
                                                                     tmp_path: Path, cli: Callable[..., object]) -> None:
    export.commit(journal, export.prepare(journal, world.pair, START, END, "md"), tmp_path / "a.md")
    (entry,) = journal.all(Disclosure)
    entry.items[0].entry = "{not json"
    journal.save(entry)
    journal.close()
    result = cli("disclosures", "show", "1")
    assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]
    assert "logged before pairjournal kept the text" in result.stdout  # type: ignore[attr-defined]

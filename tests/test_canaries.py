"""Invariant 1: nothing the user writes is on disk in plaintext, in any encoding."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import PASSPHRASE
from factories import CANARY_FIELDS, canary, fill
from pairjournal.journal import Journal
from pairjournal.model import ActionItem, Reflection, Takeaway


def _encodings(text: str) -> list[bytes]:
    return [text.encode("utf-8"), text.encode("utf-16-le"), text.encode("utf-16-be")]


def _leaks(folders: list[Path], markers: list[str]) -> list[str]:
    found = []
    for folder in folders:
        for path in folder.rglob("*"):
            if not path.is_file():
                continue
            data = path.read_bytes()
            for marker in markers:
                if any(enc in data for enc in _encodings(marker)):
                    found.append(f"{marker} in {path.name}")
    return found


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Points the temp folder into the test's own directory so it can be scanned."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", None)
    return folder


def test_no_canary_reaches_disk_while_writing_editing_deleting_searching(
    journal: Journal, journal_path: Path, private_tmp: Path
) -> None:
    fill(journal)
    markers = [canary(f) for f in CANARY_FIELDS]

    # Edit: every text field again with new canaries, then delete some records outright.
    fill(journal, tag="Edit")
    markers += [canary(f"{f}Edit") for f in CANARY_FIELDS]
    for entity in journal.all(Takeaway) + journal.all(ActionItem):
        entity.text = entity.text + canary("Edited")
        journal.save(entity)
    markers.append(canary("Edited"))
    for reflection in journal.all(Reflection):
        journal.delete(reflection)

    # Search builds the in-memory index; it must not touch the disk either.
    for marker in markers:
        journal.search(marker)
    assert journal.search(canary("Notes"))

    folders = [journal_path.parent, private_tmp]
    assert (journal_path.parent / (journal_path.name + "-wal")).exists()
    assert _leaks(folders, markers) == []

    journal.close()
    with Journal.open(journal_path, PASSPHRASE) as again:
        assert again.search(canary("Takeaway"))
    assert _leaks(folders, markers) == []


def test_the_scanner_would_see_plaintext(tmp_path: Path) -> None:
    """Guards the guard: a file holding a canary in UTF-16 is found."""
    (tmp_path / "leak.bin").write_bytes(b"xx" + canary("Probe").encode("utf-16-le"))
    assert _leaks([tmp_path], [canary("Probe")]) != []


def test_no_canary_of_the_exchange_reaches_disk_in_plaintext(make_journal: Callable[..., Journal], tmp_path: Path,
                                                            private_tmp: Path) -> None:
    """Both journals of a linked pair, and the bundles between them: every shared text only sealed or encrypted."""
    from exchange_world import link
    from pairjournal.model import ShareScope
    from pairjournal.sharing import consent, requests

    world = link(make_journal, tmp_path / "pair")
    markers = [canary(f) for f in ("PartnerShared", "PartnerAction", "ForCoordinator", "CardName", "Agreement")]
    world.bo.add_takeaway(world.bo_pair.id, markers[0], scope=ShareScope.PARTNER)
    world.bo.complete_action(world.bo.add_action(world.bo_pair.id, markers[1], scope=ShareScope.PARTNER).id,
                             evidence=markers[1])
    asked = world.bo.add_takeaway(world.bo_pair.id, markers[2], scope=ShareScope.COORDINATOR)
    from pairjournal.sharing import identity

    identity.set_name(world.bo, markers[3])
    world.bo.new_agreement_version(world.bo_pair.id, confidentiality=markers[4])
    world.send(world.bo, world.ana)
    requests.approve(world.ana, asked.id)
    world.send(world.ana, world.bo)
    assert consent.status(world.bo, world.bo.get(Takeaway, asked.id)) is consent.Status.CONSENTED
    assert world.ana.search(markers[0])  # searchable, in memory
    folders = [tmp_path / "pair", private_tmp]
    assert list((tmp_path / "pair").glob("*.age"))  # the bundles are scanned too
    assert _leaks(folders, markers) == []

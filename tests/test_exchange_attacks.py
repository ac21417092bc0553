"""The partner exchange under attack: what a dishonest author, a dishonest partner or an unlucky
user could make of it. Each test is a way it was broken once; two real journals each time."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from exchange_world import Linked, link
from pairjournal.cli import cli as root
from pairjournal.journal import Journal
from pairjournal.sharing import bundles, export, identity, requests
from pairjournal.sharing.summary import default_period


@pytest.fixture
def pair(make_journal: Callable[..., Journal], tmp_path: Path) -> Linked:
    return link(make_journal, tmp_path / "pair")


def _export(journal: Journal, pair_id: str, fmt: str) -> bytes:
    start, end = default_period(None, None)
    return export.prepare(journal, journal.pair(pair_id), start, end, fmt).data


def _verify_cli(path: Path, *expect: str) -> Any:
    args = ["verify", str(path)]
    for fingerprint in expect:
        args += ["--expect", fingerprint]
    return CliRunner().invoke(root, args, catch_exceptions=False)


def _approve_all(world: Linked) -> None:
    world.send(world.ana, world.bo)
    for request in world.bo.consent_requests(pending_only=True):
        requests.approve(world.bo, request.item_id)
    world.send(world.bo, world.ana)


def test_an_agreement_signed_by_a_key_not_expected_is_not_called_signed_by_both(
        make_journal: Callable[..., Journal], tmp_path: Path) -> None:
    """Ana links her pair to a second journal of her own and signs the agreement with both:
    `verify --expect ANA --expect BO` must not say that both partners signed it."""
    real_bo = make_journal(tmp_path / "real-bo.pairjournal")
    fake = link(make_journal, tmp_path / "fake")  # "bo" here is a journal Ana made herself
    pair_id = fake.ana_pair.id
    fake.ana.new_agreement_version(pair_id, confidentiality="what is said stays here")
    today = default_period(None, None)[1]
    bundles.sign_ack_now(fake.ana, fake.ana.agreement(pair_id), today)
    fake.send(fake.ana, fake.bo)
    bundles.sign_ack_now(fake.bo, fake.bo.agreement(fake.bo_pair.id), today)
    fake.send(fake.bo, fake.ana)
    out = tmp_path / "summary.json"
    out.write_bytes(_export(fake.ana, pair_id, "json"))
    assert json.loads(out.read_bytes())["payload"]["agreement"]["signed_by_both"] is not None
    ana_fp, bo_fp = identity.mine(fake.ana).fingerprint, identity.mine(real_bo).fingerprint
    result = _verify_cli(out, ana_fp, bo_fp)
    assert result.exit_code == 11, result.output
    assert "signed by both" not in result.stdout
    # With the key that really signed it expected, it is what it says.
    assert _verify_cli(out, ana_fp, identity.mine(fake.bo).fingerprint).exit_code == 0

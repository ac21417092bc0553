"""The partner exchange under attack: what a dishonest author, a dishonest partner or an unlucky
user could make of it. Each test is a way it was broken once; two real journals each time."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from msgspec.structs import replace

from exchange_world import Linked, link
from pairjournal.cli import cli as root
from pairjournal.errors import UsageError
from pairjournal.journal import Journal
from pairjournal.model import ShareScope, Takeaway
from pairjournal.sharing import bundles, cards, export, identity, receipts, requests, signing
from pairjournal.sharing.summary import default_period
from test_exchange import _script, _script_run


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
    # The script docs/EXPORT.md gives for checking without pairjournal agrees.
    script = _script(tmp_path)
    refused = _script_run(script, out, ana_fp, bo_fp)
    assert refused.returncode != 0 and "did not expect" in refused.stderr
    assert _script_run(script, out, ana_fp, identity.mine(fake.bo).fingerprint).returncode == 0


def test_after_a_relink_an_export_still_verifies_and_old_receipts_are_not_the_new_keys(
        pair: Linked, make_journal: Callable[..., Journal], tmp_path: Path) -> None:
    """Bo starts a new journal; Ana relinks. Receipts his old key signed cannot be checked against the
    key the export names, so they no longer count as his signed consent: the items wait for new ones."""
    made = pair.ana.add_takeaway(pair.ana_pair.id, "approved by the old journal", scope=ShareScope.COORDINATOR)
    pair.ana.new_agreement_version(pair.ana_pair.id, confidentiality="what is said stays here")
    today = default_period(None, None)[1]
    bundles.sign_ack_now(pair.ana, pair.ana.agreement(pair.ana_pair.id), today)
    _approve_all(pair)
    bundles.sign_ack_now(pair.bo, pair.bo.agreement(pair.bo_pair.id), today)
    pair.send(pair.bo, pair.ana)
    assert json.loads(_export(pair.ana, pair.ana_pair.id, "json"))["payload"]["agreement"]["signed_by_both"]
    new_bo = make_journal(tmp_path / "new-bo.pairjournal")
    identity.set_name(new_bo, "Bo Lee")
    pair.ana.link_partner(pair.ana_pair.id, cards.parse_card(cards.make_card(new_bo)), verified=True, relink=True)
    out = tmp_path / "after-relink.json"
    out.write_bytes(_export(pair.ana, pair.ana_pair.id, "json"))
    result = _verify_cli(out, identity.mine(pair.ana).fingerprint, identity.mine(new_bo).fingerprint)
    assert result.exit_code == 0, result.output
    payload = json.loads(out.read_bytes())["payload"]
    assert all(t["consent"]["by"] != "partner" for t in payload["takeaways"])
    assert payload["agreement"]["signed_by_both"] is None  # the new journal has not signed it yet
    # The next bundle asks the new journal for its receipt.
    bundle = bundles.prepare(pair.ana, pair.ana_pair)
    assert f"request:{made.id}" in bundle.entries


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_a_page_cannot_add_words_around_the_words_a_receipt_covers(pair: Linked, fmt: str) -> None:
    pair.ana.add_takeaway(pair.ana_pair.id, "Bo taught me prompting", scope=ShareScope.COORDINATOR)
    _approve_all(pair)
    key = signing.ensure_key(pair.ana)
    mark = signing.MD_FENCE if fmt == "md" else signing.HTML_MARK
    data = _export(pair.ana, pair.ana_pair.id, fmt)
    body = data[: data.rfind(mark.encode())].decode()
    assert receipts.consent_of(data, signing.verify_bytes(data, f"s.{fmt}")) is not None
    for changed in ("Bo taught me prompting, badly, and nothing else",
                    "Never said: Bo taught me prompting"):
        forged = signing.sign_text(key, fmt, body.replace("Bo taught me prompting", changed))
        with pytest.raises(receipts.BadReceipt, match="does not show the text"):
            receipts.consent_of(forged, signing.verify_bytes(forged, f"s.{fmt}"))


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_a_page_cannot_label_an_unapproved_item_as_signed_by_the_partner(pair: Linked, fmt: str) -> None:
    pair.ana.add_takeaway(pair.ana_pair.id, "Bo taught me prompting", scope=ShareScope.COORDINATOR)
    _approve_all(pair)
    key = signing.ensure_key(pair.ana)
    mark = signing.MD_FENCE if fmt == "md" else signing.HTML_MARK
    data = _export(pair.ana, pair.ana_pair.id, fmt)
    body = data[: data.rfind(mark.encode())].decode()
    # The author copies the approved item's block and puts other words in the copy.
    lines = body.split("\n")
    at = next(n for n, line in enumerate(lines) if "Bo taught me prompting" in line)
    block = lines[at:at + 2] if fmt == "md" else lines[at:at + 1]
    extra = [line.replace("Bo taught me prompting", "Bo is often late") for line in block]
    forged = signing.sign_text(key, fmt, "\n".join(lines[:at] + block + extra + lines[at + len(block):]))
    with pytest.raises(receipts.BadReceipt):
        receipts.consent_of(forged, signing.verify_bytes(forged, f"s.{fmt}"))


def test_one_partners_card_links_to_one_active_pair(pair: Linked) -> None:
    """A bundle names no pair: with the same card on two active pairs, one pair's bundle would
    land in the other. The second link is refused, and the first pair keeps its link."""
    second = pair.ana.add_pair("Bo Lee (again)", "mentee")
    card = cards.parse_card(cards.make_card(pair.bo))
    with pytest.raises(UsageError, match="already linked to your pair with Bo Lee"):
        pair.ana.link_partner(second.id, card, verified=True)
    assert pair.ana.partner_link(second.id) is None
    assert pair.ana.partner_link(pair.ana_pair.id) is not None
    # Once the first pair has ended, the card may start a new pair.
    pair.ana.end_pair(pair.ana_pair.id)
    assert pair.ana.link_partner(second.id, card, verified=True).pair_id == second.id


def test_an_answer_about_another_pairs_item_is_ignored(make_journal: Callable[..., Journal], tmp_path: Path) -> None:
    """Bo may know the id of an item in Ana's pair with Cy (an id once seen in a shared export):
    his approval in his own bundle must not give it his consent."""
    world = link(make_journal, tmp_path / "pair")
    cy_pair = world.ana.add_pair("Cy Park", "mentee")
    other = world.ana.add_takeaway(cy_pair.id, "OTHER-PAIR-SECRET", scope="coordinator")
    mine = world.ana.add_takeaway(world.ana_pair.id, "shared with Bo's consent", scope="coordinator")
    world.send(world.ana, world.bo)
    request = next(r for r in world.bo.consent_requests(pending_only=True) if r.item_id == mine.id)
    requests.approve(world.bo, request.item_id)
    # Bo's journal is his: he rewrites his stored answer to name the other pair's item, with a
    # receipt he signs for its exact bytes (say he learned them from an export he was shown).
    answer = world.bo.consent_request(request.item_id)
    sha = world.ana.outbound_digest(other)
    body = receipts.statement(item=other.id, kind="takeaway", sha256=sha, author=answer.author,
                              coordinator=answer.coordinator, on=default_period(None, None)[1])
    world.bo.save(replace(answer, item_id=other.id, sha256=sha, receipt=receipts.sign_receipt(world.bo, body)))
    arrived = world.send(world.bo, world.ana)
    assert world.ana.get(Takeaway, other.id).partner_consent is None
    assert any("not an item of this pair" in line for line in arrived.lines)

"""The partner exchange: two real journals, linked by cards, exchanging bundles; receipts in exports.

Every rejection the issue names is here: a wrong key, a wrong recipient, a
replay, an older bundle, tampering of each part, truncation, a receipt for
other bytes and a receipt moved to another item. Each refused bundle leaves the
receiving journal exactly as it was.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from exchange_world import COORDINATOR, Linked, link
from pairjournal.canonical import canonical_json
from pairjournal.cli import cli as root
from pairjournal.errors import PairjournalError, UsageError
from pairjournal.journal import Journal, KdfParams
from pairjournal.journal.core import PartnersItem
from pairjournal.model import Decision, ShareScope
from pairjournal.sharing import bundles, cards, consent, export, identity, receipts, requests, signing
from pairjournal.sharing.summary import default_period

PASSPHRASE = "correct horse battery staple"


@pytest.fixture
def pair(make_journal: Callable[..., Journal], tmp_path: Path) -> Linked:
    return link(make_journal, tmp_path / "pair")


def _state(journal: Journal) -> dict[str, int]:
    journal.refresh()
    return journal._versions


def _coordinator_takeaway(world: Linked, text: str) -> str:
    made = world.ana.add_takeaway(world.ana_pair.id, text, scope=ShareScope.COORDINATOR)
    return made.id


def _approve_all(world: Linked) -> None:
    world.send(world.ana, world.bo)
    for request in world.bo.consent_requests(pending_only=True):
        requests.approve(world.bo, request.item_id)
    world.send(world.bo, world.ana)


def _export(journal: Journal, pair_id: str, fmt: str, *, pseudonymize: bool = False) -> bytes:
    start, end = default_period(None, None)
    found = journal.pair(pair_id)
    return export.prepare(journal, found, start, end, fmt, pseudonymize=pseudonymize).data


def _verify(data: bytes, fmt: str) -> receipts.ConsentReport | None:
    found = signing.verify_bytes(data, f"summary.{fmt}")
    return receipts.consent_of(data, found)


# -- the flow, domain level --------------------------------------------------------------------------


def test_shared_items_requests_and_receipts_travel_both_ways(pair: Linked) -> None:
    shared = pair.ana.add_takeaway(pair.ana_pair.id, "Demos beat slides", scope=ShareScope.PARTNER)
    asked = _coordinator_takeaway(pair, "Bo taught me prompting")
    private = pair.ana.add_takeaway(pair.ana_pair.id, "PRIVATE-ONLY-MINE")
    arrived = pair.send(pair.ana, pair.bo)
    assert arrived.counts == {"item": 2, "request": 1}
    theirs = {i.item_id: i for i in pair.bo.partner_items(pair.bo_pair.id)}
    assert set(theirs) == {shared.id, asked}
    assert private.id not in theirs
    request = pair.bo.consent_request(asked[:8])
    assert requests.content_of(request)["text"] == "Bo taught me prompting"
    assert request.sha256 == pair.ana.outbound_digest(pair.ana.get(consent.Takeaway, asked))
    requests.approve(pair.bo, asked[:8])
    pair.send(pair.bo, pair.ana)
    item = pair.ana.get(consent.Takeaway, asked)
    assert consent.status(pair.ana, item) is consent.Status.CONSENTED
    assert item.partner_consent is not None and item.partner_consent.receipt is not None
    report = _verify(_export(pair.ana, pair.ana_pair.id, "json"), "json")
    assert report is not None
    assert [(line.id, line.by) for line in report.lines] == [(asked, "partner")]
    assert report.partner_keys == {identity.mine(pair.bo).fingerprint}


def test_an_edit_after_the_receipt_makes_the_item_pending_and_keeps_it_out(pair: Linked) -> None:
    asked = _coordinator_takeaway(pair, "first wording")
    _approve_all(pair)
    pair.ana.edit_takeaway(asked, "SECOND-WORDING never approved")
    consent.set_scope(pair.ana, asked, ShareScope.COORDINATOR)  # my consent for the new text
    item = pair.ana.get(consent.Takeaway, asked)
    assert consent.status(pair.ana, item) is consent.Status.PENDING
    for fmt in export.FORMATS:
        assert b"SECOND-WORDING" not in _export(pair.ana, pair.ana_pair.id, fmt)
    _approve_all(pair)  # the new bytes are asked for, and approved
    assert b"SECOND-WORDING" in _export(pair.ana, pair.ana_pair.id, "json")


def test_a_decline_keeps_the_item_out_and_is_shown(pair: Linked) -> None:
    asked = _coordinator_takeaway(pair, "DECLINED-TEXT")
    pair.send(pair.ana, pair.bo)
    requests.decline(pair.bo, asked)
    arrived = pair.send(pair.bo, pair.ana)
    assert arrived.counts == {"declined": 1}
    [row] = [r for r in consent.overview(pair.ana) if r.id == asked]
    assert row.declined and row.status is consent.Status.PENDING
    assert b"DECLINED-TEXT" not in _export(pair.ana, pair.ana_pair.id, "json")


def test_an_approval_can_still_be_declined_after_the_receipt_arrived(pair: Linked) -> None:
    asked = _coordinator_takeaway(pair, "APPROVED-THEN-DECLINED")
    _approve_all(pair)
    assert b"APPROVED-THEN-DECLINED" in _export(pair.ana, pair.ana_pair.id, "json")
    # Ana's next bundle, sent while she holds Bo's receipt, withdraws nothing.
    arrived = pair.send(pair.ana, pair.bo)
    assert "withdraw" not in arrived.counts
    [request] = pair.bo.consent_requests(pair.bo_pair.id)
    assert request.item_id == asked and not request.withdrawn and request.decision is Decision.APPROVED
    requests.decline(pair.bo, asked[:8])
    assert pair.send(pair.bo, pair.ana).counts == {"declined": 1}
    item = pair.ana.get(consent.Takeaway, asked)
    assert consent.status(pair.ana, item) is consent.Status.PENDING
    for fmt in export.FORMATS:
        assert b"APPROVED-THEN-DECLINED" not in _export(pair.ana, pair.ana_pair.id, fmt)


def test_withdrawing_reaches_the_partner(pair: Linked) -> None:
    shared = pair.ana.add_takeaway(pair.ana_pair.id, "for Bo", scope=ShareScope.PARTNER)
    asked = _coordinator_takeaway(pair, "for Carla")
    pair.send(pair.ana, pair.bo)
    pair.send(pair.bo, pair.ana)  # Bo confirms having bundle 1
    consent.set_scope(pair.ana, shared.id, ShareScope.PRIVATE)
    consent.withdraw(pair.ana, asked)
    arrived = pair.send(pair.ana, pair.bo)
    assert arrived.counts["unshare"] == 2 and arrived.counts["withdraw"] == 1
    assert pair.bo.partner_items(pair.bo_pair.id) == []
    assert pair.bo.consent_requests(pair.bo_pair.id) == []


def test_a_lost_bundle_costs_nothing_and_confirmed_entries_are_not_resent(pair: Linked) -> None:
    pair.ana.add_takeaway(pair.ana_pair.id, "one", scope=ShareScope.PARTNER)
    pair.write(pair.ana)  # lost on the way
    second = pair.write(pair.ana)
    assert bundles.read(pair.bo, second).counts == {"item": 1}
    pair.send(pair.bo, pair.ana)  # confirms bundle 2
    assert bundles.prepare(pair.ana, pair.ana_pair).entries == {}


def test_applying_the_same_entries_again_changes_nothing(pair: Linked) -> None:
    pair.ana.add_takeaway(pair.ana_pair.id, "one", scope=ShareScope.PARTNER)
    _coordinator_takeaway(pair, "two")
    pair.send(pair.ana, pair.bo)
    before = {k: v for k, v in _state(pair.bo).items()}
    again = pair.send(pair.ana, pair.bo)  # bundle 2 carries the same unconfirmed entries
    assert again.lines == []
    changed = {k for k, v in _state(pair.bo).items() if before.get(k) != v}
    assert changed == {pair.bo.partner_link(pair.bo_pair.id).id}  # only the sequence number moved


# -- every rejection ---------------------------------------------------------------------------------


def _refused(journal: Journal, data: bytes, error: type[Exception], tmp_path: Path, *, words: str = "") -> str:
    before = _state(journal)
    path = tmp_path / f"refused-{len(os.listdir(tmp_path))}.age"
    path.write_bytes(data)
    with pytest.raises(error) as caught:
        bundles.read(journal, path)
    assert _state(journal) == before
    message = str(caught.value)
    assert "\n" not in message and words in message
    return message


def test_a_bundle_signed_by_an_unlinked_key_is_refused(pair: Linked, make_journal: Callable[..., Journal],
                                                      tmp_path: Path) -> None:
    other = link(make_journal, tmp_path / "other", ana=pair.ana, ana_pair=pair.ana.add_pair("Cleo", "mentor"))
    # Cleo's journal is linked to Ana, but Ana's pair with Bo pins Bo's key: a bundle from Cleo
    # names Ana's "Cleo" pair. Unlink it, and the same bundle is from a key nobody linked.
    data = other.write(other.bo).read_bytes()
    pair.ana.delete(pair.ana.partner_link(other.ana_pair.id))
    message = _refused(pair.ana, data, bundles.UnknownSender, tmp_path, words="no pair of yours is linked")
    assert identity.mine(other.bo).fingerprint in message


def test_a_bundle_for_someone_else_does_not_open(pair: Linked, make_journal: Callable[..., Journal],
                                                tmp_path: Path) -> None:
    stranger = make_journal(tmp_path / "stranger.pairjournal")
    _refused(stranger, pair.write(pair.bo).read_bytes(), bundles.BundleRefused, tmp_path,
             words="does not open with this journal's key")


def _inner(world: Linked, receiver: Journal, data: bytes) -> dict[str, Any]:
    opened = identity.decrypt(receiver, data)
    assert opened is not None
    found: dict[str, Any] = json.loads(opened)
    return found


def _reseal(receiver: Journal, document: dict[str, Any]) -> bytes:
    return identity.encrypt(canonical_json(document), identity.mine(receiver).age_recipient)


def test_a_bundle_naming_another_recipient_is_refused(pair: Linked, tmp_path: Path) -> None:
    document = _inner(pair, pair.ana, pair.write(pair.bo).read_bytes())
    payload = document["payload"]
    payload["to"] = "0000 1111 2222 3333 4444 5555 6666 7777"
    key = signing.ensure_key(pair.bo)  # Bo signs it again: only the recipient is wrong
    document["signature"] = signing.b64(signing.sign_message(key, bundles.CONTEXT + canonical_json(payload)))
    _refused(pair.ana, _reseal(pair.ana, document), bundles.BundleRefused, tmp_path, words="made for another journal")


def test_a_replayed_or_older_bundle_is_refused(pair: Linked, tmp_path: Path) -> None:
    pair.bo.add_takeaway(pair.bo_pair.id, "one", scope=ShareScope.PARTNER)
    first = pair.write(pair.bo)
    second = pair.write(pair.bo)
    bundles.read(pair.ana, second)
    assert "was already read" in _refused(pair.ana, second.read_bytes(), bundles.BundleReplayed, tmp_path)
    assert "is older than the newest one read" in _refused(pair.ana, first.read_bytes(), bundles.BundleReplayed,
                                                           tmp_path)


def test_tampering_with_any_part_or_cutting_it_short_is_refused(pair: Linked, tmp_path: Path) -> None:
    pair.bo.add_takeaway(pair.bo_pair.id, "one", scope=ShareScope.PARTNER)
    data = pair.write(pair.bo).read_bytes()
    header_end = data.index(b"\n---") + 1
    places = {
        "the header's recipient stanza": data.index(b"X25519") + 10,
        "the header's MAC": header_end + 6,
        "the payload nonce": data.index(b"\n", header_end) + 3,
        "the payload ciphertext": len(data) - 40,
        "the last tag": len(data) - 1,
    }
    for at in places.values():
        changed = bytearray(data)
        changed[at] ^= 0x01
        _refused(pair.ana, bytes(changed), (bundles.BundleRefused, bundles.NotABundle), tmp_path)  # type: ignore[arg-type]
    for cut in (1, 17, len(data) // 2):
        _refused(pair.ana, data[:-cut], bundles.BundleRefused, tmp_path)
    assert bundles.read(pair.ana, _write(tmp_path, data)).seq == 1  # the intact bundle still reads


def _write(folder: Path, data: bytes) -> Path:
    path = folder / "intact.age"
    path.write_bytes(data)
    return path


def test_changed_signed_contents_are_refused_even_when_encrypted_to_me(pair: Linked, tmp_path: Path) -> None:
    """My age recipient is public: anyone can encrypt to me, so the signature is what counts."""
    pair.bo.add_takeaway(pair.bo_pair.id, "ORIGINAL", scope=ShareScope.PARTNER)
    document = _inner(pair, pair.ana, pair.write(pair.bo).read_bytes())
    entries = document["payload"]["entries"]
    for change in ("text", "seq", "signature", "reorder"):
        copy = json.loads(json.dumps(document))
        if change == "text":
            copy["payload"]["entries"][0]["text"] = "FORGED"
        elif change == "seq":
            copy["payload"]["seq"] = 99
        elif change == "signature":
            raw = bytearray(base64.b64decode(copy["signature"]))
            raw[0] ^= 1
            copy["signature"] = base64.b64encode(bytes(raw)).decode()
        else:
            copy["payload"]["entries"] = [*entries, {**entries[0], "item": "b" * 32}][::-1]
        _refused(pair.ana, _reseal(pair.ana, copy), bundles.BundleRefused, tmp_path, words="signature")
    assert pair.ana.partner_items() == []


def test_a_bundle_confirming_bundles_never_written_is_refused(pair: Linked, tmp_path: Path) -> None:
    document = _inner(pair, pair.ana, pair.write(pair.bo).read_bytes())
    document["payload"]["ack"] = 5
    key = signing.ensure_key(pair.bo)
    document["signature"] = signing.b64(signing.sign_message(key, bundles.CONTEXT
                                                             + canonical_json(document["payload"])))
    _refused(pair.ana, _reseal(pair.ana, document), bundles.BundleRefused, tmp_path, words="you wrote 0")


def test_not_a_bundle_a_fifo_and_a_huge_file_are_refused_at_once(pair: Linked, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not a pairjournal bundle"):
        bundles.open_bundle(pair.ana, b"hello")
    fifo = tmp_path / "bundle.fifo"
    os.mkfifo(fifo)
    with pytest.raises(UsageError, match="FIFO"):
        bundles.read(pair.ana, fifo)
    huge = tmp_path / "huge.age"
    with huge.open("wb") as fh:
        fh.truncate(bundles.BUNDLE_LIMIT + 1)
    with pytest.raises(UsageError, match="larger than"):
        bundles.read(pair.ana, huge)
    with pytest.raises(UsageError, match="FIFO"):
        cards.read_card(fifo)


# -- receipts in exports -------------------------------------------------------------------------------


def _resign(journal: Journal, payload: dict[str, Any]) -> bytes:
    return signing.sign_json(signing.ensure_key(journal), payload)


def test_a_receipt_for_other_bytes_or_moved_to_another_item_fails_verify(pair: Linked) -> None:
    first = _coordinator_takeaway(pair, "first approved")
    second = _coordinator_takeaway(pair, "second approved")
    _approve_all(pair)
    payload = json.loads(_export(pair.ana, pair.ana_pair.id, "json"))["payload"]
    assert [t["consent"]["by"] for t in payload["takeaways"]] == ["partner", "partner"]
    # The author (who signs the export) changes an approved text: the receipt no longer fits.
    other = json.loads(json.dumps(payload))
    other["takeaways"][0]["text"] = "something the partner never saw"
    with pytest.raises(receipts.BadReceipt, match="other bytes"):
        _verify(_resign(pair.ana, other), "json")
    # Or moves one item's receipt onto the other.
    moved = json.loads(json.dumps(payload))
    moved["takeaways"][1]["consent"] = moved["takeaways"][0]["consent"]
    with pytest.raises(receipts.BadReceipt, match="another item"):
        _verify(_resign(pair.ana, moved), "json")
    # Or claims a partner receipt signed with a key of its own.
    forged = json.loads(json.dumps(payload))
    body = json.loads(forged["takeaways"][0]["consent"]["receipt"]["statement"])
    fake = receipts.sign_receipt(pair.ana, body)
    forged["takeaways"][0]["consent"]["receipt"] = receipts.receipt_json(fake)
    with pytest.raises(receipts.BadReceipt, match="another key"):
        _verify(_resign(pair.ana, forged), "json")
    assert {first, second} == {t["id"] for t in payload["takeaways"]}


def test_markdown_and_html_carry_the_receipts_and_verify_checks_them(pair: Linked) -> None:
    _coordinator_takeaway(pair, "approved by Bo")
    _approve_all(pair)
    bo = identity.mine(pair.bo).fingerprint
    for fmt in ("md", "html"):
        data = _export(pair.ana, pair.ana_pair.id, fmt)
        assert f"consent signed by the partner (fingerprint {bo})".encode() in data
        report = _verify(data, fmt)
        assert report is not None and [line.by for line in report.lines] == ["partner"]


def test_a_page_must_show_the_words_its_receipts_cover(pair: Linked) -> None:
    _coordinator_takeaway(pair, "APPROVED-WORDS by Bo")
    _approve_all(pair)
    key = signing.ensure_key(pair.ana)
    for fmt, mark in (("md", signing.MD_FENCE), ("html", signing.HTML_MARK)):
        data = _export(pair.ana, pair.ana_pair.id, fmt)
        body = data[: data.rfind(mark.encode())].decode()
        assert body.count("APPROVED-WORDS") == 1  # the page shows it once; the consent line holds it in base64
        # The author re-renders the page with other words, keeps the consent line, and signs it again.
        forged = signing.sign_text(key, fmt, body.replace("APPROVED-WORDS", "OTHER-WORDS"))
        with pytest.raises(receipts.BadReceipt, match="does not show the text"):
            _verify(forged, fmt)


def test_the_label_counts_as_a_label_only(pair: Linked) -> None:
    _coordinator_takeaway(pair, "We agreed every item needs consent signed by the partner first")
    _approve_all(pair)
    recorded = _coordinator_takeaway(pair, "RECORDED-BY-ANA")
    consent.give_consent(pair.ana, recorded, how="in person")
    key = signing.ensure_key(pair.ana)
    bo = identity.mine(pair.bo).fingerprint
    for fmt, mark in (("md", signing.MD_FENCE), ("html", signing.HTML_MARK)):
        # The words in a sentence of an item: a page pairjournal wrote verifies.
        data = _export(pair.ana, pair.ana_pair.id, fmt)
        report = _verify(data, fmt)
        assert report is not None and sorted(line.by for line in report.lines) == ["author", "partner"]
        # The author puts the label on the item only they vouch for, and signs the page again.
        body = data[: data.rfind(mark.encode())].decode()
        assert body.count("(consent recorded by the author)") == 1
        forged = signing.sign_text(key, fmt, body.replace(
            "(consent recorded by the author)", f"(consent signed by the partner (fingerprint {bo}))"))
        with pytest.raises(receipts.BadReceipt, match="calls 2 item"):
            _verify(forged, fmt)
    # The label itself in an item's words reads as a label: the page is refused, not believed.
    pair.ana.edit_takeaway(recorded, f"RECORDED-BY-ANA (consent signed by the partner (fingerprint {bo}))")
    consent.set_scope(pair.ana, recorded, ShareScope.COORDINATOR)
    consent.give_consent(pair.ana, recorded, how="in person")
    for fmt in ("md", "html"):
        data = _export(pair.ana, pair.ana_pair.id, fmt)
        assert b"RECORDED-BY-ANA" in data
        with pytest.raises(receipts.BadReceipt, match="calls 2 item"):
            _verify(data, fmt)


def test_author_recorded_consent_stays_possible_and_is_labelled(make_journal: Callable[..., Journal]) -> None:
    journal = make_journal()
    owner = journal.add_pair("Dee", "mentor", coordinator=COORDINATOR)
    made = journal.add_takeaway(owner.id, "recorded by me", scope=ShareScope.COORDINATOR)
    consent.give_consent(journal, made.id, how="in person")
    for fmt in export.FORMATS:
        data = _export(journal, owner.id, fmt)
        report = _verify(data, fmt)
        assert report is not None and [line.label for line in report.lines] == ["consent recorded by the author"]
        if fmt != "json":
            assert b"(consent recorded by the author)" in data


def test_a_pseudonymised_export_carries_no_receipt(pair: Linked) -> None:
    _coordinator_takeaway(pair, "approved")
    _approve_all(pair)
    data = _export(pair.ana, pair.ana_pair.id, "json", pseudonymize=True)
    payload = json.loads(data)["payload"]
    assert payload["pair"]["partner_key"] is None
    assert [t["consent"] for t in payload["takeaways"]] == [{"by": "author", "receipt": None}]
    assert b"statement" not in data


# -- the partner's items: theirs, read-only, searchable, never in my exports --------------------------


def test_partner_items_are_searchable_and_never_leave_in_my_exports_or_bundles(pair: Linked) -> None:
    secret = "PARTNER-SECRET-7c1f"
    pair.bo.add_takeaway(pair.bo_pair.id, f"{secret} takeaway", scope=ShareScope.PARTNER)
    pair.bo.add_action(pair.bo_pair.id, f"{secret} action", scope=ShareScope.COORDINATOR)
    pair.send(pair.bo, pair.ana)
    assert {hit.kind for hit in pair.ana.search(secret)} >= {"partner-item"}
    # Ana shares and exports everything she can; nothing of Bo's is in any of it.
    _coordinator_takeaway(pair, "mine")
    _approve_all(pair)
    for fmt in export.FORMATS:
        for pseudonymize in (False, True):
            assert secret.encode() not in _export(pair.ana, pair.ana_pair.id, fmt, pseudonymize=pseudonymize)
    back = identity.decrypt(pair.bo, pair.write(pair.ana).read_bytes())
    assert back is not None and secret.encode() not in back


def _run(journal: Path, *args: str) -> Any:
    env = {"PAIRJOURNAL_PASSPHRASE": PASSPHRASE, "PAIRJOURNAL_JOURNAL": str(journal)}
    return CliRunner().invoke(root, list(args), env=env, catch_exceptions=False)


def test_every_edit_and_delete_of_a_partner_item_is_refused_in_one_line(pair: Linked) -> None:
    theirs = [
        pair.bo.add_takeaway(pair.bo_pair.id, "their takeaway", scope=ShareScope.PARTNER).id,
        pair.bo.add_action(pair.bo_pair.id, "their action", scope=ShareScope.PARTNER).id,
    ]
    pair.send(pair.bo, pair.ana)
    path = pair.ana.path
    pair.ana.close()
    verbs = [
        ("takeaway", "edit", "{id}", "new"), ("takeaway", "delete", "{id}", "--yes"), ("action", "edit", "{id}",
        "--text", "x"), ("action", "done", "{id}"), ("action", "drop", "{id}"), ("action", "reopen", "{id}"),
        ("action", "delete", "{id}", "--yes"), ("share", "{id}", "coordinator"), ("consent", "give", "{id}", "--how",
        "in person"), ("consent", "withdraw", "{id}"), ("consent", "show", "{id}"),
    ]
    for item_id in theirs:
        for verb in verbs:
            result = _run(path, *(part.format(id=item_id[:8]) for part in verb))
            assert result.exit_code == 2, (verb, result.output)
            lines = result.stderr.strip().splitlines()
            assert len(lines) == 1 and "your partner's" in lines[0] and "read-only" in lines[0], (verb, lines)
    with Journal.open(path, PASSPHRASE) as reopened:
        assert {i.item_id for i in reopened.partner_items()} == set(theirs)
        with pytest.raises(PartnersItem):
            reopened.edit_takeaway(theirs[0], "no")


# -- cards and linking ----------------------------------------------------------------------------------


def test_a_changed_card_is_refused(pair: Linked, make_journal: Callable[..., Journal]) -> None:
    card = json.loads(cards.make_card(pair.bo))
    stranger = make_journal(pair.folder / "stranger.pairjournal")
    for change in ("name", "age_recipient", "signing_key"):
        copy = json.loads(json.dumps(card))
        copy["card"][change] = {"name": "Mallory", "age_recipient": identity.mine(stranger).age_recipient,
                                "signing_key": identity.mine(stranger).signing_key_b64}[change]
        with pytest.raises(cards.ForgedCard):
            cards.parse_card(signing.pretty_json(copy))
    copy = dict(card, fingerprint=identity.mine(stranger).fingerprint)
    with pytest.raises(cards.ForgedCard):
        cards.parse_card(signing.pretty_json(copy))
    with pytest.raises(cards.BadCard):
        cards.parse_card(b'{"not": "a card"}')


def test_relinking_to_a_changed_key_needs_confirmation_and_is_recorded(pair: Linked,
                                                                      make_journal: Callable[..., Journal]) -> None:
    new_bo = make_journal(pair.folder / "bo-new.pairjournal")
    identity.set_name(new_bo, "Bo Lee")
    keys = cards.parse_card(cards.make_card(new_bo))
    with pytest.raises(UsageError, match="relink explicitly"):
        pair.ana.link_partner(pair.ana_pair.id, keys, verified=True)
    old = pair.ana.partner_link(pair.ana_pair.id).partner.fingerprint
    relinked = pair.ana.link_partner(pair.ana_pair.id, keys, verified=True, relink=True)
    assert relinked.partner.fingerprint == keys.fingerprint
    assert [(r.old_fingerprint, r.new_fingerprint) for r in relinked.relinks] == [(old, keys.fingerprint)]


# -- the living charter ------------------------------------------------------------------------------------


def test_each_partner_signs_the_agreement_and_a_change_needs_both_again(pair: Linked) -> None:
    from pairjournal.journal import charter

    pair.ana.new_agreement_version(pair.ana_pair.id, confidentiality="what is said stays here")
    with pytest.raises(UsageError, match="linked"):
        pair.ana.acknowledge(pair.ana.agreement(pair.ana_pair.id), partner=default_period(None, None)[1])
    bundles.sign_ack_now(pair.ana, pair.ana.agreement(pair.ana_pair.id), default_period(None, None)[1])
    arrived = pair.send(pair.ana, pair.bo)
    assert arrived.counts == {"agreement": 1, "ack": 1}
    mine, theirs = pair.ana.agreement(pair.ana_pair.id), pair.bo.agreement(pair.bo_pair.id)
    assert theirs is not None and theirs.from_partner and theirs.partner_ack is not None
    assert charter.agreement_hash(theirs) == charter.agreement_hash(mine)
    assert charter.changed(charter.diff(None, theirs))  # Bo sees what he signs
    bundles.sign_ack_now(pair.bo, theirs, default_period(None, None)[1])
    pair.send(pair.bo, pair.ana)
    signed = pair.ana.agreement(pair.ana_pair.id)
    assert charter.signed_by_both(signed)
    payload = json.loads(_export(pair.ana, pair.ana_pair.id, "json"))["payload"]
    assert payload["agreement"]["signed_by_both"]["version"] == signed.version
    report = _verify(signing.sign_json(signing.ensure_key(pair.ana), payload), "json")
    assert report is not None and "signed by both" in report.agreement
    forged = json.loads(json.dumps(payload))
    forged["agreement"]["signed_by_both"]["sha256"] = "0" * 64
    with pytest.raises(receipts.BadReceipt, match="acknowledgements"):
        _verify(_resign(pair.ana, forged), "json")
    # A new version (Bo's) needs both signatures again.
    pair.bo.new_agreement_version(pair.bo_pair.id, scope="only the tools we chose")
    pair.send(pair.bo, pair.ana)
    latest = pair.ana.agreement(pair.ana_pair.id)
    assert latest.from_partner and not charter.signed_by_both(latest)
    assert json.loads(_export(pair.ana, pair.ana_pair.id, "json"))["payload"]["agreement"]["signed_by_both"] is None


# -- the whole flow through the CLI -------------------------------------------------------------------


def test_two_journals_through_the_cli(tmp_path: Path) -> None:
    ana, bo = tmp_path / "ana.pairjournal", tmp_path / "bo.pairjournal"
    for path, partner, role in ((ana, "Bo", "mentee"), (bo, "Ana", "mentor")):
        Journal.create(path, PASSPHRASE, KdfParams.cheap()).close()
        assert _run(path, "pair", "add", partner, "--role", role, "--coordinator", COORDINATOR).exit_code == 0
    assert _run(ana, "card", "--name", "Ana Souza", "--out", str(tmp_path / "ana.card")).exit_code == 0
    made = _run(bo, "card", "--name", "Bo Lee")
    (tmp_path / "bo.card").write_text(made.stdout)
    assert "Fingerprint (read it aloud" in made.stderr
    refused = _run(ana, "partner", "link", "--pair", "Bo", str(tmp_path / "bo.card"))  # not compared: no terminal
    assert refused.exit_code == 2 and "nothing was linked" in refused.stderr
    assert _run(ana, "partner", "link", "--pair", "Bo", str(tmp_path / "bo.card"), "--verified").exit_code == 0
    assert _run(bo, "partner", "link", "--pair", "Ana", str(tmp_path / "ana.card"), "--verified").exit_code == 0
    assert _run(ana, "takeaway", "add", "--pair", "Bo", "Demos beat slides", "--share", "coordinator").exit_code == 0
    assert _run(ana, "takeaway", "add", "--pair", "Bo", "Only for Bo", "--share", "partner").exit_code == 0
    out = _run(ana, "exchange", "out", "--pair", "Bo", "--out", str(tmp_path / "1.age"))
    assert out.exit_code == 0 and "Wrote bundle 1" in out.stdout
    arrived = _run(bo, "exchange", "in", str(tmp_path / "1.age"))
    assert arrived.exit_code == 0 and "consent request" in arrived.stdout
    listed = _run(bo, "consent", "requests")
    assert "Demos beat slides" in listed.stdout and "sha256" in listed.stdout
    item_id = listed.stdout.split("]")[0].strip("[")
    assert _run(bo, "partner", "items", "--pair", "Ana").stdout.count("\n") == 2
    assert _run(bo, "consent", "approve", item_id).exit_code == 0
    assert _run(bo, "exchange", "out", "--pair", "Ana", "--out", str(tmp_path / "2.age")).exit_code == 0
    assert _run(ana, "exchange", "in", str(tmp_path / "2.age")).exit_code == 0
    replay = _run(ana, "exchange", "in", str(tmp_path / "2.age"))
    assert replay.exit_code == 12 and len(replay.stderr.strip().splitlines()) == 1
    wrong = _run(ana, "exchange", "in", str(tmp_path / "1.age"))  # my own bundle, made for Bo
    assert wrong.exit_code == 10 and "nothing was applied" in wrong.stderr
    assert _run(ana, "export", "--pair", "Bo", "--format", "json", "--out", str(tmp_path / "s.json")).exit_code == 0
    fingerprints = [_run(p, "fingerprint").stdout.strip() for p in (ana, bo)]
    verified = _run(ana, "verify", str(tmp_path / "s.json"), "--expect", fingerprints[0], "--expect", fingerprints[1])
    assert verified.exit_code == 0, verified.output
    assert f"consent signed by the partner (fingerprint {fingerprints[1]})" in verified.stdout
    only_author = _run(ana, "verify", str(tmp_path / "s.json"), "--expect", fingerprints[0])
    assert only_author.exit_code == 11 and "partner's fingerprint" in only_author.stderr
    shown = _run(ana, "partner", "show", "--pair", "Bo")
    assert "compared directly" in shown.stdout and "you wrote 1" in shown.stdout


def test_cli_refusals_are_one_line(tmp_path: Path) -> None:
    path = tmp_path / "solo.pairjournal"
    Journal.create(path, PASSPHRASE, KdfParams.cheap()).close()
    _run(path, "pair", "add", "Dee", "--role", "mentor")
    for args in (("exchange", "out", "--pair", "Dee"), ("card",), ("partner", "link", "--pair", "Dee",
                 str(tmp_path / "missing.card"), "--verified"), ("exchange", "in", str(tmp_path / "none.age")),
                 ("consent", "approve", "abcd")):
        result = _run(path, *args)
        assert result.exit_code == 2, (args, result.output)
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output


# -- the standard age tool opens a bundle ------------------------------------------------------------------


def test_the_age_command_line_tool_opens_a_bundle(pair: Linked, tmp_path: Path) -> None:
    age = shutil.which("age")
    if age is None:
        pytest.skip("the age command-line tool is not installed here (apt-get install age, or filippo.io/age); "
                    "tests/test_age_format.py reads bundles with an independent age reader instead")
    pair.bo.add_takeaway(pair.bo_pair.id, "opened by age", scope=ShareScope.PARTNER)
    bundle = pair.write(pair.bo)
    key = tmp_path / "ana.key"
    key.write_text(pair.ana.exchange_identity().age_secret + "\n")
    key.chmod(0o600)
    opened = subprocess.run([age, "--decrypt", "-i", str(key), str(bundle)], capture_output=True, check=True)
    assert json.loads(opened.stdout)["payload"]["entries"][0]["text"] == "opened by age"
    # And the other way: a file age encrypts to Ana's recipient opens with her journal's identity.
    plain = tmp_path / "plain.txt"
    plain.write_text("hello")
    sealed = subprocess.run([age, "-r", identity.mine(pair.ana).age_recipient, str(plain)], capture_output=True,
                            check=True).stdout
    assert identity.decrypt(pair.ana, sealed) == b"hello"


def test_errors_are_pairjournal_errors() -> None:
    for error in (bundles.BundleRefused, bundles.BundleReplayed, bundles.UnknownSender, receipts.BadReceipt,
                  cards.ForgedCard, cards.BadCard):
        assert issubclass(error, PairjournalError)
    assert Decision.APPROVED.value == "approved"


# -- the stand-alone script in docs/EXPORT.md checks receipts too ---------------------------------------


def _script(tmp_path: Path) -> Path:
    text = (Path(__file__).resolve().parents[1] / "docs" / "EXPORT.md").read_text()
    script = tmp_path / "check.py"
    script.write_text(text.split("```python\n")[-1].split("\n```")[0])
    return script


def _script_run(script: Path, path: Path, *expect: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(script), str(path), *expect], capture_output=True, text=True,
                          timeout=60)


def test_the_documented_script_checks_every_receipt(pair: Linked, tmp_path: Path) -> None:
    _coordinator_takeaway(pair, "first approved")
    _coordinator_takeaway(pair, "second approved")
    _approve_all(pair)
    script = _script(tmp_path)
    ana, bo = identity.mine(pair.ana).fingerprint, identity.mine(pair.bo).fingerprint
    for fmt in export.FORMATS:
        path = tmp_path / f"summary.{fmt}"
        path.write_bytes(_export(pair.ana, pair.ana_pair.id, fmt))
        ok = _script_run(script, path, ana, bo)
        assert ok.returncode == 0, ok.stderr
        assert ok.stdout.count(f"consent signed by the partner (fingerprint {bo})") == 2
        assert _script_run(script, path, ana).returncode != 0  # the receipts' key was not expected
    payload = json.loads(_export(pair.ana, pair.ana_pair.id, "json"))["payload"]
    payload["takeaways"][1]["consent"] = payload["takeaways"][0]["consent"]
    moved = tmp_path / "moved.json"
    moved.write_bytes(_resign(pair.ana, payload))
    refused = _script_run(script, moved, ana, bo)
    assert refused.returncode != 0 and "does not hold" in refused.stderr

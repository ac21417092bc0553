"""The Exchange screen: two real linked journals, driven through the interface (pilot and snapshot).

The snapshot's journals have fixed keys, ids and dates, so what it shows (the
fingerprint, the request's exact text and hash) is the same at every run.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Input, Static

from exchange_world import Linked, link
from pairjournal.journal import Journal
from pairjournal.model import (
    ActionItem,
    Decision,
    ExchangeIdentity,
    Pair,
    Role,
    ShareScope,
    SigningKey,
    Takeaway,
)
from pairjournal.sharing import bundles, cards, consent, identity
from pairjournal.tui.screens.exchange import ExchangeScreen
from pairjournal.tui.widgets.dialogs import AskText, ConfirmDialog
from tui_host import TODAY, HostApp

ANA_AGE = "AGE-SECRET-KEY-1ERC6VMSZPHEXJK38EELYVGEZ422M2L9T7KW7NVVU66Q74HSYWHAQD4Z7ZP"
BO_AGE = "AGE-SECRET-KEY-1P605F8KJJXQV85LNK0EV8EALUFRCGH06AANCM42E7E3Y0NRV782S097R7Z"
AT = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)


def _fixed(journal: Journal, seed: int, age_secret: str, name: str) -> None:
    journal.save(SigningKey(private_key=base64.b64encode(bytes([seed]) * 32).decode(), created=AT, id=f"{seed:032x}"))
    journal.save(ExchangeIdentity(age_secret=age_secret, name=name, created=AT, id=f"{seed + 1:032x}"))


def fixed_world(make_journal: Callable[..., Journal], folder: Path) -> Linked:
    """Ana and Bo with fixed keys and ids; Bo has shared two items and asked for one approval."""
    folder.mkdir(parents=True, exist_ok=True)
    ana = make_journal(folder / "ana.pairjournal")
    _fixed(ana, 10, ANA_AGE, "Ana Souza")
    ana_pair = ana.save(Pair(name="Bo Lee", role=Role.MENTEE, coordinator="Carla Mendes", start=date(2026, 1, 12),
                             created=AT, id="a" * 32))
    bo = make_journal(folder / "bo.pairjournal")
    _fixed(bo, 20, BO_AGE, "Bo Lee")
    bo_pair = bo.save(Pair(name="Ana Souza", role=Role.MENTOR, coordinator="Carla Mendes", start=date(2026, 1, 12),
                           created=AT, id="b" * 32))
    world = link(make_journal, folder, ana=ana, ana_pair=ana_pair, bo=bo, bo_pair=bo_pair)
    bo.save(Takeaway(pair_id=world.bo_pair.id, text="Ana's questions made me slow down", scope=ShareScope.PARTNER,
                     created=AT, id="b1" + "0" * 30))
    bo.save(ActionItem(pair_id=world.bo_pair.id, text="Send Ana the prompt guide", due=date(2026, 3, 25),
                       scope=ShareScope.PARTNER, created=AT, id="b2" + "0" * 30))
    bo.save(Takeaway(pair_id=world.bo_pair.id, text="Short demos land better than slides", created=AT,
                     id="b3" + "0" * 30))
    consent.set_scope(bo, "b3" + "0" * 30, ShareScope.COORDINATOR, on=date(2026, 3, 16))
    world.send(bo, ana)
    return world


@pytest.fixture
def world(make_journal: Callable[..., Journal], tmp_path: Path) -> Linked:
    return fixed_world(make_journal, tmp_path / "pair")


def _app(world: Linked) -> HostApp:
    return HostApp(world.ana, lambda: ExchangeScreen(world.ana_pair.id))


def _text(app: HostApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_approve_write_and_read_through_the_screen(world: Linked, tmp_path: Path) -> None:
    app = _app(world)
    async with app.run_test(size=(100, 34)) as pilot:
        await pilot.pause()
        assert "Short demos land better than slides" in _text(app, "#exchange-request-body")
        assert "sha256" in _text(app, "#exchange-request-body")
        assert app.screen.query_one("#exchange-items", DataTable).row_count == 3
        await pilot.press("a")
        await pilot.pause()
        [request] = world.ana.consent_requests()
        assert request.decision is Decision.APPROVED and request.receipt is not None
        # Write a bundle: the dialog suggests a name; give it one in the test folder.
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, AskText)
        out = tmp_path / "to-bo.age"
        app.screen.query_one(Input).value = str(out)
        await pilot.press("enter")
        await pilot.pause()
        assert out.exists() and "Wrote bundle 1" in _text(app, "#exchange-arrived")
        # Bo reads it: his item now carries Ana's receipt and may leave.
        bundles.read(world.bo, out)
        theirs = world.bo.get(Takeaway, "b3" + "0" * 30)
        assert consent.status(world.bo, theirs) is consent.Status.CONSENTED
        # Bo shares something new; Ana reads his bundle through the screen.
        world.bo.add_takeaway(world.bo_pair.id, "Pairing on the dashboard worked", scope=ShareScope.PARTNER)
        back = world.write(world.bo)
        await pilot.press("r")
        await pilot.pause()
        app.screen.query_one(Input).value = str(back)
        await pilot.press("enter")
        await pilot.pause()
        assert "Read bundle 2 from Bo Lee" in _text(app, "#exchange-arrived")
        assert app.screen.query_one("#exchange-items", DataTable).row_count == 4
        # The same file again is refused in one line, and nothing changes.
        await pilot.press("r")
        await pilot.pause()
        app.screen.query_one(Input).value = str(back)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.query_one("#exchange-items", DataTable).row_count == 4


async def test_linking_a_card_shows_its_fingerprint_and_asks(make_journal: Callable[..., Journal],
                                                            tmp_path: Path) -> None:
    ana = make_journal(tmp_path / "ana.pairjournal")
    bo = make_journal(tmp_path / "bo.pairjournal")
    pair = ana.add_pair("Bo", "mentee")
    identity.set_name(bo, "Bo Lee")
    card = tmp_path / "bo.card"
    card.write_bytes(cards.make_card(bo))
    app = HostApp(ana, lambda: ExchangeScreen(pair.id))
    async with app.run_test(size=(100, 34)) as pilot:
        await pilot.pause()
        assert "Not linked" in _text(app, "#exchange-link")
        await pilot.press("l")
        await pilot.pause()
        app.screen.query_one(Input).value = str(card)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        fingerprint = identity.mine(bo).fingerprint
        assert fingerprint in app.screen.detail
        await pilot.press("n")  # not compared yet: nothing is linked
        await pilot.pause()
        assert ana.partner_link(pair.id) is None
        await pilot.press("l")
        await pilot.pause()
        app.screen.query_one(Input).value = str(card)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert ana.partner_link(pair.id) is not None
        assert fingerprint in _text(app, "#exchange-link")


def test_exchange_narrow(snap_compare: Any, make_journal: Callable[..., Journal], tmp_path: Path) -> None:
    world = fixed_world(make_journal, tmp_path / "pair")
    assert snap_compare(HostApp(world.ana, lambda: ExchangeScreen(world.ana_pair.id), today=TODAY),
                        terminal_size=(80, 24))


def test_exchange_wide(snap_compare: Any, make_journal: Callable[..., Journal], tmp_path: Path) -> None:
    world = fixed_world(make_journal, tmp_path / "pair")
    assert snap_compare(HostApp(world.ana, lambda: ExchangeScreen(world.ana_pair.id), today=TODAY),
                        terminal_size=(160, 50))


async def test_the_partners_words_are_shown_literally_never_as_markup(world: Linked) -> None:
    """What arrives in a bundle is the partner's text: brackets in it are not Textual markup (an
    unbalanced closing tag would stop the screen; a link tag would make their words a link)."""
    tricky = "[/oops] [link=https://example.com]click[/link] [b]not bold"
    world.bo.add_takeaway(world.bo_pair.id, tricky, scope=ShareScope.PARTNER)
    world.send(world.bo, world.ana)
    app = _app(world)
    async with app.run_test(size=(120, 34)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#exchange-items", DataTable)
        shown = [getattr(cell, "plain", cell) for cell in (table.get_row_at(n)[2] for n in range(table.row_count))]
        assert tricky in shown
        app.screen.refresh()
        await pilot.pause()  # rendered without a markup error

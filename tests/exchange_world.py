"""Two real journals of one pair, linked by their cards: the partner exchange's test world.

Ana (the mentee) and Bo (the mentor) each keep their own journal in the test's
temporary folder, with cheap but real key derivation. Everything goes through
the same calls the CLI makes: cards, linking, bundles written to files and read
back, so each test sees the files a person would send.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import count
from pathlib import Path

from pairjournal.journal import Journal
from pairjournal.model import Pair
from pairjournal.sharing import bundles, cards, identity

COORDINATOR = "Carla Mendes"
_files = count(1)


@dataclass
class Linked:
    ana: Journal
    bo: Journal
    ana_pair: Pair  # Ana's pair with Bo, in Ana's journal
    bo_pair: Pair  # Bo's pair with Ana, in Bo's journal
    folder: Path

    def send(self, sender: Journal, receiver: Journal) -> bundles.Arrived:
        return bundles.read(receiver, self.write(sender))

    def write(self, sender: Journal) -> Path:
        pair = self.ana_pair if sender is self.ana else self.bo_pair
        path = self.folder / f"bundle-{next(_files)}.age"
        bundles.write(sender, pair, path)
        return path

    def pair_of(self, journal: Journal) -> Pair:
        return self.ana_pair if journal is self.ana else self.bo_pair


def link(make_journal: Callable[..., Journal], folder: Path, *, coordinator: str = COORDINATOR,
         ana: Journal | None = None, ana_pair: Pair | None = None, bo: Journal | None = None,
         bo_pair: Pair | None = None) -> Linked:
    folder.mkdir(parents=True, exist_ok=True)
    ana = ana or make_journal(folder / "ana.pairjournal")
    bo = bo or make_journal(folder / "bo.pairjournal")
    ana_pair = ana_pair or ana.add_pair("Bo Lee", "mentee", coordinator=coordinator)
    bo_pair = bo_pair or bo.add_pair("Ana Souza", "mentor", coordinator=coordinator)
    identity.set_name(ana, "Ana Souza")
    identity.set_name(bo, "Bo Lee")
    ana.link_partner(ana_pair.id, cards.parse_card(cards.make_card(bo)), verified=True)
    bo.link_partner(bo_pair.id, cards.parse_card(cards.make_card(ana)), verified=True)
    return Linked(ana, bo, ana_pair, bo_pair, folder)

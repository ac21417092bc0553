"""The interface's places: the table every way of going somewhere reads.

The home screen's keys and footer, the app's ``open_destination`` and the
command palette all read ``DESTINATIONS``. It names screen modules as strings,
so this module imports no screen, and the palette can list the places without
importing the screens package (which imports the palette).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PairArg = Literal["required", "optional", "none"]


@dataclass(frozen=True)
class Destination:
    name: str
    module: str  # under pairjournal.tui.screens
    cls: str
    title: str  # in the command palette
    label: str  # in the footer, short
    help: str
    key: str  # the home screen's key for it
    pair: PairArg  # how the screen takes the selected pair: pair_id=...
    footer: bool = True  # whether home's footer shows its key (the palette and help always list it)


DESTINATIONS: dict[str, Destination] = {
    d.name: d
    for d in (
        Destination("agreement", "agreement", "AgreementScreen", "Agreement", "Agreement",
                    "The pair's agreement: objectives, norms, versions", "g", "required"),
        Destination("actions", "actions", "ActionsScreen", "Actions", "Actions",
                    "Every action item: filter, mark done with evidence", "o", "optional"),
        Destination("reflections", "reflections", "ReflectionsScreen", "Reflections", "Reflect",
                    "Prompts waiting and your private reflections", "r", "optional"),
        Destination("search", "search", "SearchScreen", "Search", "Search",
                    "Full-text search across the whole journal", "slash", "none"),
        Destination("settings", "settings", "SettingsScreen", "Settings", "Settings",
                    "Theme, auto-lock and passphrase", "comma", "none", footer=False),
        Destination("export", "export", "ExportScreen", "Export for the coordinator", "Export",
                    "A consented summary for the coordinator", "e", "optional"),
        Destination("history", "history", "HistoryScreen", "Session history", "History",
                    "The pair's sessions: open, correct or delete one", "h", "required"),
        Destination("archive", "archive", "ArchiveScreen", "Archive", "Archive",
                    "Pairs that ended: their history, agreement and exports", "v", "none", footer=False),
        Destination("disclosures", "disclosures", "DisclosuresScreen", "Disclosures", "Disclosures",
                    "Everything you have exported, and to whom", "d", "none", footer=False),
        Destination("exchange", "exchange", "ExchangeScreen", "Partner exchange", "Exchange",
                    "Link your partner's card, write and read bundles, answer their consent requests", "x",
                    "required"),
    )
}

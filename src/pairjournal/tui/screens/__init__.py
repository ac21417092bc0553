"""The interface's screens, and the table of places the keyboard can go.

Screens are imported only when first opened, so start-up pays for the unlock
screen alone. To wire in a new screen, add a Destination below: the home
screen's key and footer entry, the app's open_destination and the command
palette all read this table. A screen whose module is missing is reported as
"not available yet" instead of failing.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, Literal

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
                    "Theme, auto-lock and passphrase", "comma", "none"),
        Destination("export", "export", "ExportScreen", "Export for the coordinator", "Export",
                    "A consented summary for the coordinator", "e", "optional"),
        Destination("disclosures", "disclosures", "DisclosuresScreen", "Disclosures", "Disclosures",
                    "Everything you have exported, and to whom", "d", "none"),
    )
}


class ScreenNotAvailable(Exception):
    """The screen's module is not part of this build yet."""


def load_screen_class(destination: Destination) -> type[Any]:
    """Imports a destination's screen class on first use.

    Only the absence of the module itself means "not available"; an import error
    inside a present module is a bug and is left to surface.
    """
    full_name = f"{__name__}.{destination.module}"
    try:
        module = importlib.import_module(full_name)
    except ModuleNotFoundError as error:
        if error.name == full_name:
            raise ScreenNotAvailable(f"{destination.title} is not available yet") from None
        raise
    try:
        return getattr(module, destination.cls)  # type: ignore[no-any-return]
    except AttributeError:
        raise ScreenNotAvailable(f"{destination.title} is not available yet") from None


def make_screen(name: str, *, pair_id: str | None = None, **extra: Any) -> Any:
    """Builds the named destination's screen, giving it the pair when it takes one."""
    destination = DESTINATIONS[name]
    cls = load_screen_class(destination)
    if destination.pair == "required":
        if pair_id is None:
            raise ScreenNotAvailable(f"{destination.title} needs a pair: add one first (n)")
        return cls(pair_id=pair_id, **extra)
    if destination.pair == "optional":
        return cls(pair_id=pair_id, **extra)
    return cls(**extra)

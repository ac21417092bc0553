"""The interface's screens: the places the keyboard can go, and where each record lives.

Screens are imported only when first opened, so start-up pays for the unlock
screen alone. To wire in a new screen, add a Destination in
pairjournal.tui.places: the home screen's key and footer entry, the app's open_destination and the command
palette all read that table (pairjournal.tui.places). A screen whose module is missing is reported as
"not available yet" instead of failing.

``where_it_lives`` is the other half of routing: which screen shows a given
record in its own place (search and the detail screen's "Open where it lives").
Both import screen modules by name, when asked, so no screen module imports
another for the sake of going there.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pairjournal.tui.places import DESTINATIONS, Destination

if TYPE_CHECKING:
    from textual.screen import Screen

    from pairjournal.journal import Journal

class ScreenNotAvailable(Exception):
    """The screen's module is not part of this build yet."""


# A screen class, as far as making one goes: each takes its own arguments.
ScreenClass = Callable[..., "Screen[Any]"]


def _screen_class(module_name: str, class_name: str, title: str) -> ScreenClass:
    """Imports a screen class on first use.

    Only the absence of the module itself means "not available"; an import error
    inside a present module is a bug and is left to surface.
    """
    full_name = f"{__name__}.{module_name}"
    try:
        module = importlib.import_module(full_name)
    except ModuleNotFoundError as error:
        if error.name == full_name:
            raise ScreenNotAvailable(f"{title} is not available yet") from None
        raise
    cls: ScreenClass | None = getattr(module, class_name, None)
    if cls is None:
        raise ScreenNotAvailable(f"{title} is not available yet")
    return cls


def load_screen_class(destination: Destination) -> ScreenClass:
    return _screen_class(destination.module, destination.cls, destination.title)


def make_screen(name: str, *, pair_id: str | None = None, **extra: Any) -> Screen[Any]:
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


def _open(name: str, **arguments: Any) -> Screen[Any]:
    return load_screen_class(DESTINATIONS[name])(**arguments)


def where_it_lives(journal: Journal, entity: object) -> Screen[Any] | None:
    """A fresh screen that shows ``entity`` in its own place; None when it has none (or is there already)."""
    # Here, not at the top: this package is imported with the unlock screen, long before any record.
    from pairjournal.model import ActionItem, Agreement, ObjectiveProgress, Pair, Prompt, Reflection, Session, Takeaway

    match entity:
        case Session():
            return _screen_class("detail", "DetailScreen", "The session")(entity.id)
        case Takeaway() if entity.session_id and journal.find(entity.session_id) is not None:
            return _screen_class("detail", "DetailScreen", "The session")(entity.session_id)
        case ActionItem():
            return _open("actions", pair_id=entity.pair_id, select_id=entity.id)
        case Reflection():
            return _open("reflections", pair_id=entity.pair_id, reflection_id=entity.id)
        case Prompt():
            return _open("reflections", prompt_id=entity.id)
        case Agreement():
            return _open("agreement", pair_id=entity.pair_id, version=entity.version)
        case ObjectiveProgress():
            return _open("agreement", pair_id=entity.pair_id)
        case Pair():
            return _open("agreement", pair_id=entity.id)
    return None

__all__ = ["DESTINATIONS", "Destination", "ScreenNotAvailable", "load_screen_class", "make_screen", "where_it_lives"]

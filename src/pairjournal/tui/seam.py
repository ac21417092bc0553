"""The seam between the app and its screens: what a screen may ask of the app, and the one handle on it.

Screens, dialogs and the gate never reach into the concrete app. They ask a
``JournalHost`` (the Protocol below) through ``Hosted.host``, the one typed
handle, which every screen and dialog of ours mixes in (as Posting's screens
hold ``cast("Posting", self.app)``). ``PairJournalApp`` satisfies the Protocol
(app.py has mypy check it), and so do the small test hosts in tests/, so a
screen runs the same under either.

The other direction is here too: before it locks or quits, the app asks every
``Hosted`` screen to write what is still unsaved (``flush_pending``) and, when
a lock interrupts a dialog, to keep its draft (``save_draft``).

Cheap to import (the unlock screen needs it): the journal layer is named for
type checking only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol, cast, runtime_checkable

if TYPE_CHECKING:
    from textual.app import App

    from pairjournal.journal import Journal, KdfParams


class JournalLocked(RuntimeError):
    """A screen asked for the journal after the app had locked it (a bug: locking removes the screens)."""

    def __init__(self) -> None:
        super().__init__("the journal is locked")


@runtime_checkable
class JournalHost(Protocol):
    """What a screen may ask of the app."""

    @property
    def journal(self) -> Journal | None:
        """The unlocked journal; None while locked."""
        ...

    # The pair home last focused: what the palette's places and the home keys act on.
    selected_pair_id: str | None

    @property
    def kdf(self) -> KdfParams | None:
        """Key-derivation cost for a new journal (None: the vault's default); tests pass cheap ones."""
        ...

    @property
    def clock(self) -> Callable[[], float]:
        """Monotonic seconds, for timers; injectable so tests can move time."""
        ...

    def today(self) -> date: ...

    def now(self) -> datetime: ...

    # -- going places: the destinations in pairjournal.tui.screens ------------------------------

    def open_destination(self, name: str, *, pair_id: str | None = None, **extra: Any) -> bool: ...

    def start_session(self, pair_id: str | None = None) -> bool: ...

    def go_home(self) -> None: ...

    async def lock(self, notice: str = ...) -> None: ...

    # -- the gate: a journal unlocked or created, then home ---------------------------------------

    def attach_journal(self, journal: Journal) -> None: ...

    async def enter_journal(self) -> None: ...

    # -- settings the screens change ----------------------------------------------------------------

    def note_activity(self) -> None:
        """Counts as the person's activity for auto-lock, as a key press does."""
        ...

    def save_autolock(self, minutes: int) -> None: ...

    def apply_theme(self, name: str) -> bool: ...


class _Node(Protocol):
    """What the mixin needs of the class it is mixed into (a Textual screen)."""

    @property
    def app(self) -> App[Any]: ...


def _host(node: _Node) -> JournalHost:
    # The one cast in the interface: whichever app runs our screens satisfies JournalHost.
    return cast("JournalHost", node.app)


class Hosted:
    """Mixed into every screen and dialog of ours: the typed handle on the app, and the app's two asks."""

    @property
    def host(self: _Node) -> JournalHost:
        return _host(self)

    @property
    def journal(self: _Node) -> Journal:
        """The unlocked journal (screens exist only while it is unlocked)."""
        journal = _host(self).journal
        if journal is None:
            raise JournalLocked()
        return journal

    def today(self: _Node) -> date:
        return _host(self).today()

    def now(self: _Node) -> datetime:
        return _host(self).now()

    def flush_pending(self) -> None:
        """Writes any edit still waiting to be saved; the app calls this before it locks or quits."""

    def save_draft(self) -> str | None:
        """Before a lock: keeps what an unfinished form holds; returns what to tell the person, if anything."""
        return None

    def keeps_draft(self) -> bool:
        """Whether save_draft would keep something now: asked, nothing saved, before quitting asks first.
        Only a screen that can also lose typed text (lost_on_lock) needs to answer it."""
        return False

    def lost_on_lock(self) -> str | None:
        """After save_draft kept nothing: what a lock closing this screen loses, named for the person."""
        return None

    def holds_autolock(self) -> bool:
        """True while this screen must not be locked for being quiet (a live session before its planned end)."""
        return False


__all__ = ["Hosted", "JournalHost", "JournalLocked"]

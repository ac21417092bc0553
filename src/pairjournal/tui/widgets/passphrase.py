"""Choosing a new passphrase: the one form (first run and settings), with an honest strength hint.

No estimate of cracking time: length and variety are what we can judge, and
length matters most. Random words are the advice, because people remember them.

The one rule (the minimum length) is not this widget's: it lives beside the key
derivation and the vault enforces it on every path that sets a passphrase. The
form only shows it, from `pairjournal.journal` (imported when first needed, so the
unlock screen does not pay for the journal layer at start-up).
"""

from __future__ import annotations

import string
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

LEVELS = ("too-short", "weak", "fair", "strong")


@dataclass(frozen=True)
class Strength:
    level: str  # "too-short", "weak", "fair", "strong": also the hint widget's CSS class
    hint: str


def policy_minimum() -> int:
    from pairjournal.journal import MIN_PASSPHRASE_LENGTH

    return MIN_PASSPHRASE_LENGTH


def policy_problem(passphrase: str) -> str | None:
    """The journal's own verdict on a new passphrase: why it would be refused, or None."""
    from pairjournal.journal import passphrase_problem

    problem = passphrase_problem(passphrase)
    return None if problem is None else problem[:1].upper() + problem[1:] + "."


def passphrase_strength(passphrase: str) -> Strength:
    length = len(passphrase)
    if length == 0:
        return Strength("too-short", "Four or more random words make a strong passphrase you can remember.")
    minimum = policy_minimum()
    if length < minimum:
        return Strength("too-short", f"Too short: at least {minimum} characters ({length} so far).")
    kinds = sum(
        (
            any(c.islower() for c in passphrase),
            any(c.isupper() for c in passphrase),
            any(c.isdigit() for c in passphrase),
            any(c in string.punctuation or c.isspace() for c in passphrase),
        )
    )
    words = len(passphrase.split())
    if length >= 20 and (words >= 4 or kinds >= 3):
        return Strength("strong", "Strong: long and varied.")
    if length >= 14 and (words >= 3 or kinds >= 2):
        return Strength("fair", "Fair: a few more words would make it strong.")
    return Strength("weak", "Weak: longer is better than clever; try four random words.")


class NewPassphrase(Vertical):
    """The passphrase typed twice, with its strength beneath the first.

    Enter in the first field moves to the second; Enter in the second (or
    ``submit()``) checks both: the journal's rule, then that they match. It posts
    ``Chosen`` with the passphrase, or ``Refused`` with the reason to show, and
    puts the cursor where the fix goes.
    """

    DEFAULT_CSS = """
    NewPassphrase { height: auto; }
    """

    class Chosen(Message):
        def __init__(self, passphrase: str) -> None:
            super().__init__()
            self.passphrase = passphrase

    class Refused(Message):
        def __init__(self, reason: str) -> None:
            super().__init__()
            self.reason = reason

    def __init__(self, *, placeholder: str, hint_when_empty: bool, id: str | None = None) -> None:
        super().__init__(id=id)
        self._placeholder = placeholder
        self._hint_when_empty = hint_when_empty

    def compose(self) -> ComposeResult:
        yield Input(password=True, placeholder=self._placeholder, id="new-passphrase", classes="secret")
        yield Static("", id="strength", classes="strength")
        yield Input(password=True, placeholder="Type it again", id="repeat-passphrase", classes="secret")

    def on_mount(self) -> None:
        if self._hint_when_empty:
            self._show_strength("")

    @property
    def first(self) -> Input:
        return self.query_one("#new-passphrase", Input)

    @property
    def second(self) -> Input:
        return self.query_one("#repeat-passphrase", Input)

    def set_busy(self, busy: bool) -> None:
        self.first.disabled = busy
        self.second.disabled = busy

    def clear(self) -> None:
        self.first.value = ""
        self.second.value = ""

    @on(Input.Changed, "#new-passphrase")
    def _typed(self, event: Input.Changed) -> None:
        self._show_strength(event.value)

    def _show_strength(self, passphrase: str) -> None:
        strength = passphrase_strength(passphrase)
        hint = self.query_one("#strength", Static)
        hint.update(strength.hint if passphrase or self._hint_when_empty else "")
        for level in LEVELS:
            hint.set_class(level == strength.level, f"-{level}")

    @on(Input.Submitted, "#new-passphrase")
    def _first_entered(self, event: Input.Submitted) -> None:
        event.stop()
        self.screen.set_focus(self.second)

    @on(Input.Submitted, "#repeat-passphrase")
    def _second_entered(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    def submit(self) -> None:
        first, second = self.first.value, self.second.value
        problem = policy_problem(first)
        if problem is not None:
            self.screen.set_focus(self.first)
            self.post_message(self.Refused(problem))
            return
        if first != second:
            self.second.value = ""
            self.screen.set_focus(self.second)
            self.post_message(self.Refused("The two passphrases differ. Type the second one again."))
            return
        self.post_message(self.Chosen(first))


__all__ = ["LEVELS", "NewPassphrase", "Strength", "passphrase_strength", "policy_minimum", "policy_problem"]

"""An honest passphrase strength hint.

No estimate of cracking time: length and variety are what we can judge, and
length matters most. Random words are the advice, because people remember them.

The one rule (the minimum length) is not this widget's: it lives beside the key
derivation and the vault enforces it on every path that sets a passphrase. The
hint only shows it, from `pairjournal.journal` (imported when first needed, so the
unlock screen does not pay for the journal layer at start-up).
"""

from __future__ import annotations

import string
from dataclasses import dataclass


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

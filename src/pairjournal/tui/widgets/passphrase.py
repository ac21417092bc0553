"""An honest passphrase strength hint.

No estimate of cracking time: length and variety are what we can judge, and
length matters most. Random words are the advice, because people remember them.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

MIN_LENGTH = 8


@dataclass(frozen=True)
class Strength:
    level: str  # "too-short", "weak", "fair", "strong": also the hint widget's CSS class
    hint: str


def passphrase_strength(passphrase: str) -> Strength:
    length = len(passphrase)
    if length == 0:
        return Strength("too-short", "Four or more random words make a strong passphrase you can remember.")
    if length < MIN_LENGTH:
        return Strength("too-short", f"Too short: at least {MIN_LENGTH} characters ({length} so far).")
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

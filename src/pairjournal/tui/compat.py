"""Where the interface reaches into Textual's and Rich's internals: here only, each name tested.

Textual draws text that came from the journal (a partner's name, an imported
title, notes) by writing it to the terminal between its own escape sequences.
It removes only a few control characters (BEL, BS, VT, FF, CR) on the way; an
ESC in a title would reach the terminal and be obeyed: set its title, clear the
screen, move the cursor. There is no public hook for this, so the tables both
libraries translate text through when they make their text objects (Textual's
Content, Rich's Text) are extended, once, at start-up: every other control
character, DEL, the C1 controls and the bidirectional overrides become a visible
stand-in of the same length (so styles laid over the text stay in place). The
journal keeps the text exactly as written; only the screen shows it inertly.

tests/test_tui_inert.py proves both tables exist and that text drawn on screen
reaches the terminal without them.
"""

from __future__ import annotations

# Already removed by both libraries, and left to them: BEL, BS, VT, FF, CR.
_ALREADY_STRIPPED = {7, 8, 11, 12, 13}
_KEPT = {9, 10}  # tab and newline are layout, not commands
_REPLACEMENT = "\ufffd"


def inert_table() -> dict[int, str]:
    """Code point -> its visible stand-in, for everything a terminal could act on."""
    table: dict[int, str] = {}
    for code in range(0x20):
        if code not in _ALREADY_STRIPPED and code not in _KEPT:
            table[code] = chr(0x2400 + code)  # the Unicode control pictures: ␀ … ␛ … ␟
    table[0x7F] = "\u2421"  # ␡
    for code in (*range(0x80, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x2028, 0x2029):
        table[code] = _REPLACEMENT
    return table


_done = False


def make_text_inert() -> None:
    """Extends Textual's and Rich's control-code tables in place; safe to call again."""
    global _done
    if _done:
        return
    from rich import control as rich_control
    from textual import content as textual_content

    table = inert_table()
    for module in (textual_content, rich_control):
        module._CONTROL_STRIP_TRANSLATE.update(table)  # type: ignore[attr-defined]
    _done = True


__all__ = ["inert_table", "make_text_inert"]

"""A checkbox and a radio button whose state is a mark, not only a colour.

Textual draws the same character (X, ●) whether a toggle is on or off and tells
them apart by colour alone, which a colour-blind person, a monochrome terminal
or a low-contrast screen loses. These draw ✓ / ● when on and a blank when off.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Checkbox, RadioButton


class MarkedCheckbox(Checkbox):
    """A checkbox showing ✓ when ticked and a blank box when not."""

    def render(self) -> Content:
        # The character inside the box, chosen each time it is drawn (Textual's is one for both states).
        self.BUTTON_INNER = "✓" if self.value else " "
        return super().render()


class MarkedRadioButton(RadioButton):
    """A radio button showing ● when chosen and a blank circle when not."""

    def render(self) -> Content:
        self.BUTTON_INNER = "●" if self.value else " "
        return super().render()


__all__ = ["MarkedCheckbox", "MarkedRadioButton"]

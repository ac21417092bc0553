"""What can happen to a pair as a whole: correct its details, pause it, resume it, end it, delete it.

Pairs rotate: a pause stops sessions being expected (a holiday, a busy quarter),
ending archives the pair with every record kept. Each choice is one key; the
home screen carries it out (with its own confirmation where something is lost).
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content

from pairjournal.model import Pair, PairStatus
from pairjournal.tui.rows import MUTED, Row, field
from pairjournal.tui.widgets.dialogs import CANCEL, Dialog
from pairjournal.tui.widgets.document import Document

CHOICES = (
    ("e", "edit", "Edit the details", "Partner's name, roles, cadence, minutes, program, coordinator, dates."),
    ("p", "pause", "Pause the pair", "No session is expected, or counted as missed, until you resume."),
    ("r", "resume", "Resume the pair", "Sessions are expected again from today."),
    ("x", "end", "End the pair", "It moves to the archive, read-only, with every record kept; its exports still work."),
    ("delete", "delete", "Delete the pair", "It goes with every session, item and reflection (you type its name)."),
)


class PairMenu(Dialog[str]):
    """One key for each thing that can happen to the pair; answers with its name."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(key, f"choose('{name}')", label.split(" ")[0], id=f"pair_menu.{name}", tooltip=label)
          for key, name, label, _ in CHOICES),
        CANCEL,
    ]

    def __init__(self, pair: Pair) -> None:
        super().__init__(f"The pair with {pair.name}", "Press a key · Esc cancels", classes="pair-menu")
        self.pair = pair

    def _offered(self, name: str) -> bool:
        paused = self.pair.status is PairStatus.PAUSED
        return not ((name == "pause" and paused) or (name == "resume" and not paused))

    def compose_fields(self) -> ComposeResult:
        rows: list[Row] = []
        for key, name, label, detail in CHOICES:
            if self._offered(name):
                rows.append(field("del" if key == "delete" else key,
                                  Content.assemble((label, "bold"), "  ", (detail, MUTED)),
                                  label_width=5, label_style="bold $accent"))
        yield Document(rows, classes="pj-menu")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "choose" and parameters:
            return self._offered(str(parameters[0]))
        return True

    def action_choose(self, name: str) -> None:
        if self._offered(name):
            self.dismiss(name)


__all__ = ["PairMenu"]

"""What a live session has captured so far, line by line (presenters.captured_lines makes the lines)."""

from __future__ import annotations

from textual.containers import Vertical

from pairjournal.tui.widgets.plain import Plain


class CapturedList(Vertical):
    """Takeaways and actions of the session, each line shown exactly as written."""

    def show(self, lines: list[tuple[str, str]]) -> None:
        """(text, css class) lines, replacing what was shown."""
        self.remove_children()
        self.mount_all([Plain(text, classes=css) for text, css in lines])


__all__ = ["CapturedList"]

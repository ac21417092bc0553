"""What a live session has captured so far, line by line (presenters.captured_lines makes the lines).

Wide, a column of its own lists everything; at 80x24 a strip under the notes
shows the counts and the latest two, so what was just captured is always in
sight without scrolling.
"""

from __future__ import annotations

from textual.containers import Vertical
from textual.content import Content

from pairjournal.tui.widgets.plain import Plain, PlainStatic

STRIP_ITEMS = 2


class CapturedList(Vertical):
    """Takeaways and actions of the session, each line shown exactly as written."""

    def show(self, lines: list[tuple[str, str]]) -> None:
        """(text, css class) lines, replacing what was shown."""
        self.remove_children()
        self.mount_all([Plain(text, classes=css) for text, css in lines])


class CapturedStrip(PlainStatic):
    """The counts and the latest captures, in a few lines under the notes."""

    def show(self, lines: list[tuple[str, str]]) -> None:
        heads = [text for text, css in lines if css == "captured-head"]
        items = [text for text, css in lines if css == "captured-item"]
        summary = " · ".join(heads) if heads else "Nothing captured yet"
        shown = [Content.styled(f"Captured: {summary}", "bold $text-secondary")]
        width = max(10, self.size.width or 60)
        shown += [Content(text).truncate(width, ellipsis=True) for text in items[-STRIP_ITEMS:]]
        if not items:
            shown.append(Content.styled("ctrl+t a takeaway · ctrl+o an action", "$text-muted"))
        self.update(Content("\n").join(shown))


__all__ = ["CapturedList", "CapturedStrip"]

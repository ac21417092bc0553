"""Labels for text that came from the journal: shown exactly as written, never read as markup.

A takeaway like "use [draft] labels" must not turn into styling, or vanish.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import Label, Static


class Plain(Label):
    def __init__(self, content: Any = "", **kwargs: Any) -> None:
        kwargs.setdefault("markup", False)
        super().__init__(content, **kwargs)


class PlainStatic(Static):
    def __init__(self, content: Any = "", **kwargs: Any) -> None:
        kwargs.setdefault("markup", False)
        super().__init__(content, **kwargs)

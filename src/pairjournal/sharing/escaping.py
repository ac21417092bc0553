"""User text made inert in a Markdown or HTML export: shown literally, never obeyed.

One definition for rendering (export.py) and for checking that a Markdown or
HTML page shows the very text a consent receipt covers (receipts.py).
"""

from __future__ import annotations

import html
import re

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>&~|])")
_MD_LINE_START = re.compile(r"^([#+=\-])")
_MD_ORDERED = re.compile(r"^(\d+)([.)])")


def _md_line(line: str) -> str:
    line = _MD_SPECIAL.sub(r"\\\1", line.strip())
    line = _MD_LINE_START.sub(r"\\\1", line)
    return _MD_ORDERED.sub(r"\1\\\2", line)


def md_text(text: str, indent: str = "") -> str:
    """User text as CommonMark that shows literally: no markup, links or HTML get through."""
    lines = [_md_line(line) for line in text.splitlines() if line.strip()]
    return f"\n{indent}".join(lines) if lines else "(no text)"


def h(text: object) -> str:
    return html.escape(str(text), quote=True)


def h_text(text: str) -> str:
    lines = [h(line.strip()) for line in text.splitlines() if line.strip()]
    return "<br>".join(lines) if lines else "(no text)"


__all__ = ["h", "h_text", "md_text"]

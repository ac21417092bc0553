"""User text made inert in a Markdown or HTML export: shown literally, never obeyed.

One definition for rendering (export.py) and for checking that a Markdown or
HTML page shows the very text a consent receipt covers (receipts.py): the
escaping, and each exported item's block as a page shows it.
"""

from __future__ import annotations

import html
import re
from typing import Any

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


PARTNER_LABEL = "consent signed by the partner"
AUTHOR_LABEL = "consent recorded by the author"


def consent_label(entry: dict[str, Any], partner_fingerprint: str) -> str:
    """How the partner consented to an exported item, in the words verify uses."""
    if (entry.get("consent") or {}).get("by") == "partner":
        return f"{PARTNER_LABEL} (fingerprint {partner_fingerprint})"
    return AUTHOR_LABEL


def progress_line(entry: dict[str, Any]) -> str:
    return f"{entry['on']}, {entry['level'].replace('-', ' ')}"


def action_facts(entry: dict[str, Any]) -> str:
    facts = [f"owner: {entry['owner']}", f"status: {entry['status']}"]
    if entry["due"]:
        facts.append(f"due {entry['due']}")
    if entry["completed_on"]:
        facts.append(f"done {entry['completed_on']}")
    return ", ".join(facts)


def md_item(kind: str, entry: dict[str, Any], label: str) -> list[str]:
    """The lines a Markdown export shows for one item (an objective: its shared part)."""
    if kind == "objective":
        out = [md_text(entry["outcome"]), ""]
        if entry["evidence"]:
            out += [f"Evidence of success: {md_text(entry['evidence'])}", ""]
        if entry["timebox"]:
            out += [f"Timebox: {entry['timebox']}", ""]
        return [*out, f"({label})"]
    if kind == "action":
        out = [f"- {md_text(entry['text'], '  ')} ({action_facts(entry)})"]
        if entry["evidence"]:
            out.append(f"  Evidence: {md_text(entry['evidence'], '  ')}")
        return [*out, f"  ({label})"]
    head = progress_line(entry) if kind == "progress" else entry["on"]
    return [f"- {head}: {md_text(entry['text'], '  ')}", f"  ({label})"]


def html_item(kind: str, entry: dict[str, Any], label: str) -> list[str]:
    """The lines an HTML export shows for one item (an objective: its shared part)."""
    if kind == "objective":
        out = [f"<p>{h_text(entry['outcome'])}</p>"]
        if entry["evidence"]:
            out.append(f"<p>Evidence of success: {h_text(entry['evidence'])}</p>")
        if entry["timebox"]:
            out.append(f"<p>Timebox: {h(entry['timebox'])}</p>")
        return [*out, f'<p class="consent">({h(label)})</p>']
    consent = f'<br><span class="consent">({h(label)})</span>'
    if kind == "action":
        evidence = f"<br>Evidence: {h_text(entry['evidence'])}" if entry["evidence"] else ""
        return [f"<li>{h_text(entry['text'])} ({h(action_facts(entry))}){evidence}{consent}</li>"]
    head = progress_line(entry) if kind == "progress" else entry["on"]
    return [f"<li>{h(head)}: {h_text(entry['text'])}{consent}</li>"]


__all__ = ["AUTHOR_LABEL", "PARTNER_LABEL", "action_facts", "consent_label", "h", "h_text", "html_item", "md_item",
           "md_text", "progress_line"]

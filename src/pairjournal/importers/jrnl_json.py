"""The file ``jrnl --export json`` writes: the way out of an encrypted jrnl journal.

Shape: ``{"tags": {"@tag": count}, "entries": [{"date": "YYYY-MM-DD",
"time": "HH:MM", "title": ..., "body": ..., "tags": ["@tag"], "starred": bool}]}``.
Entries share their ids with the plain-text importer, so importing both the
text file and its export does not duplicate anything.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from pairjournal.importers import jrnl
from pairjournal.importers.common import ImportedEntry, ImportFormatError, ReadBudget, check_entry_date, unique_tags


def load_json(path: Path, raw: bytes, label: str | None = None) -> Any:
    """Parses JSON, naming the line and column of a syntax error."""
    name = label or str(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ImportFormatError(name, f"line {line}", "not UTF-8 text") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFormatError(name, f"line {exc.lineno} column {exc.colno}", f"not valid JSON ({exc.msg})") from None
    except RecursionError:  # [[[[... deeper than Python's stack
        raise ImportFormatError(name, "", "not usable JSON (nested too deeply)") from None
    except ValueError:  # a number of thousands of digits: Python refuses to convert it
        raise ImportFormatError(name, "", "not usable JSON (a number with thousands of digits)") from None


def entry_list(data: Any, name: str, what: str) -> list[Any]:
    entries = data.get("entries") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise ImportFormatError(name, "", f"not {what} (no \"entries\" list at the top level)")
    return entries


def text_field(item: dict[str, Any], key: str, name: str, where: str) -> str:
    value = item.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ImportFormatError(name, where, f'"{key}" should be text, found {type(value).__name__}')
    return value


def read(path: Path, problems: list[str], budget: ReadBudget | None = None) -> Iterator[ImportedEntry]:
    name = str(path)
    raw = (budget or ReadBudget()).read_file(path)
    entries = entry_list(load_json(path, raw), name, "a jrnl JSON export")
    for number, item in enumerate(entries, start=1):
        where = f"entry {number}"
        if not isinstance(item, dict):
            raise ImportFormatError(name, where, "an entry should be a JSON object")
        day = text_field(item, "date", name, where)
        clock = text_field(item, "time", name, where) or "00:00"
        try:
            moment = datetime.strptime(f"{day} {clock}", "%Y-%m-%d %H:%M")
        except ValueError:
            raise ImportFormatError(
                name, where, f'date {day!r} and time {clock!r} are not "YYYY-MM-DD" and "HH:MM"'
            ) from None
        check_entry_date(moment, name, where)
        title = text_field(item, "title", name, where).strip()
        body = text_field(item, "body", name, where).strip()
        tags = item.get("tags") or []
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise ImportFormatError(name, where, '"tags" should be a list of text')
        starred = item.get("starred", False)
        if not isinstance(starred, bool):
            raise ImportFormatError(name, where, '"starred" should be true or false')
        if not title and not body:
            problems.append(f"{where}: empty entry skipped")
            continue
        entry = jrnl.make_entry(jrnl.local(moment), title, body, starred, where)
        # The export's tag list reflects the user's own tagsymbols setting, so it wins.
        entry.tags = unique_tags(tags)
        yield entry


__all__ = ["entry_list", "load_json", "read", "text_field"]

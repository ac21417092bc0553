"""A folder of Markdown notes, Obsidian style: one note per ``.md`` file.

Date: the front matter's ``date:`` (or ``created:``), else a ``YYYY-MM-DD``
at the start of the file name, else the file's modification time (reported).
Title: front matter ``title:``, else the first ``# heading`` (taken out of the
body), else the file name. Tags: front matter ``tags:`` (``[a, b]``, a dash
list, or ``a, b``) plus inline ``#tags`` outside code and headings.

Front matter is read by hand: only flat ``key: value`` and list forms matter
here, and a YAML dependency would buy nothing for them.

Only what is inside the chosen folder is read: a note or folder that is a
symbolic link to somewhere outside it is refused by name (unless the person asks
for it with --follow-symlinks), so pointing the import at a folder of notes
cannot pull in ~/.ssh or /dev/zero through a link. Notes must be regular files
(a FIFO would block the import for ever), and every note counts against the
import's read budget.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from datetime import datetime, time
from pathlib import Path

from pairjournal.boundedio import kind_of
from pairjournal.importers.common import (
    ImportedEntry,
    ImportFormatError,
    ReadBudget,
    check_entry_date,
    unique_tags,
)
from pairjournal.importers.jrnl import local

SUFFIXES = {".md", ".markdown"}

_NAME_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?=$|[^\d])")
_KEY = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:[ \t]*(.*)$")
_LIST_ITEM = re.compile(r"^[ \t]+-[ \t]*(.*)$|^-[ \t]+(.*)$")
_H1 = re.compile(r"^#[ \t]+(.+?)[ \t#]*$")
_ANY_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_INLINE_CODE = re.compile(r"(`+).*?\1")
# Obsidian's tag: after whitespace or line start; letters, digits, _ - /; not only digits.
_TAG = re.compile(r"(?<!\S)#([\w/-]+)")
_TRUE = {"true", "yes", "on", "1"}


def _inside(target: Path, root: Path) -> bool:
    return target == root or root in target.parents


def _outside_link(link: Path, what: str) -> ImportFormatError:
    return ImportFormatError(
        link,
        "",
        f"is a symbolic link to {what} outside the folder being imported; nothing was imported "
        "(pass --follow-symlinks to import what it points to)",
    )


def notes_in(folder: Path, *, follow_symlinks: bool = False) -> tuple[list[Path], list[Path]]:
    """(notes, other files) under the folder in a stable order; hidden folders
    and files (.obsidian, .trash, .DS_Store) are not the user's notes and are left out.

    A note or folder linking outside the folder raises ImportFormatError unless
    follow_symlinks; a folder linking inside it is not walked twice (nor is any
    folder reached twice through links, so a loop of links ends). A note that is
    not a regular file (a FIFO, a device, a socket) raises ImportFormatError.
    """
    root = folder.resolve()
    notes: list[Path] = []
    others: list[Path] = []
    walked: set[Path] = set()
    for here, dirs, files in os.walk(folder, followlinks=follow_symlinks):
        real = Path(here).resolve()
        if real in walked:
            dirs[:] = []
            continue
        walked.add(real)
        kept = []
        for name in sorted(d for d in dirs if not d.startswith(".")):
            path = Path(here, name)
            if path.is_symlink():
                target = path.resolve()
                if not _inside(target, root) and not follow_symlinks:
                    raise _outside_link(path, "a folder")
                if not follow_symlinks:
                    continue  # a link within the folder: its notes are read where they really are
            kept.append(name)
        dirs[:] = kept
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = Path(here, name)
            is_note = path.suffix.lower() in SUFFIXES
            if is_note:
                if path.is_symlink() and not follow_symlinks and not _inside(path.resolve(), root):
                    raise _outside_link(path, "a file")
                try:
                    mode = os.stat(path).st_mode
                except OSError:  # a dangling link: nothing to read
                    others.append(path)
                    continue
                if not stat.S_ISREG(mode):
                    raise ImportFormatError(path, "", f"is {kind_of(mode)}, not a regular file; nothing was imported")
            (notes if is_note else others).append(path)
    return notes, others


def _scalar(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _inline_list(value: str) -> list[str]:
    value = value.strip()
    if value.startswith("[") and value.endswith("]"):
        value = value[1:-1]
    return [_scalar(v) for v in re.split(r"[,\s]+" if "," not in value else r",", value) if _scalar(v)]


def front_matter(lines: list[str], name: str) -> tuple[dict[str, str | list[str]], dict[str, int], int]:
    """(fields, the line number of each key, index of the first body line)."""
    if not lines or lines[0].strip() != "---":
        return {}, {}, 0
    fields: dict[str, str | list[str]] = {}
    line_of: dict[str, int] = {}
    key: str | None = None
    for index in range(1, len(lines)):
        line = lines[index]
        if line.strip() in ("---", "..."):
            return fields, line_of, index + 1
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        item = _LIST_ITEM.match(line)
        if item and key is not None:
            value = fields.get(key)
            bucket = value if isinstance(value, list) else []
            bucket.append(_scalar(item.group(1) if item.group(1) is not None else item.group(2)))
            fields[key] = bucket
            continue
        pair = _KEY.match(line)
        if pair:
            key = pair.group(1).lower()
            value = pair.group(2).strip()
            fields[key] = [] if not value else (_inline_list(value) if value.startswith("[") else _scalar(value))
            line_of[key] = index + 1
        elif not line[:1].isspace():
            key = None  # something we do not read (nested maps, block text): ignore it
    raise ImportFormatError(name, "line 1", "front matter opened with '---' is never closed")


def parse_date(value: str, name: str, line: int) -> datetime:
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ImportFormatError(
            name, f"line {line}", f"date {value!r} is not a date (use YYYY-MM-DD or YYYY-MM-DD HH:MM)"
        ) from None
    return local(check_entry_date(moment, name, f"line {line}"))


def inline_tags(body: str) -> list[str]:
    tags: list[str] = []
    fenced = False
    for line in body.split("\n"):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if fenced or _ANY_HEADING.match(line) or line.startswith(("    ", "\t")):
            continue
        for tag in _TAG.findall(_INLINE_CODE.sub(" ", line)):
            tag = tag.strip("/-")
            if tag and not tag.replace("/", "").replace("-", "").replace("_", "").isdigit():
                tags.append(tag)
    return tags


def _title_heading(lines: list[str]) -> tuple[str, int | None]:
    """The first level-one heading outside code, and its index."""
    fenced = False
    for index, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            heading = _H1.match(line.strip())
            if heading:
                return heading.group(1).strip(), index
    return "", None


def read_note(path: Path, label: str, problems: list[str], budget: ReadBudget | None = None) -> ImportedEntry | None:
    """One note; ``label`` (its path inside the folder) names it in reports and ids."""
    raw = (budget or ReadBudget()).read_file(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ImportFormatError(path, f"line {line}", "not UTF-8 text") from None
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    fields, line_of, start = front_matter(lines, str(path))
    lines = lines[start:]

    title = fields.get("title")
    title = title if isinstance(title, str) else ""
    if not title:
        heading, index = _title_heading(lines)
        if index is not None:
            title = heading
            del lines[index]
            if index < len(lines) and not lines[index].strip() and (index == 0 or not lines[index - 1].strip()):
                del lines[index]  # no double gap where the heading was
    body = "\n".join(lines).strip()
    if not body and not title:
        problems.append(f"{label}: empty note skipped")
        return None

    date_key = next((k for k in ("date", "created") if isinstance(fields.get(k), str) and fields[k]), None)
    name_date = _NAME_DATE.match(path.stem)
    if date_key is not None:
        created = parse_date(str(fields[date_key]), str(path), line_of[date_key])
    elif name_date:
        try:
            day = datetime(int(name_date[1]), int(name_date[2]), int(name_date[3]))
        except ValueError:
            raise ImportFormatError(path, "", f"the file name starts with an impossible date {name_date[0]}") from None
        check_entry_date(day, path, "its file name")
        created = local(datetime.combine(day.date(), time()))
    else:
        try:
            modified = datetime.fromtimestamp(path.stat().st_mtime)
        except (OverflowError, OSError, ValueError):
            raise ImportFormatError(
                path, "", "its modification time is not a date (set a date: in its front matter)"
            ) from None
        check_entry_date(modified, path, "its modification time")
        created = modified.astimezone().replace(microsecond=0)
        problems.append(f"{label}: no date in front matter or file name; dated by its modification time")
    if not title:
        rest = path.stem[name_date.end() :] if name_date else path.stem
        title = rest.strip(" -_")

    front_tags = fields.get("tags", fields.get("tag", []))
    if isinstance(front_tags, str):
        front_tags = _inline_list(front_tags)
    starred = str(fields.get("starred", "")).strip().lower() in _TRUE
    return ImportedEntry(
        created=created,
        title=title,
        body=body,
        tags=unique_tags([*front_tags, *inline_tags(body)]),
        starred=starred,
        identity=f"{label}\x00{title}\x00{body}",
        where=label,
    )


def read(
    path: Path, problems: list[str], budget: ReadBudget | None = None, *, follow_symlinks: bool = False
) -> Iterator[ImportedEntry]:
    budget = budget or ReadBudget()
    if not path.is_dir():
        notes, others, base = [path], list[Path](), path.parent
    else:
        (notes, others), base = notes_in(path, follow_symlinks=follow_symlinks), path
    if others:
        example = others[0].relative_to(base).as_posix()
        problems.append(f"{len(others)} file(s) that are not Markdown notes skipped (attachments?), e.g. {example}")
    for note in notes:
        label = note.relative_to(base).as_posix()
        entry = read_note(note, label, problems, budget)
        if entry is not None:
            yield entry


__all__ = ["front_matter", "inline_tags", "notes_in", "read", "read_note"]

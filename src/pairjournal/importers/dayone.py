"""A Day One JSON export: the ``Journal.json`` inside its zip, or the zip itself.

Each entry has ``uuid``, ``creationDate`` (ISO 8601 in UTC, ``...Z``),
``timeZone`` (an IANA name), ``text`` (Day One's Markdown, with punctuation
backslash-escaped), ``tags``, ``starred`` and lists of ``photos``, ``audios``,
``videos`` and ``pdfAttachments``. Attachments are not imported: they are
counted in the report. A zip is read in memory, member by member, and never
extracted to disk; what its members unpack to counts against the import's
budget (common.MAX_IMPORT_BYTES), read in a stream that stops at the budget
whatever sizes the zip's headers claim.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pairjournal.importers.common import (
    ImportedEntry,
    ImportFormatError,
    ReadBudget,
    check_entry_date,
    unique_tags,
)
from pairjournal.importers.jrnl_json import entry_list, load_json, text_field

# A Day One export holds one JSON file per journal: a handful. A zip listing
# thousands is not one, and each would be parsed in turn.
MAX_JSON_MEMBERS = 1000

ATTACHMENT_KINDS = {"photos": "photo", "audios": "audio", "videos": "video", "pdfAttachments": "PDF"}

# Day One escapes Markdown punctuation in plain text ("Hello\\!"); undo exactly that.
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~<\"'=:;,/?@$%&^])")
# Inline references to media that stay behind: ![](dayone-moment://ID) and friends.
_EMBED_LINE = re.compile(r"^[ \t]*!\[[^\]\n]*\]\(dayone-moment:[^)\n]*\)[ \t]*(?:\n|$)", re.MULTILINE)
_EMBED = re.compile(r"!\[[^\]\n]*\]\(dayone-moment:[^)\n]*\)")
_HEADING = re.compile(r"^#{1,6}[ \t]+(.*?)[ \t#]*$")


def clean_text(text: str) -> str:
    without = _EMBED.sub("", _EMBED_LINE.sub("", text))
    if without != text:
        without = re.sub(r"\n{3,}", "\n\n", without)  # no gap where a photo sat
    return _ESCAPE.sub(r"\1", without)


def split_heading(text: str) -> tuple[str, str]:
    """A first line that is a Markdown heading becomes the title; otherwise no title."""
    text = text.strip()
    first, _, rest = text.partition("\n")
    heading = _HEADING.match(first.strip())
    if heading:
        return heading.group(1).strip(), rest.strip()
    return "", text


def members(path: Path, budget: ReadBudget | None = None) -> Iterator[tuple[str, bytes]]:
    """(label, bytes) for each journal JSON: the file itself, or each .json in a zip.

    Every byte read, unpacked or not, is drawn from one budget for the whole import,
    so neither one huge member nor many large ones can fill the memory.
    """
    budget = budget or ReadBudget()
    with budget.open(path) as handle:
        if not zipfile.is_zipfile(handle):
            handle.seek(0)
            yield str(path), budget.read(handle, path)
            return
        handle.seek(0)
        try:
            with zipfile.ZipFile(handle) as archive:
                names = [
                    info
                    for info in archive.infolist()
                    if not info.is_dir()
                    and info.filename.lower().endswith(".json")
                    and not any(part.startswith((".", "__MACOSX")) for part in PurePosixPath(info.filename).parts)
                ]
                if not names:
                    raise ImportFormatError(path, "", "the zip holds no Day One journal (.json) file")
                if len(names) > MAX_JSON_MEMBERS:
                    raise ImportFormatError(
                        path, "", f"the zip lists {len(names)} .json files; a Day One export holds one per journal"
                    )
                for info in names:
                    label = f"{path}:{info.filename}"
                    if info.file_size > budget.left:  # what the header claims: refuse early when it says too much
                        raise budget.refuse(label)
                    with archive.open(info) as member:
                        data = budget.read(member, label)  # and never trust it: the stream stops at the budget
                    yield label, data
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as exc:
            raise ImportFormatError(path, "", f"the zip is damaged or of a kind not read here ({exc})") from None
        except (ValueError, RuntimeError) as exc:  # unsupported compression, an encrypted member
            raise ImportFormatError(path, "", f"the zip cannot be read ({exc})") from None


def _created(item: dict[str, Any], label: str, where: str, problems: list[str]) -> datetime:
    stamp = text_field(item, "creationDate", label, where)
    if not stamp:
        raise ImportFormatError(label, where, 'no "creationDate"')
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        raise ImportFormatError(label, where, f"creationDate {stamp!r} is not an ISO 8601 date") from None
    check_entry_date(moment, label, where)  # before any conversion, which could overflow at the ends of time
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)  # Day One writes UTC
    zone_name = text_field(item, "timeZone", label, where)
    if not zone_name:
        return moment.astimezone()
    try:
        return moment.astimezone(ZoneInfo(zone_name))
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long to be a file
        problems.append(f"{where}: unknown time zone {zone_name!r}; kept the time in this machine's zone")
        return moment.astimezone()


def _entries(label: str, data: Any, problems: list[str]) -> Iterator[ImportedEntry]:
    for number, item in enumerate(entry_list(data, label, "a Day One export"), start=1):
        where = f"entry {number}"
        if not isinstance(item, dict):
            raise ImportFormatError(label, where, "an entry should be a JSON object")
        uuid = text_field(item, "uuid", label, where)
        if uuid:
            where = f"entry {number} (uuid {uuid})"
        created = _created(item, label, where, problems)
        title, body = split_heading(clean_text(text_field(item, "text", label, where)))
        tags = item.get("tags") or []
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise ImportFormatError(label, where, '"tags" should be a list of text')
        starred = item.get("starred", False)
        if not isinstance(starred, bool):
            raise ImportFormatError(label, where, '"starred" should be true or false')
        attachments: dict[str, int] = {}
        for key, noun in ATTACHMENT_KINDS.items():
            found = item.get(key) or []
            if isinstance(found, list) and found:
                attachments[noun + ("s" if len(found) > 1 else "")] = len(found)
        if not title and not body:
            if attachments:
                what = ", ".join(f"{n} {k}" for k, n in attachments.items())
                problems.append(f"{where}: no text, only attachments ({what}); skipped")
            else:
                problems.append(f"{where}: empty entry skipped")
            continue
        yield ImportedEntry(
            created=created,
            title=title,
            body=body,
            tags=unique_tags(tags),
            starred=starred,
            identity=uuid or f"{created.isoformat()}\x00{title}\x00{body}",
            where=where,
            attachments=attachments,
        )


def read(path: Path, problems: list[str], budget: ReadBudget | None = None) -> Iterator[ImportedEntry]:
    for label, raw in members(path, budget):
        yield from _entries(label, load_json(path, raw, label), problems)


__all__ = ["MAX_JSON_MEMBERS", "clean_text", "members", "read", "split_heading"]

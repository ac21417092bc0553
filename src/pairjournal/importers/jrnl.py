"""jrnl's plain-text journal file.

The file is a run of entries, each opening with a line ``[<date>] <first line>``
where <date> is written with jrnl's ``timeformat`` (``%Y-%m-%d %H:%M`` unless
the user changed it). An entry runs until the next line that opens with a
bracketed date. jrnl marks a starred entry with a ``*`` at the end of its first
line, and reads the title as that first line (or, for a one-line entry, its
first sentence); the rest is the body. Tags are words starting with ``@``.

The file is read in large blocks and scanned with one regular expression per
block, so a 70 MB journal parses in seconds and never sits in memory twice.
jrnl stores no time zone: times are taken as this machine's local time.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

from pairjournal.errors import UsageError
from pairjournal.importers.common import ImportedEntry, ImportFormatError, ReadBudget, check_entry_date

DEFAULT_TIME_FORMAT = "%Y-%m-%d %H:%M"
BLOCK_BYTES = 4 * 1024 * 1024

# What each strptime directive may look like, to recognise a date-shaped line
# even when its date is impossible (so it is reported, not swallowed as text).
_DIRECTIVES = {
    "Y": r"\d{4}",
    "y": r"\d{2}",
    "m": r"\d{1,2}",
    "d": r"\d{1,2}",
    "H": r"\d{1,2}",
    "I": r"\d{1,2}",
    "M": r"\d{1,2}",
    "S": r"\d{1,2}",
    "f": r"\d{1,6}",
    "j": r"\d{1,3}",
    "p": r"[^\W\d_]{1,4}\.?[^\W\d_]?\.?",
    "b": r"[^\W\d_]+\.?",
    "B": r"[^\W\d_]+",
    "a": r"[^\W\d_]+\.?",
    "A": r"[^\W\d_]+",
    "z": r"(?:Z|[+-]\d{2}:?\d{2})",
    "Z": r"[A-Za-z]{1,5}",
    "%": "%",
}

# jrnl's tag: the tag symbol "@" at the start of a word, then these characters.
_TAG_WORD = re.compile(r"[-+*#/\w]+")
# The default timeformat, parsed without strptime (a third of the parse time).
_DEFAULT_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2}) (\d{1,2}):(\d{1,2})")

# jrnl's sentence end: a terminal mark, an optional closing quote or bracket, then space.
_SENTENCE_END = re.compile(
    r"([.!?\u2026\u203C\u203D\u2047\u2048\u2049\u22EF\uFE52\uFE57][\'\u2019\"\u201D]?[\]\)]*\s+)"
    r"|[\uFF01\uFF0E\uFF1F\uFF61\u3002]"
)


def header_pattern(time_format: str) -> re.Pattern[str]:
    """A regex for an entry's first line, line break included: ``\\n[<date>]`` then a space or the line's end."""
    parts: list[str] = []
    i = 0
    while i < len(time_format):
        ch = time_format[i]
        if ch != "%":
            parts.append(r"[ \t]+" if ch in " \t" else re.escape(ch))
            i += 1
            continue
        directive = time_format[i + 1 : i + 2]
        if directive not in _DIRECTIVES:
            raise UsageError(f"--time-format {time_format!r}: unsupported directive %{directive}")
        parts.append(_DIRECTIVES[directive])
        i += 2
    if not parts:
        raise UsageError("--time-format must not be empty")
    return re.compile(r"\n\[(" + "".join(parts) + r")\](?: |(?=\n)|$)")


def split_title(text: str) -> tuple[str, str]:
    """jrnl's rule: the first line is the title; a one-line entry splits at its first sentence."""
    text = text.lstrip()
    newline = text.find("\n")
    if newline >= 0:
        return text[:newline].strip(), text[newline + 1 :].strip()
    end = _SENTENCE_END.search(text)
    if end is None:
        return text.strip(), ""
    return text[: end.end()].strip(), text[end.end() :].strip()


def tags_in(text: str) -> list[str]:
    """jrnl lower-cases tags; so do we, so an export and its text file agree."""
    if "@" not in text:
        return []
    # Split at the tag symbol and look at what precedes each piece by hand:
    # a look-behind regex would probe every character of a 70 MB journal.
    pieces = text.split("@")
    found: list[str] = []
    word = _TAG_WORD.match
    for i in range(1, len(pieces)):
        before = pieces[i - 1]
        if (before[-1:].isspace() if before else i == 1):
            tag = word(pieces[i])
            if tag:
                found.append(tag.group().lower())
    return list(dict.fromkeys(found))


def _parser(time_format: str) -> Callable[[str], datetime]:
    if time_format != DEFAULT_TIME_FORMAT:
        return lambda blob: datetime.strptime(blob, time_format)

    def parse_default(blob: str) -> datetime:
        parts = _DEFAULT_DATE.fullmatch(blob)
        if parts is None:
            raise ValueError(blob)
        year, month, day, hour, minute = map(int, parts.groups())
        return datetime(year, month, day, hour, minute)

    return parse_default


def identity(created: datetime, title: str, body: str) -> str:
    """Date to the minute + title + body: what jrnl's JSON export also carries,
    so importing a journal's text file and its JSON export gives the same ids."""
    wall = created.replace(tzinfo=None, second=0, microsecond=0).isoformat(timespec="minutes")
    return f"{wall}\x00{title}\x00{body}"


def local(moment: datetime) -> datetime:
    """jrnl writes wall-clock time with no zone: this machine's zone for that date."""
    return moment if moment.tzinfo is not None else moment.astimezone()


def make_entry(created: datetime, title: str, body: str, starred: bool, where: str) -> ImportedEntry:
    tags = tags_in(f"{title}\n{body}")
    return ImportedEntry(
        created=created,
        title=title,
        body=body,
        tags=tags,
        starred=starred,
        identity=identity(created, title, body),
        where=where,
    )


def _finish(created: datetime, text: str, where: str, problems: list[str]) -> ImportedEntry | None:
    first, _, rest = text.partition("\n")
    stripped = first.strip()
    starred = stripped.endswith("*") or stripped.startswith("* ")
    if starred:
        # As jrnl does: the marker goes, and the first line stays the title.
        text = stripped.strip(" *") + "\n" + rest
    title, body = split_title(text)
    if not title and not body:
        problems.append(f"{where}: empty entry skipped")
        return None
    return make_entry(local(created), title, body, starred, where)


def _blocks(path: Path, budget: ReadBudget) -> Iterator[tuple[str, int]]:
    """The file as "\n" + text, cut into big pieces that each start at a line break.

    Yields (piece, number of line breaks before it). Decoding happens per piece,
    so a bad byte is reported with its line number and memory stays bounded; the
    whole file counts against the import's budget (a regular file only: a FIFO
    or /dev/zero is refused before a byte is read).
    """
    lines_before = 0
    carry = b"\n"
    with budget.open(path) as fh:
        first = True
        while True:
            chunk = fh.read(BLOCK_BYTES)
            budget.take(len(chunk), path)
            data = carry + chunk
            if first:
                data = b"\n" + data[1:].removeprefix(b"\xef\xbb\xbf")
                first = False
            if b"\r" in data:
                # Done on the joined bytes, so a CR and its LF split across reads still pair up.
                data = data.replace(b"\r\n", b"\n")
            cut = data.rfind(b"\n") if chunk else len(data)
            if cut <= 0 and chunk:
                carry = data
                continue
            piece, carry = data[:cut], data[cut:]
            try:
                text = piece.decode("utf-8")
            except UnicodeDecodeError as exc:
                line = lines_before + piece.count(b"\n", 0, exc.start)
                raise ImportFormatError(path, f"line {line}", "not UTF-8 text") from None
            yield text, lines_before
            lines_before += text.count("\n")
            if not chunk:
                return


def read(
    path: Path, problems: list[str], time_format: str = DEFAULT_TIME_FORMAT, budget: ReadBudget | None = None
) -> Iterator[ImportedEntry]:
    """Yields the file's entries in order; raises ImportFormatError naming the line."""
    finder = header_pattern(time_format).finditer
    parse_date = _parser(time_format)
    created: datetime | None = None
    pending: list[str] = []
    where = ""
    for text, lines_before in _blocks(path, budget or ReadBudget()):
        position = 0  # where the current entry's text continues in this piece
        counted, line = 0, lines_before
        for found in finder(text):
            line += text.count("\n", counted, found.start() + 1)
            counted = found.start() + 1
            before = text[position : found.start()]
            if created is None and before.strip():
                example = datetime(2024, 5, 1, 9, 30).strftime(time_format)
                offset = len(before) - len(before.lstrip())
                first_line = lines_before + text.count("\n", 0, position + offset + 1)
                raise ImportFormatError(
                    path,
                    f"line {first_line}",
                    f"text before the first dated entry (entries start like '[{example}] Title'; "
                    "if your jrnl timeformat differs, pass it with --time-format)",
                )
            try:
                moment = parse_date(found.group(1))
            except ValueError:
                raise ImportFormatError(
                    path, f"line {line}", f"[{found.group(1)}] is not a valid date for format {time_format!r}"
                ) from None
            check_entry_date(moment, path, f"line {line}")
            if created is not None:
                pending.append(before)
                entry = _finish(created, "".join(pending), where, problems)
                if entry is not None:
                    yield entry
            created, where, pending = moment, f"line {line}", []
            position = found.end()
        rest = text[position:]
        if created is None:
            if rest.strip():
                offset = len(rest) - len(rest.lstrip())
                first_line = lines_before + text.count("\n", 0, position + offset + 1)
                example = datetime(2024, 5, 1, 9, 30).strftime(time_format)
                raise ImportFormatError(
                    path,
                    f"line {first_line}",
                    f"text before the first dated entry (entries start like '[{example}] Title'; "
                    "if your jrnl timeformat differs, pass it with --time-format)",
                )
        else:
            pending.append(rest)
    if created is not None:
        entry = _finish(created, "".join(pending), where, problems)
        if entry is not None:
            yield entry


__all__ = ["DEFAULT_TIME_FORMAT", "header_pattern", "identity", "local", "make_entry", "read", "split_title", "tags_in"]

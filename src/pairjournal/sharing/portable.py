"""The full plaintext backup: every entity of a journal as documented JSON, and back.

This is the one export that carries private text, so the CLI asks for
``--plaintext`` and warns. The format (docs/EXPORT.md, "Full backup"):

    {"schema": "pairjournal-backup", "version": 1, "exported": "<date-time>",
     "warning": "...", "entities": [{"kind": "<kind>", "data": {<every field>}}, ...]}

``data`` holds every field of the entity exactly as journal/codec.py writes it,
ids included, so export_full -> import_full into an empty journal restores an
equal journal. import_full validates the whole file before it writes anything,
writes in one transaction, never overwrites a record the journal already holds
(equal records count as unchanged, so importing twice adds nothing), and keeps
the journal's own settings and signing key when it has them.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import types
import typing
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any

import msgspec

from pairjournal.boundedio import read_bounded
from pairjournal.errors import UsageError
from pairjournal.journal import codec
from pairjournal.journal.service import Journal
from pairjournal.model import (
    ENTITY_TYPES,
    KINDS,
    Disclosure,
    ExchangeIdentity,
    Pair,
    Settings,
    SigningKey,
    check_values,
    now,
)
from pairjournal.sharing import disclosures
from pairjournal.sharing.identity import valid_secret

SCHEMA = "pairjournal-backup"
VERSION = 1
WARNING = (
    "This file holds your whole pairjournal in plaintext, private entries and your signing key included. "
    "Keep it somewhere only you can read, and delete it when you no longer need it."
)
MAX_BYTES = 1 << 30
_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
# Kinds a journal holds at most one of: the journal's own copy wins over a file's.
SINGLETONS: tuple[type, ...] = (Settings, SigningKey, ExchangeIdentity)


class BadBackup(UsageError):
    """The file is not a valid pairjournal backup; nothing was imported."""


def export_full(journal: Journal, *, exported: datetime | None = None) -> dict[str, Any]:
    """Every entity of the journal, in a stable order (kind, then id)."""
    entities = [
        {"kind": cls.KIND, "data": codec.to_dict(entity)}
        for cls in ENTITY_TYPES
        for entity in sorted(journal.all(cls), key=lambda e: e.id)
    ]
    return {
        "schema": SCHEMA,
        "version": VERSION,
        "exported": (exported or now()).isoformat(),
        "warning": WARNING,
        "entities": entities,
    }


def dump(data: dict[str, Any]) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def load_file(path: Path) -> dict[str, Any]:
    """Reads and parses a backup file; raises BadBackup with one line on any problem."""
    try:
        # A regular file only, read under a cap: never a pipe, a device or an endless file.
        raw = read_bounded(path, MAX_BYTES, "backup")
    except UsageError as error:
        raise BadBackup(str(error)) from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise BadBackup(f"{path} is not a pairjournal backup (not UTF-8 text)") from None
    except (ValueError, RecursionError) as exc:  # RecursionError: [[[[... nested too deeply
        line = getattr(exc, "lineno", None)
        where = f" (line {line})" if line else ""
        raise BadBackup(f"{path} is not a pairjournal backup (not valid JSON{where})") from None
    if not isinstance(data, dict):
        raise BadBackup(f"{path} is not a pairjournal backup (expected a JSON object)")
    return data


# -- validation ------------------------------------------------------------------------


def _fail(where: str, problem: str) -> typing.NoReturn:
    # Never echo values: they are journal plaintext.
    raise BadBackup(f"not a valid pairjournal backup: {where}: {problem}")


def _check_value(tp: Any, value: Any, where: str) -> None:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(tp)
        if value is None and type(None) in args:
            return
        inner = [a for a in args if a is not type(None)]
        if len(inner) != 1:
            _fail(where, "unsupported field type")
        _check_value(inner[0], value, where)
        return
    if value is None:
        _fail(where, "must not be null")
    if origin is list:
        if not isinstance(value, list):
            _fail(where, "must be a list")
        (item_tp,) = typing.get_args(tp)
        for n, item in enumerate(value):
            _check_value(item_tp, item, f"{where}[{n}]")
        return
    if tp is bool:
        if not isinstance(value, bool):
            _fail(where, "must be true or false")
    elif tp is int:
        if not isinstance(value, int) or isinstance(value, bool):
            _fail(where, "must be a whole number")
    elif tp is str:
        if not isinstance(value, str):
            _fail(where, "must be text")
    elif tp is datetime:
        if not isinstance(value, str):
            _fail(where, "must be a date-time (ISO 8601)")
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            _fail(where, "must be a date-time (ISO 8601)")
        if moment.tzinfo is None:  # every time pairjournal writes has its offset; one without compares with none
            _fail(where, "must be a date-time with its UTC offset (ISO 8601)")
    elif tp is date:
        if not isinstance(value, str) or len(value) != 10:
            _fail(where, "must be a date (YYYY-MM-DD)")
        try:
            date.fromisoformat(value)
        except ValueError:
            _fail(where, "must be a date (YYYY-MM-DD)")
    elif isinstance(tp, type) and issubclass(tp, Enum):
        if value not in {m.value for m in tp}:
            _fail(where, f"must be one of {', '.join(m.value for m in tp)}")
    elif isinstance(tp, type) and issubclass(tp, msgspec.Struct):
        _check_fields(tp, value, where)
    else:
        _fail(where, "unsupported field type")


def _check_fields(cls: type[msgspec.Struct], data: Any, where: str) -> None:
    if not isinstance(data, dict):
        _fail(where, "must be an object")
    hints = typing.get_type_hints(cls)
    names = list(cls.__struct_fields__)
    unknown = sorted(set(data) - set(names))
    if unknown:
        _fail(where, f"unknown field {unknown[0]!r}")
    missing = [n for n in names if n not in data]
    if missing:
        _fail(where, f"missing field {missing[0]!r}")
    for name in names:
        _check_value(hints[name], data[name], f"{where}.{name}")


def validate(data: dict[str, Any]) -> list[Any]:
    """Checks a parsed backup completely; returns its entities, or raises BadBackup."""
    if data.get("schema") != SCHEMA:
        raise BadBackup("not a pairjournal backup (its \"schema\" is not \"pairjournal-backup\")")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        _fail("version", "must be a whole number")
    if version > VERSION:
        raise BadBackup(f"this backup is format version {version}, newer than this pairjournal reads ({VERSION})")
    if version < 1:
        _fail("version", "must be 1")
    unknown = sorted(set(data) - {"schema", "version", "exported", "warning", "entities"})
    if unknown:
        _fail("top level", f"unknown field {unknown[0]!r}")
    if "exported" in data:
        _check_value(datetime, data["exported"], "exported")
    if "warning" in data and not isinstance(data["warning"], str):
        _fail("warning", "must be text")
    raw = data.get("entities")
    if not isinstance(raw, list):
        _fail("entities", "must be a list")
    entities: list[Any] = []
    seen: set[str] = set()
    for n, item in enumerate(raw):
        where = f"entities[{n}]"
        if not isinstance(item, dict) or set(item) != {"kind", "data"}:
            _fail(where, 'must be an object with exactly "kind" and "data"')
        kind = item["kind"]
        if kind not in KINDS:
            _fail(where, "unknown kind")
        cls = KINDS[kind]
        _check_fields(cls, item["data"], f"{where} ({kind})")
        entity_id = item["data"]["id"]
        if not _ID.match(entity_id):
            _fail(f"{where} ({kind}).id", "is not a valid id")
        if entity_id in seen:
            _fail(f"{where} ({kind}).id", "appears twice in the file")
        seen.add(entity_id)
        entity = codec.from_dict(cls, item["data"])
        try:
            check_values(entity)  # the journal's ranges, before any journal is made or written
        except UsageError as error:
            _fail(f"{where} ({kind})", str(error))
        if isinstance(entity, SigningKey) and not _is_key(entity.private_key):
            _fail(f"{where} ({kind}).private_key", "is not an Ed25519 private key (Base64 of 32 bytes)")
        if isinstance(entity, ExchangeIdentity) and not valid_secret(entity.age_secret):
            _fail(f"{where} ({kind}).age_secret", "is not an age secret key (AGE-SECRET-KEY-1...)")
        entities.append(entity)
    pairs = {e.id for e in entities if isinstance(e, Pair)}
    for n, entity in enumerate(entities):
        pair_id = getattr(entity, "pair_id", None)
        if pair_id is not None and pair_id not in pairs:
            _fail(f"entities[{n}] ({entity.KIND}).pair_id", "names a pair that is not in the file")
    _check_log(entities)
    return entities


def _is_key(text: str) -> bool:
    try:
        return len(base64.b64decode(text, validate=True)) == 32
    except (ValueError, binascii.Error):
        return False


def _check_log(entities: list[Any]) -> None:
    """A backup's disclosure log must verify as a chain ending at its key's recorded head:
    an edited backup cannot quietly drop or change what was disclosed."""
    keys = [e for e in entities if isinstance(e, SigningKey)]
    if len(keys) > 1:
        _fail("entities", "holds more than one signing key")
    if sum(isinstance(e, ExchangeIdentity) for e in entities) > 1:
        _fail("entities", "holds more than one encryption identity")
    log = [e for e in entities if isinstance(e, Disclosure)]
    report = disclosures.check_entries(log, keys[0] if keys else None)
    if not report.ok:
        raise BadBackup(f"not a valid pairjournal backup: its disclosure log does not verify ({report.lines()[0]})")


# -- import -----------------------------------------------------------------------------


@dataclass
class ImportReport:
    """What an import did; nothing is ever overwritten."""

    added: dict[str, int] = field(default_factory=dict)
    unchanged: int = 0
    kept: int = 0
    skipped: list[str] = field(default_factory=list)

    @property
    def total_added(self) -> int:
        return sum(self.added.values())

    def line(self) -> str:
        parts = [f"added {self.total_added} record(s)"]
        if self.added:
            parts[0] += " (" + ", ".join(f"{n} {kind}" for kind, n in sorted(self.added.items())) + ")"
        parts.append(f"{self.unchanged} already present")
        if self.kept:
            parts.append(f"{self.kept} differ from this journal's copy and were left as the journal has them")
        parts += self.skipped
        return "Imported: " + "; ".join(parts) + "."


def _check_against(journal: Journal, entities: list[Any]) -> None:
    """Conflicts that would leave the journal ambiguous are refused before any write."""
    mine = {p.name.casefold(): p for p in journal.all(Pair)}
    for pair in (e for e in entities if isinstance(e, Pair)):
        clash = mine.get(pair.name.casefold())
        if clash is not None and clash.id != pair.id:
            raise BadBackup(
                f"the backup's pair {pair.name!r} clashes with a different pair of the same name in this journal; "
                "rename one of them first"
            )


def import_full(journal: Journal, data: dict[str, Any]) -> ImportReport:
    """Validates the whole backup, then adds what the journal lacks in one transaction."""
    entities = validate(data)
    _check_against(journal, entities)
    report = ImportReport()
    with journal.batch():
        for entity in entities:
            cls = type(entity)
            if cls in SINGLETONS:
                own = journal.all(cls)
                if own and all(o.id != entity.id for o in own):
                    report.skipped.append(f"kept this journal's own {cls.KIND}")
                    continue
            existing = journal.find(entity.id)
            if existing is None:
                journal.save(entity)
                report.added[cls.KIND] = report.added.get(cls.KIND, 0) + 1
            elif existing == entity:
                report.unchanged += 1
            else:
                report.kept += 1
    return report


__all__ = [
    "SCHEMA",
    "VERSION",
    "WARNING",
    "BadBackup",
    "ImportReport",
    "dump",
    "export_full",
    "import_full",
    "load_file",
    "validate",
]

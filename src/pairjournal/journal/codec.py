"""Entities to sealed payloads and back: the one place rows become domain objects.

A payload is compact JSON ``{"k": kind, "v": payload version, "d": fields}``.
Unknown fields are ignored and missing ones take their defaults, so older
payloads keep loading as the model grows.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Callable
from datetime import date, datetime
from enum import Enum
from functools import cache
from typing import Any

from pairjournal.errors import DamagedJournal
from pairjournal.model import KINDS, Entity

PAYLOAD_VERSION = 1

Converter = Callable[[Any], Any]


def _to_plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list):
        return [_to_plain(v) for v in value]
    return value


def to_dict(entity: Any) -> dict[str, Any]:
    return _to_plain(entity)


def encode(entity: Entity) -> bytes:
    payload = {"k": entity.KIND, "v": PAYLOAD_VERSION, "d": to_dict(entity)}
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _identity(value: Any) -> Any:
    return value


@cache
def _converter(tp: Any) -> Converter:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        inner = _converter(args[0]) if len(args) == 1 else _identity
        return lambda v: None if v is None else inner(v)
    if origin is list:
        (item_tp,) = typing.get_args(tp)
        item = _converter(item_tp)
        return lambda v: [item(x) for x in v]
    if tp is datetime:
        return datetime.fromisoformat
    if tp is date:
        return date.fromisoformat
    if isinstance(tp, type) and issubclass(tp, Enum):
        return tp
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return lambda v: from_dict(tp, v)
    return _identity


@cache
def _field_converters(cls: type) -> tuple[tuple[str, Converter], ...]:
    hints = typing.get_type_hints(cls)
    return tuple((f.name, _converter(hints[f.name])) for f in dataclasses.fields(cls))


def from_dict(cls: type, data: dict[str, Any]) -> Any:
    kwargs = {}
    for name, convert in _field_converters(cls):
        if name in data:
            kwargs[name] = convert(data[name])
    return cls(**kwargs)


def decode(raw: bytes) -> Entity:
    try:
        payload = json.loads(raw)
        cls = KINDS[payload["k"]]
        return from_dict(cls, payload["d"])
    except (ValueError, KeyError, TypeError) as exc:
        # Authentic but unreadable: written by a newer pairjournal or a bug.
        raise DamagedJournal("a record decrypted but could not be understood") from exc

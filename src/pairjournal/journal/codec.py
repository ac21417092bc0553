"""Entities to sealed payloads and back: the one place rows become domain objects.

A payload is compact JSON ``{"k": kind, "v": payload version, "d": fields}``.
Unknown fields are ignored and missing ones take their defaults, so older
payloads keep loading as the model grows. msgspec does the work: unlock decodes
every record, and it is several times faster than json plus hand conversion.
"""

from __future__ import annotations

from operator import attrgetter
from typing import Any, Union

import msgspec

from pairjournal.errors import DamagedJournal
from pairjournal.journal.home import HomeData
from pairjournal.model import KINDS, Entity

PAYLOAD_VERSION = 1

_encoder = msgspec.json.Encoder()


def _tagged_envelope(cls: type[Entity]) -> type:
    return msgspec.defstruct(f"_{cls.__name__}Envelope", [("v", int), ("d", cls)], tag_field="k", tag=cls.KIND)


# One pass over each payload: "k" comes first, so msgspec picks the kind's type
# from it and decodes "d" straight into the dataclass, instead of scanning the
# payload once for the envelope and again for the fields.
_ENVELOPE: Any = Union[tuple(_tagged_envelope(cls) for cls in KINDS.values())]  # noqa: UP007
_any_envelope = msgspec.json.Decoder(_ENVELOPE)
_fields = attrgetter("d")


def to_dict(entity: Any) -> dict[str, Any]:
    """Plain JSON-ready data: dates as ISO strings, enums as their values."""
    return msgspec.to_builtins(entity)  # type: ignore[no-any-return]


def from_dict(cls: type, data: dict[str, Any]) -> Any:
    return msgspec.convert(data, cls)


def encode(entity: Entity) -> bytes:
    body = _encoder.encode(entity)
    return b'{"k":"' + entity.KIND.encode("ascii") + b'","v":%d,"d":' % PAYLOAD_VERSION + body + b"}"


def decode(raw: bytes) -> Entity:
    try:
        return _any_envelope.decode(raw).d  # type: ignore[no-any-return]
    except (msgspec.ValidationError, msgspec.DecodeError, KeyError) as exc:
        # Authentic but unreadable: written by a newer pairjournal, or a bug.
        raise DamagedJournal("a record decrypted but could not be understood") from exc


def decode_many(payloads: list[bytes]) -> list[Entity]:
    """decode() for a batch, mapped in C (no Python step per payload): the same entities, or the same error."""
    try:
        return list(map(_fields, map(_any_envelope.decode, payloads)))
    except (msgspec.ValidationError, msgspec.DecodeError, KeyError) as exc:
        raise DamagedJournal("a record decrypted but could not be understood") from exc


_any_envelopes = msgspec.json.Decoder(list[_ENVELOPE])


def decode_array(array: bytes | memoryview) -> list[Entity]:
    """decode_many() for a whole segment's payloads, given as one JSON array: one call for all of them."""
    try:
        return list(map(_fields, _any_envelopes.decode(array)))
    except (msgspec.ValidationError, msgspec.DecodeError, KeyError) as exc:
        raise DamagedJournal("a record decrypted but could not be understood") from exc


# -- the unlock cache: what home shows, stamped with the records it was made from -----------

# 2: PairHome carries each item's consent status.
HOME_CACHE_VERSION = 2


class _HomeCache(msgspec.Struct):
    v: int
    stamp: str
    home: HomeData


_home_cache = msgspec.json.Decoder(_HomeCache)


def encode_home(stamp: str, home: HomeData) -> bytes:
    return _encoder.encode(_HomeCache(v=HOME_CACHE_VERSION, stamp=stamp, home=home))


def decode_home(raw: bytes) -> tuple[str, HomeData] | None:
    """(stamp, home), or None for a cache this version does not read: it is then rebuilt."""
    try:
        cache = _home_cache.decode(raw)
    except (msgspec.ValidationError, msgspec.DecodeError):
        return None
    if cache.v != HOME_CACHE_VERSION:
        return None
    return cache.stamp, cache.home

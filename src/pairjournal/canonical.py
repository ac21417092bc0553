"""Canonical JSON: the one byte form that hashes and signatures are computed over.

Keys sorted, no whitespace, UTF-8 with non-ASCII characters as themselves (no
``\\u`` escapes). Every digest in the journal (the manifest, consent, the
disclosure log) and every signed export payload uses exactly this form, so an
independent reader needs to implement it once (docs/EXPORT.md, docs/FORMAT.md).
"""

from __future__ import annotations

import json
from typing import Any


def canonical_json(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


__all__ = ["canonical_json"]

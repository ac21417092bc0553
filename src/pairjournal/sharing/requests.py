"""Answering the partner's consent requests: approve (sign a receipt) or decline.

A request (journal/exchange.py's ConsentRequest) holds the exact outbound bytes
the partner would send the coordinator. Approving signs a receipt over their
SHA-256 (receipts.py); declining records the answer. Either answer leaves with
my next bundle, and may be changed until then or later (a later answer
replaces the earlier one; an export already written keeps what it carried).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from pairjournal.errors import UsageError
from pairjournal.journal.service import Journal
from pairjournal.model import ConsentRequest, Decision
from pairjournal.sharing.receipts import sign_receipt, statement


def content_of(request: ConsentRequest) -> dict[str, Any]:
    """What would leave, as the partner's journal computed it (checked against its hash on arrival)."""
    found: dict[str, Any] = json.loads(request.content)
    return found


def approve(journal: Journal, ref: str, *, on: date | None = None) -> ConsentRequest:
    """Signs a receipt for exactly the bytes the request shows."""
    request = journal.consent_request(ref)
    day = on or date.today()
    body = statement(item=request.item_id, kind=request.kind, sha256=request.sha256, author=request.author,
                     coordinator=request.coordinator, on=day)
    return journal.answer_consent_request(request, Decision.APPROVED, on=day, receipt=sign_receipt(journal, body))


def decline(journal: Journal, ref: str, *, on: date | None = None) -> ConsentRequest:
    request = journal.consent_request(ref)
    if request.decision is Decision.DECLINED:
        raise UsageError(f"you already declined [{request.item_id[:8]}]")
    return journal.answer_consent_request(request, Decision.DECLINED, on=on or date.today())


__all__ = ["approve", "content_of", "decline"]

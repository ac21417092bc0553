"""The coordinator summary: the one place that decides what an export holds.

Every format (JSON, Markdown, HTML) renders the payload built here and nothing
else, so the consent rules are enforced once. The payload holds the pair (or
pseudonyms), the period, counts that reveal no content, the agreement's
objectives with consented progress, and consented takeaways and action items,
each in its coordinator wording when it has one.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from pairjournal.errors import UsageError
from pairjournal.journal import cadence
from pairjournal.journal.service import Journal
from pairjournal.model import (
    ActionItem,
    ActionStatus,
    Agreement,
    DisclosedItem,
    Objective,
    ObjectiveProgress,
    Pair,
    Takeaway,
    now,
)
from pairjournal.sharing import consent
from pairjournal.sharing.signing import canonical_json, ensure_key, pseudonym, pseudonym_secret

SCHEMA = "pairjournal-export"
VERSION = 1
DEFAULT_MONTHS = 12
MIN_NAME_PART = 3


def default_period(start: date | None, end: date | None, today: date | None = None) -> tuple[date, date]:
    """Inclusive bounds; by default the last twelve months up to today."""
    end = end or (today or date.today())
    if start is None:
        start = cadence.add_interval(end, cadence.Cadence.MONTHLY, -DEFAULT_MONTHS) + timedelta(days=1)
    if end < start:
        raise UsageError(f"the period ends ({end.isoformat()}) before it starts ({start.isoformat()})")
    return start, end


@dataclass(frozen=True)
class Summary:
    """A built payload and the items it discloses, ready to render and sign."""

    payload: dict[str, Any]
    items: list[DisclosedItem]
    pair: Pair
    start: date
    end: date
    pseudonymized: bool
    recipient: str


class _Names:
    """Replaces the partner's and coordinator's names with stable pseudonyms, also inside text."""

    def __init__(self, secret: bytes | None, pair: Pair) -> None:
        self.secret = secret
        self.pair = pair
        self._subs: list[tuple[re.Pattern[str], str]] = []
        if secret is None:
            return
        names = [(pair.name, self.partner), (pair.coordinator, self.coordinator)]
        wanted: dict[str, str] = {}
        for full, stand_in in names:
            full = full.strip()
            if not full:
                continue
            wanted.setdefault(full.casefold(), stand_in)
            for part in re.split(r"\s+", full):
                if len(part) >= MIN_NAME_PART:
                    wanted.setdefault(part.casefold(), stand_in)
        for name in sorted(wanted, key=len, reverse=True):
            self._subs.append((re.compile(re.escape(name), re.IGNORECASE), wanted[name]))

    @property
    def partner(self) -> str:
        return self.pair.name if self.secret is None else pseudonym(self.secret, "Partner", self.pair.name)

    @property
    def coordinator(self) -> str:
        if self.secret is None or not self.pair.coordinator.strip():
            return self.pair.coordinator
        return pseudonym(self.secret, "Coordinator", self.pair.coordinator)

    @property
    def pair_ref(self) -> str:
        return self.pair.id if self.secret is None else pseudonym(self.secret, "Pair", self.pair.id)

    def text(self, value: str) -> str:
        for pattern, stand_in in self._subs:
            value = pattern.sub(stand_in, value)
        return value


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _digest(entry: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(entry)).hexdigest()


def _objectives(journal: Journal, pair: Pair) -> dict[str, Objective]:
    """The agreement's objectives, newest version last so its wording wins."""
    found: dict[str, Objective] = {}
    for version in journal.agreement_history(pair.id):
        for objective in version.objectives:
            found[objective.id] = objective
    return found


def _session_numbers(journal: Journal, pair: Pair, start: date, end: date) -> dict[str, Any]:
    held = [s for s in journal.sessions(pair.id, start, end) if not s.live]
    first = max(start, pair.start) if pair.start else start
    last = min(end, pair.planned_end) if pair.planned_end else end
    lengths = [s.actual_minutes for s in held if s.actual_minutes]
    average = round(sum(lengths) / len(lengths), 1) if lengths else None
    return {
        "held": len(held),
        "expected": cadence.expected_sessions(pair.cadence, first, last),
        "cadence": pair.cadence.value,
        "planned_minutes": pair.minutes,
        "average_minutes": average,
    }


def _action_numbers(journal: Journal, pair: Pair, start: date, end: date, today: date) -> dict[str, int]:
    created = [a for a in journal.all(ActionItem) if a.pair_id == pair.id and start <= a.created.date() <= end]
    return {
        "created": len(created),
        "done": sum(a.status is ActionStatus.DONE for a in created),
        "overdue": sum(a.status is ActionStatus.OPEN and a.due is not None and a.due < today for a in created),
    }


def build(
    journal: Journal,
    pair: Pair,
    start: date,
    end: date,
    *,
    pseudonymize: bool = False,
    generated: datetime | None = None,
) -> Summary:
    """The consented summary of one pair over an inclusive period."""
    generated = generated or now()
    if end < start:
        raise UsageError(f"the period ends ({end.isoformat()}) before it starts ({start.isoformat()})")
    secret = pseudonym_secret(ensure_key(journal)) if pseudonymize else None
    names = _Names(secret, pair)
    disclosed: list[DisclosedItem] = []
    shared = consent.by_kind(consent.consented(journal, pair.id, start, end))

    takeaways: list[dict[str, Any]] = []
    for t in shared["takeaway"]:
        assert isinstance(t, Takeaway)
        entry = {"id": t.id, "on": consent.item_date(journal, t).isoformat(), "text": names.text(t.coordinator_text or t.text)}
        takeaways.append(entry)
        disclosed.append(DisclosedItem(kind="takeaway", id=t.id, sha256=_digest(entry)))

    actions: list[dict[str, Any]] = []
    for a in shared["action"]:
        assert isinstance(a, ActionItem)
        entry = {
            "id": a.id,
            "created": a.created.date().isoformat(),
            "owner": a.owner.value,
            "due": _iso(a.due),
            "status": a.status.value,
            "completed_on": _iso(a.completed_on),
            "text": names.text(a.coordinator_text or a.text),
            # Evidence is the private side of the item: a coordinator wording replaces both.
            "evidence": "" if a.coordinator_text else names.text(a.evidence),
        }
        actions.append(entry)
        disclosed.append(DisclosedItem(kind="action", id=a.id, sha256=_digest(entry)))

    known = _objectives(journal, pair)
    latest: Agreement | None = journal.agreement(pair.id)
    order = [o.id for o in latest.objectives] if latest else []
    progress_by: dict[str, list[dict[str, Any]]] = {oid: [] for oid in order}
    for p in shared["progress"]:
        assert isinstance(p, ObjectiveProgress)
        entry = {
            "id": p.id,
            "on": consent.item_date(journal, p).isoformat(),
            "rating": p.rating,
            "text": names.text(p.coordinator_text or p.evidence),
        }
        progress_by.setdefault(p.objective_id, []).append(entry)
        disclosed.append(DisclosedItem(kind="progress", id=p.id, sha256=_digest(entry)))
    objectives: list[dict[str, Any]] = []
    for oid, progress in progress_by.items():
        objective = known.get(oid)
        head = {
            "id": oid,
            "outcome": names.text(objective.outcome) if objective else "",
            "evidence": names.text(objective.evidence) if objective else "",
            "timebox": _iso(objective.timebox) if objective else None,
        }
        disclosed.append(DisclosedItem(kind="objective", id=oid, sha256=_digest(head)))
        objectives.append({**head, "progress": progress})

    payload: dict[str, Any] = {
        "schema": SCHEMA,
        "version": VERSION,
        "generated": generated.isoformat(),
        "period": {"from": start.isoformat(), "to": end.isoformat()},
        "pseudonymized": pseudonymize,
        "pair": {
            "ref": names.pair_ref,
            "partner": names.partner,
            "my_role": pair.role.value,
            "partner_role": pair.partner_role.value,
            "program": names.text(pair.program),
            "coordinator": names.coordinator,
            "start": _iso(pair.start),
            "planned_end": _iso(pair.planned_end),
        },
        "sessions": _session_numbers(journal, pair, start, end),
        "actions": _action_numbers(journal, pair, start, end, generated.date()),
        "objectives": objectives,
        "takeaways": takeaways,
        "action_items": actions,
    }
    return Summary(
        payload=payload,
        items=disclosed,
        pair=pair,
        start=start,
        end=end,
        pseudonymized=pseudonymize,
        recipient=pair.coordinator.strip() or "coordinator",
    )


__all__ = ["SCHEMA", "VERSION", "Summary", "build", "default_period"]

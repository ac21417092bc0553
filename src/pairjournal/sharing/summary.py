"""The coordinator summary: the one place that decides what an export holds.

Every format (JSON, Markdown, HTML) renders the payload built here and nothing
else, so the consent rules are enforced once. The payload holds the pair (or
pseudonyms), the period, counts that reveal no content, the objectives both
partners agreed to share from an agreement version both acknowledged, and the
takeaways, action items and progress entries consented to in exactly the form
they leave in (journal/outbound.py): each item's exported text is its outbound
content, names replaced when pseudonymising, and nothing else.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from pairjournal.canonical import canonical_json
from pairjournal.errors import UsageError
from pairjournal.journal import cadence, charter
from pairjournal.journal.service import Journal
from pairjournal.model import (
    ActionItem,
    ActionStatus,
    Agreement,
    Cadence,
    Consentable,
    DisclosedItem,
    Objective,
    ObjectiveProgress,
    Pair,
    Recognition,
    Takeaway,
    now,
)
from pairjournal.sharing import consent, disclosures
from pairjournal.sharing.pseudonyms import COORDINATOR, PAIR, PARTNER, PROGRAM, Pseudonymizer, Replacement
from pairjournal.sharing.receipts import receipt_json
from pairjournal.sharing.signing import EXPORT_VERSION, ensure_key, pseudonym_secret

SCHEMA = "pairjournal-export"
VERSION = EXPORT_VERSION
DEFAULT_MONTHS = 12

# The export's own first sentences: what it holds, in the words the docs use.
PROMISE = (
    "This summary holds only what both partners agreed to share, each item exactly as both consented to it, "
    "and counts that reveal no private content."
)
OBJECTIVES_RULE = (
    "Objectives appear only from an agreement version both partners acknowledged, and only those both agreed "
    "to share; a shared progress entry on any other objective shows that objective's number only."
)


def default_period(start: date | None, end: date | None, today: date | None = None) -> tuple[date, date]:
    """Inclusive bounds; by default the last twelve months up to today."""
    end = end or (today or date.today())
    if start is None:
        start = cadence.add_interval(end, Cadence.MONTHLY, -DEFAULT_MONTHS) + timedelta(days=1)
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
    seq: int = 0
    replacements: list[Replacement] = field(default_factory=list)
    # What build() was given, so the same summary can be built again and compared
    # (export.commit does, just before the bytes leave).
    generated: datetime | None = None
    id_salt: bytes = b""


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def consent_entry(item: Consentable, *, pseudonymized: bool) -> dict[str, Any]:
    """How the partner's consent to an exported item was given, with their receipt when they signed one.

    A receipt names the item's real id, pair and coordinator and the hash of its
    un-pseudonymised content, so it cannot travel in a pseudonymised export: there
    the consent counts as the author's word (docs/EXCHANGE.md).
    """
    theirs = item.partner_consent
    if theirs is not None and theirs.receipt is not None and not pseudonymized:
        return {"by": "partner", "receipt": receipt_json(theirs.receipt)}
    return {"by": "author", "receipt": None}


def _signed_agreement(journal: Journal, pair: Pair, latest: Agreement | None, pseudonymized: bool) -> Any:
    """The version both partners signed, with both signatures, or None."""
    link = journal.partner_link(pair.id)
    if latest is None or link is None or pseudonymized or not charter.signed_by_both(latest):
        return None
    if latest.my_ack is None or latest.partner_ack is None:
        return None
    return {
        "version": latest.version,
        "sha256": charter.agreement_hash(latest),
        "author_ack": latest.my_ack.isoformat(),
        "author_signature": latest.my_signature,
        "partner_ack": latest.partner_ack.isoformat(),
        "partner_signature": latest.partner_signature,
    }


def _partner_key(journal: Journal, pair: Pair, pseudonymized: bool) -> Any:
    link = journal.partner_link(pair.id)
    if link is None or pseudonymized:
        return None
    return {"fingerprint": link.partner.fingerprint, "public_key": link.partner.signing_key}


def _disclosed(kind: str, real_id: str, entry: dict[str, Any]) -> DisclosedItem:
    raw = canonical_json(entry)
    return DisclosedItem(
        kind=kind, id=real_id, sha256=hashlib.sha256(raw).hexdigest(), exported_id=entry["id"], entry=raw.decode()
    )


def _session_numbers(journal: Journal, pair: Pair, start: date, end: date) -> dict[str, Any]:
    """Sessions held against those the agreement's cadence expected, over the part of the
    period the pair ran (its start to its planned or actual end), less its pauses."""
    held = [s for s in journal.sessions(pair.id, start, end) if not s.live]
    first = max(start, pair.start) if pair.start else start
    last = min(end, pair.planned_end) if pair.planned_end else end
    if pair.ended_on:
        last = min(last, pair.ended_on)
    lengths = [s.actual_minutes for s in held if s.actual_minutes]
    average = round(sum(lengths) / len(lengths), 1) if lengths else None
    rhythm = journal.cadence_of(pair.id)
    return {
        "held": len(held),
        "expected": cadence.expected_between(rhythm, first, last, pair.pauses, anchor=pair.start or first),
        "cadence": rhythm.value,
        "planned_minutes": journal.minutes_of(pair.id),
        "average_minutes": average,
    }


def _action_numbers(journal: Journal, pair: Pair, start: date, end: date, today: date) -> dict[str, int]:
    # The pair's own actions (kept grouped by pair), not every action of the journal.
    created = [a for a in journal.actions(pair.id) if start <= a.created.date() <= end]
    return {
        "created": len(created),
        "done": sum(a.status is ActionStatus.DONE for a in created),
        "overdue": sum(a.status is ActionStatus.OPEN and a.due is not None and a.due < today for a in created),
    }


def acknowledged_by_both(agreement: Agreement | None) -> bool:
    return agreement is not None and agreement.my_ack is not None and agreement.partner_ack is not None


def _objective_numbers(history: list[Agreement]) -> dict[str, int]:
    """Each objective's number in the newest version that holds it."""
    numbers: dict[str, int] = {}
    for version in reversed(history):
        for n, objective in enumerate(version.objectives, 1):
            numbers.setdefault(objective.id, n)
    return numbers


def shared_objectives(journal: Journal, pair: Pair) -> list[tuple[int, Objective]]:
    """(number, objective) for each objective that may leave: from the current version, both
    acknowledgements on it, and both consents for the objective's text as it stands."""
    latest = journal.agreement(pair.id)
    if latest is None or not acknowledged_by_both(latest):
        return []
    return [(n, o) for n, o in enumerate(latest.objectives, 1) if consent.exportable(journal, o)]


def build(
    journal: Journal,
    pair: Pair,
    start: date,
    end: date,
    *,
    pseudonymize: bool = False,
    generated: datetime | None = None,
    id_salt: bytes | None = None,
) -> Summary:
    """The consented summary of one pair over an inclusive period."""
    generated = generated or now()
    if end < start:
        raise UsageError(f"the period ends ({end.isoformat()}) before it starts ({start.isoformat()})")
    key = ensure_key(journal)
    secret = pseudonym_secret(key) if pseudonymize else None
    names = Pseudonymizer.for_pair(
        secret, partner=pair.name, coordinator=pair.coordinator, program=pair.program, id_salt=id_salt
    )
    disclosed: list[DisclosedItem] = []
    shared = consent.by_kind(consent.consented(journal, pair.id, start, end))

    def dated(kind: str, cls: type[Takeaway] | type[Recognition]) -> list[dict[str, Any]]:
        """Takeaways and recognitions leave alike: a date and a text."""
        entries: list[dict[str, Any]] = []
        for item in shared[kind]:
            assert isinstance(item, cls)
            content = journal.outbound(item)
            entry = {
                "id": names.export_id(item.id),
                "on": content["on"],
                "text": names.text(content["text"], f"{kind} of {content['on']}"),
                "consent": consent_entry(item, pseudonymized=pseudonymize),
            }
            entries.append(entry)
            disclosed.append(_disclosed(kind, item.id, entry))
        return entries

    takeaways = dated("takeaway", Takeaway)

    actions: list[dict[str, Any]] = []
    for a in shared["action"]:
        assert isinstance(a, ActionItem)
        content = journal.outbound(a)
        where = f"action item of {content['created']}"
        entry = {
            "id": names.export_id(a.id),
            "created": content["created"],
            "owner": content["owner"],
            "due": content["due"],
            "status": content["status"],
            "completed_on": content["completed_on"],
            "text": names.text(content["text"], where),
            "evidence": names.text(content["evidence"], f"{where}, evidence"),
            "consent": consent_entry(a, pseudonymized=pseudonymize),
        }
        actions.append(entry)
        disclosed.append(_disclosed("action", a.id, entry))

    recognitions = dated("recognition", Recognition)

    history = journal.agreement_history(pair.id)
    latest = history[-1] if history else None
    numbers = _objective_numbers(history)
    leaving = shared_objectives(journal, pair)
    objectives: dict[str, dict[str, Any]] = {}
    for number, objective in leaving:
        content = journal.outbound(objective)
        where = f"objective {number}"
        head = {
            "id": names.export_id(objective.id),
            "number": number,
            "shared": True,
            "outcome": names.text(content["outcome"], where),
            "evidence": names.text(content["evidence"], f"{where}, evidence"),
            "timebox": content["timebox"],
            "consent": consent_entry(objective, pseudonymized=pseudonymize),
        }
        disclosed.append(_disclosed("objective", objective.id, head))
        objectives[objective.id] = {**head, "progress": []}
    for p in shared["progress"]:
        assert isinstance(p, ObjectiveProgress)
        content = journal.outbound(p)
        entry = {
            "id": names.export_id(p.id),
            "on": content["on"],
            "level": content["level"],
            "text": names.text(content["text"], f"progress of {content['on']}"),
            "consent": consent_entry(p, pseudonymized=pseudonymize),
        }
        holder = objectives.get(p.objective_id)
        if holder is None:
            # Its objective does not leave (a draft, not shared, or removed since): its number only.
            holder = objectives[p.objective_id] = {
                "id": names.export_id(p.objective_id),
                "number": numbers.get(p.objective_id),
                "shared": False,
                "outcome": None,
                "evidence": None,
                "timebox": None,
                "consent": None,
                "progress": [],
            }
        holder["progress"].append(entry)
        disclosed.append(_disclosed("progress", p.id, entry))
    ordered = sorted(objectives.values(), key=lambda o: (not o["shared"], o["number"] or 10**6, o["id"]))

    seq, prev_hash = disclosures.position(journal)
    payload: dict[str, Any] = {
        "schema": SCHEMA,
        "version": VERSION,
        "generated": generated.isoformat(),
        "period": {"from": start.isoformat(), "to": end.isoformat()},
        "pseudonymized": pseudonymize,
        "disclosure": {"seq": seq, "prev_hash": prev_hash},
        "pair": {
            "ref": names.stand_in(PAIR, pair.id) if names.active else pair.id,
            "partner": names.stand_in(PARTNER, pair.name),
            "my_role": pair.role.value,
            "partner_role": pair.partner_role.value,
            "program": names.stand_in(PROGRAM, pair.program),
            "coordinator": names.stand_in(COORDINATOR, pair.coordinator),
            "start": _iso(pair.start),
            "planned_end": _iso(pair.planned_end),
            "partner_key": _partner_key(journal, pair, pseudonymize),
        },
        "sessions": _session_numbers(journal, pair, start, end),
        "actions": _action_numbers(journal, pair, start, end, generated.date()),
        "agreement": {
            "version": latest.version if latest else None,
            "acknowledged_by_both": acknowledged_by_both(latest),
            "signed_by_both": _signed_agreement(journal, pair, latest, pseudonymize),
        },
        "objectives": ordered,
        "takeaways": takeaways,
        "action_items": actions,
        "recognitions": recognitions,
    }
    return Summary(
        payload=payload,
        items=disclosed,
        pair=pair,
        start=start,
        end=end,
        pseudonymized=pseudonymize,
        recipient=pair.coordinator.strip() or "coordinator",
        seq=seq,
        replacements=list(names.replacements),
        generated=generated,
        id_salt=names.id_salt,
    )


__all__ = ["OBJECTIVES_RULE", "PROMISE", "SCHEMA", "VERSION", "Summary", "acknowledged_by_both", "build",
           "default_period", "shared_objectives"]

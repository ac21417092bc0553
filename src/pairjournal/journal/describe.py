"""What each record says in a list or a search: its searchable text, its title, its date.

One definition for the CLI's listings, the interface's lists and the search
index, so a record reads the same everywhere.
"""

from __future__ import annotations

from datetime import date, datetime

from pairjournal.model import (
    ActionItem,
    Agreement,
    ConsentRequest,
    Entity,
    ObjectiveProgress,
    Pair,
    PartnerItem,
    Prompt,
    Recognition,
    Reflection,
    Session,
    Takeaway,
)


def index_text(entity: Entity) -> str:
    """Everything in an entity a person might search for."""
    match entity:
        case Pair():
            return " ".join((entity.name, entity.program, entity.coordinator))
        case Agreement():
            parts = [
                entity.confidentiality, entity.scope, entity.scheduling, entity.feedback_norms, entity.repair_routine
            ]
            for obj in entity.objectives:
                parts += [obj.outcome, obj.evidence]
            return " ".join(parts)
        case Session():
            agenda = " ".join(item.text for item in entity.agenda)
            return " ".join((agenda, entity.checkin_mood, entity.checkin_note, entity.notes))
        case Takeaway() | Recognition():
            return f"{entity.text} {entity.coordinator_text}"
        case ActionItem():
            return f"{entity.text} {entity.evidence} {entity.coordinator_text}"
        case ObjectiveProgress():
            return f"{entity.evidence} {entity.coordinator_text}"
        case Reflection():
            return " ".join((entity.title, entity.text, " ".join(entity.tags)))
        case Prompt():
            return entity.text
        case PartnerItem():
            # The partner's own items are searchable in my journal (they are theirs, read-only here).
            return f"{entity.text} {entity.evidence}"
        case ConsentRequest():
            return entity.content
    return ""


def title_of(entity: Entity) -> str:
    """A one-line label for lists and search results."""
    match entity:
        case Pair():
            return entity.name
        case Agreement():
            return f"Agreement v{entity.version}"
        case Session():
            return f"Session {entity.date.isoformat()}"
        case Takeaway() | ActionItem() | Recognition():
            return entity.text.splitlines()[0] if entity.text else "(empty)"
        case ObjectiveProgress():
            return f"Progress {entity.on.isoformat() if entity.on else ''}".strip()
        case Reflection():
            first = entity.title or (entity.text.splitlines()[0] if entity.text else "")
            return first or "(empty reflection)"
        case Prompt():
            return entity.text
        case PartnerItem():
            first = entity.text.splitlines()[0] if entity.text else "(empty)"
            return f"Partner's {entity.kind}: {first}"
        case ConsentRequest():
            return f"Partner's consent request ({entity.kind})"
    return ""


def when_of(entity: Entity) -> date | None:
    match entity:
        case Session():
            return entity.date
        case ObjectiveProgress():
            return entity.on or entity.created.date()
        case PartnerItem():
            return entity.on or entity.created.date()
    created = getattr(entity, "created", None)
    return created.date() if isinstance(created, datetime) else None


def rank_key(entity: Entity) -> tuple[int, str]:
    """Search results come newest first (ties by id, so the order is stable)."""
    return ((when_of(entity) or date.min).toordinal(), entity.id)


__all__ = ["index_text", "rank_key", "title_of", "when_of"]

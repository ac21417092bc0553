"""Builds a journal holding one of every kind, each field carrying a unique marker."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from pairjournal.journal import Journal
from pairjournal.model import (
    ActionItem,
    AgendaItem,
    Agreement,
    Consent,
    Entity,
    Objective,
    ObjectiveProgress,
    Owner,
    Pair,
    Prompt,
    Recognition,
    Reflection,
    Role,
    Session,
    Settings,
    ShareScope,
    Takeaway,
)


def words(text: str | bytes) -> set[str]:
    """The whole words of `text`, folded: a name is looked for among them, never inside the random
    base64 of a signature or key, which holds "ana" often enough to fail a run now and then."""
    if isinstance(text, bytes):
        text = text.decode()
    return set(re.findall(r"[^\W\d_]+", text.casefold()))


def canary(label: str) -> str:
    """A string that must never appear on disk in plaintext."""
    return f"Canary{label}Zq7x"


def fill(journal: Journal, tag: str = "") -> list[Entity]:
    """Saves one of every entity kind, every text field a distinct canary."""
    c = lambda name: canary(f"{name}{tag}")  # noqa: E731
    pair = Pair(name=c("PairName"), role=Role.MENTOR, program=c("Program"), coordinator=c("Coordinator"),
                start=date(2026, 1, 5), next_agenda=[AgendaItem(text=c("NextAgenda"))])
    objective = Objective(outcome=c("Outcome"), evidence=c("ObjEvidence"), timebox=date(2026, 6, 30))
    agreement = Agreement(
        pair_id=pair.id, objectives=[objective], confidentiality=c("Confidential"), scope=c("Scope"),
        scheduling=c("Scheduling"), feedback_norms=c("Feedback"), repair_routine=c("Repair"),
        review_date=date(2026, 3, 1), my_ack=date(2026, 1, 6),
    )
    session = Session(
        pair_id=pair.id, date=date(2026, 1, 12), actual_minutes=31,
        started_at=datetime(2026, 1, 12, 9, 0, tzinfo=UTC),
        ended_at=datetime(2026, 1, 12, 9, 31, tzinfo=UTC),
        agenda=[AgendaItem(text=c("Agenda"), done=True)], checkin_mood=c("Mood"), checkin_note=c("Checkin"),
        notes=c("Notes") + "\n\n- a *markdown* list", objective_ids=[objective.id],
    )
    takeaway = Takeaway(pair_id=pair.id, text=c("Takeaway"), session_id=session.id, scope=ShareScope.COORDINATOR,
                        partner_consent=Consent(given_on=date(2026, 1, 12), how=c("How")),
                        coordinator_text=c("CoordWording"))
    action = ActionItem(pair_id=pair.id, text=c("Action"), owner=Owner.BOTH, due=date(2026, 2, 1),
                        evidence=c("ActionEvidence"), session_id=session.id, objective_id=objective.id)
    progress = ObjectiveProgress(pair_id=pair.id, objective_id=objective.id, on=date(2026, 2, 2), rating=4,
                                 evidence=c("ProgressEvidence"))
    recognition = Recognition(pair_id=pair.id, text=c("Recognition"), coordinator_text=c("RecognitionWording"))
    prompt = Prompt(text=c("CustomPrompt"))
    reflection = Reflection(text=c("Reflection"), prompt_id=prompt.id, pair_id=pair.id, title=c("Title"),
                            tags=[c("Tag")], starred=True)
    settings = Settings(theme="pairjournal-light", autolock_minutes=9)
    entities: list[Entity] = [pair, agreement, session, takeaway, action, progress, recognition, prompt, reflection,
                              settings]
    for entity in entities:
        journal.save(entity)
    return entities


CANARY_FIELDS = [
    "PairName", "Program", "Coordinator", "Outcome", "ObjEvidence", "Confidential", "Scope", "Scheduling",
    "Feedback", "Repair", "Agenda", "Mood", "Checkin", "Notes", "Takeaway", "How", "CoordWording", "Action",
    "ActionEvidence", "ProgressEvidence", "NextAgenda", "Recognition", "RecognitionWording", "CustomPrompt", "Reflection", "Title",
    "Tag",
]

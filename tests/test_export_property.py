"""Property: whatever the journal holds, a coordinator export carries exactly the consented items.

Hypothesis builds random journals: items with random scopes, consents, coordinator
wordings, withdrawals (before and after an earlier export) and dates in and out of
the period, next to notes, check-ins, agendas, reflections, prompts, agreement
terms and a second pair. Every field gets its own unique canary. In every format,
no canary of something that must stay private appears, and every consented
item's exported text does.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairjournal.journal import Journal
from pairjournal.model import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    Agreement,
    Objective,
    ObjectiveProgress,
    Pair,
    Prompt,
    Reflection,
    Role,
    Session,
    ShareScope,
    Takeaway,
)
from pairjournal.sharing import consent, export
from pairjournal.vault.crypto import KdfParams

START, END = date(2025, 1, 1), date(2025, 6, 30)
NOW = datetime(2025, 7, 1, 12, 0, tzinfo=UTC)
DAYS = [START - timedelta(days=1), START, date(2025, 3, 15), END, END + timedelta(days=1), date(2024, 6, 1)]
STATES = ["private", "partner", "partner-consented", "pending", "consented", "withdrawn", "withdrawn-after-export",
          "reshared-pending", "reshared-consented"]
EXPORTED_STATES = {"consented", "reshared-consented"}


@dataclass(frozen=True)
class ItemSpec:
    kind: str
    state: str
    day: date
    worded: bool
    in_session: bool
    done: bool


item_specs = st.builds(
    ItemSpec,
    kind=st.sampled_from(["takeaway", "action", "progress"]),
    state=st.sampled_from(STATES),
    day=st.sampled_from(DAYS),
    worded=st.booleans(),
    in_session=st.booleans(),
    done=st.booleans(),
)


@dataclass
class Canaries:
    n: int = 0
    secret: set[str] = field(default_factory=set)
    must_show: set[str] = field(default_factory=set)
    allowed: set[str] = field(default_factory=set)

    def new(self, kind: str) -> str:
        """kind: 'secret' (must never leave), 'show' (must leave), 'allowed' (may leave), 'pending' (decided later)."""
        self.n += 1
        token = f"CNRY{self.n:04d}Q"
        {"secret": self.secret, "show": self.must_show, "allowed": self.allowed}.get(kind, set()).add(token)
        return token

    def name(self, kind: str) -> str:
        """Like new(), as one word of letters: a name whose parts no other canary shares."""
        self.n += 1
        token = "Nm" + "".join(chr(ord("a") + int(d)) for d in f"{self.n:04d}") + "zq"
        {"secret": self.secret, "show": self.must_show, "allowed": self.allowed}[kind].add(token)
        return token


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 8, 0, tzinfo=UTC)


def _fill_private_world(journal: Journal, c: Canaries, pair: Pair, other: Pair) -> None:
    """Everything around the items that never leaves: sessions' text, reflections, prompts, the other pair."""
    for day in (START, date(2025, 2, 1), END + timedelta(days=3)):
        journal.save(
            Session(
                pair_id=pair.id,
                date=day,
                actual_minutes=30,
                agenda=[AgendaItem(text=c.new("secret")), AgendaItem(text=c.new("secret"), done=True)],
                checkin_mood=c.new("secret"),
                checkin_note=c.new("secret"),
                notes=c.new("secret"),
            )
        )
    journal.save(Reflection(text=c.new("secret"), title=c.new("secret"), tags=[c.new("secret")], pair_id=pair.id))
    journal.save(Reflection(text=c.new("secret")))
    journal.save(Prompt(text=c.new("secret")))
    # The other pair's consented items must never show in this pair's export.
    theirs = journal.save(Takeaway(pair_id=other.id, text=c.new("secret"), coordinator_text=c.new("secret"),
                                   scope=ShareScope.COORDINATOR, created=_at(date(2025, 3, 1))))
    consent.set_scope(journal, theirs.id, "coordinator")
    consent.give_consent(journal, theirs.id, how=c.new("secret"), on=START)


def _make_item(journal: Journal, c: Canaries, pair: Pair, objective_id: str, spec: ItemSpec) -> tuple[object, list[str]]:
    """Saves one item as private; returns it and its exportable texts (the ones the export would show)."""
    wording = c.new("pending") if spec.worded else ""
    session_id = None
    if spec.in_session and spec.kind == "takeaway":
        session_id = journal.save(Session(pair_id=pair.id, date=spec.day, notes=c.new("secret"))).id
    item: Takeaway | ActionItem | ObjectiveProgress
    if spec.kind == "takeaway":
        text = c.new("pending")
        item = Takeaway(pair_id=pair.id, text=text, session_id=session_id, coordinator_text=wording,
                        created=_at(spec.day))
        shown = [wording or text]
        hidden = [text] if wording else []
    elif spec.kind == "action":
        text, evidence = c.new("pending"), c.new("pending")
        item = ActionItem(pair_id=pair.id, text=text, evidence=evidence, coordinator_text=wording,
                          status=ActionStatus.DONE if spec.done else ActionStatus.OPEN, created=_at(spec.day))
        shown = [wording] if wording else [text, evidence]
        hidden = [text, evidence] if wording else []
    else:
        evidence = c.new("pending")
        item = ObjectiveProgress(pair_id=pair.id, objective_id=objective_id, on=spec.day, rating=3,
                                 evidence=evidence, coordinator_text=wording, created=_at(spec.day))
        shown = [wording or evidence]
        hidden = [evidence] if wording else []
    journal.save(item)
    c.secret.update(hidden)
    return item, shown


def _apply_state(journal: Journal, c: Canaries, item_id: str, state: str, folder: Path, pair: Pair) -> None:
    how = c.new("secret")
    if state == "private":
        return
    if state == "partner":
        consent.set_scope(journal, item_id, "partner")
    elif state == "partner-consented":
        consent.set_scope(journal, item_id, "partner")
        consent.give_consent(journal, item_id, how=how, on=START)
    elif state == "pending":
        consent.set_scope(journal, item_id, "coordinator")
    else:
        consent.set_scope(journal, item_id, "coordinator")
        consent.give_consent(journal, item_id, how=how, on=START)
        if state.startswith(("withdrawn", "reshared")):
            if state == "withdrawn-after-export":
                prepared = export.prepare(journal, pair, START, END, "json", generated=NOW)
                export.commit(journal, prepared, folder / f"earlier-{item_id}.json", when=NOW)
            consent.withdraw(journal, item_id, on=END)
        if state.startswith("reshared"):
            consent.set_scope(journal, item_id, "coordinator")
            if state == "reshared-consented":
                consent.give_consent(journal, item_id, how=c.new("secret"), on=END)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs=st.lists(item_specs, min_size=1, max_size=12), pseudonymize=st.booleans(),
       objective_state=st.sampled_from(["private", "consented-draft", "consented-acknowledged", "pending"]))
def test_no_secret_leaves_and_every_consented_item_does(specs: list[ItemSpec], pseudonymize: bool,
                                                        objective_state: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        journal = Journal.create(folder / "j.pairjournal", "pw-long-enough", KdfParams.cheap())
        try:
            c = Canaries()
            name_kind = "secret" if pseudonymize else "allowed"
            with journal.batch():
                pair = journal.save(Pair(name=c.name(name_kind), role=Role.MENTEE, program=c.name(name_kind),
                                         coordinator=c.name(name_kind), start=START))
                other = journal.save(Pair(name=c.new("secret"), role=Role.MENTOR, coordinator=c.new("secret"),
                                          program=c.new("secret")))
                # An objective leaves only from a version both acknowledged, with both consents for its text.
                objective_kind = "show" if objective_state == "consented-acknowledged" else "secret"
                objective = Objective(outcome=c.new(objective_kind), evidence=c.new(objective_kind))
                acknowledged = objective_state == "consented-acknowledged"
                journal.save(
                    Agreement(pair_id=pair.id, objectives=[objective], confidentiality=c.new("secret"),
                              scope=c.new("secret"), scheduling=c.new("secret"), feedback_norms=c.new("secret"),
                              repair_routine=c.new("secret"), my_ack=START,
                              partner_ack=START if acknowledged else None)
                )
                _fill_private_world(journal, c, pair, other)
                made = [(spec, *_make_item(journal, c, pair, objective.id, spec)) for spec in specs]
            if objective_state != "private":
                consent.set_scope(journal, objective.id, "coordinator")
                if objective_state != "pending":
                    consent.give_consent(journal, objective.id, how=c.new("secret"), on=START)
            for spec, item, shown in made:
                _apply_state(journal, c, item.id, spec.state, folder, pair)  # type: ignore[attr-defined]
                exported = spec.state in EXPORTED_STATES and START <= spec.day <= END
                (c.must_show if exported else c.secret).update(shown)
            # Every canary is classified, and no text is both secret and required.
            assert not (c.secret & c.must_show)

            for fmt in export.FORMATS:
                text = export.prepare(journal, pair, START, END, fmt, pseudonymize=pseudonymize, generated=NOW).text
                leaked = sorted(s for s in c.secret if s in text)
                assert not leaked, (fmt, leaked)
                missing = sorted(s for s in c.must_show if s not in text)
                assert not missing, (fmt, missing)
        finally:
            journal.close()

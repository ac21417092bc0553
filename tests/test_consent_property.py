"""Property: whatever sequence of edits, scope changes, consents and withdrawals happened,
an export carries an item's text only in the exact form both partners consented to.

A small model, written here independently of pairjournal's own rule, tracks for
each item (and the agreement's objective) what it would say now and what each
consent was given for. After the sequence, every canary ever written is either
allowed (in an item whose current content both consents cover) or secret;
every format, with and without pseudonyms, must show exactly the allowed ones.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairjournal.journal import Journal
from pairjournal.model import ActionItem, Agreement, Objective, ObjectiveProgress, Pair, Role, Takeaway
from pairjournal.sharing import consent, export
from pairjournal.vault.crypto import KdfParams

START, END = date(2025, 1, 1), date(2025, 6, 30)
NOW = datetime(2025, 7, 1, 12, 0, tzinfo=UTC)
KINDS = ("takeaway", "action", "progress", "objective")
ITEMS = 4  # one of each kind

# Sharing and consenting are drawn as often as edits, so most sequences reach a consented
# item and then change it: the case a consent that is only a flag gets wrong.
operations = st.lists(
    st.one_of(
        st.tuples(st.just("edit"), st.integers(0, ITEMS - 1)),
        st.tuples(st.just("wording"), st.integers(0, 2), st.booleans()),  # objectives take no wording
        st.tuples(st.just("share"), st.integers(0, ITEMS - 1), st.just("coordinator")),
        st.tuples(st.just("share"), st.integers(0, ITEMS - 1), st.sampled_from(["private", "partner"])),
        st.tuples(st.just("consent"), st.integers(0, ITEMS - 1)),
        st.tuples(st.just("consent"), st.integers(0, ITEMS - 1)),
        st.tuples(st.just("withdraw"), st.integers(0, ITEMS - 1)),
        st.tuples(st.just("done"), st.just(1)),
        st.tuples(st.just("version"), st.booleans(), st.booleans()),  # (reword the objective, acknowledged by both)
    ),
    max_size=18,
)


@dataclass
class Model:
    """What each item says now, and the content each consent was given for (as plain tuples)."""

    n: int = 0
    every: set[str] = field(default_factory=set)
    fields: list[dict[str, object]] = field(default_factory=list)
    scope: list[str] = field(default_factory=lambda: ["private"] * ITEMS)
    mine: list[tuple[object, ...] | None] = field(default_factory=lambda: [None] * ITEMS)
    theirs: list[tuple[object, ...] | None] = field(default_factory=lambda: [None] * ITEMS)
    acknowledged: bool = True

    def canary(self) -> str:
        self.n += 1
        token = f"PRP{self.n:04d}X"
        self.every.add(token)
        return token

    def content(self, i: int) -> tuple[object, ...]:
        f = self.fields[i]
        wording = f.get("wording") or ""
        if KINDS[i] == "takeaway":
            return (wording or f["text"],)
        if KINDS[i] == "action":
            return (wording or f["text"], "" if wording else f["evidence"], f["status"])
        if KINDS[i] == "progress":
            return (wording or f["evidence"], f["rating"])
        return (f["outcome"], f["evidence"])

    def leaves(self, i: int) -> bool:
        if KINDS[i] == "objective" and not self.acknowledged:
            return False
        now = self.content(i)
        return self.scope[i] == "coordinator" and self.mine[i] == now and self.theirs[i] == now

    def allowed(self) -> set[str]:
        return {str(v) for i in range(ITEMS) if self.leaves(i) for v in self.content(i) if str(v) in self.every}


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)


def _setup(journal: Journal, m: Model) -> tuple[Pair, list[str]]:
    pair = journal.save(Pair(name="Zephyrine Quillon", role=Role.MENTEE, coordinator="Oriel Vantablack",
                             program="Lumenhall", start=START))
    objective = Objective(outcome=m.canary(), evidence=m.canary())
    journal.save(Agreement(pair_id=pair.id, objectives=[objective], my_ack=START, partner_ack=START))
    takeaway = journal.save(Takeaway(pair_id=pair.id, text=m.canary(), created=_at(date(2025, 2, 1))))
    action = journal.save(ActionItem(pair_id=pair.id, text=m.canary(), evidence=m.canary(), created=_at(date(2025, 2, 2))))
    progress = journal.save(ObjectiveProgress(pair_id=pair.id, objective_id=objective.id, on=date(2025, 2, 3), rating=2,
                                              evidence=m.canary(), created=_at(date(2025, 2, 3))))
    m.fields = [
        {"text": takeaway.text, "wording": ""},
        {"text": action.text, "evidence": action.evidence, "status": "open", "wording": ""},
        {"evidence": progress.evidence, "rating": 2, "wording": ""},
        {"outcome": objective.outcome, "evidence": objective.evidence},
    ]
    return pair, [takeaway.id, action.id, progress.id, objective.id]


def _apply(journal: Journal, m: Model, pair: Pair, ids: list[str], op: tuple[object, ...]) -> None:
    kind, i = op[0], op[1]
    assert isinstance(i, int)
    if kind == "edit":
        item = consent.find_item(journal, ids[i])
        name = {"takeaway": "text", "action": "text", "progress": "evidence", "objective": "outcome"}[KINDS[i]]
        value = m.canary()
        if KINDS[i] == "objective":
            _new_version(journal, m, pair, ids, reword=value, acknowledged=m.acknowledged)
            return
        setattr(item, name, value)
        journal.save(item)
        m.fields[i][name] = value
    elif kind == "wording":
        value = m.canary() if op[2] else ""
        consent.set_wording(journal, ids[i], value)
        m.fields[i]["wording"] = value
    elif kind == "share":
        scope = str(op[2])
        consent.set_scope(journal, ids[i], scope, on=END)
        if scope == "coordinator":
            m.mine[i] = m.content(i)
        elif m.scope[i] == "coordinator":
            m.mine[i] = m.theirs[i] = None
        m.scope[i] = scope
    elif kind == "consent":
        consent.give_consent(journal, ids[i], how="in person", on=END)
        m.theirs[i] = m.content(i)
    elif kind == "withdraw":
        if m.scope[i] != "coordinator":
            return
        consent.withdraw(journal, ids[i], on=END)
        m.scope[i], m.mine[i], m.theirs[i] = "private", None, None
    elif kind == "done":
        evidence = m.canary()
        journal.complete_action(ids[1], evidence=evidence, on=END)
        m.fields[1]["evidence"], m.fields[1]["status"] = evidence, "done"
    elif kind == "version":
        _new_version(journal, m, pair, ids, reword=m.canary() if op[1] else None, acknowledged=bool(op[2]))


def _new_version(journal: Journal, m: Model, pair: Pair, ids: list[str], *, reword: str | None,
                 acknowledged: bool) -> None:
    current = journal.agreement(pair.id)
    assert current is not None
    (old,) = current.objectives
    outcome = reword if reword is not None else old.outcome
    version = journal.new_agreement_version(
        pair.id, objectives=[Objective(outcome=outcome, evidence=old.evidence, id=old.id)]
    )
    if acknowledged:
        journal.acknowledge(version, me=END, partner=END)
    m.fields[3]["outcome"] = outcome
    m.acknowledged = acknowledged


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=operations)
def test_only_text_consented_in_exactly_that_form_leaves(ops: list[tuple[object, ...]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        journal = Journal.create(Path(tmp) / "j.pairjournal", "pw-long-enough", KdfParams.cheap())
        try:
            m = Model()
            pair, ids = _setup(journal, m)
            for op in ops:
                _apply(journal, m, pair, ids, op)
            allowed = m.allowed()
            secret = m.every - allowed
            for pseudonymize in (False, True):
                for fmt in export.FORMATS:
                    text = export.prepare(journal, pair, START, END, fmt, pseudonymize=pseudonymize,
                                          generated=NOW).text
                    leaked = sorted(s for s in secret if s in text)
                    assert not leaked, (fmt, pseudonymize, leaked, ops)
                    missing = sorted(s for s in allowed if s not in text)
                    assert not missing, (fmt, pseudonymize, missing, ops)
                    if pseudonymize:
                        for name in ("Zephyrine", "Quillon", "Oriel", "Vantablack", "Lumenhall"):
                            assert name not in text, (fmt, name)
        finally:
            journal.close()

"""A generated program: N pairs of real journals, linked by their cards, with real signed exports.

Each pair is two journals (a mentee and a mentor) made through the API with cheap
but real key derivation, linked by cards, with sessions, action items, takeaways
approved by the partner through bundles (receipts) or recorded by the author, and
both partners' JSON exports written with export.commit (so the disclosure log
numbers them). The roster is made from the participants' cards with the same
call `pairjournal program roster add` makes. `truth` is what the journals hold,
counted from the journals themselves, for the tests to check the report against.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from pairjournal.journal import Journal
from pairjournal.model import (
    ActionItem,
    ActionStatus,
    Agreement,
    Objective,
    ObjectiveProgress,
    Recognition,
    ShareScope,
    Takeaway,
)
from pairjournal.program import roster
from pairjournal.sharing import bundles, cards, consent, export, identity, requests, summary
from pairjournal.vault.crypto import KdfParams

PASSPHRASE = "correct horse battery staple"
COORDINATOR = "Carla Mendes"
TODAY = date.today()
START = TODAY - timedelta(days=83)  # 84 days inclusive: a biweekly pair expects 6 sessions
END = TODAY


@dataclass(frozen=True)
class PairSpec:
    program: str
    cohort: str
    sessions: int = 4
    actions: int = 2  # created by the mentee, of which...
    done: int = 1
    overdue: int = 1
    signed: int = 1  # takeaways the partner approves with a receipt
    recorded: int = 0  # takeaways whose partner consent the author records
    mentor_sessions: int | None = None  # the mentor's journal holds another count (a disagreement)
    both_export: bool = True
    # One entry per objective of an agreement both partners sign: the latest shared progress rating the
    # mentee's journal holds for it, or "not-rated" (the objective is shared, none of its progress is).
    ratings: tuple[str, ...] = ()
    recognitions: int = 0  # the mentee's recognitions of the mentor, shared like the takeaways


@dataclass
class BuiltPair:
    spec: PairSpec
    mentee: Journal
    mentor: Journal
    files: list[Path] = field(default_factory=list)


@dataclass
class World:
    folder: Path
    exports: Path
    roster_path: Path
    pairs: list[BuiltPair]

    def close(self) -> None:
        for pair in self.pairs:
            pair.mentee.close()
            pair.mentor.close()


def _journal(path: Path, name: str) -> Journal:
    journal = Journal.create(path, PASSPHRASE, KdfParams.cheap())
    identity.set_name(journal, name)
    return journal


def _send(sender: Journal, receiver: Journal, folder: Path, n: list[int]) -> None:
    n[0] += 1
    path = folder / f"bundle-{n[0]}.age"
    bundles.write(sender, sender.pairs()[0], path)
    bundles.read(receiver, path)


def export_file(journal: Journal, dest: Path, fmt: str = "json", *, start: date = START, end: date = END,
                pseudonymize: bool = False) -> Path:
    prepared = export.prepare(journal, journal.pairs()[0], start, end, fmt, pseudonymize=pseudonymize)
    export.commit(journal, prepared, dest)
    return dest


def _current(journal: Journal) -> Agreement:
    agreement = journal.agreement(journal.pairs()[0].id)
    assert agreement is not None
    return agreement


def build_pair(folder: Path, index: int, spec: PairSpec) -> BuiltPair:
    folder.mkdir(parents=True, exist_ok=True)
    mentee = _journal(folder / "mentee.pairjournal", f"Mentee {index}")
    mentor = _journal(folder / "mentor.pairjournal", f"Mentor {index}")
    a = mentee.add_pair(f"Mentor {index}", "mentee", coordinator=COORDINATOR, program=spec.program, start=START,
                        cadence="biweekly")
    b = mentor.add_pair(f"Mentee {index}", "mentor", coordinator=COORDINATOR, program=spec.program, start=START,
                        cadence="biweekly")
    mentee.link_partner(a.id, cards.parse_card(cards.make_card(mentor)), verified=True)
    mentor.link_partner(b.id, cards.parse_card(cards.make_card(mentee)), verified=True)
    for n in range(spec.sessions):
        mentee.add_session(a.id, on=START + timedelta(days=3 + 14 * n), minutes=30)
    for n in range(spec.sessions if spec.mentor_sessions is None else spec.mentor_sessions):
        mentor.add_session(b.id, on=START + timedelta(days=3 + 14 * n), minutes=30)
    for n in range(spec.actions):
        overdue = n >= spec.done and n - spec.done < spec.overdue
        action = mentee.add_action(a.id, f"action {n} of pair {index}", due=TODAY - timedelta(days=1) if overdue
                                   else TODAY + timedelta(days=30))
        if n < spec.done:
            mentee.complete_action(action.id, evidence="done", on=TODAY)
    for n in range(spec.signed):
        mentee.add_takeaway(a.id, f"Pair {index} learned <b>thing {n}</b>", scope=ShareScope.COORDINATOR)
    for n in range(spec.recorded):
        made = mentee.add_takeaway(a.id, f"Pair {index} recorded {n}", scope=ShareScope.COORDINATOR)
        consent.give_consent(mentee, made.id, how="in person")
    # Shared objectives, progress and recognitions: with the partner's receipts where the pair's takeaways
    # get them, else with consent the author records ("in person").
    how = None if spec.signed else "in person"
    if spec.ratings:
        mentee.new_agreement_version(a.id, objectives=[Objective(outcome=f"Objective {n + 1} of pair {index}")
                                                       for n in range(len(spec.ratings))])
        bundles.sign_ack_now(mentee, _current(mentee), TODAY)
        for objective, rating in zip(_current(mentee).objectives, spec.ratings, strict=True):
            consent.set_scope(mentee, objective.id, ShareScope.COORDINATOR)
            if how:
                consent.give_consent(mentee, objective.id, how=how)
            if rating == "not-rated":
                continue
            # An earlier rating first: the report takes each objective's latest.
            for level, on in (("emerging", START + timedelta(days=10)), (rating, TODAY - timedelta(days=2))):
                entry = mentee.add_progress(a.id, objective.id, level=level, on=on, evidence=f"seen {level}",
                                            scope=ShareScope.COORDINATOR)
                consent.capture(mentee, entry, partner_how=how)
    for n in range(spec.recognitions):
        made_r = mentee.add_recognition(a.id, f"Mentor {index} was patient ({n})", scope=ShareScope.COORDINATOR)
        consent.capture(mentee, made_r, partner_how=how)
    if spec.signed or spec.ratings:
        count = [0]
        _send(mentee, mentor, folder, count)
        if spec.ratings:  # the mentor signs the same version of the agreement
            bundles.sign_ack_now(mentor, _current(mentor), TODAY)
        if spec.signed:
            for request in mentor.consent_requests(pending_only=True):
                requests.approve(mentor, request.item_id)
        _send(mentor, mentee, folder, count)
    built = BuiltPair(spec, mentee, mentor)
    return built


def build_program(folder: Path, specs: list[PairSpec]) -> World:
    exports = folder / "exports"
    exports.mkdir(parents=True)
    world = World(folder, exports, folder / "roster.toml", [])
    kept = roster.Roster()
    for index, spec in enumerate(specs, 1):
        built = build_pair(folder / f"pair-{index}", index, spec)
        built.files.append(export_file(built.mentee, exports / f"pair-{index}-mentee.json"))
        if spec.both_export:
            built.files.append(export_file(built.mentor, exports / f"pair-{index}-mentor.json"))
        for journal in (built.mentee, built.mentor):
            card = cards.parse_card(cards.make_card(journal))
            roster.add(kept, card, program=spec.program, cohort=spec.cohort)
        world.pairs.append(built)
    roster.save(kept, world.roster_path)
    return world


RATINGS = ("not-started", "emerging", "progressing", "achieved", "not-rated")


def truth(world: World, pairs: list[BuiltPair] | None = None) -> dict[str, int]:
    """What the journals hold over the period, counted from the journals (not from the exports).

    Besides the counts: `objectives` (the objectives a journal may share) and `progress:LEVEL`, how many of
    them stand at LEVEL by their latest shared progress entry ("not-rated" when none of it is shared)."""
    chosen = world.pairs if pairs is None else pairs
    out = {"pairs": len(chosen), "sessions_held": 0, "actions_created": 0, "actions_done": 0, "actions_overdue": 0,
           "takeaways": 0, "recognitions": 0, "consent_signed": 0, "consent_author": 0, "objectives": 0,
           **{f"progress:{r}": 0 for r in RATINGS}}
    for pair in chosen:
        held = [len([s for s in j.sessions(j.pairs()[0].id, START, END) if not s.live])
                for j in (pair.mentee, pair.mentor)]
        out["sessions_held"] += min(held) if pair.spec.both_export else held[0]
        for journal in (pair.mentee, pair.mentor) if pair.spec.both_export else (pair.mentee,):
            mine = [x for x in journal.all(ActionItem) if not getattr(x, "from_partner", False)
                    and x.pair_id == journal.pairs()[0].id]
            out["actions_created"] += len(mine)
            out["actions_done"] += sum(x.status is ActionStatus.DONE for x in mine)
            out["actions_overdue"] += sum(x.status is ActionStatus.OPEN and x.due is not None and x.due < TODAY
                                          for x in mine)
            shared = consent.consented(journal, journal.pairs()[0].id, START, END)
            objectives = [o for _, o in summary.shared_objectives(journal, journal.pairs()[0])]
            for item in [*shared, *objectives]:
                out["takeaways"] += isinstance(item, Takeaway)
                out["recognitions"] += isinstance(item, Recognition)
                theirs = item.partner_consent
                if theirs is not None and theirs.receipt is not None:
                    out["consent_signed"] += 1
                else:
                    out["consent_author"] += 1
            out["objectives"] += len(objectives)
            for objective in objectives:
                rated = sorted((p.on, p.created, p.level.value) for p in shared
                               if isinstance(p, ObjectiveProgress) and p.objective_id == objective.id)
                out[f"progress:{rated[-1][2] if rated else 'not-rated'}"] += 1
    return out


def texts(world: World, pairs: list[BuiltPair] | None = None) -> list[tuple[str, str]]:
    """(kind, text) of every takeaway and recognition the journals may share, as they would leave."""
    chosen = world.pairs if pairs is None else pairs
    found = []
    for pair in chosen:
        for journal in (pair.mentee, pair.mentor) if pair.spec.both_export else (pair.mentee,):
            for item in consent.consented(journal, journal.pairs()[0].id, START, END):
                if isinstance(item, Takeaway | Recognition):
                    kind = "takeaway" if isinstance(item, Takeaway) else "recognition"
                    found.append((kind, item.coordinator_text or item.text))
    return sorted(found)

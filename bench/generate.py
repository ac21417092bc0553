"""Builds a synthetic journal for benchmarks, through pairjournal's own API.

    PYTHONPATH=src python bench/generate.py --records 50000 --out /tmp/big.pairjournal
    PYTHONPATH=src python bench/generate.py --records 300 --out /tmp/small.pairjournal --cheap-kdf

Five years and three pairs (two still active), which is what someone who kept
their journal from the start would have, scaled to ``--records``: agreement
versions with objectives, sessions with 200-800 words of notes (paragraphs,
bullet lists, some Markdown), takeaways, action items (done, dropped, open and
overdue), objective progress and reflections of 50-300 words, some of each
shared with the coordinator with consent. Words come from a vocabulary of a
few thousand with a Zipf-like frequency, so common words match most records
and rare ones a handful, as in real writing.

The same ``--records`` and ``--seed`` give the same content (ids included).
Records are written with Journal.save inside one journal.batch() per
``--batch`` records: one transaction each, so generation is quick.
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from pairjournal.journal import (
    Journal,
    outbound,
)
from pairjournal.journal.prompts import BUILTIN_PROMPTS
from pairjournal.model import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    Agreement,
    Cadence,
    Consent,
    Entity,
    Objective,
    ObjectiveProgress,
    Owner,
    Pair,
    PairStatus,
    Prompt,
    PromptCategory,
    PromptTiming,
    Reflection,
    Role,
    Session,
    ShareScope,
    Takeaway,
)
from pairjournal.vault.crypto import KdfParams

# For benchmark journals only: they hold nothing but generated text.
DEFAULT_PASSPHRASE = "pairjournal benchmark passphrase (not a secret)"
YEARS = 5
DEFAULT_BATCH = 5000

# The most frequent words first: function words, then the vocabulary of the domain.
COMMON = """
the and to of a in that is we it for on with about how was this be as what they he she i you not but
at have from our their more when can so one would about them an all there if out do up will which
just his her my me did said think said like some time about other into than then also very could
""".split()
DOMAIN = """
feedback mentor mentee session agenda leader junior senior listen question assumption learn teach
digital habit security prompt review progress objective evidence calendar meeting coffee team
customer culture insight practical tool shortcut draft email report trust repair pause intent
recommit boundary energy curious patient honest clear small step weekly monthly follow through
generation perspective experience skill confidence context career guidance network visibility
strategy decision priority stakeholder workshop presentation slide dashboard data privacy password
phishing authentication update device laptop phone chat channel thread message notification
automation spreadsheet formula chart pivot query model assistant summary translation transcript
video recording platform social media post audience brand campaign launch product feature release
roadmap backlog sprint retrospective standup demo prototype experiment hypothesis metric target
budget forecast quarter board executive director manager colleague peer intern graduate hire
onboarding offboarding training course certificate reading article book podcast newsletter blog
habit routine morning evening commute travel remote hybrid office home balance wellbeing stress
workload burnout recovery rest holiday weekend deadline delay blocker risk issue incident outage
policy compliance audit regulation contract vendor partner supplier client account sales pipeline
pricing discount invoice payment margin revenue cost saving efficiency process workflow handover
documentation template checklist guideline standard principle value mission vision purpose goal
outcome impact result milestone timeline schedule slot reschedule cancel postpone attend join
host invite agenda minutes notes capture takeaway action owner due done dropped open overdue
acknowledge agreement version charter scope confidentiality norm norms respect candour humility
vulnerability empathy patience curiosity openness assumption bias stereotype label age gap
younger older fresh seasoned wisdom mistake failure success win lesson pattern signal noise
listen listening speaking interrupt silence tone language jargon acronym explain example story
analogy metaphor sketch diagram whiteboard sticky board kanban ticket label tag filter search
inbox folder archive backup restore encrypt secure lock unlock key passphrase manager vault
browser extension tab bookmark shortcut keyboard terminal command script python excel sheet
generative ai chatbot prompting hallucination citation source verify fact check accuracy
reverse mentoring program cohort coordinator rotation pairing match kickoff midpoint closing
reflection journal entry mood check energy tired excited nervous proud frustrated grateful
""".split()
MOODS = ["calm", "curious", "tired", "energised", "anxious", "focused", "scattered", "hopeful", "proud"]
TAGS = ["ai", "security", "feedback", "career", "culture", "customers", "tools", "habits", "repair", "wins"]
PARTNERS = [
    ("Priya Raman", Role.MENTEE, "Digital Leaders 2021", "Alex Moreau"),
    ("Tomás Oliveira", Role.MENTEE, "Digital Leaders 2023", "Alex Moreau"),
    ("Jun Park", Role.MENTOR, "Leadership Circle 2024", "Sam Okafor"),
]


def _pseudo_words(count: int, seed: int = 7) -> list[str]:
    """A long tail of made-up but pronounceable words, fixed whatever --seed is."""
    rng = random.Random(seed)
    onsets = ["b", "br", "c", "ch", "d", "f", "fl", "g", "gr", "h", "k", "l", "m", "n", "p", "pl", "r",
              "s", "st", "sh", "t", "tr", "v", "w", "z"]
    vowels = ["a", "e", "i", "o", "u", "ai", "ea", "ou", "io"]
    codas = ["", "n", "r", "l", "s", "t", "m", "nd", "rt", "st", "ck"]
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < count:
        syllables = rng.choice((2, 2, 3, 3, 4))
        word = "".join(rng.choice(onsets) + rng.choice(vowels) for _ in range(syllables)) + rng.choice(codas)
        if word not in seen:
            seen.add(word)
            out.append(word)
    return out


def vocabulary(size: int = 4000) -> list[str]:
    seen: set[str] = set()
    words = [w for w in COMMON + DOMAIN if not (w in seen or seen.add(w))]  # type: ignore[func-returns-value]
    return words + _pseudo_words(size - len(words))


class Writer:
    """Random text with a Zipf-like word frequency (the word of rank r has weight 1/r^1.07)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.words = vocabulary()
        self.cum = list(itertools.accumulate(1.0 / (rank**1.07) for rank in range(1, len(self.words) + 1)))

    def words_n(self, n: int) -> list[str]:
        return self.rng.choices(self.words, cum_weights=self.cum, k=n)

    def sentence(self, lo: int = 6, hi: int = 20) -> str:
        words = self.words_n(self.rng.randint(lo, hi))
        if len(words) > 8 and self.rng.random() < 0.3:
            words[self.rng.randrange(3, len(words) - 3)] += ","
        return words[0].capitalize() + " " + " ".join(words[1:]) + "."

    def prose(self, n_words: int, markdown: bool = False) -> str:
        """About n_words of sentences in paragraphs; with markdown, some headings, bullets and emphasis."""
        rng = self.rng
        paragraphs: list[str] = []
        written = 0
        while written < n_words:
            kind = rng.random() if markdown else 1.0
            if kind < 0.12:
                items = [f"- {self.sentence(3, 10)}" for _ in range(rng.randint(2, 5))]
                paragraphs.append("\n".join(items))
                written += sum(len(i.split()) - 1 for i in items)
                continue
            if kind < 0.18:
                heading = " ".join(self.words_n(rng.randint(1, 3))).capitalize()
                paragraphs.append(f"## {heading}")
                written += 1
            sentences = []
            for _ in range(rng.randint(2, 6)):
                s = self.sentence()
                if markdown and rng.random() < 0.08:
                    first, _, rest = s.partition(" ")
                    s = f"**{first}** {rest}"
                if markdown and rng.random() < 0.03:
                    s += f" See `{self.words_n(1)[0]}`."
                sentences.append(s)
                written += len(s.split())
            paragraphs.append(" ".join(sentences))
        return "\n\n".join(paragraphs)


_LOCAL = datetime.now().astimezone().tzinfo


def _at(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, dtime(rng.randint(8, 18), rng.choice((0, 15, 30, 45))), tzinfo=_LOCAL)


def _id(rng: random.Random, nbytes: int = 16) -> str:
    return f"{rng.getrandbits(nbytes * 8):0{nbytes * 2}x}"


def _split(total: int, parts: int, index: int) -> int:
    """The index-th share of total split as evenly as possible into parts (shares sum to total)."""
    return total * (index + 1) // parts - total * index // parts


def _consent(rng: random.Random, day: date, share: float) -> dict[str, object]:
    """Share flags: mostly private, some for the partner, some for the coordinator (most with consent)."""
    roll = rng.random()
    if roll < share:
        consent = Consent(given_on=day + timedelta(days=rng.randint(0, 5))) if rng.random() < 0.8 else None
        return {"scope": ShareScope.COORDINATOR, "partner_consent": consent}
    if roll < share + 0.1:
        return {"scope": ShareScope.PARTNER}
    return {}


def _bound(
    item: Takeaway | ActionItem | ObjectiveProgress, on: date, pair: Pair
) -> Takeaway | ActionItem | ObjectiveProgress:
    """Both consents of a coordinator item recorded for its content, as the consent verbs would."""
    if item.scope is not ShareScope.COORDINATOR:
        return item
    if isinstance(item, Takeaway):
        content = outbound.takeaway_content(item, on, pair)
    elif isinstance(item, ActionItem):
        content = outbound.action_content(item, pair)
    else:
        content = outbound.progress_content(item, on, pair)
    sha = outbound.digest(content)
    item.my_consent = Consent(given_on=on, how="", sha256=sha)
    if item.partner_consent is not None:
        item.partner_consent = outbound.bound(item.partner_consent, sha)
    return item


def records(total: int, seed: int, today: date) -> Iterator[Entity]:
    """Exactly `total` entities, in an order where every reference points backwards."""
    rng = random.Random(seed)
    w = Writer(rng)
    start = today - timedelta(days=365 * YEARS)
    n_pairs = min(3, max(1, total // 20))
    n_prompts = min(5, max(0, total // 500))
    n_agreements = max(n_pairs, min(n_pairs * 20, total // 400))
    rest = total - n_pairs - n_prompts - n_agreements
    n_sessions = max(1, round(rest * 0.17))
    n_takeaways = round(rest * 0.24)
    n_actions = round(rest * 0.24)
    n_progress = round(rest * 0.05)
    n_reflections = rest - n_sessions - n_takeaways - n_actions - n_progress

    # Pairs rotate: overlapping spans over five years; the first one has ended.
    spans = [(0.0, 0.45), (0.35, 1.0), (0.6, 1.0)][:n_pairs]
    days = (today - start).days
    pairs: list[Pair] = []
    for i, (a, b) in enumerate(spans):
        name, role, program, coordinator = PARTNERS[i]
        first, last = start + timedelta(days=int(a * days)), start + timedelta(days=int(b * days))
        pair = Pair(
            id=_id(rng), name=name, role=role, program=program, coordinator=coordinator,
            cadence=rng.choice((Cadence.WEEKLY, Cadence.BIWEEKLY)), minutes=rng.choice((30, 45)),
            start=first, planned_end=last if b < 1 else today + timedelta(days=180),
            status=PairStatus.ENDED if b < 1 else PairStatus.ACTIVE, created=_at(first, rng),
        )
        pairs.append(pair)
        yield pair

    prompt_ids = [p.id for p in BUILTIN_PROMPTS]
    for _ in range(n_prompts):
        prompt = Prompt(id=_id(rng), text=w.sentence(8, 16).rstrip(".") + "?", category=PromptCategory.CUSTOM,
                        timing=rng.choice((PromptTiming.BETWEEN, PromptTiming.AFTER)), created=_at(start, rng))
        prompt_ids.append(prompt.id)
        yield prompt

    # Agreement versions, spread over each pair's span; objective ids carry over between versions.
    objectives: dict[str, list[Objective]] = {}
    for i, pair in enumerate(pairs):
        count = _split(n_agreements, n_pairs, i)
        pair_days = ((pair.planned_end if pair.status is PairStatus.ENDED else today) - pair.start).days
        goals = [Objective(id=_id(rng, 4), outcome=w.sentence(8, 14), evidence=w.sentence(6, 12),
                           timebox=pair.start + timedelta(days=rng.randint(90, 365))) for _ in range(rng.randint(2, 3))]
        for version in range(1, count + 1):
            on = pair.start + timedelta(days=pair_days * (version - 1) // count)
            if version > 1 and rng.random() < 0.5:
                goals = [Objective(id=g.id, outcome=w.sentence(8, 14), evidence=g.evidence, timebox=g.timebox)
                         for g in goals]
            objectives[pair.id] = goals
            yield Agreement(
                id=_id(rng), pair_id=pair.id, version=version, objectives=list(goals), cadence=pair.cadence,
                minutes=pair.minutes, confidentiality=w.sentence(), scope=w.sentence(), scheduling=w.sentence(),
                feedback_norms=w.sentence(), repair_routine=w.prose(40), review_date=on + timedelta(days=90),
                my_ack=on, partner_ack=on + timedelta(days=rng.randint(0, 7)), created=_at(on, rng),
            )

    # Sessions in date order per pair, each followed by what came out of it.
    weights = [b - a for a, b in spans]
    session_pairs = rng.choices(range(n_pairs), weights=weights, k=n_sessions)
    session_days = []
    for i in session_pairs:
        a, b = spans[i]
        session_days.append(start + timedelta(days=int(rng.uniform(a, b) * (days - 1))))
    order = sorted(range(n_sessions), key=lambda k: session_days[k])
    for n, k in enumerate(order):
        pair, day = pairs[session_pairs[k]], session_days[k]
        goals = objectives[pair.id]
        started = _at(day, rng)
        minutes = max(5, int(rng.gauss(pair.minutes, 8)))
        live = rng.random() < 0.6
        session = Session(
            id=_id(rng), pair_id=pair.id, date=day, planned_minutes=pair.minutes, actual_minutes=minutes,
            started_at=started if live else None, ended_at=started + timedelta(minutes=minutes) if live else None,
            agenda=[AgendaItem(text=w.sentence(3, 9), done=rng.random() < 0.7) for _ in range(rng.randint(2, 5))],
            checkin_mood=rng.choice(MOODS), checkin_note=w.sentence(), notes=w.prose(rng.randint(200, 800), True),
            objective_ids=[g.id for g in rng.sample(goals, rng.randint(0, len(goals)))], created=started,
        )
        yield session

        for _ in range(_split(n_takeaways, n_sessions, n)):
            share = _consent(rng, day, 0.25)
            wording = w.sentence() if share.get("scope") is ShareScope.COORDINATOR and rng.random() < 0.4 else ""
            yield _bound(Takeaway(id=_id(rng), pair_id=pair.id, session_id=session.id, text=w.sentence(8, 30),
                                  coordinator_text=wording, created=started, **share), day, pair)  # type: ignore[arg-type]

        for _ in range(_split(n_actions, n_sessions, n)):
            due = day + timedelta(days=rng.randint(7, 28))
            roll = rng.random()
            if due < today - timedelta(days=30):
                status = ActionStatus.DONE if roll < 0.8 else ActionStatus.DROPPED if roll < 0.92 else ActionStatus.OPEN
            else:
                status = ActionStatus.OPEN if roll < 0.7 else ActionStatus.DONE
            done = status is ActionStatus.DONE
            yield _bound(ActionItem(
                id=_id(rng), pair_id=pair.id, session_id=session.id, text=w.sentence(5, 14),
                owner=rng.choice(list(Owner)), due=due if rng.random() < 0.85 else None, status=status,
                evidence=w.sentence() if done else "", completed_on=min(today, due) if done else None,
                objective_id=rng.choice(goals).id if rng.random() < 0.4 else None, created=started,
                **_consent(rng, day, 0.1),  # type: ignore[arg-type]
            ), day, pair)

        for _ in range(_split(n_progress, n_sessions, n)):
            yield _bound(ObjectiveProgress(id=_id(rng), pair_id=pair.id, objective_id=rng.choice(goals).id, on=day,
                                           rating=rng.randint(1, 5), evidence=w.sentence(8, 25), created=started,
                                           **_consent(rng, day, 0.5)), day, pair)  # type: ignore[arg-type]

        for _ in range(_split(n_reflections, n_sessions, n)):
            later = min(today, day + timedelta(days=rng.randint(0, 10)))
            yield Reflection(
                id=_id(rng), text=w.prose(rng.randint(50, 300)),
                prompt_id=rng.choice(prompt_ids) if rng.random() < 0.4 else None,
                pair_id=pair.id if rng.random() < 0.7 else None,
                title=w.sentence(2, 6).rstrip(".") if rng.random() < 0.3 else "",
                tags=rng.sample(TAGS, rng.randint(0, 3)), starred=rng.random() < 0.05, created=_at(later, rng),
            )


def generate(
    out: Path,
    total: int,
    *,
    seed: int = 1,
    passphrase: str = DEFAULT_PASSPHRASE,
    kdf: KdfParams | None = None,
    batch: int = DEFAULT_BATCH,
    today: date | None = None,
) -> int:
    """Creates the journal at `out` (which must not exist); returns how many records it holds."""
    journal = Journal.create(out, passphrase, kdf or KdfParams.production())
    written = 0
    try:
        stream = records(total, seed, today or date.today())
        while True:
            chunk = list(itertools.islice(stream, batch))
            if not chunk:
                break
            with journal.batch():
                for entity in chunk:
                    journal.save(entity)
            written += len(chunk)
        # Left as the interface leaves a journal: with its search index built, so that the
        # close seals it beside home (docs/FORMAT.md, "The `search` entry").
        journal.build_index()
        journal.keeps_home_cache = True
    finally:
        journal.close(today=today)  # a journal that wrote seals its unlock cache as it closes
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, required=True, help="how many records to write (at least 1)")
    parser.add_argument("--out", type=Path, required=True, help="the journal file to create (must not exist)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--passphrase", default=DEFAULT_PASSPHRASE, help="defaults to a fixed benchmark passphrase")
    parser.add_argument("--cheap-kdf", action="store_true", help="fast key derivation, for smoke tests")
    parser.add_argument("--batch", type=int, default=DEFAULT_BATCH, help="records per transaction")
    args = parser.parse_args(argv)
    if args.records < 10 or args.batch < 1:
        parser.error("--records must be at least 10 and --batch at least 1")
    if args.out.exists():
        parser.error(f"{args.out} already exists; choose a new path")
    started = time.perf_counter()
    kdf = KdfParams.cheap() if args.cheap_kdf else KdfParams.production()
    count = generate(args.out, args.records, seed=args.seed, passphrase=args.passphrase, kdf=kdf, batch=args.batch)
    size = args.out.stat().st_size / 1e6
    print(f"wrote {count} records to {args.out} ({size:.1f} MB) in {time.perf_counter() - started:.1f} s",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

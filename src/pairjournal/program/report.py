"""One program report from many signed exports: verified, joined into pairs, totalled, suppressed.

The report is one JSON-ready dict (docs/report.schema.json); the Markdown and
HTML pages render that dict and nothing else, so all three carry the same
numbers. docs/COORDINATOR.md describes it for people.

- **Verified**: each file with `verify`'s code against every key on the roster
  (intake.py); a refused file is listed with its reason and counts for nothing.
- **One journal's files**: two copies of one file count once; of several exports
  of one pair by one author over overlapping periods (a pseudonymised export may be
  of any pair of its journal), the newest (highest disclosure number) counts; a
  disclosure number that goes backwards in time, or one number claimed by two
  different files, refuses the later file.
- **Joined**: an export names the partner's pinned key; two exports by partners
  naming each other, over the same or overlapping periods, are one pair, counted
  once. Where both journals count the same thing (sessions held and expected,
  the cadence, the version both signed, the period) and disagree, the pair is
  flagged, and it is counted with the fewer sessions held and the more expected.
  Each journal's own action items, shared items and receipts are added up.
- **Suppressed**: every cell knows how many pairs it is drawn from; below K it
  is hidden, and further cells are hidden until none can be worked out
  (suppression.py).
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from pairjournal.errors import UsageError
from pairjournal.program.intake import (
    DUPLICATE,
    LEVELS,
    LOG_BACKWARDS,
    PARTNER_DISOWNS,
    Export,
    Refused,
    SharedText,
    Uncountable,
    latest,
    read_one,
)
from pairjournal.program.roster import Roster
from pairjournal.program.suppression import COMPLEMENTARY, Cell, Key, Sum, suppress

SCHEMA = "pairjournal-program-report"
VERSION = 1
DEFAULT_MIN_PAIRS = 5

SUMMED = (
    "pairs", "sessions_held", "sessions_expected", "actions_created", "actions_done", "actions_overdue",
    "takeaways", "recognitions", "consent_signed", "consent_author", "objectives",
)
METRIC_LABELS = {
    "pairs": "Pairs active",
    "sessions_held": "Sessions held",
    "sessions_expected": "Sessions expected",
    "actions_created": "Actions created",
    "actions_done": "Actions done",
    "actions_overdue": "Actions overdue",
    "takeaways": "Shared takeaways",
    "recognitions": "Shared recognitions",
    "consent_signed": "Shared items with a partner-signed receipt",
    "consent_author": "Shared items with consent recorded by the author",
    "objectives": "Objectives reported",
}
BANDS = ("none-expected", "under-50", "50-79", "80-99", "100-plus")
BAND_LABELS = {
    "none-expected": "no session expected",
    "under-50": "under 50%",
    "50-79": "50–79%",
    "80-99": "80–99%",
    "100-plus": "100% or more",
}
RATINGS = (*LEVELS, "not-rated")
RATING_LABELS = {"not-started": "not started", "emerging": "emerging", "progressing": "progressing",
                 "achieved": "achieved", "not-rated": "no shared rating"}
SIDE_FIELDS = (("held", "sessions held"), ("expected", "sessions expected"), ("cadence", "cadence"),
               ("agreement_signed", "the agreement version both signed"))

EXPORT_SUFFIXES = {".json", ".md", ".markdown", ".html", ".htm"}
Progress = Callable[[int], None]


# -- collecting the files -------------------------------------------------------------------------


def collect(paths: Sequence[Path]) -> list[Path]:
    """Every file named, and every file under every folder named (hidden ones skipped), in a stable order."""
    if not paths:
        raise UsageError("name at least one export file or folder")
    found: list[Path] = []
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                found += [Path(root) / name for name in sorted(files) if not name.startswith(".")]
        elif path.exists() or path.is_symlink():
            found.append(path)
        else:
            raise UsageError(f"no such file or folder: {path}")
    seen: set[Path] = set()
    unique = []
    for path in found:
        if path not in seen:
            seen.add(path)
            unique.append(path)
    if not unique:
        raise UsageError("the folders named hold no files")
    return unique


# -- pairs ------------------------------------------------------------------------------------------


@dataclass
class PairPeriod:
    sides: list[Export]
    held: int
    expected: int
    period_to: str  # YYYY-MM of the period's end

    @property
    def files(self) -> list[str]:
        return [s.file for s in self.sides]


@dataclass
class Pair:
    key: tuple[Any, ...]
    program: str
    cohort: str
    label: str
    periods: list[PairPeriod] = field(default_factory=list)
    objectives: dict[str, tuple[str, str] | None] = field(default_factory=dict)
    texts: list[SharedText] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def band(self) -> str:
        held = sum(p.held for p in self.periods)
        expected = sum(p.expected for p in self.periods)
        if expected == 0:
            return "none-expected"
        ratio = held / expected
        return "under-50" if ratio < 0.5 else "50-79" if ratio < 0.8 else "80-99" if ratio < 1 else "100-plus"


@dataclass(frozen=True)
class Flag:
    pair: str
    files: tuple[str, ...]
    differences: tuple[str, ...]
    cohorts: tuple[tuple[str, str], ...] = ()  # (program, cohort) of the partners


def _one_per_journal(exports: list[Export], refused: list[Refused]) -> tuple[list[Export], list[dict[str, str]]]:
    """Copies counted once; a disclosure log going backwards refused; older exports of one pair and period set aside."""
    by_hash: dict[str, Export] = {}
    kept: list[Export] = []
    for export in exports:
        first = by_hash.get(export.sha256)
        if first is not None:
            refused.append(Refused(export.file, DUPLICATE, f"a copy of {first.file}: counted once"))
            continue
        by_hash[export.sha256] = export
        kept.append(export)
    by_author: dict[str, list[Export]] = defaultdict(list)
    for export in kept:
        by_author[export.author.fingerprint].append(export)
    ordered: list[Export] = []
    for journal_exports in by_author.values():
        journal_exports.sort(key=lambda e: (e.generated, e.seq, e.file))
        highest: Export | None = None
        numbers: dict[int, Export] = {}
        for export in journal_exports:
            if export.seq in numbers:
                other = numbers[export.seq]
                refused.append(Refused(export.file, LOG_BACKWARDS,
                                       f"disclosure log reused: it claims number {export.seq}, as {other.file} "
                                       "(a different export of the same journal) does"))
                continue
            if highest is not None and export.seq < highest.seq:
                refused.append(Refused(export.file, LOG_BACKWARDS,
                                       f"disclosure log went backwards: number {export.seq}, made after "
                                       f"{highest.file}, which has number {highest.seq}"))
                continue
            numbers[export.seq] = export
            highest = export
            ordered.append(export)
    # Several exports of one pair by one journal over overlapping periods (the same period again, a period
    # that overlaps, a pseudonymised copy beside a named one): the newest says it all, the others are set
    # aside, so no session or item of one journal is counted twice.
    kept_newest: list[Export] = []
    superseded: list[dict[str, str]] = []
    for export in sorted(ordered, key=lambda e: (e.author.fingerprint, -e.seq, e.file)):
        newer = next((k for k in kept_newest if k.author.fingerprint == export.author.fingerprint
                      and _same_pair(k, export) and _overlap(k, export) > 0), None)
        if newer is None:
            kept_newest.append(export)
        else:
            superseded.append({"file": export.file, "by": newer.file})
    return sorted(kept_newest, key=lambda e: e.file), sorted(superseded, key=lambda s: s["file"])


def _same_pair(a: Export, b: Export) -> bool:
    """Whether two exports of one journal may be of the same pair. A pseudonymised export names neither the
    partner nor the pair, so it may be of any pair of its journal: counted once with the other, never twice.

    Otherwise the pair's id says, not the partner's key: one pair exported before and after it was linked
    (or relinked to a partner's new key) names two keys, or one and none, and was counted twice."""
    if a.pseudonymized or b.pseudonymized:
        return True
    return a.pair_ref == b.pair_ref


def _confirmed(exports: list[Export], refused: list[Refused], roster: Roster) -> list[Export]:
    """An export naming a partner whose own exports of an overlapping period name someone else is refused.

    Nothing in an export without receipts or a signed agreement binds its payload to its signer, so anyone on
    the roster could sign a partner's payload again as their own and add a pair; the named partner's own
    export says who their partner was."""
    named: dict[str, list[Export]] = defaultdict(list)
    for export in exports:
        if export.partner_fingerprint:
            named[export.author.fingerprint].append(export)
    kept = []
    for export in exports:
        theirs = [t for t in named.get(export.partner_fingerprint or "", []) if _overlap(export, t) > 0]
        if theirs and all(t.partner_fingerprint != export.author.fingerprint for t in theirs):
            partner = roster.find(export.partner_fingerprint or "")
            others = sorted({t.file for t in theirs})
            refused.append(Refused(export.file, PARTNER_DISOWNS,
                                   f"names {partner.name if partner else export.partner_fingerprint} as partner, "
                                   f"but their own export of an overlapping period ({', '.join(others)}) names "
                                   f"another partner than {export.author.name}: not counted"))
            continue
        kept.append(export)
    return kept


def _overlap(a: Export, b: Export) -> int:
    return (min(a.period_to, b.period_to) - max(a.period_from, b.period_from)).days + 1


def _label(sides: list[Export], roster: Roster) -> str:
    first = sides[0]
    for side in sides:  # one partner asked for pseudonyms: the pair is shown under them
        if side.pseudonymized:
            return side.pair_ref
    names = sorted(s.author.name for s in sides)
    if len(sides) == 1:
        partner = roster.find(first.partner_fingerprint) if first.partner_fingerprint else None
        names.append(partner.name if partner else first.pair_partner or "partner not named")
    return " & ".join(names)


def join(exports: list[Export], roster: Roster) -> tuple[list[Pair], list[Flag]]:
    """Exports into pairs: both partners' exports of one pair and period are one pair-period."""
    units: dict[tuple[Any, ...], list[Export]] = defaultdict(list)
    linked_of: dict[str, list[tuple[tuple[Any, ...], Export]]] = defaultdict(list)
    for export in exports:
        if export.partner_fingerprint:
            key: tuple[Any, ...] = ("linked", *sorted((export.author.fingerprint, export.partner_fingerprint)))
            units[key].append(export)
            for fingerprint in (export.author.fingerprint, export.partner_fingerprint):
                linked_of[fingerprint].append((key, export))
    for export in exports:
        if not export.partner_fingerprint:
            # An export naming no partner key (pseudonymised, or unlinked) joins a linked pair of its author
            # over an overlapping period when there is one: the partner's export names this author's key.
            near = [k for k, other in linked_of[export.author.fingerprint] if _overlap(export, other) > 0]
            units[min(near) if near else ("single", export.author.fingerprint, export.pair_ref)].append(export)
    pairs: list[Pair] = []
    flags: list[Flag] = []
    for key, members in sorted(units.items()):
        authors = sorted({m.author.fingerprint for m in members})
        mine = [m for m in members if m.author.fingerprint == authors[0]]
        theirs = [m for m in members if m.author.fingerprint != authors[0]]
        periods: list[list[Export]] = []
        for export in sorted(mine, key=lambda e: e.period_from):
            match = max(theirs, key=lambda t: _overlap(export, t), default=None)
            if match is not None and _overlap(export, match) > 0:
                theirs.remove(match)
                periods.append([export, match])
            else:
                periods.append([export])
        periods += [[t] for t in theirs]
        owners = sorted({(m.author.program, m.author.cohort) for m in members})
        pair = Pair(key, owners[0][0], owners[0][1], _label(periods[0], roster))
        for sides in periods:
            differences = [words for name, words in SIDE_FIELDS
                           if len(sides) == 2 and getattr(sides[0], name) != getattr(sides[1], name)]
            if len(sides) == 2 and (sides[0].period_from, sides[0].period_to) != (sides[1].period_from,
                                                                                  sides[1].period_to):
                differences.append("the period")
            if differences:
                flags.append(Flag(pair.label, tuple(sorted(s.file for s in sides)), tuple(differences),
                                  tuple(owners)))
            pair.periods.append(PairPeriod(sides, min(s.held for s in sides), max(s.expected for s in sides),
                                           max(s.period_to for s in sides).isoformat()[:7]))
            for side in sides:
                for name in ("actions_created", "actions_done", "actions_overdue"):
                    pair.counts[name] += getattr(side, name)
                pair.counts["consent_signed"] += side.items_partner_signed
                pair.counts["consent_author"] += side.items_author_recorded
                pair.texts += side.texts
                for objective, rated in side.objectives.items():
                    before = pair.objectives.get(objective)
                    pair.objectives[objective] = latest(before, rated)
        if len(owners) > 1:
            flags.append(Flag(pair.label, tuple(sorted(m.file for m in members)),
                              ("the roster puts the partners in different programs or cohorts",), tuple(owners)))
        pairs.append(pair)
    return pairs, flags


# -- cells -------------------------------------------------------------------------------------------

Group = tuple[str, ...]  # ("all",), ("program", P), ("cohort", P, C)


def _values(pair: Pair) -> dict[Key, tuple[int, bool]]:
    """What one pair adds to each cell of its groups, and whether it is drawn on for that cell."""
    ratings = [rated[1] if rated else "not-rated" for rated in pair.objectives.values()]
    out: dict[Key, tuple[int, bool]] = {
        "pairs": (1, True),
        "sessions_held": (sum(p.held for p in pair.periods), True),
        "sessions_expected": (sum(p.expected for p in pair.periods), True),
        "takeaways": (sum(t.kind == "takeaway" for t in pair.texts), True),
        "recognitions": (sum(t.kind == "recognition" for t in pair.texts), True),
        "objectives": (len(ratings), bool(ratings)),
    }
    for name in ("actions_created", "actions_done", "actions_overdue", "consent_signed", "consent_author"):
        out[name] = (pair.counts[name], True)
    for band in BANDS:
        out[("adherence", band)] = (int(pair.band == band), pair.band == band)
    for rating in RATINGS:
        n = ratings.count(rating)
        out[("progress", rating)] = (n, n > 0)
    return out


def _cells(pairs: list[Pair], programs: dict[str, list[str]]) -> tuple[dict[Key, Cell], list[Sum]]:
    groups: list[Group] = [("all",)]
    for program, cohorts in programs.items():
        groups.append(("program", program))
        groups += [("cohort", program, c) for c in cohorts]
    metrics: list[Key] = [*SUMMED, *(("adherence", b) for b in BANDS), *(("progress", r) for r in RATINGS)]
    cells: dict[Key, Cell] = {(g, m): Cell(0, 0) for g in groups for m in metrics}
    months: dict[str, set[tuple[Any, ...]]] = defaultdict(set)
    for pair in pairs:
        values = _values(pair)
        for owner in (("all",), ("program", pair.program), ("cohort", pair.program, pair.cohort)):
            for metric, (value, drawn) in values.items():
                cell = cells[(owner, metric)]
                cell.value += value
                cell.pairs += int(drawn)
        for period in pair.periods:
            for what, value in (("held", period.held), ("expected", period.expected)):
                cell = cells.setdefault(("month", period.period_to, what), Cell(0, 0))
                cell.value += value
            months[period.period_to].add(pair.key)
    for month, keys in months.items():
        for what in ("held", "expected"):
            cells[("month", month, what)].pairs = len(keys)
    sums: list[Sum] = []
    for metric in metrics:
        sums.append(Sum((("all",), metric), tuple((("program", p), metric) for p in programs)))
        for program, cohorts in programs.items():
            sums.append(Sum((("program", program), metric), tuple((("cohort", program, c), metric) for c in cohorts)))
    for each in groups:
        sums.append(Sum((each, "pairs"), tuple((each, ("adherence", b)) for b in BANDS)))
        sums.append(Sum((each, "objectives"), tuple((each, ("progress", r)) for r in RATINGS)))
    ordered_months = sorted(months)
    sums.append(Sum((("all",), "sessions_held"), tuple(("month", m, "held") for m in ordered_months)))
    sums.append(Sum((("all",), "sessions_expected"), tuple(("month", m, "expected") for m in ordered_months)))
    return cells, sums


# -- the report --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Built:
    report: dict[str, Any]
    cells: dict[Key, Cell]
    sums: list[Sum]
    hidden: dict[Key, str]


def reasons(k: int) -> dict[str, str]:
    return {
        "primary": f"fewer than {k} pairs",
        COMPLEMENTARY: f"withheld to protect a cell of fewer than {k} pairs",
    }


def build(paths: Sequence[Path], roster: Roster, *, min_pairs: int = DEFAULT_MIN_PAIRS,
          progress: Progress | None = None, generated: datetime | None = None,
          files: Iterable[Path] | None = None) -> Built:
    """The whole report over every file named (folders walked), checked against the roster."""
    if min_pairs < 1:
        raise UsageError(f"--min-pairs must be at least 1 (got {min_pairs})")
    found = list(files) if files is not None else collect(paths)
    accepted: list[Export] = []
    refused: list[Refused] = []
    uncountable: list[Uncountable] = []
    for path in found:
        result = read_one(path, str(path), roster)
        if isinstance(result, Refused):
            refused.append(result)
        elif isinstance(result, Uncountable):
            uncountable.append(result)
        else:
            accepted.append(result)
        if progress is not None:
            progress(1)
    counted, superseded = _one_per_journal(accepted, refused)
    counted = _confirmed(counted, refused, roster)
    pairs, flags = join(counted, roster)
    programs: dict[str, list[str]] = defaultdict(list)
    for person in roster.participants:
        if person.cohort not in programs[person.program]:
            programs[person.program].append(person.cohort)
    programs = {p: sorted(c) for p, c in sorted(programs.items())}
    cells, sums = _cells(pairs, programs)
    hidden = suppress(cells, sums, min_pairs)
    why = reasons(min_pairs)

    def put(target: dict[str, Any], name: str, key: Key) -> None:
        if key in hidden:
            target[name] = None
            target[f"{name}_reason"] = why[hidden[key]]
        else:
            target[name] = cells[key].value

    def group(g: Group, name: str | None) -> dict[str, Any]:
        out: dict[str, Any] = {} if name is None else {"name": name}
        for metric in SUMMED:
            put(out, metric, (g, metric))
        out["adherence"] = []
        for band in BANDS:
            row: dict[str, Any] = {"band": band, "label": BAND_LABELS[band]}
            put(row, "pairs", (g, ("adherence", band)))
            out["adherence"].append(row)
        out["progress"] = []
        for rating in RATINGS:
            row = {"level": rating, "label": RATING_LABELS[rating]}
            put(row, "objectives", (g, ("progress", rating)))
            out["progress"].append(row)
        return out

    months = []
    for key in sorted(k for k in cells if isinstance(k, tuple) and k[0] == "month" and k[2] == "held"):
        row: dict[str, Any] = {"month": key[1]}
        put(row, "held", key)
        put(row, "expected", ("month", key[1], "expected"))
        months.append(row)
    # The roster says which cohort each pair is in: a text under its pair counts for its cohort, and a flag
    # naming a pair of a small cohort names one of very few. So the texts of a program are listed only when
    # its counts of them are shown, under their pairs only when every cohort's counts are shown too; and a
    # flag on a pair of a cohort of fewer than K pairs is one line that names nobody.
    small = {(p, c) for p, cohorts in programs.items() for c in cohorts
             if cells[(("cohort", p, c), "pairs")].pairs < min_pairs}
    text_metrics = ("takeaways", "recognitions")
    texts = []
    for program, cohorts in programs.items():
        entry: dict[str, Any] = {"program": program}
        withheld = [hidden[(("program", program), m)] for m in text_metrics if (("program", program), m) in hidden]
        if cells[(("program", program), "pairs")].pairs < min_pairs or withheld:
            entry["items"] = None
            entry["items_reason"] = why["primary"] if cells[(("program", program), "pairs")].pairs < min_pairs \
                else why[withheld[0]]
            texts.append(entry)
            continue
        named = not any((("cohort", program, c), m) in hidden for c in cohorts for m in text_metrics)
        entry["items"] = sorted(
            ({"pair": pair.label if named else None, "kind": t.kind, "on": t.on, "text": t.text,
              "consent": t.consent}
             for pair in pairs if pair.program == program for t in pair.texts),
            key=lambda t: (t["pair"] or "", t["on"], t["kind"], t["text"]),
        )
        if not named:
            entry["pairs_reason"] = (f"shown without pairs: a cohort of this program has fewer than {min_pairs} pairs"
                                     if any((program, c) in small for c in cohorts)
                                     else f"shown without pairs: {why[COMPLEMENTARY]}")
        texts.append(entry)
    named_flags = [f for f in flags if not any(owner in small for owner in f.cohorts)]
    disagreements: list[dict[str, Any]] = [
        {"pair": f.pair, "files": list(f.files), "differences": list(f.differences)}
        for f in sorted(named_flags, key=lambda f: f.files)]
    if len(named_flags) < len(flags):
        disagreements.append({"pair": f"one or more pairs in a cohort of fewer than {min_pairs} pairs", "files": [],
                              "differences": []})
    report: dict[str, Any] = {
        "schema": SCHEMA,
        "version": VERSION,
        "generated": (generated or datetime.now().astimezone()).isoformat(timespec="seconds"),
        "min_pairs": min_pairs,
        "files_seen": len(found),
        "files_verified": len(accepted) + len(uncountable),
        "files_counted": len(counted),
        "refused": [{"file": r.file, "code": r.code, "reason": r.reason}
                    for r in sorted(refused, key=lambda r: r.file)],
        "not_counted": [{"file": u.file, "format": u.format, "author": u.author, "reason": u.reason}
                        for u in sorted(uncountable, key=lambda u: u.file)],
        "superseded": superseded,
        "disagreements": disagreements,
        "totals": group(("all",), None),
        "programs": [
            {**group(("program", program), program),
             "cohorts": [group(("cohort", program, cohort), cohort) for cohort in cohorts]}
            for program, cohorts in programs.items()
        ],
        "sessions_by_month": months,
        "shared_texts": texts,
    }
    return Built(report, cells, sums, hidden)


__all__ = ["BANDS", "DEFAULT_MIN_PAIRS", "METRIC_LABELS", "RATINGS", "SCHEMA", "Built", "Pair", "build", "collect",
           "join"]

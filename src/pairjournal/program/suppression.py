"""k-anonymity for a table of counts: primary suppression, then complementary suppression.

Every cell knows how many pairs it is drawn from. A cell drawn from fewer than K
pairs is suppressed (**primary**). The report also shows totals, and a total is
the sum of its parts (a program of its cohorts, a cohort's pairs of its
adherence bands, ...): with those sums known, a suppressed cell might be worked
out from the cells still shown. So, after the primary pass, the cells still
hidden are checked exactly: the sums whose members include a hidden cell form a
linear system in the hidden cells, and a hidden cell is **recoverable** when
that system fixes its value. While one is, one more cell (the shown member of a
sum around it drawn from the fewest pairs) is suppressed too (**complementary**).
This ends, because each round hides one more cell, and once every cell of a sum
is hidden that sum fixes nothing by itself.

The system is solved by Gaussian elimination modulo a large prime: the
coefficients are +1 and -1, and for these tables (sums along a hierarchy, and
bands inside a group) elimination over the integers and modulo the prime agree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

PRIME = (1 << 61) - 1
MAX_TRIES = 40  # candidate cells tested exactly per round; past that, the nearest is hidden and the round repeats

Key = Hashable


@dataclass
class Cell:
    value: int
    pairs: int  # how many pairs the cell is drawn from


@dataclass(frozen=True)
class Sum:
    """total = the sum of parts"""

    total: Key
    parts: tuple[Key, ...]

    @property
    def members(self) -> tuple[Key, ...]:
        return (self.total, *self.parts)


PRIMARY = "primary"
COMPLEMENTARY = "complementary"


def _recoverable(hidden: set[Key], sums: list[Sum]) -> list[Key]:
    """The hidden cells whose value the shown cells and the sums fix."""
    rows: list[dict[Key, int]] = []
    for relation in sums:
        row: dict[Key, int] = {}
        for key in relation.members:
            if key in hidden:
                row[key] = (row.get(key, 0) + (-1 if key == relation.total else 1)) % PRIME
        row = {k: v for k, v in row.items() if v}
        if row:
            rows.append(row)
    # Reduced row echelon form over GF(PRIME), rows kept sparse.
    pivots: dict[Key, dict[Key, int]] = {}
    for row in rows:
        row = dict(row)
        for pivot, prow in pivots.items():
            factor = row.get(pivot)
            if factor:
                for k, v in prow.items():
                    value = (row.get(k, 0) - factor * v) % PRIME
                    if value:
                        row[k] = value
                    else:
                        row.pop(k, None)
        if not row:
            continue
        pivot = min(row, key=repr)
        inverse = pow(row[pivot], PRIME - 2, PRIME)
        row = {k: v * inverse % PRIME for k, v in row.items()}
        for other in pivots.values():
            factor = other.get(pivot)
            if factor:
                for k, v in row.items():
                    value = (other.get(k, 0) - factor * v) % PRIME
                    if value:
                        other[k] = value
                    else:
                        other.pop(k, None)
        pivots[pivot] = row
    return sorted((p for p, row in pivots.items() if len(row) == 1), key=repr)


def suppress(cells: dict[Key, Cell], sums: Iterable[Sum], k: int) -> dict[Key, str]:
    """Which cells to hide, and why (PRIMARY or COMPLEMENTARY)."""
    relations = [s for s in sums if all(m in cells for m in s.members)]
    hidden: dict[Key, str] = {key: PRIMARY for key, cell in cells.items() if cell.pairs < k}
    around: dict[Key, list[Sum]] = defaultdict(list)
    for relation in relations:
        for key in relation.members:
            around[key].append(relation)
    while True:
        # Only sums that touch a hidden cell constrain anything; split them into independent groups.
        live = [r for r in relations if any(m in hidden for m in r.members)]
        groups = _components(live, set(hidden))
        changed = False
        for group in groups:
            found = _recoverable(set(hidden), group)
            if not found:
                continue
            target = found[0]
            choice = _complement(target, hidden, around, cells, group) or _complement_any(group, hidden, cells)
            if choice is None:  # every member of every sum around it is hidden: nothing left to hide
                continue
            hidden[choice] = COMPLEMENTARY
            changed = True
            break
        if not changed:
            return hidden


def _components(relations: list[Sum], hidden: set[Key]) -> list[list[Sum]]:
    parent: dict[Key, Key] = {}

    def find(x: Key) -> Key:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for relation in relations:
        members = [m for m in relation.members if m in hidden]
        for other in members[1:]:
            parent[find(other)] = find(members[0])
    grouped: dict[Key, list[Sum]] = defaultdict(list)
    for relation in relations:
        first = next(m for m in relation.members if m in hidden)
        grouped[find(first)].append(relation)
    return list(grouped.values())


def _rank(key: Key, cells: dict[Key, Cell]) -> tuple[int, int, str]:
    cell = cells[key]
    return (cell.pairs, cell.value, repr(key))


def _complement(target: Key, hidden: dict[Key, str], around: dict[Key, list[Sum]],
                cells: dict[Key, Cell], group: list[Sum]) -> Key | None:
    """The cell to hide beside target: the nearest shown cell, along the sums that give target away, whose
    hiding leaves target undetermined (nearest first, then drawn from the fewest pairs; a part before a total)."""
    candidates: list[Key] = []
    seen_cells: set[Key] = {target}
    seen_sums: set[int] = set()
    frontier = [target]
    while frontier:
        layer: list[Key] = []
        next_frontier: list[Key] = []
        for key in frontier:
            for relation in around[key]:
                if id(relation) in seen_sums:
                    continue
                seen_sums.add(id(relation))
                for member in relation.members:
                    if member in seen_cells:
                        continue
                    seen_cells.add(member)
                    (next_frontier if member in hidden else layer).append(member)
        layer.sort(key=lambda m: (any(m == r.total for r in around[m] if id(r) in seen_sums), *_rank(m, cells)))
        candidates += layer
        frontier = next_frontier
    hidden_now = set(hidden)
    for tries, candidate in enumerate(candidates):
        if tries >= MAX_TRIES:
            break
        if target not in _recoverable(hidden_now | {candidate}, [*group, *around[candidate]]):
            return candidate
    return candidates[0] if candidates else None


def _complement_any(group: list[Sum], hidden: dict[Key, str], cells: dict[Key, Cell]) -> Key | None:
    shown = {m for relation in group for m in relation.members if m not in hidden}
    return min(shown, key=lambda m: _rank(m, cells)) if shown else None


def recoverable(cells: dict[Key, Cell], sums: Iterable[Sum], hidden: Iterable[Key]) -> list[Key]:
    """The hidden cells an attacker could work out from the shown ones (none, after suppress)."""
    hidden_set = set(hidden)
    relations = [s for s in sums if all(m in cells for m in s.members)]
    return _recoverable(hidden_set, [r for r in relations if any(m in hidden_set for m in r.members)])


__all__ = ["COMPLEMENTARY", "PRIMARY", "Cell", "Sum", "recoverable", "suppress"]

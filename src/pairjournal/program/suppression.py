"""k-anonymity for a table of counts: primary suppression, then complementary suppression.

Every cell knows how many pairs it is drawn from. A cell drawn from fewer than K
pairs is suppressed (**primary**). The report also shows totals, and a total is
the sum of its parts (a program of its cohorts, a cohort's pairs of its
adherence bands, ...): with those sums known, a suppressed cell might be worked
out from the cells still shown, by subtraction and by knowing that no count is
below zero (a shown total its shown parts already reach makes every hidden part
0). So, after the primary pass, the cells still hidden are **audited**:

- each hidden cell gets an interval [low, high] of the values the shown cells
  leave it: every count is at least 0, and each sum, with its shown members
  taken out, bounds each hidden member by the remainder and the bounds of the
  others (bounds propagation over the sums, repeated until nothing tightens);
- a cell is also fixed when the linear system of the sums, with the cells fixed
  so far taken as known, fixes it (Gaussian elimination modulo a large prime:
  the coefficients are +1 and -1, and for these tables elimination over the
  integers and modulo the prime agree); both are repeated until neither fixes
  more;
- a hidden cell fails the audit when its interval is one value (**exposed**),
  and a primary cell of value v also when the interval does not reach v + 1, or
  v - 1 for v above 0 (its **protection**: as far as a reader can tell it might
  be one more, and one less).

While a cell fails, one more cell (the shown member of a sum around it, nearest
first, then drawn from the fewest pairs) is suppressed too (**complementary**).
This ends, because each round hides one more cell.
"""

from __future__ import annotations

import math
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
INFINITY = float("inf")
MAX_PASSES = 10_000  # bounds propagation rounds; each one tightens some bound by at least 1, so this is never reached


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


def _equations(hidden: set[Key], sums: list[Sum], cells: dict[Key, Cell]) -> list[tuple[dict[Key, int], int]]:
    """Each sum touching a hidden cell as `sum of coefficient * hidden cell = remainder` (parts +1, total -1)."""
    out = []
    for relation in sums:
        row: dict[Key, int] = {}
        remainder = 0
        for key in relation.members:
            sign = -1 if key == relation.total else 1
            if key in hidden:
                row[key] = row.get(key, 0) + sign
            else:
                remainder -= sign * cells[key].value
        row = {k: v for k, v in row.items() if v}
        if row:
            out.append((row, remainder))
    return out


def _propagate(equations: list[tuple[dict[Key, int], int]], bounds: dict[Key, list[float]]) -> None:
    """Tighten every [low, high] in place from each equation and the bounds of its other cells, to a fixpoint."""
    for _ in range(MAX_PASSES):
        changed = False
        for row, remainder in equations:
            # sum(c * x) = remainder, so c_j * x_j = remainder - (the others, each c_i * x_i in an interval).
            terms = {k: sorted((c * bounds[k][0], c * bounds[k][1])) for k, c in row.items()}
            for key, c in row.items():
                rest_low = sum(terms[k][0] for k in row if k != key)
                rest_high = sum(terms[k][1] for k in row if k != key)
                low, high = sorted(((remainder - rest_high) / c, (remainder - rest_low) / c))
                if low > bounds[key][0]:
                    bounds[key][0] = math.ceil(low)
                    changed = True
                if high < bounds[key][1]:
                    bounds[key][1] = math.floor(high)
                    changed = True
                terms[key] = sorted((c * bounds[key][0], c * bounds[key][1]))
        if not changed:
            return


def _bounds(hidden: set[Key], sums: list[Sum], cells: dict[Key, Cell]) -> dict[Key, tuple[float, float]]:
    """The interval of values the shown cells leave each hidden cell of these sums (an outer bound)."""
    bounds: dict[Key, list[float]] = {key: [0, INFINITY] for s in sums for key in s.members if key in hidden}
    fixed: set[Key] = set()
    while True:
        open_ = set(bounds) - fixed
        _propagate(_equations(open_, sums, cells), bounds)
        now = {key for key, (low, high) in bounds.items() if low == high}
        now |= set(_recoverable(set(bounds) - now, sums))
        if now <= fixed:
            return {key: (low, high) for key, (low, high) in bounds.items()}
        for key in now - fixed:  # the true value: the only one the system leaves it
            bounds[key] = [cells[key].value, cells[key].value]
        fixed |= now


def _failing(hidden: dict[Key, str], sums: list[Sum], cells: dict[Key, Cell]) -> list[Key]:
    """The hidden cells of these sums that are exposed, or primary ones without their protection."""
    out = []
    for key, (low, high) in _bounds(set(hidden), sums, cells).items():
        value = cells[key].value
        if low == high or (hidden[key] == PRIMARY and (high < value + 1 or (value > 0 and low > value - 1))):
            out.append(key)
    return sorted(out, key=repr)


# -- the exact audit: each hidden cell's least and greatest value, by linear programming -------------------------


EPS = 1e-9


def _pivot(table: list[list[float]], basis: list[int], r: int, c: int) -> None:
    row = [v / table[r][c] for v in table[r]]
    table[r] = row
    for i, other in enumerate(table):
        factor = other[c]
        if i != r and abs(factor) > EPS:
            table[i] = [a - factor * b for a, b in zip(other, row, strict=True)]
    basis[r] = c


def _maximise(table: list[list[float]], basis: list[int], cost: list[float]) -> float:
    """The simplex method on a tableau in canonical form, Bland's rule (so it never cycles); inf if unbounded."""
    columns = len(table[0]) - 1 if table else 0
    while True:
        entering = None
        basic = set(basis)
        priced = [(table[i], cost[b]) for i, b in enumerate(basis) if cost[b]]
        for j in range(columns):
            if j not in basic and cost[j] - sum(c * line[j] for line, c in priced) > EPS:
                entering = j
                break
        if entering is None:
            return sum(c * line[-1] for line, c in priced)
        rows = [(table[i][-1] / table[i][entering], basis[i], i) for i in range(len(table))
                if table[i][entering] > EPS]
        if not rows:
            return INFINITY
        _pivot(table, basis, min(rows)[2], entering)


def _feasible_tableau(equations: list[tuple[dict[Key, int], int]], keys: list[Key]
                      ) -> tuple[list[list[float]], list[int]]:
    """A canonical tableau of `A x = b, x >= 0` with a feasible basis (phase one, artificial columns dropped)."""
    n, m = len(keys), len(equations)
    index = {key: i for i, key in enumerate(keys)}
    table: list[list[float]] = []
    for r, (row, remainder) in enumerate(equations):
        sign = -1 if remainder < 0 else 1
        line = [0.0] * (n + m + 1)
        for key, c in row.items():
            line[index[key]] = float(sign * c)
        line[n + r] = 1.0
        line[-1] = float(sign * remainder)
        table.append(line)
    basis = [n + r for r in range(m)]
    _maximise(table, basis, [0.0] * n + [-1.0] * m)
    for r in range(m - 1, -1, -1):  # an artificial column still basic (at 0): out, or its row is redundant
        if basis[r] >= n:
            column = next((j for j in range(n) if abs(table[r][j]) > EPS), None)
            if column is None:
                del table[r], basis[r]
            else:
                _pivot(table, basis, r, column)
    return [line[:n] + line[-1:] for line in table], basis


def _exact(hidden: set[Key], sums: list[Sum], cells: dict[Key, Cell],
           needed: dict[Key, tuple[int, int]] | None = None) -> dict[Key, tuple[float, float]]:
    """Each hidden cell's least and greatest value over every table of non-negative numbers agreeing with the
    shown cells (the linear relaxation; for sums along hierarchies and bands its corners are whole numbers).
    With `needed` (key: (low enough, high enough)) a bound already reached by a corner met on the way is not
    optimised further: it is reported as that corner's value."""
    equations = _equations(hidden, sums, cells)
    keys = sorted({key for row, _ in equations for key in row}, key=repr)
    if not keys:
        return {}
    table, basis = _feasible_tableau(equations, keys)
    n = len(keys)
    seen_low = [INFINITY] * n
    seen_high = [-INFINITY] * n

    def note(t: list[list[float]], b: list[int]) -> None:
        point = [0.0] * n
        for i, column in enumerate(b):
            point[column] = t[i][-1]
        for j, value in enumerate(point):
            seen_low[j] = min(seen_low[j], value)
            seen_high[j] = max(seen_high[j], value)

    note(table, basis)
    out: dict[Key, tuple[float, float]] = {}
    for j, key in enumerate(keys):
        bounds = []
        for direction in (-1.0, 1.0):
            want = needed.get(key) if needed is not None else None
            seen = seen_high[j] if direction > 0 else -seen_low[j]
            if want is not None and seen >= (want[1] if direction > 0 else -want[0]):
                bounds.append(seen)
                continue
            t, b = [list(line) for line in table], list(basis)
            cost = [0.0] * n
            cost[j] = direction
            best = _maximise(t, b, cost)
            note(t, b)
            bounds.append(best)
        low, high = -bounds[0], bounds[1]
        out[key] = (max(0, math.ceil(low - EPS)), high if high == INFINITY else math.floor(high + EPS))
    return out


def _exact_failing(hidden: dict[Key, str], sums: list[Sum], cells: dict[Key, Cell]) -> list[Key]:
    """As _failing, with each interval exact (the linear programme) rather than propagated."""
    needed = {key: (cells[key].value - 1, cells[key].value + 1) for key in hidden}
    out = []
    for key, (low, high) in _exact(set(hidden), sums, cells, needed).items():
        value = cells[key].value
        if hidden[key] == PRIMARY:
            bad = high < value + 1 or (value > 0 and low > value - 1)
        else:
            bad = high < value + 1 and low > value - 1
        if bad:
            out.append(key)
    return sorted(out, key=repr)


def suppress(cells: dict[Key, Cell], sums: Iterable[Sum], k: int) -> dict[Key, str]:
    """Which cells to hide, and why (PRIMARY or COMPLEMENTARY)."""
    relations = [s for s in sums if all(m in cells for m in s.members)]
    hidden: dict[Key, str] = {key: PRIMARY for key, cell in cells.items() if cell.pairs < k}
    around: dict[Key, list[Sum]] = defaultdict(list)
    for relation in relations:
        for key in relation.members:
            around[key].append(relation)
    passed: set[frozenset[Key]] = set()  # the hidden cells of groups audited and found safe
    while True:
        # Only sums that touch a hidden cell constrain anything; split them into independent groups.
        live = [r for r in relations if any(m in hidden for m in r.members)]
        groups = _components(live, set(hidden))
        changed = False
        for group in groups:
            mine = frozenset(m for r in group for m in r.members if m in hidden)
            if mine in passed:  # nothing hidden in it has changed since: still safe
                continue
            # The propagated audit first (quick); once it passes, the exact one, which is slower but misses
            # nothing (a difference of sums that adds up to a hidden total, say).
            found = _failing(hidden, group, cells) or _exact_failing(hidden, group, cells)
            if not found:
                passed.add(mine)
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
    for tries, candidate in enumerate(candidates):
        if tries >= MAX_TRIES:
            break
        if target not in _failing({**hidden, candidate: COMPLEMENTARY}, [*group, *around[candidate]], cells):
            return candidate
    return candidates[0] if candidates else None


def _complement_any(group: list[Sum], hidden: dict[Key, str], cells: dict[Key, Cell]) -> Key | None:
    shown = {m for relation in group for m in relation.members if m not in hidden}
    return min(shown, key=lambda m: _rank(m, cells)) if shown else None


def intervals(cells: dict[Key, Cell], sums: Iterable[Sum], hidden: Iterable[Key]) -> dict[Key, tuple[float, float]]:
    """For each hidden cell in a sum, the [low, high] a reader of the shown cells can tell it lies in."""
    hidden_set = set(hidden)
    relations = [s for s in sums if all(m in cells for m in s.members)]
    live = [r for r in relations if any(m in hidden_set for m in r.members)]
    propagated, exact = _bounds(hidden_set, live, cells), _exact(hidden_set, live, cells)
    return {key: (max(low, exact[key][0]), min(high, exact[key][1])) for key, (low, high) in propagated.items()}


def recoverable(cells: dict[Key, Cell], sums: Iterable[Sum], hidden: Iterable[Key]) -> list[Key]:
    """The hidden cells an attacker could work out from the shown ones, counts being never negative (none,
    after suppress)."""
    return sorted((key for key, (low, high) in intervals(cells, sums, hidden).items() if low == high), key=repr)


__all__ = ["COMPLEMENTARY", "PRIMARY", "Cell", "Sum", "intervals", "recoverable", "suppress"]

"""Small-number protection and simple statistics for "Leren van Resultaat", pure.

The gemeente sees figures, never people. Every count of residents (aanmeldingen, searches) goes
through :func:`protect` before it is shown or exported:

* **Primary suppression.** A count from 1 to 4 is published as ``"<5"``; 0 stays ``"0"``.
* **Complementary suppression** against *differencing*. A reader knows which published cells add
  up to which other published cell (the cells of a column add up to its totals row, the rows of
  a district table to the headline figure, "omhoog + gelijk + omlaag" to "afgerond + gestopt").
  :func:`protect` plays that reader: it narrows the possible value of each hidden cell with every
  such sum (a hidden "<5" lies in 1..4, a hidden "x" is taken to be 5 or more, or 1 or more for
  a small total hidden as "x"), over and over
  until nothing changes. When a "<5" cell is pinned to one exact value, one more cell is hidden,
  published as ``"x"``, and the check goes on: the least useful figure that frees it — a cell
  inside a table before a row or column total, the headline figures (``keep``) last; then the
  cell that breaks the most sums with a single hidden cell, the sums of the pinned cell before
  those further along the chain of hidden cells, the smallest first. So a totals row stays and
  a second cell next to the small one goes, whenever exactly one cell of the row is "<5" — and
  also in the rarer cases where two or more are (4 + 4 = 8). The small total of small cells
  only (1 + 1 + 1 + 1 = "<5") becomes "x" too.
* **Only what a change touches.** Hidden cells fall apart into groups that share no sum; each
  group is checked on its own, and after hiding a cell only the group it joins is checked again.
* **Derived figures** (a median, a percentage) are shown only when their base is 5 or more, and a
  percentage only when its own count is visible too; otherwise ``"–"``.

This checks the sums the caller lists within one report. A reader who compares two reports over
overlapping periods can still subtract one from the other; the figures are for the gemeente's
own logged-in beheerders, and the protection is against recognising a resident at a glance or in
a shared export, not against a determined insider.
"""

from __future__ import annotations

import functools
import math
from calendar import monthrange
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from statistics import median as _median
from typing import TypeVar

#: Counts below this (and above 0) are never shown exactly.
THRESHOLD = 5
SMALL = f"<{THRESHOLD}"
HIDDEN = "x"  # complementary suppression: a larger cell hidden so a small one cannot be derived
NOT_SHOWN = "–"  # a derived figure with too small a base (or none)

K = TypeVar("K", bound=Hashable)

_INF = math.inf
_TRIES = 8  # candidates tried for freeing a pinned cell on its own, before taking the first


def is_small(count: int) -> bool:
    """Return whether ``count`` must not be shown exactly (1 up to the threshold)."""
    return 0 < count < THRESHOLD


def shown(count: int) -> str:
    """Return the published text of one count on its own: ``"0"``, ``"<5"`` or the number."""
    return SMALL if is_small(count) else str(count)


@dataclass(frozen=True)
class Sum:
    """A fact a reader can use: the cells in ``parts`` add up to the cells in ``totals``."""

    parts: tuple[Hashable, ...]
    totals: tuple[Hashable, ...]


def sum_of(parts: Iterable[Hashable], *totals: Hashable) -> Sum:
    return Sum(tuple(parts), tuple(totals))


def protect(
    values: Mapping[K, int], sums: Iterable[Sum], keep: Iterable[Hashable] = ()
) -> dict[K, str]:
    """Return the published text of every cell, with primary and complementary suppression.

    :param values: the true counts, by cell key.
    :param sums: the additive facts a reader knows; a sum that does not hold for ``values`` (or
        names an unknown cell) is ignored, because a reader could not use it either.
    :param keep: the cells people look for first (headline figures): hidden only when nothing
        else will do.
    """
    text = {key: shown(count) for key, count in values.items()}
    facts = [
        s
        for s in sums
        if all(k in values for k in (*s.parts, *s.totals))
        and sum(values[k] for k in s.parts) == sum(values[k] for k in s.totals)
    ]
    index = _Index(facts, keep)
    # A hidden cell can only be narrowed by the sums it is in, and those only by their own
    # hidden cells: the hidden cells fall apart into groups (components) that share no sum.
    # Each is checked on its own, and after hiding a cell only the group it joins again.
    pinned: set[K] = set()
    seen: set[Hashable] = set()
    for key in values:
        if text[key] == SMALL and key not in seen:
            cells, group = index.component(key, text)
            seen |= cells
            pinned |= _pinned(values, text, group)
    for _ in range(len(values) + 1):  # each round hides one more cell, so this ends
        if not pinned:
            return text
        key = min(pinned, key=str)
        candidates = _complements_for(key, values, text, index)
        if not candidates:  # cannot happen with true sums; never loop without progress
            break
        # Hide the first of the candidates (best first) that frees the pinned cell on its own;
        # otherwise the very first one, and the next round goes on from there. A sum in which
        # the pinned cell is the only hidden one keeps giving it away unless the candidate is in
        # it too: only such candidates can free it on their own, so only those are tried.
        alone = [
            {*fact.parts, *fact.totals}
            for fact in (index.facts[i] for i in index.sums_of.get(key, ()))
            if sum(text[k] in (SMALL, HIDDEN) for k in (*fact.parts, *fact.totals)) == 1
        ]
        able = [c for c in candidates if all(c in cells for cells in alone)]
        chosen = next(
            (c for c in able[:_TRIES] if _frees(key, c, values, text, index)), candidates[0]
        )
        text[chosen] = HIDDEN
        cells, group = index.component(chosen, text)
        pinned = (pinned - cells) | _pinned(values, text, group)
    return text


class _Index:
    """The valid sums, which sums each cell is in, and how much each cell is worth keeping."""

    def __init__(self, facts: Sequence[Sum], keep: Iterable[Hashable]) -> None:
        self.facts = facts
        self.sums_of: dict[Hashable, list[int]] = {}
        #: 0 = a cell that is a total nowhere, 1 = a row or column total, 2 = a headline figure.
        self.tier: dict[Hashable, int] = {}
        for i, fact in enumerate(facts):
            for key in {*fact.parts, *fact.totals}:
                self.sums_of.setdefault(key, []).append(i)
            for key in fact.totals:
                self.tier[key] = 1
        for key in keep:
            self.tier[key] = 2

    def component(
        self, start: Hashable, text: Mapping[Hashable, str]
    ) -> tuple[set[Hashable], list[Sum]]:
        """Return the hidden cells linked to ``start`` by shared sums, and those sums."""
        cells, found, queue = {start}, set(), [start]
        while queue:
            cell = queue.pop()
            for i in self.sums_of.get(cell, ()):
                if i in found:
                    continue
                found.add(i)
                for key in (*self.facts[i].parts, *self.facts[i].totals):
                    if key not in cells and text[key] in (SMALL, HIDDEN):
                        cells.add(key)
                        queue.append(key)
        return cells, [self.facts[i] for i in sorted(found)]


#: How many distinct inputs :func:`protect_cached` remembers (periods times versions of the data).
CACHE_SIZE = 64


def protect_cached(
    values: Mapping[K, int], sums: Iterable[Sum], keep: Iterable[Hashable] = ()
) -> dict[K, str]:
    """Return :func:`protect` of the same input, remembered while the input stays the same.

    Protection depends only on the counts and the sums, so the result for an input seen before
    is the same: a page, its CSV files and the next visitor reuse it (per process). Any changed
    count, in any table, is a new input and is protected afresh, so nothing stale is shown.
    """
    return dict(_protect_memo(tuple(values.items()), tuple(sums), tuple(keep)))


@functools.lru_cache(maxsize=CACHE_SIZE)
def _protect_memo(
    items: tuple[tuple[Hashable, int], ...], sums: tuple[Sum, ...], keep: tuple[Hashable, ...]
) -> dict:
    return protect(dict(items), sums, keep)


def _frees(key: K, cell: K, values: Mapping[K, int], text: Mapping[K, str], index: _Index) -> bool:
    trial = {**text, cell: HIDDEN}
    return key not in _pinned(values, trial, index.component(key, trial)[1])


def _bounds(values: Mapping[K, int], text: Mapping[K, str], key: K) -> tuple[float, float]:
    if text[key] == SMALL:
        return (1, THRESHOLD - 1)
    if text[key] == HIDDEN:
        # "x" is usually 5 or more, and a reader may assume so; a small total hidden as "x"
        # (1 + 1 = "<5") is not, and assuming it were would miss what the reader can work out.
        return (THRESHOLD if values[key] >= THRESHOLD else 1, _INF)
    return (values[key], values[key])


def _secret(values: Mapping[K, int], text: Mapping[K, str], key: K) -> bool:
    """Return whether ``key`` is a small count that is not shown ("<5", or a small total "x")."""
    return text[key] == SMALL or (text[key] == HIDDEN and is_small(values[key]))


def _pinned(values: Mapping[K, int], text: Mapping[K, str], facts: Sequence[Sum]) -> set[K]:
    """Return the small hidden cells a reader can work out exactly, by bounds or combining sums."""
    return _pinned_by_bounds(values, text, facts) | _determined(values, text, facts)


#: A prime for exact elimination without fractions (see :func:`_determined`).
_PRIME = 2**61 - 1


def _determined(values: Mapping[K, int], text: Mapping[K, str], facts: Sequence[Sum]) -> set[K]:
    """Return the "<5" cells fixed by the sums alone, whatever the other hidden cells are.

    Visible cells are constants, so the sums are linear equations in the hidden cells. A hidden
    cell is fixed when some combination of the equations (adding one sum to another, taking
    one from another, ...) leaves that cell alone: when its unit vector lies in their row space.
    Gaussian elimination to reduced row echelon form tells: the cell is then a pivot whose row
    has no other entry. The arithmetic is modulo a large prime, exact and quick; the equations
    have coefficients of 1 and -1, so a false answer would need the prime to divide one of their
    minors.
    """
    rows: list[dict[Hashable, int]] = []
    for fact in facts:
        row: dict[Hashable, int] = {}
        for key, sign in [(k, 1) for k in fact.parts] + [(k, -1) for k in fact.totals]:
            if text[key] in (SMALL, HIDDEN):
                row[key] = (row.get(key, 0) + sign) % _PRIME
        row = {k: v for k, v in row.items() if v}
        if row:
            rows.append(row)
    pivots: dict[Hashable, dict[Hashable, int]] = {}  # pivot cell -> its row (pivot entry 1)
    for row in rows:
        for col in [c for c in row if c in pivots]:
            _subtract(row, pivots[col], row.get(col, 0))
        if not row:
            continue
        col = min(row, key=str)
        inverse = pow(row[col], _PRIME - 2, _PRIME)
        for key in row:
            row[key] = row[key] * inverse % _PRIME
        for other in pivots.values():
            if col in other:
                _subtract(other, row, other[col])
        pivots[col] = row
    return {col for col, row in pivots.items() if len(row) == 1 and _secret(values, text, col)}  # type: ignore[misc]


def _subtract(row: dict[Hashable, int], pivot_row: Mapping[Hashable, int], factor: int) -> None:
    """``row -= factor * pivot_row`` modulo the prime, dropping zeros."""
    if not factor:
        return
    for key, value in pivot_row.items():
        new = (row.get(key, 0) - factor * value) % _PRIME
        if new:
            row[key] = new
        else:
            row.pop(key, None)


def _pinned_by_bounds(
    values: Mapping[K, int], text: Mapping[K, str], facts: Sequence[Sum]
) -> set[K]:
    """Narrow each hidden cell with every sum until stable; return the "<5" cells pinned exactly."""
    # Only sums with a hidden cell can narrow anything; visible cells are exact.
    hidden = (SMALL, HIDDEN)
    relevant = [
        [(k, 1) for k in fact.parts] + [(k, -1) for k in fact.totals]
        for fact in facts
        if any(text[k] in hidden for k in (*fact.parts, *fact.totals))
    ]
    bounds: dict[K, tuple[float, float]] = {}
    for terms in relevant:
        for key, _ in terms:
            bounds.setdefault(key, _bounds(values, text, key))  # type: ignore[arg-type]
    changed = True
    while changed:
        changed = False
        for terms in relevant:
            # Each term's share of "sum of sign * x = 0" lies in [low, high]; add them up once,
            # keeping infinite ends (a hidden "x" has no upper bound) apart from the finite sum.
            shares = []
            low_sum = high_sum = 0.0
            low_inf = high_inf = 0
            for key, sign in terms:
                lo, hi = bounds[key]
                low, high = (lo, hi) if sign > 0 else (-hi, -lo)
                shares.append((low, high))
                if low == -_INF:
                    low_inf += 1
                else:
                    low_sum += low
                if high == _INF:
                    high_inf += 1
                else:
                    high_sum += high
            for (key, sign), (low, high) in zip(terms, shares, strict=True):
                if bounds[key][0] == bounds[key][1]:
                    continue
                # The rest of the sum, without this term.
                if low == -_INF:
                    rest_low = -_INF if low_inf > 1 else low_sum
                else:
                    rest_low = -_INF if low_inf else low_sum - low
                if high == _INF:
                    rest_high = _INF if high_inf > 1 else high_sum
                else:
                    rest_high = _INF if high_inf else high_sum - high
                # sign * x = -rest.
                new_lo, new_hi = (-rest_high, -rest_low) if sign > 0 else (rest_low, rest_high)
                lo, hi = bounds[key]
                lo, hi = max(lo, new_lo), min(hi, new_hi)
                if (lo, hi) != bounds[key] and lo <= hi:
                    bounds[key] = (lo, hi)
                    changed = True
    return {key for key, (lo, hi) in bounds.items() if lo == hi and _secret(values, text, key)}


def _complements_for(
    pinned: K, values: Mapping[K, int], text: Mapping[K, str], index: _Index
) -> list[K]:
    """Return the cells that may be hidden so ``pinned`` is no longer exact, best first.

    Secondary suppression takes the least useful figure: visible non-zero cells that are no
    total anywhere first, then row and column totals, the headline figures last; within that,
    a cell that breaks more sums with a single hidden cell (each gives that cell away), the
    sums ``pinned`` is in before those further along the chain of hidden cells its value leaks
    through, and smaller before larger. The small total of a sum of small cells only
    (1 + 1 + 1 + 1 = "<5") may become "x" too, and is the last way out when nothing visible is
    left to hide.
    """
    ranked: dict[Hashable, tuple] = {}
    small_totals: dict[Hashable, tuple] = {}
    hidden = (SMALL, HIDDEN)
    reached: set[Hashable] = {pinned}
    done: set[int] = set()
    depth = 0
    while True:
        layer = sorted({i for key in reached for i in index.sums_of.get(key, ()) if i not in done})
        if not layer:
            break
        for i in layer:
            fact = index.facts[i]
            cells = (*fact.parts, *fact.totals)
            # A sum with a single hidden cell gives that cell away exactly; a cell that breaks
            # more of those at once is worth more.
            alone = sum(text[k] in hidden for k in cells) == 1
            for key in cells:
                if text[key] not in hidden and values[key] > 0:
                    tier, breaks, first, value, name = ranked.get(
                        key, (index.tier.get(key, 0), 0, depth, values[key], str(key))
                    )
                    ranked[key] = (tier, breaks - alone, first, value, name)
            for key in fact.totals:
                if text[key] == SMALL:
                    small_totals.setdefault(key, (depth, values[key], str(key)))
                    # In a sum of small cells only (1 + 1 + 1 + 1 = "<5"), hiding its small
                    # total is the one way out: a candidate like any other.
                    if all(text[k] in hidden or values[k] == 0 for k in cells):
                        rank = (index.tier.get(key, 0), 0, depth, values[key], str(key))
                        ranked[key] = min(ranked.get(key, rank), rank)
        done.update(layer)
        reached.update(
            key
            for i in layer
            for key in (*index.facts[i].parts, *index.facts[i].totals)
            if text[key] in hidden
        )
        depth += 1
    pool = ranked or small_totals  # a small total only when nothing visible is left to hide
    return sorted(pool, key=pool.__getitem__)  # type: ignore[arg-type]


def is_exact(text: str) -> bool:
    """Return whether a published count is an exact number (not "<5" or "x")."""
    return text not in (SMALL, HIDDEN)


def median(values: Iterable[float]) -> float | None:
    """Return the median, or None for no values."""
    data = list(values)
    return _median(data) if data else None


def protected_median(values: Sequence[float]) -> float | None:
    """Return the median only when it rests on at least :data:`THRESHOLD` values."""
    return median(values) if len(values) >= THRESHOLD else None


def share(part: int, base: int, part_text: str | None = None) -> float | None:
    """Return ``part / base`` as a percentage, or None when it could reveal a small number.

    :param part_text: the published text of ``part``; a hidden part hides its percentage too.
    """
    if base < THRESHOLD or (part_text is not None and not is_exact(part_text)):
        return None
    return 100 * part / base


@dataclass(frozen=True)
class LadderMove:
    """How ended placements moved on the participatieladder."""

    up: int = 0
    same: int = 0
    down: int = 0


def ladder_direction(start: int, end: int) -> str:
    """Return ``"up"``, ``"same"`` or ``"down"`` for a move from step ``start`` to ``end``."""
    return "up" if end > start else "down" if end < start else "same"


def ladder_moves(pairs: Iterable[tuple[int | None, int | None]]) -> LadderMove:
    """Count moves up, same and down over (start, end) pairs; a pair missing a step is skipped.

    A start step may be unknown ("weet ik niet"): such a placement did not move in the figures.
    """
    counts = {"up": 0, "same": 0, "down": 0}
    for start, end in pairs:
        if start is not None and end is not None:
            counts[ladder_direction(start, end)] += 1
    return LadderMove(**counts)


def ladder_matrix(
    pairs: Iterable[tuple[int | None, int | None]], steps: int = 6
) -> dict[tuple[int, int], int]:
    """Return the count of each (start step, end step), every combination present (0 if none)."""
    matrix = {(s, e): 0 for s in range(1, steps + 1) for e in range(1, steps + 1)}
    for start, end in pairs:
        if end is not None and (start, end) in matrix:
            matrix[(start, end)] += 1
    return matrix


def months_before(day: date, months: int) -> date:
    """Return the same day ``months`` calendar months earlier, clamped to the month's end."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))

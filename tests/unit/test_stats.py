"""Small-number protection, medians and ladder helpers: pure, no fixtures."""

from __future__ import annotations

import itertools
from datetime import date
from xml.etree import ElementTree

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from activatie import charts, stats
from activatie.stats import HIDDEN, SMALL, sum_of

SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize(
    ("count", "text"), [(0, "0"), (1, "<5"), (2, "<5"), (4, "<5"), (5, "5"), (123, "123")]
)
def test_small_counts_are_shown_as_less_than_five_and_zero_stays_zero(
    count: int, text: str
) -> None:
    assert stats.shown(count) == text


def test_secondary_suppression_takes_the_smallest_inner_cell_not_the_headline() -> None:
    # A column of a table whose totals row is a headline figure, and a row total beside it.
    values = {"a": 3, "b": 6, "c": 8, "total": 17, "a2": 9, "row_a": 12}
    sums = [sum_of(["a", "b", "c"], "total"), sum_of(["a", "a2"], "row_a")]
    text = stats.protect(values, sums, keep=["total"])
    assert text == {"a": SMALL, "b": HIDDEN, "c": "8", "total": "17", "a2": HIDDEN, "row_a": "12"}


def test_a_total_with_exactly_one_small_cell_is_protected() -> None:
    values = {"a": 3, "b": 10, "c": 7, "total": 20}
    text = stats.protect(values, [sum_of(["a", "b", "c"], "total")])
    assert text["a"] == SMALL
    # Without more suppression, 20 - 10 - 7 would give a = 3 away.
    hidden = [k for k in ("b", "c", "total") if text[k] == HIDDEN]
    assert hidden == ["c"]  # the smallest visible part goes, the total stays
    assert text["total"] == "20"


def test_two_small_cells_that_pin_each_other_down_are_protected() -> None:
    # 4 + 4 = 8: two "<5" cells, but a reader still knows both are 4.
    values = {"a": 4, "b": 4, "c": 9, "total": 17}
    text = stats.protect(values, [sum_of(["a", "b", "c"], "total")])
    assert text["c"] == HIDDEN


def test_two_small_cells_that_stay_ambiguous_need_nothing_more() -> None:
    values = {"a": 2, "b": 3, "c": 9, "total": 14}
    text = stats.protect(values, [sum_of(["a", "b", "c"], "total")])
    assert text == {"a": SMALL, "b": SMALL, "c": "9", "total": "14"}


def test_zero_cells_are_no_secret_and_no_help() -> None:
    values = {"a": 0, "b": 2, "c": 0, "d": 6, "total": 8}
    text = stats.protect(values, [sum_of(["a", "b", "c", "d"], "total")])
    assert text["a"] == text["c"] == "0"
    assert text["d"] == HIDDEN


def test_when_only_small_parts_are_left_the_total_is_hidden() -> None:
    values = {"a": 4, "b": 4, "total": 8}
    text = stats.protect(values, [sum_of(["a", "b"], "total")])
    assert text == {"a": SMALL, "b": SMALL, "total": HIDDEN}


def test_a_sum_that_does_not_hold_is_ignored() -> None:
    values = {"a": 3, "b": 10, "total": 99}
    assert stats.protect(values, [sum_of(["a", "b"], "total")])["b"] == "10"


def test_a_two_way_table_is_protected_along_rows_and_columns() -> None:
    # Rows r1, r2 and columns c1, c2 with totals; one small cell in the corner.
    values = {
        ("r1", "c1"): 2, ("r1", "c2"): 10, ("r2", "c1"): 8, ("r2", "c2"): 12,
        "r1": 12, "r2": 20, "c1": 10, "c2": 22, "all": 32,
    }  # fmt: skip
    sums = [
        sum_of([("r1", "c1"), ("r1", "c2")], "r1"),
        sum_of([("r2", "c1"), ("r2", "c2")], "r2"),
        sum_of([("r1", "c1"), ("r2", "c1")], "c1"),
        sum_of([("r1", "c2"), ("r2", "c2")], "c2"),
        sum_of(["r1", "r2"], "all"),
        sum_of(["c1", "c2"], "all"),
    ]
    text = stats.protect(values, sums)
    # Row r1 gives the corner away (12 - 10), so 10 goes; column c1 then does (10 - 8), so 8
    # goes; now the r1 and c1 totals pin it (r1 = 32 - 20 and c1 = 10 - (20 - 12)) through the
    # chain r2c1 = 20 - 12: the last visible inner cell (12) must go too.
    assert text == {
        ("r1", "c1"): SMALL, ("r1", "c2"): HIDDEN, ("r2", "c1"): HIDDEN, ("r2", "c2"): HIDDEN,
        "r1": "12", "r2": "20", "c1": "10", "c2": "22", "all": "32",
    }  # fmt: skip


def _no_small_cell_is_pinned(values, text, sums) -> bool:
    """Brute force: every small cell has more than one value that fits every published sum.

    A hidden "x" is 5 or more; the search tries it up to well above the largest true value.
    """
    hidden = [k for k in values if text[k] in (SMALL, HIDDEN)]
    ceiling = max(values.values()) + 10
    ranges = [range(1, 5) if text[k] == SMALL else range(5, ceiling) for k in hidden]
    seen: dict[object, set[int]] = {k: set() for k in hidden}
    for guess in itertools.product(*ranges):
        trial = {**values, **dict(zip(hidden, guess, strict=True))}
        if all(sum(trial[p] for p in s.parts) == sum(trial[t] for t in s.totals) for s in sums):
            for key, value in zip(hidden, guess, strict=True):
                seen[key].add(value)
    return all(len(seen[k]) > 1 for k in hidden if text[k] == SMALL)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=9), min_size=2, max_size=4))
def test_no_small_cell_of_a_column_can_be_worked_out_from_its_total(parts: list[int]) -> None:
    values = dict(enumerate(parts)) | {"total": sum(parts)}
    sums = [sum_of(range(len(parts)), "total")]
    text = stats.protect(values, sums)
    assert all(text[i] == SMALL for i, v in enumerate(parts) if 0 < v < 5)
    assert all(text[i] == "0" for i, v in enumerate(parts) if v == 0)
    assert _no_small_cell_is_pinned(values, text, sums)


def _alternatives(values, text, sums, key) -> bool:
    """Return whether hidden cell ``key`` could also have another value, by search.

    Every hidden cell takes a value that fits its text ("<5": 1 to 4; "x": 5 or more, up to
    well above the largest true value) and every published sum must hold. A depth-first search
    with interval pruning: independent of how :func:`stats.protect` reasons.
    """
    hidden = [k for k in values if text[k] in (SMALL, HIDDEN)]
    ceiling = max(values.values()) + 10
    # A reader may take an "x" to be 5 or more; a small total hidden as "x" is only 1 or more.
    domain = {
        k: (1, 4) if text[k] == SMALL else (5 if values[k] >= 5 else 1, ceiling) for k in hidden
    }
    terms = [[(k, 1) for k in s.parts] + [(k, -1) for k in s.totals] for s in sums]

    def feasible(assigned: dict) -> bool:
        for term in terms:
            low = high = 0
            for k, sign in term:
                lo, hi = (
                    (assigned[k], assigned[k])
                    if k in assigned
                    else domain.get(k, (values[k], values[k]))
                )
                low, high = (low + lo, high + hi) if sign > 0 else (low - hi, high - lo)
            if not low <= 0 <= high:
                return False
        return True

    def search(assigned: dict, rest: list) -> bool:
        if not feasible(assigned):
            return False
        if not rest:
            return True
        k, *others = rest
        lo, hi = domain[k]
        return any(search({**assigned, k: v}, others) for v in range(lo, hi + 1))

    others = [k for k in hidden if k != key]
    low, high = domain[key]
    # Nearest first: an alternative, if there is one, is usually next to the true value.
    tries = sorted(range(low, high + 1), key=lambda v: abs(v - values[key]))
    return any(search({key: other}, others) for other in tries if other != values[key])


# derandomize: the same 300 tables on every run. Random tables find a known gap about once in
# 2,000 (see the xfail test below), which made CI fail at random; the gap is reported, not hidden.
@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    st.integers(2, 3).flatmap(
        lambda rows: st.integers(2, 3).flatmap(
            lambda columns: st.lists(
                st.lists(st.integers(0, 9), min_size=columns, max_size=columns),
                min_size=rows,
                max_size=rows,
            )
        )
    )
)
def test_no_hidden_small_cell_of_a_two_way_table_can_be_worked_out(grid: list[list[int]]) -> None:
    """Rows, columns, their totals and a grand total: no "<5" follows from what is visible."""
    rows, columns = range(len(grid)), range(len(grid[0]))
    values = {("cel", i, j): grid[i][j] for i in rows for j in columns}
    values |= {("rij", i): sum(grid[i]) for i in rows}
    values |= {("kolom", j): sum(grid[i][j] for i in rows) for j in columns}
    values[("totaal",)] = sum(map(sum, grid))
    sums = [sum_of([("cel", i, j) for j in columns], ("rij", i)) for i in rows]
    sums += [sum_of([("cel", i, j) for i in rows], ("kolom", j)) for j in columns]
    sums += [sum_of([("rij", i) for i in rows], ("totaal",))]
    sums += [sum_of([("kolom", j) for j in columns], ("totaal",))]

    text = stats.protect(values, sums, keep=[("totaal",)])

    assert all(text[k] in (SMALL, HIDDEN) for k, v in values.items() if 0 < v < 5)
    assert all(text[k] == "0" for k, v in values.items() if v == 0)
    for key in values:
        if 0 < values[key] < 5:
            assert _alternatives(values, text, sums, key), key


@pytest.mark.xfail(
    strict=True,
    reason="known gap: bounds and sums combined can still pin a '<5' cell (about 1 random 2-3 x "
    "2-3 table in 2,000); closing it needs an exact audit (integer programming) in stats.protect",
)
@pytest.mark.parametrize(
    "grid", [[[3, 4, 5], [0, 0, 3], [0, 4, 2]], [[1, 5, 0], [8, 4, 8], [1, 7, 0]]]
)
def test_known_gap_a_combination_of_bounds_and_sums_can_pin_a_small_cell(
    grid: list[list[int]],
) -> None:
    test_no_hidden_small_cell_of_a_two_way_table_can_be_worked_out.hypothesis.inner_test(grid)


def test_median_and_its_protection() -> None:
    assert stats.median([]) is None
    assert stats.median([3, 1, 2]) == 2
    assert stats.median([1, 2, 3, 4]) == 2.5
    assert stats.protected_median([10, 20, 30, 40]) is None  # fewer than 5
    assert stats.protected_median([10, 20, 30, 40, 50]) == 30


def test_share_is_hidden_for_a_small_base_or_a_hidden_part() -> None:
    assert stats.share(2, 4) is None
    assert stats.share(3, 10) == 30
    assert stats.share(3, 10, part_text=SMALL) is None
    assert stats.share(6, 10, part_text="6") == 60


def test_ladder_moves_and_matrix() -> None:
    pairs = [(1, 2), (2, 2), (3, 1), (2, None), (1, 4)]
    assert stats.ladder_moves(pairs) == stats.LadderMove(up=2, same=1, down=1)
    matrix = stats.ladder_matrix(pairs)
    assert len(matrix) == 36
    assert matrix[(1, 2)] == 1 and matrix[(3, 1)] == 1 and matrix[(6, 6)] == 0
    assert sum(matrix.values()) == 4


steps_or_unknown = st.one_of(st.none(), st.integers(1, 6))


@given(st.lists(st.tuples(steps_or_unknown, steps_or_unknown), max_size=30))
def test_an_unknown_step_never_counts_as_a_move_on_the_ladder(
    pairs: list[tuple[int | None, int | None]],
) -> None:
    known = [(s, e) for s, e in pairs if s is not None and e is not None]
    moves = stats.ladder_moves(pairs)
    assert moves == stats.ladder_moves(known)
    assert moves.up + moves.same + moves.down == len(known)
    assert stats.ladder_matrix(pairs) == stats.ladder_matrix(known)
    assert sum(stats.ladder_matrix(pairs).values()) == len(known)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 3, 10), 24, date(2024, 3, 10)),
        (date(2026, 3, 31), 1, date(2026, 2, 28)),
        (date(2028, 3, 31), 1, date(2028, 2, 29)),
        (date(2026, 1, 15), 12, date(2025, 1, 15)),
    ],
)
def test_months_before_clamps_to_the_end_of_the_month(
    day: date, months: int, expected: date
) -> None:
    assert stats.months_before(day, months) == expected


def test_bar_chart_is_accessible_svg_without_inline_style_or_script() -> None:
    svg = charts.bar_chart(
        "grafiek-test",
        "Aanmeldingen per wijk",
        [
            charts.Bar("Binnenstad", 12, "12"),
            charts.Bar("Assendorp <&>", None, "<5"),
            charts.Bar("Wipstrik", 0, "0"),
        ],
        "Staafdiagram.",
    )
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert 'role="img"' in svg
    assert 'aria-labelledby="grafiek-test-title" aria-describedby="grafiek-test-desc"' in svg
    assert '<title id="grafiek-test-title">Aanmeldingen per wijk</title>' in svg
    assert "Binnenstad: 12; Assendorp &lt;&amp;&gt;: &lt;5; Wipstrik: 0." in svg
    assert "style=" not in svg and "<script" not in svg
    assert svg.count("<rect") == 1  # no bar for a hidden value, none for zero


def test_bar_chart_refuses_an_unsafe_id() -> None:
    with pytest.raises(ValueError):
        charts.bar_chart('x" onload="alert(1)', "t", [])


def test_protection_is_remembered_per_input_and_redone_when_a_count_changes() -> None:
    stats._protect_memo.cache_clear()
    sums = [stats.sum_of(["a", "b", "c"], "t")]
    values = {"a": 2, "b": 7, "c": 9, "t": 18}
    first = stats.protect_cached(values, sums)
    assert first == stats.protect(values, sums)
    assert first["a"] == stats.SMALL and stats.HIDDEN in (first["b"], first["c"])
    first["a"] = "changed by a caller"  # a copy: the remembered answer is not touched
    again = stats.protect_cached(dict(values), list(sums))
    assert again["a"] == stats.SMALL
    assert stats._protect_memo.cache_info().hits == 1
    changed = stats.protect_cached({**values, "a": 5, "t": 21}, sums)
    assert changed == {"a": "5", "b": "7", "c": "9", "t": "21"}
    assert stats._protect_memo.cache_info().misses == 2


def test_line_chart_draws_a_gap_for_a_hidden_value_and_reads_out_every_value() -> None:
    svg = charts.line_chart(
        "trend-test",
        "Per maand <test>",
        ["jan '26", "feb '26", "mrt '26", "apr '26"],
        [
            charts.Series("Aanmeldingen", [12, 9, None, 14], ["12", "9", "<5", "14"]),
            charts.Series("Gestart", [6, None, 7, 8], ["6", "x", "7", "8"]),
        ],
        "Lijndiagram.",
    )
    root = ElementTree.fromstring(svg)  # well-formed XML, texts escaped
    assert root.get("role") == "img" and "style" not in svg and "<script" not in svg
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == "Per maand <test>"
    desc = root.find(f"{SVG}desc")
    assert desc is not None
    assert "Aanmeldingen: jan '26 12, feb '26 9, mrt '26 <5, apr '26 14." in (desc.text or "")
    assert "Gestart: jan '26 6, feb '26 x" in (desc.text or "")
    lines = [p.get("points", "") for p in root.iter(f"{SVG}polyline")]
    # Aanmeldingen: jan-feb joined, apr alone (no line); Gestart: mrt-apr joined, jan alone.
    assert len(lines) == 2 and all(len(points.split()) == 2 for points in lines)
    markers = [m for g in root.iter(f"{SVG}g") if g.get("class") == "chart-series" for m in g]
    assert len(markers) == 2 + 6  # two polylines and one marker per shown value


def test_line_chart_scale_has_whole_round_steps() -> None:
    assert [charts.nice_scale(v) for v in (0, 1, 3, 7, 12, 39, 250, 251)] == [
        (1, 1), (1, 1), (3, 1), (8, 2), (15, 5), (40, 10), (300, 100), (300, 100),
    ]  # fmt: skip


@given(st.integers(0, 10**7))
def test_the_scale_holds_the_value_in_at_most_four_whole_steps(value: int) -> None:
    top, step = charts.nice_scale(value)
    assert top >= value and top % step == 0 and 1 <= top // step <= 4
    assert str(step).strip("0") in ("1", "2", "5")


@given(st.lists(st.one_of(st.none(), st.integers(0, 10_000)), min_size=2, max_size=30))
def test_every_drawn_point_lies_inside_the_plot(values: list[int | None]) -> None:
    labels = [str(n) for n in range(len(values))]
    texts = ["x" if v is None else str(v) for v in values]
    svg = charts.line_chart("p", "t", labels, [charts.Series("s", values, texts)])
    root = ElementTree.fromstring(svg)
    (drawn,) = [g for g in root.iter(f"{SVG}g") if g.get("class") == "chart-series"]
    circles = list(drawn.iter(f"{SVG}circle"))
    for circle in circles:
        x, y = float(circle.get("cx", "0")), float(circle.get("cy", "0"))
        assert 0 <= x <= charts.WIDTH and 0 <= y <= charts.LINE_HEIGHT
    assert len(circles) == sum(v is not None for v in values)

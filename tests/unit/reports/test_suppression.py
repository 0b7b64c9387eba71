"""Small-cell suppression: no suppressed count can be recomputed from what is published."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from lrs.reports.suppression import Group, coarsen_series, suppressed_cells


def _group(values):
    counts = {f"c{i}": v for i, v in enumerate(values)}
    counts["total"] = sum(values)
    return counts, [Group("total", tuple(f"c{i}" for i in range(len(values))))]


def test_one_small_cell_takes_the_smallest_other_cell_with_it():
    counts, groups = _group([7, 6, 2])
    assert suppressed_cells(counts, groups, 5) == {"c1", "c2"}


def test_small_cells_adding_up_to_less_than_min_cell_take_another_cell_with_them():
    # 2 + 0 + 0 = 2: the total minus the published cells would say "2 among these three".
    counts, groups = _group([12, 6, 2, 0, 0])
    assert suppressed_cells(counts, groups, 5) == {"c1", "c2", "c3", "c4"}


def test_nothing_is_suppressed_when_every_cell_is_large():
    counts, groups = _group([12, 6, 5])
    assert suppressed_cells(counts, groups, 5) == set()


def test_a_group_of_one_small_cell_hides_its_total():
    counts, groups = _group([3])
    assert suppressed_cells(counts, groups, 5) == {"c0", "total"}


@given(st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=8))
def test_no_suppressed_cell_is_determined_by_total_minus_published_cells(values):
    counts, groups = _group(values)
    hidden = suppressed_cells(counts, groups, 5)
    cells = [f"c{i}" for i in range(len(values))]
    secret = [c for c in cells if c in hidden]
    for cell in cells:
        if cell not in hidden:
            assert counts[cell] >= 5
    if "total" in hidden or not secret:
        return
    remainder = counts["total"] - sum(counts[c] for c in cells if c not in hidden)
    # What an attacker learns: the suppressed cells add up to `remainder`, at least min_cell,
    # over at least two cells; with two or more unknowns, none of them is pinned down, and
    # the remainder itself is no small count.
    assert len(secret) >= 2
    assert remainder >= 5


def test_series_publishes_only_steps_of_at_least_min_cell():
    # 11 in March, +6 in June, +2, +1: 17 would leave a remainder of 3 before the total of 20.
    assert coarsen_series([11, 0, 0, 6, 2, 1], 5) == [11, None, None, None, None, None]
    assert coarsen_series([5, 5, 5], 5) == [5, 10, 15]
    assert coarsen_series([1, 1, 1], 5) == [None, None, None]


@given(st.lists(st.integers(min_value=0, max_value=12), max_size=15))
def test_series_differences_are_never_small(increments):
    published = [v for v in coarsen_series(increments, 5) if v is not None]
    total = sum(increments)
    # The total itself is published (by the report) only when it is not small.
    points = [0, *published, *([total] if total >= 5 else [])]
    for before, after in itertools.pairwise(points):
        assert after - before == 0 or after - before >= 5

"""Small-cell suppression (DESIGN.md, "Identity, tenancy, privacy").

A count below the programme's `min_cell` is published as null and named in `suppressed`; so
that no other figure lets it be recomputed, a group of cells whose total is published never has
exactly one suppressed cell, nor suppressed cells that add up to less than `min_cell` (total
minus the published cells would give them away; with zeros, even each of them): the smallest
published cells are suppressed with them (secondary suppression). A time series publishes
cumulative counts only where they grew by at least `min_cell` since the last published point,
never leaving a small remainder before the total.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Group:
    """Cells that add up to `total` (a cell name too, published or derivable)."""

    total: str
    cells: tuple[str, ...]


def suppressed_cells(counts: Mapping[str, int], groups: Sequence[Group], min_cell: int) -> set[str]:
    """Names of the cells to publish as null: primary (count < min_cell) and secondary."""
    hidden = {name for name, value in counts.items() if value < min_cell}
    changed = True
    while changed:
        changed = False
        for group in groups:
            if group.total in hidden:
                continue
            alone = [c for c in group.cells if c in hidden]
            if not alone or (len(alone) > 1 and sum(counts[c] for c in alone) >= min_cell):
                continue
            shown = sorted((counts[c], c) for c in group.cells if c not in hidden)
            if shown:
                hidden.add(shown[0][1])
            else:
                hidden.add(group.total)
            changed = True
    return hidden


def coarsen_series(increments: Sequence[int], min_cell: int) -> list[int | None]:
    """Cumulative counts of a monthly series, published only at points that differ from the
    previous published point (and from zero) by at least `min_cell`; None elsewhere. The last
    published point is withdrawn if the total would exceed it by a small count."""
    out: list[int | None] = [None] * len(increments)
    cumulative = last = 0
    published: list[int] = []
    for i, value in enumerate(increments):
        cumulative += value
        if cumulative - last >= min_cell:
            out[i] = cumulative
            last = cumulative
            published.append(i)
    if published and 0 < cumulative - last < min_cell:
        out[published.pop()] = None
    return out

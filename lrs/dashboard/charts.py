"""Geometry of the SVG charts (the templates draw them). Suppressed points are gaps."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 56, 36, 12, 36


@dataclass(frozen=True)
class Gauge:
    actual_width: float  # of 300
    target_x: float
    over: bool


def gauge(actual: float | None, target: float) -> Gauge:
    scale = max(1.0, target * 1.25, actual or 0)
    return Gauge(
        actual_width=round(300 * (actual or 0) / scale, 1),
        target_x=round(300 * target / scale, 1),
        over=actual is not None and actual >= target,
    )


@dataclass(frozen=True)
class Series:
    paths: list[str]  # one polyline per run of published points
    dots: list[tuple[float, float, str, int]]  # x, y, month, value
    y_ticks: list[tuple[float, int]]
    x_ticks: list[tuple[float, str]]
    width: int = WIDTH
    height: int = HEIGHT


def _nice_max(value: int) -> int:
    if value <= 10:
        return 10
    step = 10 ** (len(str(value)) - 1)
    return int(((value + step - 1) // step) * step)


def series(months: list[str], values: list[int | None], top: int | None = None) -> Series:
    """A line over the months; only published values are drawn, suppressed ones are gaps."""
    peak = _nice_max(max([v for v in values if v is not None] + [top or 0, 1]))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(1, len(months) - 1)

    def xy(i: int, v: int) -> tuple[float, float]:
        return round(LEFT + i * step, 1), round(TOP + plot_h * (1 - v / peak), 1)

    paths: list[str] = []
    current: list[str] = []
    dots = []
    for i, (month, value) in enumerate(zip(months, values, strict=True)):
        if value is None:
            if len(current) > 1:
                paths.append(" ".join(current))
            current = []
            continue
        x, y = xy(i, value)
        current.append(f"{x},{y}")
        dots.append((x, y, month, value))
    if len(current) > 1:
        paths.append(" ".join(current))
    y_ticks = [(round(TOP + plot_h * (1 - k / 4), 1), peak * k // 4) for k in range(5)]
    every = max(1, len(months) // 8)
    x_ticks = [(xy(i, 0)[0], m) for i, m in enumerate(months) if i % every == 0]
    return Series(paths, dots, y_ticks, x_ticks)


def heat_class(share: float | None) -> str:
    if share is None:
        return "heat-none"
    return f"heat-{min(4, int(share * 5))}"

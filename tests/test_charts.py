"""bot.charts: the questions-per-day PNG for /stats and `tanyaberita stats --plot`."""

from __future__ import annotations

import io
from datetime import date, timedelta

import numpy as np
import pytest

from bot.charts import ANSWERED_COLOR, DECLINED_COLOR, OTHER_COLOR, questions_per_day_png
from bot.querylog import DayCount, Stats

D0 = date(2026, 11, 1)


def days(*counts: tuple[int, int, int]) -> list[DayCount]:
    return [DayCount(D0 + timedelta(days=i), *c) for i, c in enumerate(counts)]


def colours_drawn(png: bytes) -> set[str]:
    """The chart's series colours that appear as pixels in the image."""
    from matplotlib.image import imread

    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    pixels = (imread(io.BytesIO(png))[..., :3] * 255).round().astype(int).reshape(-1, 3)
    present = {f"#{r:02x}{g:02x}{b:02x}" for r, g, b in np.unique(pixels, axis=0)}
    # A legend entry also paints its colour: count a colour only with bar-sized areas.
    return {
        c
        for c in (ANSWERED_COLOR, DECLINED_COLOR, OTHER_COLOR)
        if c in present and int((pixels == _rgb(c)).all(axis=1).sum()) > 400
    }


def _rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])


def test_answered_and_declined_bars_are_drawn() -> None:
    png = questions_per_day_png(days((30, 10, 0), (25, 5, 0), (40, 0, 0)))
    assert colours_drawn(png) == {ANSWERED_COLOR, DECLINED_COLOR}


def test_failed_sends_get_their_own_bars_only_when_there_are_any() -> None:
    png = questions_per_day_png(days((30, 0, 12), (25, 0, 9)))
    assert colours_drawn(png) == {ANSWERED_COLOR, OTHER_COLOR}


def test_empty_period_still_draws_a_chart() -> None:
    png = questions_per_day_png(days(*[(0, 0, 0)] * 30))
    assert colours_drawn(png) == set()


@pytest.mark.parametrize("window", [3, 30])
def test_days_limits_the_chart_to_the_last_days(window: int) -> None:
    # Only the first day has declined questions: a 3-day chart must not show it.
    series = days((0, 50, 0), *[(20, 0, 0)] * 9)
    stats = Stats(0, 0, 0, 0.0, 0, {}, [], [], None, None, per_day=series)
    drawn = colours_drawn(questions_per_day_png(stats, days=window))
    assert (DECLINED_COLOR in drawn) == (window >= len(series))

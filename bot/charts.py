"""Charts of the query log, as PNG bytes (for /stats and ``tanyaberita stats --plot``).

matplotlib is imported lazily, through its object-oriented API and the Agg
canvas only: no pyplot, no global figure state, safe in a worker thread.
Rendering takes a noticeable moment, so the bot calls it via
``asyncio.to_thread``. Labels are Indonesian: admins see this chart in Telegram.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from bot.querylog import DayCount, Stats

ANSWERED_COLOR = "#2e7d32"
DECLINED_COLOR = "#ef6c00"
OTHER_COLOR = "#9e9e9e"


def questions_per_day_png(data: Stats | Sequence[DayCount], days: int = 30) -> bytes:
    """A bar chart of the last ``days`` days: answered vs declined questions per day
    (plus, stacked on top when there are any, questions whose reply failed to send,
    was throttled or was cut as too long)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    per_day = list(data.per_day if isinstance(data, Stats) else data)[-days:] if days > 0 else []
    answered = [d.answered for d in per_day]
    declined = [d.declined for d in per_day]
    other = [d.other for d in per_day]
    x = list(range(len(per_day)))

    fig = Figure(figsize=(8, 3.6), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.bar(x, answered, color=ANSWERED_COLOR, label="Terjawab")
    ax.bar(x, declined, bottom=answered, color=DECLINED_COLOR, label="Tidak terjawab")
    if any(other):
        base = [a + d for a, d in zip(answered, declined, strict=True)]
        ax.bar(x, other, bottom=base, color=OTHER_COLOR, label="Gagal terkirim / dibatasi")
    step = max(1, len(per_day) // 8)
    ticks = x[::step]
    ax.set_xticks(ticks, [per_day[i].day.strftime("%d/%m") for i in ticks])
    if per_day:
        ax.set_xlim(-0.6, len(per_day) - 0.4)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    highest = max((a + d + o for a, d, o in zip(answered, declined, other, strict=True)), default=0)
    ax.set_ylim(0, max(highest * 1.25, 1))  # headroom for the legend
    total = sum(answered) + sum(declined) + sum(other)
    ax.set_title(f"Pertanyaan per hari, {len(per_day)} hari terakhir (UTC): {total} pertanyaan")
    ax.set_ylabel("Pertanyaan")
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(loc="upper left", ncols=3, frameon=False, fontsize="small")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()

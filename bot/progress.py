"""Progress of long terminal jobs: a tqdm bar on a terminal, log lines otherwise.

``with progress("adding") as report: report(done, total)``. On a terminal the
bar redraws in place; in a pipe or a log file a plain line is printed at most
every ``interval`` seconds, plus one at the end. A job in stages (an index
build reads the files, then analyses the paragraphs) reports each from zero
with its own total: each gets its own bar (or closing line).
``report.echo(line)`` prints a line without breaking the bar.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Never, TextIO

from tqdm import tqdm


class Reporter:
    def __init__(self, desc: str, stream: TextIO, interval: float, bar: bool) -> None:
        self.desc = desc
        self.stream = stream
        self.interval = interval
        self._bar: tqdm[Never] | None = None
        self._use_bar = bar
        self._last = time.monotonic()
        self._state: tuple[int, int] = (0, 0)

    def __call__(self, done: int, total: int) -> None:
        last_done, last_total = self._state
        if last_total and (total != last_total or done < last_done):
            self.close()  # the next stage
        self._state = (done, total)
        if self._use_bar:
            if self._bar is None:
                self._bar = tqdm(
                    total=total,
                    desc=self.desc,
                    unit="",  # files, then paragraphs
                    unit_scale=total >= 10_000,
                    file=self.stream,
                )
            bar = self._bar
            bar.total = total
            bar.update(done - bar.n)
            return
        now = time.monotonic()
        if now - self._last >= self.interval:
            self._last = now
            self._line()

    def echo(self, line: str, file: TextIO | None = None) -> None:
        out = file or sys.stdout
        if self._bar is not None:
            self._bar.write(line, file=out)
        else:
            print(line, file=out, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        elif self._state[1] >= 50:  # short jobs need no closing line
            self._line()

    def _line(self) -> None:
        done, total = self._state
        print(f"{self.desc}: {done}/{total}", file=self.stream, flush=True)


@contextmanager
def progress(
    desc: str, *, stream: TextIO | None = None, interval: float = 10.0
) -> Iterator[Reporter]:
    out = stream or sys.stderr
    reporter = Reporter(desc, out, interval, bar=out.isatty())
    try:
        yield reporter
    finally:
        reporter.close()

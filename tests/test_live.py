"""bot.live.LiveIndex on its own: what a change in the files leads to."""

from __future__ import annotations

import os
import time
from pathlib import Path

from retrieval.ingest import Ingester
from tests import ingest_site
from tests.bot_fixtures import live_index

ENGLISH = (
    "The city council approved a new budget on Tuesday after a long debate about roads,"
    " schools and public parks.\n\nThe mayor said the plan would be reviewed again next year.\n"
)


def drop(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    old = time.time() - 60
    os.utime(path, (old, old))


async def test_additions_are_a_delta_removals_a_rebuild_and_bad_drops_stay(
    tmp_path: Path,
) -> None:
    _, archive, _, live = live_index(tmp_path)
    start = len(live.current.corpus.articles)
    assert (await live.refresh()).kind == "unchanged"

    bad = archive / "english.txt"
    drop(bad, ENGLISH)
    done = await live.refresh()
    assert done.kind == "unchanged"
    assert [r.status for r in done.ingested] == ["error"]
    assert bad.exists()  # left for a person to look at
    assert (await live.refresh()).ingested == ()  # and not tried again

    source = tmp_path / "rote.txt"
    source.write_text(ingest_site.TEXT_ARTICLE, encoding="utf-8")
    with Ingester(archive, live.current.corpus.articles) as ingester:
        assert ingester.add(str(source)).status == "added"
    done = await live.refresh()
    assert (done.kind, done.added, done.articles) == ("delta", 1, start + 1)
    best = live.current.ask("Berapa panjang landasan bandara di Pulau Rote?", k=1).best
    assert best is not None and "2.100 meter" in best.text

    for path in archive.rglob("*"):
        if path.suffix in (".toml", ".txt") and path != bad:
            path.unlink()
    done = await live.refresh()
    assert (done.kind, done.articles) == ("full", start)
    assert live.swaps == 2

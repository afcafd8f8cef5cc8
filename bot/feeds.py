"""Polling the RSS/Atom feeds in ``FEEDS`` on PTB's JobQueue.

Every ``FEED_INTERVAL`` (with jitter) one pass reads each feed in a worker
thread (``Ingester.add_feed``: conditional GET, new entries only) and the new
articles join the live index as a delta; an updated article means a rebuild.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from telegram.ext import ContextTypes, JobQueue

from bot.services import services
from retrieval.ingest import IngestResult
from retrieval.known import ingester_for
from retrieval.models import Corpus

logger = logging.getLogger(__name__)

ADDED_BY = "feeds"
FIRST_DELAY = 30.0  # seconds after start-up before the first pass
JITTER = 0.1  # +/- this share of the interval, so several bots never poll in step
NAME = "feeds"


def schedule(job_queue: JobQueue[Any], interval: float, *, first: float | None = None) -> None:
    """The next pass, ``interval`` (with jitter) from now, or after ``first`` seconds."""
    when = first if first is not None else interval * random.uniform(1 - JITTER, 1 + JITTER)
    job_queue.run_once(feed_job, when=when, name=NAME, data=interval)


def poll(urls: Sequence[str], archive_dir: Path, corpus: Corpus) -> list[IngestResult]:
    """One pass over every feed (runs in a worker thread)."""
    with ingester_for(archive_dir, corpus, added_by=ADDED_BY) as ingester:
        return [result for url in urls for result in ingester.add_feed(url)]


async def feed_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """One pass, then the next one is scheduled; never raises (a feed that fails is
    a warning, tried again next time)."""
    try:
        await _one_pass(context)
    finally:
        job = context.job
        if job is not None and isinstance(job.data, (int, float)):
            schedule(context.job_queue, job.data)  # type: ignore[arg-type]


async def _one_pass(context: ContextTypes.DEFAULT_TYPE) -> None:
    try:
        svc = services(context)
    except RuntimeError:  # not started yet
        return
    try:
        results = await asyncio.to_thread(
            poll, svc.settings.feeds, svc.settings.archive_dir, svc.retriever.corpus
        )
    except Exception:
        logger.warning("feed pass failed", exc_info=True)
        return
    for r in results:
        if r.status == "error":
            logger.warning("feed entry not added: %s", r.error)
    added = [r.article for r in results if r.status == "added" and r.article is not None]
    if any(r.status == "updated" for r in results):
        await svc.live.refresh(force=True)
    elif added:
        await svc.live.add_articles(added)
    if added:
        logger.info("feeds: %d new articles", len(added))

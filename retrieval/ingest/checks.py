"""Is it an Indonesian news article at all? Cheap checks before anything is written.

Language: simplemma's share of words found in its Indonesian word list. Measured
on 3,000 idnews-2025 bodies: 1st percentile 0.72, lowest real article 0.44 (glued
words from inline links); an English news paragraph scores 0.12. Hence 0.4.
Substance: index and section pages, video pages and paywall stubs leave only a
few short lines once furniture is gone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from retrieval.ingest.errors import IngestError

MIN_INDONESIAN = 0.4
MIN_BODY_CHARS = 400
MIN_SENTENCES = 3
_LANGUAGE_SAMPLE = 4000  # characters; enough for a stable ratio, cheap on long pages
_SENTENCE_END = re.compile(r"[.!?…][\"”’')]*(?:\s|$)")


def indonesian_share(text: str) -> float:
    import simplemma

    return float(simplemma.in_target_language(text[:_LANGUAGE_SAMPLE], lang="id"))


def check_article(paragraphs: Sequence[str], where: str) -> None:
    """Raise IngestError unless the paragraphs read as an Indonesian article."""
    body = "\n".join(paragraphs)
    chars = sum(len(p) for p in paragraphs)
    sentences = len(_SENTENCE_END.findall(body + " "))
    if chars < MIN_BODY_CHARS or sentences < MIN_SENTENCES:
        raise IngestError(
            f"{where}: no article text ({len(paragraphs)} paragraphs, {chars} characters;"
            " an index, video or paywall page?)"
        )
    share = indonesian_share(body)
    if share < MIN_INDONESIAN:
        raise IngestError(f"{where}: not Indonesian text ({share:.0%} of its words are Indonesian)")

"""Known-item queries: a few of a target paragraph's rarer words.

A query is 3-5 words drawn from the rarer half (by document frequency over all
paragraphs of the corpus) of the target's distinct words, in the order they
appear in the target. A system finds the item when the target paragraph's text
is among its top 10 results.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

WORD = re.compile(r"[^\W\d_]{3,}")
MIN_TARGET_WORDS = 8


@dataclass(frozen=True, slots=True)
class KnownItem:
    query: str
    target: str  # the target paragraph's text, exactly as in the corpus files
    article_id: str


def words(text: str) -> list[str]:
    """Distinct lower-case words of ``text`` in order of first appearance."""
    return list(dict.fromkeys(w.lower() for w in WORD.findall(text)))


def known_items(
    paragraphs: Sequence[tuple[str, str]], count: int = 300, seed: int = 0
) -> list[KnownItem]:
    """``count`` known-item queries over ``(article_id, text)`` paragraphs."""
    rng = random.Random(seed)
    eligible = [i for i, (_, text) in enumerate(paragraphs) if len(words(text)) >= MIN_TARGET_WORDS]
    chosen = sorted(rng.sample(eligible, min(count, len(eligible))))
    wanted = {w for i in chosen for w in words(paragraphs[i][1])}
    df: Counter[str] = Counter()
    for _, text in paragraphs:
        df.update(wanted.intersection(w.lower() for w in WORD.findall(text)))
    items = []
    for i in chosen:
        article_id, text = paragraphs[i]
        order = words(text)
        rare = sorted(order, key=lambda w: (df[w], w))[: max(5, len(order) // 2)]
        picked = set(rng.sample(rare, rng.randint(3, 5)))
        items.append(KnownItem(" ".join(w for w in order if w in picked), text, article_id))
    return items


def save(items: Iterable[KnownItem], path: Path) -> None:
    lines = (json.dumps(asdict(item), ensure_ascii=False) for item in items)
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def load(path: Path) -> list[KnownItem]:
    with path.open(encoding="utf-8") as lines:
        return [KnownItem(**json.loads(line)) for line in lines if line.strip()]

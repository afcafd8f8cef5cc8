"""Index, section and front pages: main text that is mostly a list of other stories.

A page's main text is a *listing* when most of it stands in "cards": small elements
around one headline link to another page (the link, perhaps a rubric, a time and a
teaser). An article's paragraphs stand in its own container, which holds far more
text than a card; a "Baca juga" line inside it is one card among many paragraphs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from retrieval.ingest.density import parse_without

if TYPE_CHECKING:
    from lxml.html import HtmlElement

_WORD = re.compile(r"\w+")
_HEADLINE_MIN_WORDS = 4  # shorter link texts are menu items ("Nasional", "Bola")
_CARD_MAX_WORDS = 80  # a headline, a rubric, a time and a teaser; an article is longer
_PROBE_WORDS = 6  # a paragraph is found in a card by its first or last words
_LISTING_SHARE = 0.5  # share of the main text's characters that stand in cards
_LISTING_MIN_CARDS = 3  # paragraphs found in cards: one or two are related-story links
_DROP = ("script", "style", "noscript")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def cards_in(tree: HtmlElement) -> list[str]:
    """Normalised text of every card: the largest small ancestor of one headline link.

    ``tree`` is the page as parsed by ``page_tree`` (the cards' text without scripts).
    """
    headline_links = [
        a for a in tree.iter("a") if len(_words(a.text_content())) >= _HEADLINE_MIN_WORDS
    ]
    counted: dict[HtmlElement, int] = {}
    for link in headline_links:
        for ancestor in link.iterancestors():
            counted[ancestor] = counted.get(ancestor, 0) + 1
    cards: list[str] = []
    seen: set[HtmlElement] = set()
    for link in headline_links:
        card: HtmlElement = link
        for ancestor in link.iterancestors():
            if counted[ancestor] > 1 or len(_words(ancestor.text_content())) > _CARD_MAX_WORDS:
                break
            card = ancestor
        if card not in seen:
            seen.add(card)
            cards.append(" ".join(_words(card.text_content())))
    return cards


def page_tree(html: str) -> HtmlElement | None:
    """``html`` parsed for ``cards_in``, or ``None`` when unparsable."""
    return parse_without(html, _DROP)


def listing_share(cards: Sequence[str], paragraphs: Sequence[str]) -> tuple[float, int]:
    """Share of the paragraphs' characters found in ``cards``, and how many paragraphs."""
    found_chars = found = 0
    total = 0
    for paragraph in paragraphs:
        words = _words(paragraph)
        total += len(paragraph)
        if len(words) < 2:
            continue
        probes = {" ".join(words[:_PROBE_WORDS]), " ".join(words[-_PROBE_WORDS:])}
        if any(probe in card for card in cards for probe in probes):
            found_chars += len(paragraph)
            found += 1
    return (found_chars / total if total else 0.0), found


def is_listing(cards: Sequence[str], paragraphs: Sequence[str]) -> bool:
    """Whether the main text is mostly teasers of other stories (``cards``): an index page."""
    share, found = listing_share(cards, paragraphs)
    return share >= _LISTING_SHARE and found >= _LISTING_MIN_CARDS

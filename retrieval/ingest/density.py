"""The page's densest block of prose: a second opinion on trafilatura's main text.

trafilatura picks one container as the article. On some layouts it picks a
"related stories" list instead (every teaser a sentence), or drops the lead
paragraph that stands as bare text before the first ``<div>``. This module
finds, independently, the element that holds the most prose directly: its own
text, the tails of its inline children, and its paragraph-like children (a
``<p>`` or a ``<div>`` with no block inside), each counted only when it is not
mostly link text. ``main_text`` then chooses between the two readings.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from lxml.html import HtmlElement

# Elements that never hold the article's prose.
_DROP = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe",
         "button")  # fmt: skip
# Children that continue the current paragraph; any other child starts a new one.
_INLINE = frozenset({"a", "abbr", "b", "big", "br", "cite", "code", "em", "font", "i", "img",
                     "mark", "q", "s", "small", "span", "strong", "sub", "sup", "time", "u",
                     "wbr"})  # fmt: skip
_PARAGRAPH_LIKE = frozenset({"p", "div", "blockquote"})
_HEADINGS = frozenset({"h2", "h3", "h4"})
_BOLD = ("b", "strong")
_HEADING_MAX_WORDS = 8
# Not a heading: a line ending like a sentence, or a label ("Fotografer: Nama").
_LABEL = re.compile(r"[.!?;,]\s*$|:")
_MAX_LINK_SHARE = 0.5  # a piece that is more link than text is navigation
# main_text's choice, measured on the 26 idnews-html-2016 pages (body sentences kept).
_DENSE_ENOUGH = 0.8  # the densest block's prose against trafilatura's
_SHORTER = 0.7  # trafilatura's precise text against its recall text
_COVERS = 0.8  # share of trafilatura's word 4-grams the densest block holds: same article
_AGREE = 0.5  # share of word 4-grams two readings of the same article have in common
_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"[.!?…\"”)]\s*$")


def densest_text(html: str) -> str:
    """The paragraphs (one a line) of the element with the most prose, or ``""``."""
    tree = parse_without(html, ())
    return "" if tree is None else densest_in(tree)


def densest_in(tree: HtmlElement) -> str:
    """``densest_text`` of an already parsed page; drops the non-prose elements from ``tree``."""
    drop_all(tree, _DROP)
    best: list[str] = []
    best_score = 0
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        paragraphs = _paragraphs(element)
        score = sum(len(p) for p in paragraphs if _is_prose(p))
        if score > best_score:
            best, best_score = paragraphs, score
    return "\n".join(best)


def parse_without(html: str, drop: Sequence[str]) -> HtmlElement | None:
    """``html`` parsed by lxml with every ``drop`` element removed, or ``None`` when unparsable."""
    import lxml.html
    from lxml import etree

    try:
        tree = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError):
        return None
    drop_all(tree, drop)
    return tree


def drop_all(tree: HtmlElement, tags: Sequence[str]) -> None:
    """Remove every ``tags`` element (and its content) from ``tree``, keeping their tails."""
    if tags:
        for bad in tree.xpath("|".join(f"//{tag}" for tag in tags)):
            bad.drop_tree()


def _paragraphs(element: HtmlElement) -> list[str]:
    """``element``'s own paragraphs: runs of inline text, and paragraph-like children.

    A paragraph that is mostly link text (a menu, a list of related stories) is
    left out. A short all-bold line or an ``<h2>``-``<h4>`` before a paragraph is
    its sub-heading and opens it (``Tidak Punya Waktu: Rutinitas padat ...``):
    in a list article the headings are the list.
    """
    pieces: list[tuple[str, bool]] = []  # (text, is a heading)
    run: list[str] = [element.text or ""]
    linked = bold = 0

    def flush() -> None:
        nonlocal linked, bold
        text = " ".join("".join(run).split())
        if text and linked / len(text) <= _MAX_LINK_SHARE:
            pieces.append((text, bold >= len(text)))
        run.clear()
        linked = bold = 0

    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "br":
            flush()
        elif tag and tag not in _INLINE:
            flush()
            text = " ".join(child.text_content().split())
            if text and tag in _HEADINGS and not _mostly_links(child):
                pieces.append((text, True))
            elif text and tag in _PARAGRAPH_LIKE and not _has_block(child) | _mostly_links(child):
                pieces.append((text, _bold_chars(child) >= len(text)))
        elif tag:
            text = child.text_content()
            run.append(text)
            linked += len(" ".join(text.split())) if tag == "a" else _link_chars(child)
            bold += _bold_chars(child)
        run.append(child.tail or "")
    flush()
    paragraphs: list[str] = []
    heading: str | None = None
    for text, is_heading in pieces:
        if heading is not None and _is_prose(text):
            text = f"{heading}: {text}"
        elif heading is not None:
            paragraphs.append(heading)
        heading = None
        if is_heading and len(text.split()) <= _HEADING_MAX_WORDS and not _LABEL.search(text):
            heading = text
        else:
            paragraphs.append(text)
    if heading is not None:
        paragraphs.append(heading)
    return paragraphs


def _bold_chars(element: HtmlElement) -> int:
    if element.tag in _BOLD:
        return len(" ".join(element.text_content().split()))
    return sum(len(" ".join(b.text_content().split())) for b in element.iter(*_BOLD))


def _has_block(element: HtmlElement) -> bool:
    return any(isinstance(d.tag, str) and d.tag not in _INLINE for d in element.iterdescendants())


def _link_chars(element: HtmlElement) -> int:
    return sum(len(" ".join(a.text_content().split())) for a in element.iter("a"))


def _mostly_links(element: HtmlElement) -> bool:
    total = len(" ".join(element.text_content().split()))
    return total > 0 and _link_chars(element) / total > _MAX_LINK_SHARE


def _is_prose(paragraph: str) -> bool:
    """A sentence or more: enough words, ending like a sentence."""
    return len(_WORD.findall(paragraph)) >= 8 and bool(_SENTENCE_END.search(paragraph))


def main_text(precise: str, dense: str, recall: Callable[[], str]) -> str:
    """The article's text from trafilatura's two modes and the densest block.

    The densest block wins when it holds most of trafilatura's precise text
    (the same article, without what trafilatura kept around it). Else it wins
    when it holds about as much prose (``_DENSE_ENOUGH``), or more when the two
    share little text (then one took the wrong container; the related-story
    lists trafilatura falls for are mostly links, which it never counts). Else
    trafilatura's precise text, or its recall text (``recall()``, called only
    then) when the precise one is much shorter: it dropped a lead standing
    outside the main container.
    """
    if dense and shared_share(precise, dense) >= _COVERS:
        return dense
    wider = recall()
    theirs = precise if len(precise) >= _SHORTER * len(wider) else wider
    if not dense:
        return theirs
    covered = shared_share(theirs, dense)
    if covered >= _COVERS:
        return dense
    agree = covered >= _AGREE or shared_share(dense, theirs) >= _AGREE
    needed = _DENSE_ENOUGH if agree else 1.0
    return dense if _prose(dense) >= needed * _prose(theirs) else theirs


def _prose(text: str) -> int:
    return sum(len(line) for line in text.splitlines() if _is_prose(line))


def shared_share(text: str, other: str) -> float:
    """The share of ``text``'s word 4-grams that also occur in ``other`` (0 when empty)."""
    mine = _shingles(text)
    return len(mine & _shingles(other)) / len(mine) if mine else 0.0


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.casefold())
    return {tuple(words[i : i + 4]) for i in range(len(words) - 3)}

"""The dateline's place, searched as a word of the article's first paragraph.

"SEMARANG, KOMPAS.com - Banjir merendam ..." opens many stories, and the
cleaner moves the dateline out of the text (``Source.place`` keeps the
place): the paragraph reads "Banjir merendam ...". A reader asking about a
flood in Semarang still expects that article, and without the place a big
archive may even read "semarang" as a slip for a common word. So the place
is analysed with the first paragraph, as if the dateline were still there:
the index holds it, the text shown stays as cleaned. Other paragraphs of
the article find it in their lead, like a word of the title.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import overload

from retrieval.models import Article


class WithPlaces(Sequence[str]):
    """The paragraph texts of ``articles`` (``texts``, in their order) as the
    index analyses them: each article's first paragraph after its place."""

    def __init__(self, texts: Sequence[str], articles: Sequence[Article]) -> None:
        self._texts = texts
        self._places: dict[int, str] = {}
        row = 0
        for article in articles:
            place = article.source.place
            if place and article.paragraphs:
                self._places[row] = place
            row += len(article.paragraphs)

    def __len__(self) -> int:
        return len(self._texts)

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[str]: ...
    def __getitem__(self, i: int | slice) -> str | Sequence[str]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        text = self._texts[i]
        place = self._places.get(i if i >= 0 else i + len(self))
        return text if place is None else f"{place} - {text}"

"""TanyaBerita's retrieval library: corpus, Indonesian analysis, index, answers.

Pure: no Telegram, no event loop. Functions take data and return data.
"""

from typing import TYPE_CHECKING, Any

from retrieval.models import (
    Answer,
    Article,
    Corpus,
    CorpusError,
    Hit,
    SeenElsewhere,
    Source,
)

if TYPE_CHECKING:
    from retrieval.retriever import Retriever

__all__ = [
    "Answer",
    "Article",
    "Corpus",
    "CorpusError",
    "Hit",
    "Retriever",
    "SeenElsewhere",
    "Source",
]


def __getattr__(name: str) -> Any:
    # Lazy: the retriever pulls in scikit-learn, which a command that only
    # reads settings (or fails on a missing token) should not wait for.
    if name == "Retriever":
        from retrieval.retriever import Retriever

        return Retriever
    raise AttributeError(name)

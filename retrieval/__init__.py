"""TanyaBerita's retrieval library: corpus, Indonesian analysis, index, answers.

Pure: no Telegram, no event loop. Functions take data and return data.
"""

from retrieval.models import Answer, Article, Corpus, CorpusError, Hit, SeenElsewhere
from retrieval.retriever import Retriever

__all__ = ["Answer", "Article", "Corpus", "CorpusError", "Hit", "Retriever", "SeenElsewhere"]

"""The one error type of ingestion: a bad input, said in one line."""

from __future__ import annotations


class IngestError(Exception):
    """An input that cannot be added (unreachable, not an article, not Indonesian...).

    The message is one line naming the input, e.g. ``https://x.id/a: HTTP 404``.
    Nothing has been written when it is raised.
    """

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split()))


def size_text(n: int) -> str:
    """A byte limit for a message: ``5 MB``, ``64 KB``, ``900 bytes``."""
    for unit, scale in (("MB", 2**20), ("KB", 2**10)):
        if n >= scale:
            return f"{n / scale:.3g} {unit}"
    return f"{n} bytes"

"""Shared fixtures: the project's own seeds and, when present, ../shared."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from retrieval import Retriever

ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = ROOT / "seeds"
SHARED_DIR = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS_DIR


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` beside the checkout; absent in a user's fresh clone."""
    if not SHARED_DIR.is_dir():
        pytest.skip(f"{SHARED_DIR} is absent (a fresh clone has no ../shared)")
    return SHARED_DIR


@pytest.fixture(scope="session")
def retriever(seeds_dir: Path) -> Retriever:
    """One retriever over the seeds for the whole session (English off: deterministic);
    the same object the retrieval tests get from ``seeds_retriever()``."""
    from tests.retrieval_helpers import seeds_retriever

    return seeds_retriever()

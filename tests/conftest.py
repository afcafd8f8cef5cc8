"""Shared fixtures: the project's own seeds and, when present, ../shared."""

from __future__ import annotations

from pathlib import Path

import pytest

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

"""A shortened run of ``scripts/load_faults.py``: the real ``tanyaberita run`` against the
stand-in failing ``sendMessage`` at random (429, 500, drops, slow answers).
The full run (1,000 questions, 300 chats) is a script, not a test."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from tests.bot_fixtures import ROOT


def load_script() -> ModuleType:
    path = ROOT / "scripts" / "load_faults.py"
    spec = importlib.util.spec_from_file_location("load_faults", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_every_question_is_answered_and_logged_once_under_faults(tmp_path: Path) -> None:
    script = load_script()
    report = script.run(
        questions=80,
        chats=30,
        groups=1,
        burst=12,
        slow_delay=(10.0, 10.5),
        max_seconds=50.0,
        seed=3,
        workdir=tmp_path,
    )
    assert report.sent == report.questions == 80
    assert report.answered == 80, report.markdown()
    assert report.extra_replies == 0
    assert report.logged == 80
    assert report.exit_code == 0
    # The run did meet faults: the figures above were earned.
    assert report.faults.get("429", 0) + report.faults.get("500", 0) >= 4, report.faults
    assert set(report.outcomes) <= {"answered", "declined"}

"""The engine stands alone: importing and using it never imports Django."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_importing_and_scoring_does_not_import_django() -> None:
    code = (
        "import sys\n"
        "from tandem.instruments import library\n"
        "library.score_session('relating-styles', {'sr1': 3, 'sf1': 0})\n"
        "loaded = sorted(name for name in sys.modules if name.split('.')[0] == 'django')\n"
        "print(loaded)\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "", "PYTHONPATH": str(ROOT)},
    )
    assert completed.stdout.strip() == "[]"


def test_every_public_name_is_exported() -> None:
    import tandem.instruments as engine

    for name in engine.__all__:
        assert hasattr(engine, name), name

"""Where the W3C conformance data lives: ``../shared/vectors`` or ``$BADGES_VECTORS``.

The data is read at run time, never copied into the repository. Missing data fails the run under
``CI=true`` and skips elsewhere (see :mod:`tests.services`).
"""

from __future__ import annotations

import os
from pathlib import Path

from tests.services import missing

ROOT = Path(__file__).resolve().parents[1]


def vectors_dir(*parts: str) -> Path:
    """The vectors folder (or a sub-folder of it), or skip/fail when it is not there."""
    base = Path(os.environ.get("BADGES_VECTORS", ROOT.parent / "shared" / "vectors"))
    path = base.joinpath(*parts)
    if not path.exists():
        missing(f"test vectors at {path}", "set BADGES_VECTORS to the shared vectors folder")
    return path

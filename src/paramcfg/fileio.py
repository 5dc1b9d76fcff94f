"""Writing files without ever losing one: a temporary file in the same folder, then a rename.

A failure at any point (disk full, an exception, a kill) leaves the original file exactly as it
was; only the final ``os.replace`` makes the new content visible, and it is atomic.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

__all__ = ["write_atomic"]


def write_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8, LF line ends) atomically."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path()
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        if target.exists():
            # Keep the original's permissions: a profile may be readable by a group.
            Path(tmp).chmod(target.stat().st_mode & 0o777)
        Path(tmp).replace(target)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(tmp).unlink()
        raise

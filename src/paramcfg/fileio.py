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


def _umask() -> int:
    """The process's umask, read without changing it where the system tells it (Linux)."""
    try:
        with Path("/proc/self/status").open(encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # elsewhere: set and restore at once
    os.umask(mask)
    return mask


def write_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8, LF line ends) atomically.

    A symbolic link is followed: its target is written and the link stays a link. A new file
    gets the mode ``open`` would give it (0666 less the umask), an existing one keeps its own.
    """
    target = Path(path)
    if target.is_symlink():
        target = Path(os.path.realpath(target))
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
        else:
            # mkstemp makes 0600 whatever the umask: a new file is made as open() would.
            Path(tmp).chmod(0o666 & ~_umask())
        Path(tmp).replace(target)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(tmp).unlink()
        raise

"""The public facade: load a core, load and check tenant profiles.

Each function chains the pipeline stages (source → syntax → model → check) and returns the
result together with every diagnostic; none raises for bad input.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from paramcfg import check as checks
from paramcfg import model
from paramcfg.diagnostics import Diagnostic, Severity, Span
from paramcfg.source import Source, decode, read_source
from paramcfg.syntax import parse_text

if TYPE_CHECKING:
    import os
    from collections.abc import Sequence

__all__ = [
    "CheckResult",
    "CoreResult",
    "check_profile",
    "check_profile_text",
    "find_core",
    "load_core",
]

CORE_SUFFIX = ".pcore"
PROFILE_SUFFIX = ".pcfg"


def _has_errors(diagnostics: Sequence[Diagnostic]) -> bool:
    return any(d.level is Severity.ERROR for d in diagnostics)


@attrs.frozen
class CoreResult:
    """A loaded package core (``None`` if it could not be built) and its diagnostics."""

    core: model.Core | None
    diagnostics: tuple[Diagnostic, ...]
    #: Each file's text as typed, for showing source lines under diagnostics.
    sources: Mapping[str, str]

    @property
    def ok(self) -> bool:
        return self.core is not None and not _has_errors(self.diagnostics)


@attrs.frozen
class CheckResult:
    """A checked tenant profile: the resolved profile (if it could be built) and findings."""

    path: str
    profile: model.Profile | None
    diagnostics: tuple[Diagnostic, ...]
    sources: Mapping[str, str]

    @property
    def ok(self) -> bool:
        return self.profile is not None and not _has_errors(self.diagnostics)

    @property
    def errors(self) -> int:
        return sum(d.level is Severity.ERROR for d in self.diagnostics)

    @property
    def warnings(self) -> int:
        return sum(d.level is Severity.WARNING for d in self.diagnostics)


def _display(path: Path) -> str:
    # Paths are shown as the user gave them (joined with the file name for a core folder).
    return str(path)


def _read(path: Path) -> Source:
    return read_source(path, display_path=_display(path))


def load_core(path: str | os.PathLike[str]) -> CoreResult:
    """Load a package core from a ``.pcore`` file or a folder of them.

    :param path: a core file, or a folder whose ``*.pcore`` files together form one core.
    """
    root = Path(path)
    files = sorted(root.glob(f"*{CORE_SUFFIX}")) if root.is_dir() else [root]
    diags: list[Diagnostic] = []
    sources: dict[str, str] = {}
    parsed = []
    if not files:
        diags.append(Diagnostic("PC0204", Span.point(_display(root)), {
            "header": "core", "example": 'core "名前" version 2024.4'}))
    for f in files:
        src = _read(f)
        sources[src.path] = src.shown
        diags.extend(src.diagnostics)
        if src.ok:
            result = parse_text(src.text, src.path)
            diags.extend(result.diagnostics)
            parsed.append(result.file)
    core = model.build_core(parsed, diags) if parsed else None
    if core is not None:
        checks.check_core_values(core, diags)
    diags.sort(key=Diagnostic.sort_key)
    return CoreResult(core, tuple(diags), sources)


def _check(src: Source, core: CoreResult) -> CheckResult:
    diags = list(src.diagnostics)
    profile = None
    if src.ok and core.core is not None:
        parsed = parse_text(src.text, src.path)
        diags.extend(parsed.diagnostics)
        profile = model.build_profile(parsed.file, core.core, diags)
        if profile is not None:
            checks.check_profile_values(core.core, profile, diags)
    diags.sort(key=Diagnostic.sort_key)
    return CheckResult(src.path, profile, tuple(diags), {**core.sources, src.path: src.shown})


def check_profile(path: str | os.PathLike[str], core: CoreResult) -> CheckResult:
    """Check one tenant profile file against a loaded core.

    :raises OSError: if the file cannot be read at all (missing, a folder, no permission).
    """
    return _check(_read(Path(path)), core)


def check_profile_text(text: str, core: CoreResult, path: str = "<profile>") -> CheckResult:
    """Check a profile given as text (for editors and tests)."""
    return _check(decode(text.encode("utf-8"), path), core)


def find_core(start: str | os.PathLike[str]) -> Path | None:
    """The ``package_core`` folder in the folder of ``start`` or the nearest one above it."""
    here = Path(start).resolve()
    for folder in (here if here.is_dir() else here.parent, *here.parents):
        candidate = folder / "package_core"
        if candidate.is_dir():
            return candidate
    return None

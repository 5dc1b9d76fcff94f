"""Loading and checking: a core from its files, a profile against a core, and where the core is.

The first half of the public facade (:mod:`paramcfg.engine` re-exports every name here and adds
the :class:`~paramcfg.engine.Tenant` that evaluates).  Each function chains the pipeline stages
(source → syntax → model → check) and returns the result with every diagnostic; none raises for
bad input.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from paramcfg import check as checks
from paramcfg import model, modelbuild
from paramcfg.diagnostics import Diagnostic, Severity, Span
from paramcfg.rules import TypedRule, type_rules
from paramcfg.source import Source, decode, read_source
from paramcfg.syntax import parse_text

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from paramcfg.syntax import ParseResult

__all__ = [
    "CORE_ENV",
    "CORE_SUFFIX",
    "MAX_DIAGNOSTICS",
    "PROFILE_SUFFIX",
    "SETTINGS_FILE",
    "CheckResult",
    "CoreResult",
    "CoreSettingError",
    "check_profile",
    "check_profile_each",
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
    #: The rules that type-check, by name.
    rules: Mapping[str, TypedRule] = attrs.field(factory=dict)

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


def _read(path: Path) -> Source:
    return read_source(path)


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
        diags.append(Diagnostic("PC0204", Span.point(str(root)), {
            "header": "core", "example": 'core "名前" version 2024.4'}))
    with _no_cycle_collection():
        for f in files:
            src = _read(f)
            sources[src.path] = src.shown
            diags.extend(src.diagnostics)
            if src.ok:
                result = parse_text(src.text, src.path)
                diags.extend(result.diagnostics)
                parsed.append(result.file)
        core = modelbuild.build_core(parsed, diags) if parsed else None
        rules: dict[str, TypedRule] = {}
        if core is not None:
            checks.check_core_values(core, diags)
            rules = type_rules(core, diags)
    diags.sort(key=Diagnostic.sort_key)
    return CoreResult(core, tuple(diags), sources, rules)


#: At most this many diagnostics per file are kept; a broken file would otherwise bury the
#: reader (and the memory) under repeats of one mistake.
MAX_DIAGNOSTICS = 500


def _capped(diags: list[Diagnostic], path: str) -> tuple[Diagnostic, ...]:
    diags.sort(key=Diagnostic.sort_key)
    if len(diags) <= MAX_DIAGNOSTICS:
        return tuple(diags)
    # Limit findings (PC0005) are always kept: they say why the rest was not read.
    limits = [d for d in diags if d.code == "PC0005"]
    kept = [d for d in diags if d.code != "PC0005"][: MAX_DIAGNOSTICS - len(limits)]
    kept = sorted([*kept, *limits], key=Diagnostic.sort_key)
    last = kept[-1].span
    more = Diagnostic("PC0005", Span(path, last.line, last.col, last.end_line, last.end_col), {
        "what": f"the number of findings ({len(diags):,}; the first {MAX_DIAGNOSTICS} are shown)",
        "what_ja": f"診断の数（{len(diags):,} 件。最初の {MAX_DIAGNOSTICS} 件を表示）",
        "limit": f"{MAX_DIAGNOSTICS}", "limit_ja": f"{MAX_DIAGNOSTICS} 件"})
    return (*kept, more)


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector while a file is parsed, modelled and checked.

    Reading a profile allocates tens of thousands of small objects; each few hundred
    allocations trigger a collection, and the older ones walk the whole loaded core, about a
    sixth of the time for a large profile (W5, issue 7). Reference counting still frees what is
    dropped; the few cycles made meanwhile (an exception and its traceback) are collected once
    the collector is back on. It is switched back on at the end, only if it was on (a caller's
    own gc.disable() is kept), as Mercurial does around its parsers and timeit around what it
    times.
    """
    global _paused  # noqa: PLW0603 - one count per process, reset in a fork child
    was_on = gc.isenabled()
    if was_on:
        gc.disable()
        _paused += 1
    try:
        yield
    finally:
        if was_on:
            _paused -= 1
            gc.enable()


#: Pauses of the collector that this module started and has not ended.  A process forked
#: while one is active (by another thread) would otherwise start with the collector off for
#: good: the thread that would switch it back on does not exist in the child.
_paused = 0


def _after_fork_in_child() -> None:
    global _paused  # noqa: PLW0603 - see above
    if _paused:
        _paused = 0
        gc.enable()


os.register_at_fork(after_in_child=_after_fork_in_child)


def _check(src: Source, core: CoreResult) -> CheckResult:
    with _no_cycle_collection():
        return _check_now(src, core)


def _check_now(src: Source, core: CoreResult, parsed: ParseResult | None = None) -> CheckResult:
    diags = list(src.diagnostics)
    profile = None
    if src.ok and core.core is not None:
        if parsed is None:
            parsed = parse_text(src.text, src.path)
        # A line with a control character is already reported (PC0003); the syntax error the
        # character causes on that line would only repeat it.
        damaged = {d.span.line for d in src.diagnostics if d.code == "PC0003"}
        diags.extend(d for d in parsed.diagnostics
                     if not (d.code in {"PC0101", "PC0102"} and d.span.line in damaged))
        profile = modelbuild.build_profile(parsed.file, core.core, diags)
        if profile is not None:
            checks.check_profile_values(core.core, profile, diags)
    return CheckResult(src.path, profile, _capped(diags, src.path),
                       {**core.sources, src.path: src.shown})


def check_profile(path: str | os.PathLike[str], core: CoreResult) -> CheckResult:
    """Check one tenant profile file against a loaded core.

    :raises OSError: if the file cannot be read at all (missing, a folder, no permission).
    """
    return _check(_read(Path(path)), core)


def check_profile_each(path: str | os.PathLike[str],
                       cores: Sequence[CoreResult]) -> Iterator[CheckResult]:
    """Check one tenant profile file against each of several loaded cores in turn (a new and
    an old release): the file is read and parsed once, then modelled and checked against each
    core as the caller takes the next result, so that a caller that needs only the first
    result does no more.

    :raises OSError: if the file cannot be read at all (missing, a folder, no permission); at
        once, before the first result is asked for.
    """
    src = _read(Path(path))

    def each() -> Iterator[CheckResult]:
        with _no_cycle_collection():
            parsed = parse_text(src.text, src.path) if src.ok else None
        for core in cores:
            with _no_cycle_collection():
                result = _check_now(src, core, parsed)
            yield result

    return each()


def check_profile_text(text: str, core: CoreResult, path: str = "<profile>") -> CheckResult:
    """Check a profile given as text (for editors and tests)."""
    return _check(decode(text.encode("utf-8"), path), core)


#: The settings file that names the core for the profiles in its folder and below it.
SETTINGS_FILE = "paramcfg.toml"
#: The environment variable that names the core when nothing at or above a profile does.
CORE_ENV = "PARAMCFG_CORE"


class CoreSettingError(ValueError):
    """A ``paramcfg.toml`` that does not name a core that exists: where, what, and what to do
    (en + ja); raised by :func:`find_core`."""

    def __init__(self, where: str, en: str, ja: str) -> None:
        super().__init__(f"{where}: {en}")
        self.where = where
        self.en = en
        self.ja = ja

    def message(self, lang: str = "en") -> str:
        return f"{self.where}: {self.ja if lang == 'ja' else self.en}"


def find_core(start: str | os.PathLike[str]) -> Path | None:
    """The core for the profile (or folder) ``start``, found once for every command:

    1. walking up from the folder of ``start``, in each folder: a settings file
       ``paramcfg.toml`` with ``core = "PATH"`` (PATH relative to that file's folder), else a
       ``package_core`` folder; the nearest wins;
    2. else the environment variable ``PARAMCFG_CORE`` (a ``.pcore`` file or a folder);
    3. else ``None``.

    A ``--core`` option given to a command comes before all of these (the CLI's business).
    A ``package_core`` folder is shown relative to the working folder when it is below it; a
    core named by a settings file relative to the working folder (``../paramcfg/package_core``).

    :raises CoreSettingError: a ``paramcfg.toml`` on the way that cannot be read, has no
        ``core`` string, or names a path that does not exist.
    """
    here = Path(start).resolve()
    for folder in (here if here.is_dir() else here.parent, *here.parents):
        settings = folder / SETTINGS_FILE
        if settings.is_file():
            return _shown(_core_from_settings(settings))
        candidate = folder / "package_core"
        if candidate.is_dir():
            cwd = Path.cwd()
            return candidate.relative_to(cwd) if candidate.is_relative_to(cwd) else candidate
    named = os.environ.get(CORE_ENV, "").strip()
    if named:
        return Path(named).expanduser()
    return None


def _shown(path: Path) -> Path:
    """``path`` as messages show it: relative to the working folder where it can be."""
    try:
        return Path(os.path.relpath(path))
    except ValueError:  # another drive (Windows)
        return path


def _core_from_settings(settings: Path) -> Path:
    import tomllib  # noqa: PLC0415 - only when a settings file is there

    where = str(_shown(settings))
    example = 'core = "../paramcfg/package_core"'
    try:
        data = tomllib.loads(settings.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CoreSettingError(
            where, f"cannot read the settings ({exc}); write one line such as {example}",
            f"設定を読み込めません（{exc}）。{example} のような 1 行を書いてください") from exc
    core = data.get("core")
    if not isinstance(core, str) or not core.strip():
        raise CoreSettingError(
            where, f"no `core` setting: name the package core with a line such as {example}",
            f"core の設定がありません。{example} のような行でパッケージコアを指定してください")
    path = Path(os.path.normpath(settings.parent / Path(core).expanduser()))
    if not path.exists():
        raise CoreSettingError(
            where, f"core = {core!r} names {_shown(path)}, which does not exist; give the folder "
                   "of the package core (or its .pcore file), relative to this file",
            f"core = {core!r} が指す {_shown(path)} がありません。パッケージコアのフォルダ"
            "（か .pcore ファイル）を、このファイルのある場所からの相対パスで指定してください")
    return path


# ---- evaluation -------------------------------------------------------------------------------

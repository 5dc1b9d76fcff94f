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
from paramcfg.diagnostics import Diagnostic, Related, Severity, Span
from paramcfg.finding import (
    CORE_ENV,
    PREFECTURES_FOLDER,
    PROFILE_SUFFIX,
    SETTINGS_FILE,
    CoreSettingError,
    find_core,
    find_prefecture,
    shown_path,
)
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
    "PREFECTURES_FOLDER",
    "PROFILE_SUFFIX",
    "SETTINGS_FILE",
    "CheckResult",
    "CoreResult",
    "CoreSettingError",
    "Prefecture",
    "check_profile",
    "check_profile_each",
    "check_profile_text",
    "find_core",
    "find_prefecture",
    "load_core",
    "load_prefecture",
]


CORE_SUFFIX = ".pcore"


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
    #: Prefecture profiles checked against this core, by file (and its size and time), so
    #: that the towns of one prefecture read and check their layer once.
    layers: dict[tuple[str, int, int], CheckResult] = attrs.field(
        factory=dict, eq=False, repr=False)

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


#: What a town's prefecture layer may be given as: a checked prefecture profile, or its file.
Prefecture = CheckResult | str | os.PathLike[str]


def _check(src: Source, core: CoreResult, prefecture: Prefecture | None = None) -> CheckResult:
    with _no_cycle_collection():
        return _check_now(src, core, None, prefecture)


def _check_now(src: Source, core: CoreResult, parsed: ParseResult | None = None,
               prefecture: Prefecture | None = None) -> CheckResult:
    diags = list(src.diagnostics)
    profile = None
    sources = {**core.sources, src.path: src.shown}
    if src.ok and core.core is not None:
        if parsed is None:
            parsed = parse_text(src.text, src.path)
        # A line with a control character is already reported (PC0003); the syntax error the
        # character causes on that line would only repeat it.
        damaged = {d.span.line for d in src.diagnostics if d.code == "PC0003"}
        diags.extend(d for d in parsed.diagnostics
                     if not (d.code in {"PC0101", "PC0102"} and d.span.line in damaged))
        profile = modelbuild.build_profile(parsed.file, core.core, diags)
        layer = None
        if profile is not None:
            layer = _layer(src.path, profile, core, prefecture, diags)
        if profile is not None and layer is not None and layer.profile is not None:
            profile = attrs.evolve(profile, layer=layer.profile)
            sources.update(layer.sources)
            diags = [_where_set(d, layer.profile) if d.code == "PC0414" else d for d in diags]
        if profile is not None and profile.kind == "tenant" and profile.within is None:
            diags = [_name_the_layer(d, profile) if d.code == "PC0414" else d for d in diags]
        if profile is not None:
            checks.check_profile_values(core.core, profile, diags)
        if layer is not None:
            # What the prefecture's own check finds is its business (PC0605 says so once).
            own = {_key(d) for d in layer.diagnostics}
            diags = [d for d in diags if _key(d) not in own]
    return CheckResult(src.path, profile, _capped(diags, src.path), sources)


def _where_set(d: Diagnostic, layer: model.Profile) -> Diagnostic:
    """A town's value the prefecture owns (PC0414), with the prefecture's own line."""
    name = d.args.get("name")
    for block in layer.blocks:
        a = block.get(str(name))
        if a is not None:
            note = Related(a.span, f"{layer.name}'s profile sets it here (from {block.date})",
                           f"{layer.name}のプロファイルのここで設定（{block.date} から）")
            return attrs.evolve(d, related=(note, *d.related))
    return d


def _name_the_layer(d: Diagnostic, town: model.Profile) -> Diagnostic:
    """A town without a layer sets a value its prefecture owns (PC0414): the prefecture its
    code tells, and the ``within`` line that would give the town the prefecture's value."""
    prefecture = checks.prefecture_of(town.code)
    if prefecture is None:
        return d
    line = f'within "{prefecture}"'
    return attrs.evolve(d, args={
        **d.args, "owner": prefecture, "owner_ja": prefecture,
        "within": f", and name {prefecture}'s profile below the uses line: {line}",
        "within_ja": f"。uses 行の下に {line} と書いて{prefecture}のプロファイルを指定してください"})


def _key(d: Diagnostic) -> tuple[object, ...]:
    return (d.code, d.span.file, d.span.start, d.span.end, tuple(sorted(d.args.items())))


def check_profile(path: str | os.PathLike[str], core: CoreResult,
                  prefecture: Prefecture | None = None) -> CheckResult:
    """Check one tenant (or prefecture) profile file against a loaded core.

    A town that names its prefecture (``within "茨城県"``) is checked with that prefecture's
    profile as its layer: ``prefecture`` if given (a :class:`CheckResult` of
    :func:`load_prefecture`, or the file), else the one :func:`find_prefecture` finds.

    :raises OSError: if the file cannot be read at all (missing, a folder, no permission).
    """
    return _check(_read(Path(path)), core, prefecture)


def load_prefecture(path: str | os.PathLike[str], core: CoreResult) -> CheckResult:
    """Check a prefecture profile (``prefecture "茨城県" code 080004``) against a loaded core,
    once per file and core: the towns of the prefecture share the result.

    :raises OSError: if the file cannot be read at all.
    """
    resolved = Path(path).resolve()
    st = resolved.stat()
    key = (str(resolved), st.st_size, st.st_mtime_ns)
    found = core.layers.get(key)
    if found is None:
        found = core.layers.setdefault(key, _check(_read(Path(path)), core))
    return found


def _layer(town_path: str, profile: model.Profile, core: CoreResult,
           given: Prefecture | None, diags: list[Diagnostic]) -> CheckResult | None:
    """The checked prefecture layer of a town, after a diagnostic for each way it does not fit
    (``None`` when there is none to lay under the town)."""
    if profile.kind != "tenant" or profile.within is None:
        if given is not None:
            diags.append(Diagnostic("PC0604", profile.span, {
                "detail": "a prefecture profile was given, but this profile names no prefecture",
                "detail_ja": "都道府県のプロファイルが指定されましたが、このプロファイルは都道府県を"
                             "指定していません",
                "fix": 'name it below the uses line, e.g. within "茨城県"',
                "fix_ja": 'uses 行の下に within "茨城県" のように書いてください'}))
        return None
    span = profile.within_span or profile.span
    name = profile.within
    if isinstance(given, CheckResult):
        result: CheckResult = given
    else:
        path = Path(given) if given is not None else _find_layer(
            town_path, name, core.core.files[0] if core.core and core.core.files else None,
            diags, span)
        if path is None:
            return None
        try:
            result = load_prefecture(path, core)
        except OSError as exc:
            diags.append(Diagnostic("PC0603", span, {
                "name": name, "looked": f" ({shown_path(path)}: {exc.strerror or exc})",
                "looked_ja": f"（{shown_path(path)}: {exc.strerror or exc}）"}))
            return None
    layer = result.profile
    if layer is None or layer.kind != "prefecture":
        diags.append(Diagnostic("PC0605" if layer is None else "PC0604", span, {
            "path": result.path, "name": name, "errors": str(result.errors),
            "detail": f"{result.path} is a town's profile, not a prefecture's",
            "detail_ja": f"{result.path} は市町村のプロファイルで、都道府県のものではありません",
            "fix": 'give the file that starts with `prefecture "…" code …`',
            "fix_ja": '`prefecture "…" code …` で始まるファイルを指定してください'}))
        return None
    if layer.name != name:
        diags.append(Diagnostic("PC0604", span, {
            "detail": f"this town is within {name}, but the prefecture profile given is "
                      f"{layer.name}'s ({result.path})",
            "detail_ja": f"本団体は{name}内ですが、指定された都道府県のプロファイルは"
                         f"{layer.name}のもの（{result.path}）です",
            "fix": "give the profile of the prefecture the within line names",
            "fix_ja": "within 行の都道府県のプロファイルを指定してください"}))
        return None
    if profile.code[:2] != layer.code[:2]:
        diags.append(Diagnostic("PC0604", profile.code_span, {
            "detail": f"code {profile.code} is not a code of {name} (its codes start with "
                      f"{layer.code[:2]})",
            "detail_ja": f"コード {profile.code} は{name}の団体のコードではありません"
                         f"（{name}の団体コードは {layer.code[:2]} で始まります）",
            "fix": "check the code in the tenant line, or the prefecture in the within line",
            "fix_ja": "tenant 行のコードか within 行の都道府県を確認してください"}))
    mismatch = next((d for d in result.diagnostics if d.code == "PC0602"), None)
    if mismatch is not None:
        diags.append(Diagnostic("PC0602", span, {
            "detail": f"the prefecture profile {result.path}: {mismatch.message('en')}",
            "detail_ja": f"都道府県のプロファイル {result.path}: {mismatch.message('ja')}",
            "fix": "give a prefecture profile for this core (its uses line), or upgrade it",
            "fix_ja": "このコア用の都道府県プロファイル（uses 行）を指定するか、更新してください"}))
    elif result.errors:
        diags.append(Diagnostic("PC0605", span, {
            "path": result.path, "name": name, "errors": str(result.errors)}))
    return result


def _find_layer(town_path: str, name: str, core: str | None, diags: list[Diagnostic],
                span: Span) -> Path | None:
    try:
        found = find_prefecture(town_path, name, core)
    except CoreSettingError as exc:
        diags.append(Diagnostic("PC0603", span, {
            "name": name, "looked": f" ({exc.message('en')})",
            "looked_ja": f"（{exc.message('ja')}）"}))
        return None
    if isinstance(found, Path):
        return found
    if found:
        looked = f" (looked in {', '.join(map(str, found))})"
        looked_ja = f"（探した場所: {'、'.join(map(str, found))}）"
    else:
        looked = " (there is no prefectures/ folder above the town or the core)"
        looked_ja = "（市町村やコアのフォルダの上に prefectures/ フォルダがありません）"
    diags.append(Diagnostic("PC0603", span, {"name": name, "looked": looked,
                                             "looked_ja": looked_ja}))
    return None


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


def check_profile_text(text: str, core: CoreResult, path: str = "<profile>",
                       prefecture: Prefecture | None = None) -> CheckResult:
    """Check a profile given as text (for editors and tests); ``prefecture`` as for
    :func:`check_profile` (without it, a ``within`` line is looked up from ``path``)."""
    return _check(decode(text.encode("utf-8"), path), core, prefecture)


# ---- evaluation -------------------------------------------------------------------------------

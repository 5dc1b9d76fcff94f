"""Finding the files a profile needs: its package core and its prefecture profile.

Both are found the same way, walking up from the profile's folder (a ``paramcfg.toml`` that
names them, or a folder by its usual name); :mod:`paramcfg.loading` reads and checks what is
found.  Paths are shown as people typed them, relative to the working folder where that is
shorter.
"""

from __future__ import annotations

import os
from pathlib import Path

from paramcfg.nodes import TenantHeader
from paramcfg.segmenter import segment
from paramcfg.source import read_source
from paramcfg.syntax import parse_text

__all__ = [
    "CORE_ENV",
    "PREFECTURES_FOLDER",
    "PROFILE_SUFFIX",
    "SETTINGS_FILE",
    "CoreSettingError",
    "find_core",
    "find_prefecture",
    "shown_path",
]

#: A profile's file name ends so (the prefecture profiles in a folder are its ``*.pcfg``).
PROFILE_SUFFIX = ".pcfg"


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
            return shown_path(_core_from_settings(settings))
        candidate = folder / "package_core"
        if candidate.is_dir():
            cwd = Path.cwd()
            return candidate.relative_to(cwd) if candidate.is_relative_to(cwd) else candidate
    named = os.environ.get(CORE_ENV, "").strip()
    if named:
        return Path(named).expanduser()
    return None


#: The folder name a town's prefecture profiles are looked for in (beside it or above it).
PREFECTURES_FOLDER = "prefectures"


def find_prefecture(start: str | os.PathLike[str], name: str,
                    core: str | os.PathLike[str] | None = None) -> Path | list[Path]:
    """The profile of prefecture ``name`` for the town profile ``start``, found as the core is:
    walking up from the town's folder, in each folder a ``paramcfg.toml`` with
    ``prefectures = "DIR"`` (relative to that file; the search ends there), else a
    ``prefectures`` folder; then the same walking up from ``core`` (the core's file or folder:
    a deployment keeps its prefectures beside its core).  In such a folder, the ``*.pcfg``
    whose header is ``prefecture "NAME" code …``.  Not found: the folders looked in.

    :raises CoreSettingError: a ``paramcfg.toml`` whose ``prefectures`` setting names a folder
        that does not exist.
    """
    looked: list[Path] = []
    for origin in (start, core):
        if origin is not None:
            found = _prefecture_above(Path(origin).resolve(), name, looked)
            if found is not None:
                return found
    return list(dict.fromkeys(looked))


def _prefecture_above(here: Path, name: str, looked: list[Path]) -> Path | None:
    for folder in dict.fromkeys((here if here.is_dir() else here.parent, *here.parents)):
        settings = folder / SETTINGS_FILE
        named = _prefectures_from_settings(settings) if settings.is_file() else None
        candidate = named or folder / PREFECTURES_FOLDER
        if candidate.is_dir():
            looked.append(_near(candidate))
            found = _prefecture_in(candidate, name)
            if found is not None:
                return found
        if named is not None:
            break  # the settings name the folder: none above it is looked in
    return None


def _near(path: Path) -> Path:
    """``path`` as messages and spans show it: relative to the working folder when that is the
    shorter (``../paramcfg/prefectures/ibaraki.pcfg`` from a town's own folder), else whole."""
    try:
        relative = Path(os.path.relpath(path))
    except ValueError:  # another drive (Windows)
        return path
    return relative if len(str(relative)) <= len(str(path)) else path


def _prefecture_in(folder: Path, name: str) -> Path | None:
    for f in sorted(folder.glob(f"*{PROFILE_SUFFIX}")):
        if _prefecture_named(f) == name:
            return _near(f)
    return None


#: The prefecture each profile file names in its header (None: a town, or no header), by file
#: and version (size, modification time): every town of a batch looks in the same folder.
_NAMED: dict[tuple[str, int, int], str | None] = {}


def _prefecture_named(f: Path) -> str | None:
    """The name in ``prefecture "NAME" code …`` if that is the header of file ``f``; only the
    header is parsed (the file's first statement)."""
    try:
        st = f.stat()
    except OSError:
        return None
    key = (str(f.resolve()), st.st_size, st.st_mtime_ns)
    if key in _NAMED:
        return _NAMED[key]
    named = None
    try:
        src = read_source(f)
    except OSError:
        return None
    cut = segment(src.text) if src.ok else []
    if cut:
        first = parse_text(src.text[:cut[0].end], src.path).file.statements
        if first and isinstance(first[0], TenantHeader) and first[0].kind == "prefecture":
            named = first[0].name
    _NAMED[key] = named
    return named


def _prefectures_from_settings(settings: Path) -> Path | None:
    import tomllib  # noqa: PLC0415 - only when a settings file is there

    where = str(shown_path(settings))
    try:
        data = tomllib.loads(settings.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None  # find_core reports the file itself
    named = data.get("prefectures")
    if named is None:
        return None
    path = Path(os.path.normpath(settings.parent / Path(str(named)).expanduser()))
    if not isinstance(named, str) or not path.is_dir():
        raise CoreSettingError(
            where, f"prefectures = {named!r} does not name a folder; give the folder of the "
                   'prefecture profiles, relative to this file (prefectures = "prefectures")',
            f"prefectures = {named!r} はフォルダではありません。都道府県のプロファイルのフォルダを、"
            'このファイルのある場所からの相対パスで指定してください（prefectures = "prefectures"）')
    return path


def shown_path(path: Path) -> Path:
    """``path`` as messages show it: relative to the working folder where it can be."""
    try:
        return Path(os.path.relpath(path))
    except ValueError:  # another drive (Windows)
        return path


def _core_from_settings(settings: Path) -> Path:
    import tomllib  # noqa: PLC0415 - only when a settings file is there

    where = str(shown_path(settings))
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
            where, f"core = {core!r} names {shown_path(path)}, which does not exist; give the folder "
                   "of the package core (or its .pcore file), relative to this file",
            f"core = {core!r} が指す {shown_path(path)} がありません。パッケージコアのフォルダ"
            "（か .pcore ファイル）を、このファイルのある場所からの相対パスで指定してください")
    return path

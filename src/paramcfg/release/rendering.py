"""Rendering the release report as text, Markdown or JSON, in English or Japanese, summary first.

Values are shown as :mod:`paramcfg.diff` shows them (``48,600円``, ``1.4%``)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import attrs

from paramcfg.diagnostics import printable, to_json_obj
from paramcfg.diff import localised, markdown_cell, markdown_code

if TYPE_CHECKING:
    from collections.abc import Sequence

    from paramcfg.release.report import (
        DeclarationChange,
        Finding,
        ReleaseReport,
        TownReport,
        ValueChange,
        ValueToAdd,
    )

# ---- rendering -----------------------------------------------------------------------------

#: Texts of the report in both languages; a key missing in one language is a test failure.
TEXTS: dict[str, tuple[str, str]] = {
    "title": ("Release report: {core} {old} → {new}", "リリース通知: {core} {old} → {new}"),
    "horizon": ("law through {date}", "{date} までの法令を収録"),
    "no_horizon": ("the new core states no horizon (`law through`)",
                   "新しいコアに法令の収録期限（law through）がありません"),
    "law_summary": (("The law: {values} value(s) changed, {added} new parameter(s), {removed} "
                     "removed, {status} with a new status (required, fixed …), {limits} with new "
                     "limits, {enums} enum(s), {inputs} input(s) and {rules} rule(s) added, "
                     "removed or changed"),
                    ("法令: 値の変更 {values} 件、新しいパラメータ {added} 件、削除 {removed} 件、"
                     "必須・固定などの変更 {status} 件、制限の変更 {limits} 件、列挙型の追加・削除・"
                     "変更 {enums} 件、入力の追加・削除・変更 {inputs} 件、ルールの追加・削除・変更 "
                     "{rules} 件")),
    "town_summary": (("Towns: {towns} profile(s): {acting} must act before the new fiscal year, "
                     "{nothing} need nothing"),
                     ("団体: {towns} 件のプロファイルのうち、新年度までに対応が必要 {acting} 件、"
                     "対応不要 {nothing} 件")),
    "kinds": (("  {add} must add values, {rejected} have values the new law rejects, {uses} "
              "must change the uses line, {still} have errors under the old core too, "
              "{unreadable} unreadable"),
              ("  値の追加 {add} 件、新しい法令で認められない値 {rejected} 件、uses 行の変更 "
              "{uses} 件、旧コアでもエラー {still} 件、読み込めないもの {unreadable} 件")),
    "common_head": ("What most towns must do:", "多くの団体に共通する対応:"),
    "common_add": ("add {name} from {date}: {towns} town(s)",
                   "{name} を {date} から追加: {towns} 団体"),
    "common_delete": ("delete the line setting {name} (removed from the core): {towns} town(s)",
                      "{name} の行を削除（コアから廃止）: {towns} 団体"),
    "common_rejected": ("change {name} (now rejected, {code}): {towns} town(s)",
                        "{name} を修正（新しい法令で認められない値、{code}）: {towns} 団体"),
    "nothing_head": ("Towns that need nothing ({count}):", "対応不要の団体（{count} 件）:"),
    "law_head": ("The law that changed", "変更された法令"),
    "values_head": ("Values (old → new)", "値（変更前 → 変更後）"),
    "from": ("from {date}", "{date} から"),
    "start": ("as declared (from the start)", "宣言の値（当初から）"),
    "fixed": ("law", "法定"),
    "default": ("default", "既定値"),
    "decl_head": ("Declarations", "宣言"),
    "decl_added": ("new {kind} {name}{label}: {new}", "{kind}「{name}」{label}を新設: {new}"),
    "decl_removed": ("removed {kind} {name}{label} (was: {old})",
                     "{kind}「{name}」{label}を削除（旧: {old}）"),
    "decl_status": ("{kind} {name}{label} is now {new} (was: {old})",
                    "{kind}「{name}」{label}が {new} に（旧: {old}）"),
    "decl_limits": ("limits of {kind} {name}{label}: {old} → {new}",
                    "{kind}「{name}」{label}の制限: {old} → {new}"),
    "decl_type": ("type of {kind} {name}{label}: {old} → {new}",
                  "{kind}「{name}」{label}の型: {old} → {new}"),
    "decl_members": ("members of {kind} {name}{label}: {old} → {new}",
                     "{kind}「{name}」{label}の要素: {old} → {new}"),
    "decl_body": ("{kind} {name}{label}: its formula changed", "{kind}「{name}」{label}の式を変更"),
    "parameter": ("parameter", "パラメータ"),
    "enum": ("enum", "列挙型"),
    "input": ("input", "入力"),
    "rule": ("rule", "ルール"),
    "towns_head": ("What each town must do", "各団体の対応事項"),
    "add_head": ("Values to add:", "追加する値:"),
    "add": ("{name}: add from {date} ({what})", "{name}: {date} から追加（{what}）"),
    "add_any": ("{name}: add ({what})", "{name}: 追加（{what}）"),
    "in_block": ("in the `from {date}` block, line {line}",
                 "{line} 行目の from {date} ブロックに書いてください"),
    "new_block": ("in a new `from {date}` block",
                  "新しい from {date} ブロックを作って書いてください"),
    "removed_note": ("{name} was removed in core {version}: delete this line",
                     "「{name}」はコア {version} で廃止されました。この行を削除してください"),
    "rejected_head": ("Values the new law rejects:", "新しい法令で認められない値:"),
    "uses_head": ("The uses line (line {line}):", "uses 行（{line} 行目）:"),
    "uses_rejected": ("the new core does not satisfy it", "新しいコアがこの条件を満たしません"),
    "uses_new": ("the values to add exist only from core {version}",
                 "追加する値はコア {version} からのものです"),
    "still_head": ("Errors under the old core too (run paramcfg check):",
                   "旧コアでもエラーになっているもの（paramcfg check で確認してください）:"),
    "unreadable": ("cannot read {path}: {error}", "{path} を読み込めません: {error}"),
    "none": ("none", "なし"),
    "basis": ("basis", "根拠"),
}


def _t(key: str, lang: str, **args: object) -> str:
    en, ja = TEXTS[key]
    return (ja if lang == "ja" else en).format(**args)


def _what(a: ValueToAdd, lang: str) -> str:
    parts = [a.type]
    if a.limits:
        parts.append(a.limits)
    if a.label:
        parts.append(a.label)
    if a.basis:
        parts.append(f"{_t('basis', lang)}: {a.basis}")
    return ("、" if lang == "ja" else ", ").join(parts)


def _where(a: ValueToAdd, lang: str) -> str:
    if a.date is None:
        return ""
    if a.block_line is not None:
        return _t("in_block", lang, date=a.date, line=a.block_line)
    return _t("new_block", lang, date=a.date)


def _add_line(a: ValueToAdd, lang: str) -> str:
    if a.date is None:
        return _t("add_any", lang, name=a.parameter, what=_what(a, lang))
    text = _t("add", lang, name=a.parameter, date=a.date, what=_what(a, lang))
    sep = "。" if lang == "ja" else "; "
    return f"{text}{sep}{_where(a, lang)}"


def _finding_line(f: Finding, lang: str) -> str:
    d = f.diagnostic
    return f"{d.span}: [{d.code}] {d.message(lang)}"


def _counts(r: ReleaseReport) -> dict[str, int]:
    """The summary's figures (JSON gives them as numbers; text as ``1,741``)."""
    decl = r.declarations
    acting = r.acting
    return {
        "values": len(r.values),
        "added": sum(d.kind == "parameter" and d.change == "added" for d in decl),
        "removed": sum(d.kind == "parameter" and d.change == "removed" for d in decl),
        "status": sum(d.kind == "parameter" and d.change == "status" for d in decl),
        "limits": sum(d.kind == "parameter" and d.change == "limits" for d in decl),
        "inputs": sum(d.kind == "input" for d in decl),
        "enums": sum(d.kind == "enum" for d in decl),
        "rules": sum(d.kind == "rule" for d in decl),
        "towns": len(r.towns), "acting": len(acting), "nothing": len(r.towns) - len(acting),
        "add": sum(bool(x.to_add) for x in acting),
        "rejected": sum(bool(x.rejected) for x in acting),
        "uses": sum(x.uses is not None for x in acting),
        "still": sum(bool(x.still_failing) for x in acting),
        "unreadable": sum(x.unreadable is not None for x in acting),
    }


def common_actions(r: ReleaseReport) -> list[tuple[str, str, str, int]]:
    """What many towns must do alike, most frequent first: ``(kind, parameter, detail, towns)``
    with kind ``add`` (detail: the date), ``rejected`` or ``delete`` (a removed parameter;
    detail: the diagnostic code)."""
    counts: dict[tuple[str, str, str], int] = {}
    for town in r.acting:
        seen: set[tuple[str, str, str]] = set()
        for a in town.to_add:
            seen.add(("add", a.parameter, a.date.isoformat() if a.date else ""))
        for f in town.rejected:
            if f.removed is not None:
                seen.add(("delete", f.removed, f.diagnostic.code))
            else:
                seen.add(("rejected", f.parameter or str(f.diagnostic.args.get("name", "")),
                          f.diagnostic.code))
        for key in seen:
            counts[key] = counts.get(key, 0) + 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [(*key, n) for key, n in ranked]


def _action_text(kind: str, name: str, detail: str, towns: int, lang: str) -> str:
    if kind == "add":
        return _t("common_add", lang, name=name, date=detail, towns=f"{towns:,}")
    if kind == "delete":
        return _t("common_delete", lang, name=name, towns=f"{towns:,}")
    return _t("common_rejected", lang, name=name, code=detail, towns=f"{towns:,}")


def _value_date(c: ValueChange, lang: str) -> str:
    return _t("from", lang, date=c.date) if c.date else _t("start", lang)


def _decl_text(d: DeclarationChange, lang: str) -> str:
    label = (f"（{d.label}）" if lang == "ja" else f" ({d.label})") if d.label else ""
    return _t(f"decl_{d.change}", lang, kind=_t(d.kind, lang), name=d.name, label=label,
              old=d.old, new=d.new)


def _wrap(items: Sequence[str], lang: str, width: int = 96) -> list[str]:
    sep = "、" if lang == "ja" else ", "
    lines: list[str] = []
    line = ""
    for item in items:
        if line and len(line) + len(sep) + len(item) > width:
            lines.append("  " + line + sep.strip())
            line = item
        else:
            line = f"{line}{sep}{item}" if line else item
    if line:
        lines.append("  " + line)
    return lines


#: The summary shows at most this many of the actions common to many towns.
_COMMON = 10


def render(r: ReleaseReport, fmt: str = "text", lang: str = "en") -> str:
    """The report as ``text``, ``markdown`` or ``json``, summary first."""
    if fmt == "json":
        return _json(r, lang)
    md = fmt == "markdown"
    cell = markdown_cell if md else (lambda s: s)
    c = {key: f"{value:,}" for key, value in _counts(r).items()}
    horizon = _t("horizon", lang, date=r.horizon) if r.horizon else _t("no_horizon", lang)
    title = _t("title", lang, core=r.core, old=r.old_version, new=r.new_version)
    title += f"（{horizon}）" if lang == "ja" else f" ({horizon})"
    out = [f"# {markdown_cell(title)}" if md else title, ""]
    bullet = "- " if md else ""
    out.append(bullet + _t("law_summary", lang, **c))
    out.append(bullet + _t("town_summary", lang, **c))
    out.append(("  - " + _t("kinds", lang, **c).strip()) if md else _t("kinds", lang, **c))
    common = common_actions(r)[:_COMMON]
    if common:
        out += ["", _t("common_head", lang)]
        out += [f"{'- ' if md else '  '}{cell(_action_text(*x, lang))}" for x in common]
    nothing = [x.title(lang) for x in r.nothing]
    if nothing:
        out += ["", _t("nothing_head", lang, count=f"{len(nothing):,}")]
        if md:
            out += ["", ("、" if lang == "ja" else ", ").join(markdown_cell(x) for x in nothing)]
        else:
            out += _wrap(nothing, lang)
    # (a) the law
    out += ["", f"## {_t('law_head', lang)}" if md else _t("law_head", lang).upper()]
    if not r.values and not r.declarations:
        out.append(f"  {_t('none', lang)}")
    if r.values:
        out += ["", f"### {_t('values_head', lang)}" if md else _t("values_head", lang)]
        if md:
            head = ("| 適用日 | パラメータ | セル | 区分 | 変更前 | 変更後 |" if lang == "ja" else
                    "| from | parameter | cell | kind | old | new |")
            out += ["", head, "|---|---|---|---|---|---|"]
            out += [f"| {v.date or _t('start', lang)} | {cell(v.parameter)} | {cell(v.cell)} | "
                    f"{_t('fixed' if v.fixed else 'default', lang)} | "
                    f"{cell(localised(v.old, lang))} | {cell(localised(v.new, lang))} |"
                    for v in r.values]
        else:
            date: object = object()
            for v in r.values:
                if v.date != date:
                    date = v.date
                    out.append(f"  {_value_date(v, lang)}")
                where = f"[{v.cell}]" if v.cell else ""
                kind = _t("fixed" if v.fixed else "default", lang)
                kind = f"（{kind}）" if lang == "ja" else f"({kind})"
                out.append(f"    {v.parameter}{where}: {localised(v.old, lang)} → "
                           f"{localised(v.new, lang)}   {kind}")
    if r.declarations:
        out += ["", f"### {_t('decl_head', lang)}" if md else _t("decl_head", lang)]
        if md:
            out.append("")
        out += [f"- {cell(_decl_text(d, lang))}" if md else f"  {_decl_text(d, lang)}"
                for d in r.declarations]
    # (b) the towns
    if r.acting:
        out += ["", f"## {_t('towns_head', lang)}" if md else _t("towns_head", lang).upper()]
        for town in r.acting:
            out += _town(town, lang, md, r.new_version)
    # Values, names and paths come from files: in Markdown each went through markdown_cell or
    # markdown_code; in text, every line is escaped here, so that none can print a line of its
    # own (the Markdown head() above is the only text with line breaks of ours).
    return "\n".join(out if md else [printable(line) for line in out]) + "\n"


def _town(town: TownReport, lang: str, md: bool, version: str) -> list[str]:
    cell = markdown_cell if md else (lambda s: s)
    ind = "- " if md else "    "
    title = town.title(lang)
    out = ["", f"### {cell(title)} — {markdown_code(town.path)}" if md else f"{title}  {town.path}"]
    if town.unreadable is not None:
        out.append(f"{ind}{cell(_t('unreadable', lang, path=town.path, error=town.unreadable))}")
        return out
    def head(text: str) -> str:
        return f"\n**{text.rstrip(':')}**\n" if md else f"  {text}"

    if town.to_add:
        out.append(head(_t("add_head", lang)))
        out += [f"{ind}{cell(_add_line(a, lang))}" for a in town.to_add]
    if town.rejected:
        out.append(head(_t("rejected_head", lang)))
        out += _findings(town.rejected, lang, md, version)
    if town.uses is not None:
        u = town.uses
        why = (_t("uses_rejected", lang) if u.reason == "rejected" else
               _t("uses_new", lang, version=u.new.rsplit(" ", 1)[-1]))
        out.append(head(_t("uses_head", lang, line=u.line)))
        arrow = f"{markdown_code(u.old)} → {markdown_code(u.new)}" if md else f"{u.old} → {u.new}"
        out.append(f"{ind}{arrow} ({why})" if lang != "ja" else f"{ind}{arrow}（{why}）")
    if town.still_failing:
        out.append(head(_t("still_head", lang)))
        out += _findings(town.still_failing, lang, md, version)
    return out


def _findings(found: Sequence[Finding], lang: str, md: bool, version: str) -> list[str]:
    out = []
    label = "ヒント" if lang == "ja" else "help"
    for f in found:
        hint = f.diagnostic.hint(lang)
        if f.removed is not None:
            hint = _t("removed_note", lang, name=f.removed, version=version)
        if md:
            out.append(f"- {markdown_cell(_finding_line(f, lang))}")
            if f.source_line:
                out.append(f"  - {markdown_code(f.source_line)}")
            if hint:
                out.append(f"  - {label}: {markdown_cell(hint)}")
        else:
            out.append(f"    {_finding_line(f, lang)}")
            if f.source_line:
                out.append(f"      | {f.source_line}")
            if hint:
                out.append(f"      = {label}: {hint}")
    return out


def _json(r: ReleaseReport, lang: str) -> str:
    def finding(f: Finding) -> dict[str, object]:
        return {**to_json_obj(f.diagnostic, lang), "source_line": f.source_line,
                "removed": f.removed}

    data: dict[str, Any] = {
        "core": r.core, "old_version": r.old_version, "new_version": r.new_version,
        "horizon": r.horizon.isoformat() if r.horizon else None,
        "summary": _counts(r),
        "common": [{"action": kind, "parameter": name, "detail": detail, "towns": n}
                   for kind, name, detail, n in common_actions(r)],
        "values": [{"from": v.date.isoformat() if v.date else None, "parameter": v.parameter,
                    "cell": v.cell, "old": localised(v.old, lang), "new": localised(v.new, lang),
                    "fixed": v.fixed} for v in r.values],
        "declarations": [attrs.asdict(d) for d in r.declarations],
        "nothing": [{"path": x.path, "name": x.name, "code": x.code} for x in r.nothing],
        "towns": [{
            "path": x.path, "name": x.name, "code": x.code, "unreadable": x.unreadable,
            "to_add": [{**attrs.asdict(a), "date": a.date.isoformat() if a.date else None}
                       for a in x.to_add],
            "rejected": [finding(f) for f in x.rejected],
            "uses": attrs.asdict(x.uses) if x.uses else None,
            "still_failing": [finding(f) for f in x.still_failing],
        } for x in r.acting],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


"""Check: a profile against its core — everything that relates values to the core's rules.

The profile *amends* the core: each problem is blamed on the profile line that set the
offending value (or on the core line, when the core's own value is at fault), with the core's
declaration and its legal basis as a second location.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from paramcfg import nodes as n
from paramcfg import runtime as rt
from paramcfg import types as t
from paramcfg.diagnostics import Diagnostic, Related, Span, printable
from paramcfg.model import Block, Constraint, Core, Param, Profile, Resolved, Timeline, resolve
from paramcfg.tables import (
    Excess,
    Table,
    check_monotone,
    compare_cells,
    limit_fields,
    numeric_field,
)
from paramcfg.values import describe_range, format_typed

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping

__all__ = ["PREFECTURES", "bound_value", "check_code", "check_core_values", "check_profile_values",
           "code_check_digit", "prefecture_of"]

Number = int | Decimal


# ---- 地方公共団体コード ------------------------------------------------------------------------


def code_check_digit(first5: str) -> int:
    """The check digit of a 地方公共団体コード: weights 6,5,4,3,2, sum mod 11 = r,
    digit = (11 − r) mod 10 (so r = 0 gives 1 and r = 1 gives 0)."""
    r = sum(int(d) * w for d, w in zip(first5, (6, 5, 4, 3, 2), strict=True)) % 11
    return (11 - r) % 10


def check_code(code: str, span: Span, diags: list[Diagnostic]) -> None:
    others = [ch for ch in code if not ("0" <= ch <= "9")]
    if others:
        shown = " ".join(dict.fromkeys(printable(repr(ch)) for ch in others))
        diags.append(Diagnostic("PC0601", span, {
            "code": code, "detail": f"it contains {shown}, which is not a digit 0-9",
            "detail_ja": f"数字 0〜9 以外の {shown} が含まれています",
            "fix": "write the 6-digit code in half-width digits only (e.g. 085421)",
            "fix_ja": "半角数字だけの 6 桁で書いてください（例: 085421）"}))
        return
    if len(code) != 6:
        diags.append(Diagnostic("PC0601", span, {
            "code": code, "detail": f"it has {len(code)} digits, not 6",
            "detail_ja": f"{len(code)} 桁です（6 桁が必要）",
            "fix": "write the 6-digit code, with its leading zero (e.g. 085421)",
            "fix_ja": "先頭の 0 も含めた 6 桁で書いてください（例: 085421）"}))
        return
    want = code_check_digit(code[:5])
    if int(code[5]) != want:
        diags.append(Diagnostic("PC0601", span, {
            "code": code, "detail": f"the check digit should be {want}, not {code[5]}",
            "detail_ja": f"検査数字は {code[5]} ではなく {want} のはずです",
            "fix": f"check the code in the 全国地方公共団体コード list (perhaps {code[:5]}{want})",
            "fix_ja": "総務省の全国地方公共団体コード一覧で確認してください"
                      f"（{code[:5]}{want} ではありませんか）"}))


#: The 47 prefectures by their 全国地方公共団体コード (the first two digits of every code in the
#: prefecture: 01 北海道 … 08 茨城県 … 47 沖縄県); a prefecture's own code is these two digits,
#: 000 and the check digit (茨城県 080004).
PREFECTURES: Final = (
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県",
    "群馬県", "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県",
    "山梨県", "長野県", "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府",
    "兵庫県", "奈良県", "和歌山県", "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県",
    "香川県", "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県",
    "鹿児島県", "沖縄県",
)


def prefecture_of(code: str) -> str | None:
    """The prefecture a 地方公共団体コード belongs to (its first two digits), or ``None``."""
    head = code[:2]
    if len(head) == 2 and head.isascii() and head.isdigit() and 1 <= int(head) <= len(PREFECTURES):
        return PREFECTURES[int(head) - 1]
    return None


def check_prefecture_code(name: str, code: str, span: Span, diags: list[Diagnostic]) -> None:
    """A prefecture profile's code: a valid 地方公共団体コード (:func:`check_code`) of the form
    NN000C, whose NN is the prefecture the header names."""
    before = len(diags)
    check_code(code, span, diags)
    if len(diags) > before:
        return
    pref = prefecture_of(code)
    if code[2:5] != "000" or pref is None:
        own = f"{code[:2]}000{code_check_digit(code[:2] + '000')}" if pref else "080004"
        diags.append(Diagnostic("PC0601", span, {
            "code": code, "detail": "a prefecture's code is its two digits, 000 and the check "
                                    "digit, and this is a town's",
            "detail_ja": "都道府県のコードは 2 桁の番号・000・検査数字で、これは市町村のコードです",
            "fix": f"write the prefecture's own code (perhaps {own})",
            "fix_ja": f"都道府県のコードを書いてください（{own} ではありませんか）"}))
    elif pref != name:
        diags.append(Diagnostic("PC0604", span, {
            "detail": f"code {code} is {pref}'s, but this profile is {name}'s",
            "detail_ja": f"コード {code} は{pref}のコードですが、このプロファイルは{name}のものです",
            "fix": "check the name and the code in the prefecture line",
            "fix_ja": "prefecture 行の名前とコードを確認してください"}))


def _check_uses(core: Core, profile: Profile, diags: list[Diagnostic]) -> None:
    span = profile.uses_span or profile.span
    if profile.core_name is None:
        diags.append(Diagnostic("PC0204", profile.span, {
            "header": "uses", "example": f'uses "{core.name}" >= {core.version_text}'}))
        return
    if profile.core_name != core.name:
        diags.append(Diagnostic("PC0602", span, {
            "detail": f'this profile uses core "{profile.core_name}", but the core given is '
                      f'"{core.name}"',
            "detail_ja": f"このプロファイルはコア「{profile.core_name}」用ですが、"
                         f"指定されたコアは「{core.name}」です",
            "fix": "check --core, or the name in the uses line",
            "fix_ja": "--core の指定か uses 行のコア名を確認してください"}))
        return
    if profile.version is None:
        return
    need = ".".join(map(str, profile.version))
    ok = core.version >= profile.version if profile.version_op == ">=" else (
        core.version == profile.version)
    if not ok:
        diags.append(Diagnostic("PC0602", span, {
            "detail": f"this profile needs core {core.name} {profile.version_op} {need}, "
                      f"but the core is version {core.version_text}",
            "detail_ja": f"このプロファイルにはコア {core.name} {profile.version_op} {need} が"
                         f"必要ですが、コアは版 {core.version_text} です",
            "fix": "upgrade the core, or change the version in the uses line",
            "fix_ja": "コアを更新するか、uses 行の版を見直してください"}))


# ---- constraint expressions --------------------------------------------------------------


class _NoValue(Exception):  # noqa: N818 - control flow, never escapes this module
    """A bound refers to a parameter that has no value yet (reported elsewhere)."""


def _bound(expr: n.Expr, values: Mapping[str, Resolved]) -> Any:  # noqa: ANN401
    """Evaluate a ``min``/``max`` expression: literals, parameters, + - * /, unary minus.

    A number times a table is the table with every cell multiplied.
    """
    if isinstance(expr, n.Lit):
        if expr.kind in {"yen", "number", "percent"}:
            return expr.value
        raise _NoValue
    if isinstance(expr, n.Ref):
        r = values.get(expr.name)
        if r is None:
            raise _NoValue
        return r.value
    if isinstance(expr, n.Unary) and expr.op == "-":
        return _arith("*", -1, _bound(expr.operand, values))
    if isinstance(expr, n.Binary) and expr.op in {"+", "-", "*", "/"}:
        return _arith(expr.op, _bound(expr.left, values), _bound(expr.right, values))
    raise _NoValue


def bound_value(expr: n.Expr, values: Mapping[str, Resolved]) -> object | None:
    """What a ``min``/``max`` expression comes to with ``values`` (``None``: a parameter it
    names has no value), as the checks compute it."""
    try:
        value: object = _bound(expr, values)
    except _NoValue:
        return None
    return value


def _reads(expr: n.Expr) -> Iterator[str]:
    """The parameters whose values :func:`_bound` may read for ``expr``."""
    if isinstance(expr, n.Ref):
        yield expr.name
    elif isinstance(expr, n.Unary):
        yield from _reads(expr.operand)
    elif isinstance(expr, n.Binary):
        yield from _reads(expr.left)
        yield from _reads(expr.right)


def _arith(op: str, a: Any, b: Any) -> Any:  # noqa: ANN401
    # A table of records: each numeric field (the others are left out, ``None``).
    if isinstance(a, Table) and not isinstance(b, Table):
        return a.by_field(numeric_field).map(lambda c: None if c is None else _arith(op, c, b))
    if isinstance(b, Table) and not isinstance(a, Table):
        return b.by_field(numeric_field).map(lambda c: None if c is None else _arith(op, a, c))
    if isinstance(a, Table | tuple) or isinstance(b, Table | tuple):
        raise _NoValue
    # In the library's decimal context, whatever the caller's (runtime.add …).
    if op == "+":
        return rt.add(a, b)
    if op == "-":
        return rt.subtract(a, b)
    if op == "*":
        return rt.multiply(a, b)
    return rt.CONTEXT.divide(Decimal(a), Decimal(b))


# ---- value checks ----------------------------------------------------------------------------


class _ValueChecker:
    def __init__(self, core: Core, diags: list[Diagnostic]) -> None:
        self.core = core
        self.diags = diags
        self.reported: set[tuple[object, ...]] = set()
        #: The values the current check reads its bounds from (see :meth:`related`).
        self.values: Mapping[str, Resolved] = {}

    def add(self, d: Diagnostic) -> None:
        key = (d.code, d.span.file, d.span.start, d.span.end, tuple(sorted(d.args.items())))
        if key not in self.reported:
            self.reported.add(key)
            self.diags.append(d)

    def related(self, p: Param, c: Constraint | None = None) -> tuple[Related, ...]:
        basis = f" ({p.basis})" if p.basis else ""
        basis_ja = f"（{p.basis}）" if p.basis else ""
        if c is not None:
            return (Related(c.span, f"the core requires `{c.kind} {c.text}`{basis}",
                            f"コアの制約「{c.kind} {c.text}」{basis_ja}"),
                    *self._layered(c))
        return (Related(p.name_span, f"declared here{basis}", f"宣言{basis_ja}"),)

    def _layered(self, c: Constraint) -> Iterator[Related]:
        """Where a bound's parameter was set, when the prefecture's profile set it: the value
        a town is held to may come from another file."""
        for name in dict.fromkeys(_reads(c.expr)):
            r = self.values.get(name)
            if r is not None and r.origin == "prefecture" and r.span is not None:
                yield Related(r.span, f"{name} is set by the prefecture's profile here",
                              f"「{name}」は都道府県のプロファイルのここで設定されています")

    def check(self, p: Param, r: Resolved, values: Mapping[str, Resolved]) -> None:
        self.values = values
        span = r.span or p.name_span
        value = r.value
        for c in p.constraints:
            try:
                bound = _bound(c.expr, values)
            except _NoValue:
                continue
            if isinstance(value, Table) and value.record is not None:
                # A table of records: the limit applies to each field it fits, cell by cell
                # (against a table of the same record type, field by field).
                fits = limit_fields(value.record, c.expr, self._param_type)
                value_by_field = value.by_field(lambda f, fits=fits: f.name in fits)  # type: ignore[misc]
                bound = bound.by_field() if isinstance(bound, Table) else bound
                self._constraint(p, c, value_by_field, bound, span)
                continue
            self._constraint(p, c, value, bound, span)
        if isinstance(value, Table):
            for direction, axis in p.monotone:
                self._monotone(p, value.by_field(numeric_field), direction, axis)

    def _param_type(self, name: str) -> t.Type | None:
        p = self.core.params.get(name)
        return p.type if p is not None else None

    def _constraint(self, p: Param, c: Constraint, value: Any, bound: Any, span: Span) -> None:  # noqa: ANN401
        above = c.kind == "max"
        literal = isinstance(c.expr, n.Lit)
        if isinstance(value, Table):
            if isinstance(bound, Table):
                self._ceiling(p, c, value, bound, above=above)
                return
            for ex in compare_cells(value, bound, above=above):
                self._scalar_report(p, c, _cell_ref(p.name, value, ex.index),
                                    ex.value, bound, value.cell_type(ex.flat),
                                    value.cell_spans[ex.flat],
                                    literal=literal, above=above)
            return
        if isinstance(value, tuple):
            elem = p.type.element if isinstance(p.type, t.ListType) else p.type
            for i, v in enumerate(value):
                if isinstance(v, int | Decimal) and not isinstance(v, bool) and (
                        v > bound if above else v < bound):
                    self._scalar_report(p, c, f"{p.name}[{i + 1}]", v, bound, elem, span,
                                        literal=literal, above=above)
            return
        if isinstance(value, int | Decimal) and not isinstance(value, bool) and isinstance(
                bound, int | Decimal) and (value > bound if above else value < bound):
            self._scalar_report(p, c, p.name, value, bound, p.type, span,
                                literal=literal, above=above)

    def _scalar_report(self, p: Param, c: Constraint, name: str, value: Any, bound: Any,  # noqa: ANN401
                       ty: t.Type, span: Span, *, literal: bool, above: bool) -> None:
        v, b = format_typed(value, ty), format_typed(bound, ty)
        args = {
            "name": name, "value": v, "bound": b, "bound_expr": c.text,
            "relation": "above" if above else "below",
            "relation_ja": "超えて" if above else "下回って",
            "bound_kind": "maximum" if above else "minimum",
            "bound_kind_ja": "上限" if above else "下限",
            "allowed": f"at most {b}" if above else f"at least {b}",
            "allowed_ja": f"{b} 以下" if above else f"{b} 以上",
        }
        self.add(Diagnostic("PC0302" if literal else "PC0303", span, args,
                            related=self.related(p, c)))

    def _ceiling(self, p: Param, c: Constraint, value: Table, bound: Table, *, above: bool) -> None:
        bracket = next((a for a in value.axes if a.is_bracket), None)
        for ex in compare_cells(value, bound, above=above):
            ty = value.cell_type(ex.flat)
            if ex.low is None or bracket is None or not above or bound.brackets is None:
                # No key range to report (a table of categories), or a floor: the cell is
                # simply outside its cross-parameter bound.
                self._scalar_report(p, c, _cell_ref(p.name, value, ex.index), ex.value,
                                    ex.bound, ty, value.cell_spans[ex.flat],
                                    literal=False, above=above)
                continue
            rng_en, rng_ja = describe_range(ex.low, ex.high, bracket.key)
            split = (format_typed(ex.split, bracket.key) if ex.split is not None
                     else "its boundary")
            cats, _, _ = value.cell_label(ex.index)
            self.add(Diagnostic("PC0507", value.cell_spans[ex.flat], {
                "name": p.name, "cell": cats,
                "value": format_typed(ex.value, ty),
                "bound_name": c.text, "bound": format_typed(ex.bound, ty),
                "axis": bracket.name if bracket else "", "range": rng_en, "range_ja": rng_ja,
                "split": split, **_split_fix(ex, bracket.key, ty),
            }, related=self.related(p, c)))

    def _monotone(self, p: Param, table: Table, direction: str, axis: str) -> None:
        for flat, prev in check_monotone(table, axis, direction):
            ty = table.cell_type(flat)
            idx = next(i for i, f in table.positions() if f == flat)
            cats, rng, rng_ja = table.cell_label(idx)
            rising = direction == "increasing"
            self.add(Diagnostic("PC0508", table.cell_spans[flat], {
                "name": p.name, "cell": cats, "range": rng, "range_ja": rng_ja,
                "value": format_typed(table.cells[flat], ty),
                "previous": format_typed(table.cells[prev], ty),
                "relation": "lower than" if rising else "higher than",
                "relation_ja": "低く" if rising else "高く",
                "verb": "fall" if rising else "rise",
                "verb_ja": "下がる" if rising else "上がる",
                "axis": axis,
            }, related=self.related(p)))


def _split_fix(ex: Excess, key: t.Type, ty: t.Type) -> dict[str, str]:
    """The hint's second way out of PC0507: the row cut where its ceiling changes, each part
    with the value that fits (the part's own ceiling where the cell is too high, the cell's
    value where it is not): applied as written, the cell is within its ceiling everywhere."""
    lowest = format_typed(min((v for _, _, v in ex.parts), default=ex.bound), ty)
    if len(ex.parts) < 2:
        return {"lowest": lowest, "or_split": "", "or_split_ja": ""}
    cuts = ", ".join(format_typed(low, key) for low, _, _ in ex.parts[1:])
    en: list[str] = []
    ja: list[str] = []
    for low, high, v in ex.parts:
        row = (f"{format_typed(low, key)} ..< {format_typed(high, key)}" if high is not None
               else f">= {format_typed(low, key)}")
        shown = format_typed(v, ty)
        if v == ex.value:
            en.append(f"`{row}` {shown} as now")
            ja.append(f"「{row}」は今の {shown} のまま")
        else:
            en.append(f"`{row}` at most {shown}")
            ja.append(f"「{row}」は {shown} 以下")
    return {"lowest": lowest, "or_split": f", or split the row at {cuts}: {', '.join(en)}",
            "or_split_ja": f"。または {cuts} で行を分けてください: {'、'.join(ja)}"}


def _cell_ref(name: str, table: Table, idx: tuple[int, ...]) -> str:
    """``保育料.月額[3号 標準, 所得割額 from 0円 to below 48,600円]``."""
    cats, rng, _ = table.cell_label(idx)
    axis = next((a.name for a in table.axes if a.is_bracket), "")
    parts = [p for p in (cats, f"{axis} {rng}" if rng else "") if p]
    return f"{name}[{', '.join(parts)}]"


def _dates(core: Core, profile: Profile | None) -> list[dt.date]:
    """The dates on which some value changes or becomes required: each is checked as of that
    date."""
    dates = {b.date for b in core.blocks}
    dates |= {p.required_from for p in core.params.values() if p.required_from is not None}
    if profile is not None and profile.blocks:
        first = profile.blocks[0].date
        dates = {d for d in dates | profile.change_dates() if d > first} | {first}
    return sorted(dates) or [dt.date.min]


def _resolve_each(core: Core, profile: Profile,
                  dates: list[dt.date]) -> Iterator[tuple[dt.date, dict[str, Resolved]]]:
    """``(on, resolve(core, profile, on))`` for each of the rising ``dates``, stepping one
    :class:`~paramcfg.model.Timeline` forward: each assignment's Resolved is made once."""
    timeline = Timeline(core, profile)
    for on in dates:
        yield on, timeline.as_of(on)


class _Changes:
    """The names assigned (by the core's dated blocks, the prefecture layer's or the
    profile's) since the date asked for before: what :class:`~paramcfg.model.Timeline`
    replaced in between.  The first call gives every name assigned up to its date."""

    def __init__(self, core: Core, profile: Profile) -> None:
        layer = profile.layer.blocks if profile.layer is not None else ()
        self._layers = (core.blocks, layer, profile.blocks)
        self._taken = [0, 0, 0]

    def up_to(self, on: dt.date) -> set[str]:
        names: set[str] = set()
        for i, blocks in enumerate(self._layers):
            while self._taken[i] < len(blocks) and blocks[self._taken[i]].date <= on:
                names.update(a.name for a in blocks[self._taken[i]].assignments)
                self._taken[i] += 1
        return names


def check_horizon(core: Core, blocks: Iterable[Block], diags: list[Diagnostic]) -> None:
    """A ``from`` block dated after the core's law horizon (PC0413): its values cannot be used
    by an evaluation with this core, only by a projection."""
    diags.extend(Diagnostic("PC0413", block.span, {
        "date": str(block.date), "horizon": str(core.horizon), "core": core.name,
        "version": core.version_text}) for block in blocks if core.beyond_horizon(block.date))


def check_profile_values(core: Core, profile: Profile, diags: list[Diagnostic]) -> None:
    """Header, required values on every effective date, and every constraint.

    A town is checked with its prefecture layer (:attr:`Profile.layer`) merged in; a
    prefecture profile alone, where it is not required to set what its towns set."""
    if profile.kind == "prefecture":
        check_prefecture_code(profile.name, profile.code, profile.code_span, diags)
    else:
        check_code(profile.code, profile.code_span, diags)
    _check_uses(core, profile, diags)
    check_horizon(core, profile.blocks, diags)
    checker = _ValueChecker(core, diags)
    missing: set[str] = set()
    if not profile.blocks and profile.dropped_blocks:
        return  # each block's bad date is already reported; "missing" would be a cascade
    if not profile.blocks:
        first_required = [p for p in core.params.values() if p.required and not p.required_from
                          and _must_set(p, profile)]
        for p in first_required:
            checker.add(Diagnostic("PC0401", profile.span, {
                "name": p.name, "date": "any date", "date_ja": "どの日付"},
                related=checker.related(p)))
        return
    # A check reads the parameter's value and span and the values its bounds name.  When all
    # of them are the very Resolved objects it was checked with on an earlier date (each is
    # made once, by _resolve_each), it would find the same problems again, which add() drops
    # as repeats: so it is not run again.  After the first date only the parameters that may
    # have changed are looked at: those assigned since the date before, those whose bounds
    # name one of them, and those that become required; so the cost of a date is that of what
    # changes on it, not of the whole core (issue 15: 3,000 parameters x 2,702 dates took 8 s).
    params = list(core.params.values())
    reads = {p.name: tuple(dict.fromkeys(x for c in p.constraints for x in _reads(c.expr)))
             for p in params}
    index = {p.name: i for i, p in enumerate(params)}
    readers: dict[str, list[int]] = {}
    for i, p in enumerate(params):
        for x in reads[p.name]:
            readers.setdefault(x, []).append(i)
    becomes_required = [(p.required_from, i) for i, p in enumerate(params)
                        if p.required and p.required_from is not None]
    changes = _Changes(core, profile)
    checked: dict[str, tuple[Resolved, tuple[Resolved | None, ...]]] = {}
    switched = [p for p in params if p.when is not None]
    unused: set[tuple[str, Span]] = set()  # each unused assignment is reported once
    before: dt.date | None = None
    in_force = 0  # the index of the profile's block in force on the date checked
    for on, values in _resolve_each(core, profile, _dates(core, profile)):
        changed = changes.up_to(on)
        while in_force + 1 < len(profile.blocks) and profile.blocks[in_force + 1].date <= on:
            in_force += 1
        block = profile.blocks[in_force]
        if before is None:
            todo: Iterable[int] = range(len(params))
            todo_switched = switched
        else:
            due = {index[x] for x in changed if x in index}
            due.update(i for x in changed for i in readers.get(x, ()))
            due.update(i for date, i in becomes_required if before < date <= on)
            todo = sorted(due)
            todo_switched = [p for p in switched
                             if p.name in changed or (p.when is not None and p.when[0] in changed)]
        before = on
        for i in todo:
            p = params[i]
            r = values.get(p.name)
            if r is None:
                if p.required_on(on) and p.name not in missing and p.name not in profile.rejected \
                        and _must_set(p, profile):
                    missing.add(p.name)
                    checker.add(Diagnostic("PC0401", block.span, {
                        "name": p.name, "date": str(on)}, related=checker.related(p)))
                continue
            names = reads[p.name]
            bounds = tuple([values.get(x) for x in names]) if names else ()
            last = checked.get(p.name)
            if last is not None and last[0] is r and all(
                    x is y for x, y in zip(last[1], bounds, strict=True)):
                continue
            checked[p.name] = (r, bounds)
            checker.check(p, r, values)
        for p in todo_switched:
            _check_used(core, p, values, on, checker, unused, profile.origin)
    # Tables that could not be read whole: the cells that could be are checked too, with the
    # values in force on their block's date (one problem never hides the others).
    for on, a in profile.partial:
        param = core.params.get(a.name)
        if param is not None:
            checker.check(param, Resolved(a.value, profile.origin, a.span, on),
                          resolve(core, profile, on))


def _must_set(p: Param, profile: Profile) -> bool:
    """Whether ``profile`` must give required ``p`` a value: a town must give every one (its
    prefecture's count as its own); a prefecture only those the core gives it."""
    return profile.kind != "prefecture" or p.prefecture


def _check_used(core: Core, p: Param, values: Mapping[str, Resolved], on: dt.date,
                checker: _ValueChecker, unused: set[tuple[str, Span]], origin: str) -> None:
    """``when S == M`` / ``when S in [M, N]``: a value the profile gives (other than the
    core's) while S is none of the members is never used by any rule: the town meant something
    the package will not do (PC0412)."""
    assert p.when is not None  # noqa: S101 - only switched parameters come here
    switch, members = p.when
    r, s = values.get(p.name), values.get(switch)
    if r is None or s is None or r.origin != origin or r.span is None or s.value in members \
            or (p.name, r.span) in unused:
        return
    own = resolve(core, None, on).get(p.name)
    if own is not None and own.value == r.value:
        return  # set back to the core's own value: nothing is lost
    if own is None:
        shown, shown_ja = "none", "なし"
    elif isinstance(own.value, Table):
        shown, shown_ja = "the core's table", "本体の表"
    else:
        shown = shown_ja = format_typed(own.value, p.type)
    unused.add((p.name, r.span))
    checker.add(Diagnostic("PC0412", r.span, {
        "name": p.name, "switch": switch, "member": " or ".join(members),
        "member_ja": "または".join(members), "actual": str(s.value),
        "date": str(on), "default": shown, "default_ja": shown_ja}, related=checker.related(p)))


def check_core_values(core: Core, diags: list[Diagnostic]) -> None:
    """The core's own values must meet its own constraints on each of its dates, and none of
    its own dated values may lie past its law horizon."""
    check_horizon(core, core.blocks, diags)
    checker = _ValueChecker(core, diags)
    for on in _dates(core, None):
        values = resolve(core, None, on)
        for p in core.params.values():
            r = values.get(p.name)
            if r is not None:
                checker.check(p, r, values)

"""Building the model: statements → a resolved :class:`~paramcfg.model.Core` and
:class:`~paramcfg.model.Profile`.

Names are resolved, types built and literal values converted to exact values here; every
problem is a diagnostic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from paramcfg import layering, paramchecks
from paramcfg import nodes as n
from paramcfg import types as t
from paramcfg.convert import Converter
from paramcfg.diagnostics import Diagnostic, Related, Span
from paramcfg.model import Assigned, Block, Constraint, Core, Input, Param, Profile, Rule, parse_version
from paramcfg.names import suggest
from paramcfg.syntax import MAX_TABLE_CELLS
from paramcfg.values import parse_date

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterable, Mapping

__all__ = ["build_core", "build_profile"]


# ---- building the core ----------------------------------------------------------------------


class _CoreBuilder:
    def __init__(self, diags: list[Diagnostic]) -> None:
        self.diags = diags
        self.enums: dict[str, t.EnumType] = {}
        self.records: dict[str, t.RecordType] = {}
        self.aliases: dict[str, t.Type] = {}
        self.record_nodes: dict[str, n.RecordDecl] = {}
        self.alias_nodes: dict[str, n.TypeDecl] = {}
        self.declared: dict[str, Span] = {}
        self.resolving: set[str] = set()
        self.texts: dict[str, str] = {}

    def bad(self, code: str, span: Span, **args: str) -> None:
        """A declaration of the core that contradicts itself: each kind has its own code
        (PC0701–PC0712, issue 14; PC0701 was all of them)."""
        self.diags.append(Diagnostic(code, span, args))

    def declare(self, name: str, span: Span) -> bool:
        if name in self.declared:
            self.diags.append(Diagnostic(
                "PC0202", span, {"name": name}, related=(_related_decl(self.declared[name]),)))
            return False
        self.declared[name] = span
        return True

    # -- types
    def type_of(self, node: n.TypeExpr) -> t.Type | None:
        if isinstance(node, n.SimpleType):
            return {
                "int": t.IntType(), "decimal": t.DecimalType(), "yen": t.YenType(),
                "rate": t.RateType(), "bool": t.BoolType(), "date": t.DateType(),
                "monthday": t.MonthDayType(),
            }[node.name]
        if isinstance(node, n.TextType):
            return t.TextType(node.width)
        if isinstance(node, n.ListType):
            elem = self.type_of(node.element)
            return None if elem is None else t.ListType(elem)
        if isinstance(node, n.TableType):
            return self._table(node)
        if isinstance(node, n.ScaleType):
            key = self._axis(node.key)
            value = self.type_of(node.value)
            if key is None or value is None:
                return None
            if not key.is_bracket:
                self.bad("PC0709", node.key.span, part="key", part_ja="キー",
                         kind="numeric (yen, int, decimal)", kind_ja="数値型（yen、int、decimal）",
                         found=str(key.key), example="scale[所得 : yen] of rate")
                return None
            if not isinstance(value, t.RateType):
                self.bad("PC0709", node.value.span, part="values", part_ja="値",
                         kind="rates", kind_ja="率（rate）", found=str(value),
                         example="scale[所得 : yen] of rate")
                return None
            return t.ScaleType(key, value)
        return self._named(node)

    def _named(self, node: n.NamedType) -> t.Type | None:
        name = node.name
        if name in self.enums:
            return self.enums[name]
        if name in self.records:
            return self.records[name]
        if name in self.aliases:
            return self.aliases[name]
        if name in self.resolving:
            self.bad("PC0710", node.span, name=name)
            return None
        if name in self.record_nodes:
            return self._record(self.record_nodes[name])
        if name in self.alias_nodes:
            return self._alias(self.alias_nodes[name])
        known = [*self.enums, *self.records, *self.aliases, *self.record_nodes,
                 *self.alias_nodes]
        hint, hint_ja = suggest(name, known)
        self.diags.append(Diagnostic("PC0201", node.span, {
            "kind": "type", "kind_ja": "型", "name": name, "suggestion": hint,
            "suggestion_ja": hint_ja}))
        return None

    def _axis(self, node: n.Axis) -> t.Axis | None:
        if node.type is None:
            enum = self.enums.get(node.name)
            if enum is None:
                hint, hint_ja = suggest(node.name, self.enums)
                self.diags.append(Diagnostic("PC0201", node.span, {
                    "kind": "enum", "kind_ja": "列挙型", "name": node.name,
                    "suggestion": hint, "suggestion_ja": hint_ja}))
                return None
            return t.Axis(node.name, enum)
        key = self.type_of(node.type)
        if key is None:
            return None
        if not isinstance(key, t.EnumType | t.IntType | t.DecimalType | t.YenType | t.RateType):
            self.bad("PC0706", node.span, axis=node.name, found=str(key))
            return None
        return t.Axis(node.name, key)

    def _table(self, node: n.TableType) -> t.Type | None:
        axes = [self._axis(a) for a in node.axes]
        value = self.type_of(node.value)
        if value is None or any(a is None for a in axes):
            return None
        real = tuple(a for a in axes if a is not None)
        if sum(a.is_bracket for a in real) > 1:
            self.bad("PC0707", node.span, axes=", ".join(a.name for a in real if a.is_bracket),
                     axes_ja="」「".join(a.name for a in real if a.is_bracket))
            return None
        names = [a.name for a in real]
        if len(set(names)) != len(names):
            self.bad("PC0708", node.span,
                     axis=next(x for x in names if names.count(x) > 1))
            return None
        cells = 1
        for a in real:
            if isinstance(a.key, t.EnumType):
                cells *= len(a.key.members)
        if cells > MAX_TABLE_CELLS:
            # No profile could write such a table (the cell limit of a statement), and checking
            # one against it would name every missing cell: 2,000 × 2,000 made 4 million.
            self.diags.append(Diagnostic("PC0005", node.span, {
                "what": f"the cells of this table type ({cells:,}: its categories multiplied)",
                "what_ja": f"この表の型のセル数（{cells:,} 個。各区分の数の積）",
                "limit": f"{MAX_TABLE_CELLS:,} cells", "limit_ja": f"{MAX_TABLE_CELLS:,} 個"}))
            return None
        # A table of records: each field is one grid cell, so it holds one scalar value.
        wrong = [f for f in getattr(value, "fields", ()) if not isinstance(
            f.type, t.SCALAR_FIELD_TYPES)]
        for f in wrong:
            self.diags.append(Diagnostic("PC0714", node.value.span, {
                "record": str(value), "field": f.name, "found": str(f.type)}, related=(
                    Related(f.span, f"field {f.name} is declared here", f"項目「{f.name}」の宣言"),)))
        if wrong:
            return None
        return t.TableType(real, value)

    def _record(self, decl: n.RecordDecl) -> t.RecordType | None:
        if decl.name in self.records:
            return self.records[decl.name]
        self.resolving.add(decl.name)
        fields = []
        ok = True
        seen: set[str] = set()
        conv = Converter(self.diags, self.enums)
        for f in decl.fields:
            if f.name in seen:
                self.diags.append(Diagnostic("PC0202", f.span, {"name": f"{decl.name}.{f.name}"}))
                ok = False
                continue
            seen.add(f.name)
            ft = self.type_of(f.type)
            if ft is None:
                ok = False
                continue
            default = None
            label = None
            for c in f.clauses:
                if c.kind == "default" and c.arg is not None:
                    default = conv.convert(f"{decl.name}.{f.name}", ft, c.arg)  # type: ignore[arg-type]
                elif c.kind == "label":
                    label = str(c.arg)
            fields.append(t.Field(f.name, ft, default, label, f.span))
        self.resolving.discard(decl.name)
        if not ok:
            return None
        rec = t.RecordType(decl.name, tuple(fields), decl.name_span)
        self.records[decl.name] = rec
        return rec

    def _alias(self, decl: n.TypeDecl) -> t.Type | None:
        self.resolving.add(decl.name)
        ty = self.type_of(decl.type)
        self.resolving.discard(decl.name)
        if ty is not None:
            self.aliases[decl.name] = ty
        return ty


def _wrong_file_kind(span: Span, *, expected_core: bool) -> Diagnostic:
    core = ("package core", "パッケージコア")
    profile = ("tenant profile", "テナントプロファイル")
    found, expected = (profile, core) if expected_core else (core, profile)
    return Diagnostic("PC0203", span, {
        "found": found[0], "found_ja": found[1], "expected": expected[0],
        "expected_ja": expected[1],
        "fix": "give the core with --core (a .pcore file or its folder) and profiles as PROFILE",
        "fix_ja": "コアは --core（.pcore ファイルかそのフォルダ）で、"
                  "プロファイルは PROFILE で指定してください"})


def _related_decl(span: Span) -> Related:
    return Related(span, "first declared here", "最初の宣言")


def _clause_text(text: str, span: Span) -> str:
    return text[span.start : span.end]


def build_core(files: Iterable[n.SourceFile], diags: list[Diagnostic]) -> Core | None:
    """Resolve the declarations of one core (one or more files).  ``None`` if unusable."""
    files = list(files)
    b = _CoreBuilder(diags)
    header: n.CoreHeader | None = None
    stmts: list[tuple[n.SourceFile, n.Statement]] = [(f, s) for f in files for s in f.statements]
    for f, s in stmts:
        b.texts[f.path] = f.text
        if isinstance(s, n.CoreHeader):
            if header is not None:
                diags.append(Diagnostic("PC0202", s.span, {"name": "the `core` line"},
                                        related=(_related_decl(header.span),)))
            else:
                header = s
        elif isinstance(s, n.TenantHeader):
            diags.append(_wrong_file_kind(s.span, expected_core=True))
            return None
        elif isinstance(s, n.Within):
            diags.append(layering.within_in_core(s))
    if header is None:
        span = Span.point(files[0].path if files else "<core>")
        diags.append(Diagnostic("PC0204", span, {
            "header": "core", "example": 'core "名前" version 2024.4'}))
        return None
    # Pass 1: enums and the names of records and aliases (they may refer to each other).
    for _f, s in stmts:
        if isinstance(s, n.EnumDecl) and b.declare(s.name, s.name_span):
            members = [m.name for m in s.members]
            seen: set[str] = set()
            for m in s.members:  # a set: an enum of 100,000 members is refused, not quadratic
                if m.name in seen:
                    diags.append(Diagnostic("PC0202", m.span, {"name": f"{s.name}.{m.name}"}))
                seen.add(m.name)
            b.enums[s.name] = t.EnumType(s.name, tuple(dict.fromkeys(members)), s.name_span)
        elif isinstance(s, n.RecordDecl) and b.declare(s.name, s.name_span):
            b.record_nodes[s.name] = s
        elif isinstance(s, n.TypeDecl) and b.declare(s.name, s.name_span):
            b.alias_nodes[s.name] = s
    for decl in b.record_nodes.values():
        b._record(decl)  # noqa: SLF001 - builder internals
    for alias in b.alias_nodes.values():
        if alias.name not in b.aliases:
            b._alias(alias)  # noqa: SLF001 - builder internals
    # Pass 2: inputs, params, rules.
    inputs: dict[str, Input] = {}
    params: dict[str, Param] = {}
    rules: dict[str, Rule] = {}
    conv = Converter(diags, b.enums)
    for f, s in stmts:
        if isinstance(s, n.InputDecl) and b.declare(s.name, s.name_span):
            ty = b.type_of(s.type)
            if ty is not None:
                inputs[s.name] = Input(s.name, ty, _label(s.clauses), s.span)
        elif isinstance(s, n.ParamDecl) and b.declare(s.name, s.name_span):
            p = _param(b, conv, f, s)
            if p is not None:
                params[s.name] = p
        elif isinstance(s, n.RuleDecl) and b.declare(s.name, s.name_span):
            r = _rule(b, s)
            if r is not None:
                rules[s.name] = r
    paramchecks.check_constraint_names(params, diags)
    paramchecks.check_record_limits(params, diags)
    paramchecks.check_when(params, diags)
    blocks = _blocks(files, params, conv, diags, in_core=True)
    horizon = parse_date(header.horizon, diags) if header.horizon is not None else None
    return Core(
        header.name, parse_version(header.version), tuple(f.path for f in files),
        b.enums, b.records, b.aliases, inputs, params, rules, tuple(blocks), header.span,
        horizon,
    )


def _too_deep(b: _CoreBuilder, name: str, c: n.Clause) -> bool:
    """A bound nested deeper than :data:`~paramcfg.nodes.MAX_NESTING` is reported and left out
    (every check walks it recursively)."""
    if n.nesting(c.arg) <= n.MAX_NESTING:  # type: ignore[arg-type]
        return False
    b.diags.append(Diagnostic("PC0005", c.span, {
        "what": f"the nesting of the `{c.kind}` of {name}",
        "what_ja": f"「{name}」の {c.kind} の式の入れ子の深さ",
        "limit": f"{n.MAX_NESTING} levels", "limit_ja": f"{n.MAX_NESTING} 段"}))
    return True


def _label(clauses: Iterable[n.Clause]) -> str | None:
    return next((str(c.arg) for c in clauses if c.kind == "label"), None)


def _param(b: _CoreBuilder, conv: Converter, f: n.SourceFile, s: n.ParamDecl) -> Param | None:
    ty = b.type_of(s.type)
    if ty is None:
        return None
    kinds = [c.kind for c in s.clauses]
    for k in ("default", "required", "fixed", "label", "basis", "when", "prefecture"):
        if kinds.count(k) > 1:
            dup = [c for c in s.clauses if c.kind == k][1]
            b.bad("PC0704", dup.span, clause=k, name=s.name)
    required = "required" in kinds
    fixed = "fixed" in kinds
    default_clause = next((c for c in s.clauses if c.kind == "default"), None)
    if required and fixed:
        b.bad("PC0702", s.name_span, name=s.name)
    owner = next((c for c in s.clauses if c.kind == "prefecture"), None)
    if owner is not None and fixed:
        b.bad("PC0713", owner.span, name=s.name)
    if required and default_clause is not None:
        b.bad("PC0701", default_clause.span, name=s.name)
    if not required and default_clause is None:
        b.bad("PC0703", s.name_span, name=s.name)
    default = None
    if default_clause is not None and default_clause.arg is not None:
        default = conv.convert(s.name, ty, default_clause.arg)  # type: ignore[arg-type]
    constraints = tuple(
        Constraint(c.kind, c.arg, _clause_text(f.text, c.span), c.span)  # type: ignore[arg-type]
        for c in s.clauses if c.kind in {"min", "max"} and not _too_deep(b, s.name, c)
    )
    monotone: list[tuple[str, str]] = []
    for c in s.clauses:
        if c.kind in {"increasing", "decreasing"}:
            axis = next((a for a in getattr(ty, "axes", ()) if a.name == c.arg), None)
            if axis is None or not axis.is_bracket:
                b.bad("PC0705", c.span, direction=c.kind, axis=str(c.arg), name=s.name)
            else:
                monotone.append((c.kind, str(c.arg)))
    when = next((c for c in s.clauses if c.kind == "when"), None)
    required_clause = next((c for c in s.clauses if c.kind == "required"), None)
    required_from = None
    if required_clause is not None and isinstance(required_clause.arg, n.Lit):
        required_from = parse_date(required_clause.arg, b.diags)
    return Param(
        s.name, ty, required, fixed, default, constraints, tuple(monotone),
        _label(s.clauses), next((str(c.arg) for c in s.clauses if c.kind == "basis"), None),
        s.span, s.name_span, default_clause.span if default_clause else None,
        when.arg if when is not None and isinstance(when.arg, tuple) else None,
        when.span if when is not None else None,
        required_from,
        owner is not None,
    )


def _rule(b: _CoreBuilder, s: n.RuleDecl) -> Rule | None:
    ty = b.type_of(s.type)
    params = []
    for p in s.params:
        pt = b.type_of(p.type)
        if pt is None:
            return None
        params.append((p.name, pt))
    if ty is None:
        return None
    return Rule(s.name, tuple(params), ty, s.body, _label(s.clauses),
                next((str(c.arg) for c in s.clauses if c.kind == "basis"), None), s.span)


# ---- dated blocks (core and profile) -----------------------------------------------------


def _unparsed_lines(text: str, after: int) -> bool:
    """Whether the block whose ``from`` line ends at ``after`` holds lines that were written
    but not parsed (each already reported): such a block is not "empty" (PC0409)."""
    for line in text[after:].split("\n")[1:]:
        word = line.strip()
        if word.startswith("from") and word[4:5] in {" ", "\t", ""}:
            return False
        if word and not word.startswith("#"):
            return True
    return False


def _blocks(
    files: Iterable[n.SourceFile], params: Mapping[str, Param], conv: Converter,
    diags: list[Diagnostic], *, in_core: bool, core_name: str = "",
    rejected: set[str] | None = None,
    partial: list[tuple[dt.date, Assigned]] | None = None,
    town: tuple[str, str] | None = None,
) -> list[Block]:
    blocks: list[Block] = []
    current: tuple[dt.date | None, Span, list[Assigned], dict[str, Span]] | None = None
    previous: tuple[dt.date, Span] | None = None
    written = 0  # assignment lines in the current block, accepted or not

    def close() -> None:
        if current is None:
            return
        date, span, assigned, _ = current
        if not written and not _unparsed_lines(block_text, span.end):
            diags.append(Diagnostic("PC0409", span, {"date": str(date or "?")}))
        if date is not None:
            blocks.append(Block(date, tuple(assigned), span))

    block_text = ""
    for f in files:
        for s in f.statements:
            if isinstance(s, n.FromDecl):
                close()
                block_text = f.text
                date = parse_date(s.date, diags)
                if date is not None and previous is not None and date <= previous[0]:
                    if date == previous[0]:
                        diags.append(Diagnostic("PC0410", s.span, {
                            "date": str(date), "line": str(previous[1].line)}))
                    else:
                        diags.append(Diagnostic("PC0407", s.span, {
                            "date": str(date), "previous": str(previous[0])}))
                    date = None  # its assignments are still checked, but not used
                if date is not None:
                    previous = (date, s.span)
                current = (date, s.span, [], {})
                written = 0
            elif isinstance(s, n.Assignment):
                if current is None:
                    diags.append(Diagnostic("PC0408", s.name_span, {"name": s.name}))
                    if rejected is not None:
                        rejected.add(s.name)  # not "missing" as well: one finding, one line
                    continue
                written += 1
                a = _assignment(s, params, conv, diags, current[3],
                                in_core=in_core, core_name=core_name,
                                date=current[0], town=town)
                if a is not None:
                    current[2].append(a)
                elif rejected is not None:
                    rejected.add(s.name)
                if a is None and partial is not None and isinstance(s.value, n.Grid):
                    table = conv.partial.pop(s.value.span, None)
                    if table is not None and current[0] is not None:
                        partial.append((current[0], Assigned(s.name, table, s.span)))
    close()
    return blocks


def _assignment(
    s: n.Assignment, params: Mapping[str, Param], conv: Converter,
    diags: list[Diagnostic], seen: dict[str, Span], *, in_core: bool, core_name: str,
    date: dt.date | None, town: tuple[str, str] | None = None,
) -> Assigned | None:
    p = params.get(s.name)
    if p is None:
        hint, hint_ja = suggest(s.name, [q for q in params if in_core or not params[q].fixed])
        diags.append(Diagnostic("PC0404", s.name_span, {
            "name": s.name, "core": core_name or "(this core)", "suggestion": hint,
            "suggestion_ja": hint_ja}))
        return None
    if p.fixed and not in_core:
        diags.append(Diagnostic("PC0402", s.name_span, {
            "name": s.name, "basis": f" ({p.basis})" if p.basis else "",
            "basis_ja": f"（{p.basis}）" if p.basis else ""}, related=(_decl_related(p),)))
        return None
    if p.prefecture and town is not None:
        diags.append(layering.prefecture_owned(s, town, _decl_related(p)))
        return None
    if s.name in seen:
        diags.append(Diagnostic("PC0405", s.name_span, {
            "name": s.name, "date": str(date or "this block"),
            "date_ja": str(date or "このブロック")}))
        return None
    seen[s.name] = s.name_span
    if s.review:
        diags.append(Diagnostic("PC0411", s.name_span,
                                {"name": s.name}))
    value = conv.convert(s.name, p.type, s.value)
    if value is None:
        return None
    return Assigned(s.name, value, s.span)


def _decl_related(p: Param) -> Related:
    basis = f" ({p.basis})" if p.basis else ""
    basis_ja = f"（{p.basis}）" if p.basis else ""
    return Related(p.name_span, f"declared here{basis}", f"宣言{basis_ja}")


# ---- building a profile ----------------------------------------------------------------


def _first_word(s: n.Statement) -> str:
    return {n.EnumDecl: "enum", n.RecordDecl: "record", n.TypeDecl: "type",
            n.InputDecl: "input", n.ParamDecl: "param", n.RuleDecl: "rule"}.get(type(s), "?")




def build_profile(
    file: n.SourceFile, core: Core, diags: list[Diagnostic]
) -> Profile | None:
    """Resolve a tenant profile against ``core``.  Customisations are diagnostics."""
    header: n.TenantHeader | None = None
    uses: n.Uses | None = None
    within: n.Within | None = None
    for s in file.statements:
        if isinstance(s, n.TenantHeader):
            if header is not None:
                diags.append(Diagnostic("PC0202", s.span, {"name": "the `tenant` line"},
                                        related=(_related_decl(header.span),)))
            else:
                header = s
        elif isinstance(s, n.Uses):
            if uses is not None:
                diags.append(Diagnostic("PC0202", s.span, {"name": "the `uses` line"}))
            uses = s
        elif isinstance(s, n.Within):
            if within is not None:
                diags.append(Diagnostic("PC0202", s.span, {"name": "the `within` line"},
                                        related=(_related_decl(within.span),)))
            else:
                within = s
        elif isinstance(s, n.CoreHeader):
            diags.append(_wrong_file_kind(s.span, expected_core=False))
            return None
        elif isinstance(s, n.Declaration):
            what = _first_word(s)
            diags.append(Diagnostic("PC0403", s.span, {"what": what}))
    if header is None:
        if ":tenant" not in file.broken:  # a broken tenant line is reported already
            diags.append(Diagnostic("PC0204", Span.point(file.path), {
                "header": "tenant", "example": 'tenant "町名" code 085421'}))
        return None
    if within is not None and header.kind == "prefecture":
        diags.append(layering.within_in_prefecture(within))
        within = None
    conv = Converter(diags, core.enums,
                     {p.name: p.default for p in core.params.values() if p.default is not None})
    rejected: set[str] = set(file.broken)
    partial: list[tuple[dt.date, Assigned]] = []
    town = layering.owner(header, within)
    blocks = _blocks([file], core.params, conv, diags, in_core=False, core_name=core.name,
                     rejected=rejected, partial=partial, town=town)
    dropped = sum(isinstance(s, n.FromDecl) for s in file.statements) - len(blocks)
    return Profile(
        file.path, header.name, header.code,
        uses.core if uses else None, uses.op if uses else None,
        parse_version(uses.version) if uses and uses.version else None,
        tuple(blocks), header.span, header.code_span, uses.span if uses else None,
        frozenset(rejected), dropped, tuple(partial), header.kind,
        within.name if within is not None else None,
        within.name_span if within is not None else None,
    )

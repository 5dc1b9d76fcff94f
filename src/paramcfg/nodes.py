"""Syntax nodes: what the parser produces, one frozen attrs class per construct.

Every node carries the :class:`~paramcfg.diagnostics.Span` of the text it came from, so any
later stage can blame the exact place.  Nodes hold exact values only (``int``, ``Decimal``,
``str``); nothing here is ever executed.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final, TypeAlias

import attrs

from paramcfg.diagnostics import Span

# ---- literals and values ---------------------------------------------------------------


@attrs.frozen
class Lit:
    """A literal.  ``kind`` is one of yen, percent, number, date, monthday, string, bool.

    ``value`` is exact: yen and number are ``int`` when integral else ``Decimal``, percent is
    the ``Decimal`` fraction (``1.4%`` → ``Decimal("0.014")``), date and monthday keep their
    text (they are validated where a diagnostic can say why), string is the unescaped text.
    """

    kind: str
    value: int | Decimal | str | bool
    text: str
    span: Span


@attrs.frozen
class Member:
    """A bare name used as a value: an enum member such as ``3号`` or ``コンビニ``."""

    name: str
    span: Span


@attrs.frozen
class ListValue:
    items: tuple[Value, ...]
    span: Span


@attrs.frozen
class FieldValue:
    name: str
    name_span: Span
    value: Value
    span: Span


@attrs.frozen
class RecordValue:
    fields: tuple[FieldValue, ...]
    span: Span


@attrs.frozen
class KeyOp:
    """``<``, ``>=`` or ``..<`` in a grid's key cell."""

    op: str
    span: Span


CellItem: TypeAlias = "Lit | Member | KeyOp"


@attrs.frozen
class Cell:
    items: tuple[CellItem, ...]
    span: Span


@attrs.frozen
class Row:
    cells: tuple[Cell, ...]
    span: Span


@attrs.frozen
class Grid:
    """A table written as pipe-separated rows; the first row is the header."""

    rows: tuple[Row, ...]
    span: Span


Value: TypeAlias = "Lit | Member | ListValue | RecordValue | Grid"

# ---- types -------------------------------------------------------------------------------


@attrs.frozen
class SimpleType:
    name: str  # int decimal yen rate bool date monthday
    span: Span


@attrs.frozen
class TextType:
    width: int | None
    span: Span


@attrs.frozen
class ListType:
    element: TypeExpr
    span: Span


@attrs.frozen
class Axis:
    """A table axis: ``所得割額 : yen`` (brackets) or ``認定区分`` (categories of an enum)."""

    name: str
    type: TypeExpr | None
    span: Span


@attrs.frozen
class TableType:
    axes: tuple[Axis, ...]
    value: TypeExpr
    span: Span


@attrs.frozen
class ScaleType:
    key: Axis
    value: TypeExpr
    span: Span


@attrs.frozen
class NamedType:
    name: str
    span: Span


TypeExpr: TypeAlias = "SimpleType | TextType | ListType | TableType | ScaleType | NamedType"

# ---- expressions (rules and constraints) ---------------------------------------------------


@attrs.frozen
class Ref:
    name: str
    span: Span


@attrs.frozen
class Call:
    name: str
    args: tuple[Expr, ...]
    span: Span


@attrs.frozen
class Lambda:
    param: str
    body: Expr
    span: Span


@attrs.frozen
class Binary:
    op: str  # + - * / == != < <= > >= and or
    left: Expr
    right: Expr
    span: Span


@attrs.frozen
class Unary:
    op: str  # - not
    operand: Expr
    span: Span


@attrs.frozen
class If:
    cond: Expr
    then: Expr
    else_: Expr
    span: Span


@attrs.frozen
class Let:
    name: str
    value: Expr
    body: Expr
    span: Span


@attrs.frozen
class ListExpr:
    items: tuple[Expr, ...]
    span: Span


Expr: TypeAlias = "Lit | Ref | Call | Lambda | Binary | Unary | If | Let | ListExpr"

#: Levels of nesting in one expression (a rule's body, a `min`/`max` bound): a name or a number
#: is one level, and each operator, `if`, `let`, call and list adds one, so a chain of 64
#: operands `a + b + …` is at the limit, as is an `else if` chain of 63 branches. Real rules nest
#: about ten deep; below the limit every stage (typing, folding, the interpreter, the generated
#: Python, which nests no deeper than the rule) stays well inside Python's own limits
#: (docs/limits.md).
MAX_NESTING: Final = 64


def nesting(expr: Expr) -> int:
    """How deep ``expr`` nests (a name or a literal is 1), measured without recursion: the
    expression may be far deeper than Python's recursion limit."""
    deepest = 0
    stack: list[tuple[Expr, int]] = [(expr, 1)]
    while stack:
        e, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_NESTING:
            break  # too deep already: the rest need not be walked
        kids: tuple[Expr, ...] = ()
        if isinstance(e, Binary):
            kids = (e.left, e.right)
        elif isinstance(e, Unary):
            kids = (e.operand,)
        elif isinstance(e, If):
            kids = (e.cond, e.then, e.else_)
        elif isinstance(e, Let):
            kids = (e.value, e.body)
        elif isinstance(e, Call):
            kids = e.args
        elif isinstance(e, Lambda):
            kids = (e.body,)
        elif isinstance(e, ListExpr):
            kids = e.items
        stack.extend((k, depth + 1) for k in kids)
    return deepest


# ---- statements ----------------------------------------------------------------------------


@attrs.frozen
class Clause:
    """A declaration clause: ``default``, ``required``, ``fixed``, ``min``, ``max``,
    ``increasing``/``decreasing`` (``arg`` is the axis name), ``when`` (``arg`` is
    (parameter, member)), ``label``, ``basis``."""

    kind: str
    arg: Value | Expr | str | tuple[str, str] | None
    span: Span


@attrs.frozen
class CoreHeader:
    name: str
    version: str
    span: Span
    version_span: Span
    #: ``law through DATE``: the last date the core's law is known complete for.
    horizon: Lit | None = None


@attrs.frozen
class TenantHeader:
    """``tenant "町名" code 085421``, or ``prefecture "茨城県" code 080004`` (``kind``)."""

    name: str
    code: str
    span: Span
    code_span: Span
    kind: str = "tenant"  # "tenant" | "prefecture"


@attrs.frozen
class Within:
    """``within "茨城県"``: the town's prefecture layer, by the prefecture profile's name."""

    name: str
    span: Span
    name_span: Span


@attrs.frozen
class Uses:
    core: str
    op: str | None
    version: str | None
    span: Span
    version_span: Span | None


@attrs.frozen
class EnumMember:
    name: str
    label: str | None
    span: Span


@attrs.frozen
class EnumDecl:
    name: str
    members: tuple[EnumMember, ...]
    clauses: tuple[Clause, ...]
    span: Span
    name_span: Span


@attrs.frozen
class FieldDecl:
    name: str
    type: TypeExpr
    clauses: tuple[Clause, ...]
    span: Span


@attrs.frozen
class RecordDecl:
    name: str
    fields: tuple[FieldDecl, ...]
    clauses: tuple[Clause, ...]
    span: Span
    name_span: Span


@attrs.frozen
class TypeDecl:
    name: str
    type: TypeExpr
    clauses: tuple[Clause, ...]
    span: Span
    name_span: Span


@attrs.frozen
class InputDecl:
    name: str
    type: TypeExpr
    clauses: tuple[Clause, ...]
    span: Span
    name_span: Span


@attrs.frozen
class ParamDecl:
    name: str
    type: TypeExpr
    clauses: tuple[Clause, ...]
    span: Span
    name_span: Span


@attrs.frozen
class RuleParam:
    name: str
    type: TypeExpr
    span: Span


@attrs.frozen
class RuleDecl:
    name: str
    params: tuple[RuleParam, ...]
    type: TypeExpr
    body: Expr
    clauses: tuple[Clause, ...]
    span: Span
    name_span: Span


@attrs.frozen
class FromDecl:
    date: Lit
    span: Span


@attrs.frozen
class Assignment:
    name: str
    name_span: Span
    value: Value
    span: Span
    review: bool = False  # `review NAME = …`: copied from another town, not yet confirmed


Statement: TypeAlias = (
    "CoreHeader | TenantHeader | Uses | Within | EnumDecl | RecordDecl | TypeDecl | InputDecl"
    " | ParamDecl | RuleDecl | FromDecl | Assignment"
)
Declaration = (EnumDecl, RecordDecl, TypeDecl, InputDecl, ParamDecl, RuleDecl)


@attrs.frozen
class Comment:
    """A comment line, kept so that ``fmt`` can put it back."""

    text: str
    span: Span


@attrs.frozen
class SourceFile:
    """A parsed file: its statements in order, and its comments."""

    path: str
    text: str
    statements: tuple[Statement, ...]
    comments: tuple[Comment, ...] = ()
    #: Names of assignments that could not be parsed: set, if wrongly, so not "missing" too.
    broken: frozenset[str] = frozenset()

"""Syntax nodes: what the parser produces, one frozen attrs class per construct.

Every node carries the :class:`~paramcfg.diagnostics.Span` of the text it came from, so any
later stage can blame the exact place.  Nodes hold exact values only (``int``, ``Decimal``,
``str``); nothing here is ever executed.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any, ClassVar, Final, TypeAlias

import attrs

if TYPE_CHECKING:
    from decimal import Decimal

    from paramcfg.diagnostics import Span

# ---- what attrs.frozen gave each node, made once --------------------------------------------
#
# Making a class with attrs.frozen costs a few hundred microseconds (attrs writes and compiles
# its methods); the 41 node classes were a third of `paramcfg check`'s own import time (issue 15,
# start-up).  A node class is a plain slotted class instead: equality, hashing, repr, freezing
# and pickling are written once in _Node; each class's __init__ is generated from its field
# names (ours, never user text) with the others' in one compile at the end of this module.  The
# classes keep attrs' interface (``attrs.fields``, ``attrs.has``, ``attrs.evolve`` work as
# before, from ``__attrs_attrs__``) and behave as they did (tests/unit/test_nodes.py).

class _Node:
    """The base of every node: immutable, compared and hashed by its fields in order."""

    __slots__ = ()
    _fields: ClassVar[tuple[str, ...]] = ()
    __attrs_attrs__: ClassVar[tuple[attrs.Attribute[Any], ...]] = ()

    def _values(self) -> tuple[Any, ...]:
        return tuple([getattr(self, f) for f in self._fields])

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()  # type: ignore[attr-defined,unused-ignore]

    def __ne__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() != other._values()  # type: ignore[attr-defined,unused-ignore]

    def __hash__(self) -> int:
        return hash((self.__class__.__name__, *self._values()))

    def __repr__(self) -> str:
        shown = ", ".join(f"{f}={getattr(self, f)!r}" for f in self._fields)
        return f"{self.__class__.__qualname__}({shown})"

    def __setattr__(self, name: str, value: object) -> None:
        raise attrs.exceptions.FrozenInstanceError

    def __delattr__(self, name: str) -> None:
        raise attrs.exceptions.FrozenInstanceError

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        return self.__class__, self._values()


#: Node classes whose __init__ is still to be made, with their defaults.
_PENDING: list[tuple[type, tuple[str, ...], dict[str, object]]] = []


def _node_class(cls: type) -> type:
    """``cls`` (a class body of annotated fields, some with defaults) as a node class."""
    annotations = inspect.get_annotations(cls)
    fields = tuple(annotations)
    defaults = {f: cls.__dict__[f] for f in fields if f in cls.__dict__}
    body = {k: v for k, v in cls.__dict__.items()
            if k not in defaults and k not in {"__dict__", "__weakref__"}}
    body.update(__slots__=fields, _fields=fields, __match_args__=fields)
    made = type(cls.__name__, (_Node,), body)
    made.__attrs_attrs__ = tuple(  # type: ignore[attr-defined]
        attrs.Attribute(  # type: ignore[call-arg]  # the stubs lack keywords attrs takes
            f, defaults.get(f, attrs.NOTHING), validator=None, repr=True, cmp=None,
            hash=None, init=True, inherited=False, type=annotations[f], eq=True, order=False,
            alias=f)
        for f in fields)
    _PENDING.append((made, fields, defaults))
    return made


if TYPE_CHECKING:  # to the type checker (and its attrs plugin) a node class is what it was
    from attrs import frozen as _node
else:
    _node = _node_class


def _make_inits() -> None:
    """Every pending class's ``__init__(self, field, …)``, compiled together."""
    lines: list[str] = []
    scope: dict[str, object] = {"_set": object.__setattr__}
    for i, (_, fields, defaults) in enumerate(_PENDING):
        params = []
        for f in fields:
            if f in defaults:
                scope[f"_d{i}_{f}"] = defaults[f]
                params.append(f"{f}=_d{i}_{f}")
            else:
                params.append(f)
        lines.append(f"def _init{i}(self, {', '.join(params)}):")
        lines.extend(f"    _set(self, {f!r}, {f})" for f in fields)
    exec(compile("\n".join(lines) + "\n", "<paramcfg.nodes __init__>", "exec"), scope)  # noqa: S102 - our field names only
    for i, (cls, _, _) in enumerate(_PENDING):
        init = scope[f"_init{i}"]
        init.__qualname__ = f"{cls.__qualname__}.__init__"  # type: ignore[attr-defined]
        cls.__init__ = init  # type: ignore[misc]
    _PENDING.clear()


# ---- literals and values ---------------------------------------------------------------


@_node
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


@_node
class Member:
    """A bare name used as a value: an enum member such as ``3号`` or ``コンビニ``."""

    name: str
    span: Span


@_node
class ListValue:
    items: tuple[Value, ...]
    span: Span


@_node
class FieldValue:
    name: str
    name_span: Span
    value: Value
    span: Span


@_node
class RecordValue:
    fields: tuple[FieldValue, ...]
    span: Span


@_node
class KeyOp:
    """``<``, ``>=`` or ``..<`` in a grid's key cell."""

    op: str
    span: Span


CellItem: TypeAlias = "Lit | Member | KeyOp"


@_node
class Cell:
    items: tuple[CellItem, ...]
    span: Span


@_node
class Row:
    cells: tuple[Cell, ...]
    span: Span


@_node
class Grid:
    """A table written as pipe-separated rows; the first row is the header."""

    rows: tuple[Row, ...]
    span: Span


Value: TypeAlias = "Lit | Member | ListValue | RecordValue | Grid"

# ---- types -------------------------------------------------------------------------------


@_node
class SimpleType:
    name: str  # int decimal yen rate bool date monthday
    span: Span


@_node
class TextType:
    width: int | None
    span: Span


@_node
class ListType:
    element: TypeExpr
    span: Span


@_node
class Axis:
    """A table axis: ``所得割額 : yen`` (brackets) or ``認定区分`` (categories of an enum)."""

    name: str
    type: TypeExpr | None
    span: Span


@_node
class TableType:
    axes: tuple[Axis, ...]
    value: TypeExpr
    span: Span


@_node
class ScaleType:
    key: Axis
    value: TypeExpr
    span: Span


@_node
class NamedType:
    name: str
    span: Span


TypeExpr: TypeAlias = "SimpleType | TextType | ListType | TableType | ScaleType | NamedType"

# ---- expressions (rules and constraints) ---------------------------------------------------


@_node
class Ref:
    name: str
    span: Span


@_node
class Call:
    name: str
    args: tuple[Expr, ...]
    span: Span


@_node
class Lambda:
    param: str
    body: Expr
    span: Span


@_node
class Binary:
    op: str  # + - * / == != < <= > >= and or
    left: Expr
    right: Expr
    span: Span


@_node
class Unary:
    op: str  # - not
    operand: Expr
    span: Span


@_node
class If:
    cond: Expr
    then: Expr
    else_: Expr
    span: Span


@_node
class Let:
    name: str
    value: Expr
    body: Expr
    span: Span


@_node
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


@_node
class Clause:
    """A declaration clause: ``default``, ``required``, ``fixed``, ``min``, ``max``,
    ``increasing``/``decreasing`` (``arg`` is the axis name), ``when`` (``arg`` is
    (parameter, (member, …)): ``when P == M`` gives one member, ``when P in [M, N]``
    several), ``label``, ``basis``."""

    kind: str
    arg: Value | Expr | str | tuple[str, tuple[str, ...]] | None
    span: Span


@_node
class CoreHeader:
    name: str
    version: str
    span: Span
    version_span: Span
    #: ``law through DATE``: the last date the core's law is known complete for.
    horizon: Lit | None = None


@_node
class TenantHeader:
    """``tenant "町名" code 085421``, or ``prefecture "茨城県" code 080004`` (``kind``)."""

    name: str
    code: str
    span: Span
    code_span: Span
    kind: str = "tenant"  # "tenant" | "prefecture"


@_node
class Within:
    """``within "茨城県"``: the town's prefecture layer, by the prefecture profile's name."""

    name: str
    span: Span
    name_span: Span


@_node
class Uses:
    core: str
    op: str | None
    version: str | None
    span: Span
    version_span: Span | None


@_node
class EnumMember:
    name: str
    label: str | None
    span: Span


@_node
class EnumDecl:
    name: str
    members: tuple[EnumMember, ...]
    clauses: tuple[Clause, ...]
    span: Span
    name_span: Span


@_node
class FieldDecl:
    name: str
    type: TypeExpr
    clauses: tuple[Clause, ...]
    span: Span


@_node
class RecordDecl:
    name: str
    fields: tuple[FieldDecl, ...]
    clauses: tuple[Clause, ...]
    span: Span
    name_span: Span


@_node
class TypeDecl:
    name: str
    type: TypeExpr
    clauses: tuple[Clause, ...]
    span: Span
    name_span: Span


@_node
class InputDecl:
    name: str
    type: TypeExpr
    clauses: tuple[Clause, ...]
    span: Span
    name_span: Span


@_node
class ParamDecl:
    name: str
    type: TypeExpr
    clauses: tuple[Clause, ...]
    span: Span
    name_span: Span


@_node
class RuleParam:
    name: str
    type: TypeExpr
    span: Span


@_node
class RuleDecl:
    name: str
    params: tuple[RuleParam, ...]
    type: TypeExpr
    body: Expr
    clauses: tuple[Clause, ...]
    span: Span
    name_span: Span


@_node
class FromDecl:
    date: Lit
    span: Span


@_node
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


@_node
class Comment:
    """A comment line, kept so that ``fmt`` can put it back."""

    text: str
    span: Span


@_node
class SourceFile:
    """A parsed file: its statements in order, and its comments."""

    path: str
    text: str
    statements: tuple[Statement, ...]
    comments: tuple[Comment, ...] = ()
    #: Names of assignments that could not be parsed: set, if wrongly, so not "missing" too.
    broken: frozenset[str] = frozenset()


_make_inits()

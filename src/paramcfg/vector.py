"""The vectorised kernel of :mod:`paramcfg.columnar`: a folded rule over numpy columns, exactly.

Only what is exact in int64 is vectorised: whole yen and counts, booleans and enum members (as
codes); ``+ - *`` with an overflow guard, bracket look-ups by ``searchsorted``, category axes by
member codes, conditionals by ``where``, ``floor`` of whole numbers and ``round(x × rate,
unit)`` in integer arithmetic exactly as :func:`paramcfg.runtime.rate_rounder` does.  Anything
else (a Decimal, a date, a list, a record) raises :class:`Unsupported` once per rule, and the
caller keeps the compiled row loop for that rule.

Every value is a pair ``(array, bad)``: ``bad`` marks the rows for which the scalar path would
raise, or might compute differently (an amount beyond what the kernel handles exactly).  Those
rows are handed back to the compiled entry, one by one, which gives their exact value or their
exact error: the kernel never guesses.  A conditional marks a branch's bad rows only where the
branch is taken.

An intermediate value whose magnitude could reach 2**62 raises :class:`Overflow`: the whole
batch then runs through the row loop, whose Python ints are unbounded.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

import numpy as np

from paramcfg import rules as r
from paramcfg import runtime as rt
from paramcfg import types as t
from paramcfg import values as v
from paramcfg.tables import Table

if TYPE_CHECKING:
    from collections.abc import Mapping

    from paramcfg.model import Resolved

__all__ = ["LIMIT", "Kernel", "Overflow", "Unsupported", "input_column"]

#: Every array value stays strictly within ±LIMIT, so that ``a + b`` and ``abs`` never wrap.
LIMIT: Final = 2**62

_Value = tuple[Any, Any]  # (numpy array or 0-d array, bool array of bad rows or None)


class Unsupported(Exception):  # noqa: N818 - control flow: this rule stays in the row loop
    """The rule uses something the kernel does not compute exactly."""


class Overflow(Exception):  # noqa: N818 - control flow: this batch goes to the row loop
    """An intermediate value could leave int64 for this batch's data."""


def _whole(ty: t.Type) -> bool:
    return isinstance(ty, t.YenType | t.IntType)


def _magnitude(a: Any) -> int:  # noqa: ANN401 - a numpy array
    """The largest absolute value in ``a`` (two reductions, no temporary array)."""
    if not a.size:
        return 0
    return max(int(a.max()), -int(a.min())) if a.dtype.kind == "i" else int(a.max())


def _guard(a: Any) -> Any:  # noqa: ANN401 - a numpy array
    if _magnitude(a) >= LIMIT:
        raise Overflow
    return a


def _or(*bads: Any) -> Any:  # noqa: ANN401 - bool arrays or None
    found = [b for b in bads if b is not None]
    if not found:
        return None
    out = found[0]
    for b in found[1:]:
        out = out | b
    return out


def input_column(ty: t.Type, column: Any) -> tuple[Any, Any] | None:  # noqa: ANN401
    """``(array, ok)`` for one input column (a list of Python values or a numpy array): ``ok``
    marks the values the compiled entry's own check returns unchanged, so that the kernel may
    use them (``None``: every row); the other rows are the row loop's.  ``None`` if values of
    ``ty`` are not vectorised."""
    if isinstance(column, np.ndarray):
        return _array_column(ty, column)
    n = len(column)
    if _whole(ty):
        limit = min(v.INPUT_BOUND, LIMIT)
        if set(map(type, column)) <= {int} and (not n or (-limit < min(column)
                                                          and max(column) < limit)):
            return np.fromiter(column, np.int64, n), None
        ok = [type(v) is int and -limit < v < limit for v in column]
        values = [v if good else 0 for v, good in zip(column, ok, strict=True)]
        return np.array(values, dtype=np.int64), np.array(ok, dtype=bool)
    if isinstance(ty, t.BoolType):
        if set(map(type, column)) <= {bool}:
            return np.fromiter(column, bool, n), None
        ok = [type(v) is bool for v in column]
        return np.array([v is True for v in column], dtype=bool), np.array(ok, dtype=bool)
    if isinstance(ty, t.EnumType):
        codes = {m: i for i, m in enumerate(ty.members)}
        try:
            fast = set(map(type, column)) <= {str} and set(column) <= codes.keys()
        except TypeError:  # an unhashable value
            fast = False
        if fast:
            return np.fromiter(map(codes.__getitem__, column), np.int64, n), None
        ok = [type(v) is str and v in codes for v in column]
        return (np.array([codes[v] if good else 0 for v, good in zip(column, ok, strict=True)],
                         dtype=np.int64), np.array(ok, dtype=bool))
    return None


def _array_column(ty: t.Type, column: Any) -> tuple[Any, Any] | None:  # noqa: ANN401
    """:func:`input_column` of a numpy array of integers, booleans or strings: as its
    ``tolist()`` values would be checked, without leaving numpy."""
    kind = column.dtype.kind
    n = len(column)
    none = np.zeros(n, dtype=bool)
    if _whole(ty):
        if kind not in "iu":
            return np.zeros(n, dtype=np.int64), none  # a bool is not a number: the row loop's
        limit = min(v.INPUT_BOUND, LIMIT)
        if n and not (-limit < int(column.min()) and int(column.max()) < limit):
            ok = (column > -limit) & (column < limit)
            return np.where(ok, column, 0).astype(np.int64), ok
        return column.astype(np.int64, copy=False), None
    if isinstance(ty, t.BoolType):
        return (column, None) if kind == "b" else (np.zeros(n, dtype=bool), none)
    if isinstance(ty, t.EnumType):
        if kind != "U":
            return np.zeros(n, dtype=np.int64), none
        if len(ty.members) <= 16:  # a comparison per member beats a search among strings
            # Each string as its UCS-4 code points (no string comparison): a member matches
            # where every code point does, the padding NULs included.
            width = column.dtype.itemsize // 4
            points = np.ascontiguousarray(column).view(np.uint32).reshape(n, width)
            codes = np.zeros(n, dtype=np.int64)
            ok = np.zeros(n, dtype=bool)
            for code, member in enumerate(ty.members):
                if len(member) > width:
                    continue
                target = np.array([member], dtype=column.dtype).view(np.uint32)
                hit = points[:, 0] == target[0]
                for j in range(1, width):
                    hit &= points[:, j] == target[j]
                codes[hit] = code
                ok |= hit
            return codes, None if ok.all() else ok
        members = np.array(ty.members)
        order = np.argsort(members)
        place = np.searchsorted(members[order], column)
        place = np.minimum(place, len(members) - 1)
        ok = members[order][place] == column
        codes = order[place].astype(np.int64)
        return codes, None if ok.all() else ok
    return None


def _bracket_index(lows: Any, key: Any) -> Any:  # noqa: ANN401 - numpy arrays
    """``bisect_right(lows, key) - 1`` for each key: the number of lows at or below it, less
    one.  A few brackets are counted with one comparison each (no branch per key), more are
    searched."""
    if len(lows) > 24:
        return np.searchsorted(lows, key, side="right") - 1
    index = np.full(np.shape(key), -1, dtype=np.int64)
    for low in lows.tolist():
        index += key >= low
    return index


class Kernel:
    """One folded rule (with the folded rules it calls) as numpy operations."""

    def __init__(self, rules: Mapping[str, r.TypedRule], values: Mapping[str, Resolved],
                 rule: str) -> None:
        self.rules = rules
        self.values = values
        self.rule = rules[rule]
        self.tables: dict[str, tuple[Any, ...]] = {}

    def run(self, inputs: Mapping[str, Any], n: int) -> tuple[list[object], Any]:
        """The rule's values (Python ints, bools or member names) and its bad rows."""
        self.n = n
        self.inputs = inputs
        value, bad = self.ev(self.rule.body, {})
        value = np.broadcast_to(value, (n,))
        ty = self.rule.type
        if isinstance(ty, t.EnumType):
            members = ty.members
            out: list[object] = [members[c] for c in value.tolist()]
        else:
            out = value.tolist()
        if bad is not None:
            bad = np.broadcast_to(bad, (n,))
        return out, bad

    # -- expressions
    def ev(self, node: r.IR, env: Mapping[str, _Value]) -> _Value:
        if isinstance(node, r.Const):
            return self.const(node.value, node.type), None
        if isinstance(node, r.InputRef):
            found = self.inputs.get(node.name)
            if found is None:
                raise Unsupported(node.name)
            return found, None
        if isinstance(node, r.LocalRef):
            return env[node.name]
        if isinstance(node, r.ParamRef):  # no value on this date: every row that reaches it fails
            return self.nothing(node.type)
        if isinstance(node, r.LetIn):  # evaluated even where the body does not use it
            value = self.ev(node.value, env)
            body, bad = self.ev(node.body, {**env, node.name: value})
            return body, _or(value[1], bad)
        if isinstance(node, r.RuleCall):
            callee = self.rules[node.rule]
            args = {p: self.ev(a, env) for (p, _), a in zip(callee.params, node.args, strict=True)}
            return self.ev(callee.body, args)
        if isinstance(node, r.Arith):
            return self.arith(node, env)
        if isinstance(node, r.Neg) and _whole(node.type):
            x, bad = self.ev(node.operand, env)
            return -x, bad
        if isinstance(node, r.Compare):
            return self.compare(node, env)
        if isinstance(node, r.Logic):
            (a, bad_a), (b, bad_b) = self.ev(node.left, env), self.ev(node.right, env)
            if node.op == "and":  # the right side is evaluated only where the left is true
                return a & b, _or(bad_a, None if bad_b is None else a & bad_b)
            return a | b, _or(bad_a, None if bad_b is None else ~a & bad_b)
        if isinstance(node, r.Not):
            x, bad = self.ev(node.operand, env)
            return ~x, bad
        if isinstance(node, r.Cond):
            (c, bad_c), (a, bad_a), (b, bad_b) = (self.ev(x, env)
                                                  for x in (node.cond, node.then, node.else_))
            bad = None
            if bad_a is not None or bad_b is not None:
                bad = np.where(c, False if bad_a is None else bad_a,
                               False if bad_b is None else bad_b)
            return np.where(c, a, b), _or(bad_c, bad)
        if isinstance(node, r.TableLookup):
            return self.lookup(node, env)
        if isinstance(node, r.FieldGet):
            # A field of a table of records' look-up (``介護.本人課税段階.段階``, a rule without
            # arguments whose body is the look-up): a look-up in that field's column.
            obj = node.obj
            if isinstance(obj, r.RuleCall) and not obj.args:
                obj = self.rules[obj.rule].body
            if not isinstance(obj, r.TableLookup):
                raise Unsupported("FieldGet")
            return self.lookup(obj, env if obj is node.obj else {}, field=node.field)
        if isinstance(node, r.RoundTo):
            return self.round(node, env)
        if isinstance(node, r.FloorQuotient):  # floor(a / b, unit) of whole numbers
            if type(node.unit) is not int or not 0 < node.unit < LIMIT:
                raise Unsupported("unit")
            return self.floor_quotient(node.dividend, node.divisor, node.unit, env)
        if isinstance(node, r.Extremum) and _whole(node.type):
            pairs = [self.ev(a, env) for a in node.args]
            fn = np.minimum if node.op == "min" else np.maximum
            out = pairs[0][0]
            for x, _ in pairs[1:]:
                out = fn(out, x)
            return out, _or(*(b for _, b in pairs))
        if isinstance(node, r.Clamp) and _whole(node.type):
            (x, bx), (lo, bl), (hi, bh) = (self.ev(a, env) for a in (node.operand, node.low, node.high))
            return np.minimum(np.maximum(x, lo), hi), _or(bx, bl, bh)
        raise Unsupported(type(node).__name__)

    def const(self, value: object, ty: t.Type) -> Any:  # noqa: ANN401 - a 0-d array
        if type(value) is bool:
            return np.asarray(value)
        if type(value) is int:
            if not -LIMIT < value < LIMIT:
                raise Overflow
            return np.asarray(value, dtype=np.int64)
        if type(value) is str and isinstance(ty, t.EnumType) and value in ty.members:
            return np.asarray(ty.members.index(value), dtype=np.int64)
        raise Unsupported(type(value).__name__)

    def nothing(self, ty: t.Type) -> _Value:
        if not (_whole(ty) or isinstance(ty, t.BoolType | t.EnumType)):
            raise Unsupported(str(ty))
        zero = np.zeros((), dtype=bool) if isinstance(ty, t.BoolType) else np.asarray(0, dtype=np.int64)
        return zero, np.ones(self.n, dtype=bool)

    def arith(self, node: r.Arith, env: Mapping[str, _Value]) -> _Value:
        if not (_whole(node.left.type) and _whole(node.right.type)) or node.op == "/":
            raise Unsupported(node.op)
        (a, bad_a), (b, bad_b) = self.ev(node.left, env), self.ev(node.right, env)
        bad = _or(bad_a, bad_b)
        if node.op == "*":
            if _magnitude(a) * _magnitude(b) >= LIMIT:
                raise Overflow
            return a * b, bad
        return _guard(a + b if node.op == "+" else a - b), bad

    def compare(self, node: r.Compare, env: Mapping[str, _Value]) -> _Value:
        lt, rt_ = node.left.type, node.right.type
        if isinstance(lt, t.EnumType) or isinstance(rt_, t.EnumType):
            if not (isinstance(lt, t.EnumType) and isinstance(rt_, t.EnumType)
                    and lt.members == rt_.members and node.op in {"==", "!="}):
                raise Unsupported(node.op)
        elif not ((_whole(lt) and _whole(rt_))
                  or (isinstance(lt, t.BoolType) and isinstance(rt_, t.BoolType))):
            raise Unsupported(node.op)
        (a, bad_a), (b, bad_b) = self.ev(node.left, env), self.ev(node.right, env)
        ops = {"==": np.equal, "!=": np.not_equal, "<": np.less, "<=": np.less_equal,
               ">": np.greater, ">=": np.greater_equal}
        if node.op not in ops:
            raise Unsupported(node.op)
        return ops[node.op](a, b), _or(bad_a, bad_b)

    def lookup(self, node: r.TableLookup, env: Mapping[str, _Value], field: str | None = None,
               ) -> _Value:
        """A look-up, or with ``field`` the look-up of that field of a table of records."""
        resolved = self.values.get(node.param)
        if resolved is None or not isinstance(resolved.value, Table):
            return self.nothing(node.type)
        table = resolved.value
        if field is None:
            cells, lows, sizes = self.table(node.param, table)
        else:
            cells, lows, sizes = self.table(f"{node.param}\x00{field}",
                                            table.map(lambda c: c.get(field)))
        flat: Any = np.asarray(0, dtype=np.int64)
        bads = []
        stride = 1
        keyed = [self.ev(k, env) for k in node.keys]
        for i in reversed(range(len(sizes))):
            axis, size, (key, bad) = table.axes[i], sizes[i], keyed[i]
            bads.append(bad)
            if axis.is_bracket:
                # As the compiled code: a negative key fails; a key below the first low
                # takes index -1, the last bracket (Python's negative index).
                if key.size and int(key.min()) < 0:
                    bads.append(key < 0)
                index: Any = _bracket_index(lows, key)
                if index.size and int(index.min()) < 0:
                    index = np.where(index < 0, index + size, index)
            else:
                key_type = node.keys[i].type
                if not (isinstance(axis.key, t.EnumType) and isinstance(key_type, t.EnumType)
                        and key_type.members == axis.key.members):
                    raise Unsupported("axis")
                index = key
            flat = flat + index * stride
            stride *= size
        return cells[flat], _or(*bads)

    def table(self, name: str, table: Table) -> tuple[Any, ...]:
        found = self.tables.get(name)
        if found is None:
            if not all(type(c) is int and -LIMIT < c < LIMIT for c in table.cells):
                raise Unsupported("cells")
            sizes = []
            lows: Any = None
            for axis in table.axes:
                if axis.is_bracket:
                    assert table.brackets is not None  # noqa: S101 - a bracket axis
                    if not all(type(x) is int and -LIMIT < x < LIMIT for x in table.brackets.lows):
                        raise Unsupported("lows")
                    lows = np.array(table.brackets.lows, dtype=np.int64)
                    sizes.append(len(table.brackets.lows))
                elif isinstance(axis.key, t.EnumType):
                    sizes.append(len(axis.key.members))
                else:
                    raise Unsupported("axis")
            found = (np.array(table.cells, dtype=np.int64), lows, sizes)
            self.tables[name] = found
        return found

    def round(self, node: r.RoundTo, env: Mapping[str, _Value]) -> _Value:
        op, unit = node.operand, node.unit
        if type(unit) is not int or not 0 < unit < LIMIT:
            raise Unsupported("unit")
        if node.mode == "floor" and _whole(op.type):
            x, bad = self.ev(op, env)
            return x // unit * unit, bad
        if node.mode == "floor" and isinstance(op, r.Arith) and op.op == "/" \
                and _whole(op.left.type) and _whole(op.right.type):
            return self.floor_quotient(op.left, op.right, unit, env)
        if isinstance(op, r.Arith) and op.op == "*":
            for rate, x in ((op.right, op.left), (op.left, op.right)):
                if isinstance(rate, r.Const) and type(rate.value) is Decimal and _whole(x.type):
                    return self.rate(node.mode, rate.value, unit, self.ev(x, env))
        raise Unsupported("round")

    def floor_quotient(self, dividend: r.IR, divisor: r.IR, unit: int,
                       env: Mapping[str, _Value]) -> _Value:
        """``a // (b * unit) * unit``, as :func:`runtime.floor_quotient`; a zero divisor is
        the row loop's ("division by zero")."""
        (a, bad_a), (b, bad_b) = self.ev(dividend, env), self.ev(divisor, env)
        if _magnitude(b) * unit >= LIMIT:
            raise Overflow
        zero = b == 0
        step = np.where(zero, 1, b) * unit
        return a // step * unit, _or(bad_a, bad_b, zero if zero.any() else None)

    def rate(self, mode: str, rate: Decimal, unit: int, operand: _Value) -> _Value:
        """``round(x × rate, unit)`` as :func:`runtime.rate_rounder` computes it: in integers
        for ``|x| < limit``; beyond, the rows are the row loop's (its Decimal path)."""
        if rt.rate_rounder(mode, rate, unit) is None:
            raise Unsupported("rate")
        _, digits, _ = rate.as_tuple()
        coefficient = int("".join(map(str, digits)))
        limit = 10 ** (rt._EXACT_DIGITS - 1) // max(coefficient, 1)  # noqa: SLF001 - the same bound
        num, den = rate.as_integer_ratio()
        step = den * unit
        x, bad = operand
        if _magnitude(x) * abs(num) >= LIMIT or step >= LIMIT:
            raise Overflow
        beyond = np.abs(x) >= limit
        product = x * num
        if mode == "floor":
            out = product // step * unit
        elif mode == "ceil":
            out = -(-product // step) * unit
        else:
            q, rest = np.divmod(product, step)
            rest = rest * 2
            tie = (q >= 0) if mode == "round_half_up" else (q & 1) == 1
            out = (q + ((rest > step) | ((rest == step) & tie))) * unit
        return out, _or(bad, beyond if beyond.any() else None)

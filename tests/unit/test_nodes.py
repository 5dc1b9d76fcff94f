"""Syntax nodes behave as the frozen attrs classes they were (issue 15 made them plain slotted
classes, cheaper to create at import): the same equality, hashing, repr, freezing, pickling,
pattern matching and attrs interface (fields, has, evolve), checked against attrs twins."""

from __future__ import annotations

import copy
import pickle
from decimal import Decimal

import attrs
import pytest

from paramcfg import nodes as n
from paramcfg.diagnostics import Span

SPAN = Span("t.pcfg", 1, 5, 1, 12, 4, 11)
OTHER = Span("t.pcfg", 2, 1, 2, 3, 20, 22)


@attrs.frozen
class Lit:  # the attrs class n.Lit was
    kind: str
    value: int | Decimal | str | bool
    text: str
    span: Span


@attrs.frozen
class Assignment:  # n.Assignment as it was (a default)
    name: str
    name_span: Span
    value: object
    span: Span
    review: bool = False


def test_equality_hash_and_repr_are_attrs() -> None:
    mine, twin = n.Lit("yen", 48600, "48,600円", SPAN), Lit("yen", 48600, "48,600円", SPAN)
    assert repr(mine) == repr(twin)
    assert mine == n.Lit("yen", 48600, "48,600円", SPAN)
    assert hash(mine) == hash(n.Lit("yen", 48600, "48,600円", SPAN))
    assert mine != n.Lit("yen", 48600, "48,600円", OTHER)
    assert mine != n.Member("yen", SPAN)  # type: ignore[comparison-overlap]
    assert (mine == twin) is False  # type: ignore[comparison-overlap]  # another class
    # Fields compare as Python compares them, as attrs' generated __eq__ does (1 == Decimal(1)).
    assert (n.Lit("number", 1, "1", SPAN) == n.Lit("number", Decimal(1), "1", SPAN)) is \
        (Lit("number", 1, "1", SPAN) == Lit("number", Decimal(1), "1", SPAN)) is True
    assert len({mine, n.Lit("yen", 48600, "48,600円", SPAN), n.Member("x", SPAN)}) == 2


def test_defaults_keywords_and_positional_calls() -> None:
    a = n.Assignment("x", SPAN, n.Member("y", OTHER), SPAN)
    assert a.review is False
    assert repr(a) == repr(Assignment("x", SPAN, n.Member("y", OTHER), SPAN))
    b = n.Assignment(name="x", name_span=SPAN, value=a.value, span=SPAN, review=True)
    assert b.review is True
    assert b != a
    with pytest.raises(TypeError):
        n.Lit("yen", 1, "1")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        n.Lit("yen", 1, "1", SPAN, SPAN)  # type: ignore[call-arg]


def test_frozen() -> None:
    lit = n.Lit("yen", 1, "1円", SPAN)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        lit.kind = "number"  # type: ignore[misc]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        del lit.kind
    with pytest.raises(AttributeError):
        lit.other = 1  # type: ignore[attr-defined]


def test_the_attrs_interface() -> None:
    lit = n.Lit("yen", 1, "1円", SPAN)
    assert attrs.has(type(lit))
    assert [f.name for f in attrs.fields(n.Lit)] == ["kind", "value", "text", "span"]
    assert [f.default for f in attrs.fields(n.Assignment)][-1] is False
    moved = attrs.evolve(lit, span=OTHER)
    assert moved == n.Lit("yen", 1, "1円", OTHER)
    assert attrs.asdict(n.Member("x", SPAN), recurse=False) == {"name": "x", "span": SPAN}


def test_pickle_and_copy() -> None:
    rule = n.Binary("+", n.Ref("a", SPAN), n.Lit("yen", 1, "1円", OTHER), SPAN)
    assert pickle.loads(pickle.dumps(rule)) == rule  # noqa: S301 - our own bytes
    assert copy.deepcopy(rule) == rule
    assert copy.copy(rule) == rule


def test_pattern_matching() -> None:
    match n.Assignment("x", SPAN, n.Lit("yen", 1, "1円", OTHER), SPAN):
        case n.Assignment(name, _, n.Lit(kind="yen", value=value)):
            assert (name, value) == ("x", 1)
        case _:
            pytest.fail("no match")

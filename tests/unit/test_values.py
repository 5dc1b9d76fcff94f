"""One owner per fact: the value ↔ text route, the bracket merger and the timeline resolver."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from helpers import CORE_DIR, PROFILES
from hypothesis import given, settings
from hypothesis import strategies as st

from paramcfg import nodes as n
from paramcfg import types
from paramcfg.diagnostics import Span
from paramcfg.engine import check_profile, load_core
from paramcfg.model import Timeline, resolve
from paramcfg.syntax import parse_text
from paramcfg.tables import Brackets, merged_brackets
from paramcfg.values import format_typed, quote

# ---- quote: every quoted string reads back as the same text ---------------------------------


def _read_back(text: str) -> str:
    parsed = parse_text(f"tenant {quote(text)} code 085421\n", "<quote>")
    assert not parsed.diagnostics, (text, parsed.diagnostics)
    (header,) = parsed.file.statements
    assert isinstance(header, n.TenantHeader)
    return header.name


@pytest.mark.parametrize("text", [
    "常陸大宮市", 'say "hi"', "back\\slash", "a\\nb", "line\nbreak", "tab\there", "\\", '"',
    '\\"', "",
])
def test_quote_reads_back_as_the_same_text(text):
    assert _read_back(text) == text


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\r")
               | st.sampled_from(["\n", "\t", "\\", '"'])))
def test_any_quoted_text_reads_back(text):
    assert _read_back(text) == text


def test_the_escaping_scaffold_used_to_miss_is_needed():
    """A newline written raw would end the string: the parser refuses it."""
    parsed = parse_text('tenant "line\nbreak" code 085421\n', "<quote>")
    assert parsed.diagnostics
    assert quote("line\nbreak") == '"line\\nbreak"'


# ---- the bracket merger ------------------------------------------------------------------------


def _brackets(lows: list[int]) -> Brackets:
    highs = (*lows[1:], None)
    return Brackets(tuple(lows), highs, tuple(Span.point("<t>") for _ in lows))


def test_merged_brackets_by_example():
    a = _brackets([0, 100, 300])
    b = _brackets([0, 200])
    assert merged_brackets(a, b) == [
        (0, 100, 0, 0), (100, 200, 1, 0), (200, 300, 1, 1), (300, None, 2, 1)]


@settings(max_examples=200, deadline=None)
@given(st.sets(st.integers(1, 60), max_size=12), st.sets(st.integers(1, 60), max_size=12))
def test_merged_brackets_agree_with_a_point_by_point_lookup(a_rest, b_rest):
    a, b = _brackets([0, *sorted(a_rest)]), _brackets([0, *sorted(b_rest)])
    merged = merged_brackets(a, b)
    assert [m[0] for m in merged] == sorted({0, *a_rest, *b_rest})
    for low, high, i, j in merged:
        assert high is None or low < high
        for key in range(int(low), 62 if high is None else int(high)):  # every key of the range
            assert (a.index(key), b.index(key)) == (i, j)


# ---- the timeline resolver ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def core():
    return load_core(CORE_DIR)


def test_a_timeline_stepped_forward_agrees_with_resolve_on_each_date(core):
    for path in PROFILES:
        profile = check_profile(path, core).profile
        assert profile is not None
        dates = sorted({b.date for b in (*core.core.blocks, *profile.blocks)})
        dates = [dates[0] - dt.timedelta(days=1), *dates, dates[-1] + dt.timedelta(days=400)]
        timeline = Timeline(core.core, profile)
        seen_profile_value = False
        for on in dates:
            stepped = timeline.as_of(on)
            fresh = resolve(core.core, profile, on)
            assert stepped == fresh
            assert list(stepped) == list(fresh)
            seen_profile_value |= any(r.origin == "profile" for r in stepped.values())
        assert seen_profile_value


def test_a_later_block_replaces_an_earlier_one(core):
    profile = check_profile(PROFILES[0], core).profile
    assert profile is not None
    assert len(profile.blocks) >= 1
    first = profile.blocks[0]
    before = resolve(core.core, profile, first.date - dt.timedelta(days=1))
    after = resolve(core.core, profile, first.date)
    for a in first.assignments:
        assert after[a.name].origin == "profile"
        assert after[a.name].since == first.date
        assert before.get(a.name) is None or before[a.name].origin != "profile"


def test_a_timeline_does_not_step_back(core):
    timeline = Timeline(core.core, None)
    timeline.as_of(dt.date(2025, 4, 1))
    with pytest.raises(ValueError, match="only steps forward"):
        timeline.as_of(dt.date(2024, 4, 1))


# ---- moved names ---------------------------------------------------------------------------------


def test_moved_names_still_answer_from_types():
    assert types.format_typed is format_typed
    assert types.format_typed(Decimal("0.014"), types.RateType()) == "1.4%"
    assert types.Converter.__module__ == "paramcfg.convert"
    with pytest.raises(AttributeError):
        _ = types.no_such_name

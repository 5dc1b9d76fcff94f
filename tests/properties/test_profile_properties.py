"""Property-based tests.

(a) Profiles generated from a core's declarations, inside every declared limit, check clean.
(b) Damaged profiles (text and bytes) never make the pipeline raise: every outcome is a
    result with diagnostics whose spans lie in the text and whose messages render.
(c) Every resolved value is exact (int, Decimal, bool, str, date, MonthDay; never a float),
    and is the value the generated profile wrote.

Example counts scale with PARAMCFG_HYPOTHESIS_EXAMPLES (default 100); with CI set the runs
are derandomized.
"""

from __future__ import annotations

import datetime as dt
import string
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from gen.literals import municipality_codes
from gen.mutations import mutated_bytes, mutated_text
from gen.profiles import exactly_equal, plain, profile_cases, profiles
from gen.settings import property_settings
from helpers import PROFILES, ROOT
from hypothesis import assume, given, note
from hypothesis import strategies as st

from paramcfg.check import check_code
from paramcfg.diagnostics import CODES, Diagnostic, Span, render_json, render_text
from paramcfg.engine import check_profile_text, load_core
from paramcfg.model import resolve
from paramcfg.source import decode
from paramcfg.syntax import parse_text
from paramcfg.tables import Table
from paramcfg.types import MonthDay, RecordValue

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from paramcfg.diagnostics import Diagnostic
    from paramcfg.engine import CheckResult, CoreResult

CORE_FIXTURES = ["core", "golden_core", "kitchen_core"]
MUTATION_INPUTS = [*PROFILES, ROOT / "tests" / "fixtures" / "late_joiner.pcfg"]

#: A third core with the kinds of value the two real ones lack: int, decimal, date, plain
#: text, a scale, a decimal bracket axis, a decreasing table under a ceiling that changes its
#: breakpoints by date, a bracket axis declared after a category axis between a floor table
#: and a ceiling table, a table of three category axes, lists of records and dates, and
#: limits that refer to parameters a profile may set.
KITCHEN_CORE = """\
core "kitchen" version 1.2.3

# Every kind of value the generator can write, for the property tests.
enum 区分 { 甲, 乙, 丙 }
enum 種別 { 1級地, 2級地 }
enum 曜日 { 月曜, 火曜 }

record 連絡先 {
  名前 : text(10)
  電話 : text
  件数 : int default 1
  開始 : date
  率   : rate default 0.5%
  区分 : 区分
}

type 段階表 = table[所得 : int, 区分] of decimal

param 整数 : int
  required
  min -5
  max 1,000

param 小数 : decimal
  default 1.5
  min 0
  max 1000.25

param 係数 : decimal
  default 1
  min 0
  max 2 * 小数

param 件数上限 : int
  default 1000
  min 整数

param 日付 : date
  default 2024-04-01

param 文章 : text
  default "あ"

param 税率表 : scale[課税所得 : yen] of rate
  min 0%
  max 45%
  default
    | 課税所得       | 率  |
    | < 1,950,000円  | 5%  |
    | >= 1,950,000円 | 10% |

param 上限表 : 段階表
  fixed
  default
    | 所得     |  甲 |   乙 |   丙 |
    | < 100    | 9.5 | 8.25 |    7 |
    | < 1,000  |   6 |    5 |    4 |
    | >= 1,000 |   3 |  2.5 |    2 |

param 段階 : 段階表
  min -1
  max 上限表
  decreasing along 所得
  default
    | 所得  | 甲 | 乙 | 丙 |
    | >= 0  |  0 |  0 |  0 |

param 比率表 : table[比率 : decimal] of int
  default
    | 比率 | 値 |
    | >= 0 |  1 |

param 三軸 : table[区分, 種別, 曜日] of yen
  min 0円
  max 10,000円
  default
    | 区分 | 種別  | 曜日 | 額  |
    | 甲   | 1級地 | 月曜 | 1円 |
    | 甲   | 1級地 | 火曜 | 1円 |
    | 甲   | 2級地 | 月曜 | 1円 |
    | 甲   | 2級地 | 火曜 | 1円 |
    | 乙   | 1級地 | 月曜 | 1円 |
    | 乙   | 1級地 | 火曜 | 1円 |
    | 乙   | 2級地 | 月曜 | 1円 |
    | 乙   | 2級地 | 火曜 | 1円 |
    | 丙   | 1級地 | 月曜 | 1円 |
    | 丙   | 1級地 | 火曜 | 1円 |
    | 丙   | 2級地 | 月曜 | 1円 |
    | 丙   | 2級地 | 火曜 | 1円 |

param 連絡 : list of 連絡先
  default []

param 日付一覧 : list of date
  default []

param 負の額 : list of yen
  max -1円
  default [-1円]

param 有無 : bool
  required

# The bracket axis second in declared order, between a floor and a ceiling table that each
# have their own breakpoints.
type 逆表 = table[区分, 収入 : yen] of yen

param 逆上限 : 逆表
  fixed
  default
    | 収入       |    甲 |    乙 |    丙 |
    | < 1,000円  | 100円 | 200円 | 300円 |
    | < 5,000円  | 400円 | 500円 | 600円 |
    | >= 5,000円 | 700円 | 800円 | 900円 |

param 逆下限 : 逆表
  fixed
  default
    | 収入      |   甲 |   乙 |   丙 |
    | < 3,000円 | 10円 | 20円 | 30円 |
    | >= 3,000円 | 90円 | 90円 | 90円 |

param 逆料金 : 逆表
  min 逆下限
  max 逆上限
  increasing along 収入
  default
    | 収入       |    甲 |    乙 |    丙 |
    | < 3,000円  | 100円 | 200円 | 300円 |
    | >= 3,000円 | 400円 | 500円 | 600円 |

from 2026-01-01
  上限表 =
    | 所得    | 甲 |  乙 |   丙 |
    | < 500   |  5 | 4.5 |    4 |
    | >= 500  |  3 |   2 | 1.75 |
"""


@pytest.fixture(scope="module")
def kitchen_core(tmp_path_factory) -> CoreResult:
    path = tmp_path_factory.mktemp("kitchen") / "kitchen.pcore"
    path.write_text(KITCHEN_CORE, encoding="utf-8")
    result = load_core(path)
    assert result.ok, render_text(list(result.diagnostics), result.sources)
    return result


# ---- helpers -------------------------------------------------------------------------------------


def _rendered(result: CheckResult) -> str:
    return render_text(list(result.diagnostics), result.sources, "en")


def _template_fields(template: str) -> set[str]:
    return {field.split(".")[0].split("[")[0]
            for _, field, _, _ in string.Formatter().parse(template) if field}


def _assert_well_formed(diagnostics: Iterable[Diagnostic], sources: Mapping[str, str],
                        *, check_lines: bool = True) -> None:
    """Known codes, spans inside the text, every message field filled, rendering works."""
    diagnostics = list(diagnostics)
    for d in diagnostics:
        assert d.code in CODES, d
        span = d.span
        assert span.line >= 1, d
        assert span.col >= 1, d
        assert (span.end_line, span.end_col) >= (span.line, span.col), d
        for rel in d.related:
            assert rel.span.line >= 1, d
            assert rel.span.col >= 1, d
        if check_lines:
            assert span.file in sources, d
            text = sources[span.file]
            lines = text.split("\n")
            assert span.line <= len(text.splitlines()) + 1, d
            if span.line <= len(lines):
                assert span.col <= len(lines[span.line - 1]) + 1, (d, lines[span.line - 1])
        code = CODES[d.code]
        args = set(d.args)
        # A missing argument would show the raw template: a bug in the stage that made it.
        assert _template_fields(code.message_en) | _template_fields(code.hint_en) <= args, d
        ja_args = args | {f"{k}_ja" for k in args}
        assert _template_fields(code.message_ja) | _template_fields(code.hint_ja) <= ja_args, d
    for lang in ("en", "ja"):
        render_text(diagnostics, sources, lang)
        render_json(diagnostics, lang)


_EXACT_LEAVES = (bool, int, Decimal, str, dt.date, MonthDay)


def _assert_exact(value: object, where: str) -> None:
    """No floats anywhere: only exact leaves, in tuples, records and tables."""
    if isinstance(value, tuple):
        for i, item in enumerate(value):
            _assert_exact(item, f"{where}[{i + 1}]")
    elif isinstance(value, RecordValue):
        for name, item in value.fields:
            _assert_exact(item, f"{where}.{name}")
    elif isinstance(value, Table):
        for i, cell in enumerate(value.cells):
            _assert_exact(cell, f"{where} cell {i}")
        if value.brackets is not None:
            for bound in (*value.brackets.lows, *value.brackets.highs[:-1]):
                assert isinstance(bound, int | Decimal), (where, bound)
                assert not isinstance(bound, bool), (where, bound)
            assert value.brackets.highs[-1] is None, where
    else:
        assert not isinstance(value, float), (where, value)
        assert isinstance(value, _EXACT_LEAVES), (where, type(value), value)
        assert type(value) is not dt.datetime, (where, value)
        if isinstance(value, Decimal):
            assert value.is_finite(), (where, value)


# ---- (a) generated valid profiles check clean --------------------------------------------------


@pytest.mark.parametrize("core_fixture", CORE_FIXTURES)
@property_settings()
@given(data=st.data())
def test_generated_profiles_check_clean(core_fixture, data, request):
    core = request.getfixturevalue(core_fixture)
    case = data.draw(profile_cases(core), label="profile")
    note(f"--- generated profile ---\n{case.text}")
    result = check_profile_text(case.text, core, "<generated>.pcfg")
    assert result.diagnostics == (), _rendered(result)
    assert result.ok


@pytest.mark.parametrize("core_fixture", CORE_FIXTURES)
@property_settings(0.1)
@given(data=st.data())
def test_profiles_strategy_gives_text_that_checks_clean(core_fixture, data, request):
    core = request.getfixturevalue(core_fixture)
    text = data.draw(profiles(core), label="profile text")
    note(text)
    result = check_profile_text(text, core)
    assert result.diagnostics == (), _rendered(result)


#: What a value outside its limits may cause: the limit itself, and (a table cell raised or
#: lowered) a broken monotone order, or a dependent parameter's limit (`max 2 * 小数`).
LIMIT_CODES = {"PC0302", "PC0303", "PC0507"}
FOLLOW_ON_CODES = {*LIMIT_CODES, "PC0508"}


@pytest.mark.parametrize("core_fixture", CORE_FIXTURES)
@property_settings(0.3)
@given(data=st.data())
def test_a_value_just_outside_its_limit_is_reported_where_it_is_written(core_fixture, data,
                                                                        request):
    core = request.getfixturevalue(core_fixture)
    case = data.draw(profile_cases(core), label="profile")
    assume(case.broken is not None)
    assert case.broken is not None
    note(f"--- broken profile, line {case.broken_line} ---\n{case.broken}")
    result = check_profile_text(case.broken, core, "<broken>.pcfg")
    codes = {d.code for d in result.diagnostics}
    assert codes <= FOLLOW_ON_CODES, _rendered(result)
    assert any(d.code in LIMIT_CODES and d.span.line == case.broken_line
               for d in result.diagnostics), _rendered(result)


@property_settings(0.5)
@given(code=municipality_codes())
def test_generated_codes_agree_with_the_checker(code):
    assert len(code) == 6
    assert code.isdigit()
    diags: list[Diagnostic] = []
    check_code(code, Span.point("町.pcfg"), diags)
    assert diags == []
    # and every other last digit is refused, naming the right one
    wrong = f"{code[:5]}{(int(code[5]) + 1) % 10}"
    check_code(wrong, Span.point("町.pcfg"), diags)
    assert [d.code for d in diags] == ["PC0601"]


# ---- (b) mutations never raise ------------------------------------------------------------------


@pytest.mark.parametrize("path", MUTATION_INPUTS, ids=lambda p: p.stem)
@property_settings(1.0)
@given(data=st.data())
def test_mutated_profile_text_never_raises(path, data, core):
    original = path.read_text(encoding="utf-8")
    text = data.draw(mutated_text(original), label="mutated text")
    result = check_profile_text(text, core, path.name)
    assert result.path == path.name
    assert path.name in result.sources
    _assert_well_formed(result.diagnostics, result.sources)


@pytest.mark.parametrize("core_fixture", CORE_FIXTURES)
@property_settings(0.2)
@given(data=st.data())
def test_mutated_generated_profiles_never_raise(core_fixture, data, request):
    core = request.getfixturevalue(core_fixture)
    case = data.draw(profile_cases(core), label="profile")
    text = data.draw(mutated_text(case.text), label="mutated text")
    result = check_profile_text(text, core, "<mutated>.pcfg")
    _assert_well_formed(result.diagnostics, result.sources)


@pytest.mark.parametrize("path", MUTATION_INPUTS, ids=lambda p: p.stem)
@property_settings(0.6)
@given(data=st.data())
def test_mutated_profile_bytes_never_raise(path, data, core):
    original = path.read_bytes()
    raw = data.draw(mutated_bytes(original), label="mutated bytes")
    src = decode(raw, path.name)
    if not src.ok:
        assert src.text == ""
        assert src.diagnostics, "an undecodable file must say why"
        # Spans point into bytes that never became text: only their shape can be checked.
        _assert_well_formed(src.diagnostics, {path.name: ""}, check_lines=False)
        return
    assert "\r" not in src.text
    assert src.text == "" or src.text.endswith("\n")
    _assert_well_formed(src.diagnostics, {path.name: src.text})
    parsed = parse_text(src.text, path.name)
    _assert_well_formed(parsed.diagnostics, {path.name: src.text})
    result = check_profile_text(src.text, core, path.name)
    _assert_well_formed(result.diagnostics, result.sources)


# ---- (c) exactness ---------------------------------------------------------------------------------


@pytest.mark.parametrize("core_fixture", CORE_FIXTURES)
@property_settings(0.3)
@given(data=st.data())
def test_resolved_values_are_exact_and_as_written(core_fixture, data, request):
    core = request.getfixturevalue(core_fixture)
    case = data.draw(profile_cases(core), label="profile")
    note(f"--- generated profile ---\n{case.text}")
    result = check_profile_text(case.text, core, "<generated>.pcfg")
    assert result.profile is not None, _rendered(result)
    assert core.core is not None
    first = case.blocks[0][0] if case.blocks else dt.date(2024, 4, 1)
    dates = sorted({first, *(day for day, _ in case.blocks),
                    *(b.date for b in core.core.blocks if b.date > first),
                    dt.date(2099, 12, 31)})
    for on in dates:
        resolved = resolve(core.core, result.profile, on)
        for name, r in resolved.items():
            _assert_exact(r.value, name)
        for name, (since, want) in case.expected(on).items():
            got = resolved[name]
            assert got.origin == "profile", (on, name, got)
            assert got.since == since, (on, name, got)
            assert exactly_equal(want, plain(got.value)), (on, name, want, plain(got.value))


# ---- found by the properties ----------------------------------------------------------------------

#: A bracket table under a ceiling with the same category axes but no bracket axis: the
#: language says the limit is checked "against another table with the same category axes,
#: each cell against the corresponding cell".  compare_cells used to index the ceiling with
#: the bracket table's flat cell index (IndexError, or a comparison with the wrong cell).
CATEGORY_CEILING_CORE = """\
core "cap" version 1

enum 区分 { 甲, 乙, 丙 }

param 上限 : table[区分] of yen
  fixed
  default
    | 区分 |    額 |
    | 甲   | 100円 |
    | 乙   | 200円 |
    | 丙   | 300円 |

param 料金 : table[所得 : yen, 区分] of yen
  required
  max 上限
"""


def test_bracket_table_under_a_category_ceiling_is_checked_without_raising(tmp_path):
    path = tmp_path / "cap.pcore"
    path.write_text(CATEGORY_CEILING_CORE, encoding="utf-8")
    core = load_core(path)
    assert core.ok, render_text(list(core.diagnostics), core.sources)
    profile = """\
tenant "五霞町" code 085421
uses "cap"

from 2024-04-01
  料金 =
    | 所得      |    甲 |    乙 |    丙 |
    | < 10円    | 100円 | 150円 | 300円 |
    | >= 10円   | 100円 | 200円 | 300円 |
"""
    result = check_profile_text(profile, core)
    assert result.diagnostics == (), _rendered(result)
    above = check_profile_text(profile.replace("| 100円 | 200円 |", "| 100円 | 250円 |"), core)
    # The 乙 cell of the `>= 10円` row (line 8) is above its ceiling of 200円.
    assert [(d.code in {"PC0303", "PC0507"}, d.span.line) for d in above.diagnostics] == [
        (True, 8)], _rendered(above)

"""Known answers for the options of issue 17 item 3: the LTC premium rounded up (円未満切上げ,
十円未満切上げ, 百円未満切上げ), checked against the amounts two cities publish, and the NHI
household with a member whose income was not declared (所得未申告: no 7/5/2割 reduction).

Every expected value is worked out by hand from the law, the ordinance or the city's page and
the profile's figures; the working is in the comment above each case.  The library never
computes an expected value.  Each case runs compiled and interpreted (``assert_known_answer``).

The two cities are test-only fixtures: a sample profile (那珂市 for FY2024, かすみがうら市 for
FY2023, whose first blocks cover those years) with its header and its LTC lines replaced by the
city's (``ltc_city``).  Built from a sample profile rather than kept as a separate file, a fixture
needs nothing new when the core gains a required parameter, and it sets only what these cases
read: the base amount, the rounding and, for 鹿児島市, the multipliers of steps 1–5.  Neither
fixture sets the taxed steps (介護.課税段階): those cities' own tables (more steps, other
boundaries) are not confirmed, so no case here is a taxed person.

東大阪市, FY2024 (令和6年度, 第9期), rounded up to the yen (円未満切上げ):
  Published: step 1 24,257円, step 3 58,301円 (issue 17, "published figures"; the city's own
  page for 第9期 was not found in the sources searched here: 未確認 at the source).
  Base: with the national multipliers 0.285 and 0.685, ceil(B × 0.285) = 24,257 needs
  24,256 < 0.285 B ≤ 24,257, i.e. 85,108.78 < B ≤ 85,112.28, and ceil(B × 0.685) = 58,301 needs
  85,109.49 < B ≤ 85,110.95: the only whole-yen base is **85,110円** (月額 7,092.5円, listed as
  7,093円 in the 大阪府 table of 第9期 base amounts quoted by 大阪社会保障推進協議会,
  https://osaka-syahokyo.com/fax/1283.htm ).  The multipliers are the national standard
  (FACTS.md §7); that 東大阪市 uses them for steps 2, 4 and 5 is 未確認, so those cases are
  marked derived.
鹿児島市, FY2023 (令和5年度, 第8期), rounded up to 100円 (百円未満切上げ):
  鹿児島市「65歳以上の人の保険料（計算方法）」
https://www.city.kagoshima.lg.jp/kenkofukushi/chouju/kaigohoken/kenko/fukushi/kaigo/hokenryo/65sai.html
  (updated 2023-06-15, 令和5年度の年間保険料額; the 2022-04-08 version shows the same amounts
  for 令和4年度): step 1 基準額×0.301 22,600円, step 2 ×0.5 37,500円, step 3 ×0.7 52,500円,
  step 4 ×0.9 67,500円, step 5 (基準額) ×1.0 74,900円; taxed steps 6–13 ×1.25 … ×2.2.
  The city's step 1 is 0.301, not the national 0.3 (so its multipliers are set in the fixture).
  Base: the page names the step-5 amount 74,900円; ceil(1.25 B, 100) = 93,700 and
  ceil(2.0 B, 100) = 149,800 pin B to 74,880 < B ≤ 74,900, and 74,900 reproduces every
  published amount, so the fixture uses 74,900円.

NHI (那珂市, FY2024: 三方式; 所得割率 6.4% / 2.4% / 2.2%, 均等割額 25,000 / 10,000 /
12,000円, 平等割額 20,000 / 8,000 / 6,000円; caps 650,000 / 240,000 / 170,000円; FY2026 子ども
支援分 0.3%, 1,500円, 平等割 1,000円, cap 30,000円).  A member with 所得未申告 = true: the
household's income cannot be judged, so no 7/5/2割 reduction (地方税法第703条の5; the town
pages of 十津川村 and 香美町 cited in the core); the reductions that do not depend on income
stay: 未就学児 half (第703条の5の2), 特定世帯 1/2 of the medical and support 平等割, 産前産後,
and the support levy's 10割 for members under 18.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from helpers import ROOT, assert_known_answer

import paramcfg
from paramcfg.engine import check_profile_text

D = dt.date
FY2023 = D(2023, 6, 1)
FY2024 = D(2024, 6, 1)
FY2026 = D(2026, 6, 1)

LTC, STEP = "介護.年額", "介護.段階"
NHI, SHARE = "国保.年税額", "国保.軽減割合"
MEDICAL, SUPPORT, CARE = "国保.医療分税額", "国保.支援金分税額", "国保.介護分税額"
LEVY = "国保.子ども支援分税額"

KAGOSHIMA_FY2023 = ("0.301", "0.5", "0.7", "0.9", "1")


def ltc_city(base: str, name: str, code: str, base_amount: str, rounding: str,
             multipliers: tuple[str, ...] | None = None) -> str:
    """Sample profile ``base`` as city ``name``: its header, and in its first block the LTC base
    amount, rounding and (if given) the multipliers of steps 1–5 replaced by the city's."""
    text = (ROOT / "tenant_profiles" / f"{base}.pcfg").read_text(encoding="utf-8")
    text, n_header = re.subn(r'^tenant "[^"]*" code \d+', f'tenant "{name}" code {code}', text,
                             count=1, flags=re.MULTILINE)
    text, n_base = re.subn(r"^  介護\.基準額 = .*$", f"  介護.基準額 = {base_amount}", text,
                           count=1, flags=re.MULTILINE)
    rows = ""
    if multipliers is not None:
        steps = ("第1段階", "第2段階", "第3段階", "第4段階", "第5段階")
        rows = "\n  介護.非課税段階の乗率 =\n    | 非課税段階 | 割合 |\n" + "".join(
            f"    | {step} | {value} |\n" for step, value in zip(steps, multipliers, strict=True))
        rows = rows.rstrip("\n")
    text, n_rounding = re.subn(r"^  介護\.端数処理 = .*$", f"  介護.端数処理 = {rounding}{rows}",
                               text, count=1, flags=re.MULTILINE)
    assert (n_header, n_base, n_rounding) == (1, 1, 1), base  # the sample profile changed shape
    if not code.startswith("08"):  # not a town of 茨城県: without its prefecture layer
        text, n_within = re.subn(r'^within "茨城県"\n', "", text, count=1, flags=re.MULTILINE)
        assert n_within == 1, base
    return text


IBARAKI = ROOT / "prefectures" / "ibaraki.pcfg"


@pytest.fixture(scope="module")
def cities(core, tenants):
    """東大阪市 (FY2024) and 鹿児島市 (FY2023) as fixtures, and 那珂市 rounded up three ways."""
    out = {
        "higashiosaka": paramcfg.load_tenant_text(
            ltc_city("naka", "東大阪市", "272272", "85,110円", "円未満切上げ"), core),
        "kagoshima": paramcfg.load_tenant_text(
            ltc_city("kasumigaura", "鹿児島市", "462012", "74,900円", "百円未満切上げ",
                     KAGOSHIMA_FY2023), core),
    }
    for mode in ("円未満切上げ", "十円未満切上げ", "百円未満切上げ"):
        out[f"naka-{mode}"] = paramcfg.load_tenant_text(
            ltc_city("naka", "那珂市", "082261", "63,360円", mode), core,
            prefecture=IBARAKI)
    out["naka"] = tenants["naka"]
    return out


def elder(pension: int, *, household_taxed: bool, welfare: bool = False) -> dict[str, object]:
    """本人非課税: the step follows 年金収入等 and whether the household is taxed."""
    return {"介護.生活保護等": welfare, "介護.世帯課税": household_taxed, "介護.本人課税": False,
            "介護.年金収入等": pension, "介護.合計所得金額": 0}


def apart(pension: int) -> dict[str, object]:
    """本人非課税, every member of the household not taxed (steps 1–3)."""
    return elder(pension, household_taxed=False)


def taxed(pension: int) -> dict[str, object]:
    """本人非課税, someone in the household taxed (steps 4–5)."""
    return elder(pension, household_taxed=True)


def member(birth: D, income: int = 0, **extra: object) -> dict[str, object]:
    return {"生年月日": birth, "総所得金額等": income, "軽減判定所得": income, **extra}


def household(*members: dict[str, object], earners: int = 1,
              specific: str = "該当なし") -> dict[str, object]:
    return {"国保.被保険者": list(members), "国保.被保険者以外の判定所得": 0,
            "国保.特定同一世帯所属者数": 0, "国保.給与所得者等の数": earners,
            "国保.特定世帯区分": specific}


def case(ident: str, town: str, rule: str, expected: object, on: D, inputs: dict[str, object]):
    return pytest.param(town, rule, on, inputs, expected, id=ident)


#: The household of docs/areas/nhi-tax.md §5 (那珂市, FY2024), the spouse's income undeclared.
#: Head 1980-05-10 (43 on 1 April) 1,500,000円; spouse 1984-10-15 300,000円, reaching 40 on
#: 2024-10-14 (介護分 from October); child 2019-08-01 (4: 未就学児); 2 earners.
def family(*, undeclared: bool) -> dict[str, object]:
    return household(member(D(1980, 5, 10), 1_500_000),
                     member(D(1984, 10, 15), 300_000, 所得未申告=undeclared),
                     member(D(2019, 8, 1)), earners=2)


UNDECLARED = member(D(1974, 6, 1), 所得未申告=True)  # 49 on 1 April 2024: 介護分 all year

CASES = [
    # ==== 東大阪市 令和6年度, 円未満切上げ, 基準額 85,110円 =====================================
    # Step 1 (世帯非課税, 年金収入等 700,000 ≤ 800,000): 85,110 × 0.285 = 24,256.35 → 24,257
    # (published).
    case("higashiosaka-step1", "higashiosaka", LTC, 24_257, FY2024, apart(700_000)),
    # 生活保護 → step 1 whatever the pension: the same 24,257 (published as step 1).
    case("higashiosaka-step1-welfare", "higashiosaka", LTC, 24_257, FY2024,
         elder(2_000_000, household_taxed=False, welfare=True)),
    # Step 3 (世帯非課税, 1,500,000 > 1,200,000): 85,110 × 0.685 = 58,300.35 → 58,301 (published).
    case("higashiosaka-step3", "higashiosaka", LTC, 58_301, FY2024, apart(1_500_000)),
    case("higashiosaka-step3-step", "higashiosaka", STEP, 3, FY2024, apart(1_500_000)),
    # Derived (未確認: the city's multipliers for steps 2, 4 and 5 not seen): step 2 (1,000,000):
    # 85,110 × 0.485 = 41,278.35 → 41,279.
    case("higashiosaka-step2-derived", "higashiosaka", LTC, 41_279, FY2024,
         apart(1_000_000)),
    # Step 4 (世帯課税, 800,000 ≤ 800,000): 85,110 × 0.9 = 76,599.0 exactly → 76,599: rounding up
    # leaves a whole amount alone (derived, 未確認).
    case("higashiosaka-step4-derived", "higashiosaka", LTC, 76_599, FY2024, taxed(800_000)),
    # ==== 鹿児島市 令和5年度, 百円未満切上げ, 基準額 74,900円, step 1 × 0.301 (all published) ====
    # Step 1 (世帯非課税, 800,000 ≤ 800,000): 74,900 × 0.301 = 22,544.9 → 22,600.
    case("kagoshima-step1", "kagoshima", LTC, 22_600, FY2023, apart(800_000)),
    # Step 2 (1,200,000): 74,900 × 0.5 = 37,450 → 37,500.
    case("kagoshima-step2", "kagoshima", LTC, 37_500, FY2023, apart(1_200_000)),
    # Step 3 (1,200,001): 74,900 × 0.7 = 52,430 → 52,500.
    case("kagoshima-step3", "kagoshima", LTC, 52_500, FY2023, apart(1_200_001)),
    # Step 4 (世帯課税, 500,000): 74,900 × 0.9 = 67,410 → 67,500.
    case("kagoshima-step4", "kagoshima", LTC, 67_500, FY2023, taxed(500_000)),
    case("kagoshima-step4-step", "kagoshima", STEP, 4, FY2023, taxed(500_000)),
    # Step 5 (世帯課税, 800,001 > 800,000): 74,900 × 1 = 74,900, already a multiple of 100.
    case("kagoshima-step5", "kagoshima", LTC, 74_900, FY2023, taxed(800_001)),
    # ==== 那珂市 with each rounding-up mode (illustrative), 基準額 63,360円, FY2024 ===========
    # Step 1: 63,360 × 0.285 = 18,057.6 → 円未満切上げ 18,058 / 十円 18,060 / 百円 18,100
    # (円未満切捨て, the town's own setting: 18,057).
    case("naka-ceil1-step1", "naka-円未満切上げ", LTC, 18_058, FY2024, apart(700_000)),
    case("naka-ceil10-step1", "naka-十円未満切上げ", LTC, 18_060, FY2024, apart(700_000)),
    case("naka-ceil100-step1", "naka-百円未満切上げ", LTC, 18_100, FY2024, apart(700_000)),
    case("naka-floor1-step1", "naka", LTC, 18_057, FY2024, apart(700_000)),
    # Step 4: 63,360 × 0.9 = 57,024 (whole) → 十円 57,030, 百円 57,100; 円未満切上げ 57,024.
    case("naka-ceil1-step4", "naka-円未満切上げ", LTC, 57_024, FY2024, taxed(700_000)),
    case("naka-ceil10-step4", "naka-十円未満切上げ", LTC, 57_030, FY2024, taxed(700_000)),
    case("naka-ceil100-step4", "naka-百円未満切上げ", LTC, 57_100, FY2024, taxed(700_000)),
    # Step 13 (本人課税, 合計所得金額 8,000,000 ≥ 7,200,000: × 2.4): 63,360 × 2.4 = 152,064 →
    # 百円未満切上げ 152,100.
    case("naka-ceil100-step13", "naka-百円未満切上げ", LTC, 152_100, FY2024,
         {**taxed(0), "介護.本人課税": True, "介護.合計所得金額": 8_000_000}),
    # ==== 国保 所得未申告 (那珂市, FY2024) ======================================================
    # The family of nhi-tax.md §5 declared: 20% reduction, 229,100円 (the docs' worked example).
    # 判定 1,800,000 ≤ 530,000 + 545,000 × 3 = 2,165,000 → 20%.
    case("naka-family-declared-share", "naka", SHARE, Decimal("0.2"), FY2024, family(undeclared=False)),
    case("naka-family-declared-total", "naka", NHI, 229_100, FY2024, family(undeclared=False)),
    # The spouse's income undeclared: no reduction at all.
    case("naka-family-undeclared-share", "naka", SHARE, Decimal(0), FY2024, family(undeclared=True)),
    # 医療分: 所得割 (1,500,000 − 430,000) × 6.4% = 68,480; 均等割 25,000 × 2 + child
    # 25,000 × 50% = 12,500 → 62,500; 平等割 20,000 (unreduced) → 150,980 → 150,900.
    case("naka-family-undeclared-medical", "naka", MEDICAL, 150_900, FY2024, family(undeclared=True)),
    # 支援金分: 1,070,000 × 2.4% = 25,680; 10,000 × 2 + 5,000 = 25,000; 平等割 8,000 → 58,680 → 58,600.
    case("naka-family-undeclared-support", "naka", SUPPORT, 58_600, FY2024, family(undeclared=True)),
    # 介護分 (the spouse from October, so month by month): April–September the head only:
    # 1,070,000 × 2.2% = 23,540 + 12,000 + 6,000 = 41,540; October–March both: 23,540 + 24,000
    # + 6,000 = 53,540.  (41,540 × 6 + 53,540 × 6) ÷ 12 = 570,480 ÷ 12 = 47,540 → 47,500.
    case("naka-family-undeclared-care", "naka", CARE, 47_500, FY2024, family(undeclared=True)),
    # 年税額 150,900 + 58,600 + 47,500 = 257,000 (declared: 229,100).
    case("naka-family-undeclared-total", "naka", NHI, 257_000, FY2024, family(undeclared=True)),
    # Single member, 49, income 0 but undeclared (declared it would be 7割): 医療分 25,000 +
    # 20,000 = 45,000; 支援金分 10,000 + 8,000 = 18,000; 介護分 12,000 + 6,000 = 18,000 → 81,000.
    case("naka-single-undeclared", "naka", NHI, 81_000, FY2024, household(UNDECLARED)),
    # The same, declared (7割): 医療 7,500 + 6,000 = 13,500; 支援 3,000 + 2,400 = 5,400;
    # 介護 3,600 + 1,800 = 5,400 → 24,300.
    case("naka-single-declared", "naka", NHI, 24_300, FY2024,
         household(member(D(1974, 6, 1)))),
    # 特定世帯 still halves the medical and support 平等割 (not an income reduction): 医療分
    # 25,000 + 10,000 = 35,000; 支援金分 10,000 + 4,000 = 14,000; 介護分 18,000 → 67,000.
    case("naka-single-undeclared-specific", "naka", NHI, 67_000, FY2024,
         household(UNDECLARED, specific="特定世帯")),
    # 未就学児 still halved: parent 1990-01-01 (34, no 介護分) undeclared, child 2020-01-01 (4):
    # 医療分 25,000 + 12,500 + 20,000 = 57,500; 支援金分 10,000 + 5,000 + 8,000 = 23,000;
    # 介護分 0 (no member aged 40–64) → 80,500.
    case("naka-preschool-undeclared", "naka", NHI, 80_500, FY2024,
         household(member(D(1990, 1, 1), 所得未申告=True), member(D(2020, 1, 1)))),
    # FY2026 support levy: parent 1990-01-01 undeclared, child 2010-05-01 (15: 10割): 所得割 0;
    # 均等割 1,500 (no 7割) + 0; 平等割 1,000 → 2,500 → 2,500 (declared: 450 + 300 = 750 → 700).
    case("naka-levy-undeclared", "naka", LEVY, 2_500, FY2026,
         household(member(D(1990, 1, 1), 所得未申告=True), member(D(2010, 5, 1)))),
    case("naka-levy-declared", "naka", LEVY, 700, FY2026,
         household(member(D(1990, 1, 1)), member(D(2010, 5, 1)))),
]


@pytest.mark.parametrize(("town", "rule", "on", "inputs", "expected"), CASES)
def test_known_answer(cities, town, rule, on, inputs, expected):
    assert_known_answer(cities[town], rule, on, inputs, (), expected)


def test_the_fixtures_check_clean(core):
    """Each city fixture is a clean profile: the substituted lines are values the core accepts
    (a rounding-up member, the 0.301 multiplier), with no diagnostic at all."""
    for text in (ltc_city("naka", "東大阪市", "272272", "85,110円", "円未満切上げ"),
                 ltc_city("kasumigaura", "鹿児島市", "462012", "74,900円", "百円未満切上げ",
                          KAGOSHIMA_FY2023)):
        result = check_profile_text(text, core)
        assert result.ok
        assert [d.message() for d in result.diagnostics] == []


def test_an_unknown_rounding_mode_is_refused(core):
    """A misspelt mode (切り上げ with り) is a diagnostic at the value, not a silent default."""
    result = check_profile_text(ltc_city("naka", "東大阪市", "272272", "85,110円", "円未満切り上げ"),
                                core)
    assert not result.ok
    assert any("円未満切り上げ" in d.message() for d in result.diagnostics)

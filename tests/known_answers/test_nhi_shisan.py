"""Known answers for NHI 資産割 (四方式, issue 17 item 3): the asset part levied on the members'
fixed-asset tax on land and buildings, per part, not reduced by the 7/5/2割 reductions nor for
births, under the same caps; the care part counts only members aged 40–64.

Every expected value is worked out by hand from the law and the fixture's figures; the working is
in the comment above each case.  The library never computes an expected value.  Each case runs
compiled and interpreted (``assert_known_answer``).

Fixture: 田辺市 (和歌山県, code 302066: 3·6 + 0·5 + 2·4 + 0·3 + 6·2 = 38, 38 mod 11 = 5,
11 − 5 = 6), FY2025 (令和7年度), built from 那珂市's sample profile (its header, without the
`within "茨城県"` line, and its NHI rates replaced; its 2025-04-01 block already sets the FY2025
caps 660,000 / 260,000 / 170,000円, which are 田辺市's).  **未確認 (second-hand)**: 田辺市's
figures are from kokuho-keisan.com, not from the city's ordinance or page:
  所得割 8.00% / 2.70% / 2.00%, 資産割 5.4% / 1.4% / 1.2% (of the fixed-asset tax on land and
  buildings), 均等割 29,600 / 10,500 / 11,700円, 平等割 21,800 / 7,700 / 6,200円,
  限度額 660,000 / 260,000 / 170,000円 (医療分 / 支援金分 / 介護分).
(A first-hand source for the shape of 四方式: 新宮市 令和6年度, https://www.city.shingu.lg.jp/info/1626:
資産割 "家屋・土地の固定資産税額に対し" 15.0% / 2.0% / 1.7%.)

The law: 地方税法第703条の4 (the four parts of the levy, the caps, 100円 floor by 第20条の4の2);
the 7/5/2割 reductions reduce only 均等割 and 平等割 (第703条の5, 国民健康保険税の軽減), so the
asset part is never reduced; 産前産後 (第703条の5の3) reduces 所得割 and 均等割 only.  FY2025:
基礎控除 430,000円, 軽減 基準額 430,000円, 5割 305,000円 and 2割 560,000円 per member.
Whether the 子ども・子育て支援納付金分 (FY2026) has an asset part is 未確認: the core has none.

Per part: floor(min(所得割 + 資産割 + 均等割 + 平等割, cap), 100), where
所得割 = floor(Σ max(総所得金額等 − 430,000, 0) × rate) and 資産割 = floor(Σ (土地 + 家屋) × rate)
over the members of the part (介護分: aged 40–64).
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
FY2025 = D(2025, 6, 1)

NHI, SHARE = "国保.年税額", "国保.軽減割合"
MEDICAL, SUPPORT, CARE = "国保.医療分税額", "国保.支援金分税額", "国保.介護分税額"

TANABE_NHI = """\
  国保.賦課方式 = {method}
  国保.所得割率 =
    | 国保区分 | 所得割率 |
    | 医療分   |    8.00% |
    | 支援金分 |    2.70% |
    | 介護分   |    2.00% |
{asset}  国保.均等割額 =
    | 国保区分 | 均等割額 |
    | 医療分   | 29,600円 |
    | 支援金分 | 10,500円 |
    | 介護分   | 11,700円 |
  国保.平等割額 =
    | 国保区分 | 平等割額 |
    | 医療分   | 21,800円 |
    | 支援金分 |  7,700円 |
    | 介護分   |  6,200円 |
"""
TANABE_ASSET = """\
  国保.資産割率 =
    | 国保区分 | 資産割率 |
    | 医療分   |     5.4% |
    | 支援金分 |     1.4% |
    | 介護分   |     1.2% |
"""


def tanabe(method: str = "四方式") -> str:
    """那珂市's sample profile as 田辺市 (FY2025 figures, 未確認 second-hand). ``三方式``: the
    same town without its asset part (no 資産割率: a 三方式 town may not set it, PC0412)."""
    text = (ROOT / "tenant_profiles" / "naka.pcfg").read_text(encoding="utf-8")
    text, n_header = re.subn(r'^tenant "[^"]*" code \d+', 'tenant "田辺市" code 302066', text,
                             count=1, flags=re.MULTILINE)
    text, n_within = re.subn(r'^within "茨城県"\n', "", text, count=1, flags=re.MULTILINE)
    nhi = TANABE_NHI.format(method=method, asset=TANABE_ASSET if method == "四方式" else "")
    text, n_nhi = re.subn(r"^  国保\.賦課方式 = 三方式\n(?:  国保\.(?:所得割率|均等割額|平等割額) =\n"
                          r"(?:    \|.*\n)+)+", nhi, text, count=1, flags=re.MULTILINE)
    assert (n_header, n_within, n_nhi) == (1, 1, 1)  # the sample profile changed shape
    return text


@pytest.fixture(scope="module")
def towns(core):
    return {method: paramcfg.load_tenant_text(tanabe(method), core)
            for method in ("四方式", "三方式")}


def member(birth: D, income: int = 0, land: int = 0, building: int = 0,
           **extra: object) -> dict[str, object]:
    return {"生年月日": birth, "総所得金額等": income, "軽減判定所得": income,
            "土地の固定資産税額": land, "家屋の固定資産税額": building, **extra}


def household(*members: dict[str, object], earners: int = 1) -> dict[str, object]:
    return {"国保.被保険者": list(members), "国保.被保険者以外の判定所得": 0,
            "国保.特定同一世帯所属者数": 0, "国保.給与所得者等の数": earners,
            "国保.特定世帯区分": "該当なし"}


def case(ident: str, method: str, rule: str, expected: object, inputs: dict[str, object]):
    return pytest.param(method, rule, inputs, expected, id=ident)


#: 30 on 1 April 2025 (no 介護分); income 2,000,000円; land 50,000円, building 30,000円.
SINGLE = household(member(D(1995, 1, 1), 2_000_000, 50_000, 30_000))
SINGLE_NO_ASSET = household(member(D(1995, 1, 1), 2_000_000))
#: Head 49 (1975-07-01; 40–64 all year) 3,000,000円, land 40,000 + building 60,000円; spouse 47
#: (1978-03-15) no income, building 20,000円; grandparent 72 (1953-02-01) no income, land
#: 30,000円 (not in the 介護分).
FAMILY = household(member(D(1975, 7, 1), 3_000_000, 40_000, 60_000),
                   member(D(1978, 3, 15), 0, 0, 20_000),
                   member(D(1953, 2, 1), 0, 30_000))
#: 70 (1955-01-10), no income, land 60,000 + building 40,000円: 7割軽減.
ASSET_RICH = household(member(D(1955, 1, 10), 0, 60_000, 40_000))
#: 50 (1974-09-01; 40–64 all year), 7,000,000円, land 1,000,000 + building 600,000円.
LANDLORD = household(member(D(1974, 9, 1), 7_000_000, 1_000_000, 600_000))
#: Born 1985-10-20: reaches 40 on 2025-10-19 (the day before the birthday), so the 介護分 is
#: charged month by month from October (6 months); otherwise SINGLE.
TURNING_40 = household(member(D(1985, 10, 20), 2_000_000, 50_000, 30_000))
#: SINGLE expecting a child on 2025-08-15 (single birth): 産前産後 July–October, 4 months.
MOTHER = household(member(D(1995, 1, 1), 2_000_000, 50_000, 30_000,
                          出産予定日=[D(2025, 8, 15)]))

CASES = [
    # -- a single person, 30: 軽減判定所得 2,000,000 > 430,000 + 560,000 × 1 = 990,000 → no
    # reduction.  Base 2,000,000 − 430,000 = 1,570,000; assets 80,000.
    # 医療分: 1,570,000 × 8% = 125,600; 80,000 × 5.4% = 4,320; + 29,600 + 21,800 = 181,320
    #   → 181,300.
    case("single-medical", "四方式", MEDICAL, 181_300, SINGLE),
    # 支援金分: 1,570,000 × 2.7% = 42,390; 80,000 × 1.4% = 1,120; + 10,500 + 7,700 = 61,710
    #   → 61,700.  介護分: not 40–64 → 0.  Total 181,300 + 61,700 = 243,000.
    case("single-support", "四方式", SUPPORT, 61_700, SINGLE),
    case("single-care", "四方式", CARE, 0, SINGLE),
    case("single-total", "四方式", NHI, 243_000, SINGLE),
    # -- the same person under 三方式 (no 資産割): 医療分 125,600 + 29,600 + 21,800 = 177,000;
    # 支援金分 42,390 + 10,500 + 7,700 = 60,590 → 60,500; total 237,500, whatever the assets.
    case("single-three-part", "三方式", NHI, 237_500, SINGLE),
    case("single-three-part-no-asset", "三方式", NHI, 237_500, SINGLE_NO_ASSET),
    # -- 四方式 with no fixed assets: the asset part is 0円, the same 237,500 as 三方式.
    case("single-no-asset", "四方式", NHI, 237_500, SINGLE_NO_ASSET),
    # -- the family: 軽減判定所得 3,000,000 > 430,000 + 560,000 × 3 = 2,110,000 → no reduction.
    # 所得割 base: head 2,570,000, the others 0.  Assets: all 150,000; 40–64 (head, spouse)
    # 120,000.
    # 医療分: 2,570,000 × 8% = 205,600; 150,000 × 5.4% = 8,100; 3 × 29,600 = 88,800; + 21,800
    #   = 324,300 → 324,300.
    case("family-medical", "四方式", MEDICAL, 324_300, FAMILY),
    # 支援金分: 2,570,000 × 2.7% = 69,390; 150,000 × 1.4% = 2,100; 3 × 10,500 = 31,500; + 7,700
    #   = 110,690 → 110,600.
    case("family-support", "四方式", SUPPORT, 110_600, FAMILY),
    # 介護分 (head and spouse only: the grandparent's land is left out): 2,570,000 × 2% =
    #   51,400; 120,000 × 1.2% = 1,440; 2 × 11,700 = 23,400; + 6,200 = 82,440 → 82,400.
    case("family-care", "四方式", CARE, 82_400, FAMILY),
    # Total 324,300 + 110,600 + 82,400 = 517,300.
    case("family-total", "四方式", NHI, 517_300, FAMILY),
    # -- reduced (7割: 軽減判定所得 0 ≤ 430,000); the asset part is NOT reduced:
    # 医療分: 所得割 0; 100,000 × 5.4% = 5,400; 均等割 29,600 × 30% = 8,880; 平等割 21,800 × 30%
    #   = 6,540; 5,400 + 8,880 + 6,540 = 20,820 → 20,800.  (Reduced too it would be 1,620.)
    case("reduced-share", "四方式", SHARE, Decimal("0.7"), ASSET_RICH),
    case("reduced-medical", "四方式", MEDICAL, 20_800, ASSET_RICH),
    # 支援金分: 1,400 + 10,500 × 30% = 3,150 + 7,700 × 30% = 2,310 = 6,860 → 6,800.
    # 介護分: 70 → 0.  Total 20,800 + 6,800 = 27,600.
    case("reduced-total", "四方式", NHI, 27_600, ASSET_RICH),
    # -- at a cap because of the asset part: base 7,000,000 − 430,000 = 6,570,000; assets
    # 1,600,000.  医療分: 525,600 + 29,600 + 21,800 = 577,000 without assets; + 1,600,000 × 5.4%
    # = 86,400 → 663,400 > 660,000 → 660,000.
    case("cap-medical", "四方式", MEDICAL, 660_000, LANDLORD),
    # 支援金分: 6,570,000 × 2.7% = 177,390; + 22,400 + 10,500 + 7,700 = 217,990 → 217,900.
    # 介護分: 6,570,000 × 2% = 131,400; + 19,200 + 11,700 + 6,200 = 168,500 (< 170,000).
    # Total 660,000 + 217,900 + 168,500 = 1,046,400.
    case("cap-care", "四方式", CARE, 168_500, LANDLORD),
    case("cap-total", "四方式", NHI, 1_046_400, LANDLORD),
    # Under 三方式 the same household: 医療分 577,000; 支援金分 177,390 + 10,500 + 7,700 =
    # 195,590 → 195,500; 介護分 131,400 + 11,700 + 6,200 = 149,300.  Total 921,800.
    case("cap-three-part", "三方式", NHI, 921_800, LANDLORD),
    # -- 介護分 month by month (40 from October): each month's annual amount for the members
    # 40–64 on the 1st of the next month: April–September none → 0円; October–March
    # 1,570,000 × 2% = 31,400 + 80,000 × 1.2% = 960 + 11,700 + 6,200 = 50,260 (< 170,000).
    # (6 × 50,260) ÷ 12 = 25,130 → 25,100.  Total 181,300 + 61,700 + 25,100 = 268,100.
    case("turning-40-care", "四方式", CARE, 25_100, TURNING_40),
    case("turning-40-total", "四方式", NHI, 268_100, TURNING_40),
    # -- 産前産後 (birth 2025-08-15: July–October not taxed, 8 of 12 months) reduces 所得割 and
    # 均等割, not 資産割:
    # 医療分: floor(1,570,000 × 8 × 8% / 12) = floor(83,733.3) = 83,733; 均等割 floor(29,600 ×
    #   8 / 12) = 19,733; 資産割 4,320; 平等割 21,800; 129,586 → 129,500.
    # 支援金分: 1,570,000 × 8 × 2.7% / 12 = 28,260; floor(10,500 × 8 / 12) = 7,000; 1,120;
    #   7,700; 44,080 → 44,000.  Total 173,500.
    case("birth-medical", "四方式", MEDICAL, 129_500, MOTHER),
    case("birth-total", "四方式", NHI, 173_500, MOTHER),
]


@pytest.mark.parametrize(("method", "rule", "inputs", "expected"), CASES)
def test_known_answer(towns, method, rule, inputs, expected):
    assert_known_answer(towns[method], rule, FY2025, inputs, (), expected)


@pytest.mark.parametrize("method", ["四方式", "三方式"])
def test_the_fixture_checks_clean(core, method):
    result = check_profile_text(tanabe(method), core)
    assert [d.message() for d in result.diagnostics] == []


def test_a_three_part_town_that_sets_an_asset_rate_is_told_it_has_no_effect(core):
    text = tanabe("四方式").replace("  国保.賦課方式 = 四方式\n", "  国保.賦課方式 = 三方式\n")
    (d,) = check_profile_text(text, core).diagnostics
    assert (d.code, d.args["name"], d.args["member"]) == ("PC0412", "国保.資産割率", "四方式")


def test_a_two_part_town_that_sets_a_per_household_amount_is_told_every_method_that_uses_it(core):
    text = tanabe("三方式").replace("  国保.賦課方式 = 三方式\n", "  国保.賦課方式 = 二方式\n")
    messages = [d.message() for d in check_profile_text(text, core).diagnostics]
    assert messages[0] == (
        "国保.平等割額 is set, but it is used only when 国保.賦課方式 is 三方式 or 四方式; "
        "as of 2024-04-01 国保.賦課方式 is 二方式")

"""`paramcfg eval`: typed inputs, exact JSON, explain, and the errors a user can make."""

from __future__ import annotations

import json
from decimal import Decimal

from helpers import ROOT

from paramcfg.cli import EXIT_OK, EXIT_USAGE, main

HITACHIOMIYA = str(ROOT / "tenant_profiles" / "hitachiomiya.pcfg")
NAKA = str(ROOT / "tenant_profiles" / "naka.pcfg")
HOUSEHOLD = ["--input", "所得割額=100,000円", "--input", "認定=3号", "--input", "時間=標準",
             "--input", "生活保護世帯=false", "--input", "非課税世帯=false",
             "--input", "多子順位.未就学児=1", "--input", "多子順位.全兄弟=2"]


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_eval_prints_the_value_with_its_unit(capsys):
    # 常陸大宮市: 100,000円 is in [97,000, 169,000): 3号 標準 13,300円; second child, town rule
    # 制限なし counts siblings of any age: half, floored to 10 yen: 6,650円.
    code, out, _ = run(capsys, "eval", HITACHIOMIYA, "保育料.月額計算", "--on", "2024-06-01",
                       "--lang", "en", *HOUSEHOLD)
    assert code == EXIT_OK
    assert out.splitlines()[0] == "保育料.月額計算 = 6,650円   (常陸大宮市, as of 2024-06-01)"


def test_explain_names_the_profile_line_and_the_bracket(capsys):
    code, out, _ = run(capsys, "eval", HITACHIOMIYA, "保育料.月額計算", "--on", "2024-06-01",
                       "--explain", *HOUSEHOLD)
    assert code == EXIT_OK
    profile_lines = (ROOT / "tenant_profiles" / "hitachiomiya.pcfg").read_text(
        encoding="utf-8").splitlines()
    row = next(i for i, line in enumerate(profile_lines, 1) if "< 169,000円" in line)
    assert "table 保育料.月額[所得割額 97,000円 以上 169,000円 未満 / 3号 標準] = 13,300円" in out
    assert f"hitachiomiya.pcfg:{row}:" in out
    assert "parameter 保育料.多子軽減 = 制限なし" in out


def test_rule_arguments_by_name_and_json_output(capsys):
    # 那珂市 land 1,234,567円 → 1,234,000 × 1.4% = 17,276 → 17,200円.
    code, out, _ = run(capsys, "eval", NAKA, "固定資産税.年税額", "--input", "区分=土地",
                       "--input", "課税標準額=1,234,567円", "--on", "2024-06-01",
                       "--format", "json", "--explain")
    assert code == EXIT_OK
    data = json.loads(out, parse_float=Decimal)
    assert data["value"] == 17_200
    assert data["tenant"] == "那珂市"
    assert data["explain"]["kind"] == "rule"


def test_inputs_from_json_are_exact(capsys, tmp_path):
    path = tmp_path / "inputs.json"
    path.write_text(json.dumps({"区分": "家屋", "課税標準額": 5_000_000}), encoding="utf-8")
    # 5,000,000 × 1.4% = 70,000円.
    code, out, _ = run(capsys, "eval", NAKA, "固定資産税.年税額", "--inputs", str(path),
                       "--on", "2024-06-01", "--format", "json")
    assert code == EXIT_OK
    assert json.loads(out)["value"] == 70_000


def test_every_missing_input_is_named_in_one_run(capsys):
    code, _, err = run(capsys, "eval", HITACHIOMIYA, "保育料.月額計算", "--on", "2024-06-01",
                       "--input", "所得割額=1円", "--lang", "en")
    assert code == EXIT_USAGE
    assert "needs 6 more value(s)" in err
    for name in ("多子順位.全兄弟", "多子順位.未就学児", "時間", "生活保護世帯", "認定", "非課税世帯"):
        assert f"  {name} : " in err
    # The command to paste keeps the value given and fills the others with examples.
    assert "--input 所得割額=1円 --input 時間=標準" in err


def test_bad_input_value(capsys):
    code, _, err = run(capsys, "eval", NAKA, "固定資産税.年税額", "--input", "区分=土地",
                       "--input", "課税標準額=12.5円", "--on", "2024-06-01", "--lang", "en")
    assert code == EXIT_USAGE
    assert "課税標準額" in err


def test_unknown_rule_suggests(capsys):
    code, _, err = run(capsys, "eval", NAKA, "固定資産税.年税", "--lang", "en")
    assert code == EXIT_USAGE
    assert "固定資産税.年税額" in err


def test_unknown_input_name(capsys):
    code, _, err = run(capsys, "eval", NAKA, "固定資産税.年税額", "--input", "区=土地",
                       "--lang", "ja")
    assert code == EXIT_USAGE
    assert "入力・引数「区」はありません" in err


def test_unknown_input_hint_names_only_what_the_rule_reads(capsys):
    # 介護.本人課税 is an input of the core, but not of the fixed-asset tax: suggesting it would
    # send the clerk to an input this rule never reads.
    code, _, err = run(capsys, "eval", NAKA, "固定資産税.年税額", "--input", "介護.本人課=true",
                       "--lang", "en")
    assert code == EXIT_USAGE
    assert "has no input or argument 介護.本人課" in err
    assert "介護.本人課税" not in err.replace("介護.本人課 ", "")
    code, _, err = run(capsys, "eval", NAKA, "介護.年額", "--input", "介護.本人課=true",
                       "--lang", "en")
    assert "did you mean `介護.本人課税`" in err


def test_date_before_the_first_block(capsys):
    code, _, err = run(capsys, "eval", NAKA, "固定資産税.年税額", "--input", "区分=土地",
                       "--input", "課税標準額=1円", "--on", "2020-01-01", "--lang", "en")
    assert code == EXIT_USAGE
    assert "first effective date" in err


def test_a_list_is_given_as_the_profile_writes_it(capsys):
    # 那珂市 uses the core's dog fees: 3,000円 + 550円 + 550円 = 4,100円.
    code, out, _ = run(capsys, "eval", NAKA, "畜犬.合計手数料", "--on", "2024-06-01",
                       "--input", "畜犬.手続=[登録, 注射済票交付,注射済票交付]", "--lang", "en")
    assert code == EXIT_OK
    assert out.startswith("畜犬.合計手数料 = 4,100円")


def test_records_on_the_command_line_point_to_a_json_file(capsys):
    code, _, err = run(capsys, "eval", NAKA, "国保.年税額", "--on", "2024-06-01",
                       "--input", "国保.被保険者=[1980-01-01]", "--lang", "ja")
    assert code == EXIT_USAGE
    assert "--inputs FILE.json" in err
    assert "list of 国保被保険者" in err


def test_a_household_from_json_with_explanation(capsys, tmp_path):
    # 那珂市 FY2024, one member aged 50 with 430,000円 → 7割軽減: 13,500 + 5,400 + 5,400 =
    # 24,300円 (worked in tests/known_answers/test_nhi_ltc_inhabitant_dogs_schedules.py).
    path = tmp_path / "household.json"
    path.write_text(json.dumps({
        "国保.被保険者": [{"生年月日": "1974-06-01", "総所得金額等": 430000, "軽減判定所得": 430000}],
        "国保.被保険者以外の判定所得": 0, "国保.特定同一世帯所属者数": 0, "国保.給与所得者等の数": 1,
        "国保.特定世帯区分": "該当なし",
    }, ensure_ascii=False), encoding="utf-8")
    code, out, _ = run(capsys, "eval", NAKA, "国保.年税額", "--on", "2024-06-01",
                       "--inputs", str(path), "--explain", "--lang", "ja")
    assert code == EXIT_OK
    assert out.startswith("国保.年税額 = 24,300円")
    assert "国保.軽減割合 = 70%" in out
    # The record shows every field, the ones left out with their defaults (no birth).
    assert ("{生年月日 = 1974-06-01, 総所得金額等 = 430,000円, 軽減判定所得 = 430,000円, "
            "出産予定日 = [], 多胎 = false, 所得未申告 = false, 土地の固定資産税額 = 0円, "
            "家屋の固定資産税額 = 0円}") in out


def test_a_day_of_the_year_is_read_as_written(capsys):
    # 五霞町 FY2024: 12月末日 is 2024-12-31, closed (New Year closure), 1 January 元日, 2–3
    # January closed, 4–5 January 2025 a weekend → Monday 2025-01-06.
    code, out, _ = run(capsys, "eval", str(ROOT / "tenant_profiles" / "goka.pcfg"), "納期.期日",
                       "--input", "月日=12月末日", "--on", "2024-06-01", "--lang", "en")
    assert code == EXIT_OK
    assert out.startswith("納期.期日 = 2025-01-06")
    code, _, err = run(capsys, "eval", NAKA, "納期.期日", "--input", "月日=2月30日", "--lang", "en")
    assert code == EXIT_USAGE
    assert "月日" in err


def test_evaluation_errors_are_in_the_readers_language(capsys):
    # A missing input, a date before the town's first effective date, a value of the wrong
    # kind: each said in Japanese with --lang ja (and in English with --lang en).
    rule = ("eval", NAKA, "固定資産税.年税額", "--input", "区分=土地")
    _, _, err = run(capsys, *rule, "--on", "2024-06-01", "--lang", "ja")
    assert "ルール「固定資産税.年税額」には入力" not in err  # 課税標準額 is an argument …
    assert "課税標準額" in err
    code, _, err = run(capsys, "eval", NAKA, "介護.年額", "--input", "介護.生活保護等=false",
                       "--on", "2024-06-01", "--lang", "ja")
    assert code == EXIT_USAGE
    assert "ルール「介護.年額」には、与えられていない値があと 4 個必要です" in err
    assert "  介護.世帯課税 : bool  「世帯に住民税が課税されている人がいる」  例 true" in err
    code, _, err = run(capsys, "eval", NAKA, "介護.年額", "--input", "介護.生活保護等=false",
                       "--on", "2024-06-01", "--lang", "en")
    assert "rule 介護.年額 needs 4 more value(s)" in err
    assert "  介護.世帯課税 : bool  「世帯に住民税が課税されている人がいる」  e.g. true" in err
    code, _, err = run(capsys, "eval", NAKA, "保育料.月額計算", *HOUSEHOLD, "--on", "2020-06-01",
                       "--lang", "ja")
    assert code == EXIT_USAGE
    assert "最初の適用開始日 2024-04-01 より前の値がありません" in err


def test_a_float_is_refused_in_japanese_too():
    import datetime as dt  # noqa: PLC0415

    import pytest  # noqa: PLC0415

    import paramcfg  # noqa: PLC0415

    core = paramcfg.load_core(ROOT / "package_core")
    town = paramcfg.load_tenant(NAKA, core)
    inputs = {"介護.生活保護等": False, "介護.世帯課税": True, "介護.本人課税": True,
              "介護.年金収入等": 0, "介護.合計所得金額": 1_000_000.0}
    with pytest.raises(paramcfg.EvaluationError) as caught:
        town.evaluate("介護.年額", inputs, dt.date(2024, 6, 1))
    assert "float は使えません" in caught.value.message("ja")
    assert "never float" in caught.value.message("en")

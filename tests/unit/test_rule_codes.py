"""Issue 14: the rule errors that were all PC0801 each have their own code, message and help.

Each case is a rule written wrong one way; the test asserts the code, where it points, and that
the English and Japanese message and help name the types found and say what to write.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from paramcfg.engine import load_core

if TYPE_CHECKING:
    from pathlib import Path

HEAD = """core "sample" version 2024.4

param 税率 : rate
  default 1.4%

param 月額 : table[所得割額 : yen] of yen
  default
    | 所得割額    | 月額     |
    | < 48,600円  | 0円      |
    | >= 48,600円 | 19,500円 |

param 閉庁日 : list of monthday
  default [12月29日, 1月3日]

"""
_LINE = HEAD.count("\n") + 2  # the body's line

# (rule, code, column, words in the English message+help, words in the Japanese message+help)
CASES = [
    ("rule 税額(x : yen) : yen =\n  x + 税率", "PC0805", 3,
     ["cannot compute yen + rate", "write 円"], ["yen + rate は計算できません"]),
    ("rule 税額(x : yen) : yen =\n  floor(x * 税率, 100) - 2", "PC0805", 3,
     ["yen - int"], ["円を付けて"]),
    ("rule 対象(x : yen) : bool =\n  x >= 300000", "PC0806", 3,
     ["cannot compare yen >= int", "amounts with amounts"], ["yen と int は >= で比べられません"]),
    ("rule 税額(x : yen) : yen =\n  if x then 0円 else x", "PC0807", 6,
     ["`if` needs true/false, not yen", "所得 > 0円"], ["if の条件には真偽値が必要です"]),
    ("rule 対象(x : yen) : bool =\n  x > 0円 and x", "PC0807", 14,
     ["`and` needs true/false, not yen"], ["and には真偽値が必要です"]),
    ("rule 対象(x : yen) : bool =\n  not x", "PC0807", 7,
     ["`not` needs true/false, not yen"], ["not には真偽値が必要です"]),
    ("rule 税額(x : yen) : yen =\n  if x > 0円 then x else 0", "PC0808", 6,
     ["the branches differ: yen and int", "write 0円, not 0"], ["then と else の型が違います"]),
    ("rule 額(x : yen) : yen =\n  月額(10)", "PC0809", 6,
     ["月額 is keyed by 所得割額 : yen, not int"], ["「月額」の軸「所得割額」は yen です"]),
    ("rule 税額(x : yen) : yen =\n  floor(x * 税率, 0)", "PC0810", 17,
     ["rounding unit of floor must be a positive number", "floor(x, 100)"],
     ["floor の端数処理の単位は100 のような正の数です"]),
    ("rule 税額(x : yen) : yen =\n  ceil(x * 税率, 0.5)", "PC0810", 16,
     ["whole number of yen"], ["金額なら 1、10、100、1000 などの整数"]),
    ("rule 税額(x : yen) : yen =\n  x > 0円", "PC0811", 3,
     ["rule 税額 returns yen, but its body is bool", "declare the rule `: bool`"],
     ["ルール「税額」の型は yen ですが、本体は bool です"]),
    ("rule 税額(x : yen) : yen =\n  floor(x > 0円, 100)", "PC0812", 9,
     ["floor: the first argument must be a number or an amount, not bool",
      "call it as floor(x, unit)"], ["「floor」の1番目の引数は数値か金額です（bool ではなく）"]),
    ("rule 数(x : yen) : int =\n  sum(x)", "PC0812", 7,
     ["sum: the first argument must be a list, not yen"], ["リストです"]),
    ("rule 早い(x : date) : date =\n  min(x, 1円)", "PC0812", 3,
     ["numbers, amounts or dates of one kind, not date, yen"], ["同じ種類の数値・金額・日付"]),
    ("rule 半(x : yen) : yen =\n  x\n\nrule 税額(x : yen) : yen =\n  半(税率)", "PC0812", 5,
     ["半: argument x must be yen, not rate", "call it as 半(x : yen)"],
     ["「半」の引数「x」は yen です（rate ではなく）"]),
    # What PC0801 keeps, each with a help line of its own.
    ("rule 税額(x : yen) : yen =\n  x + 0.5円", "PC0801", 7,
     ["0.5円 is not whole yen", "write whole yen such as 1円"], ["円単位で書いてください"]),
    ("rule 税額(x : yen) : yen =\n  clamp(m -> m, 0円, x)", "PC0801", 9,
     ["can only be given to sum", "sum(世帯員, m -> m.所得)"], ["それらの関数に渡してください"]),
]


@pytest.mark.parametrize(("rule", "code", "col", "en", "ja"), CASES,
                         ids=[f"{c[1]}-{i}" for i, c in enumerate(CASES)])
def test_each_rule_error_has_its_own_code(tmp_path: Path, rule: str, code: str, col: int,
                                          en: list[str], ja: list[str]) -> None:
    path = tmp_path / "コア.pcore"
    path.write_text(HEAD + rule + "\n", encoding="utf-8")
    result = load_core(path)
    found = [(d.code, d.span.line, d.span.col) for d in result.diagnostics]
    assert found == [(code, _LINE + rule.count("\n") - 1, col)]
    d = result.diagnostics[0]
    text_en = d.message("en") + "\n" + d.hint("en")
    text_ja = d.message("ja") + "\n" + d.hint("ja")
    for words in en:
        assert words in text_en
    for words in ja:
        assert words in text_ja
    assert "docs/language.md" not in text_en  # no generic help: it says what to write


def test_the_split_codes_leave_nothing_unformatted(tmp_path: Path) -> None:
    """Every template field of the new codes is filled, in both languages."""
    for rule, *_ in CASES:
        path = tmp_path / "コア.pcore"
        path.write_text(HEAD + rule + "\n", encoding="utf-8")
        for d in load_core(path).diagnostics:
            for lang in ("en", "ja"):
                assert "{" not in d.message(lang) + d.hint(lang), (rule, lang)

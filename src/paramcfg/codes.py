"""The registry of diagnostic codes: each code's name, severity and message templates in English
and Japanese.  Data, not logic: :mod:`paramcfg.diagnostics` renders a diagnostic from its code
here; docs/diagnostics.md documents every code (a test holds the two together).
"""

from __future__ import annotations

import enum
from typing import Final

import attrs

__all__ = ["CODES", "Code", "Severity"]


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"

    def label(self, lang: str) -> str:
        if lang == "ja":
            return {"error": "エラー", "warning": "警告"}[self.value]
        return self.value


@attrs.frozen
class Code:
    """A registered diagnostic code with its message templates in English and Japanese.

    Templates use ``str.format`` fields filled from :attr:`Diagnostic.args`.
    """

    id: str
    name: str
    severity: Severity
    message_en: str
    message_ja: str
    hint_en: str = ""
    hint_ja: str = ""


def _code(
    id_: str,
    name: str,
    severity: Severity,
    message: tuple[str, str],
    hint: tuple[str, str] = ("", ""),
) -> Code:
    return Code(id_, name, severity, message[0], message[1], hint[0], hint[1])


E, W = Severity.ERROR, Severity.WARNING

#: Every diagnostic code.  Codes are stable: never renumber or reuse one.
CODES: Final[dict[str, Code]] = {
    c.id: c
    for c in (
        # ---- PC00xx: the file itself ------------------------------------------------------
        _code("PC0001", "invalid-encoding", E,
              ("the file is not valid UTF-8 ({detail})",
               "ファイルが UTF-8 ではありません（{detail_ja}）"),
              ("save the file as UTF-8 (in Notepad: Save As, encoding UTF-8)",
               "ファイルを UTF-8 で保存し直してください（メモ帳なら「UTF-8」を選択）")),
        _code("PC0002", "byte-order-mark", W,
              ("the file starts with a byte-order mark (BOM); it was ignored",
               "ファイルの先頭に BOM があります。無視して読み込みました"),
              ("save the file as UTF-8 without BOM",
               "BOM なしの UTF-8 で保存してください")),
        _code("PC0003", "control-character", E,
              ("the file contains the control character {char}",
               "制御文字 {char} が含まれています"),
              ("delete the character; it is invisible in most editors",
               "この文字を削除してください（多くのエディタでは見えません）")),
        _code("PC0004", "full-width-character", W,
              ("full-width {found} was read as {meant}",
               "全角の {found_ja} を半角の {meant_ja} として読みました"),
              ("type the half-width {meant} (switch the IME off for numbers and symbols)",
               "半角の {meant_ja} で入力してください（数字・記号は IME をオフにして入力）")),
        _code("PC0005", "limit-exceeded", E,
              ("{what} exceeds the limit of {limit}",
               "{what_ja}が上限 {limit_ja} を超えています"),
              ("check that this is the right file and the figure you meant",
               "指定したファイルと数値が正しいか確認してください")),
        # ---- PC01xx: syntax ---------------------------------------------------------------
        _code("PC0101", "syntax-error", E,
              ("{found}; expected {expected}",
               "{found_ja}。ここには{expected_ja}が必要です"),
              ("check this line against docs/language.md",
               "docs/language.md の書き方と見比べてください")),
        _code("PC0102", "unexpected-character", E,
              ("unexpected character {char}",
               "文字 {char} はここに書けません"),
              ("{fix}", "{fix_ja}")),
        _code("PC0103", "unclosed", E,
              ("{what} opened here is never closed",
               "ここで開いた{what_ja}が閉じられていません"),
              ("add the closing {closer}", "閉じる {closer} を書き足してください")),
        _code("PC0104", "bad-literal", E,
              ("{literal} is not a valid {kind}", "{literal} は正しい{kind_ja}ではありません"),
              ("{fix}", "{fix_ja}")),
        _code("PC0105", "foreign-notation", E,
              ("{found} is {where}, a form paramcfg does not read",
               "{found} は{where_ja}で、paramcfg では読めない書き方です"),
              ("write {fix}", "{fix} と書いてください")),
        _code("PC0106", "grid-row-unclosed", E,
              ("this table row does not end with `|`",
               "この表の行が「|」で終わっていません"),
              ("end the row with ` |`: {fix}", "行の最後に「 |」を書いてください: {fix}")),
        _code("PC0107", "grid-without-pipes", E,
              ("this table row has cells separated by tabs (pasted from a spreadsheet), not by `|`",
               "この表の行はセルがタブで区切られています（表計算ソフトからの貼り付け）。「|」で区切ってください"),
              ("split the pasted cells with |, e.g. {fix}",
               "貼り付けたセルを | で区切ってください（例: {fix}）")),
        # ---- PC02xx: names and file structure --------------------------------------------
        _code("PC0201", "unknown-name", E,
              ("unknown {kind} `{name}`{suggestion}",
               "{kind_ja}「{name}」はありません{suggestion_ja}"),
              ("check the spelling against the names the core declares",
               "コアで宣言された名前と綴りを見比べてください")),
        _code("PC0202", "duplicate-declaration", E,
              ("{name} is declared twice", "「{name}」が二重に宣言されています"),
              ("rename or remove one of them", "どちらかの名前を変えるか削除してください")),
        _code("PC0203", "wrong-file-kind", E,
              ("this is a {found} file, but a {expected} file was expected",
               "このファイルは{found_ja}です。ここには{expected_ja}を指定してください"),
              ("{fix}", "{fix_ja}")),
        _code("PC0204", "missing-header", E,
              ("the file has no {header} line", "ファイルに {header} 行がありません"),
              ("start the file with: {example}", "ファイルの先頭に次の行を書いてください: {example}")),
        _code("PC0205", "misplaced-statement", E,
              ("{what} cannot stand here", "{what_ja}はここに書けません"),
              ("{fix}", "{fix_ja}")),
        # ---- PC03xx: values --------------------------------------------------------------
        _code("PC0301", "wrong-type", E,
              ("{name} expects {expected}, but {found} is {found_kind}",
               "「{name}」には {expected_ja} を書きます。{found} は{found_kind_ja}です"),
              ("{fix}", "{fix_ja}")),
        _code("PC0302", "out-of-range", E,
              ("{name} = {value} is {relation} the {bound_kind} {bound}",
               "「{name}」の値 {value} は{bound_kind_ja} {bound} を{relation_ja}います"),
              ("use a value {allowed}", "{allowed_ja}の値にしてください")),
        _code("PC0303", "above-cap", E,
              ("{name} = {value} is {relation} {bound} ({bound_expr})",
               "「{name}」の値 {value} は {bound}（{bound_expr}）を{relation_ja}います"),
              ("use a value {allowed}", "{allowed_ja}の値にしてください")),
        _code("PC0304", "text-too-wide", E,
              ("{name} is {width} cells wide, more than the {limit} the form allows",
               "「{name}」の幅は {width} 桁で、様式の上限 {limit} 桁を超えています"),
              ("shorten the text (a kanji or kana takes 2 cells, a half-width letter 1)",
               "文字を減らしてください（漢字・かなは 2 桁、半角英数字は 1 桁）")),
        _code("PC0305", "missing-field", E,
              ("{name} has no value for {field}", "「{name}」の項目「{field}」に値がありません"),
              ("add {field} = …", "{field} = … を書き足してください")),
        # ---- PC04xx: the profile against the core ---------------------------------------
        _code("PC0401", "required-missing", E,
              ("required parameter {name} has no value as of {date}",
               "必須パラメータ「{name}」に {date} 時点の値がありません"),
              ("set it in the `from` block that starts on or before {date}",
               "{date} 以前に始まる from ブロックで値を設定してください")),
        _code("PC0402", "fixed-assigned", E,
              ("{name} is fixed by the core{basis}; a profile cannot change it",
               "「{name}」はコアで固定された値です{basis_ja}。プロファイルでは変更できません"),
              ("delete this line: the package applies the statutory value to every town",
               "この行を削除してください。法定の値が全団体に適用されます")),
        _code("PC0403", "declaration-in-profile", E,
              ("a profile cannot declare anything (`{what}`): that would be a customisation",
               "プロファイルでは宣言（{what}）はできません。カスタマイズに当たります"),
              ("ask the package vendor to declare it in the core; delete it from the profile",
               "必要ならパッケージ事業者にコアへの追加を依頼し、この行は削除してください")),
        _code("PC0404", "unknown-parameter", E,
              ("{name} is not a parameter of core {core}{suggestion}",
               "「{name}」はコア {core} のパラメータではありません{suggestion_ja}"),
              ("a profile can only set parameters the core declares; check the spelling",
               "プロファイルではコアが宣言したパラメータしか設定できません。綴りを確認してください")),
        _code("PC0405", "duplicate-assignment", E,
              ("{name} is set twice for {date}", "「{name}」が {date} 付けで二度設定されています"),
              ("keep one value; to change it later, add a new `from` block",
               "どちらか一方を残してください。後日の変更は新しい from ブロックで書きます")),
        _code("PC0406", "invalid-date", E,
              ("{text} is not a valid date{detail}", "{text} は正しい日付ではありません{detail_ja}"),
              ("write a day that exists, as YYYY-MM-DD, e.g. 2024-04-01",
               "実在する日付を YYYY-MM-DD の形で書いてください（例: 2024-04-01）")),
        _code("PC0407", "dates-out-of-order", E,
              ("`from {date}` comes after `from {previous}`; blocks must be in date order",
               "from {date} が from {previous} の後にあります。日付の古い順に並べてください"),
              ("move this block above the {previous} block",
               "このブロックを {previous} のブロックより前に移してください")),
        _code("PC0408", "assignment-outside-block", E,
              ("{name} is set outside any `from DATE` block",
               "「{name}」が from ブロックの外で設定されています"),
              ("put a line such as `from 2024-04-01` above it",
               "この行の前に from 2024-04-01 のような行を書いてください")),
        _code("PC0410", "repeated-date", E,
              ("`from {date}` repeats the date of the block on line {line}",
               "from {date} は {line} 行目のブロックと同じ日付です"),
              ("put these values into that block, or give this block its own date",
               "このブロックの設定を前のブロックにまとめるか、別の日付にしてください")),
        _code("PC0411", "review-pending", E,
              (("{name} is marked `review`: it was copied from another town and has not been "
               "confirmed for this one"),
               "「{name}」には review の印があります。他の団体から写した値で、まだ確認されていません"),
              (("check the value against your town's ordinance, then delete `review` at the start "
               "of the line"), "条例と照らして値を確認し、行頭の review を削除してください")),
        _code("PC0412", "unused-value", E,
              (("{name} is set, but it is used only when {switch} is {member}; as of {date} "
                "{switch} is {actual}"),
               ("「{name}」が設定されていますが、この値は「{switch}」が {member_ja} のときだけ使われます"
                "（{date} 時点の「{switch}」は {actual}）")),
              (("set {switch} = {member} if {name} applies to your town; otherwise delete the "
                "line (or set it back to the core's default, {default})"),
               ("本団体で「{name}」を使うなら {switch} = {member_ja} にしてください。使わないなら"
                "この行を削除してください（または既定値 {default_ja} に戻してください）"))),
        _code("PC0413", "beyond-law-horizon", W,
              (("`from {date}` is after {horizon}, the last date core {core} {version} knows the "
                "law for; no evaluation as of {date} is made with this core (only projections)"),
               ("from {date} は、本体 {core} {version} の法令がわかっている最終日 {horizon} より後です。"
                "この本体では {date} 以後の計算はできません（試算のみ）")),
              (("keep the values if they are decided (they take effect once a core release with "
                "that fiscal year's law is installed); ask the vendor for that release"),
               ("決まっている値ならそのままで構いません（その年度の法令を反映した本体の版を入れると"
                "使われます）。その版についてはベンダーに確認してください"))),
        _code("PC0414", "set-by-prefecture", E,
              (("{name} is set by the prefecture, not by a town: {owner}'s profile sets it for "
                "every town of the prefecture"),
               ("「{name}」は都道府県が定める値で、市町村のプロファイルでは設定できません"
                "（{owner_ja}のプロファイルが全市町村の値を定めます）")),
              (("delete this line{within}; if the value is wrong, have {owner}'s profile "
                "corrected (its value applies to your town)"),
               ("この行を削除してください{within_ja}。値が違う場合は{owner_ja}のプロファイルを"
                "直してもらってください（その値が本団体に適用されます）"))),
        _code("PC0409", "empty-block", W,
              ("`from {date}` sets nothing", "from {date} のブロックに設定がありません"),
              ("add assignments below it, or delete the line",
               "設定を書き足すか、この行を削除してください")),
        # ---- PC05xx: tables --------------------------------------------------------------
        _code("PC0501", "brackets-unsorted", E,
              ("the row {this} comes after the row {previous}; rows must rise from top to bottom",
               "{this_ja} の行が {previous_ja} の行より後にあります。上から小さい順に並べてください"),
              ("reorder the rows by {axis}", "「{axis}」の小さい順に行を並べ替えてください")),
        _code("PC0502", "brackets-gap", E,
              ("no bracket covers {axis} from {low} to below {high}",
               "「{axis}」の {low} 以上 {high} 未満に当たる区分がありません"),
              ("add a row for that range or widen a neighbour",
               "その範囲の行を追加するか、隣の区分を広げてください")),
        _code("PC0503", "brackets-overlap", E,
              ("brackets overlap: {axis} from {low} to below {high} is in two rows",
               "区分が重なっています: 「{axis}」の {low} 以上 {high} 未満が二つの行に含まれます"),
              ("make each row start where the previous one ends",
               "各行の下限を前の行の上限と同じにしてください")),
        _code("PC0504", "brackets-not-covering", E,
              ("the brackets do not cover {axis} {range}",
               "「{axis}」の {range_ja} に当たる行がありません"),
              ("{fix}", "{fix_ja}")),
        _code("PC0505", "category-missing", E,
              ("{axis} {member} has no {where}", "「{axis}」の「{member}」の{where_ja}がありません"),
              ("add a {where} for {member}", "「{member}」の{where_ja}を追加してください")),
        _code("PC0506", "category-repeated", E,
              ("{axis} {member} appears twice", "「{axis}」の「{member}」が二回出てきます"),
              ("keep one {where} for {member}", "「{member}」の{where_ja}を一つにしてください")),
        _code("PC0507", "table-above-ceiling", E,
              ("{name}[{cell}] = {value} is above {bound_name} {bound} for {axis} {range}",
               ("「{name}」の {cell} の値 {value} が、「{axis}」{range_ja}で"
                "「{bound_name}」の {bound} を超えています")),
              ("lower this cell to at most {lowest}{or_split}",
               "このセルを {lowest} 以下にしてください{or_split_ja}")),
        _code("PC0508", "table-not-monotone", E,
              (("{name}[{cell}] = {value} for {axis} {range} is {relation} the row above "
                "({previous}); it must never {verb} as {axis} rises"),
               ("「{name}」の {cell}（「{axis}」{range_ja}）の値 {value} が上の行の {previous} より"
                "{relation_ja}なっています。「{axis}」が増えるにつれて{verb_ja}ことはできません")),
              ("check the figures against the ordinance's table",
               "条例の表と数値を見比べてください")),
        _code("PC0509", "grid-shape", E,
              ("this row has {found} cells but the header has {expected}",
               "この行のセルは {found} 個ですが、見出し行は {expected} 個です"),
              ("give every row as many cells as the header row, each between | signs",
               "すべての行のセルを見出し行と同じ数にし、それぞれを | で区切ってください")),
        _code("PC0510", "grid-header-axis", E,
              ("the header row must start with {axis}, the axis that keys the rows (not {found})",
               "見出し行は、行を区分する軸「{axis}」で始めます（「{found}」ではありません）"),
              ("start the header with | {axis} |", "見出し行を | {axis} | で始めてください")),
        _code("PC0511", "grid-value-column", E,
              ("this table has exactly one value column after its key column, not {found}",
               "この表の値の列は、キーの列の後に一つだけです（{found} 列ではありません）"),
              ("keep one value column, e.g. | 税額 |",
               "値の列を一つにしてください（例: | 税額 |）")),
        _code("PC0512", "grid-column-header", E,
              ("the column header `{found}` must name one member of each of {axes}",
               "列の見出し「{found}」には「{axes_ja}」の区分を一つずつ書きます"),
              ("write the members separated by spaces, e.g. | {example} |",
               "区分を空白で区切って書いてください（例: | {example} |）")),
        _code("PC0513", "grid-row-member", E,
              ("this row's key `{found}` must be one member of {enum}",
               "この行のキー「{found}」には「{enum}」の区分を一つ書きます"),
              ("write one of {members}", "{members_ja} のいずれかを書いてください")),
        _code("PC0514", "grid-bracket-key", E,
              ("`{key}` is not a bracket of {axis}",
               "「{key}」は「{axis}」の区分の書き方ではありません"),
              ("{fix}", "{fix_ja}")),
        _code("PC0515", "grid-cell-value", E,
              ("each cell holds exactly one value; this one holds {count}: {found}",
               "セルには値を一つだけ書きます。このセルには {count} 個あります: {found_ja}"),
              ("write one value such as {example}", "{example} のように値を一つ書いてください")),
        # ---- PC06xx: header, code, versions ---------------------------------------------
        _code("PC0601", "bad-municipality-code", E,
              ("{code} is not a valid 地方公共団体コード: {detail}",
               "{code} は正しい地方公共団体コードではありません: {detail_ja}"),
              ("{fix}", "{fix_ja}")),
        _code("PC0602", "core-mismatch", E,
              ("{detail}", "{detail_ja}"),
              ("{fix}", "{fix_ja}")),
        _code("PC0603", "prefecture-not-found", E,
              ("no prefecture profile of {name} was found{looked}",
               "「{name}」の都道府県プロファイルが見つかりません{looked_ja}"),
              (("put the prefecture's profile (`prefecture \"{name}\" code …`) in a "
                "prefectures/ folder beside the town or above it, or name its folder in "
                'paramcfg.toml with prefectures = "DIR"; check the name in the within line'),
               ('都道府県のプロファイル（prefecture "{name}" code …）を市町村のフォルダかその上の '
                'prefectures/ フォルダに置くか、paramcfg.toml に prefectures = "DIR" と書いて'
                "そのフォルダを指定してください。within 行の名前も確認してください"))),
        _code("PC0604", "prefecture-mismatch", E,
              ("{detail}", "{detail_ja}"),
              ("{fix}", "{fix_ja}")),
        _code("PC0605", "prefecture-has-errors", E,
              ("the prefecture profile {path} ({name}) has {errors} error(s)",
               "都道府県のプロファイル {path}（{name}）にエラーが {errors} 件あります"),
              (("run paramcfg check {path} and correct it; until then this town's values cannot "
               "be computed"),
               "paramcfg check {path} を実行して直してください。直るまで本団体の値は計算できません")),
        # ---- PC07xx: the core itself (vendors) ------------------------------------------
        _code("PC0701", "bad-declaration", E,
              ("{name} is required, so it has no default",
               "「{name}」は required なので既定値は書けません"),
              ("remove `required` or the default", "required か既定値のどちらかを削除してください")),
        _code("PC0702", "required-and-fixed", E,
              ("{name} cannot be both required and fixed",
               "「{name}」を required と fixed の両方にはできません"),
              (("keep `fixed` (with a default) for a value the law sets, or `required` for one "
                "each town sets"),
               "法令で決まる値なら fixed と既定値を、団体ごとに決める値なら required を残してください")),
        _code("PC0703", "missing-default", E,
              ("{name} needs a default value or `required`",
               "「{name}」には既定値（default）か required が必要です"),
              ("add `default …` (the value for towns that do not set it), or `required`",
               "default …（設定しない団体に使う値）か required を書き足してください")),
        _code("PC0704", "clause-repeated", E,
              ("`{clause}` is given twice for {name}", "「{name}」に {clause} が二回あります"),
              ("keep one `{clause}`", "{clause} を一つにしてください")),
        _code("PC0705", "monotone-axis", E,
              ("{direction} along {axis}: {name} has no bracket axis {axis}",
               "{direction} along {axis}: 「{name}」に数値の区分の軸「{axis}」がありません"),
              ("name the table's bracket axis (a numeric axis such as 所得割額), or remove the clause",
               "表の数値の区分の軸（所得割額 など）を指定するか、この指定を削除してください")),
        _code("PC0706", "axis-type", E,
              ("axis {axis} must be numeric (brackets) or an enum, not {found}",
               "軸「{axis}」は数値型（区分）か列挙型です（{found} ではありません）"),
              ("use yen, int, decimal or rate for brackets, or an enum for categories",
               "区分なら yen・int・decimal・rate を、分類なら列挙型を使ってください")),
        _code("PC0707", "two-bracket-axes", E,
              ("a table has at most one bracket axis; this one has {axes}",
               "表の区分（数値の範囲）の軸は一つまでです（「{axes_ja}」があります）"),
              ("split it into several tables, one per bracket axis",
               "区分の軸ごとに、複数の表に分けてください")),
        _code("PC0708", "duplicate-axis", E,
              ("two axes of this table are named {axis}", "この表には「{axis}」という軸が二つあります"),
              ("give each axis its own name", "軸にそれぞれ別の名前を付けてください")),
        _code("PC0709", "scale-type", E,
              ("a scale's {part} must be {kind}, not {found}",
               "税率表（scale）の{part_ja}は{kind_ja}です（{found} ではありません）"),
              ("write it as {example}", "{example} のように書いてください")),
        _code("PC0710", "type-cycle", E,
              ("type {name} refers to itself", "型「{name}」が自分自身を参照しています"),
              ("define the type from other types only", "型をほかの型だけで定義してください")),
        _code("PC0711", "switch-not-enum", E,
              ("`when {switch} == …` needs a parameter of an enum type; {switch} is {type}",
               "when の「{switch}」は列挙型のパラメータでなければなりません（{type} です）"),
              ("switch on a parameter whose type is an enum",
               "型が列挙型のパラメータで切り替えてください")),
        _code("PC0712", "switch-member", E,
              ("{member} is not a member of {enum}, the type of {switch}",
               "「{member}」は「{switch}」の型 {enum} の要素ではありません"),
              ("use one of: {members}", "次のどれかを書いてください: {members_ja}")),
        _code("PC0713", "prefecture-and-fixed", E,
              ("{name} cannot be both fixed and set by prefecture",
               "「{name}」を fixed と set by prefecture の両方にはできません"),
              (("remove `fixed` if the prefecture decides the value, or `set by prefecture` if "
                "the law does"),
               ("都道府県が値を決めるなら fixed を、法令で決まるなら set by prefecture を削除して"
                "ください"))),
        _code("PC0714", "table-record-field", E,
              (("field {field} of record {record} is {found}: a table's cell holds one value, so "
               "every field of a table's record must be a single value"),
               ("レコード「{record}」の項目「{field}」は {found} です。表のセルには値を一つ書くので、"
               "表のレコードの項目は一つの値の型でなければなりません")),
              (("give the field a type such as int, decimal, yen, rate, bool, an enum, monthday, "
                "date or text"),
               ("項目の型を int、decimal、yen、rate、bool、列挙型、monthday、date、text の"
                "いずれかにしてください"))),
        _code("PC0715", "limit-fits-no-field", E,
              ("`{limit}` fits no field of {record}, the cells of {name} ({fields})",
               ("「{limit}」は「{name}」のセルのレコード「{record}」のどの項目にも当てはまりません"
               "（{fields_ja}）")),
              (("compare amounts with amounts (`min 0円`) and numbers or rates with numbers or "
                "rates (`min 0`, `max 2.5`), or a table of the same record"),
               ("金額には金額（min 0円）、数・率には数・率（min 0、max 2.5）、または同じレコードの表を"
                "書いてください"))),
        # ---- PC08xx: rules (vendors) ------------------------------------------------
        _code("PC0801", "rule-type-error", E,
              ("{detail}", "{detail_ja}"),
              ("{fix}", "{fix_ja}")),
        _code("PC0802", "unrounded-yen", E,
              (("rule {name} returns yen, but this is a fractional amount (yen × rate or a "
               "division) that is never rounded"),
               ("ルール「{name}」は円を返しますが、この式は端数のある金額（金額×率や割り算）の"
               "ままで、端数処理がありません")),
              ("round it as the law says, e.g. floor(…, 100) or round_half_up(…, 1)",
               "法令の定めに従って端数処理してください（例: floor(…, 100)、round_half_up(…, 1)）")),
        _code("PC0803", "rule-cycle", E,
              ("rules call each other in a cycle: {cycle}",
               "ルールが循環して呼び出されています: {cycle}"),
              ("break the cycle: a rule may only use rules that do not use it",
               "循環を断ってください。ルールは自分を使うルールを呼び出せません")),
        _code("PC0804", "wrong-arguments", E,
              ("{name} needs {expected} argument(s) but was given {found}",
               "「{name}」の引数は {expected} 個ですが、{found} 個が渡されています"),
              ("give one argument per parameter (for a table, one key per axis, in order)",
               "引数を宣言どおりの数で渡してください（表なら軸ごとのキーを宣言順に）")),
        # PC0801 split (issue 14): each kind of rule error has its own code.
        _code("PC0805", "unit-mismatch", E,
              ("cannot compute {left} {op} {right}", "{left} {op} {right} は計算できません"),
              (("amounts combine with amounts (円) and scale by numbers or rates; "
               "write 円 on amounts"),
               "金額どうしの加減、金額と数値・率の乗除だけができます。金額には円を付けてください")),
        _code("PC0806", "incomparable", E,
              ("cannot compare {left} {op} {right}", "{left} と {right} は {op} で比べられません"),
              (("compare like with like: amounts with amounts (write 円), numbers and rates with "
               "numbers and rates, dates with dates"),
               "金額は金額（円を付けて）と、数値・率は数値・率と、日付は日付と比べてください")),
        _code("PC0807", "not-a-condition", E,
              ("`{op}` needs true/false, not {found}",
               "{op_ja}には真偽値が必要です（{found} ではなく）"),
              ("write a comparison such as 所得 > 0円, or a true/false input or parameter",
               "所得 > 0円 のような比較か、真偽値の入力・パラメータを書いてください")),
        _code("PC0808", "branch-types", E,
              ("the branches differ: {then} and {else_}",
               "then と else の型が違います: {then} と {else_}"),
              ("give both branches one type: beside an amount write 0円, not 0",
               "二つの分岐を同じ型にしてください（金額と並べるなら 0 ではなく 0円）")),
        _code("PC0809", "key-type", E,
              ("{name} is keyed by {key}, not {found}",
               "「{name}」の{key_ja} です（{found} ではなく）"),
              ("look it up with a value of that type, one key per axis in the declared order",
               "その型の値で、軸ごとのキーを宣言順に渡してください")),
        _code("PC0810", "rounding-unit", E,
              ("the rounding unit of {name} must be {want}",
               "{name} の端数処理の単位は{want_ja}です"),
              ("write the unit as a number: {name}(x, 100) for 100円未満切捨て",
               "単位を数で書いてください（100円未満切捨てなら {name}(x, 100)）")),
        _code("PC0811", "rule-body-type", E,
              ("rule {name} returns {declared}, but its body is {found}",
               "ルール「{name}」の型は {declared} ですが、本体は {found} です"),
              ("make the body give {declared}, or declare the rule `: {found}`",
               "本体が {declared} になるように直すか、ルールの型を「: {found}」と宣言してください")),
        _code("PC0812", "argument-type", E,
              ("{name}: {what} must be {want}, not {found}",
               "「{name}」の{what_ja}は{want_ja}です（{found_ja} ではなく）"),
              ("call it as {call}", "{call} の形で呼び出してください")),
        # ---- PC09xx: tables read from Excel and CSV (paramcfg import-table) ---------------
        _code("PC0901", "table-file-unreadable", E,
              ("cannot read the table: {detail}", "表を読み込めません: {detail_ja}"),
              ("{fix}", "{fix_ja}")),
        _code("PC0902", "table-header-unmatched", E,
              ("{detail}", "{detail_ja}"),
              ("{fix}", "{fix_ja}")),
        _code("PC0903", "table-key-unmatched", E,
              ("{found!r} is not a key of {axis} (expected {expected})",
               "「{found}」は「{axis}」のキーになりません（書き方: {expected}）"),
              ("{fix}", "{fix_ja}")),
        _code("PC0904", "inexact-cell", E,
              ("{found} cannot be read exactly as {expected}: {detail}",
               "{found} は {expected} として正確に読めません: {detail_ja}"),
              ("{fix}", "{fix_ja}")),
        _code("PC0905", "table-cell-invalid", E,
              ("{found!r} cannot be read as {expected}: {detail}",
               "「{found}」は {expected} として読めません: {detail_ja}"),
              ("{fix}", "{fix_ja}")),
    )
}

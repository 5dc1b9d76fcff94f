"""``paramcfg batch --members FILE --key COLUMN`` (issue 15 item 3): NHI members (国保.被保険者,
a list of records) from a second file keyed by household.  Every household still computed gets
exactly what ``evaluate`` gives it with its members; a member row matching no household, a
household key given twice, a household without members, a member row with a bad or missing
field, a row of the wrong width: each a located rejection (file, line, column, reason; en and
ja), every other household computed.  CSV, JSON Lines and Parquet members; ``--jobs 2`` alike.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from typing import TYPE_CHECKING, Any

import pytest
from helpers import ROOT

from paramcfg.cli import main

if TYPE_CHECKING:
    from pathlib import Path

    from paramcfg.engine import Tenant

TOWN = str(ROOT / "tenant_profiles" / "naka.pcfg")
NHI = "国保.年税額"
ON = dt.date(2024, 6, 1)
HOUSEHOLD = ["世帯番号", "国保.被保険者以外の判定所得", "国保.特定同一世帯所属者数", "国保.給与所得者等の数",
             "国保.特定世帯区分"]
MEMBER = ["世帯番号", "氏名", "生年月日", "総所得金額等", "軽減判定所得"]


def generate(n: int, seed: int = 1) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``n`` households (key 世帯番号) and their 1-5 members, as text cells of the two files."""
    rnd = random.Random(seed)  # noqa: S311 - test data
    households, members = [], []
    for i in range(n):
        key = f"世帯{i:05d}"
        households.append({"世帯番号": key,
                           "国保.被保険者以外の判定所得": str(rnd.choice([0, 0, rnd.randrange(2_000_000)])),
                           "国保.特定同一世帯所属者数": str(rnd.choice([0, 0, 1])),
                           "国保.給与所得者等の数": str(rnd.randrange(0, 3)),
                           "国保.特定世帯区分": rnd.choice(["該当なし", "該当なし", "特定世帯"])})
        for k in range(rnd.randint(1, 5)):
            income = rnd.choice([0, rnd.randrange(1_000_000), rnd.randrange(12_000_000)])
            members.append({"世帯番号": key, "氏名": f"国保 太郎{k}",
                            "生年月日": dt.date(rnd.randrange(1950, 2024), rnd.randrange(1, 13),
                                            rnd.randrange(1, 29)).isoformat(),
                            "総所得金額等": str(income), "軽減判定所得": str(income)})
    return households, members


def write_csv(path: Path, header: list[str], rows: list[dict[str, Any]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, header)
        writer.writeheader()
        writer.writerows(rows)
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def expected(town: Tenant, household: dict[str, Any], members: list[dict[str, Any]]) -> object:
    """What evaluate gives the household, its members read by hand from the text cells."""
    inputs: dict[str, object] = {k: (v if k == "国保.特定世帯区分" else int(v))
                                 for k, v in household.items() if k != "世帯番号"}
    inputs["国保.被保険者"] = [{"生年月日": dt.date.fromisoformat(m["生年月日"]),
                           "総所得金額等": int(m["総所得金額等"]), "軽減判定所得": int(m["軽減判定所得"])}
                          for m in members]
    return town.evaluate(NHI, inputs, ON)


def batch(tmp_path: Path, inputs: Path, members: Path, *extra: str, out: str = "out.csv") -> int:
    return main(["batch", TOWN, NHI, "--inputs", str(inputs), "--members", str(members),
                 "--key", "世帯番号", "--on", "2024-06-01", "-o", str(tmp_path / out),
                 "--keep", "世帯番号", *extra])


def assert_results(town: Tenant, results: list[dict[str, str]], households: list[dict[str, Any]],
                   members: list[dict[str, Any]]) -> None:
    """Every result row is evaluate's answer for its household with its members."""
    by_key: dict[str, list[dict[str, Any]]] = {}
    for m in members:
        by_key.setdefault(m["世帯番号"], []).append(m)
    house = {h["世帯番号"]: h for h in households}
    for r in results:
        assert int(r[NHI]) == expected(town, house[r["世帯番号"]], by_key[r["世帯番号"]]), r


def test_members_from_a_csv_give_what_evaluate_gives(tmp_path, tenants, capsys):
    households, members = generate(300)
    inputs = write_csv(tmp_path / "世帯.csv", HOUSEHOLD, households)
    mfile = write_csv(tmp_path / "被保険者.csv", MEMBER, members)
    assert batch(tmp_path, inputs, mfile, "--lang", "en") == 0
    results = read_csv(tmp_path / "out.csv")
    assert [r["世帯番号"] for r in results] == [h["世帯番号"] for h in households]
    assert [int(r["line"]) for r in results] == list(range(2, 302))
    assert_results(tenants["naka"], results, households, members)
    err = capsys.readouterr().err
    assert "300 rows: 300 results written" in err
    assert f"{len(members):,} member rows of {mfile}: 0 rejected" in err


def test_each_bad_household_or_member_row_is_located_and_the_rest_computed(tmp_path, tenants,
                                                                          capsys):
    households, members = generate(200, seed=2)
    lost = [households[10]["世帯番号"], households[20]["世帯番号"]]  # their members: orphans
    households[10]["世帯番号"] = households[9]["世帯番号"]       # lines 11 and 12: the same key
    households[20]["世帯番号"] = ""                            # line 22: no key; its members
    first = {m["世帯番号"]: i for i, m in reversed(list(enumerate(members)))}
    m30 = first[households[30]["世帯番号"]]
    members[m30]["総所得金額等"] = "12.5"                        # a bad amount
    m40 = first[households[40]["世帯番号"]]
    members[m40]["生年月日"] = ""                               # a field without a default
    members = [m for m in members if m["世帯番号"] != households[50]["世帯番号"]]  # no members
    members.append({**members[0], "世帯番号": "世帯99999"})       # matches no household
    inputs = write_csv(tmp_path / "世帯.csv", HOUSEHOLD, households)
    mfile = write_csv(tmp_path / "被保険者.csv", MEMBER, members)
    m30_line = members.index(next(m for m in members if m["総所得金額等"] == "12.5")) + 2
    m40_line = members.index(next(m for m in members if m["生年月日"] == "")) + 2
    assert batch(tmp_path, inputs, mfile, "--lang", "en") == 1
    results = read_csv(tmp_path / "out.csv")
    assert len(results) == 200 - 6
    bad_keys = {households[i]["世帯番号"] for i in (9, 20, 30, 40, 50)}
    assert not bad_keys & {r["世帯番号"] for r in results}
    assert_results(tenants["naka"], results, households, members)
    rejected = read_csv(tmp_path / "out.rejected.csv")
    where = [(r["file"], int(r["line"])) for r in rejected]
    orphans = [i + 2 for i, m in enumerate(members) if m["世帯番号"] in {*lost, "世帯99999"}]
    assert where == [(str(inputs), 11), (str(inputs), 12), (str(inputs), 22), (str(inputs), 32),
                     (str(inputs), 42), (str(inputs), 52),
                     *((str(mfile), line) for line in sorted([m30_line, m40_line, *orphans]))]
    reasons = [r["reason"] for r in rejected]
    key9 = households[9]["世帯番号"]
    assert reasons[0] == (f"{inputs}:11: 世帯番号 {key9} is also on line 12; each household needs "
                          f"its own 世帯番号, by which its members in {mfile} are found")
    assert f"{inputs}:12: 世帯番号 {key9} is also on line 11" in reasons[1]
    assert reasons[2].startswith(f"{inputs}:22: column 世帯番号 is empty")
    assert f"its member row {mfile}:{m30_line} cannot be read" in reasons[3]
    assert f"its member row {mfile}:{m40_line} cannot be read" in reasons[4]
    assert f"no row of {mfile} has this 世帯番号" in reasons[5]
    by_line = {int(r["line"]): r for r in rejected if r["file"] == str(mfile)}
    assert by_line[m30_line]["reason"] == (
        f"{mfile}:{m30_line}: column 総所得金額等: cannot read '12.5' as an amount in yen such as "
        "48,600円; correct the value in this row")
    assert by_line[m30_line]["氏名"].startswith("国保 太郎")  # the member row as it was read
    assert by_line[m40_line]["reason"] == (
        f"{mfile}:{m40_line}: column 生年月日 is empty, but every 国保被保険者 needs it; fill it in")
    assert by_line[orphans[0]]["reason"].startswith(f"{mfile}:{orphans[0]}: 世帯番号 {lost[0]} matches")
    assert by_line[len(members) + 1]["reason"] == (
        f"{mfile}:{len(members) + 1}: 世帯番号 世帯99999 matches no household of {inputs}; correct "
        "the key, or add the household")
    assert rejected[0]["国保.特定世帯区分"] == households[9]["国保.特定世帯区分"]  # the row read
    err = capsys.readouterr().err
    assert "200 rows: 194 results written" in err
    assert "6 rejected" in err
    assert f"{len(members):,} member rows of {mfile}: {2 + len(orphans)} rejected" in err


def test_the_reasons_in_japanese(tmp_path, capsys):
    households, members = generate(20, seed=3)
    households[3]["世帯番号"] = households[2]["世帯番号"]
    members.append({**members[0], "世帯番号": "世帯99999"})
    members[1]["軽減判定所得"] = "たくさん"
    inputs = write_csv(tmp_path / "世帯.csv", HOUSEHOLD, households)
    mfile = write_csv(tmp_path / "被保険者.csv", MEMBER, members)
    assert batch(tmp_path, inputs, mfile, "--lang", "ja") == 1
    reasons = [r["reason"] for r in read_csv(tmp_path / "out.rejected.csv")]
    key = households[2]["世帯番号"]
    assert any(f"{inputs}:4: 世帯番号 {key} は 5 行目にもあります" in r for r in reasons)
    assert any(f"{mfile}:3: 列「軽減判定所得」: 'たくさん' を" in r for r in reasons)
    assert any(f"{mfile}:{len(members) + 1}: 世帯番号 世帯99999 の世帯が {inputs} にありません" in r
               for r in reasons)
    err = capsys.readouterr().err
    assert "の世帯が" not in err  # the summary only
    assert "行は使えませんでした" in err


def test_a_member_row_of_the_wrong_width_rejects_its_household(tmp_path, capsys):
    households, members = generate(10, seed=4)
    inputs = write_csv(tmp_path / "世帯.csv", HOUSEHOLD, households)
    mfile = write_csv(tmp_path / "被保険者.csv", MEMBER, members)
    with mfile.open("a", encoding="utf-8") as f:
        f.write(f"{households[7]['世帯番号']},国保 花子,1980-01-01\n")  # cut short: not left out
    assert batch(tmp_path, inputs, mfile, "--lang", "en") == 1
    results = read_csv(tmp_path / "out.csv")
    assert households[7]["世帯番号"] not in {r["世帯番号"] for r in results}
    assert len(results) == 9
    rejected = read_csv(tmp_path / "out.rejected.csv")
    assert [(r["file"], int(r["line"])) for r in rejected] == [
        (str(inputs), 9), (str(mfile), len(members) + 2)]
    assert "3 fields, but the header names 5" in rejected[1]["reason"]
    capsys.readouterr()


def test_the_members_of_a_household_row_of_the_wrong_width_are_no_orphans(tmp_path, capsys):
    households, members = generate(5, seed=10)
    inputs = write_csv(tmp_path / "世帯.csv", HOUSEHOLD, households)
    members.append({**members[0], "世帯番号": "世帯77777"})
    mfile = write_csv(tmp_path / "被保険者.csv", MEMBER, members)
    with inputs.open("a", encoding="utf-8") as f:
        f.write("世帯77777,0,0\n")  # cut short: rejected as a row; its member is no orphan
    assert batch(tmp_path, inputs, mfile, "--lang", "en") == 1
    rejected = read_csv(tmp_path / "out.rejected.csv")
    assert [(r["file"], int(r["line"])) for r in rejected] == [(str(inputs), 7)]
    assert "3 fields, but the header names 5" in rejected[0]["reason"]
    assert len(read_csv(tmp_path / "out.csv")) == 5
    capsys.readouterr()


def test_members_as_json_lines_with_the_households_as_json_lines(tmp_path, tenants, capsys):
    households, members = generate(60, seed=5)
    numbered = [{**h, "世帯番号": i, **{k: (v if k == "国保.特定世帯区分" else int(v))
                                   for k, v in h.items() if k != "世帯番号"}}
                for i, h in enumerate(households)]
    keys = {h["世帯番号"]: i for i, h in enumerate(households)}
    lines = [json.dumps({**m, "世帯番号": keys[m["世帯番号"]], "総所得金額等": int(m["総所得金額等"]),
                         "軽減判定所得": int(m["軽減判定所得"])}, ensure_ascii=False) for m in members]
    lines.insert(3, "{not json")
    (tmp_path / "h.jsonl").write_text("".join(json.dumps(h, ensure_ascii=False) + "\n"
                                              for h in numbered), encoding="utf-8")
    (tmp_path / "m.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert batch(tmp_path, tmp_path / "h.jsonl", tmp_path / "m.jsonl", out="out.jsonl") == 1
    got = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(got) == 60  # a line that is no JSON names no household: only itself rejected
    town = tenants["naka"]
    for record in got:
        mine = [m for m in members if keys[m["世帯番号"]] == record["世帯番号"]]
        assert record[NHI] == expected(town, households[record["世帯番号"]], mine)
    rejected = [json.loads(x) for x in
                (tmp_path / "out.rejected.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r["file"], r["line"]) for r in rejected] == [(str(tmp_path / "m.jsonl"), 4)]
    capsys.readouterr()


def test_members_from_parquet(tmp_path, tenants, capsys):
    pa = pytest.importorskip("pyarrow", reason="pyarrow is not installed (paramcfg[batch])")
    pq = pytest.importorskip("pyarrow.parquet")
    households, members = generate(50, seed=6)
    inputs = write_csv(tmp_path / "世帯.csv", HOUSEHOLD, households)
    table = pa.table({"世帯番号": [m["世帯番号"] for m in members],
                      "生年月日": [dt.date.fromisoformat(m["生年月日"]) for m in members],
                      "総所得金額等": [int(m["総所得金額等"]) for m in members],
                      "軽減判定所得": [int(m["軽減判定所得"]) for m in members]})
    pq.write_table(table, tmp_path / "m.parquet")
    assert batch(tmp_path, inputs, tmp_path / "m.parquet") == 0
    assert_results(tenants["naka"], read_csv(tmp_path / "out.csv"), households, members)
    assert len(read_csv(tmp_path / "out.csv")) == 50
    capsys.readouterr()


def test_jobs_2_writes_the_same_files(tmp_path, capsys):
    households, members = generate(400, seed=7)
    households[5]["世帯番号"] = households[4]["世帯番号"]
    members[9]["総所得金額等"] = "-"
    inputs = write_csv(tmp_path / "世帯.csv", HOUSEHOLD, households)
    mfile = write_csv(tmp_path / "被保険者.csv", MEMBER, members)
    outputs = []
    for jobs in ("1", "2"):
        assert batch(tmp_path, inputs, mfile, "--jobs", jobs, out=f"out{jobs}.csv") == 1
        outputs.append(((tmp_path / f"out{jobs}.csv").read_text(encoding="utf-8"),
                        (tmp_path / f"out{jobs}.rejected.csv").read_text(encoding="utf-8")))
    assert outputs[0] == outputs[1]
    assert len(outputs[0][0].splitlines()) == 1 + 400 - 3
    capsys.readouterr()


@pytest.mark.parametrize(("which", "lang", "message"), [
    ("households", "en", ("世帯.csv:1: no column 世帯番号 (--key: it names each household, in both "
                         "files)")),
    ("households", "ja", "世帯.csv:1: 列がありません: 世帯番号（--key: 両方のファイルで世帯を示す列です）"),
    ("members", "en", ("被保険者.csv:1: no column 世帯番号 (--key: it names each household, in "
                      "both files)")),
    ("members", "ja", "被保険者.csv:1: 列がありません: 世帯番号"),
])
def test_a_file_without_the_key_column_is_refused(tmp_path, capsys, which, lang, message):
    households, members = generate(5)
    header = {"households": HOUSEHOLD, "members": MEMBER}[which]
    rows = {"households": households, "members": members}[which]
    renamed = [{("番号" if k == "世帯番号" else k): v for k, v in r.items()} for r in rows]
    other = [("番号" if k == "世帯番号" else k) for k in header]
    inputs = write_csv(tmp_path / "世帯.csv", *((other, renamed) if which == "households"
                                              else (HOUSEHOLD, households)))
    mfile = write_csv(tmp_path / "被保険者.csv", *((other, renamed) if which == "members"
                                                else (MEMBER, members)))
    assert batch(tmp_path, inputs, mfile, "--lang", lang) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out.csv").exists()


def test_a_json_lines_households_file_without_the_key_is_refused(tmp_path, capsys):
    households, members = generate(2, seed=13)
    lines = [json.dumps({k: v for k, v in h.items() if k != "世帯番号"}, ensure_ascii=False)
             for h in households]
    (tmp_path / "h.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    mfile = write_csv(tmp_path / "m.csv", MEMBER, members)
    assert batch(tmp_path, tmp_path / "h.jsonl", mfile, "--lang", "en") == 2
    assert "h.jsonl:1: no column 世帯番号 (--key" in capsys.readouterr().err


def test_a_members_file_without_a_needed_field_or_with_a_misspelt_one_is_refused(tmp_path,
                                                                                 capsys):
    households, members = generate(5)
    inputs = write_csv(tmp_path / "世帯.csv", HOUSEHOLD, households)
    short = [{k: v for k, v in m.items() if k != "生年月日"} for m in members]
    mfile = write_csv(tmp_path / "m.csv", [k for k in MEMBER if k != "生年月日"], short)
    assert batch(tmp_path, inputs, mfile, "--lang", "en") == 2
    assert ("m.csv:1: no column 生年月日 (a field of 国保被保険者 without a default)"
            in capsys.readouterr().err)
    typo = [{**m, "出産予定": ""} for m in members]
    mfile = write_csv(tmp_path / "m.csv", [*MEMBER, "出産予定"], typo)
    assert batch(tmp_path, inputs, mfile, "--lang", "en") == 2
    err = capsys.readouterr().err
    assert "m.csv:1: column 出産予定 is no field of 国保被保険者; did you mean `出産予定日`?" in err


def test_optional_fields_are_read_and_left_out_fields_take_their_default(tmp_path, tenants,
                                                                         capsys):
    households, members = generate(6, seed=8)
    for m in members:
        m["出産予定日"] = ""
    members[0]["出産予定日"] = "[2024-08-10]"  # the 産前産後 reduction: a list of dates
    inputs = write_csv(tmp_path / "世帯.csv", HOUSEHOLD, households)
    mfile = write_csv(tmp_path / "被保険者.csv", [*MEMBER, "出産予定日"], members)
    assert batch(tmp_path, inputs, mfile) == 0
    results = {r["世帯番号"]: int(r[NHI]) for r in read_csv(tmp_path / "out.csv")}
    town = tenants["naka"]
    key = members[0]["世帯番号"]
    mine = [m for m in members if m["世帯番号"] == key]
    inputs_by_hand = {k: (v if k == "国保.特定世帯区分" else int(v))
                      for k, v in households[0].items() if k != "世帯番号"}
    inputs_by_hand["国保.被保険者"] = [
        {"生年月日": dt.date.fromisoformat(m["生年月日"]), "総所得金額等": int(m["総所得金額等"]),
         "軽減判定所得": int(m["軽減判定所得"]),
         **({"出産予定日": [dt.date(2024, 8, 10)]} if i == 0 else {})}
        for i, m in enumerate(mine)]
    assert results[key] == town.evaluate(NHI, inputs_by_hand, ON)
    capsys.readouterr()


@pytest.mark.parametrize(("argv", "message"), [
    (["--key", "世帯番号"], "--key needs --members FILE"),
    (["--members", "m.csv"], "--members m.csv: give --key COLUMN"),
    (["--members", "m.csv", "--key", "世帯番号", "--members-input", "国保.特定世帯区分"],
     ("--members-input 国保.特定世帯区分: not an input of the rule that is a list of records "
     "(the rule's: 国保.被保険者)")),
])
def test_usage_errors_of_the_members_options(tmp_path, capsys, monkeypatch, argv, message):
    households, members = generate(3)
    write_csv(tmp_path / "世帯.csv", HOUSEHOLD, households)
    write_csv(tmp_path / "m.csv", MEMBER, members)
    monkeypatch.chdir(tmp_path)
    assert main(["batch", TOWN, NHI, "--inputs", "世帯.csv", "--on", "2024-06-01", "-o",
                 "out.csv", "--lang", "en", *argv]) == 2
    assert message in capsys.readouterr().err


def test_members_for_a_rule_without_a_list_of_records_are_refused(tmp_path, capsys):
    (tmp_path / "in.csv").write_text("世帯番号,所得割額\n1,0\n", encoding="utf-8")
    write_csv(tmp_path / "m.csv", MEMBER, generate(1)[1])
    assert main(["batch", TOWN, "保育料.月額計算", "--inputs", str(tmp_path / "in.csv"), "--members",
                 str(tmp_path / "m.csv"), "--key", "世帯番号", "--on", "2024-06-01", "-o",
                 str(tmp_path / "o.csv"), "--lang", "ja"]) == 2
    assert "このルールは被保険者などのレコードのリストを使いません" in capsys.readouterr().err


def test_households_and_members_both_from_parquet(tmp_path, tenants, capsys):
    pa = pytest.importorskip("pyarrow", reason="pyarrow is not installed (paramcfg[batch])")
    pq = pytest.importorskip("pyarrow.parquet")
    households, members = generate(40, seed=9)
    households[3]["世帯番号"] = households[2]["世帯番号"]  # rows 3 and 4: the same key
    pq.write_table(pa.table({k: [h[k] if k in {"世帯番号", "国保.特定世帯区分"} else int(h[k])
                                 for h in households] for k in HOUSEHOLD}),
                   tmp_path / "h.parquet")
    pq.write_table(pa.table({"世帯番号": [m["世帯番号"] for m in members],
                             "生年月日": [dt.date.fromisoformat(m["生年月日"]) for m in members],
                             "総所得金額等": [int(m["総所得金額等"]) for m in members],
                             "軽減判定所得": [int(m["軽減判定所得"]) for m in members]}),
                   tmp_path / "m.parquet")
    assert batch(tmp_path, tmp_path / "h.parquet", tmp_path / "m.parquet") == 1
    results = read_csv(tmp_path / "out.csv")
    assert len(results) == 38
    assert_results(tenants["naka"], results, households, members)
    rejected = read_csv(tmp_path / "out.rejected.csv")
    assert [int(r["line"]) for r in rejected[:2]] == [3, 4]  # a Parquet file's rows count from 1
    assert all(r["file"] == str(tmp_path / "m.parquet") for r in rejected[2:])  # 世帯00003's
    capsys.readouterr()


def test_members_given_inline_and_by_a_second_file_are_refused(tmp_path, capsys):
    households, members = generate(2, seed=11)
    lines = [json.dumps({**h, "国保.被保険者": []}, ensure_ascii=False) for h in households]
    (tmp_path / "h.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    mfile = write_csv(tmp_path / "m.csv", MEMBER, members)
    assert batch(tmp_path, tmp_path / "h.jsonl", mfile, "--lang", "ja") == 2
    assert "列「国保.被保険者」がこのファイルにも --members" in capsys.readouterr().err


def test_members_input_names_the_list_the_members_fill(tmp_path, tenants, capsys):
    households, members = generate(30, seed=12)
    inputs = write_csv(tmp_path / "世帯.csv", HOUSEHOLD, households)
    mfile = write_csv(tmp_path / "被保険者.csv", MEMBER, members)
    assert batch(tmp_path, inputs, mfile, "--members-input", "国保.被保険者") == 0
    assert_results(tenants["naka"], read_csv(tmp_path / "out.csv"), households, members)
    capsys.readouterr()

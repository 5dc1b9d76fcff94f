"""``paramcfg batch`` (issue 15 item 3): every row gets its result or a located rejection, the
outputs are written atomically, ``--jobs 2`` gives the same files, and the documented Dask
recipe runs on Dask's local scheduler."""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
import re

import pytest
from helpers import ROOT

from paramcfg.cli import main

TOWN = str(ROOT / "tenant_profiles" / "naka.pcfg")
FEE = "保育料.月額計算"
ON = dt.date(2024, 6, 1)
COLUMNS = ["世帯番号", "所得割額", "認定", "時間", "生活保護世帯", "非課税世帯", "多子順位.未就学児",
           "多子順位.全兄弟"]


def fee_csv(path, n: int, bad: dict[int, tuple[str, str]] | None = None) -> list[dict[str, str]]:
    rnd = random.Random(n)  # noqa: S311 - test data
    rows = []
    for i in range(n):
        order = rnd.choice([1, 1, 2, 3])
        rows.append({"世帯番号": f"H{i:06d}", "所得割額": str(rnd.randrange(0, 600_000)),
                     "認定": rnd.choice(["2号", "3号"]), "時間": rnd.choice(["標準", "短時間"]),
                     "生活保護世帯": "false", "非課税世帯": rnd.choice(["true", "false"]),
                     "多子順位.未就学児": str(rnd.randint(1, order)), "多子順位.全兄弟": str(order)})
    for i, (name, value) in (bad or {}).items():
        rows[i][name] = value
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return rows


def read_csv(path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("n", [3_000, pytest.param(100_000, marks=pytest.mark.slow)])
def test_three_bad_rows_among_many_give_the_rest_and_three_located_errors(tmp_path, tenants,
                                                                          capsys, n):
    bad = {10: ("所得割額", "12.5"), 1500: ("認定", "4号"), n - 1: ("多子順位.全兄弟", "")}
    rows = fee_csv(tmp_path / "in.csv", n, bad)
    code = main(["batch", TOWN, FEE, "--inputs", str(tmp_path / "in.csv"), "--on", "2024-06-01",
                 "-o", str(tmp_path / "out.csv"), "--keep", "世帯番号", "--lang", "en"])
    assert code == 1
    results = read_csv(tmp_path / "out.csv")
    rejected = read_csv(tmp_path / "out.rejected.csv")
    assert len(results) == n - 3
    assert [int(r["line"]) for r in rejected] == [12, 1502, n + 1]  # the header is line 1
    reasons = [r["reason"] for r in rejected]
    assert re.search(r"in\.csv:12: column 所得割額: cannot read '12\.5' as an amount", reasons[0])
    assert "in.csv:1502: 保育料.月額計算: 認定 of rule 保育料.月額計算 must be one of" in reasons[1]
    assert "ibaraki-cloud.pcore:" in reasons[1]  # the rule's place too
    assert f"in.csv:{n + 1}:" in reasons[2]
    assert "needs input 多子順位.全兄弟, which was not given" in reasons[2]
    assert rejected[1]["世帯番号"] == "H001500"
    assert rejected[1]["認定"] == "4号"
    # Every result is what evaluate gives for that household.
    town = tenants["naka"]
    by_id = {r["世帯番号"]: r for r in rows}
    for result in results[:300]:
        row = by_id[result["世帯番号"]]
        inputs = {k: (v == "true" if v in {"true", "false"} else int(v) if v.isdigit() else v)
                  for k, v in row.items() if k != "世帯番号"}
        assert int(result[FEE]) == town.evaluate(FEE, inputs, ON)
    err = capsys.readouterr().err
    assert f"{n:,} rows: {n - 3:,} results written" in err
    assert "3 rejected" in err


def test_jobs_2_writes_the_same_files(tmp_path):
    fee_csv(tmp_path / "in.csv", 2_500, {7: ("時間", "夜間")})
    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}.csv"
        assert main(["batch", TOWN, FEE, "--inputs", str(tmp_path / "in.csv"), "--on",
                     "2024-06-01", "-o", str(out), "--jobs", jobs, "--lang", "ja"]) == 1
        outputs.append((out.read_text(encoding="utf-8"),
                        (tmp_path / f"out{jobs}.rejected.csv").read_text(encoding="utf-8")))
    assert outputs[0] == outputs[1]
    assert "認定区分" in outputs[0][1] or "保育時間" in outputs[0][1] or "夜間" in outputs[0][1]


def test_nhi_households_with_members_from_json_lines(tmp_path, tenants, capsys):
    town = tenants["naka"]
    rule = "国保.年税額"
    households = []
    for i in range(40):
        members = [{"生年月日": f"{1950 + (i * 7 + k) % 70}-0{1 + k % 9}-15",
                    "総所得金額等": (i * 97_531 + k * 13) % 4_000_000,
                    "軽減判定所得": (i * 97_531) % 3_000_000} for k in range(1 + i % 4)]
        households.append({"番号": i, "国保.被保険者": members,
                           "国保.被保険者以外の判定所得": 0, "国保.特定同一世帯所属者数": i % 2,
                           "国保.給与所得者等の数": i % 3, "国保.特定世帯区分": "該当なし"})
    lines = [json.dumps(h, ensure_ascii=False) for h in households]
    lines[5] = "{not json"
    (tmp_path / "in.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["batch", TOWN, rule, "--inputs", str(tmp_path / "in.jsonl"), "--on", "2024-06-01",
                 "-o", str(tmp_path / "out.jsonl"), "--keep", "番号"]) == 1
    got = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(got) == 39
    for record in got:
        h = dict(households[record["番号"]])
        h.pop("番号")
        h["国保.被保険者"] = [{**m, "生年月日": dt.date.fromisoformat(m["生年月日"])}
                          for m in h["国保.被保険者"]]
        assert record[rule] == town.evaluate(rule, h, ON)
    rejected = (tmp_path / "out.rejected.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(rejected) == 1
    assert json.loads(rejected[0])["line"] == 6
    capsys.readouterr()


@pytest.mark.parametrize(("argv", "message"), [
    (["no-such-rule"], "no rule no-such-rule"),
    ([FEE, "--on", "2024-13-01"], "not a date"),
    ([FEE, "--jobs", "0"], "--jobs 0"),
])
def test_usage_errors_exit_2_with_a_message(tmp_path, capsys, argv, message):
    fee_csv(tmp_path / "in.csv", 3)
    rule, *rest = argv
    args = ["batch", TOWN, rule, "--inputs", str(tmp_path / "in.csv"), "-o",
            str(tmp_path / "out.csv"), "--lang", "en", *rest]
    if "--on" not in rest:
        args += ["--on", "2024-06-01"]
    assert main(args) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out.csv").exists()


def test_a_row_of_the_wrong_width_is_rejected_not_guessed(tmp_path, capsys):
    fee_csv(tmp_path / "in.csv", 5)
    with (tmp_path / "in.csv").open("a", encoding="utf-8") as f:
        f.write("H9,1000,3号,標準,false,false,1,1,surplus\nH10,1000,3号\n")
    assert main(["batch", TOWN, FEE, "--inputs", str(tmp_path / "in.csv"), "--on", "2024-06-01",
                 "-o", str(tmp_path / "out.csv"), "--lang", "ja"]) == 1
    assert len(read_csv(tmp_path / "out.csv")) == 5
    reasons = [r["reason"] for r in read_csv(tmp_path / "out.rejected.csv")]
    assert len(reasons) == 2
    assert "in.csv:7: 項目が 9 個ありますが、見出しは 8 個です" in reasons[0]
    assert "in.csv:8: 項目が 3 個" in reasons[1]
    capsys.readouterr()


def test_a_file_without_an_input_column_is_refused(tmp_path, capsys):
    (tmp_path / "in.csv").write_text("所得割額,認定\n1,3号\n", encoding="utf-8")
    assert main(["batch", TOWN, FEE, "--inputs", str(tmp_path / "in.csv"), "--on", "2024-06-01",
                 "-o", str(tmp_path / "out.csv"), "--lang", "en"]) == 2
    assert "in.csv:1: no column" in capsys.readouterr().err


def test_every_row_good_exits_0_and_replaces_the_old_results(tmp_path, capsys):
    fee_csv(tmp_path / "in.csv", 20)
    (tmp_path / "out.csv").write_text("old\n", encoding="utf-8")
    assert main(["batch", TOWN, FEE, "--inputs", str(tmp_path / "in.csv"), "--on", "2024-06-01",
                 "-o", str(tmp_path / "out.csv")]) == 0
    assert len(read_csv(tmp_path / "out.csv")) == 20
    assert read_csv(tmp_path / "out.rejected.csv") == []
    assert not list(tmp_path.glob(".*.tmp"))
    capsys.readouterr()


# ---- the Dask recipe of docs/batch.md -------------------------------------------------------------


def test_the_dask_recipe_runs_on_the_local_scheduler(tenants):
    pytest.importorskip("dask", reason="dask is not installed (pip install 'paramcfg[dask]')")
    text = (ROOT / "docs" / "batch.md").read_text(encoding="utf-8")
    recipe = re.search(r"<!-- dask-recipe -->\s*```python\n(.*?)```", text, re.DOTALL)
    assert recipe is not None, "docs/batch.md lost its Dask recipe"
    namespace: dict[str, object] = {"__name__": "dask_recipe"}
    exec(compile(recipe.group(1), "docs/batch.md", "exec"), namespace)  # noqa: S102 - our docs
    run_towns = namespace["run_towns"]
    rnd = random.Random(5)  # noqa: S311 - test data
    columns = {"所得割額": [rnd.randrange(0, 600_000) for _ in range(300)],
               "認定": ["3号"] * 300, "時間": ["標準", "短時間"] * 150,
               "生活保護世帯": [False] * 300, "非課税世帯": [False] * 299 + [1],
               "多子順位.未就学児": [1] * 300, "多子順位.全兄弟": [1, 2, 3] * 100}
    results = run_towns(list(tenants.values()), FEE, columns, ON)  # type: ignore[operator]
    assert [name for name, _ in results] == [t.name for t in tenants.values()]
    for (_, result), town in zip(results, tenants.values(), strict=True):
        rows = [dict(zip(columns, values, strict=True)) for values in zip(*columns.values(),
                                                                         strict=True)]
        want = town.evaluate_rows(FEE, rows, ON)
        assert [r.value for r in want] == result.values
        assert [e.index for e in result.errors] == [299]

"""Issue 15's acceptance, through the command: the four towns' batch of generated households
gives, for every row, exactly what ``evaluate`` gives — the childcare fee from one CSV (100,000
households in the full tier, ``slow``), and the NHI tax with the members from a second file
(``--members``; 20,000 households in the full tier); a small size of each in the default
tier.  (A CSV with 3 bad rows among 100,000 giving 99,997 results and 3 located errors:
test_cli_batch.py, test_three_bad_rows_among_many_give_the_rest_and_three_located_errors.)
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest
from helpers import ROOT

from paramcfg.cli import main
from unit.test_batch_members import HOUSEHOLD, MEMBER, NHI, expected, generate, write_csv
from unit.test_cli_batch import FEE, fee_csv, read_csv

if TYPE_CHECKING:
    from pathlib import Path

    from paramcfg.engine import Tenant

ON = dt.date(2024, 6, 1)
TOWNS = ["goka", "hitachiomiya", "kasumigaura", "naka"]


def run_batch(town: str, rule: str, inputs: Path, out: Path, *extra: str) -> int:
    return main(["batch", str(ROOT / "tenant_profiles" / f"{town}.pcfg"), rule, "--inputs",
                 str(inputs), "--on", ON.isoformat(), "-o", str(out), "--keep", "世帯番号",
                 "--lang", "en", *extra])


def fee_inputs(row: dict[str, str]) -> dict[str, object]:
    """A generated row's text cells as evaluate's inputs, read by hand."""
    return {k: (v == "true" if v in {"true", "false"} else int(v) if v.isdigit() else v)
            for k, v in row.items() if k != "世帯番号"}


@pytest.mark.parametrize("n", [2_000, pytest.param(100_000, marks=pytest.mark.slow)])
def test_the_four_towns_fee_batch_is_evaluate_for_every_row(tmp_path, tenants: dict[str, Tenant],
                                                            capsys, n):
    rows = fee_csv(tmp_path / "in.csv", n)
    for name in TOWNS:
        town = tenants[name]
        out = tmp_path / f"{name}.csv"
        assert run_batch(name, FEE, tmp_path / "in.csv", out, "--jobs", "2") == 0
        results = read_csv(out)
        assert [r["世帯番号"] for r in results] == [r["世帯番号"] for r in rows]
        for row, result in zip(rows, results, strict=True):
            assert int(result[FEE]) == town.evaluate(FEE, fee_inputs(row), ON), (name, row)
        assert f"{n:,} rows: {n:,} results written" in capsys.readouterr().err


# The NHI rule costs about 0.1 ms a household in the batch and again in evaluate: 20,000
# households in the full tier (about a minute), 100,000 measured by W10 of the benchmarks.
@pytest.mark.parametrize(("towns", "n"), [
    (TOWNS, 150), pytest.param(["naka"], 20_000, marks=pytest.mark.slow)])
def test_the_nhi_batch_with_members_from_a_second_file_is_evaluate_for_every_row(
        tmp_path, tenants: dict[str, Tenant], capsys, towns, n):
    households, members = generate(n, seed=n)
    inputs = write_csv(tmp_path / "世帯.csv", HOUSEHOLD, households)
    mfile = write_csv(tmp_path / "被保険者.csv", MEMBER, members)
    by_key: dict[str, list[dict[str, str]]] = {}
    for m in members:
        by_key.setdefault(m["世帯番号"], []).append(m)
    for name in towns:
        town = tenants[name]
        out = tmp_path / f"{name}.csv"
        assert run_batch(name, NHI, inputs, out, "--members", str(mfile), "--key", "世帯番号",
                         "--jobs", "2") == 0
        results = read_csv(out)
        assert [r["世帯番号"] for r in results] == [h["世帯番号"] for h in households]
        for household, result in zip(households, results, strict=True):
            want = expected(town, household, by_key[household["世帯番号"]])
            assert int(result[NHI]) == want, (name, household)
        assert f"{n:,} rows: {n:,} results written" in capsys.readouterr().err

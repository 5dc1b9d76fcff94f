"""`paramcfg export`: exact round trips, every period, and writes that never lose a file."""

from __future__ import annotations

import datetime as dt
import json
import os
import tomllib
from decimal import Decimal

import pytest
from helpers import ROOT

import paramcfg
from paramcfg.cli import EXIT_OK, EXIT_USAGE, main
from paramcfg.export import export_data, to_json, to_toml, unstructure_value
from paramcfg.fileio import write_atomic

NAKA = ROOT / "tenant_profiles" / "naka.pcfg"
ON = dt.date(2024, 6, 1)


@pytest.fixture(scope="module")
def naka(core):
    return paramcfg.load_tenant(NAKA, core)


def test_toml_round_trip_is_exact(naka):
    text = to_toml(export_data(naka, ON))
    back = tomllib.loads(text, parse_float=Decimal)
    assert back["tenant"] == "那珂市"
    assert back["as_of"] == ON
    params = back["parameters"]
    assert params["固定資産税.税率"] == Decimal("0.014")      # not 0.014000000000000002
    assert type(params["介護.基準額"]) is int
    assert params["国保.課税限度額"][0] == {"国保区分": "医療分", "value": 650_000}
    expected = {name: unstructure_value(v) for name, v in naka.parameters(ON).items()}
    for name, value in expected.items():
        want = value
        if isinstance(value, list) and value and isinstance(value[0], dict):
            # Table rows: TOML has no null, so an open-ended bracket has no "below" key.
            want = [{k: v for k, v in row.items() if v is not None} for row in value]
        assert params[name] == want, name


def test_json_keeps_rates_as_exact_strings(naka):
    data = json.loads(to_json(export_data(naka, ON)))
    assert data["parameters"]["固定資産税.税率"] == "0.014"
    assert data["parameters"]["国保.所得割率"][0] == {"国保区分": "医療分", "value": "0.064"}


def test_all_dates_lists_every_period(naka):
    data = export_data(naka, None, all_dates=True)
    starts = [p["from"] for p in data["periods"]]
    assert starts == naka.periods()
    assert starts[0] == dt.date(2024, 4, 1)
    # The core raises the statutory NHI cap from 2025-04-01 (FY2025: 660,000円).
    by_start = {p["from"]: p["parameters"] for p in data["periods"]}
    assert by_start[dt.date(2024, 4, 1)]["国保.法定限度額"][0]["value"] == 650_000
    assert by_start[dt.date(2025, 4, 1)]["国保.法定限度額"][0]["value"] == 660_000


def test_cli_writes_atomically_to_a_file(tmp_path, capsys):
    out = tmp_path / "naka.toml"
    code = main(["export", str(NAKA), "--on", "2024-06-01", "--format", "toml", "-o", str(out)])
    assert code == EXIT_OK
    assert capsys.readouterr().out == ""
    assert tomllib.loads(out.read_text(encoding="utf-8"))["code"] == "082261"
    assert [p.name for p in tmp_path.iterdir()] == ["naka.toml"]  # no temporary file left


def test_an_interrupted_write_leaves_the_original_intact(tmp_path, monkeypatch):
    target = tmp_path / "町.pcfg"
    original = "元の内容\r\n（CRLF も BOM もそのまま）".encode("utf-8-sig")
    target.write_bytes(original)

    def fail(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)  # the failure strikes between write and rename
    with pytest.raises(OSError, match="No space left"):
        write_atomic(target, "新しい内容\n")
    assert target.read_bytes() == original
    assert [p.name for p in tmp_path.iterdir()] == ["町.pcfg"]


def test_cli_reports_an_unwritable_output(tmp_path, capsys):
    code = main(["export", str(NAKA), "--on", "2024-06-01", "--format", "json",
                 "-o", str(tmp_path / "missing-folder" / "x.json"), "--lang", "en"])
    assert code == EXIT_USAGE
    assert "nothing was changed" in capsys.readouterr().err

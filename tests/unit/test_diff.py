"""`paramcfg diff`: changes per date, tables range by range, records field by field."""

from __future__ import annotations

import json

from helpers import ROOT

from paramcfg.cli import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, main
from paramcfg.diff import diff_tenants
from paramcfg.engine import load_tenant, load_tenant_text

GOKA = ROOT / "tenant_profiles" / "goka.pcfg"
HITACHIOMIYA = ROOT / "tenant_profiles" / "hitachiomiya.pcfg"


def test_a_profile_equals_itself(capsys):
    assert main(["diff", str(GOKA), str(GOKA)]) == EXIT_OK
    assert "0 of " in capsys.readouterr().out


def test_tables_are_compared_over_merged_brackets(core):
    left = load_tenant(HITACHIOMIYA, core)
    right = load_tenant(GOKA, core)
    changes = diff_tenants(core.core, left, right).changes
    by_cell = {(c.parameter, c.cell): (c.old, c.new) for c in changes}
    # 常陸大宮市 splits at 169,000 and 235,000; 五霞町 does not: its 169,000–301,000 bracket is
    # compared with each of 常陸大宮市's two brackets in it.
    assert by_cell[("保育料.月額", "3号 標準, 所得割額 169,000円 以上 235,000円 未満")] == (
        "24,400円", "35,000円")
    assert by_cell[("保育料.月額", "3号 標準, 所得割額 235,000円 以上 301,000円 未満")] == (
        "30,500円", "35,000円")
    assert by_cell[("通知書.発行者", "")] == ("常陸大宮市長", "五霞町長")
    # A table of one category axis is compared member by member.
    assert by_cell[("国保.均等割額", "支援金分")] == ("14,300円", "9,500円")
    assert by_cell[("国保.所得割率", "医療分")] == ("6.4%", "7%")


def test_a_later_change_is_reported_on_its_date(core):
    base = GOKA.read_text(encoding="utf-8")
    changed = base + "\nfrom 2026-10-01\n  固定資産税.税率 = 1.5%\n"
    left = load_tenant_text(base, core, "before.pcfg")
    right = load_tenant_text(changed, core, "after.pcfg")
    result = diff_tenants(core.core, left, right)
    assert [(str(c.date), c.parameter, c.old, c.new) for c in result.changes] == [
        ("2026-10-01", "固定資産税.税率", "1.4%", "1.5%")]
    assert result.differing == 1


def test_against_the_core_defaults(capsys):
    code = main(["diff", str(GOKA), "--core", "--format", "json"])
    assert code == EXIT_FINDINGS
    data = json.loads(capsys.readouterr().out)
    assert data["left"] == "core ibaraki-cloud defaults"
    assert any(c["parameter"] == "保育料.月額" and c["old"] == "(none)" and c["new"] == "(table)"
               for c in data["changes"])
    assert data["parameters"] >= data["differing"] >= 1


def test_markdown_in_japanese(capsys):
    main(["diff", str(HITACHIOMIYA), str(GOKA), "--format", "markdown", "--lang", "ja"])
    out = capsys.readouterr().out
    assert "| 適用日 | パラメータ | セル | 変更前 | 変更後 |" in out
    assert "個のパラメータのうち" in out


def test_diff_needs_something_to_compare():
    assert main(["diff", str(GOKA)]) == EXIT_USAGE

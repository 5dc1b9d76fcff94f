"""The public API: what `import paramcfg` offers, structuring into a vendor's class, no float."""

from __future__ import annotations

import datetime as dt
import io
import re
import tokenize
from decimal import Decimal

import attrs
import pytest
from helpers import ROOT

import paramcfg
from paramcfg.types import MonthDay

ON = dt.date(2024, 6, 1)


def test_everything_in_all_is_importable():
    for name in paramcfg.__all__:
        assert getattr(paramcfg, name) is not None


@attrs.frozen
class FixedAssetSettings:
    """A vendor's own settings class, filled from a tenant's parameters with cattrs."""

    固定資産税_税率: Decimal
    都市計画税_課税: bool
    都市計画税_税率: Decimal
    固定資産税_納期限: tuple[MonthDay, ...]
    unused: int = 0


def test_structure_into_a_vendor_class(core):
    town = paramcfg.load_tenant(ROOT / "tenant_profiles" / "naka.pcfg", core)
    settings = town.structure(FixedAssetSettings, ON)
    assert settings.固定資産税_税率 == Decimal("0.014")
    assert settings.都市計画税_課税 is True          # 那珂市 levies it
    assert settings.都市計画税_税率 == Decimal("0.003")
    assert settings.固定資産税_納期限[0] == MonthDay(4, 30)
    assert settings.unused == 0


def test_check_failed_carries_the_diagnostics(core):
    bad = 'tenant "五霞町" code 085421\nuses "ibaraki-cloud"\nfrom 2024-04-01\n  x = 1\n'
    with pytest.raises(paramcfg.CheckFailed) as err:
        paramcfg.load_tenant_text(bad, core)
    assert {d.code for d in err.value.diagnostics} >= {"PC0404", "PC0401"}


_FLOAT = re.compile(r"\bfloat\b")


def test_no_float_on_any_value_path():
    """`float` may appear in src/ only where an input is *rejected* for being one."""
    allowed = {"runtime.py", "export.py",  # check_input and parse_input refuse floats
               "tablefile.py"}  # an Excel cell holds a float: taken by repr, refused unless exact
    for path in sorted((ROOT / "src" / "paramcfg").glob("*.py")):
        code_tokens = [
            tok for tok in tokenize.generate_tokens(io.StringIO(path.read_text("utf-8")).readline)
            if tok.type == tokenize.NAME and tok.string == "float"
        ]
        if path.name in allowed:
            continue
        assert not code_tokens, f"{path.name} uses float at line {code_tokens[0].start[0]}"


def test_checking_leaves_the_cycle_collector_as_it_found_it(core):
    # check pauses the cycle collector while it reads a file (speed, issue 7) and must give it
    # back as it was: on if it was on, off if the caller had switched it off.
    import gc  # noqa: PLC0415

    from paramcfg.engine import check_profile_text  # noqa: PLC0415

    text = (ROOT / "tenant_profiles" / "goka.pcfg").read_text(encoding="utf-8")
    assert gc.isenabled()
    assert check_profile_text(text, core).ok
    assert gc.isenabled()
    gc.disable()
    try:
        assert check_profile_text(text, core).ok
        assert not gc.isenabled()
    finally:
        gc.enable()

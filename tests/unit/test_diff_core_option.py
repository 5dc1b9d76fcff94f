"""Issue 14: `diff --core` meant two things; `--defaults` and `--core PATH` now each mean one."""

from __future__ import annotations

import json

import pytest
from helpers import CORE_DIR, ROOT

from paramcfg.cli import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, main

GOKA = str(ROOT / "tenant_profiles" / "goka.pcfg")
HITACHIOMIYA = str(ROOT / "tenant_profiles" / "hitachiomiya.pcfg")
DEFAULTS = "core ibaraki-cloud defaults"


def _diff(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["diff", *args, "--format", "json", "--lang", "en"])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("args", [
    (GOKA, "--defaults"),
    (GOKA, "--defaults", "--core", str(CORE_DIR)),
    (GOKA, "--core", str(CORE_DIR), "--defaults"),
])
def test_defaults_compares_with_the_core_defaults_silently(capsys, args):
    code, out, err = _diff(capsys, *args)
    assert code == EXIT_FINDINGS
    assert json.loads(out)["left"] == DEFAULTS
    assert err == ""


def test_core_path_names_the_core_for_two_profiles(capsys):
    code, out, err = _diff(capsys, HITACHIOMIYA, GOKA, "--core", str(CORE_DIR))
    assert code == EXIT_FINDINGS
    data = json.loads(out)
    assert data["left"] != DEFAULTS
    assert data["differing"] >= 1
    assert err == ""


def test_core_path_for_a_profile_and_itself_is_equal(capsys):
    code, _, err = _diff(capsys, GOKA, GOKA, "--core", str(CORE_DIR))
    assert code == EXIT_OK
    assert err == ""


@pytest.mark.parametrize(("args", "new_spelling"), [
    ((GOKA, "--core"), "diff A --defaults"),
    ((GOKA, "--core", str(CORE_DIR)), "diff A --defaults --core PATH"),
])
def test_the_old_forms_still_work_with_a_warning(capsys, args, new_spelling):
    code, out, err = _diff(capsys, *args)
    assert code == EXIT_FINDINGS
    assert json.loads(out)["left"] == DEFAULTS
    assert err.startswith("warning: ")
    assert new_spelling in err


def test_a_bare_core_with_two_profiles_still_compares_them(capsys):
    code, out, err = _diff(capsys, GOKA, GOKA, "--core")
    assert code == EXIT_OK
    assert json.loads(out)["left"] != DEFAULTS
    assert "deprecated" in err


def test_defaults_with_a_second_profile_is_a_usage_error(capsys):
    code, out, err = _diff(capsys, GOKA, HITACHIOMIYA, "--defaults")
    assert code == EXIT_USAGE
    assert out == ""
    assert "--defaults" in err
    assert "Traceback" not in err


def test_nothing_to_compare_names_defaults(capsys):
    code, out, err = _diff(capsys, GOKA)
    assert code == EXIT_USAGE
    assert out == ""
    assert "--defaults" in err


def test_the_deprecation_warning_in_japanese(capsys):
    code = main(["diff", GOKA, "--core", "--format", "json", "--lang", "ja"])
    assert code == EXIT_FINDINGS
    err = capsys.readouterr().err
    assert err.startswith("警告: ")
    assert "diff A --defaults" in err

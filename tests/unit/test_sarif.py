"""``paramcfg check --format sarif``: a SARIF 2.1.0 log, valid against the official schema."""

from __future__ import annotations

import json

import jsonschema  # type: ignore[import-untyped]  # no stubs in the dev extra
import pytest
from helpers import FROZEN_CORE_DIR, PROFILES, ROOT

from paramcfg.cli import EXIT_FINDINGS, EXIT_OK, main

SCHEMA = json.loads((ROOT / "tests" / "fixtures" / "sarif" / "sarif-schema-2.1.0.json")
                    .read_text(encoding="utf-8"))
LATE_JOINER = ROOT / "tests" / "fixtures" / "late_joiner.pcfg"


def sarif(capsys, *argv):
    code = main(["check", "--format", "sarif", *argv])
    return code, json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_findings_are_valid_sarif_with_regions_and_levels(capsys, lang):
    code, log = sarif(capsys, "--core", str(FROZEN_CORE_DIR), str(LATE_JOINER), "--lang", lang)
    assert code == EXIT_FINDINGS
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    run = log["runs"][0]
    assert log["version"] == "2.1.0"
    assert run["columnKind"] == "unicodeCodePoints"
    results = run["results"]
    assert sum(r["level"] == "error" for r in results) == 16  # as `check` counts them
    assert sum(r["level"] == "warning" for r in results) == 2
    rule_ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    for r in results:
        assert rule_ids[r["ruleIndex"]] == r["ruleId"]
        location = r["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"].endswith("late_joiner.pcfg")
        assert location["region"]["startLine"] >= 1
    hint = "\nヒント: " if lang == "ja" else "\nhelp: "
    assert any(hint in r["message"]["text"] for r in results)


def test_a_clean_run_is_a_valid_empty_log(capsys):
    code, log = sarif(capsys, *map(str, PROFILES))
    assert code == EXIT_OK
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    assert log["runs"][0]["results"] == []


def test_the_schema_rejects_what_is_not_sarif():
    # The validation above can fail: a log without its version is refused.
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(SCHEMA).validate({"runs": []})

"""Hypothesis settings for every property test, and the test tier they run in.

Two tiers (see README, "Development"):

* the **default tier** (plain ``pytest``): slow tests deselected, and each property runs
  :data:`DEFAULT_TIER_SHARE` of its examples;
* the **full tier** (``PARAMCFG_TIER=full``): slow tests included and each property runs its
  full count.  ``.ci/run`` runs it after the default tier, with ``-m "slow or hypothesis"``.

``PARAMCFG_HYPOTHESIS_EXAMPLES`` (examples per property, 100 = the counts written in the tests)
overrides the tier's count in either tier, e.g. 12000 for the long fuzz run.  With ``CI`` set
the runs are derandomized, so a red build is reproducible.

Nothing here changes Hypothesis' global settings: each test passes its settings explicitly.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

#: ``default`` or ``full``.
TIER = os.environ.get("PARAMCFG_TIER", "default").strip().lower() or "default"
if TIER not in {"default", "full"}:
    raise RuntimeError(f"PARAMCFG_TIER must be 'default' or 'full', not {TIER!r}")
FULL = TIER == "full"

#: The share of each property's examples the default tier runs.
DEFAULT_TIER_SHARE = 0.05

_EXPLICIT = os.environ.get("PARAMCFG_HYPOTHESIS_EXAMPLES")
#: Examples per property (100 = the counts written in the tests).
EXAMPLES = int(_EXPLICIT) if _EXPLICIT else 100 if FULL else round(100 * DEFAULT_TIER_SHARE)
#: Scales the counts written in the tests.
SCALE = EXAMPLES / 100
#: On CI every run tries the same examples, so a red build is reproducible.
DETERMINISTIC = bool(os.environ.get("CI"))


#: Hypothesis' own example database (as its default settings give it).
_DEFAULT_DATABASE = settings().database


def examples(count: float, *, derandomize: bool = False) -> settings:
    """Settings for one property test: ``count`` examples (as written in the test, scaled by
    :data:`SCALE`), no deadline, derandomized on CI (or always, with ``derandomize``)."""
    fixed = derandomize or DETERMINISTIC
    return settings(
        max_examples=max(1, round(count * SCALE)),
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                               HealthCheck.data_too_large],
        derandomize=fixed,
        database=None if fixed else _DEFAULT_DATABASE,
        print_blob=True,
    )


def property_settings(share: float = 1.0) -> settings:
    """``share`` of 100 examples (scaled): ``property_settings(0.5)`` is ``examples(50)``."""
    return examples(100 * share)


def evaluation_settings(count: int) -> settings:
    """``count`` examples (scaled); the name the evaluation properties use."""
    return examples(count)

"""Hypothesis profiles of the robustness suites, chosen with the HYPOTHESIS_PROFILE variable.

- `ci` (the default): a small, repeatable number of examples, so the suites run in the README's
  test command in well under a minute and a given commit always tests the same inputs.
- `nightly`: 20 times the examples, random each run: `HYPOTHESIS_PROFILE=nightly .venv/bin/pytest
  tests/test_robustness_*.py` (docs/robustness.md).

No deadline in either: timing belongs in benchmarks/, not in assertions.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings

CI_EXAMPLES = 50
NIGHTLY_FACTOR = 20
_SLOW = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large]

settings.register_profile(
    "ci", max_examples=CI_EXAMPLES, deadline=None, derandomize=True, database=None, print_blob=True,
    suppress_health_check=_SLOW,
)
settings.register_profile(
    "nightly", max_examples=CI_EXAMPLES * NIGHTLY_FACTOR, deadline=None, derandomize=False, database=None,
    print_blob=True, suppress_health_check=_SLOW,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def scaled(examples: int, *, shrink: bool = True) -> settings:
    """Settings for a test that is costlier than most (a pytest run per example): `examples` in
    the ci profile, NIGHTLY_FACTOR times that in nightly. `shrink=False` reports a failing example
    as found, for tests too slow to shrink."""
    factor = NIGHTLY_FACTOR if settings.default.max_examples > CI_EXAMPLES else 1
    phases = list(Phase) if shrink else [Phase.explicit, Phase.reuse, Phase.generate]
    return settings(max_examples=examples * factor, phases=phases)

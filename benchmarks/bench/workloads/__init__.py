"""The workloads, one module each (W1 … W10), in the order they run.

Each module has ``KEY``, ``run(ctx) -> Section`` (paramcfg and its baselines in the same run,
answers checked before timing) and ``profile(ctx)`` (where paramcfg spends the time), with its
generator and its hand-written twin beside them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from bench.workloads import w1, w2, w3, w4, w5, w6, w7, w8, w9, w10

if TYPE_CHECKING:
    from bench.harness import Context, Section


class Workload(Protocol):
    KEY: str

    def run(self, ctx: Context) -> Section: ...

    def profile(self, ctx: Context) -> None: ...


MODULES: dict[str, Workload] = {m.KEY: m for m in (w1, w2, w3, w4, w5, w6, w7, w8, w9, w10)}
WORKLOADS = tuple(MODULES)

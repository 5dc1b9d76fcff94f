"""The benchmarks of paramcfg, as a package (``benchmarks/run.py`` is the command line).

- :mod:`bench.harness`: sizes, engines, timing in interleaved passes, agreement checks;
- :mod:`bench.peers`: one adapter per peer engine, each imported lazily (a peer that is not
  installed is reported as such, never faked);
- :mod:`bench.workloads`: one module per workload (W1 … W10), each with its generator and its
  hand-written twin beside it;
- :mod:`bench.report`: the targets and the RESULTS.md writer.
"""

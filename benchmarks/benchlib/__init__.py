"""Parts of `benchmarks/benchmark.py`: the workload, the no-op floor, measuring, checks and reporting.

The provider process imports `benchlib.noop` through this package (PYTHONPATH is set to `benchmarks/`),
so this file stays empty of imports.
"""

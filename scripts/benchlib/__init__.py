"""Parts of `scripts/benchmark.py`: the workload, the no-op floor, measuring, checks and reporting.

The provider process imports `benchlib.noop` through this package (PYTHONPATH is set to `scripts/`),
so this file stays empty of imports.
"""

"""Benchmarks behind ``crosslive bench ...``: each prints figures and a same-run baseline ratio."""

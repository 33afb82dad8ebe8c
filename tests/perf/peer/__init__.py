"""The peer workload of issue 19 point 1 (tests/perf/bench_peer.py): its diagram, forms, server wrapper and the
profile's breakdown."""

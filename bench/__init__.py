"""petitionflow's benchmark suite: `make bench` (or `python -m bench`) prints one table and writes
`bench-results/results.json`. Not part of `make test`; `BENCH_SCALE=0.1` makes a quick run."""

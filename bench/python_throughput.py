#!/usr/bin/python3
"""Structures/s of the Python package and the Dask example (the "Python and Dask" table of docs/benchmarks.md).

    python3 bench/python_throughput.py ../shared/data/perov_5/val.csv --out bench/results/python.json [--runs 3]

Times, each --runs times: the Dask example with a LocalCluster of 1 and 2 worker processes (one thread each, 8
shards; the time includes the client reading the inputs once), and in one process Model().predict(all) and two
Python threads each predicting half on one model (the time includes reading). Writes the timings as JSON; the
docs table is rendered from it by bench/render_tables.py.
"""
import argparse
import json
import os
import platform
import statistics
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "python", "examples"))
import cftruntime as cft  # noqa: E402
import dask_predict  # noqa: E402


def timed(runs, f):
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        n = f()
        seconds.append(time.perf_counter() - started)
    return {"structures": n, "seconds": seconds, "mean": statistics.mean(seconds), "stdev": statistics.stdev(seconds) if runs > 1 else 0.0}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("input")
    p.add_argument("--out", required=True)
    p.add_argument("--runs", type=int, default=3)
    args = p.parse_args()
    from dask.distributed import Client, LocalCluster
    results = {"input": args.input, "runs": args.runs, "cpus": os.cpu_count(), "python": platform.python_version(), "cases": {}}
    for workers in (1, 2):
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        with Client(cluster) as client:
            dask_predict.predict_distributed(client, [args.input], None, 8)  # warm-up: workers open the model
            results["cases"][f"dask_{workers}"] = timed(args.runs, lambda: len(dask_predict.predict_distributed(client, [args.input], None, 8)))
        cluster.close()
    model = cft.Model()
    model.predict(cft.read(args.input)[:8])  # warm-up

    def one_process():
        structures = cft.read(args.input)
        return len(model.predict(structures))

    def two_threads():
        structures = cft.read(args.input)
        halves = [structures[0::2], structures[1::2]]
        counts = [0, 0]

        def run(i):
            counts[i] = len(model.predict(halves[i]))
        threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return sum(counts)

    results["cases"]["process_1"] = timed(args.runs, one_process)
    results["cases"]["process_2_threads"] = timed(args.runs, two_threads)
    model.close()
    with open(args.out, "w") as f:
        json.dump(results, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()

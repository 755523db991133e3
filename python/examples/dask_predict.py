#!/usr/bin/python3
"""Predict structures over a Dask `distributed` cluster: each task predicts one shard with cftruntime.

    python3 python/examples/dask_predict.py INPUT... [--model NAME] [--workers 2] [--shards 8] [--scheduler tcp://host:8786] [--out results.csv]

INPUT: CIF/POSCAR/CSV files or folders of them. The inputs are the structures of the files in the order given (a
folder's files sorted by name), read once by the client; shard i of n holds structures i, i+n, i+2n, ... as
`cft predict --shard i/n` does, so the result does not depend on how many workers run or in which order shards
finish. Each worker process keeps its model open across tasks. Without --scheduler a
LocalCluster of --workers processes (one thread each) is started. The CSV written has one row per structure in input
order: id,property,value,std,unit,in_domain,domain_note.
"""
import argparse
import csv
import os
import sys
import time

import numpy as np

import cftruntime as cft

_models = {}


def _model(name):
    # One open model per worker process, reused by every task it runs.
    key = name or ""
    if key not in _models:
        _models[key] = cft.Model(name)
    return _models[key]


def inputs(paths):
    """The input files in order: files as given, a folder's CIF/POSCAR/CSV files sorted by name."""
    files = []
    for p in paths:
        if os.path.isdir(p):
            files += sorted(os.path.join(p, f) for f in os.listdir(p)
                            if f.lower().endswith((".cif", ".csv")) or f.startswith(("POSCAR", "CONTCAR")) or f.lower().endswith(".vasp"))
        elif os.path.exists(p):
            files.append(p)
        else:
            raise cft.ArgumentError(f"{p}: no such file or folder")
    return files


def read_all(files):
    """Every structure of the files, in input order (read once, by the client)."""
    return [s for f in files for s in cft.read(f)]


def predict_shard(structures, model=None):
    """Predictions of one shard's structures: (values, std, in_domain, notes, ids, (property, unit, model))."""
    r = _model(model).predict(structures)
    return r.values, r.std, r.in_domain, r.notes, r.ids, (r.property, r.unit, r.model)


def predict_distributed(client, files, model=None, shards=8):
    """Every structure of `files` predicted over `client`'s cluster, gathered in input order (a cftruntime.Prediction).

    The client reads the inputs once; shard i (structures i, i + shards, ...) goes to a worker as arrays."""
    structures = read_all(files)
    picks = [list(range(i, len(structures), shards)) for i in range(shards)]
    futures = [client.submit(predict_shard, [structures[k] for k in pick], model, pure=False) for pick in picks if pick]
    parts = client.gather(futures)
    n = len(structures)
    values, std, in_domain = np.empty(n), np.empty(n), np.empty(n, dtype=bool)
    notes, ids = [""] * n, [None] * n
    for pick, (v, s, d, note, i, _) in zip([p for p in picks if p], parts):
        for k, index in enumerate(pick):
            values[index], std[index], in_domain[index], notes[index], ids[index] = v[k], s[k], d[k], note[k], i[k]
    prop, unit, name = parts[0][5]  # what the workers' model reported
    return cft.Prediction(values, std, in_domain, notes, prop, unit, name, ids)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("inputs", nargs="+")
    p.add_argument("--model", default=None, help="model name or .onnx path (default: the default shipped model)")
    p.add_argument("--workers", type=int, default=2, help="LocalCluster worker processes (without --scheduler)")
    p.add_argument("--shards", type=int, default=8, help="tasks (shards of the inputs)")
    p.add_argument("--scheduler", default=None, help="address of a running distributed scheduler")
    p.add_argument("--out", default=None, help="CSV to write (default: stdout)")
    args = p.parse_args(argv)
    from dask.distributed import Client, LocalCluster
    files = inputs(args.inputs)
    cluster = None if args.scheduler else LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None)
    with Client(args.scheduler or cluster) as client:
        started = time.time()
        r = predict_distributed(client, files, args.model, args.shards)
        seconds = time.time() - started
    if cluster is not None:
        cluster.close()
    out = open(args.out, "w", newline="") if args.out else sys.stdout
    w = csv.writer(out)
    w.writerow(["id", "property", "value", "std", "unit", "in_domain", "domain_note"])
    for k in range(len(r)):
        w.writerow([r.ids[k], r.property, repr(float(r.values[k])), repr(float(r.std[k])), r.unit, str(bool(r.in_domain[k])).lower(), r.notes[k]])
    if args.out:
        out.close()
    print(f"dask_predict: {len(r)} structures in {seconds:.2f} s ({len(r) / seconds:.0f} structures/s) on "
          f"{args.workers if cluster is not None else 'the'} workers", file=sys.stderr)


if __name__ == "__main__":
    main()

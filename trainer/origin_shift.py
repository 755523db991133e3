#!/usr/bin/python3
"""The paper's baseline against CFT under an origin shift: the CMR test split written as P1 CIFs as given and with every
structure's origin moved by a random vector (the same crystal), predicted by

  - the raw model: plain Fourier features of the description as given (`cft featurize --keep-setting`: P1, no
    standardisation, no canonical cell; trainer/reproduce.sh raw), predicted with `cft predict --keep-setting`;
  - the shipped CFT model (`cmr_perovskites-e_form`: standardised cell, canonical image, G-invariant features).

  /usr/bin/python3 trainer/origin_shift.py --cft cli/bin/Release/net10.0/cft --raw trainer/runs/raw/cmr_raw-e_form.onnx \
      --out trainer/results/raw/origin_shift.json

Writes the measured MAEs and prediction changes (JSON); `table()` renders docs/models.md's table from it.
"""
import argparse
import csv
import io
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cft_data import split_of  # noqa: E402
from tensor_data import cif_text  # noqa: E402

csv.field_size_limit(1 << 30)
HEADER = "| model (CMR `e_form`, test split) | MAE, origin as given | MAE, origin shifted | mean \\|Δ prediction\\| | max \\|Δ prediction\\| | n |"


def table(result):
    lines = [HEADER, "|---|---:|---:|---:|---:|---:|"]
    for row in result["models"]:
        lines.append(f"| {row['label']} | {row['mae_given']:.4f} | {row['mae_shifted']:.4f} | {row['mean_change']:.2e} | {row['max_change']:.2e} | {row['count']} |")
    return lines


def predict(cft, csv_path, model, keep):
    args = [cft, "predict", csv_path, "-m", model, "--format", "csv"] + (["--keep-setting"] if keep else [])
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    return {r["id"]: float(r["value"]) for r in rows}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cft", required=True)
    p.add_argument("--raw", required=True, help="the raw-description model (.onnx)")
    p.add_argument("--shipped", default=os.path.join(os.path.dirname(__file__), "..", "models", "cmr_perovskites-e_form.onnx"))
    p.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data", "cmr_perovskites", "data.csv"))
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    from pymatgen.core import Structure
    rng = np.random.default_rng(args.seed)
    given, shifted, truth = [], [], {}
    with open(args.data, newline="") as f:
        for row in csv.DictReader(f):
            if split_of(row["material_id"], 0) != "test":
                continue
            s = Structure.from_str(row["cif"], fmt="cif")
            rows = s.lattice.matrix
            symbols = [site.specie.symbol for site in s]
            t = rng.random(3)
            given.append({"material_id": row["material_id"], "cif": cif_text(row["material_id"], rows, s.frac_coords, symbols)})
            shifted.append({"material_id": row["material_id"], "cif": cif_text(row["material_id"], rows, s.frac_coords + t, symbols)})
            truth[row["material_id"]] = float(row["e_form"])
    result = {"seed": args.seed, "models": []}
    with tempfile.TemporaryDirectory() as tmp:
        paths = {}
        for name, rows in (("given", given), ("shifted", shifted)):
            paths[name] = os.path.join(tmp, f"{name}.csv")
            with open(paths[name], "w", newline="") as f:
                w = csv.DictWriter(f, fieldnames=["material_id", "cif"], lineterminator="\n")
                w.writeheader()
                w.writerows(rows)
        for label, model, keep in (("plain Fourier of the description as given (P1, no standardisation; the paper's baseline)", args.raw, True),
                                   ("CFT (`cmr_perovskites-e_form`, shipped ensemble: standardised, canonical cell)", args.shipped, False)):
            a, b = predict(args.cft, paths["given"], model, keep), predict(args.cft, paths["shifted"], model, keep)
            ids = sorted(set(a) & set(b))
            change = np.array([abs(a[i] - b[i]) for i in ids])
            result["models"].append({"label": label, "count": len(ids),
                                     "mae_given": float(np.mean([abs(a[i] - truth[i]) for i in ids])),
                                     "mae_shifted": float(np.mean([abs(b[i] - truth[i]) for i in ids])),
                                     "mean_change": float(change.mean()), "max_change": float(change.max())})
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(result, f, indent=2)
    print("\n".join(table(result)))


if __name__ == "__main__":
    main()

#!/bin/bash
# Remakes bench/results/ (the sources of docs/benchmarks.md's tables), then renders the tables:
#   bash bench/run_benchmarks.sh        (about 20 minutes on 2 cores; run it on a quiet machine: nothing else running)
# Needs: the Release CLI (dotnet build cli -c Release), libcft.so in /tmp/libcft (dotnet publish native -c Release
# -o /tmp/libcft) for the Python rows, hyperfine, python3-dask/-distributed, and ../shared/data.
set -euo pipefail
cd "$(dirname "$0")/.."
results=bench/results
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet build bench -c Release -v q -nologo
dotnet run -c Release --no-build --project bench -- --filter '*FeaturizerBenchmarks*' '*CifParsingBenchmarks*' --job short --exporters json --artifacts "$work/bdn"
cp "$work"/bdn/results/*FeaturizerBenchmarks-report-full-compressed.json "$results/featurizer.json"
cp "$work"/bdn/results/*CifParsingBenchmarks-report-full-compressed.json "$results/cif.json"
cft=cli/bin/Release/net10.0/cft
for set in perov_5 carbon_24; do
  hyperfine -w 1 -r 3 --export-json "$results/predict-$set.json" \
    -n "jobs 1" "$cft predict ../shared/data/$set/val.csv --format csv -j 1 > /dev/null 2>&1" \
    -n "jobs 2" "$cft predict ../shared/data/$set/val.csv --format csv -j 2 > /dev/null 2>&1"
done
/usr/bin/python3 - "$results/predict-inputs.json" <<'PY'
import csv, json, sys
csv.field_size_limit(1 << 30)
counts = {s: sum(1 for _ in csv.DictReader(open(f"../shared/data/{s}/val.csv", newline=""))) for s in ("perov_5", "carbon_24")}
json.dump(counts, open(sys.argv[1], "w"), indent=1)
PY
CFT_LIBRARY=/tmp/libcft/libcft.so PYTHONPATH=python /usr/bin/python3 bench/python_throughput.py ../shared/data/perov_5/val.csv --out "$results/python.json" --runs 3
/usr/bin/python3 bench/render_tables.py

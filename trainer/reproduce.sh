#!/usr/bin/env bash
# Reproduces every trained model and table in README: exports the datasets with `cft featurize` (CFT features,
# and --plain for the ablation, both with pair distance features), trains the shipped models, the ablations and
# the zero-shot runs into trainer/runs/ (*.onnx, *.metrics.json, *.parity.png, *.log), then prints README's tables.
#   bash trainer/reproduce.sh     (two runs at a time; about 2 hours on 2 cores; finished runs are skipped)
# The shipped models (models/README.md says how the variant is chosen) are copied into models/ at the end:
#   perov_5-heat_ref, perov_5-dir_gap, and carbon_24-energy_per_atom = ablation-energy_per_atom-pairsonly.
set -euo pipefail
cd "$(dirname "$0")/.."
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
runs=trainer/runs; data=$runs/data
mkdir -p "$data"
dotnet build cli -c Release -v q -nologo >/dev/null
cft=cli/bin/Release/net10.0/cft
for set in perov_5 carbon_24; do
  [ -f "$data/$set.npz" ] || $cft featurize ../shared/data/$set/val.csv --out "$data/$set.npz" -j 2
  [ -f "$data/$set-plain.npz" ] || $cft featurize ../shared/data/$set/val.csv --plain --out "$data/$set-plain.npz" -j 2
done

train() { # name data target unit [options...]
  local name=$1 file=$2 target=$3 unit=$4; shift 4
  [ -f "$runs/$name.metrics.json" ] && return 0
  if ! /usr/bin/python3 trainer/cft_train.py --data "$data/$file.npz" --target "$target" --unit "$unit" --out "$runs/$name.onnx" "$@" > "$runs/$name.log" 2>&1; then
    echo "FAILED $name (see $runs/$name.log)"; return 0
  fi
  echo "trained $name: $(tail -n 2 "$runs/$name.log" | head -n 1)"
}
P=(--description "perov_5/val.csv (CDVAE copy of the CMR cubic perovskites, 3,787 structures)")
C=(--description "carbon_24/val.csv (CDVAE copy of AIRSS carbon at 10 GPa, 2,032 structures)")
NP=(--pairs none)
CARBON_HELD_OUT=227,194,166,139,229
(
  train perov_5-heat_ref perov_5 heat_ref "eV/cell" "${P[@]}"
  train perov_5-dir_gap perov_5 dir_gap eV --head gap "${P[@]}"
  train ablation-heat_ref-nopairs perov_5 heat_ref "eV/cell" "${NP[@]}" "${P[@]}"
  train ablation-heat_ref-plain perov_5-plain heat_ref "eV/cell" "${NP[@]}" "${P[@]}"
  train ablation-heat_ref-none perov_5 heat_ref "eV/cell" --positional none "${NP[@]}" "${P[@]}"
  train zeroshot-heat_ref-123-nopairs perov_5 heat_ref "eV/cell" --hold-out-groups 123 "${NP[@]}" "${P[@]}"
  train zeroshot-heat_ref-123-plain perov_5-plain heat_ref "eV/cell" --hold-out-groups 123 "${NP[@]}" "${P[@]}"
  train zeroshot-heat_ref-221-nopairs perov_5 heat_ref "eV/cell" --hold-out-groups 221 "${NP[@]}" "${P[@]}"
  train zeroshot-heat_ref-221-plain perov_5-plain heat_ref "eV/cell" --hold-out-groups 221 "${NP[@]}" "${P[@]}"
  train zeroshot-heat_ref-123-pairsonly perov_5 heat_ref "eV/cell" --positional none --hold-out-groups 123 "${P[@]}"
  train ablation-heat_ref-pairsonly perov_5 heat_ref "eV/cell" --positional none "${P[@]}"
) &
(
  train carbon_24-energy_per_atom carbon_24 energy_per_atom "eV/atom" "${C[@]}"
  train ablation-energy_per_atom-plain carbon_24-plain energy_per_atom "eV/atom" "${NP[@]}" "${C[@]}"
  train ablation-energy_per_atom-none carbon_24 energy_per_atom "eV/atom" --positional none "${NP[@]}" "${C[@]}"
  train ablation-energy_per_atom-pairsonly carbon_24 energy_per_atom "eV/atom" --positional none "${C[@]}"
  train zeroshot-energy_per_atom-nopairs carbon_24 energy_per_atom "eV/atom" --hold-out-groups $CARBON_HELD_OUT "${NP[@]}" "${C[@]}"
  train zeroshot-energy_per_atom-plain carbon_24-plain energy_per_atom "eV/atom" --hold-out-groups $CARBON_HELD_OUT "${NP[@]}" "${C[@]}"
  train zeroshot-energy_per_atom-pairsonly carbon_24 energy_per_atom "eV/atom" --positional none --hold-out-groups $CARBON_HELD_OUT "${C[@]}"
) &
wait
mkdir -p models
for x in onnx testvectors.json parity.png; do
  cp "$runs/perov_5-heat_ref.$x" "$runs/perov_5-dir_gap.$x" models/ 2>/dev/null || true
  cp "$runs/ablation-energy_per_atom-pairsonly.$x" "models/carbon_24-energy_per_atom.$x" 2>/dev/null || true
done
/usr/bin/python3 trainer/report.py "$runs"

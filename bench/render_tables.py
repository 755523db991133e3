#!/usr/bin/python3
"""Renders the measured tables of docs/benchmarks.md from the raw results in bench/results/ (never typed by hand).

    python3 bench/render_tables.py           # rewrite the generated regions of docs/benchmarks.md
    python3 bench/render_tables.py --check   # exit 1 if docs/benchmarks.md differs from the rendering (a test runs this)

Regions are delimited by `<!-- begin generated: NAME ... -->` and `<!-- end generated -->`. Sources (bench/results/,
made by bench/run_benchmarks.sh):
  featurizer.json, cif.json      BenchmarkDotNet's JSON exports (FeaturizerBenchmarks, CifParsingBenchmarks)
  predict-perov_5.json, predict-carbon_24.json   hyperfine --export-json of `cft predict --jobs 1/2`
  predict-aot-perov_5.json, predict-aot-carbon_24.json   the same with the NativeAOT binary
  predict-inputs.json            structures per input file of those runs
  python.json                    bench/python_throughput.py
  stages.json                    BenchmarkDotNet's JSON export of StageBenchmarks (the share of each prediction stage)
  pairs.json                     BenchmarkDotNet's JSON export of PairFeaturizerBenchmarks (the pair kernel against its predecessor)
  c-threads.json                 bench/c_threads.c (cft_predict from 1, 2 and 8 C threads on one model)
"""
import json
import os
import re
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
RESULTS = os.path.join(ROOT, "bench", "results")
DOC = os.path.join(ROOT, "docs", "benchmarks.md")


def load(name):
    with open(os.path.join(RESULTS, name), encoding="utf-8") as f:
        return json.load(f)


def micro(ns):
    us = ns / 1000.0
    if us < 10:
        return f"{us:.2f} µs"
    if us < 100:
        return f"{us:.1f} µs"
    return f"{us:,.0f} µs"


def thousands(x):
    return f"{x:,.0f}"


def parameters(b):
    return dict(p.split("=", 1) for p in b["Parameters"].split("&")) if b.get("Parameters") else {}


def host_line(bdn):
    h = bdn["HostEnvironmentInfo"]
    intrinsics = bdn["Benchmarks"][0].get("HardwareIntrinsics", "")
    widest = next((x for x in ("AVX512", "AVX2", "AVX") if x in intrinsics), "")
    vector = intrinsics.rsplit("VectorSize=", 1)[1] if "VectorSize=" in intrinsics else "?"
    return (f"BenchmarkDotNet {h['BenchmarkDotNetVersion']}, {h['ProcessorName'].strip()}, {h['PhysicalCoreCount']} cores, "
            f"{h['RuntimeVersion'].split(' (')[0]}, {widest}, Vector<T> {vector} bits")


def featurizer_table():
    bdn = load("featurizer.json")
    cases = {}
    for b in bdn["Benchmarks"]:
        p = parameters(b)
        key = (p["Group"], int(p["Cutoff"]))
        cases.setdefault(key, {})[b["Method"]] = b["Statistics"]["Mean"]
    order = ["P1", "P2_1/c", "Fm-3m", "P6_3/mmc"]
    lines = [f"Measured with {host_line(bdn)}.", "",
             "| group | K | featurizer | sites/s (one core) | naive sum | dense matrix | featurizer vs naive | dense vs featurizer |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for group in order:
        for k in sorted(c for g, c in cases if g == group):
            m = cases[(group, k)]
            f, naive, dense = m["Featurizer"], m["NaiveSum"], m["DenseProjection"]
            lines.append(f"| {group} | {k} | {micro(f)} | {1e3 / f:.2f} M | {micro(naive)} | {micro(dense)} | {thousands(naive / f)}× | {dense / f:,.0f}× |")
    at4 = {g: cases[(g, 4)]["Featurizer"] for g in order if (g, 4) in cases}
    slowest = max(at4, key=at4.get)
    lines += ["", f"At K = 4 the slowest group measured, {slowest}, featurizes {1e3 / at4[slowest]:.2f} M sites/s on one core "
                  f"(target ≥ 1 M: {'met' if 1e3 / at4[slowest] >= 1 else 'missed'}); Fm-3m is "
                  f"{thousands(cases[('Fm-3m', 4)]['NaiveSum'] / at4['Fm-3m'])}× the naive sum (target ≥ 100×)."]
    return lines


def cif_table():
    bdn = load("cif.json")
    rows = {b["Method"]: b["Statistics"]["Mean"] for b in bdn["Benchmarks"]}
    names = {"Syntax": "syntax only (`CifParser.Parse`)",
             "Crystals": "to crystals (`CifReader.ParseCrystals`: cell, sites, symmetry matched to a setting, multiplicities)"}
    lines = [f"Measured with {host_line(bdn)}.", "", "| stage | per file | files/s |", "|---|---:|---:|"]
    for method, label in names.items():
        lines.append(f"| {label} | {micro(rows[method])} | {thousands(1e9 / rows[method])} |")
    return lines


# Per build of `cft`: the results' file prefix and the hyperfine command names (-n) bench/run_benchmarks.sh gives
# `--jobs 1`, `--jobs 2` and two `--jobs 1` runs at once.
PREDICT_RUNS = {"managed": ("predict-", "jobs 1", "jobs 2", "two jobs-1 runs at once"),
                "aot": ("predict-aot-", "AOT jobs 1", "AOT jobs 2", "two AOT jobs-1 at once")}


def predict_table(build="managed"):
    """`cft predict --jobs 1/2` whole runs of the managed build (predict-<set>.json) or the NativeAOT binary (predict-aot-<set>.json)."""
    prefix, jobs1, jobs2, both = PREDICT_RUNS[build]
    inputs = load("predict-inputs.json")
    lines = ["| input | structures | `--jobs 1` | `--jobs 2` | speed-up | two `--jobs 1` runs at once | the machine's ceiling: 2 × jobs 1 / two at once |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for name, label in [("perov_5", "perov_5 `val.csv`"), ("carbon_24", "carbon_24 `val.csv`")]:
        runs = {r["command"]: r for r in load(f"{prefix}{name}.json")["results"]}
        n = inputs[name]
        one, two = runs[jobs1], runs[jobs2]
        cell = lambda r: f"{r['mean']:.2f} ± {r['stddev']:.2f} s ({n / r['mean']:,.0f}/s)"
        pair = runs.get(both)
        ceiling = f"{pair['mean']:.2f} ± {pair['stddev']:.2f} s | {2 * one['mean'] / pair['mean']:.2f}×" if pair else "— | —"
        lines.append(f"| {label} | {n:,} | {cell(one)} | {cell(two)} | {one['mean'] / two['mean']:.2f}× | {ceiling} |")
    return lines


def python_table():
    r = load("python.json")
    c = r["cases"]
    labels = [("dask_1", "Dask, 1 worker"), ("dask_2", "Dask, 2 workers"), ("process_1", "one process, `Model().predict(all)`"),
              ("process_2_threads", "one process, 2 Python threads on one model")]
    lines = [f"{c['process_1']['structures']:,} structures, {r['runs']} runs each, Python {r['python']}, {r['cpus']} CPUs.", "",
             "| how | time | structures/s |", "|---|---:|---:|"]
    for key, label in labels:
        x = c[key]
        rate = x["structures"] / x["mean"]
        extra = ""
        if key == "dask_2":
            extra = f" ({c['dask_1']['mean'] / x['mean']:.2f}×)"
        if key == "process_2_threads":
            extra = f" ({c['process_1']['mean'] / x['mean']:.2f}×)"
        lines.append(f"| {label} | {x['mean']:.2f} ± {x['stdev']:.2f} s | {rate:,.0f}{extra} |")
    return lines


def predictor_table():
    bdn = load("predictor.json")
    cases = {}
    for b in bdn["Benchmarks"]:
        # BenchmarkDotNet shortens long parameter values ("cmr_p(...)_form [22]"): match them by their ends.
        value = parameters(b)["Model"].split(" [")[0]
        head, _, tail = value.partition("(...)")
        model = next(m for m in ("cmr_perovskites-e_form", "carbon_24-energy_per_atom") if m.startswith(head) and m.endswith(tail))
        cases.setdefault(model, {})[b["Method"]] = b["Statistics"]["Mean"]
    labels = {"cmr_perovskites-e_form": "CMR → `cmr_perovskites-e_form` (5 atoms, 1–5 unique sites)",
              "carbon_24-energy_per_atom": "carbon_24 → `carbon_24-energy_per_atom` (6–24 atoms)"}
    lines = [f"Measured with {host_line(bdn)}.", "",
             "| data and model | batch 1: per structure | structures/s | batch 256: per structure | structures/s | ratio |",
             "|---|---:|---:|---:|---:|---:|"]
    for model, label in labels.items():
        one, many = cases[model]["Batch1"], cases[model]["Batch256"]
        lines.append(f"| {label} | {one / 1e6:.2f} ms | {1e9 / one:,.0f} | {many / 1e6:.2f} ms | {1e9 / many:,.0f} | {many / one:.2f} |")
    return lines


def coldstart_table():
    sizes = load("sizes.json")
    runs = {r["command"]: r for r in load("coldstart.json")["results"]}
    onnx = sizes["models/*.onnx"]
    lines = [f"`cft` {sizes['cft']:,} bytes; beside it `libonnxruntime.so` {sizes['libonnxruntime.so']:,}, `libSkiaSharp.so` "
             f"{sizes['libSkiaSharp.so']:,} and `libHarfBuzzSharp.so` {sizes['libHarfBuzzSharp.so']:,} (for `basis plot`, loaded only by "
             f"that command) and `models/` {sizes['models/'] / 1e6:.1f} MB ({len(onnx)} models of {onnx[0] / 1e6:.1f}–{onnx[-1] / 1e6:.1f} MB "
             f"and their test vectors and plots); `libcft.so` {sizes['libcft.so']:,} bytes.", "",
             "| command | mean ± σ |", "|---|---:|"]
    labels = [("version", "`cft --version`"), ("models", "`cft models` (metadata only)"),
              ("one CIF, one model", "`cft predict bench/inputs/cmr-13.cif --model cmr_perovskites-e_form` (one structure in the model's domain, one model)"),
              ("one CIF out of domain, one model", "`cft predict data/examples/Li2O.cif --model cmr_perovskites-e_form` (one structure the model flags: the domain check's reasons)"),
              ("40 structures, one model", "`cft predict data/examples/cmr_perovskites_sample.csv --model cmr_perovskites-e_form` (40 structures, one model)"),
              ("40 structures, default models", "`cft predict data/examples/cmr_perovskites_sample.csv` (40 structures, default: every model whose elements cover them)")]
    for key, label in labels:
        r = runs[key]
        lines.append(f"| {label} | {r['mean'] * 1e3:.1f} ± {r['stddev'] * 1e3:.1f} ms |")
    one = runs["one CIF, one model"]["mean"] * 1e3
    lines += ["", f"Target ≤ 150 ms for one in-domain CIF with one model: {one:.0f} ms, {'met' if one <= 150 else 'missed'} "
                  "(a held-out CMR perovskite; the script checks that the model vouches for it before timing)."]
    return lines


def cthreads_table():
    r = load("c-threads.json")
    runs = {x["threads"]: x["seconds"] for x in r["runs"]}
    lines = ["| C threads on one model | time | structures/s | vs 1 thread |", "|---:|---:|---:|---:|"]
    for t, seconds in sorted(runs.items()):
        lines.append(f"| {t} | {seconds:.2f} s | {r['structures'] / seconds:,.0f} | {runs[1] / seconds:.2f}× |")
    return lines


STAGES = [("Whole", "whole: read + `CftPredictor.Predict`"), ("Read", "read: CIF text → crystal"),
          ("Prepare", "prepare: spglib standardisation + canonical image"), ("PrepareReducedCell", "prepare: the Niggli-reduced primitive cell, P1 (a model that needs no symmetry: the shipped carbon model)"),
          ("Fourier", "Fourier features"), ("Pairs", "pair features"), ("Run", "model run (ONNX Runtime, `CftPredictor`'s batches)")]


def stages_table():
    bdn = load("stages.json")
    cases = stage_means("stages.json")
    cmr, carbon = cases["cmr_perovskites-e_form"], cases["carbon_24-energy_per_atom"]
    lines = [f"Measured with {host_line(bdn)}.", "",
             "| stage (one thread, 256 structures) | CMR → `cmr_perovskites-e_form`: per structure | share of whole | carbon_24 → `carbon_24-energy_per_atom`: per structure | share of whole |",
             "|---|---:|---:|---:|---:|"]
    # Stages a model's whole path does not run (the row is what they would cost): the CMR model needs symmetry; the
    # carbon model takes no Fourier features and needs no symmetry (its structures get the Niggli-reduced cell, no spglib).
    not_run = {"cmr": {"PrepareReducedCell"}, "carbon": {"Fourier", "Prepare"}}
    for method, label in STAGES:
        a, b = cmr[method], carbon[method]
        na, nb = (" (not run by this model)" if method in not_run[k] else "" for k in ("cmr", "carbon"))
        lines.append(f"| {label} | {a / 1e6:.3f} ms{na} | {a / cmr['Whole']:.0%} | {b / 1e6:.3f} ms{nb} | {b / carbon['Whole']:.0%} |")
    return lines


def stage_means(name):
    cases = {}
    for b in load(name)["Benchmarks"]:
        value = parameters(b)["Model"].split(" [")[0]
        head, _, tail = value.partition("(...)")
        model = next(m for m in ("cmr_perovskites-e_form", "carbon_24-energy_per_atom") if m.startswith(head) and m.endswith(tail))
        # The stage a model that needs no symmetry gets was the cell as given before 2026-12-06, the Niggli cell since.
        cases.setdefault(model, {})["PrepareReducedCell" if b["Method"] == "PrepareAsGiven" else b["Method"]] = b["Statistics"]["Mean"]
    return cases


def stages_before_after_table():
    before, after = stage_means("stages-2026-12-03.json"), stage_means("stages.json")
    # What each whole path ran: before, the carbon model read the standardised cell (spglib); after, the Niggli cell.
    ran = {("cmr", "before"): {"Read", "Prepare", "Fourier", "Pairs", "Run"}, ("cmr", "after"): {"Read", "Prepare", "Fourier", "Pairs", "Run"},
           ("carbon", "before"): {"Read", "Prepare", "Pairs", "Run"}, ("carbon", "after"): {"Read", "PrepareReducedCell", "Pairs", "Run"}}
    lines = ["| stage (share of the whole path; — = not run by it) | CMR, 2026-12-03 | CMR, now | carbon_24, 2026-12-03 | carbon_24, now |",
             "|---|---:|---:|---:|---:|"]
    rows = [("Whole", "whole: read + `CftPredictor.Predict`, per structure")] + [r for r in STAGES if r[0] != "Whole"]
    for method, label in rows:
        cells = []
        for key, model in (("cmr", "cmr_perovskites-e_form"), ("carbon", "carbon_24-energy_per_atom")):
            for when, data in (("before", before), ("after", after)):
                m = data[model]
                if method == "Whole":
                    cells.append(f"{m['Whole'] / 1e6:.3f} ms")
                else:
                    cells.append(f"{m[method] / m['Whole']:.0%}" if method in ran[(key, when)] else "—")
        lines.append(f"| {label.split(' (')[0] if method != 'Whole' else label} | " + " | ".join(cells) + " |")
    return lines


def pairs_table():
    bdn = load("pairs.json")
    cases = {}
    for b in bdn["Benchmarks"]:
        cases.setdefault(parameters(b)["Set"], {})[b["Method"]] = b["Statistics"]["Mean"]
    labels = {"cmr_perovskites": "CMR perovskites (spglib cell), 24 radial + 6 × 9 angular channels within 4 Å",
              "carbon_24": "carbon_24 (Niggli cell), 60 radial + 6 × 9 angular channels within 3.5 Å (the shipped carbon basis)"}
    lines = [f"Measured with {host_line(bdn)}.", "",
             "| structures (256, one thread) and basis | one `Math.Exp` per Gaussian: per structure | `PairFeaturizer.Compute`: per structure | ratio |",
             "|---|---:|---:|---:|"]
    for key, label in labels.items():
        old, new = cases[key]["Scalar"], cases[key]["Ladder"]
        lines.append(f"| {label} | {old / 1e6:.3f} ms | {new / 1e6:.3f} ms | {new / old:.2f} |")
    return lines


def normalizer_table():
    bdn = load("normalizer.json")
    mean = {b["Method"]: b["Statistics"]["Mean"] for b in bdn["Benchmarks"]}
    base = mean["Standardize"]
    labels = [("Standardize", "one `SymmetryFinder.Standardize` of Si (spglib + canonical image; the searches cached): the baseline"),
              ("ShiftsFd3m", "normalizer translations of Fd-3m (order 192) for W = I: 24³ shifts × 192 operations, uncached"),
              ("ShiftsP21c", "normalizer translations of P2₁/c (order 4) for W = I, uncached"),
              ("OriginShiftFd3m", "origin shift Fd-3m origin 1 → 2 (replaces a second spglib call), uncached")]
    lines = [f"Measured with {host_line(bdn)}.", "", "| work | time | × one standardisation |", "|---|---:|---:|"]
    for method, label in labels:
        lines.append(f"| {label} | {micro(mean[method])} | {mean[method] / base:.2f}× |")
    return lines


REGIONS = {"pairs": pairs_table, "stages_before_after": stages_before_after_table, "normalizer": normalizer_table, "stages": stages_table, "cthreads": cthreads_table, "predictor": predictor_table, "coldstart": coldstart_table, "featurizer": featurizer_table, "cif": cif_table, "predict": predict_table, "predict_aot": lambda: predict_table("aot"), "python": python_table}
PATTERN = re.compile(r"(<!-- begin generated: (\w+)[^\n]*-->\n)(.*?)(<!-- end generated -->)", re.S)


def render(text):
    def replace(m):
        return m.group(1) + "\n".join(REGIONS[m.group(2)]()) + "\n" + m.group(4)
    found = {m.group(2) for m in PATTERN.finditer(text)}
    missing = set(REGIONS) - found
    if missing:
        raise SystemExit(f"{DOC}: no generated region for {', '.join(sorted(missing))}")
    return PATTERN.sub(replace, text)


def main():
    text = open(DOC, encoding="utf-8").read()
    rendered = render(text)
    if "--check" in sys.argv[1:]:
        if rendered != text:
            print(f"{DOC} differs from its rendering from bench/results/: run python3 bench/render_tables.py", file=sys.stderr)
            return 1
        return 0
    with open(DOC, "w", encoding="utf-8") as f:
        f.write(rendered)
    return 0


if __name__ == "__main__":
    sys.exit(main())

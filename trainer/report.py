#!/usr/bin/python3
"""Prints README's result tables (Markdown) from trainer/runs/*.metrics.json."""
import json
import os
import sys


def load(runs, name):
    path = os.path.join(runs, name + ".metrics.json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        m = json.load(f)
    return m if "test" in m else None


def mae(m, split="test"):
    return f"{m[split]['mae']:.4f}" if m and m.get(split, {}).get("count") else "—"


SHIPPED_HEADER = ("| model | unit | test MAE, ensemble | one member (mean ± std over the members: 5 seeds, 16 for the CMR gap) | train-mean baseline | "
                  "composition-only baseline | always-zero | test R² | test n |")
CALIBRATION_HEADER = "| model | test errors within ±2σ | Spearman(σ, abs error) | mean σ | test structures above the novelty threshold |"


def shipped_row(name, m):
    """A row of the shipped-ensembles table from a model's metrics (the .metrics.json, or the model's cft.metrics with its unit)."""
    member = m.get("member_test_mae") or {}
    one = f"{member['mean']:.4f} ± {member['std']:.4f}" if member else "—"
    comp = m.get("baseline_composition_mae")
    comp_text = f"{comp:.4f} ({m['test']['mae'] / comp:.2f}×)" if comp else "—"
    zero = f"{m['baseline_always_zero_mae']:.4f}" if m.get("baseline_always_zero_mae") is not None else "—"
    log10 = f" (log10: {m['test_log10_mae']:.4f})" if m.get("test_log10_mae") is not None else ""
    return (f"| `{name}` | {m['unit']} | {mae(m)}{log10} | {one} | {m['baseline_train_mean_mae']:.4f} | {comp_text} | {zero} | "
            f"{m['test']['r2']:.3f} | {m['test']['count']} |")


def calibration_row(name, m):
    c = m["calibration"]
    return f"| `{name}` | {c['within_2_sigma']:.1%} | {c['spearman_sigma_error']:.2f} | {c['mean_sigma']:.4f} {m['unit']} | {c['novel_fraction']:.1%} |"


CV_MODELS = ["cmr_perovskites-e_form", "cmr_perovskites-gap_gllbsc", "oqmd_mp_perovskites-formation_energy", "oqmd_mp_perovskites-band_gap",
             "carbon_24-energy_per_atom", "mp_elastic-K_Voigt", "mp_elastic-G_Voigt"]
CV_HEADER = "| model | CV MAE (one network) | composition-only | train mean | always-zero | folds | unit |"


def cv_folds(directory, name):
    """The fold metrics of one model's cross-validation (<directory>/<name>.fold<k>.metrics.json), in fold order."""
    folds = [load(directory, f"{name}.fold{k}") for k in range(5)]
    return [f for f in folds if f]


def cv_row(name, folds):
    """A row of the cross-validation table: test MAE mean ± std (sample) over the folds and the baselines' means."""
    import statistics
    maes = [f["test"]["mae"] for f in folds]
    spread = statistics.stdev(maes) if len(maes) > 1 else 0.0
    digits = 4 if statistics.mean(maes) < 1 else 2

    def mean_of(key):
        values = [f[key] for f in folds if f.get(key) is not None]
        return f"{statistics.mean(values):.{digits}f}" if values else "—"
    return (f"| `{name}` | {statistics.mean(maes):.{digits}f} ± {spread:.{digits}f} | {mean_of('baseline_composition_mae')} | "
            f"{mean_of('baseline_train_mean_mae')} | {mean_of('baseline_always_zero_mae')} | {len(folds)} | {folds[0]['unit']} |")


def cv_table(directory):
    lines = [CV_HEADER, "|---|---:|---:|---:|---:|---:|---|"]
    for name in CV_MODELS:
        folds = cv_folds(directory, name)
        if folds:
            lines.append(cv_row(name, folds))
    return lines


# Cross-validated variants of a shipped model's recipe (trainer/results/<directory>/<name>.fold<k>.metrics.json), beside it.
CV_VARIANTS = [("cv_unregularised", "cmr_perovskites-e_form", "CMR `e_form`: the earlier recipe (d 64, no dropout, weight decay 1e-4)"),
               ("cv_fdrop", "cmr_perovskites-e_form", "CMR `e_form`: + dropout 0.3 on the Fourier projection"),
               ("cv", "cmr_perovskites-e_form", "CMR `e_form`: + dropout 0.3 on the Fourier projection + weight decay 0.05 (shipped)"),
               ("cv_angular", "cmr_perovskites-e_form", "CMR `e_form`: the shipped recipe (100 epochs) + three-body channels (`--angular-cutoff 4`)"),
               ("cv_pair_readout", "cmr_perovskites-e_form", "CMR `e_form`: + three-body channels + the pair readout (`--pair-readout 32`), 100 epochs"),
               ("cv_ens3", "cmr_perovskites-e_form", "CMR `e_form`: the shipped recipe, an ensemble of 3 networks per fold (seeds 0–2)"),
               ("cv_ens3_e200", "cmr_perovskites-e_form", "CMR `e_form`: the shipped recipe at 200 epochs, an ensemble of 3 networks per fold (seeds 0–2)"),
               ("cv_ens3_angular_e200", "cmr_perovskites-e_form", "CMR `e_form`: + three-body channels (`--angular-cutoff 4`; shipped 2026-12-06 before the pair readout), 200 epochs, an ensemble of 3 networks per fold (seeds 0–2)"),
               ("cv_ens3_pair_readout_e200", "cmr_perovskites-e_form", "CMR `e_form`: + three-body channels + the pair readout (`--pair-readout 32`; shipped since 2026-12-06), 200 epochs, an ensemble of 3 networks per fold (seeds 0–2), as shipped"),
               ("cv_pair_readout_d128", "cmr_perovskites-e_form", "CMR `e_form`: + three-body channels + the pair readout at width 128 (8 heads, feed-forward 256), 100 epochs"),
               ("cv", "cmr_perovskites-gap_gllbsc", "CMR `gap_gllbsc`: the transformer recipe shipped before the site-role readout (gap head, members gated at a searched threshold)"),
               ("cv_ens8_gap_roles", "cmr_perovskites-gap_gllbsc", "CMR `gap_gllbsc`: site-role readout, no pooled state (`GAP_ROLES`), an ensemble of 8 networks per fold"),
               ("cv_ens16_gap_roles", "cmr_perovskites-gap_gllbsc", "CMR `gap_gllbsc`: the same with 16 networks per fold (shipped since 2026-12-06), as shipped"),
               ("cv_oqmd_unregularised", "oqmd_mp_perovskites-formation_energy", "OQMD + MP `formation_energy`: the earlier recipe (no dropout, weight decay 1e-4)"),
               ("cv", "oqmd_mp_perovskites-formation_energy", "OQMD + MP `formation_energy`: + dropout 0.3 on the Fourier projection + weight decay 0.05"),
               ("cv", "oqmd_mp_perovskites-band_gap", "OQMD + MP `band_gap`: shipped recipe (no dropout, weight decay 1e-4)"),
               ("cv_oqmd_gap_regularised", "oqmd_mp_perovskites-band_gap", "OQMD + MP `band_gap`: + dropout 0.3 on the Fourier projection + weight decay 0.05"),
               ("cv_lattice", "carbon_24-energy_per_atom", "carbon: pair-only, cell = a, b, c, angles, volume per atom of the standardised cell (needs spglib)"),
               ("cv_volume", "carbon_24-energy_per_atom", "carbon: pair-only, cell = volume per atom only (needs no symmetry: no spglib)"),
               ("cv", "carbon_24-energy_per_atom", "carbon: pair-only, cell = a, b, c, angles, volume per atom of the Niggli-reduced primitive cell (shipped; no spglib)"),
               ("cv_carbon_wd", "carbon_24-energy_per_atom", "carbon: the shipped recipe + weight decay 0.05"),
               ("cv_ens3_carbon", "carbon_24-energy_per_atom", "carbon: pair-only, Niggli cell, an ensemble of 3 networks per fold (seeds 0–2)"),
               ("cv_ens3_carbon_fine", "carbon_24-energy_per_atom", "carbon: + pair basis of 60 Gaussians of σ 0.1 Å (24 of 0.25 Å above; shipped), an ensemble of 3 networks per fold (seeds 0–2)"),
               ("cv_ens5_carbon_fine", "carbon_24-energy_per_atom", "carbon: 60 Gaussians of σ 0.1 Å, an ensemble of 5 networks per fold (seeds 0–4)"),
               ("cv_ens5_carbon_angular", "carbon_24-energy_per_atom", "carbon: + three-body channels (bond angles within 3.5 Å, `--angular-cutoff 3.5`; shipped), an ensemble of 5 networks per fold (seeds 0–4), as shipped"),
               ("cv_angular", "oqmd_mp_perovskites-formation_energy", "OQMD + MP `formation_energy`: the shipped recipe + three-body channels (`--angular-cutoff 4`)"),
               ("cv_pair_readout", "oqmd_mp_perovskites-formation_energy", "OQMD + MP `formation_energy`: + three-body channels + the pair readout (`--pair-readout 32`; shipped since 2026-12-06)"),
               ("cv_angular", "oqmd_mp_perovskites-band_gap", "OQMD + MP `band_gap`: the shipped recipe + three-body channels (`--angular-cutoff 4`)"),
               ("cv", "mp_elastic-K_Voigt", "mp_elastic `K_Voigt` (log10 trained; MAE in GPa): the recipe shipped before 2026-12-06"),
               ("cv_angular", "mp_elastic-K_Voigt", "mp_elastic `K_Voigt`: + three-body channels (`--angular-cutoff 4`)"),
               ("cv_pair_readout", "mp_elastic-K_Voigt", "mp_elastic `K_Voigt`: + three-body channels + the pair readout (`--pair-readout 32`; shipped since 2026-12-06)"),
               ("cv", "mp_elastic-G_Voigt", "mp_elastic `G_Voigt` (log10 trained; MAE in GPa): shipped recipe"),
               ("cv_angular", "mp_elastic-G_Voigt", "mp_elastic `G_Voigt`: + three-body channels (`--angular-cutoff 4`)"),
               ("cv_pair_readout", "mp_elastic-G_Voigt", "mp_elastic `G_Voigt`: + three-body channels + the pair readout (`--pair-readout 32`)"),
               ("cv_ens3_g", "mp_elastic-G_Voigt", "mp_elastic `G_Voigt`: shipped recipe, an ensemble of 3 networks per fold (seeds 0–2)"),
               ("cv_ens3_g_angular", "mp_elastic-G_Voigt", "mp_elastic `G_Voigt`: + three-body channels (`--angular-cutoff 4`), an ensemble of 3 networks per fold (seeds 0–2)")]
CV_VARIANTS_HEADER = "| recipe | CV MAE (mean ± std over the folds; one network per fold unless an ensemble is named) | each fold | always-zero (gaps) | folds | unit |"


def cv_variants_table(results):
    import statistics
    lines = [CV_VARIANTS_HEADER, "|---|---:|---|---|---:|---|"]
    for directory, name, label in CV_VARIANTS:
        folds = cv_folds(os.path.join(results, directory), name)
        if len(folds) < 5:
            continue
        maes = [f["test"]["mae"] for f in folds]
        zeros = [f.get("baseline_always_zero_mae") for f in folds]
        zero = "—" if None in zeros else f"{statistics.mean(zeros):.4f} ({', '.join(f'{v:.4f}' for v in zeros)})"
        lines.append(f"| {label} | {statistics.mean(maes):.4f} ± {statistics.stdev(maes):.4f} | {', '.join(f'{v:.4f}' for v in maes)} | {zero} | {len(folds)} | {folds[0]['unit']} |")
    return lines


# Regularisation screen on the shipped 80/10/10 split, seed 0, one network (trainer/results/screen/<name>.metrics.json),
# chosen by validation MAE; the first two rows are the ablation's seed-0 runs.
SCREEN = [("ablation_cmr/cft-s0", "CMR `e_form`: shipped recipe (weight decay 1e-4)"),
          ("ablation_cmr/fdrop-s0", "+ feature dropout 0.3"),
          ("screen/fdrop5", "+ feature dropout 0.5"),
          ("screen/fdrop3-drop1", "+ feature dropout 0.3, dropout 0.1"),
          ("screen/fdrop3-wd05", "+ feature dropout 0.3, weight decay 0.05"),
          ("screen/fdrop3-wd2", "+ feature dropout 0.3, weight decay 0.2"),
          ("screen/fdrop5-wd05", "+ feature dropout 0.5, weight decay 0.05"),
          ("screen/fdrop3-wd05-e200", "+ feature dropout 0.3, weight decay 0.05, 200 epochs (100 above)"),
          ("screen/gap-pw3", "CMR `gap_gllbsc`: non-metal class weight 3 (balanced: ≈ 25)"),
          ("screen/gap-reg", "CMR `gap_gllbsc`: + feature dropout 0.3, weight decay 0.05"),
          ("screen/gap-reg-pw3", "CMR `gap_gllbsc`: + feature dropout 0.3, weight decay 0.05, non-metal class weight 3")]
SCREEN_HEADER = "| recipe (one network, seed 0, shipped split) | validation MAE | test MAE | always-zero (test) | unit |"


# The pair-readout recipe for CMR e_form varied on CV fold 0 (trainer/results/screen_pair_readout/, reproduce.sh
# screen-pair-readout), one network, seed 0, 100 epochs, chosen by validation MAE; the first row is cv-pair-readout's fold 0.
SCREEN_PAIR_READOUT = [("cv_pair_readout/cmr_perovskites-e_form.fold0", "CMR `e_form`: three-body channels + pair readout 32 (cv-pair-readout, fold 0)"),
                       ("screen_pair_readout/d128", "+ width d 128, 8 heads, feed-forward 256 (64, 4, 128 above)"),
                       ("screen_pair_readout/pair-readout64", "+ pair readout 64 channels"),
                       ("screen_pair_readout/dropout0.1", "+ dropout 0.1 in the transformer blocks"),
                       ("screen_pair_readout/readout-dropout0.2", "+ readout dropout 0.2"),
                       ("screen_pair_readout/weight-decay0.1", "+ weight decay 0.1 (0.05 above)")]
SCREEN_PAIR_READOUT_HEADER = "| recipe (one network, seed 0, CV fold 0, 100 epochs) | validation MAE | test MAE | always-zero (test) | unit |"


def screen_table(results, rows=None, header=SCREEN_HEADER):
    lines = [header, "|---|---:|---:|---:|---|"]
    for name, label in rows or SCREEN:
        m = load(results, name)
        if not m:
            continue
        zero = f"{m['baseline_always_zero_mae']:.4f}" if m.get("baseline_always_zero_mae") is not None else "—"
        lines.append(f"| {label} | {m['val']['mae']:.4f} | {m['test']['mae']:.4f} | {zero} | {m['unit']} |")
    return lines


TENSOR_MODELS = [("dielectric-e_electronic", ["n", "poly"]), ("dielectric-e_total", ["poly"]),
                 ("piezoelectric-piezoelectric_tensor", ["e_longitudinal_max"]), ("mp_elastic-elastic_tensor", ["K_Voigt", "G_Voigt", "K_VRH", "G_VRH"])]
TENSOR_HEADER = ("| model | unit | test MAE per component: symmetric head (ensemble) | one member (mean ± std) | free head (ensemble) | "
                 "train-mean tensor | free head's symmetry error (mean / max) | derived scalars, MAE: symmetric / free / train-mean tensor | test n | targets off their subspace (left out) |")


def tensor_table(directory):
    """Rows of the tensor-model table from <directory>/<name>.metrics.json (symmetric head) and <name>.free.metrics.json."""
    import statistics
    lines = [TENSOR_HEADER, "|---|---|---:|---:|---:|---:|---:|---|---:|---:|"]
    for name, scalars in TENSOR_MODELS:
        m, free = load_any(directory, name), load_any(directory, name + ".free")
        if not m or not free:
            continue
        members = m["member_component_mae"]
        sym = free["symmetry_error"]
        derived = "; ".join(f"`{d}` {m['derived_mae'][d]:.3f} / {free['derived_mae'][d]:.3f} / {m['derived_train_mean_mae'][d]:.3f}" for d in scalars)
        check = m["frame_check"]
        lines.append(f"| `{name}` | {m['unit'] or '—'} | {m['test_component_mae']:.4f} | {statistics.mean(members):.4f} ± {statistics.stdev(members):.4f} | "
                     f"{free['test_component_mae']:.4f} | {m['train_mean_component_mae']:.4f} | {sym['mean']:.1%} / {sym['max']:.1%} | {derived} | "
                     f"{m['split']['test']} | {check['left_out']} of {check['structures']} |")
    return lines


ABLATION_VARIANTS = [("cft", "CFT Fourier (symmetry-adapted) + pair messages"), ("plain", "plain (P1) Fourier of the standard cell + pair messages"),
                     ("pairsonly", "pair messages only (no Fourier)"), ("none", "nothing positional (elements and cell only)"),
                     ("fdrop", "idea 1: CFT + pairs, dropout 0.3 on the Fourier projection"),
                     ("zinit", "idea 2: CFT + pairs, Fourier projection initialised at 0 (starts as pair-only)")]
ABLATION_HEADER = "| features (CMR `e_form`, 15,143 structures) | test MAE, mean ± std over seeds | seeds | each seed | test n |"


def ablation_table(directory):
    """The CMR-scale ablation (<directory>/<variant>-s<seed>.metrics.json): one network per seed, the same split."""
    import statistics
    lines = [ABLATION_HEADER, "|---|---:|---:|---|---:|"]
    for variant, label in ABLATION_VARIANTS:
        runs = [m for m in (load(directory, f"{variant}-s{k}") for k in range(10)) if m]
        if not runs:
            continue
        maes = [m["test"]["mae"] for m in runs]
        spread = statistics.stdev(maes) if len(maes) > 1 else 0.0
        lines.append(f"| {label} | {statistics.mean(maes):.4f} ± {spread:.4f} | {len(runs)} | {', '.join(f'{v:.4f}' for v in maes)} | {runs[0]['test']['count']} |")
    return lines


ZEROSHOT_VARIANTS = [("cft", "CFT Fourier + pair messages"), ("plain", "plain (P1) Fourier + pair messages")]
ZEROSHOT_HEADER = "| features (CMR `e_form`; 123 and 221 never seen) | MAE on groups 123 + 221, mean ± std | n | MAE on seen groups (test split), mean ± std | n | seeds |"


ZEROSHOT_OQMD_HEADER = ("| features (OQMD + MP `formation_energy`; 99 and 123 never seen) | MAE on groups 99 + 123, mean ± std | n | "
                        "MAE on seen groups (test split), mean ± std | n | seeds |")


def zeroshot_table(directory, header=ZEROSHOT_HEADER):
    """Zero-shot runs (<directory>/zeroshot-<variant>-s<seed>.metrics.json): CMR by default, OQMD + MP with its header."""
    import statistics
    lines = [header, "|---|---:|---:|---:|---:|---:|"]

    def spread(v):
        return f"{statistics.mean(v):.4f} ± {statistics.stdev(v) if len(v) > 1 else 0.0:.4f}"
    for variant, label in ZEROSHOT_VARIANTS:
        runs = [m for m in (load(directory, f"zeroshot-{variant}-s{k}") for k in range(10)) if m]
        if not runs:
            continue
        lines.append(f"| {label} | {spread([m['unseen']['mae'] for m in runs])} | {runs[0]['unseen']['count']} | "
                     f"{spread([m['test']['mae'] for m in runs])} | {runs[0]['test']['count']} | {len(runs)} |")
    return lines


ORBIT_HEADER = ("| group (order \\|G\\|) | Spearman, pairs near each other's orbit: CFT | plain (P1) | Spearman, uniform random pairs: CFT | plain (P1) | "
                "check: plain encoding vs plain distance | pairs |")


def orbit_table(path):
    """Feature distance against orbit distance (trainer/orbit_distance.py's JSON)."""
    with open(path) as f:
        doc = json.load(f)
    lines = [ORBIT_HEADER, "|---|---:|---:|---:|---:|---:|---:|"]
    for g in doc["groups"]:
        lines.append(f"| {g['group']} ({g['order']}) | {g['near_cft_spearman']:.2f} | {g['near_plain_spearman']:.2f} | {g['random_cft_spearman']:.2f} | "
                     f"{g['random_plain_spearman']:.2f} | {g['plain_vs_cell_distance_spearman']:.2f} | {g['pairs']} |")
    return lines


def load_any(directory, name):
    path = os.path.join(directory, name + ".metrics.json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def main():
    runs = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "runs")
    if len(sys.argv) > 2 and sys.argv[2] == "ablation":
        print("\n".join(ablation_table(os.path.join(runs, "ablation_cmr"))))
        print()
        print("\n".join(zeroshot_table(os.path.join(runs, "ablation_cmr"))))
        return
    if len(sys.argv) > 2 and sys.argv[2] == "zeroshot-oqmd":
        print("\n".join(zeroshot_table(os.path.join(runs, "ablation_oqmd"), ZEROSHOT_OQMD_HEADER)))
        return
    if len(sys.argv) > 2 and sys.argv[2] == "tensor":
        print("\n".join(tensor_table(os.path.join(runs, "tensor"))))
        return
    if len(sys.argv) > 2 and sys.argv[2] == "orbit":
        print("\n".join(orbit_table(os.path.join(runs, "orbit", "orbit_distance.json"))))
        return
    if len(sys.argv) > 2 and sys.argv[2] == "cv":
        print("\n".join(cv_table(os.path.join(runs, "cv"))))
        print()
        print("\n".join(cv_variants_table(runs)))
        print()
        print("\n".join(screen_table(runs)))
        print()
        print("\n".join(screen_table(runs, SCREEN_PAIR_READOUT, SCREEN_PAIR_READOUT_HEADER)))
        return
    # The shipped ensembles (models/README.md).
    shipped = ["cmr_perovskites-e_form", "cmr_perovskites-gap_gllbsc", "oqmd_mp_perovskites-formation_energy", "oqmd_mp_perovskites-band_gap",
               "mp_elastic-K_Voigt", "mp_elastic-G_Voigt", "carbon_24-energy_per_atom"]
    print(SHIPPED_HEADER)
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for name in shipped:
        m = load(runs, name)
        if m:
            print(shipped_row(name, m))
    print()
    print(CALIBRATION_HEADER)
    print("|---|---:|---:|---:|---:|")
    for name in shipped:
        m = load(runs, name)
        if m and "calibration" in m:
            print(calibration_row(name, m))
    print()
    print("| target (test MAE) | Fourier (CFT) + pair messages | Fourier (CFT) only | plain (P1) Fourier only | nothing positional | pair messages only |")
    print("|---|---|---|---|---|---|")
    for name, target in [("perov_5-heat_ref", "heat_ref"), ("carbon_24-energy_per_atom-fourier", "energy_per_atom")]:
        cells = [mae(load(runs, name)), mae(load(runs, f"ablation-{target}-nopairs")), mae(load(runs, f"ablation-{target}-plain")),
                 mae(load(runs, f"ablation-{target}-none")), mae(load(runs, f"ablation-{target}-pairsonly"))]
        if all(c == "—" for c in cells[1:]):
            continue
        print(f"| `{target}` | " + " | ".join(cells) + " |")
    print()
    print("| zero-shot run | held-out groups | features | MAE on held-out groups (n) | MAE on seen groups, test split (n) |")
    print("|---|---|---|---|---|")
    for base in ["zeroshot-heat_ref-123", "zeroshot-heat_ref-221", "zeroshot-energy_per_atom"]:
        for suffix, features in [("-nopairs", "Fourier (CFT)"), ("-plain", "plain (P1) Fourier"), ("", "Fourier (CFT) + pair messages"), ("-pairsonly", "pair messages only")]:
            m = load(runs, base + suffix)
            if not m:
                continue
            groups = ", ".join(str(g) for g in m["held_out_groups"])
            print(f"| `{m['target']}` | {groups} | {features} | {mae(m, 'unseen')} ({m['unseen']['count']}) | {mae(m)} ({m['test']['count']}) |")


if __name__ == "__main__":
    main()

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


def main():
    runs = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "runs")
    # The shipped models (models/README.md says why carbon is the pair-only variant).
    shipped = [("perov_5-heat_ref", "heat_ref", "Fourier (CFT) + pairs"), ("perov_5-dir_gap", "dir_gap", "Fourier (CFT) + pairs, gap head"),
               ("ablation-energy_per_atom-pairsonly", "energy_per_atom", "pairs only")]
    print("| target | shipped variant | unit | test MAE | train-mean baseline MAE | always-zero MAE | test R² | test structures | epochs |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, target, variant in shipped:
        m = load(runs, name)
        if not m:
            continue
        zero = f"{m['baseline_always_zero_mae']:.4f}" if m.get("baseline_always_zero_mae") is not None else "—"
        print(f"| `{target}` | {variant} | {m['unit']} | {mae(m)} | {m['baseline_train_mean_mae']:.4f} | {zero} | {m['test']['r2']:.3f} | {m['test']['count']} | {m['epochs']} |")
    print()
    print("| target (test MAE) | Fourier (CFT) + pair messages | Fourier (CFT) only | plain (P1) Fourier only | nothing positional | pair messages only |")
    print("|---|---|---|---|---|---|")
    for name, target in [("perov_5-heat_ref", "heat_ref"), ("carbon_24-energy_per_atom", "energy_per_atom")]:
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

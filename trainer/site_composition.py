#!/usr/bin/python3
"""A site-aware composition baseline for the CMR cubic perovskites: what the A-site cation, the B-site cation and the
anion set alone predict (docs/models.md, "The CMR band gap").

CMR is a grid of 52 × 52 cation pairs × 7 anion sets, all in the ideal cubic cell, and its `formula` column lists the
A-site (12-fold) cation first, then the B-site (octahedral) one, then the anions (../shared/data/README.md), so a
structure is fully named by (A, B, anions). Each is a learned embedding (24, 24, 8 numbers), concatenated into an MLP
(128, 128; SiLU; dropout 0.2); AdamW, batches of 256; 5-fold CV with the trainer's folds (cft_data.split_of, split seed
0), an ensemble of 3 seeds per fold. Not a model to ship (it needs the site roles from the formula and knows nothing
outside this grid); a measure of what the CFT networks leave on the table.

  gap_gllbsc: a non-metal classifier (unweighted BCE) and a gap regressor (L1 on the non-metals), 60 epochs; the
              ensemble's mean probability and mean gap; the gap is predicted where the probability exceeds 1/2 (the
              MAE-optimal median rule), and also at the threshold with the lowest validation MAE (0.05 … 0.95).
  e_form:     L1 regression of the standardised target, cosine schedule, 150 epochs; the ensemble's mean.

    /usr/bin/python3 trainer/site_composition.py gap_gllbsc trainer/results/site_composition/gap_gllbsc.json
    /usr/bin/python3 trainer/site_composition.py e_form trainer/results/site_composition/e_form.json
"""
import csv
import json
import os
import re
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cft_data import split_of  # noqa: E402

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data", "cmr_perovskites", "data.csv")
SEEDS = 3


class SiteNet(torch.nn.Module):
    def __init__(self, cations, anion_sets, d=24):
        super().__init__()
        self.a, self.b, self.x = torch.nn.Embedding(cations, d), torch.nn.Embedding(cations, d), torch.nn.Embedding(anion_sets, 8)
        self.mlp = torch.nn.Sequential(torch.nn.Linear(2 * d + 8, 128), torch.nn.SiLU(), torch.nn.Dropout(0.2),
                                       torch.nn.Linear(128, 128), torch.nn.SiLU(), torch.nn.Linear(128, 2))

    def forward(self, a, b, x):
        out = self.mlp(torch.cat([self.a(a), self.b(b), self.x(x)], 1))
        return out[:, 0], out[:, 1]


def main():
    target, out_path = sys.argv[1], sys.argv[2]
    torch.set_num_threads(1)
    csv.field_size_limit(1 << 30)
    rows = list(csv.DictReader(open(DATA, newline="")))
    tokens = [re.findall(r"[A-Z][a-z]?\d*", r["formula"]) for r in rows]
    cations = {e: i for i, e in enumerate(sorted({t[0] for t in tokens} | {t[1] for t in tokens}))}
    anions = {s: i for i, s in enumerate(sorted({"".join(t[2:]) for t in tokens}))}
    a = torch.tensor([cations[t[0]] for t in tokens])
    b = torch.tensor([cations[t[1]] for t in tokens])
    x = torch.tensor([anions["".join(t[2:])] for t in tokens])
    y = torch.tensor([float(r[target]) for r in rows])
    ids = [r["material_id"] for r in rows]

    def train(fold, seed, epochs):
        split = np.array([split_of(i, 0, 5, fold) for i in ids])
        train_rows, val_rows, test_rows = (torch.tensor(np.where(split == k)[0]) for k in ("train", "val", "test"))
        torch.manual_seed(seed)
        net = SiteNet(len(cations), len(anions))
        opt = torch.optim.AdamW(net.parameters(), 3e-3, weight_decay=1e-3)
        schedule = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs) if target != "gap_gllbsc" else None
        mean, std = float(y[train_rows].mean()), float(y[train_rows].std())
        for _ in range(epochs):
            net.train()
            order = train_rows[torch.randperm(len(train_rows))]
            for lo in range(0, len(order), 256):
                i = order[lo:lo + 256]
                first, second = net(a[i], b[i], x[i])
                if target == "gap_gllbsc":
                    nonmetal = (y[i] > 0).float()
                    loss = torch.nn.functional.binary_cross_entropy_with_logits(first, nonmetal) + \
                        (nonmetal * (second - y[i]).abs()).sum() / nonmetal.sum().clamp(min=1)
                else:
                    loss = (first - (y[i] - mean) / std).abs().mean()
                opt.zero_grad()
                loss.backward()
                opt.step()
            if schedule:
                schedule.step()
        net.eval()
        with torch.no_grad():
            def outputs(rows_):
                first, second = net(a[rows_], b[rows_], x[rows_])
                return (torch.sigmoid(first), second.clamp(min=0)) if target == "gap_gllbsc" else (first * std + mean, None)
            return outputs(val_rows), outputs(test_rows), val_rows, test_rows

    folds = []
    for fold in range(5):
        runs = [train(fold, seed, 60 if target == "gap_gllbsc" else 150) for seed in range(SEEDS)]
        val_rows, test_rows = runs[0][2], runs[0][3]
        if target == "gap_gllbsc":
            pv, gv = (torch.stack([r[0][k] for r in runs]).mean(0) for k in (0, 1))
            pt, gt = (torch.stack([r[1][k] for r in runs]).mean(0) for k in (0, 1))
            mae_at = lambda p, g, rows_, th: float((torch.where(p > th, g, torch.zeros_like(g)) - y[rows_]).abs().mean())
            searched = min(np.linspace(0.05, 0.95, 19), key=lambda th: mae_at(pv, gv, val_rows, th))
            called = pt > 0.5
            truth = y[test_rows] > 0
            result = {"fold": fold, "test_count": len(test_rows), "mae_probability_half": mae_at(pt, gt, test_rows, 0.5),
                      "mae_searched_threshold": mae_at(pt, gt, test_rows, searched), "searched_threshold": float(searched),
                      "always_zero_mae": float(y[test_rows].abs().mean()),
                      "nonmetal_calls": int(called.sum()), "nonmetal_precision": float((called & truth).sum() / max(1, int(called.sum()))),
                      "nonmetal_recall": float((called & truth).sum() / max(1, int(truth.sum())))}
        else:
            pred = torch.stack([r[1][0] for r in runs]).mean(0)
            result = {"fold": fold, "test_count": len(test_rows), "mae": float((pred - y[test_rows]).abs().mean()),
                      "member_mae": [float((r[1][0] - y[test_rows]).abs().mean()) for r in runs]}
        print(json.dumps(result), flush=True)
        folds.append(result)
    os.makedirs(os.path.dirname(os.path.abspath(out_path)), exist_ok=True)
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump({"target": target, "seeds": SEEDS, "data": "cmr_perovskites/data.csv", "folds": folds}, f, indent=1)


if __name__ == "__main__":
    main()

"""Does a charge-balance count tell CMR's non-metals from its metals? (docs/models.md, "The CMR band gap")

For each CMR structure: the valence electrons its cations can give (group number for the s and d blocks, group − 10 for
the p block: closed d0 / d10 shells) minus what its anions need (N 3, O 2, F 1, S 2), per formula unit of 5 atoms; "closed
shell" where that excess is 0, or 2 with a p-block cation that can keep a lone pair (Sn2+, Pb2+, Bi3+, ...). Reports how
well the rule alone separates the gaps > 0, then the composition-only baseline of cft_train (element fractions and
fraction-weighted element facts, an MLP with the gap head: non-metal classifier + gap regressor, threshold on validation)
with and without the count, 5-fold CV on cft_train's folds, against always-zero.
    /usr/bin/python3 trainer/charge_balance.py trainer/runs/data/cmr.npz trainer/results/charge_balance/cmr_gap.json
"""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cft_data import FeaturizedDataset, split_of  # noqa: E402
from cft_model import element_properties  # noqa: E402
from cft_train import best_threshold, composition_features  # noqa: E402

ANION_NEEDS = {7: 3, 8: 2, 9: 1, 16: 2}


def group_of(z):
    from pymatgen.core import Element
    return Element.from_Z(int(z)).group


def closed_shell_features(numbers, weights):
    """[excess electrons per 5 atoms, excess == 0, lone-pair closed shell, closed shell (either)]."""
    need = sum(ANION_NEEDS[int(z)] * w for z, w in zip(numbers, weights) if int(z) in ANION_NEEDS)
    give = sum((group_of(z) if group_of(z) <= 10 else group_of(z) - 10) * w for z, w in zip(numbers, weights) if int(z) not in ANION_NEEDS)
    lone_pair = any(group_of(z) >= 13 for z in numbers if int(z) not in ANION_NEEDS)
    excess = (give - need) / weights.sum() * 5
    zero = abs(excess) < 1e-6
    paired = lone_pair and abs(excess - 2) < 1e-6
    return [excess / 5, float(zero), float(paired), float(zero or paired)]


def cross_validate(x, y, ids, seed=0, epochs=300, patience=30):
    """Test MAE per fold of the composition MLP with the gap head, and always-zero's."""
    torch.manual_seed(seed)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y.astype(np.float32))
    out = []
    for fold in range(5):
        where = np.array([split_of(i, 0, 5, fold) for i in ids])
        train, val, test = (np.where(where == k)[0] for k in ("train", "val", "test"))
        torch.manual_seed(seed)
        rng = np.random.default_rng(seed)
        net = torch.nn.Sequential(torch.nn.Linear(x.shape[1], 128), torch.nn.SiLU(), torch.nn.Linear(128, 128), torch.nn.SiLU(), torch.nn.Linear(128, 2))
        optimiser = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=1e-4)
        positive = y[train] > 0
        weight = torch.tensor(float((~positive).sum()) / positive.sum())
        mean, std = float(y[train][positive].mean()), float(y[train][positive].std())

        def gated(idx, threshold=None):
            net.eval()
            with torch.no_grad():
                raw = net(xt[idx]).numpy()
            gap = np.maximum(raw[:, 0] * std + mean, 0)
            if threshold is None:
                threshold = best_threshold(raw[:, 1], gap, y[idx])[0]
            return threshold, np.abs(np.where(raw[:, 1] > threshold, gap, 0) - y[idx]).mean()

        best, state, since = np.inf, None, 0
        for _ in range(epochs):
            net.train()
            order = rng.permutation(train)
            for lo in range(0, len(order), 128):
                idx = order[lo:lo + 128]
                raw, target = net(xt[idx]), yt[idx]
                nonmetal = target > 0
                loss = torch.nn.functional.binary_cross_entropy_with_logits(raw[:, 1], nonmetal.float(), pos_weight=weight)
                if nonmetal.any():
                    loss = loss + torch.nn.functional.l1_loss(raw[nonmetal, 0], (target[nonmetal] - mean) / std)
                optimiser.zero_grad()
                loss.backward()
                optimiser.step()
            score = gated(val)[1]
            if score < best:
                best, since, state = score, 0, {k: t.clone() for k, t in net.state_dict().items()}
            else:
                since += 1
                if since >= patience:
                    break
        net.load_state_dict(state)
        threshold, _ = gated(val)
        out.append({"fold": fold, "test_mae": float(gated(test, threshold)[1]), "always_zero_mae": float(np.abs(y[test]).mean()), "test_count": int(len(test))})
    return out


def main(data_path, out_path):
    torch.set_num_threads(1)
    data = FeaturizedDataset(data_path)
    y = data.targets["gap_gllbsc"]
    table = element_properties(os.path.join(os.path.dirname(os.path.abspath(__file__)), "element_properties.json")).numpy()
    composition = composition_features(data, table)
    closed = np.array([closed_shell_features(data.atomic_number[lo:hi], data.weight[lo:hi])
                       for lo, hi in zip(data.site_start[:-1], data.site_start[1:])], np.float32)
    nonmetal = y > 0
    rule = {}
    for name, column in (("excess 0", 1), ("excess 0 or lone pair", 3)):
        flag = closed[:, column] > 0
        rule[name] = {"flagged": int(flag.sum()), "non-metals flagged": int((flag & nonmetal).sum()), "non-metals": int(nonmetal.sum()),
                      "precision": float((flag & nonmetal).sum() / flag.sum()), "recall": float((flag & nonmetal).sum() / nonmetal.sum())}
    result = {"data": data_path, "structures": data.count, "rule": rule,
              "composition": cross_validate(composition, y, data.ids),
              "composition_and_charge_balance": cross_validate(np.concatenate([composition, closed], 1), y, data.ids)}
    for key in ("composition", "composition_and_charge_balance"):
        maes = [f["test_mae"] for f in result[key]]
        print(f"{key}: CV MAE {np.mean(maes):.4f} ± {np.std(maes, ddof=1):.4f} (always-zero {np.mean([f['always_zero_mae'] for f in result[key]]):.4f})")
    print(json.dumps(rule))
    with open(out_path, "w") as f:
        json.dump(result, f, indent=1)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

#!/usr/bin/python3
"""Train a Crystal Fourier Transformer on a dataset exported by `cft featurize`, export it to ONNX.

  /usr/bin/python3 trainer/cft_train.py --data perov_5.npz --target heat_ref --unit "eV/cell" \
      --out models/perov_5-heat_ref.onnx

Fixed seeds; split by a hash of each structure id (80/10/10, see cft_data.split_of); early stopping on
the validation MAE; one progress line per epoch; metrics, a parity plot and test vectors beside the model.
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cft_data import FeaturizedDataset, split_of  # noqa: E402
from cft_model import CftModel  # noqa: E402

VERSION = "1.0.0"


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True, help=".npz written by `cft featurize`")
    p.add_argument("--target", required=True, help="property name (the dataset column, e.g. heat_ref)")
    p.add_argument("--unit", required=True, help="unit of the property, e.g. eV/atom")
    p.add_argument("--out", required=True, help="output .onnx (metrics, plot and test vectors are written beside it)")
    p.add_argument("--head", choices=["regression", "gap"], default="regression",
                   help="'gap': metal/non-metal classifier plus a gap regressor (for band gaps that are mostly 0)")
    p.add_argument("--positional", choices=["fourier", "none"], default="fourier",
                   help="'none' zeroes the Fourier features (ablation)")
    p.add_argument("--pairs", choices=["rbf", "none"], default="rbf",
                   help="'rbf': use the dataset's pair distance features (attention bias + continuous-filter messages); 'none' (ablation)")
    p.add_argument("--hold-out-groups", default="", help="comma-separated IT numbers left out of train/val (zero-shot)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--split-seed", type=int, default=0)
    p.add_argument("--epochs", type=int, default=150)
    p.add_argument("--patience", type=int, default=25)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--d", type=int, default=128)
    p.add_argument("--heads", type=int, default=8)
    p.add_argument("--blocks", type=int, default=3)
    p.add_argument("--ff", type=int, default=256)
    p.add_argument("--dropout", type=float, default=0.0)
    p.add_argument("--max-steps", type=int, default=0, help="stop after this many optimiser steps (smoke runs)")
    p.add_argument("--limit", type=int, default=0, help="use only the first N structures (smoke runs)")
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--description", default="", help="data description written into the model metadata")
    return p.parse_args(argv)


def predict(model, data, indices, zero, batch_size=256):
    model.eval()
    out = []
    with torch.no_grad():
        for lo in range(0, len(indices), batch_size):
            out.append(model(*data.batch(indices[lo:lo + batch_size], zero, model.radial > 0)).numpy())
    return np.concatenate(out) if out else np.zeros(0)


def loss_of(model, batch, y, head):
    return loss_from_raw(model, model.raw(*batch), y, head)


def loss_from_raw(model, raw, y, head):
    if head == "gap":
        nonmetal = y > 0
        # Non-metals are rare (4 % of perov_5): weight them like the metals so the classifier learns them at all;
        # the exported threshold is then set for the lowest MAE.
        loss = torch.nn.functional.binary_cross_entropy_with_logits(raw[:, 1], nonmetal.float(), pos_weight=model.positive_weight)
        if nonmetal.any():
            normalised = (y[nonmetal] - model.target_mean) / model.target_std
            loss = loss + torch.nn.functional.l1_loss(raw[nonmetal, 0], normalised)
        return loss
    return torch.nn.functional.l1_loss(raw[:, 0], (y - model.target_mean) / model.target_std)


def raw_outputs(model, data, indices, zero, batch_size=256):
    model.eval()
    out = []
    with torch.no_grad():
        for lo in range(0, len(indices), batch_size):
            out.append(model.raw(*data.batch(indices[lo:lo + batch_size], zero, model.radial > 0)))
    return torch.cat(out)


def threshold_mae(model, data, indices, y_all, zero):
    """(threshold, MAE): the non-metal logit threshold with the lowest MAE on the given structures, and that MAE."""
    raw = raw_outputs(model, data, indices, zero).numpy()
    y = y_all[indices]
    gap = np.maximum(raw[:, 0] * float(model.target_std) + float(model.target_mean), 0)
    candidates = np.concatenate([[np.inf], np.sort(raw[:, 1])[::-1] - 1e-6])
    maes = [np.abs(np.where(raw[:, 1] > t, gap, 0) - y).mean() for t in candidates]
    k = int(np.argmin(maes))
    threshold = float(candidates[k]) if np.isfinite(candidates[k]) else float(raw[:, 1].max() + 1.0)
    return threshold, float(maes[k])


def metrics(y, p):
    if len(y) == 0:
        return {"count": 0}
    err = p - y
    ss = float(((y - y.mean()) ** 2).sum())
    return {"count": int(len(y)), "mae": float(np.abs(err).mean()), "rmse": float(np.sqrt((err ** 2).mean())),
            "r2": float(1 - (err ** 2).sum() / ss) if ss > 0 else float("nan")}


def main(argv=None):
    args = parse_args(argv)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    if args.threads:
        torch.set_num_threads(args.threads)
    data = FeaturizedDataset(args.data)
    if args.target not in data.targets:
        sys.exit(f"cft_train: {args.data}: no target '{args.target}' (has: {', '.join(sorted(data.targets)) or 'none'})")
    y_all = data.targets[args.target]
    held_out = {int(g) for g in args.hold_out_groups.split(",") if g.strip()}
    count = min(data.count, args.limit) if args.limit else data.count
    split = {"train": [], "val": [], "test": [], "unseen": []}
    for i in range(count):
        if not math.isfinite(y_all[i]):
            continue
        split["unseen" if data.standard_space_group[i] in held_out else split_of(data.ids[i], args.split_seed)].append(i)
    if not split["train"] or not split["val"]:
        sys.exit(f"cft_train: {args.data}: too few labelled structures to split ({count})")
    y_train = y_all[split["train"]]
    fit = y_train[y_train > 0] if args.head == "gap" and (y_train > 0).any() else y_train
    mean, std = float(fit.mean()), float(fit.std()) or 1.0
    if args.pairs == "rbf" and data.pair is None:
        sys.exit(f"cft_train: {args.data}: no pair features in the dataset (re-export it with this `cft featurize`) or pass --pairs none")
    radial = data.radial_count if args.pairs == "rbf" else 0
    model = CftModel(data.feature_count, args.d, args.heads, args.blocks, args.ff, args.dropout, args.head, mean, std, radial)
    positives = int((y_train > 0).sum())
    model.positive_weight = torch.tensor(float(len(y_train) - positives) / positives if args.head == "gap" and positives else 1.0)
    zero = args.positional == "none"
    print(f"cft_train: {args.data} target={args.target} structures train/val/test/unseen = "
          f"{len(split['train'])}/{len(split['val'])}/{len(split['test'])}/{len(split['unseen'])}; "
          f"{sum(p.numel() for p in model.parameters()):,} parameters", flush=True)

    optimiser = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(optimiser, factor=0.5, patience=12)
    rng = np.random.default_rng(args.seed)
    train = np.array(split["train"])
    best, best_state, since, steps, started = float("inf"), None, 0, 0, time.time()
    for epoch in range(1, args.epochs + 1):
        model.train()
        order = rng.permutation(train)
        # Batches of similar size (sorted within windows of 32 batches, batch order shuffled): less padding.
        window = 32 * args.batch_size
        batches = []
        for lo in range(0, len(order), window):
            chunk = sorted(order[lo:lo + window], key=lambda i: data.site_start[i + 1] - data.site_start[i])
            batches += [np.array(chunk[b:b + args.batch_size]) for b in range(0, len(chunk), args.batch_size)]
        total = 0.0
        for bi in rng.permutation(len(batches)):
            idx = batches[bi]
            loss = loss_of(model, data.batch(idx, zero, radial > 0), torch.from_numpy(y_all[idx]).float(), args.head)
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            optimiser.step()
            total += float(loss) * len(idx)
            steps += 1
            if args.max_steps and steps >= args.max_steps:
                break
        val_mae = float(np.abs(predict(model, data, split["val"], zero) - y_all[split["val"]]).mean())
        # The gated gap prediction is all zero until the classifier is confident: select on the validation MAE at
        # the best non-metal threshold (the threshold the exported model will use).
        score = threshold_mae(model, data, split["val"], y_all, zero)[1] if args.head == "gap" else val_mae
        scheduler.step(score)
        improved = score < best
        if improved:
            best, since = score, 0
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        else:
            since += 1
        print(f"epoch {epoch:3d}  train loss {total / len(order):.4f}  val MAE {val_mae:.4f} {args.unit}"
              f"{'  *' if improved else ''}  lr {optimiser.param_groups[0]['lr']:.1e}  {time.time() - started:.0f}s", flush=True)
        if since >= args.patience or (args.max_steps and steps >= args.max_steps):
            break
    model.load_state_dict(best_state)
    model.eval()
    if args.head == "gap":
        model.threshold.fill_(threshold_mae(model, data, split["val"], y_all, zero)[0])
        print(f"cft_train: non-metal logit threshold {float(model.threshold):.3f} (lowest validation MAE)", flush=True)

    result = {"target": args.target, "unit": args.unit, "epochs": epoch, "steps": steps, "seconds": round(time.time() - started, 1),
              "positional": args.positional, "pairs": args.pairs, "held_out_groups": sorted(held_out), "split_seed": args.split_seed, "seed": args.seed}
    predictions = {}
    for name, idx in split.items():
        predictions[name] = predict(model, data, idx, zero)
        result[name] = metrics(y_all[idx], predictions[name])
    test_y = y_all[split["test"]]
    result["baseline_train_mean_mae"] = float(np.abs(test_y - y_train.mean()).mean()) if len(test_y) else None
    if args.head == "gap":
        result["baseline_always_zero_mae"] = float(np.abs(test_y).mean()) if len(test_y) else None
    print("cft_train: " + json.dumps({k: result[k] for k in ("test", "unseen", "baseline_train_mean_mae")}), flush=True)

    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    stem = os.path.splitext(args.out)[0]
    from cft_export import export_onnx, write_parity_plot, write_test_vectors
    metadata = {
        "cft.version": VERSION,
        "cft.layout": data.layout,
        "cft.feature_count": str(data.feature_count),
        "cft.frequencies": ";".join(f"{h},{k},{l}" for h, k, l in data.frequencies),
        "cft.target": args.target,
        "cft.unit": args.unit,
        "cft.head": args.head,
        "cft.positional": args.positional,
        "cft.pair": data.pair_layout if radial else "",
        "cft.elements": ",".join(str(z) for z in sorted(set(int(z) for i in split["train"] for z in data.atomic_number[data.site_start[i]:data.site_start[i + 1]]))),
        "cft.normalization": json.dumps({"mean": mean, "std": std}),
        "cft.data": args.description or os.path.basename(args.data),
        "cft.split": f"sha256('{args.split_seed}:'+id) -> 80% train / 10% val / 10% test; held-out groups: {sorted(held_out) or 'none'}",
        "cft.metrics": json.dumps({k: result[k] for k in ("train", "val", "test", "unseen", "baseline_train_mean_mae")}),
        "cft.architecture": json.dumps({"d": args.d, "heads": args.heads, "blocks": args.blocks, "ff": args.ff}),
    }
    export_onnx(model, data, split["test"] or split["val"], zero, args.out, metadata)
    vectors = list((split["test"] or split["val"])[:4])
    if args.head == "gap":
        # Include the two structures with the highest non-metal logits, so the vectors exercise the gate's open branch.
        logits = raw_outputs(model, data, list(range(count)), zero)[:, 1].numpy()
        vectors = vectors[:2] + [int(i) for i in np.argsort(-logits)[:2]]
    write_test_vectors(model, data, vectors, zero, stem + ".testvectors.json")
    with open(stem + ".metrics.json", "w") as f:
        json.dump(result, f, indent=2)
    write_parity_plot(test_y, predictions["test"], y_all[split["unseen"]], predictions["unseen"], args.target, args.unit, stem + ".parity.png")
    print(f"cft_train: wrote {args.out}", flush=True)


if __name__ == "__main__":
    main()

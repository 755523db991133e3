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
from cft_model import CftModel, EnsembleModel, StackedEnsemble, element_properties  # noqa: E402
from cft_export import round_to_fp16  # noqa: E402

VERSION = "1.1.0"
ELEMENT_TABLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "element_properties.json")


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True, help=".npz written by `cft featurize`")
    p.add_argument("--target", required=True, help="property name (the dataset column, e.g. heat_ref)")
    p.add_argument("--unit", required=True, help="unit of the property, e.g. eV/atom")
    p.add_argument("--out", required=True, help="output .onnx (metrics, plot and test vectors are written beside it)")
    p.add_argument("--head", choices=["regression", "gap", "nonnegative"], default="regression",
                   help="'gap': metal/non-metal classifier plus a gap regressor (for band gaps that are mostly 0); "
                        "'nonnegative': the L1 regression clipped at 0 (another way to the band gap)")
    p.add_argument("--gap-threshold", choices=["search", "calibrated"], default="search",
                   help="gap head: the non-metal logit threshold searched for the lowest validation MAE, or fixed at log(positive weight), "
                        "where the class-weighted classifier's probability of a non-metal is 1/2 (the median gap turns non-zero there)")
    p.add_argument("--gap-positive-weight", type=float, default=None,
                   help="'gap' head: weight of the non-metal class in the classifier loss (default: metals/non-metals of the training set, balanced)")
    p.add_argument("--gap-rule", choices=["gate", "probability"], default="gate",
                   help="gap head, how the ensemble decides: 'gate': each member gates its own gap at its threshold and the "
                        "ensemble averages the gated values; 'probability': the members' non-metal probabilities and gaps are "
                        "averaged and the mean gap is predicted where the mean probability exceeds 1/2")
    p.add_argument("--pair-readout", type=int, default=0,
                   help="channels of the pair readout (0: none): learned element-pair potentials over the pair features, "
                        "summed over pairs of sites, beside the pooled transformer state")
    p.add_argument("--site-roles", type=int, default=0,
                   help="roles of the site-role readout (0: none): each site softly assigned to a role from its radial distribution "
                        "(the orbit-summed pair features), and per role the weighted mean of its sites' element vectors beside the pooled state")
    p.add_argument("--role-width", type=int, default=16, help="numbers per role in the site-role readout")
    p.add_argument("--no-pooled-state", action="store_true",
                   help="the head reads only the pair and site-role readouts, not the pooled transformer state (a low-capacity model)")
    p.add_argument("--readout-dropout", type=float, default=0.0, help="dropout on the readout MLP's hidden layer (training only)")
    p.add_argument("--select", choices=["best", "last"], default="best",
                   help="which weights a member keeps: 'best': the epoch with the best validation score (early stopping); "
                        "'last': the final ones (members of a 'probability' gap ensemble: one member's validation MAE at its "
                        "own 1/2 call is noisy and favours the first, always-zero epochs)")
    p.add_argument("--positional", choices=["fourier", "none"], default="fourier",
                   help="'none' zeroes the Fourier features (ablation)")
    p.add_argument("--pairs", choices=["rbf", "none"], default="rbf",
                   help="'rbf': use the dataset's pair distance features (attention bias + continuous-filter messages); 'none' (ablation)")
    p.add_argument("--cell", choices=["lattice", "volume", "niggli"], default="lattice",
                   help="cell descriptor: 'lattice' (a, b, c, angles, volume per atom of the standardised cell), 'volume' (volume per atom only: "
                        "with --positional none the model is then the same function on every cell of a crystal and the runtime skips spglib) or "
                        "'niggli' (a, b, c, angles, volume per atom of the Niggli-reduced primitive cell: needs data from `cft featurize "
                        "--reduced-cell` and --positional none; the runtime skips spglib too)")
    p.add_argument("--hold-out-groups", default="", help="comma-separated IT numbers left out of train/val (zero-shot)")
    p.add_argument("--seed", type=int, default=0, help="seed of the first member (member k uses seed + k)")
    p.add_argument("--members", type=int, default=5, help="ensemble members (different seeds); the std over them is the uncertainty")
    p.add_argument("--element-features", choices=["table", "none"], default="table",
                   help="'table': physical element facts (trainer/element_properties.json) added to the learned element embedding")
    p.add_argument("--schedule", choices=["cosine", "constant", "plateau"], default="cosine",
                   help="'cosine': learning rate annealed to 0 over --epochs; 'constant': the learning rate after a warm-up; 'plateau': halved when validation stalls")
    p.add_argument("--log10", action="store_true", help="train on log10 of the target (positive values only, e.g. moduli in GPa); predictions are in the target's unit")
    p.add_argument("--bank", type=int, default=2048, help="training embeddings kept for the novelty score")
    p.add_argument("--novelty-quantile", type=float, default=0.99, help="validation quantile of the novelty score used as the domain threshold")
    p.add_argument("--split-seed", type=int, default=0)
    p.add_argument("--folds", type=int, default=0, help="K-fold cross-validation: test on fold --fold of K (by a hash of the id), train on the rest")
    p.add_argument("--fold", type=int, default=0, help="which fold (0 .. K-1) is the test set with --folds")
    p.add_argument("--metrics-only", action="store_true", help="write only the .metrics.json (cross-validation and ablation runs): no ONNX, vectors or weights")
    p.add_argument("--epochs", type=int, default=150)
    p.add_argument("--patience", type=int, default=25)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--d", type=int, default=128)
    p.add_argument("--heads", type=int, default=8)
    p.add_argument("--blocks", type=int, default=3)
    p.add_argument("--ff", type=int, default=256)
    p.add_argument("--dropout", type=float, default=0.0)
    p.add_argument("--fp16", action="store_true", help="weights rounded to and stored as fp16 (Cast to fp32 in the graph): half the file size")
    p.add_argument("--weight-decay", type=float, default=1e-4, help="AdamW weight decay")
    p.add_argument("--feature-dropout", type=float, default=0.0, help="dropout on the Fourier features' projection (training only)")
    p.add_argument("--fourier-init", choices=["default", "zero"], default="default", help="'zero': the Fourier projection starts at 0 (training starts from the pair-only model)")
    p.add_argument("--members-from", default="",
                   help="comma-separated .members.pt files (written beside every exported model): their members, in order, "
                        "instead of training (with the same data, target, split and architecture options); to re-export "
                        "(e.g. --fp16) or to join members trained in separate processes (--seed S --members K: seeds S … S+K-1)")
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
    if model.log10_target:
        y = torch.log10(y)
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


def threshold_mae(model, data, indices, y_all, zero, fixed=None):
    """(threshold, MAE): the non-metal logit threshold with the lowest MAE on the given structures, and that MAE; or, with
    `fixed`, that threshold and its MAE."""
    raw = raw_outputs(model, data, indices, zero).numpy()
    gap = np.maximum(raw[:, 0] * float(model.target_std) + float(model.target_mean), 0)
    if fixed is not None:
        return float(fixed), float(np.abs(np.where(raw[:, 1] > fixed, gap, 0) - y_all[indices]).mean())
    threshold, mae = best_threshold(raw[:, 1], gap, y_all[indices])
    return (float(threshold) if np.isfinite(threshold) else float(raw[:, 1].max() + 1.0)), mae


def best_threshold(logits, gap, y):
    """(threshold, MAE): the non-metal logit threshold (inf: no non-metal) for which predicting `gap` above it and 0
    below has the lowest MAE against `y`."""
    candidates = np.concatenate([[np.inf], np.sort(logits)[::-1] - 1e-6])
    maes = [np.abs(np.where(logits > t, gap, 0) - y).mean() for t in candidates]
    k = int(np.argmin(maes))
    return candidates[k], float(maes[k])


def composition_features(data, table):
    """Per structure: element fractions [119] and fraction-weighted element properties (`table`, [119, P] numpy)."""
    x = np.zeros((data.count, 119 + table.shape[1]), np.float32)
    for i in range(data.count):
        lo, hi = data.site_start[i], data.site_start[i + 1]
        z, w = data.atomic_number[lo:hi], data.weight[lo:hi]
        frac = w / w.sum()
        np.add.at(x[i], z, frac)
        x[i, 119:] = (frac[:, None] * table[z]).sum(0)
    return x


def metrics(y, p):
    if len(y) == 0:
        return {"count": 0}
    err = p - y
    ss = float(((y - y.mean()) ** 2).sum())
    return {"count": int(len(y)), "mae": float(np.abs(err).mean()), "rmse": float(np.sqrt((err ** 2).mean())),
            "r2": float(1 - (err ** 2).sum() / ss) if ss > 0 else float("nan")}


def spearman(a, b):
    """Spearman rank correlation (ties broken by order; enough for continuous values)."""
    if len(a) < 3:
        return float("nan")
    ra, rb = np.argsort(np.argsort(a)), np.argsort(np.argsort(b))
    return float(np.corrcoef(ra, rb)[0, 1])


def centring_factor(space_group_numbers, catalogue):
    """Lattice points per conventional cell of each structure's standard setting (P 1, A/B/C/I 2, R hexagonal 3, F 4)."""
    factor = {"P": 1, "A": 2, "B": 2, "C": 2, "I": 2, "R": 3, "F": 4}
    by_number = {s["number"]: factor[s["centring"]] for s in catalogue if s["standard"]}
    return np.array([by_number[int(n)] for n in space_group_numbers])


def formula_type(numbers, weights):
    """Anonymous formula of the composition ('ABC3': amounts sorted, reduced by their gcd), 'partial' for
    non-integral amounts (partial occupancies). The runtime computes the same (CftModelDomain.FormulaType)."""
    amounts = {}
    for z, w in zip(numbers, weights):
        amounts[int(z)] = amounts.get(int(z), 0.0) + float(w)
    counts = sorted(amounts.values())
    if any(abs(c - round(c)) > 1e-6 for c in counts):
        return "partial"
    ints = [int(round(c)) for c in counts]
    g = 0
    for c in ints:
        g = math.gcd(g, c)
    return "".join(chr(ord("A") + k) + (str(c // g) if c // g > 1 else "") for k, c in enumerate(ints))


def composition_baseline(data, split, y_all, mean, std, seed, table, log10=False, epochs=300, patience=30):
    """Composition-only baseline: element fractions plus fraction-weighted element properties (`table`, the
    [119, P] element features) -> an MLP (two hidden layers of 128), same loss, AdamW, early stopping on
    validation. Test MAE."""
    x = composition_features(data, table.numpy())
    torch.manual_seed(seed)
    net = torch.nn.Sequential(torch.nn.Linear(x.shape[1], 128), torch.nn.SiLU(), torch.nn.Linear(128, 128), torch.nn.SiLU(), torch.nn.Linear(128, 1))
    opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=1e-4)
    xt = torch.from_numpy(x)
    yt = torch.from_numpy((((np.log10(np.where(y_all > 0, y_all, 1.0)) if log10 else y_all) - mean) / std).astype(np.float32))
    train, val, test = (np.array(split[k], dtype=np.int64) for k in ("train", "val", "test"))
    rng = np.random.default_rng(seed)
    best, best_state, since = float("inf"), None, 0
    for _ in range(epochs):
        net.train()
        order = rng.permutation(train)
        for lo in range(0, len(order), 128):
            idx = order[lo:lo + 128]
            loss = torch.nn.functional.l1_loss(net(xt[idx])[:, 0], yt[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        net.eval()
        with torch.no_grad():
            v = float((net(xt[val])[:, 0] - yt[val]).abs().mean())
        if v < best:
            best, since, best_state = v, 0, {k: t.clone() for k, t in net.state_dict().items()}
        else:
            since += 1
            if since >= patience:
                break
    net.load_state_dict(best_state)
    with torch.no_grad():
        p = net(xt[test])[:, 0].numpy() * std + mean
    if log10:
        p = 10.0 ** p
    return float(np.abs(p - y_all[test]).mean()) if len(test) else None


def train_member(args, data, split, y_all, mean, std, radial, zero, table, seed, tag):
    """Trains one member (seed) with early stopping on the validation score; returns it with its best weights."""
    torch.manual_seed(seed)
    model = new_model(args, data, mean, std, radial, table)
    y_train = y_all[split["train"]]
    positives = int((y_train > 0).sum())
    balanced = float(len(y_train) - positives) / positives if args.head == "gap" and positives else 1.0
    model.positive_weight = torch.tensor(balanced if args.gap_positive_weight is None else args.gap_positive_weight)
    optimiser = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    train = np.array(split["train"])
    steps_per_epoch = math.ceil(len(train) / args.batch_size)
    total_steps = args.max_steps or args.epochs * steps_per_epoch
    warmup = min(steps_per_epoch, max(total_steps // 20, 1))
    if args.schedule == "cosine":
        scheduler = torch.optim.lr_scheduler.LambdaLR(optimiser, lambda s: min(1.0, (s + 1) / warmup) * 0.5 * (1 + math.cos(math.pi * min(s, total_steps) / total_steps)))
    elif args.schedule == "constant":
        scheduler = torch.optim.lr_scheduler.LambdaLR(optimiser, lambda s: min(1.0, (s + 1) / warmup))
    else:
        scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(optimiser, factor=0.5, patience=12)
    fixed_threshold = math.log(float(model.positive_weight)) if args.head == "gap" and args.gap_threshold == "calibrated" else None
    rng = np.random.default_rng(seed)
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
            if args.schedule != "plateau":
                scheduler.step()
            total += float(loss) * len(idx)
            steps += 1
            if args.max_steps and steps >= args.max_steps:
                break
        if args.head == "gap":
            # The gated gap prediction is all zero until the classifier is confident: select on (and print) the
            # validation MAE at the best non-metal threshold, the threshold the exported model will use.
            score = threshold_mae(model, data, split["val"], y_all, zero, fixed_threshold)[1]
        else:
            score = float(np.abs(predict(model, data, split["val"], zero) - y_all[split["val"]]).mean())
        if args.schedule == "plateau":
            scheduler.step(score)
        improved = score < best or args.select == "last"
        if improved:
            best, since = score, 0
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        else:
            since += 1
        print(f"{tag}epoch {epoch:3d}  train loss {total / len(order):.4f}  val MAE {score:.4f} {args.unit}"
              f"{'  *' if improved else ''}  lr {optimiser.param_groups[0]['lr']:.1e}  {time.time() - started:.0f}s", flush=True)
        if since >= args.patience or (args.max_steps and steps >= args.max_steps):
            break
    model.load_state_dict(best_state)
    model.eval()
    if args.head == "gap":
        model.threshold.fill_(threshold_mae(model, data, split["val"], y_all, zero, fixed_threshold)[0])
        print(f"{tag}non-metal logit threshold {float(model.threshold):.3f} ({'log of the positive weight' if fixed_threshold is not None else 'lowest validation MAE'})", flush=True)
    return model, epoch, steps


def new_model(args, data, mean, std, radial, table):
    """An untrained member with the architecture the options name."""
    model = CftModel(data.feature_count, args.d, args.heads, args.blocks, args.ff, args.dropout, args.head, mean, std, radial, table,
                     args.feature_dropout, args.fourier_init, args.cell, args.pair_readout, args.readout_dropout, args.gap_rule,
                     args.site_roles, args.role_width, not args.no_pooled_state)
    model.log10_target = args.log10
    return model


def load_members(args, data, mean, std, radial, table):
    """[(model, epochs, steps, seconds)] from --members-from: every file's members in order; exactly --members of them,
    trained on this split (the normalisation must match) with this architecture (load_state_dict is strict)."""
    loaded = []
    for path in args.members_from.split(","):
        saved = torch.load(path)
        sibling = path[:-len(".members.pt")] + ".metrics.json" if path.endswith(".members.pt") else ""
        if "seconds" not in saved and os.path.isfile(sibling):
            # Written before the members' epochs and time were saved with them: the run's metrics hold them.
            with open(sibling) as f:
                saved.update({k: v for k, v in json.load(f).items() if k in ("epochs", "steps", "seconds")})
        if abs(saved["mean"] - mean) > 1e-9 or abs(saved["std"] - std) > 1e-9:
            sys.exit(f"cft_train: {path}: its members were trained on another split or target (normalisation {saved['mean']}, {saved['std']}; here {mean}, {std})")
        for k, state in enumerate(saved["members"]):
            model = new_model(args, data, mean, std, radial, table)
            model.load_state_dict(state)
            model.eval()
            # Each member's share of its run's training time, so that "seconds" stays the members' training time.
            loaded.append((model, saved.get("epochs", [0] * len(saved["members"]))[k], saved.get("steps", 0) // len(saved["members"]),
                           saved.get("seconds", 0.0) / len(saved["members"])))
    if len(loaded) != args.members:
        sys.exit(f"cft_train: --members-from holds {len(loaded)} members, --members is {args.members}")
    return loaded


def ensemble_outputs(ensemble, data, indices, zero, batch_size=256):
    """(mean, std, novelty) arrays of the ensemble on the given structures."""
    ensemble.eval()
    outs = [[], [], []]
    with torch.no_grad():
        for lo in range(0, len(indices), batch_size):
            for k, t in enumerate(ensemble(*data.batch(indices[lo:lo + batch_size], zero, ensemble.radial > 0))):
                outs[k].append(t.numpy())
    return tuple(np.concatenate(o) if o else np.zeros(0) for o in outs)


def main(argv=None):
    args = parse_args(argv)
    np.random.seed(args.seed)
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.members < 1:
        sys.exit("cft_train: --members must be at least 1")
    if args.gap_rule == "probability" and args.head != "gap":
        sys.exit("cft_train: --gap-rule probability needs --head gap")
    if args.pair_readout and args.pairs == "none":
        sys.exit("cft_train: --pair-readout reads the pair features: not with --pairs none")
    if args.site_roles and args.pairs == "none":
        sys.exit("cft_train: --site-roles reads the pair features: not with --pairs none")
    if args.no_pooled_state and (args.positional != "none" or args.cell != "volume"):
        # The graph then reads neither the Fourier features nor the cell (the export drops both inputs); the metadata must
        # say so, so that the runtime computes neither and skips the symmetry analysis (the output is the same on every cell).
        sys.exit("cft_train: --no-pooled-state reads no Fourier features and no cell: pass --positional none --cell volume")
    data = FeaturizedDataset(args.data)
    # The runtime gives a niggli model the reduced cell and every other model the standardised one: the data must match.
    if args.cell == "niggli" and (data.cell != "niggli" or args.positional != "none"):
        sys.exit(f"cft_train: --cell niggli needs data from `cft featurize --reduced-cell` (this file's cell is '{data.cell}') and --positional none")
    if data.cell == "niggli" and args.cell == "lattice":
        sys.exit("cft_train: the data are Niggli-reduced cells (`cft featurize --reduced-cell`): use --cell niggli (or volume)")
    if args.target not in data.targets:
        sys.exit(f"cft_train: {args.data}: no target '{args.target}' (has: {', '.join(sorted(data.targets)) or 'none'})")
    y_all = data.targets[args.target].copy()
    if args.log10:
        # log10 needs positive values: others are left out (and counted).
        bad = ~(y_all > 0)
        if bad.any():
            print(f"cft_train: --log10: {int((bad & np.isfinite(y_all)).sum())} structures with {args.target} <= 0 left out", flush=True)
        y_all[bad] = np.nan
    held_out = {int(g) for g in args.hold_out_groups.split(",") if g.strip()}
    count = min(data.count, args.limit) if args.limit else data.count
    split = {"train": [], "val": [], "test": [], "unseen": []}
    for i in range(count):
        if not math.isfinite(y_all[i]):
            continue
        split["unseen" if data.standard_space_group[i] in held_out else split_of(data.ids[i], args.split_seed, args.folds, args.fold)].append(i)
    if not split["train"] or not split["val"]:
        sys.exit(f"cft_train: {args.data}: too few labelled structures to split ({count})")
    y_train = y_all[split["train"]]
    fit = y_train[y_train > 0] if args.head == "gap" and (y_train > 0).any() else y_train
    if args.log10:
        fit = np.log10(fit)
    mean, std = float(fit.mean()), float(fit.std()) or 1.0
    if args.pairs == "rbf" and data.pair is None:
        sys.exit(f"cft_train: {args.data}: no pair features in the dataset (re-export it with this `cft featurize`) or pass --pairs none")
    radial = data.radial_count if args.pairs == "rbf" else 0
    table = element_properties(ELEMENT_TABLE) if args.element_features == "table" else None
    zero = args.positional == "none"
    started = time.time()
    members, epochs, steps = [], [], 0
    trained = load_members(args, data, mean, std, radial, table) if args.members_from else None
    for k in range(args.members):
        if trained is not None:
            model, epoch, member_steps, seconds = trained[k]
            started -= seconds
        else:
            model, epoch, member_steps = train_member(args, data, split, y_all, mean, std, radial, zero, table, args.seed + k,
                                                      f"member {k + 1}/{args.members} " if args.members > 1 else "")
        if k == 0:
            print(f"cft_train: {args.data} target={args.target} structures train/val/test/unseen = "
                  f"{len(split['train'])}/{len(split['val'])}/{len(split['test'])}/{len(split['unseen'])}; "
                  f"{sum(p.numel() for p in model.parameters()):,} parameters per member, {args.members} members", flush=True)
        if args.fp16:
            # Stored as fp16 in the ONNX file (half the size); rounded here so that every metric is the shipped model's.
            round_to_fp16(model)
        members.append(model)
        epochs.append(epoch)
        steps += member_steps

    # Novelty: distance of member 0's pooled embedding to the nearest of (up to) --bank training structures.
    rng = np.random.default_rng(args.seed)
    bank_idx = sorted(rng.choice(split["train"], size=min(args.bank, len(split["train"])), replace=False).tolist())
    with torch.no_grad():
        bank = torch.cat([members[0].embed(*data.batch(bank_idx[lo:lo + 256], zero, radial > 0)) for lo in range(0, len(bank_idx), 256)])
    ensemble = EnsembleModel(members, bank).eval()

    result = {"target": args.target, "unit": args.unit, "members": args.members, "epochs": epochs, "steps": steps,
              "seconds": round(time.time() - started, 1), "positional": args.positional, "pairs": args.pairs, "cell": args.cell,
              "element_features": args.element_features, "schedule": args.schedule, "log10": args.log10,
              "held_out_groups": sorted(held_out), "split_seed": args.split_seed, "seed": args.seed,
              "folds": args.folds, "fold": args.fold,
              "regularisation": {"dropout": args.dropout, "feature_dropout": args.feature_dropout, "weight_decay": args.weight_decay},
              "gap_positive_weight": args.gap_positive_weight, "gap_threshold": args.gap_threshold,
              "gap_rule": args.gap_rule, "pair_readout": args.pair_readout, "readout_dropout": args.readout_dropout, "select": args.select,
              "site_roles": args.site_roles, "role_width": args.role_width, "pooled_state": not args.no_pooled_state}
    outputs = {name: ensemble_outputs(ensemble, data, idx, zero) for name, idx in split.items()}
    for name, idx in split.items():
        result[name] = metrics(y_all[idx], outputs[name][0])
    # Each member alone (mean ± std over seeds): what the ensemble adds.
    member_predictions = np.stack([predict(m, data, split["test"], zero) for m in members]) if split["test"] else None
    member_test = [float(np.abs(p - y_all[split["test"]]).mean()) for p in member_predictions] if split["test"] else []
    if member_test:
        result["member_test_mae"] = {"mean": float(np.mean(member_test)), "std": float(np.std(member_test, ddof=1)) if len(member_test) > 1 else 0.0, "each": member_test}
    if member_test and len(members) > 1:
        # The members' median instead of their mean (the exported prediction): for a gap head, a majority vote on metal or not.
        result["median_of_members_test_mae"] = float(np.abs(np.median(member_predictions, axis=0) - y_all[split["test"]]).mean())
    threshold = float(np.quantile(outputs["val"][2], args.novelty_quantile))
    test_y = y_all[split["test"]]
    if args.log10 and len(test_y):
        result["test_log10_mae"] = float(np.abs(np.log10(np.maximum(outputs["test"][0], 1e-12)) - np.log10(test_y)).mean())
    if len(test_y):
        err = np.abs(outputs["test"][0] - test_y)
        sigma = outputs["test"][1]
        result["calibration"] = {"within_2_sigma": float((err <= 2 * sigma).mean()), "spearman_sigma_error": spearman(sigma, err),
                                 "mean_sigma": float(sigma.mean()), "novel_fraction": float((outputs["test"][2] > threshold).mean())}
    result["baseline_train_mean_mae"] = float(np.abs(test_y - y_train.mean()).mean()) if len(test_y) else None
    if args.head in ("gap", "nonnegative"):
        result["baseline_always_zero_mae"] = float(np.abs(test_y).mean()) if len(test_y) else None
    if len(test_y) and not args.max_steps:
        result["baseline_composition_mae"] = composition_baseline(data, split, y_all, mean, std, args.seed,
                                                                  table if table is not None else element_properties(ELEMENT_TABLE), args.log10)
    print("cft_train: " + json.dumps({k: result.get(k) for k in ("test", "test_log10_mae", "member_test_mae", "calibration", "unseen", "baseline_train_mean_mae", "baseline_composition_mae")}), flush=True)

    # Domain of applicability: what the training data span.
    catalogue = json.load(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "spacegroups.json")))["settings"]
    factor = centring_factor(data.standard_space_group, catalogue)
    train_idx = split["train"]
    atoms = [float(data.weight[data.site_start[i]:data.site_start[i + 1]].sum()) / factor[i] for i in train_idx]
    types = sorted({formula_type(data.atomic_number[data.site_start[i]:data.site_start[i + 1]], data.weight[data.site_start[i]:data.site_start[i + 1]]) for i in train_idx})
    domain = {"atoms_per_primitive_cell": [round(min(atoms), 6), round(max(atoms), 6)],
              # Listed only for a family of compounds (perovskites: ABC3 and its anion mixes); a dataset of many
              # formula types (mp_elastic: 60+) is not a family, and a new type says little there.
              "formula_types": types if len(types) <= 16 else None,
              "novelty_threshold": threshold, "novelty_quantile": args.novelty_quantile, "novelty_bank": len(bank_idx)}

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
        "cft.cell": args.cell,
        "cft.pair": data.pair_layout if radial else "",
        "cft.elements": ",".join(str(z) for z in sorted(set(int(z) for i in split["train"] for z in data.atomic_number[data.site_start[i]:data.site_start[i + 1]]))),
        "cft.domain": json.dumps(domain),
        "cft.normalization": json.dumps({"mean": mean, "std": std, "log10": args.log10}),
        "cft.data": args.description or os.path.basename(args.data),
        "cft.split": (f"sha256('{args.split_seed}:'+id) -> fold {args.fold} of {args.folds} test, a tenth of the rest val"
                      if args.folds else f"sha256('{args.split_seed}:'+id) -> 80% train / 10% val / 10% test") + f"; held-out groups: {sorted(held_out) or 'none'}",
        "cft.metrics": json.dumps({k: result.get(k) for k in ("train", "val", "test", "test_log10_mae", "unseen", "member_test_mae", "calibration", "baseline_train_mean_mae", "baseline_composition_mae", "baseline_always_zero_mae")}),
        "cft.architecture": json.dumps({"d": args.d, "heads": args.heads, "blocks": args.blocks, "ff": args.ff, "members": args.members,
                                        "element_features": args.element_features, "cell": args.cell, "dropout": args.dropout,
                                        "feature_dropout": args.feature_dropout, "weight_decay": args.weight_decay, "fp16": args.fp16,
                                        "pair_readout": args.pair_readout, "readout_dropout": args.readout_dropout, "gap_rule": args.gap_rule,
                                        "site_roles": args.site_roles, "role_width": args.role_width, "pooled_state": not args.no_pooled_state}),
    }
    if args.metrics_only:
        with open(stem + ".metrics.json", "w") as f:
            json.dump(result, f, indent=2)
        print(f"cft_train: wrote {stem}.metrics.json", flush=True)
        return
    # Exported with the members stacked (one set of graph ops; ONNX Runtime builds the session ~4x faster than for
    # the unrolled members), after checking that it is the same function on a padded batch.
    stacked = StackedEnsemble(ensemble).eval()
    probe = data.batch((split["test"] or split["val"])[:8], zero, radial > 0)
    with torch.no_grad():
        for k, (a, b) in enumerate(zip(ensemble(*probe), stacked(*probe))):
            if k == 2:
                # The novelty is a distance computed by expansion (|e|² − 2e·b + |b|²): near 0 (a test structure almost in
                # the bank, as carbon_24's near-duplicates are) its rounding is about sqrt(eps)·|e|, so compare the squares.
                a, b = a * a, b * b
            if not torch.allclose(a, b, rtol=1e-5, atol=1e-4):
                sys.exit(f"cft_train: the stacked ensemble differs from its members: {a} vs {b}")
    export_onnx(stacked, data, split["test"] or split["val"], zero, args.out, metadata, fp16=args.fp16)
    vectors = list((split["test"] or split["val"])[:4])
    if args.head == "gap":
        # Include the two structures with the highest non-metal logits, so the vectors exercise the gate's open branch.
        logits = raw_outputs(members[0], data, list(range(count)), zero)[:, 1].numpy()
        vectors = vectors[:2] + [int(i) for i in np.argsort(-logits)[:2]]
    write_test_vectors(ensemble, data, vectors, zero, stem + ".testvectors.json")
    # The members' weights, so that an export can be redone (e.g. another graph layout) without retraining.
    torch.save({"args": vars(args), "mean": mean, "std": std, "radial": radial, "bank": bank, "epochs": epochs, "steps": steps, "seconds": result["seconds"],
                "members": [m.state_dict() for m in members]}, stem + ".members.pt")
    with open(stem + ".metrics.json", "w") as f:
        json.dump(result, f, indent=2)
    write_parity_plot(test_y, outputs["test"][0], y_all[split["unseen"]], outputs["unseen"][0], args.target, args.unit, stem + ".parity.png")
    print(f"cft_train: wrote {args.out} ({os.path.getsize(args.out) / 1e6:.1f} MB)", flush=True)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Train a tensor-property CFT (dielectric, elastic, piezoelectric) whose output obeys the crystal's point group
exactly (Neumann's principle), and export it to ONNX.

  /usr/bin/python3 trainer/cft_tensor_train.py --data trainer/runs/data/dielectric-tensors.npz \
      --targets trainer/runs/data/dielectric-tensors.json --target e_electronic --unit "" --out models/dielectric-e_electronic.onnx

The trunk is the scalar models' network (trainer/cft_model.py: G-invariant site features, pair messages, pooled
embedding); the head maps the pooled embedding to the kind's free components (6, 21 or 18) in the model frame (the
standardised cell, a along x, b in xy) and, with --head constrained (default), projects them onto the structure's
symmetry-allowed basis (`cft featurize --tensor-basis`, the basis `cft predict` uses): c_k = <B_k, T>, T = sum c_k B_k.
--head free is the comparison: the same network with every component free. Targets are turned from their CIF's frame
into the model frame with featurize's frame_rotation; their distance from the allowed subspace is measured and
reported first (a tensor in the wrong frame is the classic silent bug).

The ONNX graph outputs tensor_members [B, K, rows, columns] (each member's unprojected tensor in the model frame)
and novelty [B]; the runtime projects each member with the exact basis, so the prediction and its std are exactly
symmetric.
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cft_data import FeaturizedDataset, split_of  # noqa: E402
from cft_model import CftModel, element_properties  # noqa: E402
from tensor_data import rotate, full_tensor  # noqa: E402

VERSION = "1.1.0"
ELEMENT_TABLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "element_properties.json")
SHAPES = {"dielectric": (3, 3), "elastic": (6, 6), "piezoelectric": (3, 6)}
VOIGT_WEIGHT = np.array([1, 1, 1, 2, 2, 2], float)  # (i,j) index pairs per Voigt index: the full tensor's Frobenius weights


def frobenius_weights(kind):
    """Per matrix-form entry, how many full-tensor entries it stands for (so <A, B>_full = sum w A B)."""
    if kind == "dielectric":
        return np.ones((3, 3))
    if kind == "piezoelectric":
        return np.tile(VOIGT_WEIGHT, (3, 1))
    return np.outer(VOIGT_WEIGHT, VOIGT_WEIGHT)


def free_entries(kind):
    """(row, column) entries the head predicts; the matrix form is filled from them (symmetric kinds mirrored)."""
    rows, cols = SHAPES[kind]
    if kind == "piezoelectric":
        return [(i, j) for i in range(rows) for j in range(cols)]
    return [(i, j) for i in range(rows) for j in range(i, cols)]


class TensorModel(nn.Module):
    """Trunk (CftModel's pooled embedding) + head: free components -> matrix form [B, rows, cols] in target units."""

    def __init__(self, kind, feature_count, d, heads, blocks, ff, dropout, radial, table, mean_matrix, scale):
        super().__init__()
        self.kind = kind
        self.trunk = CftModel(feature_count, d, heads, blocks, ff, dropout, "regression", 0.0, 1.0, radial, table)
        self.trunk.readout = nn.Identity()
        self.radial = radial
        entries = free_entries(kind)
        rows, cols = SHAPES[kind]
        scatter = torch.zeros(len(entries), rows * cols)
        for n, (i, j) in enumerate(entries):
            scatter[n, i * cols + j] = 1
            if kind != "piezoelectric":
                scatter[n, j * cols + i] = 1
        self.register_buffer("scatter", scatter)
        self.head = nn.Sequential(nn.Linear(d, d), nn.SiLU(), nn.Linear(d, len(entries)))
        self.register_buffer("mean_matrix", torch.tensor(mean_matrix, dtype=torch.float32))
        self.register_buffer("scale", torch.tensor(float(scale)))
        self.shape = (rows, cols)

    def embed(self, features, atomic_number, weight, lattice, pair=None):
        return self.trunk.embed(features, atomic_number, weight, lattice, pair)

    def matrix_of(self, embedding):
        free = self.head(embedding) @ self.scatter
        return free.view(-1, *self.shape) * self.scale + self.mean_matrix

    def forward(self, features, atomic_number, weight, lattice, pair=None):
        return self.matrix_of(self.embed(features, atomic_number, weight, lattice, pair))


class TensorEnsemble(nn.Module):
    """Outputs tensor_members [B, K, rows, cols] (unprojected, model frame) and novelty [B] (member 0's embedding
    distance to the nearest of a bank of training embeddings)."""

    def __init__(self, members, bank):
        super().__init__()
        self.members = nn.ModuleList(members)
        self.register_buffer("bank", bank.float())
        self.radial = members[0].radial

    def forward(self, features, atomic_number, weight, lattice, pair=None):
        outs, embedding = [], None
        for k, m in enumerate(self.members):
            e = m.embed(features, atomic_number, weight, lattice, pair)
            if k == 0:
                embedding = e
            outs.append(m.matrix_of(e))
        d2 = (embedding * embedding).sum(-1, keepdim=True) - 2 * embedding @ self.bank.T + (self.bank * self.bank).sum(-1)[None, :]
        return torch.stack(outs, dim=1), d2.clamp_min(0).min(dim=1).values.sqrt()


def project(matrix, basis, weights):
    """Orthogonal projection (full-tensor Frobenius) of matrix forms [B, R, C] onto per-structure bases [B, D, R, C]."""
    coefficients = (basis * (weights * matrix)[:, None]).sum((-1, -2))
    return (coefficients[..., None, None] * basis).sum(1)


def deviation(kind, m, basis_i, weights):
    """‖T − P T‖ / ‖T‖ in the full tensor's Frobenius norm."""
    norm = math.sqrt(float((weights * m * m).sum()))
    if norm == 0:
        return 0.0
    p = project(torch.tensor(m[None]), torch.tensor(basis_i[None]), torch.tensor(weights))[0].numpy()
    r = m - p
    return math.sqrt(float((weights * r * r).sum())) / norm


def derived(kind, m):
    """The scalars users want from a tensor: dielectric -> mean eigenvalue (poly) and n = sqrt(poly); elastic -> K_VRH,
    G_VRH (GPa); piezoelectric -> the largest longitudinal coefficient max_n |e_ijk n_i n_j n_k| (C/m²)."""
    if kind == "dielectric":
        poly = float(np.trace(m)) / 3
        return {"poly": poly, "n": math.sqrt(max(poly, 0.0))}
    if kind == "elastic":
        c = (m + m.T) / 2
        kv = (c[0, 0] + c[1, 1] + c[2, 2] + 2 * (c[0, 1] + c[0, 2] + c[1, 2])) / 9
        gv = (c[0, 0] + c[1, 1] + c[2, 2] - (c[0, 1] + c[0, 2] + c[1, 2]) + 3 * (c[3, 3] + c[4, 4] + c[5, 5])) / 15
        try:
            s = np.linalg.inv(c)
            kr = 1 / (s[0, 0] + s[1, 1] + s[2, 2] + 2 * (s[0, 1] + s[0, 2] + s[1, 2]))
            gr = 15 / (4 * (s[0, 0] + s[1, 1] + s[2, 2]) - 4 * (s[0, 1] + s[0, 2] + s[1, 2]) + 3 * (s[3, 3] + s[4, 4] + s[5, 5]))
        except np.linalg.LinAlgError:
            kr, gr = kv, gv
        return {"K_VRH": float((kv + kr) / 2), "G_VRH": float((gv + gr) / 2), "K_Voigt": float(kv), "G_Voigt": float(gv)}
    t = full_tensor("piezoelectric", m)
    return {"e_longitudinal_max": float(np.abs(np.einsum("dijk,di,dj,dk->d", t[None].repeat(len(SPHERE), 0), SPHERE, SPHERE, SPHERE)).max())}


def fibonacci_sphere(n=2000):
    i = np.arange(n) + 0.5
    phi = np.arccos(1 - 2 * i / n)
    theta = np.pi * (1 + 5 ** 0.5) * i
    return np.stack([np.cos(theta) * np.sin(phi), np.sin(theta) * np.sin(phi), np.cos(phi)], 1)


SPHERE = fibonacci_sphere()


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True, help=".npz from `cft featurize --tensor-basis KIND`")
    p.add_argument("--targets", required=True, help="JSON from trainer/tensor_data.py")
    p.add_argument("--target", required=True, help="tensor column, e.g. e_electronic")
    p.add_argument("--unit", required=True, help="unit of the tensor's entries: GPa, C/m², ε0 (relative permittivity)")
    p.add_argument("--out", required=True)
    p.add_argument("--head", choices=["constrained", "free"], default="constrained")
    p.add_argument("--members", type=int, default=5)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--split-seed", type=int, default=0)
    p.add_argument("--epochs", type=int, default=200)
    p.add_argument("--patience", type=int, default=40)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--d", type=int, default=48)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--blocks", type=int, default=2)
    p.add_argument("--ff", type=int, default=144)
    p.add_argument("--dropout", type=float, default=0.0)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--max-deviation", type=float, default=0.10,
                   help="targets farther than this (relative) from their structure's allowed subspace are left out of every split (wrong frame or symmetry; counted in the metrics)")
    p.add_argument("--bank", type=int, default=512, help="training embeddings kept for the novelty score")
    p.add_argument("--metrics-only", action="store_true")
    p.add_argument("--fp16", action=argparse.BooleanOptionalAction, default=True, help="weights rounded to and stored as fp16 (Cast to fp32 in the graph)")
    p.add_argument("--description", default="")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    data = FeaturizedDataset(args.data)
    with np.load(args.data) as d:
        basis = d["tensor_basis"].astype(np.float64)
        frame = d["frame_rotation"].astype(np.float64)
    spec = json.load(open(args.targets))
    kind = spec["kind"]
    weights = frobenius_weights(kind)
    rows, cols = SHAPES[kind]
    y = np.full((data.count, rows, cols), np.nan)
    for i, mid in enumerate(data.ids):
        if mid in spec["tensors"]:
            y[i] = rotate(kind, np.array(spec["tensors"][mid][args.target]), frame[i])
    labelled = [i for i in range(data.count) if np.isfinite(y[i]).all()]
    dev = np.array([deviation(kind, y[i], basis[i], weights) for i in labelled])
    frame_check = {"structures": len(labelled), "within_2pct": int((dev < 0.02).sum()), "within_10pct": int((dev < 0.10).sum()),
                   "median": float(np.median(dev)), "p95": float(np.quantile(dev, 0.95)), "max": float(dev.max())}
    print(f"cft_tensor_train: frame check, distance of each target from its structure's allowed subspace (model frame): {json.dumps(frame_check)}", flush=True)

    kept = [i for i, dv in zip(labelled, dev) if dv <= args.max_deviation]
    frame_check["left_out"] = len(labelled) - len(kept)
    labelled = kept
    split = {"train": [], "val": [], "test": []}
    for i in labelled:
        split[split_of(data.ids[i], args.split_seed)].append(i)
    mean_matrix = y[split["train"]].mean(0)
    scale = float((y[split["train"]] - mean_matrix).std()) or 1.0
    radial = data.radial_count
    table = element_properties(ELEMENT_TABLE)
    basis_t = torch.tensor(basis, dtype=torch.float32)
    weights_t = torch.tensor(weights, dtype=torch.float32)
    y_t = torch.tensor(np.nan_to_num(y), dtype=torch.float32)

    def output(model_or_matrix, idx):
        m = model_or_matrix
        return project(m, basis_t[idx], weights_t) if args.head == "constrained" else m

    def predict(model, idx):
        model.eval()
        out = []
        with torch.no_grad():
            for lo in range(0, len(idx), 128):
                part = idx[lo:lo + 128]
                out.append(output(model(*data.batch(part, False, radial > 0)), part))
        return torch.cat(out).numpy()

    started = time.time()
    members = []
    for k in range(args.members):
        torch.manual_seed(args.seed + k)
        model = TensorModel(kind, data.feature_count, args.d, args.heads, args.blocks, args.ff, args.dropout, radial, table, mean_matrix, scale)
        opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
        train = np.array(split["train"])
        steps = args.epochs * math.ceil(len(train) / args.batch_size)
        sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / 50) * 0.5 * (1 + math.cos(math.pi * min(s, steps) / steps)))
        rng = np.random.default_rng(args.seed + k)
        best, state, since = float("inf"), None, 0
        for epoch in range(1, args.epochs + 1):
            model.train()
            order = rng.permutation(train)
            for lo in range(0, len(order), args.batch_size):
                idx = order[lo:lo + args.batch_size].tolist()
                pred = output(model(*data.batch(idx, False, radial > 0)), idx)
                loss = (pred - y_t[idx]).abs().mean() / scale
                opt.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
                opt.step()
                sched.step()
            val = float(np.abs(predict(model, split["val"]) - y[split["val"]]).mean())
            if val < best:
                best, since, state = val, 0, {n: v.detach().clone() for n, v in model.state_dict().items()}
            else:
                since += 1
            if epoch % 10 == 0 or since == 0:
                print(f"member {k + 1}/{args.members} epoch {epoch:3d} val MAE {val:.4f}{'  *' if since == 0 else ''} {time.time() - started:.0f}s", flush=True)
            if since >= args.patience:
                break
        model.load_state_dict(state)
        model.eval()
        if args.fp16:
            # Stored as fp16 in the ONNX file (half the size); rounded here so that every metric is the shipped model's.
            from cft_export import round_to_fp16
            round_to_fp16(model)
        members.append(model)

    with torch.no_grad():
        bank_idx = sorted(np.random.default_rng(args.seed).choice(split["train"], size=min(args.bank, len(split["train"])), replace=False).tolist())
        bank = torch.cat([members[0].embed(*data.batch(bank_idx[lo:lo + 128], False, radial > 0)) for lo in range(0, len(bank_idx), 128)])
    ensemble = TensorEnsemble(members, bank).eval()

    def ensemble_predict(idx):
        outs, novelty = [], []
        with torch.no_grad():
            for lo in range(0, len(idx), 128):
                part = idx[lo:lo + 128]
                t, nov = ensemble(*data.batch(part, False, radial > 0))
                if args.head == "constrained":
                    t = torch.stack([project(t[:, k], basis_t[part], weights_t) for k in range(t.shape[1])], 1)
                outs.append(t)
                novelty.append(nov)
        t = torch.cat(outs).double().numpy()
        return t.mean(1), t.std(1, ddof=1) if t.shape[1] > 1 else np.zeros_like(t[:, 0]), torch.cat(novelty).numpy()

    result = {"kind": kind, "target": args.target, "unit": args.unit, "head": args.head, "members": args.members,
              "seconds": round(time.time() - started, 1), "frame_check": frame_check,
              "split": {k: len(v) for k, v in split.items()}}
    test = split["test"]
    p_test, s_test, nov_test = ensemble_predict(test)
    y_test = y[test]
    result["test_component_mae"] = float(np.abs(p_test - y_test).mean())
    # The scalar models' contract (metrics.test.mae/count): here the MAE over the tensor entries.
    result["test"] = {"mae": result["test_component_mae"], "count": len(test), "of": "tensor entries (matrix form)"}
    result["train_mean_component_mae"] = float(np.abs(mean_matrix[None] - y_test).mean())
    result["member_component_mae"] = [float(np.abs(predict(m, test) - y_test).mean()) for m in members]
    result["symmetry_error"] = {"mean": float(np.mean([deviation(kind, p, basis[i], weights) for p, i in zip(p_test, test)])),
                                "max": float(np.max([deviation(kind, p, basis[i], weights) for p, i in zip(p_test, test)]))}
    names = list(derived(kind, y_test[0]).keys())
    truth = [derived(kind, m) for m in y_test]
    pred = [derived(kind, m) for m in p_test]
    base = derived(kind, mean_matrix)
    result["derived_mae"] = {n: float(np.mean([abs(a[n] - b[n]) for a, b in zip(pred, truth)])) for n in names}
    result["derived_train_mean_mae"] = {n: float(np.mean([abs(base[n] - b[n]) for b in truth])) for n in names}
    p_val, _, nov_val = ensemble_predict(split["val"])
    threshold = float(np.quantile(nov_val, 0.99))
    err = np.abs(p_test - y_test).reshape(len(test), -1).mean(1)
    result["calibration"] = {"within_2_sigma": float((np.abs(p_test - y_test) <= 2 * s_test + 1e-12).mean()),
                             "mean_sigma": float(s_test.mean()), "novel_fraction": float((nov_test > threshold).mean())}
    print("cft_tensor_train: " + json.dumps({k: result[k] for k in ("test_component_mae", "train_mean_component_mae", "symmetry_error", "derived_mae", "derived_train_mean_mae")}), flush=True)
    stem = os.path.splitext(args.out)[0]
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(stem + ".metrics.json", "w") as f:
        json.dump(result, f, indent=2)
    if args.metrics_only:
        return

    train_idx = split["train"]
    from cft_train import centring_factor
    catalogue = json.load(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "spacegroups.json")))["settings"]
    factor = centring_factor(data.standard_space_group, catalogue)
    atoms = [float(data.weight[data.site_start[i]:data.site_start[i + 1]].sum()) / factor[i] for i in train_idx]
    domain = {"atoms_per_primitive_cell": [round(min(atoms), 6), round(max(atoms), 6)], "formula_types": None,
              "novelty_threshold": threshold, "novelty_quantile": 0.99, "novelty_bank": len(bank_idx)}
    metadata = {
        "cft.version": VERSION,
        "cft.layout": data.layout,
        "cft.feature_count": str(data.feature_count),
        "cft.frequencies": ";".join(f"{h},{k},{l}" for h, k, l in data.frequencies),
        "cft.target": args.target,
        "cft.unit": args.unit,
        "cft.head": "tensor",
        "cft.tensor": kind,
        "cft.positional": "fourier",
        "cft.pair": data.pair_layout if radial else "",
        "cft.elements": ",".join(str(z) for z in sorted(set(int(z) for i in train_idx for z in data.atomic_number[data.site_start[i]:data.site_start[i + 1]]))),
        "cft.domain": json.dumps(domain),
        "cft.normalization": json.dumps({"mean": 0.0, "std": 1.0, "log10": False}),
        "cft.data": args.description or os.path.basename(args.data),
        "cft.split": f"sha256('{args.split_seed}:'+id) -> 80% train / 10% val / 10% test",
        "cft.metrics": json.dumps(result),
        "cft.architecture": json.dumps({"d": args.d, "heads": args.heads, "blocks": args.blocks, "ff": args.ff, "members": args.members, "element_features": "table"}),
    }
    names_in = ["features", "atomic_number", "weight", "lattice"] + (["pair"] if radial else [])
    example = data.batch(test[:2], False, radial > 0)
    axes = {"features": {0: "batch", 1: "sites"}, "atomic_number": {0: "batch", 1: "sites"}, "weight": {0: "batch", 1: "sites"},
            "lattice": {0: "batch"}, "tensor_members": {0: "batch"}, "novelty": {0: "batch"}}
    if radial:
        axes["pair"] = {0: "batch", 1: "sites", 2: "sites"}
    import onnx
    torch.onnx.export(ensemble, example, args.out, input_names=names_in, output_names=["tensor_members", "novelty"], opset_version=17, dynamic_axes=axes)
    proto = onnx.load(args.out)
    del proto.metadata_props[:]
    for key, value in metadata.items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, value
    proto.producer_name = "cft_tensor_train"
    if args.fp16:
        from cft_export import store_fp16
        store_fp16(proto)
    onnx.checker.check_model(proto)
    onnx.save(proto, args.out)
    # Test vectors: inputs and PyTorch's unprojected member tensors, for the C# parity test.
    vec_idx = test[:3]
    batch = data.batch(vec_idx, False, radial > 0)
    with torch.no_grad():
        t, nov = ensemble(*batch)
    vectors = {"ids": [data.ids[i] for i in vec_idx],
               "inputs": {n: {"shape": list(b.shape), "data": [float(v) if b.dtype.is_floating_point else int(v) for v in b.reshape(-1).tolist()]}
                          for n, b in zip(names_in, batch)},
               "tensor_members": {"shape": list(t.shape), "data": [float(v) for v in t.reshape(-1).tolist()]},
               "novelty": [float(v) for v in nov]}
    with open(stem + ".testvectors.json", "w") as f:
        json.dump(vectors, f, separators=(",", ":"))
    print(f"cft_tensor_train: wrote {args.out} ({os.path.getsize(args.out) / 1e6:.1f} MB)", flush=True)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Re-exports an ensemble .onnx written with the members unrolled (one copy of every op per member: 1,394 graph nodes
for 5 members, and ONNX Runtime spends ~270 ms building the session) as a stacked graph (the members as a leading
dimension of stacked weights: about one member's node count), with the same metadata and the same outputs.

  /usr/bin/python3 trainer/restack.py models/cmr_perovskites-e_form.onnx [more.onnx ...]   (rewrites in place)

The members' weights are read back from the file: a same-architecture EnsembleModel with distinct random weights
is exported the same way, and each of its initializers is matched to the parameter (or its transpose) it holds;
the file's initializer of the same name then holds the trained value. The result is checked against the file's
own test vectors (<stem>.testvectors.json) before anything is written.
"""
import json
import os
import sys
import tempfile

import numpy as np
import onnx
import torch
from onnx import numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cft_model import CftModel, EnsembleModel, StackedEnsemble, element_properties  # noqa: E402
from cft_export import INPUT_NAMES, OUTPUT_NAMES  # noqa: E402

TABLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "element_properties.json")


def vectors_of(path):
    with open(os.path.splitext(path)[0] + ".testvectors.json") as f:
        doc = json.load(f)
    names = [n for n in INPUT_NAMES + ["pair"] if n in doc["inputs"]]
    tensors = []
    for n in names:
        t = doc["inputs"][n]
        dtype = torch.int64 if n == "atomic_number" else torch.float32
        tensors.append(torch.tensor(t["data"], dtype=dtype).reshape(t["shape"]))
    return tensors, names, {k: np.array(doc[k], dtype=np.float64) for k in OUTPUT_NAMES}


def export(model, inputs, names, path):
    axes = {"features": {0: "batch", 1: "sites"}, "atomic_number": {0: "batch", 1: "sites"}, "weight": {0: "batch", 1: "sites"},
            "lattice": {0: "batch"}, **{n: {0: "batch"} for n in OUTPUT_NAMES}}
    if "pair" in names:
        axes["pair"] = {0: "batch", 1: "sites", 2: "sites"}
    torch.onnx.export(model, tuple(inputs), path, input_names=names, output_names=OUTPUT_NAMES, opset_version=17, dynamic_axes=axes)


def recover(path, proto, inputs, names):
    meta = {p.key: p.value for p in proto.metadata_props}
    arch, norm = json.loads(meta["cft.architecture"]), json.loads(meta["cft.normalization"])
    radial = inputs[4].shape[3] if "pair" in names else 0
    table = element_properties(TABLE) if arch.get("element_features") == "table" else None
    members = []
    for _ in range(arch["members"]):
        m = CftModel(int(meta["cft.feature_count"]), arch["d"], arch["heads"], arch["blocks"], arch["ff"], 0.0, meta["cft.head"],
                     norm["mean"], norm["std"], radial, table)
        m.log10_target = bool(norm.get("log10", False))
        members.append(m)
    shipped = {i.name: numpy_helper.to_array(i) for i in proto.graph.initializer}
    # The bank size: the file's initializer that is a [d, N] or [N, d] matrix not among the parameters' shapes.
    ensemble = EnsembleModel(members, torch.zeros(1, arch["d"]))
    torch.manual_seed(12345)
    probe_state = {}
    for k, v in ensemble.state_dict().items():
        probe_state[k] = torch.randn_like(v) if v.is_floating_point() else v
    known_shapes = {tuple(v.shape) for v in probe_state.values()} | {tuple(v.T.shape) for v in probe_state.values() if v.dim() == 2}
    bank_shape = [a.shape for n, a in shipped.items() if a.ndim == 2 and arch["d"] in a.shape and a.shape not in known_shapes and max(a.shape) > 64]
    n_bank = max(max(s) for s in bank_shape)
    ensemble = EnsembleModel(members, torch.zeros(n_bank, arch["d"]))
    # Distinct values everywhere (equal constants, e.g. five zero thresholds, would be merged by the export).
    probe_state = {k: (torch.randn_like(v) if v.is_floating_point() and not k.endswith("element_properties") else v)
                   for k, v in ensemble.state_dict().items()}
    ensemble.load_state_dict(probe_state)
    with tempfile.TemporaryDirectory() as tmp:
        probe_path = os.path.join(tmp, "probe.onnx")
        export(ensemble.eval(), inputs, names, probe_path)
        probe = {i.name: numpy_helper.to_array(i) for i in onnx.load(probe_path).graph.initializer}
    state = {k: v.clone() for k, v in probe_state.items()}
    for key, value in probe_state.items():
        if not value.is_floating_point() or key.endswith("element_properties"):
            continue
        v = value.numpy()
        for name, array in probe.items():
            transposed = v.ndim == 2 and array.shape == v.T.shape and np.array_equal(array, v.T)
            if not transposed and not (array.shape == v.shape and np.array_equal(array, v)):
                continue
            if name not in shipped and key.endswith(("target_mean", "target_std")):
                # Equal for every member (one normalisation per model), so the export kept member 0's only.
                name = "members.0." + key.split(".", 2)[2]
            if name not in shipped:
                raise SystemExit(f"restack: {path}: {key} is {name} in a re-export but the file has no such initializer")
            trained = shipped[name]
            state[key] = torch.from_numpy((trained.T if transposed else trained).copy()).reshape(value.shape).to(value.dtype)
            break
        else:
            # Not in the graph (e.g. the gap threshold of a regression head): unused, so its value does not matter;
            # the check against the test vectors below catches anything else.
            continue
    ensemble.load_state_dict(state)
    return ensemble.eval()


def check(model, inputs, expected, path, what):
    with torch.no_grad():
        out = [t.numpy().astype(np.float64) for t in model(*inputs)]
    for name, got in zip(OUTPUT_NAMES, out):
        want = expected[name]
        tolerance = 1e-5 * np.maximum(1, np.abs(want))
        close = np.abs(got**2 - want**2) <= 1e-4 * np.maximum(1, want**2) if name == "novelty" else np.abs(got - want) <= tolerance
        if not close.all():
            raise SystemExit(f"restack: {path}: {what} {name} {got} differs from the test vectors {want}")


def main(paths):
    for path in paths:
        proto = onnx.load(path)
        inputs, names, expected = vectors_of(path)
        ensemble = recover(path, proto, inputs, names)
        check(ensemble, inputs, expected, path, "recovered ensemble")
        stacked = StackedEnsemble(ensemble).eval()
        check(stacked, inputs, expected, path, "stacked ensemble")
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "stacked.onnx")
            export(stacked, inputs, names, out)
            new = onnx.load(out)
        for p in proto.metadata_props:
            entry = new.metadata_props.add()
            entry.key, entry.value = p.key, p.value
        new.producer_name = proto.producer_name
        onnx.checker.check_model(new)
        onnx.save(new, path)
        torch.save({"members": [m.state_dict() for m in ensemble.members], "bank": ensemble.bank}, os.path.splitext(path)[0] + ".members.pt") if os.environ.get("CFT_KEEP_MEMBERS") else None
        print(f"restack: {path}: {len(proto.graph.node)} -> {len(new.graph.node)} nodes, {os.path.getsize(path) / 1e6:.1f} MB")


if __name__ == "__main__":
    main(sys.argv[1:])

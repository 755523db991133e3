"""ONNX export (opset 17) with metadata, PyTorch test vectors, parity plot."""
import json

import numpy as np
import onnx
import torch

# The graph's inputs, then "pair" for a model with pair features (the runtime's CftModel.InputNames, checked by a test);
# the export drops an input the graph does not read (a site-role model reads neither features nor lattice).
INPUT_NAMES = ["features", "atomic_number", "weight", "lattice"]
# EnsembleModel's outputs, in order (the runtime reads them by name; see CftModel.OutputNames in runtime/Inference).
OUTPUT_NAMES = ["prediction", "std", "novelty"]


def store_fp16(proto, minimum=256):
    """Float initializers of at least `minimum` values that fp16 holds exactly stored as fp16, each read through a Cast to
    fp32 (the graph computes in fp32 as before; the weights were rounded to fp16 before any metric was measured)."""
    import onnx
    from onnx import helper, numpy_helper
    graph = proto.graph
    casts = []
    for init in graph.initializer:
        if init.data_type != onnx.TensorProto.FLOAT:
            continue
        array = numpy_helper.to_array(init)
        # Only values fp16 holds exactly (the rounded weights); constants computed from them (the novelty bank, folded
        # products) stay fp32, so the graph computes what PyTorch computed.
        if array.size < minimum or not np.array_equal(array.astype(np.float16).astype(np.float32), array):
            continue
        name = init.name
        half = numpy_helper.from_array(array.astype(np.float16), name + "_fp16")
        init.CopyFrom(half)
        casts.append(helper.make_node("Cast", [name + "_fp16"], [name], to=onnx.TensorProto.FLOAT, name=name + "_cast"))
    for node in reversed(casts):
        graph.node.insert(0, node)


def round_to_fp16(model):
    """Rounds a trained member's weights and float buffers to fp16 values (kept as fp32 tensors), before any metric is
    measured, so that every reported number is the stored model's (store_fp16 then stores them in half the bytes)."""
    with torch.no_grad():
        for tensor in list(model.parameters()) + [b for b in model.buffers() if b.is_floating_point()]:
            tensor.copy_(tensor.half().float())


def export_onnx(model, data, indices, zero, path, metadata, fp16=False):
    pairs = model.radial > 0
    example = data.batch(indices[:2], zero, pairs)
    axes = {"features": {0: "batch", 1: "sites"}, "atomic_number": {0: "batch", 1: "sites"},
            "weight": {0: "batch", 1: "sites"}, "lattice": {0: "batch"}, **{n: {0: "batch"} for n in OUTPUT_NAMES}}
    names = INPUT_NAMES
    if pairs:
        axes["pair"] = {0: "batch", 1: "sites", 2: "sites"}
        names = INPUT_NAMES + ["pair"]
    torch.onnx.export(model, example, path, input_names=names, output_names=OUTPUT_NAMES, opset_version=17, dynamic_axes=axes)
    proto = onnx.load(path)
    del proto.metadata_props[:]
    for key, value in metadata.items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, value
    proto.producer_name = "cft_train"
    if fp16:
        store_fp16(proto)
    onnx.checker.check_model(proto)
    onnx.save(proto, path)


def write_test_vectors(model, data, indices, zero, path):
    """Inputs and PyTorch outputs for a padded batch (structures of different sizes), for the C# parity test."""
    batch = data.batch(indices, zero, model.radial > 0)
    with torch.no_grad():
        out, std, novelty = (t.numpy() for t in model(*batch))
    names = INPUT_NAMES + (["pair"] if model.radial > 0 else [])
    doc = {"ids": [data.ids[i] for i in indices],
           "inputs": {n: {"shape": list(t.shape), "data": [float(v) if t.dtype.is_floating_point else int(v) for v in t.reshape(-1).tolist()]}
                      for n, t in zip(names, batch)},
           "prediction": [float(v) for v in out], "std": [float(v) for v in std], "novelty": [float(v) for v in novelty]}
    with open(path, "w") as f:
        json.dump(doc, f, separators=(",", ":"))


def write_parity_plot(y, p, y_unseen, p_unseen, target, unit, path):
    if len(y) == 0:
        print("cft_train: no test structures; no parity plot", flush=True)
        return
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("cft_train: matplotlib not installed (apt-get install python3-matplotlib); no parity plot", flush=True)
        return
    fig, ax = plt.subplots(figsize=(4.5, 4.5), dpi=110)
    ax.scatter(y, p, s=6, alpha=0.6, label=f"test (MAE {np.abs(p - y).mean():.3f})")
    if len(y_unseen):
        ax.scatter(y_unseen, p_unseen, s=6, alpha=0.6, color="tab:red", label=f"unseen groups (MAE {np.abs(p_unseen - y_unseen).mean():.3f})")
    lo, hi = float(min(y.min(), p.min())), float(max(y.max(), p.max()))
    ax.plot([lo, hi], [lo, hi], color="gray", lw=0.8)
    ax.set_xlabel(f"DFT {target} ({unit})")
    ax.set_ylabel(f"CFT {target} ({unit})")
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)

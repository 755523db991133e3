"""The Crystal Fourier Transformer over unique sites (PyTorch; exported to ONNX for the C# runtime).

Tokens are the unique sites of the standardised conventional cell. A site of Wyckoff multiplicity m
stands for m atoms whose features are identical (the features are G-invariant), so attention over the
full cell equals attention over unique sites with log(m) added to every key's logit, and the full-cell
mean pool equals the multiplicity-weighted mean. Same result, |G| times fewer tokens
(tested in test_trainer.py::test_unique_sites_equal_full_cell).
"""
import math

import torch
from torch import nn

ELEMENT_VOCABULARY = 119  # index 0 unused (padding), 1..118 = Z


def lattice_descriptor(lattice: torch.Tensor, atoms: torch.Tensor) -> torch.Tensor:
    """Rotation-invariant cell descriptor [B, 7]: log a, log b, log c, cos alpha, cos beta, cos gamma, log(volume per atom).

    lattice: [B, 3, 3] rows are the cell vectors in Å; atoms: [B] atoms in that cell.
    """
    a, b, c = lattice[:, 0], lattice[:, 1], lattice[:, 2]
    la, lb, lc = a.norm(dim=-1), b.norm(dim=-1), c.norm(dim=-1)
    cos_alpha = (b * c).sum(-1) / (lb * lc)
    cos_beta = (a * c).sum(-1) / (la * lc)
    cos_gamma = (a * b).sum(-1) / (la * lb)
    volume = (a * torch.cross(b, c, dim=-1)).sum(-1).abs()
    return torch.stack([la.log(), lb.log(), lc.log(), cos_alpha, cos_beta, cos_gamma, (volume / atoms).log()], dim=-1)


class WeightedSelfAttention(nn.Module):
    """Multi-head self-attention where key j counts weight[j] times (log-weight logit bias); weight 0 = padding."""

    def __init__(self, d: int, heads: int):
        super().__init__()
        self.heads, self.dk = heads, d // heads
        self.qkv = nn.Linear(d, 3 * d)
        self.out = nn.Linear(d, d)

    def forward(self, x: torch.Tensor, key_bias: torch.Tensor) -> torch.Tensor:
        bsz, sites, d = x.shape
        q, k, v = self.qkv(x).reshape(bsz, sites, 3, self.heads, self.dk).permute(2, 0, 3, 1, 4).unbind(0)
        logits = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.dk) + key_bias[:, None, None, :]
        y = torch.matmul(torch.softmax(logits, dim=-1), v)
        return self.out(y.transpose(1, 2).reshape(bsz, sites, d))


class Block(nn.Module):
    """Pre-LayerNorm transformer encoder block. With pair features P [B,S,S,R] (radial histograms of the distances
    from site i to the atoms of site j's orbit) it also adds a continuous-filter message sum_j W(P_ij) * U(h_j)
    (SchNet-style). W is linear without bias, so the message is linear in P: summing over j's orbit inside P_ij is
    then exactly the full-cell sum over its atoms (the unique-site model stays equal to the full-cell model), and
    padded sites, whose P is 0, send nothing. (An attention bias from P would break that equality.)"""

    def __init__(self, d: int, heads: int, ff: int, dropout: float, radial: int = 0):
        super().__init__()
        self.norm1, self.norm2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.attention = WeightedSelfAttention(d, heads)
        self.ff = nn.Sequential(nn.Linear(d, ff), nn.GELU(), nn.Linear(ff, d))
        self.drop = nn.Dropout(dropout)
        self.radial = radial
        if radial:
            self.filter = nn.Linear(radial, d, bias=False)
            self.norm3 = nn.LayerNorm(d)
            self.message_in = nn.Linear(d, d)
            self.message_out = nn.Linear(d, d)

    def forward(self, x, key_bias, pair=None):
        x = x + self.drop(self.attention(self.norm1(x), key_bias))
        if self.radial:
            h = self.message_in(self.norm3(x))
            message = (self.filter(pair) * h[:, None, :, :]).sum(2)
            x = x + self.drop(self.message_out(message))
        return x + self.drop(self.ff(self.norm2(x)))


class CftModel(nn.Module):
    """Inputs (padded batch): features [B,S,F] float32, atomic_number [B,S] int64, weight [B,S] float32
    (Wyckoff multiplicity x occupancy; 0 marks padding), lattice [B,3,3] float32 (Å, rows = cell vectors
    of the standardised conventional cell) and, when radial > 0, pair [B,S,S,R] float32 (`cft featurize`'s
    pair features). Output: prediction [B] in the target's unit.

    head 'regression': one value. head 'gap': a metal/non-metal classifier and a gap regressor; the
    prediction is the gap where the classifier says non-metal, else exactly 0.
    """

    def __init__(self, feature_count: int, d: int = 128, heads: int = 8, blocks: int = 3, ff: int = 256,
                 dropout: float = 0.0, head: str = "regression", target_mean: float = 0.0, target_std: float = 1.0,
                 radial: int = 0, element_properties: torch.Tensor | None = None):
        super().__init__()
        self.radial = radial
        self.head_kind = head
        self.element = nn.Embedding(ELEMENT_VOCABULARY, d)
        # Physical facts per element (element_properties(): [119, P], standardised), so that an element seen a few
        # times in training is placed by what it is, not only by a vector learned from those few structures.
        self.uses_element_properties = element_properties is not None
        if element_properties is not None:
            self.register_buffer("element_properties", element_properties.float())
            self.element_property = nn.Linear(element_properties.shape[1], d)
        self.position = nn.Linear(feature_count, d)
        self.cell = nn.Sequential(nn.Linear(7, d), nn.SiLU(), nn.Linear(d, d))
        self.input_norm = nn.LayerNorm(d)
        self.blocks = nn.ModuleList([Block(d, heads, ff, dropout, radial) for _ in range(blocks)])
        self.final_norm = nn.LayerNorm(d)
        outputs = 2 if head == "gap" else 1
        self.readout = nn.Sequential(nn.Linear(d, d), nn.SiLU(), nn.Linear(d, outputs))
        self.register_buffer("target_mean", torch.tensor(float(target_mean)))
        self.register_buffer("target_std", torch.tensor(float(target_std)))
        # 'gap' head: a structure is called a non-metal when its logit exceeds this (chosen on validation data).
        self.register_buffer("threshold", torch.tensor(0.0))
        # Targets trained as log10 (moduli, as matbench does): the prediction is 10 ** (network output).
        self.log10_target = False

    def embed(self, features, atomic_number, weight, lattice, pair=None):
        """The pooled structure embedding [B, d] (multiplicity-weighted mean over the cell's atoms)."""
        present = weight > 0
        atoms = weight.sum(-1)
        key_bias = torch.where(present, torch.log(torch.where(present, weight, torch.ones_like(weight))),
                               torch.full_like(weight, -1e9))
        cell = self.cell(lattice_descriptor(lattice, atoms))
        element = self.element(atomic_number)
        if self.uses_element_properties:
            element = element + self.element_property(self.element_properties[atomic_number])
        x = self.input_norm(element + self.position(features) + cell[:, None, :])
        for block in self.blocks:
            x = block(x, key_bias, pair)
        x = self.final_norm(x)
        return (x * weight[..., None]).sum(1) / atoms[:, None]

    def raw(self, features, atomic_number, weight, lattice, pair=None):
        """Normalised outputs [B, 1 or 2] (before de-normalisation and gating)."""
        return self.readout(self.embed(features, atomic_number, weight, lattice, pair))

    def value_of(self, out):
        """The prediction [B] in the target's unit from raw outputs."""
        value = out[:, 0] * self.target_std + self.target_mean
        if self.log10_target:
            value = torch.pow(10.0, value)
        if self.head_kind == "gap":
            value = torch.where(out[:, 1] > self.threshold, torch.relu(value), torch.zeros_like(value))
        return value

    def forward(self, features, atomic_number, weight, lattice, pair=None):
        return self.value_of(self.raw(features, atomic_number, weight, lattice, pair))


class EnsembleModel(nn.Module):
    """K members trained with different seeds, exported as one graph. Outputs: prediction [B] (the members' mean),
    std [B] (their standard deviation: the uncertainty), novelty [B] (distance of member 0's pooled embedding to the
    nearest of a bank of training structures' embeddings; the model's metadata holds the threshold above which a
    structure is unlike the training data)."""

    def __init__(self, members, bank: torch.Tensor):
        super().__init__()
        self.members = nn.ModuleList(members)
        self.register_buffer("bank", bank.float())
        self.radial = members[0].radial

    def forward(self, features, atomic_number, weight, lattice, pair=None):
        values, embedding = [], None
        for k, member in enumerate(self.members):
            e = member.embed(features, atomic_number, weight, lattice, pair)
            if k == 0:
                embedding = e
            values.append(member.value_of(member.readout(e)))
        stacked = torch.stack(values, dim=1)
        mean = stacked.mean(dim=1)
        std = ((stacked - mean[:, None]) ** 2).sum(dim=1).div(max(len(values) - 1, 1)).sqrt()
        # Squared distances by expansion (cdist has no ONNX export); clamped against rounding below 0.
        d2 = (embedding * embedding).sum(-1, keepdim=True) - 2 * embedding @ self.bank.T + (self.bank * self.bank).sum(-1)[None, :]
        novelty = d2.clamp_min(0).min(dim=1).values.sqrt()
        return mean, std, novelty


def element_properties(path: str) -> torch.Tensor:
    """The committed element table (trainer/element_properties.json) as [119, 2P] standardised features: each
    property scaled to zero mean and unit variance over the elements that have it, 0 where missing, plus a
    0/1 'missing' indicator per property. Row 0 (padding) is all zero."""
    import json
    with open(path) as f:
        doc = json.load(f)
    count = len(doc["properties"])
    raw = torch.full((ELEMENT_VOCABULARY, count), float("nan"))
    for z, row in doc["elements"].items():
        raw[int(z)] = torch.tensor([float("nan") if v is None else float(v) for v in row])
    known = ~raw[1:].isnan()
    out = torch.zeros(ELEMENT_VOCABULARY, 2 * count)
    for j in range(count):
        column = raw[1:, j][known[:, j]]
        mean, std = column.mean(), column.std().clamp_min(1e-6)
        out[1:, j] = torch.where(known[:, j], (raw[1:, j] - mean) / std, torch.zeros(()))
        out[1:, count + j] = (~known[:, j]).float()
    return out

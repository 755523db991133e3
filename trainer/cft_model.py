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
                 radial: int = 0):
        super().__init__()
        self.radial = radial
        self.head_kind = head
        self.element = nn.Embedding(ELEMENT_VOCABULARY, d)
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

    def raw(self, features, atomic_number, weight, lattice, pair=None):
        """Normalised outputs [B, 1 or 2] (before de-normalisation and gating)."""
        present = weight > 0
        atoms = weight.sum(-1)
        key_bias = torch.where(present, torch.log(torch.where(present, weight, torch.ones_like(weight))),
                               torch.full_like(weight, -1e9))
        cell = self.cell(lattice_descriptor(lattice, atoms))
        x = self.input_norm(self.element(atomic_number) + self.position(features) + cell[:, None, :])
        for block in self.blocks:
            x = block(x, key_bias, pair)
        x = self.final_norm(x)
        pooled = (x * weight[..., None]).sum(1) / atoms[:, None]
        return self.readout(pooled)

    def forward(self, features, atomic_number, weight, lattice, pair=None):
        out = self.raw(features, atomic_number, weight, lattice, pair)
        value = out[:, 0] * self.target_std + self.target_mean
        if self.head_kind == "gap":
            value = torch.where(out[:, 1] > self.threshold, torch.relu(value), torch.zeros_like(value))
        return value

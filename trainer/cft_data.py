"""Datasets exported by `cft featurize` (.npz): padded batches and the documented split."""
import hashlib

import numpy as np
import torch


class FeaturizedDataset:
    """One .npz from `cft featurize`: per-site rows (features, atomic_number, multiplicity, occupancy)
    grouped by site_start, and per-structure ids, space_group, lattice and target_<name> arrays."""

    def __init__(self, path: str):
        with np.load(path) as d:
            self.path = path
            self.features = d["features"].astype(np.float32)
            self.site_start = d["site_start"].astype(np.int64)
            self.atomic_number = d["atomic_number"].astype(np.int64)
            self.weight = (d["multiplicity"] * d["occupancy"]).astype(np.float32)
            self.lattice = d["lattice"].astype(np.float32)
            self.space_group = d["space_group"].astype(np.int64)
            # The group of the standardised structure (differs from space_group for `featurize --plain`, which is P1).
            self.standard_space_group = d["standard_space_group"].astype(np.int64) if "standard_space_group" in d.files else self.space_group
            self.ids = [str(s) for s in d["ids"]]
            self.layout = str(d["layout"][0])
            # How `cft featurize` described the structures: standardised, as-given (--keep-setting) or niggli (--reduced-cell).
            self.cell = str(d["cell"][0]) if "cell" in d.files else "standardised"
            self.frequencies = d["frequencies"].astype(np.int32)
            self.pair = d["pair"].astype(np.float32) if "pair" in d.files else None
            self.pair_start = d["pair_start"].astype(np.int64) if "pair" in d.files else None
            self.pair_layout = str(d["pair_layout"][0]) if "pair" in d.files else ""
            self.targets = {k[len("target_"):]: d[k].astype(np.float64) for k in d.files if k.startswith("target_")}
        self.count = len(self.ids)

    @property
    def feature_count(self) -> int:
        return self.features.shape[1]

    @property
    def radial_count(self) -> int:
        return 0 if self.pair is None else self.pair.shape[1]

    def batch(self, indices, zero_features: bool = False, pairs: bool = False):
        """Padded tensors (features, atomic_number, weight, lattice[, pair]) for the structures in `indices`."""
        sizes = [self.site_start[i + 1] - self.site_start[i] for i in indices]
        sites = max(sizes)
        n = len(indices)
        features = np.zeros((n, sites, self.feature_count), np.float32)
        atomic = np.zeros((n, sites), np.int64)
        weight = np.zeros((n, sites), np.float32)
        for row, i in enumerate(indices):
            lo, hi = self.site_start[i], self.site_start[i + 1]
            if not zero_features:
                features[row, : hi - lo] = self.features[lo:hi]
            atomic[row, : hi - lo] = self.atomic_number[lo:hi]
            weight[row, : hi - lo] = self.weight[lo:hi]
        tensors = (torch.from_numpy(features), torch.from_numpy(atomic), torch.from_numpy(weight),
                   torch.from_numpy(self.lattice[list(indices)]))
        if not pairs:
            return tensors
        pair = np.zeros((n, sites, sites, self.radial_count), np.float32)
        for row, i in enumerate(indices):
            k = self.site_start[i + 1] - self.site_start[i]
            pair[row, :k, :k] = self.pair[self.pair_start[i]:self.pair_start[i + 1]].reshape(k, k, -1)
        return tensors + (torch.from_numpy(pair),)


def split_of(identifier: str, seed: int, folds: int = 0, fold: int = 0) -> str:
    """'train' (80 %), 'val' (10 %) or 'test' (10 %) from a hash of the structure id: stable across
    exports, orderings and feature variants of the same data. With folds = K (cross-validation, as matbench):
    the structures whose hash falls in fold `fold` of K equal parts are 'test'; of the rest, a tenth (by a
    second hash) is 'val' for early stopping and the others 'train'."""
    digest = hashlib.sha256(f"{seed}:{identifier}".encode()).digest()
    u = int.from_bytes(digest[:8], "little") / 2.0**64
    if folds:
        if int(u * folds) == fold:
            return "test"
        v = int.from_bytes(digest[8:16], "little") / 2.0**64
        return "val" if v < 0.1 else "train"
    return "train" if u < 0.8 else "val" if u < 0.9 else "test"

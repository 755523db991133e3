"""`cft featurize`'s pair features (radial and three-body channels) against an independent NumPy computation whose
neighbour search is pymatgen's, on the bundled carbon polymorphs (Niggli-reduced cells, every atom its own site)."""
import os
import subprocess

import numpy as np
import pytest

pymatgen = pytest.importorskip("pymatgen.core")


def reference(lattice, fractional, radial, angular):
    """P[i, j, C] for a P1 cell: radial (cutoff, R, width) and angular (cutoff, start, B, A, width) as in AngularPairBasis."""
    cutoff, count, width = radial
    ra, start, b_count, a_count, a_width = angular
    structure = pymatgen.Structure(lattice, ["C"] * len(fractional), fractional)
    n = len(fractional)
    out = np.zeros((n, n, count + b_count * a_count))
    centres = np.linspace(0, cutoff, count)
    r_centres, r_width = np.linspace(start, ra, b_count), (ra - start) / (b_count - 1)
    cos_centres = np.linspace(-1, 1, a_count)
    fc = lambda r, c: 0.5 * (np.cos(np.pi * r / c) + 1)
    for i, neighbours in enumerate(structure.get_all_neighbors(cutoff)):
        for nb in neighbours:
            out[i, nb.index, :count] += fc(nb.nn_distance, cutoff) * np.exp(-(nb.nn_distance - centres) ** 2 / (2 * width ** 2))
        close = [nb for nb in neighbours if nb.nn_distance < ra]
        if len(close) < 2:
            continue
        vectors = np.array([nb.coords - structure[i].coords for nb in close])
        r = np.linalg.norm(vectors, axis=1)
        cos = np.clip((vectors @ vectors.T) / np.outer(r, r), -1, 1)
        weight = fc(r, ra)
        for m, nb in enumerate(close):
            others = np.arange(len(close)) != m
            sums = (weight[others, None] * np.exp(-(cos[m, others, None] - cos_centres) ** 2 / (2 * a_width ** 2))).sum(0)
            phi = weight[m] * np.exp(-(r[m] - r_centres) ** 2 / (2 * r_width ** 2))
            out[i, nb.index, count:] += np.outer(phi, sums).ravel()
    return out


def test_angular_pair_features_match_an_independent_reference(cli, examples, tmp_path):
    out = tmp_path / "carbon.npz"
    subprocess.run([cli, "featurize", os.path.join(examples, "carbon_24_sample.csv"), "--reduced-cell", "--pair-functions", "30",
                    "--pair-width", "0.2", "--angular-cutoff", "3.5", "--angles", "7", "--out", str(out)], check=True, capture_output=True)
    d = np.load(out)
    assert str(d["pair_layout"][0]) == "rbf-orbit/cutoff=6/R=30/width=0.2+angular/cutoff=3.5/start=0.8/B=6/A=7/width=0.15"
    checked = 0
    for s in range(len(d["ids"])):
        lo, hi = d["site_start"][s], d["site_start"][s + 1]
        n = hi - lo
        assert (d["multiplicity"][lo:hi] == 1).all()
        expected = reference(d["lattice"][s], d["positions"][lo:hi], (6.0, 30, 0.2), (3.5, 0.8, 6, 7, 0.15))
        actual = d["pair"][d["pair_start"][s]:d["pair_start"][s + 1]].reshape(n, n, -1)
        np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-5, err_msg=str(d["ids"][s]))
        checked += int((expected[..., 30:] > 0.01).sum())
    assert checked > 1000  # the angular channels are not all near zero

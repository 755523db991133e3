#!/usr/bin/python3
"""Does the encoding reflect orbit distances? (the seed's finding; issue #11)

For a few space groups, random pairs of points x, y of one cell: the distance between their G-invariant encodings
(the runtime's feature columns: Re and Im of S_h for every frequency h of the layout, S_h(x) = (1/|G|) Σ_g
exp(2πi h·(A_g x + t_g)), from libcft's cft_basis_evaluate) against their distance between orbits,
d_G(x, y) = min over g and lattice vectors n of |L (A_g x + t_g + n − y)| in Å (operations from spglib's database,
independent of the runtime). The same for the plain (P1) encoding exp(2πi h·x), which sees only |x − y| mod the
lattice. Spearman and Pearson correlations over all pairs, and Spearman over the pairs whose orbit distance is below
1.5 Å (local structure, where a network's smooth features matter most).

  CFT_LIBRARY=/tmp/libcft/libcft.so PYTHONPATH=python /usr/bin/python3 trainer/orbit_distance.py --out trainer/results/orbit_distance.json
"""
import argparse
import itertools
import json

import numpy as np
import spglib

import cftruntime as cft

# IT number, Hall number (spglib's default = the catalogue's standard setting for these groups), cell (a, b, c, α, β, γ).
GROUPS = [(14, 81, (5.0, 6.0, 7.0, 90, 100, 90)), (62, 292, (5.0, 6.0, 7.0, 90, 90, 90)), (123, 400, (4.0, 4.0, 5.0, 90, 90, 90)),
          (194, 488, (3.0, 3.0, 5.0, 90, 90, 120)), (221, 517, (4.0, 4.0, 4.0, 90, 90, 90)), (225, 523, (5.0, 5.0, 5.0, 90, 90, 90))]


def lattice_matrix(a, b, c, alpha, beta, gamma):
    """Rows = cell vectors (Å), a along x."""
    al, be, ga = np.radians([alpha, beta, gamma])
    v2 = [b * np.cos(ga), b * np.sin(ga), 0.0]
    cx = c * np.cos(be)
    cy = c * (np.cos(al) - np.cos(be) * np.cos(ga)) / np.sin(ga)
    return np.array([[a, 0.0, 0.0], v2, [cx, cy, np.sqrt(c * c - cx * cx - cy * cy)]])


def min_image(frac, lattice):
    """|L d| minimised over lattice vectors (d [n, 3] fractional), in Å."""
    d = frac - np.round(frac)
    shifts = np.array(list(itertools.product((-1, 0, 1), repeat=3)), dtype=float)
    cart = (d[:, None, :] + shifts[None, :, :]) @ lattice
    return np.sqrt((cart ** 2).sum(-1)).min(axis=1)


def rank(v):
    order = np.argsort(v)
    r = np.empty(len(v))
    r[order] = np.arange(len(v))
    return r


def spearman(a, b):
    return float(np.corrcoef(rank(a), rank(b))[0, 1])


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pairs", type=int, default=4000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", required=True)
    args = p.parse_args()
    rng = np.random.default_rng(args.seed)
    hkl = cft.frequencies()
    rows = []
    for number, hall, cell in GROUPS:
        sym = spglib.get_symmetry_from_database(hall)
        rotations, translations = sym["rotations"].astype(float), sym["translations"]
        lattice = lattice_matrix(*cell)
        inverse = np.linalg.inv(lattice)
        n = args.pairs

        def orbit_distance(x, y):
            images = np.einsum("gij,nj->gni", rotations, x) + translations[:, None, :]
            return np.stack([min_image(images[g] - y, lattice) for g in range(len(rotations))]).min(axis=0)

        def near(x, image):
            """y = (A_g x + t_g for a random g, or x itself) + a random displacement of 0 to 1.5 Å."""
            g = rng.integers(len(rotations), size=n) if image else np.zeros(n, dtype=int)
            direction = rng.normal(size=(n, 3))
            step = direction / np.linalg.norm(direction, axis=1)[:, None] * rng.uniform(0, 1.5, size=(n, 1))
            y = np.einsum("nij,nj->ni", rotations[g], x) + translations[g] + step @ inverse
            return y - np.floor(y)

        def encoding(points, group):
            s = cft.evaluate_basis(group, hkl, points)  # [frequencies, n] complex
            return np.concatenate([s.real, s.imag]).T

        def distances(x, y):
            return (np.linalg.norm(encoding(x, str(number)) - encoding(y, str(number)), axis=1),
                    np.linalg.norm(encoding(x, "1") - encoding(y, "1"), axis=1))

        row = {"group": number, "hall": hall, "order": len(rotations), "cell": list(cell), "pairs": n}
        # Pairs near each other's orbit (another image of x, displaced): what the encodings should call close.
        x = rng.random((n, 3))
        y = near(x, image=True)
        d_orbit = orbit_distance(x, y)
        f_cft, f_plain = distances(x, y)
        row.update(near_cft_spearman=spearman(f_cft, d_orbit), near_plain_spearman=spearman(f_plain, d_orbit),
                   near_orbit_distance_max=float(d_orbit.max()))
        # Uniform random pairs.
        x, y = rng.random((n, 3)), rng.random((n, 3))
        d_orbit = orbit_distance(x, y)
        f_cft, f_plain = distances(x, y)
        row.update(random_cft_spearman=spearman(f_cft, d_orbit), random_plain_spearman=spearman(f_plain, d_orbit))
        # Sanity check of the plain encoding: it does follow the plain distance |x − y| (y = x displaced).
        x = rng.random((n, 3))
        y = near(x, image=False)
        _, f_plain = distances(x, y)
        row.update(plain_vs_cell_distance_spearman=spearman(f_plain, min_image(x - y, lattice)))
        rows.append(row)
        print(json.dumps(row))
    with open(args.out, "w") as f:
        json.dump({"frequencies": int(len(hkl)), "seed": args.seed, "groups": rows}, f, indent=1)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Tensor training data: one CSV (material_id, cif) for `cft featurize` and one JSON of target tensors per dataset,
each tensor in the Cartesian frame of the CIF written here (its cell with a along x and b in the xy plane, the frame
`cft` gives a CIF). `cft featurize --tensor-basis KIND` then records the rotation from that frame to the model frame
(frame_rotation), with which the trainer turns the targets.

  /usr/bin/python3 trainer/tensor_data.py --shared ../shared/data --out trainer/runs/data

Frames of the sources (../shared/data/README.md, sections 8-10, and checked again by the trainer):
  dielectric    e_electronic / e_total: the frame of the `poscar` lattice vectors: the structure is written from the
                POSCAR and the tensor turned into the written cell's frame.
  piezoelectric the standard orientation of the conventional cell (spglib, a along x, b in xy): the structure is
  mp_elastic    written as spglib's standardised conventional cell, whose frame that is.
"""
import argparse
import csv
import io
import json
import os
import sys
import warnings

import numpy as np

warnings.filterwarnings("ignore")
csv.field_size_limit(1 << 30)

VOIGT = [(0, 0), (1, 1), (2, 2), (1, 2), (0, 2), (0, 1)]


def from_parameters(lattice_rows):
    """The same cell with a along x and b in the xy plane (as runtime/Crystals/Lattice.FromParameters)."""
    a, b, c = (np.linalg.norm(v) for v in lattice_rows)
    ca = np.dot(lattice_rows[1], lattice_rows[2]) / (b * c)
    cb = np.dot(lattice_rows[0], lattice_rows[2]) / (a * c)
    cg = np.dot(lattice_rows[0], lattice_rows[1]) / (a * b)
    sg = np.sqrt(1 - cg * cg)
    cx, cy = c * cb, c * (ca - cb * cg) / sg
    return np.array([[a, 0, 0], [b * cg, b * sg, 0], [cx, cy, np.sqrt(c * c - cx * cx - cy * cy)]])


def rotation_between(from_rows, to_rows):
    """R with to = R from for the cell vectors (columns), made exactly orthogonal (polar decomposition)."""
    r = to_rows.T @ np.linalg.inv(from_rows.T)
    u, _, vt = np.linalg.svd(r)
    return u @ vt


def full_tensor(kind, m):
    m = np.asarray(m, float)
    if kind == "dielectric":
        return m
    if kind == "piezoelectric":
        t = np.zeros((3, 3, 3))
        for i in range(3):
            for J, (j, k) in enumerate(VOIGT):
                t[i, j, k] = t[i, k, j] = m[i, J]
        return t
    t = np.zeros((3, 3, 3, 3))
    for I, (i, j) in enumerate(VOIGT):
        for J, (k, l) in enumerate(VOIGT):
            for a, b in ((i, j), (j, i)):
                for c, d in ((k, l), (l, k)):
                    t[a, b, c, d] = m[I, J]
    return t


def matrix_form(kind, t):
    if kind == "dielectric":
        return t
    if kind == "piezoelectric":
        return np.array([[t[i, j, k] for (j, k) in VOIGT] for i in range(3)])
    return np.array([[t[i, j, k, l] for (k, l) in VOIGT] for (i, j) in VOIGT])


def rotate(kind, m, r):
    """The tensor (matrix form) in the frame v' = r v."""
    t = full_tensor(kind, m)
    for axis in range(t.ndim):
        t = np.moveaxis(np.tensordot(r, t, axes=([1], [axis])), 0, axis)
    return matrix_form(kind, t)


def cif_text(name, rows, fractional, symbols):
    a, b, c = (np.linalg.norm(v) for v in rows)
    angle = lambda u, v: np.degrees(np.arccos(np.clip(np.dot(u, v) / np.linalg.norm(u) / np.linalg.norm(v), -1, 1)))
    out = io.StringIO()
    out.write(f"data_{name}\n_symmetry_space_group_name_H-M 'P 1'\n")
    out.write(f"_cell_length_a {a:.10f}\n_cell_length_b {b:.10f}\n_cell_length_c {c:.10f}\n")
    out.write(f"_cell_angle_alpha {angle(rows[1], rows[2]):.10f}\n_cell_angle_beta {angle(rows[0], rows[2]):.10f}\n_cell_angle_gamma {angle(rows[0], rows[1]):.10f}\n")
    out.write("loop_\n_symmetry_equiv_pos_as_xyz\n'x, y, z'\nloop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n_atom_site_occupancy\n")
    for n, (s, f) in enumerate(zip(symbols, fractional)):
        out.write(f"{s}{n + 1} {s} {f[0] % 1:.10f} {f[1] % 1:.10f} {f[2] % 1:.10f} 1\n")
    return out.getvalue()


def standard_cell(structure, symprec=0.01):
    import spglib
    cell = (structure.lattice.matrix, structure.frac_coords, [site.specie.Z for site in structure])
    lattice, positions, numbers = spglib.standardize_cell(cell, to_primitive=False, no_idealize=False, symprec=symprec)
    from pymatgen.core import Element
    return np.array(lattice), np.array(positions), [Element.from_Z(int(z)).symbol for z in numbers]


def build(kind, rows_in, shared, tensor_columns):
    from pymatgen.core import Structure
    from pymatgen.io.vasp import Poscar
    written, targets = [], {}
    for row in rows_in:
        mid = row["material_id"]
        if kind == "dielectric":
            structure = Poscar.from_string(row["poscar"]).structure
            rows = structure.lattice.matrix
            standard = from_parameters(rows)
            r = rotation_between(rows, standard)
            symbols = [site.specie.symbol for site in structure]
            text = cif_text(mid, standard, structure.frac_coords, symbols)
            tensors = {c: rotate(kind, json.loads(row[c]), r).tolist() for c in tensor_columns}
        else:
            structure = Structure.from_str(row["cif"], fmt="cif") if hasattr(Structure, "from_str") else Structure.from_string(row["cif"], fmt="cif")
            lattice, positions, symbols = standard_cell(structure)
            text = cif_text(mid, from_parameters(lattice), positions, symbols)
            tensors = {c: json.loads(row[c]) for c in tensor_columns}
        written.append({"material_id": mid, "cif": text})
        targets[mid] = tensors
    return written, targets


DATASETS = {
    "dielectric": ("dielectric", ["e_electronic", "e_total"]),
    "piezoelectric": ("piezoelectric", ["piezoelectric_tensor"]),
    "mp_elastic": ("elastic", ["elastic_tensor"]),
}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--shared", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data"))
    p.add_argument("--out", required=True)
    p.add_argument("--datasets", default=",".join(DATASETS))
    args = p.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for name in args.datasets.split(","):
        kind, columns = DATASETS[name]
        with open(os.path.join(args.shared, name, "data.csv"), newline="") as f:
            rows = list(csv.DictReader(f))
        written, targets = build(kind, rows, args.shared, columns)
        with open(os.path.join(args.out, f"{name}-tensors.csv"), "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=["material_id", "cif"], lineterminator="\n")
            w.writeheader()
            w.writerows(written)
        with open(os.path.join(args.out, f"{name}-tensors.json"), "w") as f:
            json.dump({"kind": kind, "frame": "the written CIF's cell, a along x, b in the xy plane", "tensors": targets}, f)
        print(f"{name}: {len(written)} structures, tensors {', '.join(columns)} ({kind})", file=sys.stderr)


if __name__ == "__main__":
    main()

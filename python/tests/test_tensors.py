"""Tensor models from Python (Model.tensor_shape, Model.predict_tensor): the tensor obeys the crystal's point group
exactly and turns with the structure's frame."""
import numpy as np
import pytest

import cftruntime as cft

ase_build = pytest.importorskip("ase.build")




def rotation(ax, ay, az):
    cx, sx, cy, sy, cz, sz = np.cos(ax), np.sin(ax), np.cos(ay), np.sin(ay), np.cos(az), np.sin(az)
    rx = np.array([[1, 0, 0], [0, cx, -sx], [0, sx, cx]])
    ry = np.array([[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]])
    rz = np.array([[cz, -sz, 0], [sz, cz, 0], [0, 0, 1]])
    return rz @ ry @ rx


def turn(atoms, r):
    out = atoms.copy()
    out.set_cell(atoms.cell.array @ r.T, scale_atoms=True)
    return out


def test_a_scalar_model_has_no_tensor_shape():
    with cft.Model() as m:
        assert m.tensor_shape is None
        with pytest.raises(cft.ArgumentError):
            m.predict_tensor(ase_build.bulk("NaCl", "rocksalt", a=5.64))


def test_cubic_dielectric_is_exactly_isotropic_in_any_frame():
    nacl = ase_build.bulk("NaCl", "rocksalt", a=5.64)
    with cft.Model("dielectric-e_electronic") as m:
        assert m.tensor_shape == (3, 3)
        p = m.predict_tensor([nacl, turn(nacl, rotation(0.3, -0.8, 1.4))])
    for t in p.tensors:
        assert t[0, 0] == t[1, 1] == t[2, 2] > 1
        assert np.count_nonzero(t - np.diag(np.diag(t))) == 0
    assert p.tensors.shape == (2, 3, 3) and p.std.shape == (2, 3, 3)


def test_centrosymmetric_piezoelectric_is_exactly_zero_and_a_polar_one_turns_with_the_frame():
    nacl = ase_build.bulk("NaCl", "rocksalt", a=5.64)
    zno = ase_build.bulk("ZnO", "wurtzite", a=3.25, c=5.21)
    r = rotation(0.9, 0.2, -0.5)
    with cft.Model("piezoelectric-piezoelectric_tensor") as m:
        assert m.tensor_shape == (3, 6)
        p = m.predict_tensor([nacl, zno, turn(zno, r)])
    assert np.all(p.tensors[0] == 0) and np.all(p.std[0] == 0)
    assert np.count_nonzero(p.tensors[1]) > 0
    # e_ijk of the turned structure = R R R e (Voigt columns 11 22 33 23 13 12, e_iJ = e_ijk).
    voigt = [(0, 0), (1, 1), (2, 2), (1, 2), (0, 2), (0, 1)]
    full = np.zeros((3, 3, 3))
    for i in range(3):
        for J, (j, k) in enumerate(voigt):
            full[i, j, k] = full[i, k, j] = p.tensors[1][i, J]
    rotated = np.einsum("ai,bj,ck,ijk->abc", r, r, r, full)
    expected = np.array([[rotated[i, j, k] for (j, k) in voigt] for i in range(3)])
    assert np.allclose(p.tensors[2], expected, atol=1e-6 * np.abs(expected).max())

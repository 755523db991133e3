"""Every function of the cftruntime API, against the CLI and against the definitions."""
import ctypes
import json
import os
import subprocess

import numpy as np
import pytest

import cftruntime as cft


def run_cli(cli, *args):
    result = subprocess.run([cli, *args], capture_output=True, text=True, timeout=300)
    return result.returncode, result.stdout, result.stderr


def test_version_is_the_library_version():
    assert cft.__version__ == ".".join(cft.library_version().split(".")[:3])


def test_package_carries_its_library_and_models():
    if os.environ.get("CFT_LIBRARY"):
        pytest.skip("CFT_LIBRARY points at a library outside the package")
    lib = os.path.join(os.path.dirname(cft.__file__), "_lib")
    assert os.path.exists(os.path.join(lib, "libcft.so"))
    assert os.path.exists(os.path.join(lib, "libonnxruntime.so"))
    assert len([f for f in os.listdir(os.path.join(lib, "models")) if f.endswith(".onnx")]) == len(cft.models())


def test_structure_keeps_arrays_contiguous_and_typed():
    s = cft.Structure(np.eye(3) * 4.0, [11, 17], [[0, 0, 0], [0.5, 0.5, 0.5]], id="NaCl-ish")
    assert s.lattice.dtype == np.float64 and s.numbers.dtype == np.int32 and s.positions.shape == (2, 3)
    assert len(s) == 2 and "NaCl-ish" in repr(s)


@pytest.mark.parametrize("lattice, numbers, positions, fragment", [
    (np.eye(2), [1], [[0, 0, 0]], "lattice must be 3×3"),
    (np.eye(3), [], np.zeros((0, 3)), "no atoms"),
    (np.eye(3), [1, 1], [[0, 0, 0]], "positions must be 2×3"),
    (np.eye(3), [[1]], [[0, 0, 0]], "one atomic number per atom"),
    (np.eye(3), [1], [[np.nan, 0, 0]], "not a finite number"),
    (np.eye(3) * np.inf, [1], [[0, 0, 0]], "lattice has a value that is not a finite number"),
    (np.eye(3), [0], [[0, 0, 0]], "not an atomic number"),
    (np.eye(3), [119], [[0, 0, 0]], "not an atomic number"),
    (np.eye(3), [1.5], [[0, 0, 0]], "must be integers"),
])
def test_bad_structures_raise_argument_errors(lattice, numbers, positions, fragment):
    with pytest.raises(cft.ArgumentError, match=fragment) as e:
        cft.Structure(lattice, numbers, positions)
    assert e.value.code == cft.STATUS_CODES["CFT_ERROR_ARGUMENT"]
    assert isinstance(e.value, ValueError)


def test_read_cif_poscar_and_csv(examples):
    [lfp] = cft.read(os.path.join(examples, "LiFePO4.cif"))
    assert lfp.id == "LiFePO4" and len(lfp) == 28
    [poscar] = cft.read(os.path.join(examples, "POSCAR-227"))
    assert cft.symmetry(poscar).number == 227
    rows = cft.read(os.path.join(examples, "perov_5_sample.csv"))
    assert len(rows) > 10 and all(len(s) == 5 for s in rows)
    assert all("heat_ref" in s.targets for s in rows)


def test_read_errors_name_the_file(tmp_path, examples):
    with pytest.raises(cft.ArgumentError, match="no such file"):
        cft.read(tmp_path / "missing.cif")
    bad = tmp_path / "bad.cif"
    bad.write_text("data_x\n_cell_length_a 4\n")
    with pytest.raises(cft.ArgumentError, match="bad.cif"):
        cft.read(bad)
    assert cft.read(bad, errors="skip") == []
    with pytest.raises(cft.ArgumentError):
        cft.read(bad, errors="ignore")


def test_read_equals_the_clis_symmetry(cli, examples):
    path = os.path.join(examples, "garnet.cif")
    code, out, err = run_cli(cli, "symmetry", path, "--json")
    assert code == 0, err
    expected = json.loads(out.splitlines()[0])
    [garnet] = cft.read(path)
    sym = cft.symmetry(garnet)
    assert sym.number == expected["number"] and sym.hm == expected["hm"] and sym.setting == expected["setting"]
    assert np.allclose(sym.cell, expected["cell"], atol=1e-9)
    assert [s.element for s in sym.sites] == [s["element"] for s in expected["sites"]]
    assert np.allclose([s.position for s in sym.sites], [s["xyz"] for s in expected["sites"]], atol=1e-12)
    assert [s.multiplicity for s in sym.sites] == [s["multiplicity"] for s in expected["sites"]]


def test_symmetry_of_silicon(examples):
    [si] = cft.read(os.path.join(examples, "abinit__si.cif"))
    sym = cft.symmetry(si, tolerance=0.01)
    assert (sym.number, sym.order) == (227, 192)
    assert sym.hm.startswith("Fd-3m")
    assert len(sym.sites) == 1 and sym.sites[0].multiplicity == 8
    assert sym.lattice.shape == (3, 3) and abs(sym.lattice[0, 1]) < 1e-12 and abs(sym.lattice[0, 2]) < 1e-12
    with pytest.raises(cft.ArgumentError, match="tolerance"):
        cft.symmetry(si, tolerance=-1)


def test_symmetry_failure_is_a_symmetry_error():
    # Two atoms 0.001 Å apart: spglib refuses the cell.
    s = cft.Structure(np.eye(3) * 5, [8, 8], [[0, 0, 0], [0.0002, 0, 0]])
    with pytest.raises(cft.SymmetryError):
        cft.symmetry(s)


def test_featurize_equals_the_clis_features(cli, examples, tmp_path):
    path = os.path.join(examples, "LiFePO4.cif")
    out = tmp_path / "f.npz"
    code, _, err = run_cli(cli, "featurize", path, "--out", str(out))
    assert code == 0, err
    expected = np.load(out)
    [s] = cft.read(path)
    f = cft.featurize(s)
    assert f.features.dtype == np.float32 and f.features.shape == expected["features"].shape
    # The CLI reduces the CIF's own symmetry, the package standardises the full cell: the same cell, rounding apart.
    assert np.allclose(f.features, expected["features"], atol=1e-6)
    assert np.array_equal(f.numbers, expected["atomic_number"])
    assert np.array_equal(f.multiplicity, expected["multiplicity"])
    assert np.allclose(f.positions, expected["positions"], atol=1e-9)
    assert np.array_equal(f.frequencies, expected["frequencies"])
    assert f.features.shape[1] == 2 * len(f.frequencies) == 728


def test_featurize_with_a_given_group_uses_the_sites_as_given():
    # Rock salt as unique sites in Fm-3m (225): one row per given site, multiplicity 4.
    s = cft.Structure(np.eye(3) * 5.64, [11, 17], [[0, 0, 0], [0.5, 0.5, 0.5]])
    f = cft.featurize(s, space_group=225)
    assert f.features.shape == (2, 728) and f.multiplicity.tolist() == [4, 4]
    with pytest.raises(cft.UnknownGroupError):
        cft.featurize(s, space_group=231)


def test_models_lists_the_shipped_models():
    ms = cft.models()
    names = [m.name for m in ms]
    assert "cmr_perovskites-e_form" in names and "carbon_24-energy_per_atom" in names
    for m in ms:
        assert m.property and m.unit and m.metrics.get("test", {}).get("count", 0) > 0
        assert "atoms_per_primitive_cell" in m.domain
        assert m.metadata["cft.layout"] == "cft-cube-half/K=4/F=728"
    with pytest.raises(cft.ModelError):
        cft.models("/nonexistent-folder")


@pytest.mark.parametrize("name", [None, "carbon_24-energy_per_atom", "mp_elastic-K_Voigt"])
def test_predictions_equal_the_clis(cli, examples, name):
    files = [os.path.join(examples, f) for f in ("Li2O.cif", "abinit__si.cif", "LiFePO4.cif", "garnet.cif")]
    with cft.Model(name) as m:
        args = ["predict", *files, "--format", "json", "--model", m.name]
        code, out, err = run_cli(cli, *args)
        assert code == 0, err
        expected = [json.loads(line) for line in out.splitlines()]
        structures = [s for f in files for s in cft.read(f)]
        r = m.predict(structures)
    assert r.unit == expected[0]["unit"] and r.property == expected[0]["property"]
    assert [e["id"] for e in expected] == r.ids
    assert np.allclose(r.values, [e["value"] for e in expected], rtol=1e-6, atol=1e-6)
    assert np.allclose(r.std, [e["std"] for e in expected], rtol=1e-5, atol=1e-6)
    assert r.in_domain.tolist() == [e["in_domain"] for e in expected]
    assert r.notes == [e.get("domain_note", "") for e in expected]


def test_out_of_domain_structures_are_flagged(model, examples):
    structures = [s for f in ("abinit__si.cif", "Li2O.cif", "garnet.cif") for s in cft.read(os.path.join(examples, f))]
    r = model.predict(structures)
    assert not r.in_domain.any()
    assert all("trained on" in note or "embedding distance" in note for note in r.notes)
    perovskites = cft.read(os.path.join(examples, "cmr_perovskites_sample.csv"))
    inside = model.predict(perovskites)
    assert inside.in_domain.mean() > 0.9
    assert np.all(inside.std > 0)


def test_predict_accepts_one_structure_and_space_groups(model):
    s = cft.Structure(np.eye(3) * 3.9, [38, 22, 8, 8, 8], [[0, 0, 0], [.5, .5, .5], [.5, .5, 0], [.5, 0, .5], [0, .5, .5]], id="SrTiO3")
    one = model.predict(s)
    assert len(one) == 1 and np.isfinite(one.values[0])
    # The same perovskite as unique sites in Pm-3m (221), origin at Ti: Ti 1a, Sr 1b, O 3d.
    unique = cft.Structure(np.eye(3) * 3.9, [22, 38, 8], [[0, 0, 0], [.5, .5, .5], [.5, 0, 0]], id="SrTiO3-221")
    given = model.predict(unique, space_groups=[221])
    assert given.values[0] == pytest.approx(one.values[0], abs=1e-5)
    with pytest.raises(cft.ArgumentError, match="one group per structure"):
        model.predict([s, s], space_groups=[0])
    with pytest.raises(cft.UnknownGroupError):
        model.predict(unique, space_groups=[300])


def test_bad_predict_input(model):
    with pytest.raises(cft.ArgumentError, match="no structures"):
        model.predict([])
    with pytest.raises(cft.ArgumentError, match="expected a cftruntime.Structure"):
        model.predict(["not a structure"])
    with pytest.raises(cft.SymmetryError, match="structure 1: atoms overlap") as failure:
        model.predict([cft.Structure(np.eye(3) * 5, [8], [[0, 0, 0]], id="fine"),
                       cft.Structure(np.eye(3) * 5, [8, 8], [[0, 0, 0], [0.0002, 0, 0]], id="close")])
    # The failing structure comes as typed fields (cft_failed_structure), not parsed from the message.
    assert (failure.value.structure, failure.value.id) == (1, "close")
    assert "'close'" in str(failure.value)


def test_models_open_close_and_errors():
    with pytest.raises(cft.ModelError, match="no-such-model"):
        cft.Model("no-such-model")
    m = cft.Model("carbon_24-energy_per_atom")
    assert m.property == "energy_per_atom" and m.unit == "eV/atom" and "carbon" in repr(m)
    s = cft.Structure(np.eye(3) * 3.57, [6] * 8, [[0, 0, 0], [.5, .5, 0], [.5, 0, .5], [0, .5, .5], [.25, .25, .25], [.75, .75, .25], [.75, .25, .75], [.25, .75, .75]])
    assert np.isfinite(m.predict(s).values[0])
    m.close()
    m.close()  # idempotent from Python
    with pytest.raises(cft.ArgumentError, match="not an open model"):
        m.predict(s)


def test_basis_tables_agree_with_evaluation():
    b = cft.basis("Fd-3m")
    assert (b.number, b.order) == (227, 192)
    assert len(b.orbits) == 12 and len(b.extinct) > 0
    rng = np.random.default_rng(1)
    x = rng.random((5, 3))
    for o, members in enumerate(b.orbits):
        s0 = cft.evaluate_basis("Fd-3m", members[0], x)
        sm = cft.evaluate_basis("Fd-3m", members, x)
        # S_{h_m} = exp(2πi phase_m/N) S_{h_0}: the table's phases are what the definition gives.
        assert np.allclose(sm, b.factors(o)[:, None] * s0[None, :], atol=1e-12)
    assert np.allclose(cft.evaluate_basis("Fd-3m", b.extinct, x), 0, atol=1e-12)


def test_evaluate_basis_by_its_definition_in_p1_and_p_1():
    x = np.array([[0.1, 0.2, 0.3], [0.7, 0.05, 0.9]])
    h = np.array([1, -2, 3])
    assert np.allclose(cft.evaluate_basis("P1", h, x), np.exp(2j * np.pi * x @ h), atol=1e-12)
    # P-1: (e(h·x) + e(-h·x)) / 2 = cos(2π h·x).
    assert np.allclose(cft.evaluate_basis("P-1", h, x), np.cos(2 * np.pi * x @ h), atol=1e-12)


def test_basis_errors():
    with pytest.raises(cft.UnknownGroupError, match="Q42"):
        cft.basis("Q42")
    with pytest.raises(cft.UnknownGroupError):
        cft.evaluate_basis("Q42", (1, 0, 0), [[0, 0, 0]])
    with pytest.raises(cft.ArgumentError):
        cft.evaluate_basis("P1", (1, 0, 0), [[np.nan, 0, 0]])
    with pytest.raises(cft.ArgumentError):
        cft.evaluate_basis("P1", (1.5, 0, 0), [[0, 0, 0]])
    with pytest.raises(cft.ArgumentError, match="at most"):
        cft.evaluate_basis("P1", (1 << 22, 0, 0), [[0, 0, 0]])

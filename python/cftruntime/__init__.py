"""cftruntime: the Crystal Fourier Transformer runtime (libcft.so) from Python.

    import cftruntime as cft
    structures = cft.read("structures.cif")             # or cft.from_ase(atoms), cft.from_pymatgen(structure)
    result = cft.Model().predict(structures)             # the default model: cmr_perovskites-e_form
    result.values, result.std, result.in_domain, result.notes

Structures are every atom of the cell: lattice rows a, b, c in Å, atomic numbers, fractional positions. The library
finds the space group (spglib), standardises the cell and computes the G-invariant features; every function here
only translates to and from the C ABI (native/include/cft.h), whose status codes are raised as CftError subclasses.
"""
import ctypes
import os
from dataclasses import dataclass, field

import numpy as np

from . import _native
from ._errors import (ArgumentError, BufferTooSmallError, CftError, InternalError, ModelError, STATUS_CODES,
                      SymmetryError, UnknownGroupError)
from ._version import __version__

__all__ = [
    "__version__", "Structure", "read", "from_ase", "from_pymatgen", "symmetry", "Symmetry", "SymmetrySite",
    "featurize", "Features", "models", "ModelInfo", "Model", "Prediction", "TensorPrediction", "basis", "Basis", "evaluate_basis",
    "predict_atoms", "predict_pymatgen", "library_version",
    "CftError", "ArgumentError", "UnknownGroupError", "BufferTooSmallError", "SymmetryError", "InternalError", "ModelError",
    "STATUS_CODES",
]


def library_version():
    """The version of the loaded libcft.so (equal to __version__ for the wheel's own library)."""
    return _native.lib().cft_version().decode()


# ---------------------------------------------------------------------------------------------------------------
# Structures

class Structure:
    """A crystal: every atom of the cell.

    lattice: 3×3, rows a, b, c in Å. numbers: atomic numbers (n). positions: n×3 fractional coordinates.
    id: a name carried into messages. targets: known property values (e.g. a CSV's columns), if any.
    Arrays are checked here (shapes, finite values, elements 1..118) and stored as contiguous float64/int32.
    """

    __slots__ = ("lattice", "numbers", "positions", "id", "targets")

    def __init__(self, lattice, numbers, positions, id=None, targets=None):
        where = f"structure {id!r}: " if id is not None else ""
        lattice = np.ascontiguousarray(lattice, dtype=np.float64)
        if lattice.shape != (3, 3):
            raise ArgumentError(f"{where}lattice must be 3×3 (rows a, b, c in Å), got shape {lattice.shape}")
        numbers_in = np.asarray(numbers)
        if numbers_in.ndim != 1:
            raise ArgumentError(f"{where}numbers must be one atomic number per atom, got shape {numbers_in.shape}")
        if numbers_in.size and not np.issubdtype(numbers_in.dtype, np.integer):
            if not np.all(np.isfinite(numbers_in.astype(np.float64))) or np.any(numbers_in != np.round(numbers_in)):
                raise ArgumentError(f"{where}numbers must be integers (atomic numbers)")
        numbers = np.ascontiguousarray(numbers_in, dtype=np.int32)
        positions = np.ascontiguousarray(positions, dtype=np.float64)
        if numbers.size == 0:
            raise ArgumentError(f"{where}the structure has no atoms")
        if positions.shape != (numbers.size, 3):
            raise ArgumentError(f"{where}positions must be {numbers.size}×3 fractional coordinates (one row per atom), got shape {positions.shape}")
        if not np.all(np.isfinite(lattice)):
            raise ArgumentError(f"{where}lattice has a value that is not a finite number")
        if not np.all(np.isfinite(positions)):
            bad = int(np.argwhere(~np.isfinite(positions))[0][0])
            raise ArgumentError(f"{where}positions[{bad}] is not a finite number: {positions[bad].tolist()}")
        if np.any((numbers < 1) | (numbers > 118)):
            bad = int(np.argwhere((numbers < 1) | (numbers > 118))[0][0])
            raise ArgumentError(f"{where}numbers[{bad}] = {int(numbers[bad])} is not an atomic number in 1..118")
        self.lattice, self.numbers, self.positions = lattice, numbers, positions
        self.id = id
        self.targets = dict(targets or {})

    def __len__(self):
        return int(self.numbers.size)

    def __repr__(self):
        from collections import Counter
        counts = Counter(int(z) for z in self.numbers)
        formula = "".join(f"{_SYMBOLS[z]}{n if n > 1 else ''}" for z, n in sorted(counts.items()))
        return f"Structure({formula}, {len(self)} atoms{', id=' + repr(self.id) if self.id is not None else ''})"


def from_ase(atoms, id=None):
    """A Structure from an ase.Atoms (periodic cell; fractional positions wrapped into the cell)."""
    if not all(atoms.pbc):
        raise ArgumentError(f"ase.Atoms {atoms.get_chemical_formula()}: a crystal needs periodic boundaries along a, b and c (pbc = {list(atoms.pbc)})")
    if abs(atoms.cell.volume) < 1e-9:
        raise ArgumentError(f"ase.Atoms {atoms.get_chemical_formula()}: the cell has no volume")
    return Structure(np.array(atoms.cell[:]), atoms.numbers, atoms.get_scaled_positions(wrap=True),
                     id=id if id is not None else atoms.info.get("id", atoms.get_chemical_formula()))


def from_pymatgen(structure, id=None):
    """A Structure from a pymatgen Structure (ordered; a disordered site is an ArgumentError)."""
    if not structure.is_ordered:
        raise ArgumentError(f"pymatgen Structure {structure.composition.reduced_formula}: disordered sites (partial occupancy) are not supported here")
    numbers = [site.specie.Z for site in structure]
    return Structure(structure.lattice.matrix, numbers, structure.frac_coords,
                     id=id if id is not None else structure.composition.reduced_formula)


def _as_structure(x):
    if isinstance(x, Structure):
        return x
    if hasattr(x, "get_scaled_positions") and hasattr(x, "cell"):
        return from_ase(x)
    if hasattr(x, "frac_coords") and hasattr(x, "lattice"):
        return from_pymatgen(x)
    raise ArgumentError(f"expected a cftruntime.Structure, ase.Atoms or pymatgen Structure, got {type(x).__name__}")


def _as_structures(xs):
    if isinstance(xs, Structure) or hasattr(xs, "get_scaled_positions") or hasattr(xs, "frac_coords"):
        xs = [xs]
    structures = [_as_structure(x) for x in xs]
    if not structures:
        raise ArgumentError("no structures given")
    return structures


def read(path, errors="raise"):
    """The structures of a CIF (every data block), POSCAR or CSV (a `cif` column) file, every atom of each cell.

    errors="raise": a structure that cannot be read raises ArgumentError naming it; "skip": it is left out.
    """
    if errors not in ("raise", "skip"):
        raise ArgumentError(f"errors must be 'raise' or 'skip', got {errors!r}")
    items = _native.call_json("cft_read", os.fsencode(os.fspath(path)))
    out = []
    for item in items:
        if "error" in item:
            if errors == "raise":
                raise ArgumentError(f"{item['file']}: {item['error']}")
            continue
        out.append(Structure(item["lattice"], item["numbers"], item["positions"], id=item["id"],
                             targets={k: (np.nan if v is None else v) for k, v in item.get("targets", {}).items()}))
    return out


# ---------------------------------------------------------------------------------------------------------------
# Symmetry and features

@dataclass(frozen=True)
class SymmetrySite:
    """A unique (Wyckoff) site of the standardised cell."""
    element: str
    number: int
    position: np.ndarray
    multiplicity: int
    occupancy: float


@dataclass(frozen=True)
class Symmetry:
    """The space group of a structure and its cell standardised to the group's ITA standard setting."""
    number: int
    hm: str
    setting: str
    order: int
    cell: tuple
    lattice: np.ndarray
    sites: list


def symmetry(structure, tolerance=0.01):
    """Space group (spglib at `tolerance` Å), standard setting, standardised lattice and unique Wyckoff sites."""
    s = _as_structure(structure)
    if not (tolerance > 0 and np.isfinite(tolerance)):
        raise ArgumentError(f"tolerance must be a positive number of Å, got {tolerance}")
    d = _native.call_json("cft_symmetry", _native.pointer(s.lattice, ctypes.c_double), len(s), _native.pointer(s.numbers, ctypes.c_int32),
                          _native.pointer(s.positions, ctypes.c_double), float(tolerance))
    sites = [SymmetrySite(x["element"], x["number"], np.array(x["xyz"]), x["multiplicity"], x["occupancy"]) for x in d["sites"]]
    return Symmetry(d["number"], d["hm"], d["setting"], d["order"], tuple(d["cell"]), np.array(d["lattice"]), sites)


_frequencies = None


def frequencies():
    """The (h, k, l) of the feature columns: column 2j is Re and 2j+1 is Im of frequency j; an int32 array [F/2, 3]."""
    global _frequencies
    if _frequencies is None:
        count = ctypes.c_int32()
        status = _native.lib().cft_feature_frequencies(None, 0, ctypes.byref(count))
        if status not in (0, STATUS_CODES["CFT_ERROR_BUFFER_TOO_SMALL"]):
            _native.call("cft_feature_frequencies", None, 0, ctypes.byref(count))
        hkl = np.empty((count.value, 3), dtype=np.int32)
        _native.call("cft_feature_frequencies", _native.pointer(hkl, ctypes.c_int32), count.value, ctypes.byref(count))
        hkl.setflags(write=False)
        _frequencies = hkl
    return _frequencies


@dataclass(frozen=True)
class Features:
    """The G-invariant features of a structure, one row per unique site of its standardised cell."""
    features: np.ndarray      # float32 [sites, F]
    multiplicity: np.ndarray  # int32 [sites]: Wyckoff multiplicity in the standard cell
    numbers: np.ndarray       # int32 [sites]
    positions: np.ndarray     # float64 [sites, 3]: fractional, standard cell
    frequencies: np.ndarray   # int32 [F/2, 3]


def featurize(structure, space_group=0):
    """Features of one structure. space_group=0: detect and standardise (spglib); N: the structure's atoms are the
    unique sites in the ITA standard setting of N, used as given."""
    s = _as_structure(structure)
    f = len(frequencies()) * 2
    n = len(s)
    out = np.empty((n, f), dtype=np.float32)
    numbers = np.empty(n, dtype=np.int32)
    multiplicity = np.empty(n, dtype=np.int32)
    positions = np.empty((n, 3), dtype=np.float64)
    rows = ctypes.c_int32()
    _native.call("cft_featurize_ex", int(space_group), _native.pointer(s.lattice, ctypes.c_double), n, _native.pointer(s.numbers, ctypes.c_int32),
                 _native.pointer(s.positions, ctypes.c_double), _native.pointer(out, ctypes.c_float), out.size, ctypes.byref(rows),
                 _native.pointer(numbers, ctypes.c_int32), _native.pointer(multiplicity, ctypes.c_int32), _native.pointer(positions, ctypes.c_double), n)
    r = rows.value
    return Features(out[:r], multiplicity[:r], numbers[:r], positions[:r], frequencies())


# ---------------------------------------------------------------------------------------------------------------
# Models

@dataclass(frozen=True)
class ModelInfo:
    """A trained model as its metadata describes it (no session built)."""
    name: str
    file: str
    property: str
    unit: str
    data: str
    domain: dict
    metrics: dict
    metadata: dict = field(repr=False)


def _model_info(d):
    return ModelInfo(d["name"], d["file"], d["property"], d["unit"], d["data"], d.get("domain") or {}, d.get("metrics") or {}, d["metadata"])


def models(directory=None):
    """The shipped models (or those in `directory`), with property, unit, domain and test metrics."""
    arg = None if directory is None else os.fsencode(os.fspath(directory))
    return [_model_info(d) for d in _native.call_json("cft_models", arg)]


@dataclass(frozen=True)
class Prediction:
    """Predictions for n structures: values and std (ensemble spread) in `unit`; in_domain False where the model
    cannot vouch for the value, with the reason in notes ("" where in domain)."""
    values: np.ndarray     # float64 [n]
    std: np.ndarray        # float64 [n]; NaN for a model without an ensemble
    in_domain: np.ndarray  # bool [n]
    notes: list            # str [n]
    property: str
    unit: str
    model: str
    ids: list

    def __len__(self):
        return len(self.values)


@dataclass(frozen=True)
class TensorPrediction:
    """A tensor model's predictions for n structures: tensors [n, rows, columns] (3×3 dielectric; 6×6 Voigt elastic,
    C_IJ = C_ijkl; 3×6 piezoelectric, e_iJ = e_ijk) in each structure's own Cartesian frame (its lattice rows as
    given, e.g. ase.Atoms.cell), exactly obeying its point group; std the ensemble spread per entry."""
    tensors: np.ndarray    # float64 [n, rows, columns]
    std: np.ndarray        # float64 [n, rows, columns]
    in_domain: np.ndarray  # bool [n]
    notes: list            # str [n]
    property: str
    unit: str
    model: str
    ids: list

    def __len__(self):
        return len(self.tensors)


class Model:
    """A trained model: Model() is the default shipped model, Model("name") a shipped one, Model("path.onnx") a file.

    Thread-safe: several Python threads may call predict on one model (the GIL is released in the library).
    Close it with close() or a `with` block; a closed model raises ArgumentError.
    """

    def __init__(self, name=None):
        handle = ctypes.c_void_p()
        arg = None if name is None else os.fsencode(os.fspath(name))
        _native.call("cft_model_open", arg, ctypes.byref(handle))
        self._handle = handle.value
        self._closed_handle = None
        info = _native.call_json("cft_model_metadata", ctypes.c_void_p(self._handle))
        self.info = _model_info(info)

    name = property(lambda self: self.info.name, doc="The model's name (its file name without .onnx).")
    unit = property(lambda self: self.info.unit, doc="The unit of its predictions.")
    domain = property(lambda self: self.info.domain, doc="Its domain of applicability (from its metadata).")
    metrics = property(lambda self: self.info.metrics, doc="Its test metrics (from its metadata).")

    def __repr__(self):
        return f"Model({self.info.name!r}: {self.info.property} in {self.info.unit}{', closed' if self._handle is None else ''})"

    def _current_handle(self):
        # A closed model passes its old handle on: the library answers CFT_ERROR_ARGUMENT ("not an open model").
        return ctypes.c_void_p(self._handle if self._handle is not None else self._closed_handle)

    @property
    def tensor_shape(self):
        """(rows, columns) of a tensor model's prediction (see predict_tensor), None for a scalar model."""
        rows, columns = ctypes.c_int32(), ctypes.c_int32()
        _native.call("cft_model_tensor", self._current_handle(), ctypes.byref(rows), ctypes.byref(columns))
        return (rows.value, columns.value) if rows.value else None

    def predict_tensor(self, structures, space_groups=None):
        """A tensor model's predictions (TensorPrediction) for one structure or a list; arguments as predict()."""
        shape = self.tensor_shape
        if shape is None:
            raise ArgumentError(f"{self.info.name} predicts a scalar ({self.info.property}); use predict()")
        ss, _arrays, args = self._inputs(structures, space_groups)
        n = len(ss)
        tensors = np.empty((n,) + shape, dtype=np.float64)
        std = np.empty((n,) + shape, dtype=np.float64)
        in_domain = np.empty(n, dtype=np.int32)
        lib = _native.lib()
        status = lib.cft_predict_tensor(self._current_handle(), n, *args, _native.pointer(tensors, ctypes.c_double),
                                        _native.pointer(std, ctypes.c_double), _native.pointer(in_domain, ctypes.c_int32))
        self._check(status, ss)
        notes = [lib.cft_domain_note(i).decode("utf-8", "replace") for i in range(n)]
        return TensorPrediction(tensors, std, in_domain.astype(bool), notes, self.info.property, self.info.unit, self.info.name, [s.id for s in ss])

    def _inputs(self, structures, space_groups):
        ss = _as_structures(structures)
        n = len(ss)
        counts = np.array([len(s) for s in ss], dtype=np.int32)
        lattices = np.ascontiguousarray(np.stack([s.lattice for s in ss]).reshape(n, 9))
        numbers = np.ascontiguousarray(np.concatenate([s.numbers for s in ss]))
        positions = np.ascontiguousarray(np.concatenate([s.positions for s in ss]))
        groups = None
        if space_groups is not None:
            groups = np.ascontiguousarray(space_groups, dtype=np.int32)
            if groups.shape != (n,):
                raise ArgumentError(f"space_groups must hold one group per structure ({n}), got shape {groups.shape}")
        # The arrays themselves are returned too: the caller holds them while the library reads them.
        return ss, (lattices, counts, numbers, positions, groups), (_native.pointer(lattices, ctypes.c_double), _native.pointer(counts, ctypes.c_int32),
                    _native.pointer(numbers, ctypes.c_int32), _native.pointer(positions, ctypes.c_double),
                    _native.pointer(groups, ctypes.c_int32))

    def _check(self, status, ss):
        if status != 0:
            n = len(ss)
            message = _native.last_error()
            failed = _native.lib().cft_failed_structure()
            from ._errors import raise_for_status
            raise_for_status(status, message, structure=failed if 0 <= failed < n else None,
                             id=ss[failed].id if 0 <= failed < n else None)

    def predict(self, structures, space_groups=None):
        """Predictions for one structure or a list (Structure, ase.Atoms or pymatgen Structure).

        space_groups (optional, one per structure): 0 = detect (default); N = the structure's atoms are the unique
        sites in the ITA standard setting of N. For a tensor model the values are its main derived scalar
        (dielectric: mean eigenvalue; elastic: K_Voigt; piezoelectric: largest longitudinal coefficient); predict_tensor
        gives the tensors."""
        ss, _arrays, args = self._inputs(structures, space_groups)
        n = len(ss)
        values = np.empty(n, dtype=np.float64)
        std = np.empty(n, dtype=np.float64)
        in_domain = np.empty(n, dtype=np.int32)
        lib = _native.lib()
        status = lib.cft_predict_ex(self._current_handle(), n, *args, _native.pointer(values, ctypes.c_double),
                                    _native.pointer(std, ctypes.c_double), _native.pointer(in_domain, ctypes.c_int32))
        self._check(status, ss)
        notes = [lib.cft_domain_note(i).decode("utf-8", "replace") for i in range(n)]
        return Prediction(values, std, in_domain.astype(bool), notes, self.info.property, self.info.unit, self.info.name, [s.id for s in ss])

    def close(self):
        """Releases the model (idempotent from Python; the library is told once)."""
        if self._handle is not None:
            handle, self._handle = self._handle, None
            self._closed_handle = handle
            _native.call("cft_model_close", ctypes.c_void_p(handle))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            if getattr(self, "_handle", None) is not None:
                self.close()
        except Exception:
            pass

    # Last in the class body: it shadows the builtin `property` from here on.
    property = property(lambda self: self.info.property, doc="The predicted property (the dataset column, e.g. e_form).")


def predict_atoms(atoms_list, model=None):
    """Screening loops over ase.Atoms: predictions for a list of Atoms with one model (a name, a path, a Model, or
    None for the default). The result's ids are the Atoms' chemical formulas (or atoms.info['id'])."""
    return _predict_with(model, [from_ase(a) for a in ([atoms_list] if hasattr(atoms_list, "get_scaled_positions") else atoms_list)])


def predict_pymatgen(structures, model=None):
    """As predict_atoms, for pymatgen Structures."""
    return _predict_with(model, [from_pymatgen(s) for s in ([structures] if hasattr(structures, "frac_coords") else structures)])


def _predict_with(model, structures):
    if isinstance(model, Model):
        return model.predict(structures)
    with Model(model) as m:
        return m.predict(structures)


# ---------------------------------------------------------------------------------------------------------------
# The symmetry-adapted basis

@dataclass(frozen=True)
class Basis:
    """The compiled basis of a space-group setting at the cutoff K: non-extinct orbits (members and phases: member m
    of an orbit has S_{h_m} = exp(2πi phase_m / phase_denominator) S_{h_0}) and the extinct frequencies."""
    group: str
    number: int
    order: int
    phase_denominator: int
    orbits: list         # per orbit: int32 [members, 3]
    phases: list         # per orbit: int32 [members], numerators over phase_denominator
    extinct: np.ndarray  # int32 [e, 3]

    def factors(self, orbit):
        """exp(2πi phase / N) of the orbit's members (complex)."""
        return np.exp(2j * np.pi * self.phases[orbit] / self.phase_denominator)


def basis(group):
    """The basis of a setting ("227", "Fd-3m", "Fd-3m:1", a Hall symbol, ...)."""
    g = str(group).encode()
    number, order = ctypes.c_int32(), ctypes.c_int32()
    _native.call("cft_group_find", g, ctypes.byref(number), ctypes.byref(order))
    no, nm, ne, den = ctypes.c_int32(), ctypes.c_int32(), ctypes.c_int32(), ctypes.c_int32()
    _native.call("cft_basis_size", g, ctypes.byref(no), ctypes.byref(nm), ctypes.byref(ne), ctypes.byref(den))
    start = np.empty(no.value + 1, dtype=np.int32)
    hkl = np.empty((nm.value, 3), dtype=np.int32)
    phase = np.empty(nm.value, dtype=np.int32)
    extinct = np.empty((ne.value, 3), dtype=np.int32)
    _native.call("cft_basis_table", g, _native.pointer(start, ctypes.c_int32), start.size, _native.pointer(hkl, ctypes.c_int32),
                 _native.pointer(phase, ctypes.c_int32), nm.value, _native.pointer(extinct, ctypes.c_int32), ne.value)
    orbits = [hkl[start[o]:start[o + 1]] for o in range(no.value)]
    phases = [phase[start[o]:start[o + 1]] for o in range(no.value)]
    return Basis(str(group), number.value, order.value, den.value, orbits, phases, extinct)


def evaluate_basis(group, hkl, points):
    """S_h(x) = (1/|G|) Σ_g exp(2πi h·(A_g x + t_g)) at fractional points [n, 3] for one frequency h (3 ints) or
    several [m, 3]: a complex array [n] or [m, n]."""
    g = str(group).encode()
    pts = np.ascontiguousarray(points, dtype=np.float64)
    if pts.ndim == 1 and pts.size == 3:
        pts = pts.reshape(1, 3)
    if pts.ndim != 2 or pts.shape[1] != 3:
        raise ArgumentError(f"points must be n×3 fractional coordinates, got shape {pts.shape}")
    if not np.all(np.isfinite(pts)):
        raise ArgumentError("points hold a value that is not a finite number")
    h = np.asarray(hkl)
    single = h.ndim == 1
    h = h.reshape(-1, 3) if h.size % 3 == 0 and h.size else None
    if h is None or not np.issubdtype(np.asarray(hkl).dtype, np.integer):
        raise ArgumentError(f"hkl must be 3 integers or m×3 integers, got {hkl!r}")
    out = np.empty((h.shape[0], pts.shape[0], 2), dtype=np.float64)
    for i, (a, b, c) in enumerate(h.tolist()):
        _native.call("cft_basis_evaluate", g, int(a), int(b), int(c), pts.shape[0], _native.pointer(pts, ctypes.c_double),
                     _native.pointer(out[i], ctypes.c_double))
    values = out[..., 0] + 1j * out[..., 1]
    return values[0] if single else values


_SYMBOLS = [""] + """H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga Ge As Se Br Kr Rb Sr Y
Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd Pm Sm Eu Gd Tb Dy Ho Er Tm Yb Lu Hf Ta W Re Os Ir Pt Au Hg
Tl Pb Bi Po At Rn Fr Ra Ac Th Pa U Np Pu Am Cm Bk Cf Es Fm Md No Lr Rf Db Sg Bh Hs Mt Ds Rg Cn Nh Fl Mc Lv Ts Og""".split()

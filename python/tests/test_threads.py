"""One model, four Python threads: the same results as serial calls (the library is thread-safe, the GIL released)."""
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

import cftruntime as cft


def test_four_threads_on_one_model_equal_serial(examples, model):
    structures = cft.read(os.path.join(examples, "cmr_perovskites_sample.csv"))
    serial = [model.predict(s) for s in structures]
    with ThreadPoolExecutor(4) as pool:
        parallel = list(pool.map(model.predict, structures))
    for a, b in zip(serial, parallel):
        assert a.values[0] == b.values[0] and a.std[0] == b.std[0]
        assert a.notes == b.notes and a.in_domain.tolist() == b.in_domain.tolist()


def test_threads_featurize_and_read_concurrently(examples):
    files = [os.path.join(examples, f) for f in ("LiFePO4.cif", "garnet.cif", "Li2O.cif", "V2O3.cif")] * 3
    serial = [cft.featurize(cft.read(f)[0]).features for f in files]
    with ThreadPoolExecutor(4) as pool:
        parallel = list(pool.map(lambda f: cft.featurize(cft.read(f)[0]).features, files))
    assert all(np.array_equal(a, b) for a, b in zip(serial, parallel))

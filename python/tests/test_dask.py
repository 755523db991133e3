"""The Dask example on a LocalCluster of 2 workers gives what one process gives, independent of the shard count."""
import os
import subprocess
import sys

import numpy as np
import pytest

import cftruntime as cft

pytest.importorskip("distributed")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "examples"))
import dask_predict  # noqa: E402


@pytest.fixture(scope="module")
def client():
    from dask.distributed import Client, LocalCluster
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    with Client(cluster) as c:
        yield c
    cluster.close()


def test_two_workers_equal_one_process(client, examples):
    files = dask_predict.inputs([os.path.join(examples, "cmr_perovskites_sample.csv"), os.path.join(examples, "LiFePO4.cif")])
    serial = cft.Model().predict([s for f in files for s in cft.read(f)])
    for shards in (3, 8):
        r = dask_predict.predict_distributed(client, files, None, shards)
        assert r.ids == serial.ids
        # Equal to float32 rounding: ONNX Runtime's GEMM blocking depends on the batch, and a shard is another batch.
        assert np.allclose(r.values, serial.values, rtol=1e-6, atol=1e-6) and np.allclose(r.std, serial.std, rtol=1e-5, atol=1e-6)
        assert r.in_domain.tolist() == serial.in_domain.tolist() and r.notes == serial.notes


def test_the_script_writes_a_csv_in_input_order(tmp_path, examples):
    out = tmp_path / "r.csv"
    result = subprocess.run([sys.executable, os.path.join(os.path.dirname(dask_predict.__file__), "dask_predict.py"),
                             os.path.join(examples, "perov_5_sample.csv"), "--workers", "2", "--shards", "4", "--out", str(out)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    rows = out.read_text().splitlines()
    structures = cft.read(os.path.join(examples, "perov_5_sample.csv"))
    assert rows[0] == "id,property,value,std,unit,in_domain,domain_note"
    assert [r.split(",")[0] for r in rows[1:]] == [s.id for s in structures]
    assert "structures/s" in result.stderr


def test_missing_input_is_an_argument_error():
    with pytest.raises(cft.ArgumentError, match="no such file"):
        dask_predict.inputs(["/no/such/input.cif"])

"""docs/models.md's tables of the shipped ensembles are what trainer/report.py writes from the shipped models' own
metrics (their cft.metrics metadata), not numbers typed by hand."""
import os
import re
import sys

import cftruntime as cft
from conftest import REPO

sys.path.insert(0, os.path.join(REPO, "trainer"))
import report  # noqa: E402


def doc_rows():
    text = open(os.path.join(REPO, "docs", "models.md"), encoding="utf-8").read()
    return [line for line in text.splitlines() if line.startswith("| `")]


def cells(row):
    return [c.strip() for c in row.strip("|").split("|")]


def test_shipped_and_calibration_tables_come_from_the_models():
    rows = doc_rows()
    models = {m.name: m for m in cft.models()}
    assert len(models) == 7
    for name, info in models.items():
        metrics = dict(info.metrics, unit=info.unit)
        expected = cells(report.shipped_row(name, metrics))
        [row] = [cells(r) for r in rows if r.startswith(f"| `{name}` | {info.unit} |")]
        if metrics.get("baseline_always_zero_mae") is None:
            # Models trained before the always-zero baseline went into the metadata: that one cell is not checked.
            row[6] = expected[6]
        assert row == expected, name
        [calibration] = [r for r in rows if r.startswith(f"| `{name}` | ") and re.search(r"\d%", r.split("|")[2])]
        assert calibration == report.calibration_row(name, metrics)

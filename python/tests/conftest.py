"""Shared fixtures: the repository's bundled structures and the `cft` CLI the package's results are compared with."""
import os
import shutil

import pytest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
EXAMPLES = os.path.join(REPO, "data", "examples")


@pytest.fixture(scope="session")
def examples():
    return EXAMPLES


@pytest.fixture(scope="session")
def cli():
    """$CFT_CLI, else the Release build in the checkout (`dotnet build cli -c Release`)."""
    path = os.environ.get("CFT_CLI") or os.path.join(REPO, "cli", "bin", "Release", "net10.0", "cft")
    if not (os.path.exists(path) or shutil.which(path)):
        pytest.fail(f"the cft CLI is needed to compare results: {path} not found (build it or set CFT_CLI)")
    return path


@pytest.fixture(scope="session")
def model():
    import cftruntime as cft
    m = cft.Model()
    yield m
    m.close()

"""The snippets of README.md and docs/python.md run as written: Python blocks in the repository root, the README's
shell tour with `cft` bound to the built CLI (in a scratch folder that sees the repository's data/)."""
import os
import re
import subprocess

import pytest

from conftest import REPO

PAGES = ["README.md", "docs/python.md"]


def blocks(page, language):
    text = open(os.path.join(REPO, page), encoding="utf-8").read()
    return [m.group(1) for m in re.finditer(r"^```" + language + r"\n(.*?)^```", text, re.S | re.M)]


def python_blocks():
    return [pytest.param(page, i, code, id=f"{page}#{i}") for page in PAGES for i, code in enumerate(blocks(page, "python"))]


def test_every_page_has_python_snippets():
    assert all(blocks(page, "python") for page in PAGES)


@pytest.mark.parametrize("page, index, code", python_blocks())
def test_python_snippet_runs(page, index, code, monkeypatch, capsys):
    monkeypatch.chdir(REPO)
    exec(compile(code, f"{page} python block {index}", "exec"), {"__name__": "__snippet__"})
    capsys.readouterr()


def tour_commands():
    [tour] = [b for b in blocks("README.md", "sh") if b.lstrip().startswith("cft ")]
    return [line for line in tour.splitlines() if line.strip() and not line.lstrip().startswith("#")]


@pytest.mark.parametrize("command", tour_commands())
def test_readme_shell_tour_runs(command, cli, tmp_path):
    os.symlink(os.path.join(REPO, "data"), tmp_path / "data")
    script = f'cft() {{ "{cli}" "$@"; }}\nset -e -o pipefail\n{command}\n'
    result = subprocess.run(["bash", "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{command}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
    assert result.stdout.strip() or any(p.name != "data" for p in tmp_path.iterdir()), "no output"

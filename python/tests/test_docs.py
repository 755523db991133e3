"""The snippets of README.md and docs/*.md run as written: Python blocks in the repository root (a block that starts
with `# after: cft …` runs in a scratch folder that sees data/, after that command), the README's shell tour with `cft`
bound to the built CLI (in a scratch folder that sees the repository's data/). C# blocks: tests/Docs/DocSnippetTests.cs."""
import os
import re
import subprocess

import pytest

from conftest import REPO

PAGES = ["README.md", "docs/python.md", "docs/cli.md"]


def blocks(page, language):
    text = open(os.path.join(REPO, page), encoding="utf-8").read()
    return [m.group(1) for m in re.finditer(r"^```" + language + r"\n(.*?)^```", text, re.S | re.M)]


def python_blocks():
    return [pytest.param(page, i, code, id=f"{page}#{i}") for page in PAGES for i, code in enumerate(blocks(page, "python"))]


def test_every_page_has_python_snippets():
    assert all(blocks(page, "python") for page in PAGES)


@pytest.mark.parametrize("page, index, code", python_blocks())
def test_python_snippet_runs(page, index, code, monkeypatch, capsys, request, tmp_path):
    first = code.splitlines()[0]
    if first.startswith("# after: cft "):
        os.symlink(os.path.join(REPO, "data"), tmp_path / "data")
        cli = request.getfixturevalue("cli")
        result = subprocess.run(["bash", "-c", f'cft() {{ "{cli}" "$@"; }}\n{first[len("# after: "):]}'], cwd=tmp_path,
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr[-2000:]
        monkeypatch.chdir(tmp_path)
    else:
        monkeypatch.chdir(REPO)
    exec(compile(code, f"{page} python block {index}", "exec"), {"__name__": "__snippet__"})
    capsys.readouterr()


def shell_commands():
    """Every line of the `sh` blocks of README.md and docs/*.md made only of `cft …` commands (the other blocks build,
    install or train: .ci/run, tests/Native/BuildScriptTests.cs and the smoke trainings run those)."""
    pages = ["README.md"] + sorted(os.path.join("docs", p) for p in os.listdir(os.path.join(REPO, "docs")) if p.endswith(".md"))
    for page in pages:
        for block in blocks(page, "sh"):
            lines = [line for line in block.splitlines() if line.strip() and not line.lstrip().startswith("#")]
            if lines and all(line.startswith("cft ") for line in lines):
                for line in lines:
                    yield pytest.param(line, id=f"{page}: {line.split('#')[0].strip()[:60]}")


def test_readme_has_a_shell_tour():
    assert sum(1 for p in shell_commands() if p.id.startswith("README.md")) >= 5


@pytest.mark.parametrize("command", shell_commands())
def test_shell_snippet_runs(command, cli, tmp_path):
    os.symlink(os.path.join(REPO, "data"), tmp_path / "data")
    script = f'cft() {{ "{cli}" "$@"; }}\nset -e -o pipefail\n{command}\n'
    result = subprocess.run(["bash", "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{command}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
    assert result.stdout.strip() or any(p.name != "data" for p in tmp_path.iterdir()), "no output"

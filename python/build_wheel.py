#!/usr/bin/python3
"""Builds artifacts/cftruntime-<version>-py3-none-linux_x86_64.whl from a published libcft.so folder.

    /usr/bin/python3 python/build_wheel.py artifacts/native artifacts

Stages python/ into a temporary folder, copies libcft.so, libonnxruntime*.so and models/*.onnx into
cftruntime/_lib/ there, writes _version.py from the library's own version, and runs `pip wheel` offline
(--no-build-isolation --no-index: Debian's setuptools and wheel).
"""
import ctypes
import glob
import os
import shutil
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: build_wheel.py PUBLISHED_NATIVE_DIR OUT_DIR")
    native, out = (os.path.abspath(a) for a in sys.argv[1:])
    lib = os.path.join(native, "libcft.so")
    if not os.path.exists(lib):
        sys.exit(f"build_wheel: {lib} not found (dotnet publish native/Cft.Native.csproj -c Release -o {native})")
    models = sorted(glob.glob(os.path.join(native, "models", "*.onnx")))
    if not models:
        sys.exit(f"build_wheel: no models in {native}/models")
    handle = ctypes.CDLL(lib)
    handle.cft_version.restype = ctypes.c_char_p
    version = ".".join(handle.cft_version().decode().split(".")[:3])
    os.makedirs(out, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        stage = os.path.join(tmp, "cftruntime-src")
        shutil.copytree(here, stage, ignore=shutil.ignore_patterns("__pycache__", "_lib", "tests", "examples", "build", "*.egg-info"))
        target = os.path.join(stage, "cftruntime", "_lib")
        os.makedirs(os.path.join(target, "models"))
        for f in ["libcft.so"] + [os.path.basename(p) for p in glob.glob(os.path.join(native, "libonnxruntime*.so"))]:
            shutil.copy2(os.path.join(native, f), target)
        for m in models:
            shutil.copy2(m, os.path.join(target, "models"))
        with open(os.path.join(stage, "cftruntime", "_version.py"), "w") as f:
            f.write(f'"""The package version (written by build_wheel.py from libcft.so\'s version)."""\n__version__ = "{version}"\n')
        for old in glob.glob(os.path.join(out, "cftruntime-*.whl")):
            os.remove(old)
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q", "-w", out, stage], check=True)
    wheels = glob.glob(os.path.join(out, "cftruntime-*.whl"))
    print(f"build_wheel: {wheels[0]} ({os.path.getsize(wheels[0]) / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()

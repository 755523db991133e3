"""Builds the cftruntime wheel (platform linux_x86_64: it carries libcft.so, libonnxruntime.so and the models).

Run by `dotnet tool run pwsh ./build.ps1 wheel` through python/build_wheel.py, which stages the published library
into cftruntime/_lib/ of a copy of this folder first; building from the source folder alone gives no library.
"""
from setuptools import setup
from setuptools.dist import Distribution

try:
    from wheel.bdist_wheel import bdist_wheel

    class PlatformWheel(bdist_wheel):
        """One wheel per platform, any Python 3: the package is pure Python over a C library (ctypes, no extension)."""

        def finalize_options(self):
            super().finalize_options()
            self.root_is_pure = False

        def get_tag(self):
            return "py3", "none", "linux_x86_64"

    commands = {"bdist_wheel": PlatformWheel}
except ImportError:  # pragma: no cover - wheel is part of Debian's python3-wheel
    commands = {}


class BinaryDistribution(Distribution):
    def has_ext_modules(self):
        return True


setup(cmdclass=commands, distclass=BinaryDistribution)

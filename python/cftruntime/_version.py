"""The package version (the wheel build writes it from libcft.so's version)."""
__version__ = "1.0.0"

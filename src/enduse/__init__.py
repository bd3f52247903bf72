"""enduse: end-use control for arms transfers."""

__version__ = "0.1.0"

"""nest-eval: reproducible evaluation workbench for the NYTH/NEST framework in Wales."""

__all__ = ["__version__"]

__version__ = "0.1.0"

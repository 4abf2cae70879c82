"""SQL-first customer segmentation warehouse: the Python side (demo data, clustering, CLI)."""

__version__ = "0.1.0"

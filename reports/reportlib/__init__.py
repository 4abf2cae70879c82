"""Helpers shared by the report notebooks: the read-only warehouse, SQL builders, figures and HTML blocks."""

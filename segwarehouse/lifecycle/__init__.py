"""Segment lifecycle: frozen models, stable segment ids across retrains, drift measures."""

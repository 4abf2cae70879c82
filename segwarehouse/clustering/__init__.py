"""Clustering with model selection: candidates, metrics, stability, the selection rule and assignment."""

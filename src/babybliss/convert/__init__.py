"""Conversion with a model: generation (batched, constrained), the hybrid of model and rules, adapter export.
Imports training (to load models), data, grammar and the bottom layer."""

"""Recipes that run the whole experiment (data, fine-tuning, evaluation, report) over the library's layers."""

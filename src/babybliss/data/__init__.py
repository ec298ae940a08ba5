"""Pairs and the prompts built from them: read and check pairs, split them, add extra training pairs, lint a pair file
against the rules. Imports grammar and the bottom layer."""

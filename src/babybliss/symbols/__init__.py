"""Bliss symbols: the BCI-AV lexicon (CC BY-SA data in lexicon/, with its NOTICE) and the drawing of Conceptual Bliss
sentences as Blissymbols with bliss-svg-builder (docs/symbols.md)."""

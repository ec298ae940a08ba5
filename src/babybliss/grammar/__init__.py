"""The grammar: English parsed by spaCy, converted to Conceptual Bliss by the written rules, and the notation
(tense markers) every other layer reads. Imports only the bottom layer (config, io, errors)."""

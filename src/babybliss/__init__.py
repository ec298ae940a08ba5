"""babybliss: teach a causal language model English <-> Conceptual Bliss, and measure it."""

__version__ = "0.1.0"

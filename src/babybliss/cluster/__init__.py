"""SLURM job scripts for every stage, rendered from the shipped template or the user's own."""

"""Fine-tuning: model specs and loading, the sweep over epochs (LoRA/QLoRA), its run folder, multi-GPU launch, and the
research team's original use. Imports data, grammar and the bottom layer."""

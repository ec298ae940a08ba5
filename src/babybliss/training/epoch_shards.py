"""How a multi-GPU epoch deals its prompts to the ranks: each step's work split evenly, every prompt trained once.

accelerate deals whole batches to the ranks in turn. Under `group_by_length` two neighbouring batches differ in
length, and DDP makes every step as slow as its longest rank. When the last round is short (1 934 prompts, 64 per
GPU, 2 GPUs: 14 prompts left after 15 rounds) accelerate tops every rank up to a full batch with repeats of the
epoch's first prompts, the longest ones: that step trains 14 prompts plus 114 repeats.

Here each round's prompts (one batch per rank, in the order the sampler gives them) are dealt one by one, so the ranks
get alike lengths; the short last round is dealt the same way (7 + 7). A step still trains the same prompts as
accelerate's step, and the loss is averaged over the answer tokens of all ranks (transformers'
`average_tokens_across_devices`, on by default), so the gradient is the same; an epoch means the same data on any
number of GPUs.
"""

from __future__ import annotations


class DealtRounds:
    """Batches for `ranks` ranks from `sampler`: each round of `batch_size * ranks` prompts becomes one batch per rank,
    the prompts dealt in turn. With fewer prompts left than ranks, the first prompts of the epoch are repeated so that
    every rank gets one (DDP needs every rank to step)."""

    drop_last = False

    def __init__(self, sampler, batch_size: int, ranks: int):
        self.sampler, self.batch_size, self.ranks = sampler, batch_size, ranks

    def __iter__(self):
        indices = list(self.sampler)
        per_round = self.batch_size * self.ranks
        for start in range(0, len(indices), per_round):
            prompts = indices[start : start + per_round]
            prompts += indices[: max(0, self.ranks - len(prompts))]
            for rank in range(self.ranks):
                yield prompts[rank :: self.ranks]

    def __len__(self) -> int:
        return -(-len(self.sampler) // (self.batch_size * self.ranks)) * self.ranks

    def set_epoch(self, epoch: int) -> None:
        if hasattr(self.sampler, "set_epoch"):
            self.sampler.set_epoch(epoch)


def deal_rounds(loader):
    """Give a training DataLoader prepared by accelerate (several processes, whole batches per rank) DealtRounds.

    Anything else (one process, split or dropped last batches, a custom batch sampler) is returned unchanged.
    """
    from accelerate.data_loader import BatchSamplerShard
    from torch.utils.data import BatchSampler

    shard = getattr(loader, "batch_sampler", None)
    if not isinstance(shard, BatchSamplerShard) or shard.num_processes < 2 or shard.split_batches or shard.drop_last:
        return loader
    inner = shard.batch_sampler
    if type(inner) is not BatchSampler or inner.drop_last:
        return loader
    shard.batch_sampler = DealtRounds(inner.sampler, inner.batch_size, shard.num_processes)
    # accelerate hands batch i to rank i % ranks; the batch count is a multiple of the ranks, so nothing is topped up
    shard.even_batches = False
    return loader

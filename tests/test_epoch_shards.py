"""Multi-GPU epochs: each round is dealt prompt by prompt, every prompt is trained once, the ranks stay in step."""

from __future__ import annotations

import pytest
from accelerate.data_loader import prepare_data_loader
from torch.utils.data import DataLoader, SequentialSampler

from babybliss.training.epoch_shards import DealtRounds, deal_rounds


def rank_batches(n: int, batch: int, ranks: int, deal: bool) -> list[list[list[int]]]:
    """Each rank's batches of one epoch over prompts 0..n-1, through accelerate's own sharding."""
    out = []
    for rank in range(ranks):
        loader = DataLoader(list(range(n)), batch_size=batch, sampler=SequentialSampler(range(n)), collate_fn=list)
        loader = prepare_data_loader(loader, num_processes=ranks, process_index=rank, put_on_device=False)
        if deal:
            loader = deal_rounds(loader)
        batches = list(loader)
        assert len(batches) == len(loader), "the length Trainer plans with is the length it gets"
        out.append(batches)
    return out


@pytest.mark.parametrize("n,batch,ranks", [(1934, 64, 2), (61, 8, 2), (64, 8, 2), (66, 8, 2), (70, 8, 3), (127, 64, 2)])
def test_each_prompt_once_and_the_same_step_count_on_every_rank(n, batch, ranks):
    shards = rank_batches(n, batch, ranks, deal=True)
    assert len({len(b) for b in shards}) == 1, "DDP needs the same number of steps on every rank"
    seen = sorted(i for batches in shards for b in batches for i in b)
    assert seen == list(range(n))
    assert all(0 < len(b) <= batch for batches in shards for b in batches)


def test_a_step_trains_the_same_prompts_as_accelerates_step_split_evenly():
    plain, dealt = rank_batches(1934, 64, 2, deal=False), rank_batches(1934, 64, 2, deal=True)
    for step in range(15):  # the whole rounds: same prompts per step, so the same averaged gradient
        assert sorted(plain[0][step] + plain[1][step]) == sorted(dealt[0][step] + dealt[1][step])
        # prompts in sampler order (longest first under group_by_length) dealt in turn: alike work on each rank
        assert dealt[0][step] == plain[0][step][0::2] + plain[1][step][0::2]
    assert [len(b[-1]) for b in plain] == [64, 64], "accelerate tops the short round up with repeats"
    assert [len(b[-1]) for b in dealt] == [7, 7]
    assert dealt[0][-1] == list(range(1920, 1934, 2)) and dealt[1][-1] == list(range(1921, 1934, 2))


def test_fewer_prompts_left_than_ranks_repeat_the_first_ones():
    batches = list(DealtRounds(range(9), 4, 2))  # one whole round of 8, then 1 prompt for 2 ranks
    assert batches == [[0, 2, 4, 6], [1, 3, 5, 7], [8], [0]]
    assert len(DealtRounds(range(9), 4, 2)) == 4


def test_one_process_and_split_batches_are_left_to_accelerate():
    loader = DataLoader(list(range(10)), batch_size=4, collate_fn=list)
    assert deal_rounds(loader) is loader and loader.batch_sampler.__class__.__name__ == "BatchSampler"
    split = prepare_data_loader(DataLoader(list(range(10)), batch_size=4, collate_fn=list), num_processes=2,
                                process_index=0, put_on_device=False, split_batches=True)
    inner = split.batch_sampler.batch_sampler
    assert deal_rounds(split).batch_sampler.batch_sampler is inner

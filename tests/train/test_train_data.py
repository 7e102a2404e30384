"""Data side of training: loss masks, windows, and the resumable batch order (no torch needed)."""

import numpy as np

from ompgpt.data.format import END_OF_PRAGMA, loop_example
from ompgpt.model.tokenizer import train_tokenizer
from ompgpt.train.data import IGNORE_INDEX, BatchOrder, finetune_examples, pretrain_examples, stage_texts
from ompgpt.train.samples import SAMPLE_LOOPS


def _tok():
    return train_tokenizer([loop_example(c, p, x) for x, c, p in SAMPLE_LOOPS] * 3, vocab_size=400)


def test_finetune_loss_only_on_pragma_tokens():
    tok = _tok()
    ctx, code, pragma = SAMPLE_LOOPS[2]
    ex = finetune_examples([loop_example(code, pragma, ctx)], tok, block_size=256)
    x, y = ex.batch([0])
    scored = y[0][y[0] != IGNORE_INDEX]
    assert tok.decode(scored.tolist()) == f"omp {pragma}{END_OF_PRAGMA}"
    # the input right before the first scored target is the end-of-loop marker
    first = int(np.argmax(y[0] != IGNORE_INDEX))
    assert x[0, first] == tok.end_of_loop_id


def test_long_prompt_is_cut_in_the_middle_keeping_the_pragma():
    tok = _tok()
    code = "for (int i = 0; i < n; i++) {\n" + "  a[i] += b[i] * c[i];\n" * 200 + "}"
    ex = finetune_examples([loop_example(code, "parallel for")], tok, block_size=64)
    row = ex.rows[0]
    assert len(row) == 65
    assert tok.decode(row.tolist()).endswith(f"<|endofloop|>omp parallel for{END_OF_PRAGMA}")
    assert tok.decode(row[:5].tolist()).startswith("for (int i")


def test_pretrain_windows_cover_the_stream(sample_data):
    tok = _tok()
    ex = pretrain_examples(stage_texts(sample_data, "pretrain", "train"), tok, block_size=32)
    assert len(ex) > 3 and all(len(r) == 33 for r in ex.rows)
    assert all(np.array_equal(a[-1:], b[:1]) for a, b in zip(ex.rows, ex.rows[1:], strict=False))


def test_batch_order_resumes_exactly_and_covers_each_epoch():
    a = BatchOrder(10, seed=3)
    first = a.take(4) + a.take(4) + a.take(4)
    b = BatchOrder(10, seed=3)
    b.take(4)
    c = BatchOrder(10, seed=3, **b.state())
    assert c.take(4) + c.take(4) == first[4:]
    assert sorted(first[:10]) == list(range(10))


def test_token_cache_is_reused_and_invalidated(sample_data, tmp_path):
    from ompgpt.train.data import load_examples

    tok = _tok()
    first = load_examples(sample_data, "finetune", "train", tok, 128, tmp_path)
    cache = tmp_path / "finetune-train.npz"
    stamp = cache.stat().st_mtime_ns
    again = load_examples(sample_data, "finetune", "train", tok, 128, tmp_path)
    assert cache.stat().st_mtime_ns == stamp  # read, not rebuilt
    assert again.loss_from == first.loss_from
    assert all(np.array_equal(a, b) for a, b in zip(again.rows, first.rows, strict=True))
    load_examples(sample_data, "finetune", "train", tok, 64, tmp_path)  # another window size: rebuilt
    assert cache.stat().st_mtime_ns != stamp


def test_length_buckets_cut_padding_and_still_cover_each_epoch_once():
    lengths = np.random.default_rng(0).integers(30, 500, size=1000)
    plain, bucketed = BatchOrder(1000, seed=5), BatchOrder(1000, seed=5, lengths=lengths, batch=16)

    def padded_tokens(order: BatchOrder) -> int:
        return sum(16 * int(lengths[order.take(16)].max()) for _ in range(1000 // 16))

    assert padded_tokens(bucketed) < 0.6 * padded_tokens(plain)
    epoch = BatchOrder(1000, seed=5, lengths=lengths, batch=16).take(1000)
    assert sorted(epoch) == list(range(1000)) and epoch != sorted(epoch)
    again = BatchOrder(1000, seed=5, lengths=lengths, batch=16)
    again.take(48)
    resumed = BatchOrder(1000, seed=5, lengths=lengths, batch=16, **again.state())
    assert resumed.take(32) == epoch[48:80]


def test_a_small_set_still_changes_its_batches_between_epochs():
    """40 rows in batches of 4 fit in one pool of 32 batches: sorted whole, every epoch would repeat the same
    batches (the tiny test fixture needed more steps to memorize for that reason)."""
    lengths = np.random.default_rng(1).integers(30, 500, size=40)
    order = BatchOrder(40, seed=2, lengths=lengths, batch=4)
    epochs = [{frozenset(order.take(4)) for _ in range(10)} for _ in range(2)]
    assert len(epochs[0] & epochs[1]) < 5

"""Training behaviour on a tiny model: learning, exact resume, export, the CLI."""

import itertools
import json
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from safetensors.numpy import load_file  # noqa: E402

from ompgpt.cli import main  # noqa: E402
from ompgpt.train.loop import TrainOptions, lr_at, train  # noqa: E402


def _opts(data: Path, out: Path, **kw) -> TrainOptions:
    base = dict(stage="finetune", size="tiny", batch_size=8, lr=3e-3, warmup_steps=2, eval_every=1000,
                ckpt_every=1000, log_every=1000, vocab_size=400, threads=1)  # fmt: skip
    return TrainOptions(data=data, out=out, **{**base, **kw})


def test_loss_goes_down_when_overfitting(sample_data, tmp_path):
    result = train(_opts(sample_data, tmp_path, max_steps=40))
    assert not result.interrupted
    assert np.mean(result.losses[-5:]) < 0.6 * np.mean(result.losses[:3])
    assert result.val_loss is not None and result.val_loss < result.losses[0]


def test_interrupted_run_resumes_bit_identically(sample_data, tmp_path):
    straight = train(_opts(sample_data, tmp_path / "a", max_steps=6, dropout=0.1))

    def interrupt(step, loss):
        if step == 3:
            raise KeyboardInterrupt

    cut = train(_opts(sample_data, tmp_path / "b", max_steps=6, dropout=0.1), on_step=interrupt)
    assert cut.interrupted and cut.step == 3 and cut.export_dir is None
    resumed = train(_opts(sample_data, tmp_path / "b", max_steps=6, dropout=0.1))
    assert resumed.step == 6 and not resumed.interrupted
    assert cut.losses + resumed.losses == straight.losses
    a = load_file(str(tmp_path / "a" / "ckpt" / "model.safetensors"))
    b = load_file(str(tmp_path / "b" / "ckpt" / "model.safetensors"))
    assert all(np.array_equal(a[k], b[k]) for k in a)


def test_export_is_small_fp16_and_finetune_can_start_from_it(sample_data, tmp_path):
    first = train(_opts(sample_data, tmp_path / "pre", stage="pretrain", max_steps=3))
    weights = load_file(str(first.export_dir / "weights.safetensors"))
    assert all(w.dtype == np.float16 for w in weights.values())
    assert "lm_head.weight" not in weights  # tied to wte
    config = json.loads((first.export_dir / "config.json").read_text())
    assert config["n_layer"] == 2 and config["vocab_size"] > 4
    second = train(_opts(sample_data, tmp_path / "ft", init=first.export_dir, max_steps=2))
    assert second.step == 2
    assert (tmp_path / "ft" / "tokenizer.json").read_bytes() == (first.export_dir / "tokenizer.json").read_bytes()


def test_cosine_schedule_warms_up_then_decays():
    opts = TrainOptions(data=Path("."), out=Path("."), lr=1.0, warmup_steps=10, min_lr_ratio=0.1)
    lrs = [lr_at(s, opts, 100) for s in range(100)]
    assert lrs[0] < lrs[5] < lrs[9] == pytest.approx(1.0)
    assert all(a >= b for a, b in itertools.pairwise(lrs[10:]))
    assert lrs[-1] == pytest.approx(0.1, abs=0.01)


def test_cli_trains_and_reports(sample_data, tmp_path, capsys):
    code = main(["train", "--data", str(sample_data), "--out", str(tmp_path), "--config", "tiny",
                 "--max-steps", "2", "--vocab-size", "400", "--threads", "1", "--stage", "finetune"])  # fmt: skip
    assert code == 0
    captured = capsys.readouterr()
    assert "trained 2 steps" in captured.out
    assert "step 2/2" in captured.err and "tok/s" in captured.err
    assert (tmp_path / "export" / "weights.safetensors").exists()


def test_cli_rejects_a_missing_data_folder(tmp_path, capsys):
    assert main(["train", "--data", str(tmp_path / "nope"), "--out", str(tmp_path / "o")]) == 2
    assert "not a folder" in capsys.readouterr().err


def test_max_minutes_stops_and_checkpoints(sample_data, tmp_path):
    result = train(_opts(sample_data, tmp_path, max_steps=50, max_minutes=1e-6))
    assert result.interrupted and result.step == 1
    state = json.loads((tmp_path / "ckpt" / "state.json").read_text())
    assert state["step"] == 1 and state["total_steps"] == 50


@pytest.mark.slow
def test_torchrun_ddp_matches_one_process_with_the_same_global_batch(sample_data, tmp_path):
    """Two gloo ranks with batch 4 each take the same steps as one process with batch 8 (equal-length windows)."""
    import os
    import subprocess
    import sys

    args = ["train", "--data", str(sample_data), "--config", "tiny", "--stage", "pretrain", "--max-steps", "3",
            "--vocab-size", "400", "--threads", "1", "--export-dtype", "fp32", "--eval-every", "1000"]  # fmt: skip
    single = tmp_path / "single"
    assert main([*args, "--out", str(single), "--batch-size", "8"]) == 0
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2", "-m", "ompgpt.cli"]
    proc = subprocess.run(
        [*cmd, *args, "--out", str(tmp_path / "ddp"), "--batch-size", "4"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "DDP x2" in proc.stderr
    a = load_file(str(single / "export" / "weights.safetensors"))
    b = load_file(str(tmp_path / "ddp" / "export" / "weights.safetensors"))
    for key in a:
        np.testing.assert_allclose(a[key], b[key], atol=1e-5, err_msg=key)


def test_fit_minutes_shortens_the_schedule_to_the_time_budget(sample_data, tmp_path, monkeypatch):
    import ompgpt.train.loop as loop

    clock = {"t": 1000.0}

    def one_second_per_step(step, loss):
        clock["t"] += 1.0

    monkeypatch.setattr(loop.time, "monotonic", lambda: clock["t"])
    result = train(_opts(sample_data, tmp_path, max_steps=500, fit_minutes=1.0), on_step=one_second_per_step)
    assert not result.interrupted
    assert 50 <= result.step <= 60  # 60 steps fit in a minute: the 500-step schedule was cut to that, then finished
    state = json.loads((tmp_path / "ckpt" / "state.json").read_text())
    assert state["total_steps"] == result.step


def test_a_given_tokenizer_is_used_instead_of_training_one(sample_data, tmp_path):
    first = train(_opts(sample_data, tmp_path / "a", max_steps=1))
    given = first.export_dir / "tokenizer.json"
    second = train(_opts(sample_data, tmp_path / "b", max_steps=1, tokenizer=given, vocab_size=300))
    assert (second.export_dir / "tokenizer.json").read_bytes() == given.read_bytes()


def test_loss_counts_only_target_positions_like_full_logits():
    from ompgpt.model.config import GPTConfig
    from ompgpt.train.gpt import GPT, IGNORE_INDEX

    torch.manual_seed(0)
    model = GPT(GPTConfig(vocab_size=300, n_layer=2, n_head=2, n_embd=32, block_size=64)).eval()
    idx = torch.randint(0, 300, (3, 20))
    targets = torch.randint(0, 300, (3, 20))
    targets[:, :12] = IGNORE_INDEX  # a fine-tuning row: loss on the last tokens only
    targets[1, 15:] = IGNORE_INDEX
    logits, _ = model(idx)
    expected = torch.nn.functional.cross_entropy(logits.reshape(-1, 300), targets.reshape(-1), ignore_index=-100)
    none, loss = model(idx, targets)
    assert none is None and torch.allclose(loss, expected, atol=1e-6)

"""The numpy forward pass is the PyTorch model: same logits, cache and padding do not change them."""

import numpy as np
import pytest

from ompgpt.data.format import loop_prompt
from ompgpt.model.decode import LoopInput, PragmaDecoder
from ompgpt.model.numpy_gpt import NumpyGPT
from ompgpt.train.samples import SAMPLE_LOOPS


def test_cache_and_left_padding_do_not_change_logits(random_model_dir):
    model = NumpyGPT.load(random_model_dir)
    tokens = np.random.default_rng(1).integers(4, model.cfg.vocab_size, (2, 30))
    full, _ = model.forward(tokens)
    _, cache = model.forward(tokens[:, :17])
    rest, _ = model.forward(tokens[:, 17:], cache)
    np.testing.assert_allclose(rest, full[:, 17:], atol=1e-4)
    padded = np.concatenate([np.zeros((2, 5), dtype=np.int64), tokens], axis=1)
    valid = np.concatenate([np.zeros((2, 5), bool), np.ones((2, 30), bool)], axis=1)
    out, _ = model.forward(padded, valid=valid)
    np.testing.assert_allclose(out[:, 5:], full, atol=1e-4)
    last, _ = model.forward(tokens, all_logits=False)
    np.testing.assert_allclose(last, full[:, -1], atol=1e-5)


def _torch_model(model_dir):
    torch = pytest.importorskip("torch")
    from safetensors.torch import load_file

    from ompgpt.model.config import GPTConfig
    from ompgpt.train.gpt import GPT

    gpt = GPT(GPTConfig.load(model_dir / "config.json"))
    gpt.load_state_dict({k: v.float() for k, v in load_file(str(model_dir / "weights.safetensors")).items()})
    return torch, gpt.eval()


@pytest.mark.parametrize("which", ["random_model_dir", "trained_model_dir"])
def test_numpy_logits_equal_torch_logits(which, request):
    model_dir = request.getfixturevalue(which)
    torch, gpt = _torch_model(model_dir)
    decoder = PragmaDecoder.load(model_dir)
    for ctx, code, _ in SAMPLE_LOOPS[:4]:
        ids = decoder.tok.encode(loop_prompt(code, ctx))
        with torch.no_grad():
            expected = gpt(torch.tensor([ids]))[0].numpy()
        got, _ = decoder.model.forward(np.array([ids]))
        np.testing.assert_allclose(got, expected, atol=2e-4, rtol=1e-4)


def test_numpy_and_torch_greedy_decoding_agree(trained_model_dir):
    """Greedy constrained decoding written independently in torch gives the same pragmas as the numpy decoder."""
    torch, gpt = _torch_model(trained_model_dir)
    decoder = PragmaDecoder.load(trained_model_dir)
    loops = [LoopInput(code, ctx) for ctx, code, _ in SAMPLE_LOOPS]
    numpy_out = [c[0].pragma for c in decoder.beam_search(loops, beam_size=1)]
    for loop, expected in zip(loops, numpy_out, strict=True):
        prompt = decoder.prompt(loop)
        masker = decoder.masker(prompt.grammar)
        ids, states = list(prompt.ids), prompt.grammar.start()
        for _ in range(40):
            with torch.no_grad():
                logits = gpt(torch.tensor([ids]))[0][0, -1].numpy()
            tok = int(np.argmax(logits + masker.mask(states)))
            if tok == decoder.end_id:
                break
            ids.append(tok)
            states = prompt.grammar.advance(states, decoder.strings[tok])
        assert decoder.text(ids[len(prompt.ids) :]) == expected


def test_tree_scoring_equals_scoring_each_text_in_full(random_model_dir):
    """score_texts runs all candidates as one token tree; it must equal running prompt + text one by one."""
    from ompgpt.model.numpy_gpt import log_softmax

    decoder = PragmaDecoder.load(random_model_dir)
    prompt = decoder.prompt(LoopInput(SAMPLE_LOOPS[1][1], SAMPLE_LOOPS[1][0]))
    first, cache = decoder.prefill([prompt.ids])
    texts = ["none<|endofpragma|>", "omp parallel for", "omp parallel for simd", "omp parallel for reduction(+:sum)"]
    totals, after = decoder.score_texts(first[0], cache, texts)
    for text, total, nxt in zip(texts, totals, after, strict=True):
        ids = decoder.tok.encode(text)
        logp = log_softmax(decoder.model.forward(np.array([prompt.ids + ids]))[0][0])
        n = len(prompt.ids)
        expected = sum(logp[n - 1 + k, t] for k, t in enumerate(ids))
        assert total == pytest.approx(expected, abs=1e-3)
        np.testing.assert_allclose(nxt, logp[-1], atol=1e-3)

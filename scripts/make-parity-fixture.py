#!/usr/bin/python3
"""Golden parity fixture for the tfjs GPT (src/model/gpt.ts) from an independent PyTorch forward.

Run:  /usr/bin/python3 scripts/make-parity-fixture.py
(Debian's python3-torch is importable only by /usr/bin/python3; when started by another
python3 without torch, the script re-executes itself under /usr/bin/python3.)

Writes src/model/gpt2-parity.fixture.json: a tiny GPT-2 (2 layers, 2 heads, width 16, vocab 50)
with seeded weights of deliberately varied magnitudes (not GPT-2's init, so that a wrong layout,
a missing bias or a misplaced LayerNorm shows up clearly), token ids [2, 12], the float64 logits
of a hand-written GPT-2 forward in the style of Hugging Face's GPT2LMHeadModel, and the DPO
sequence log-prob of a prompt/completion split of row 0.

The reference runs in float64 on the float32-rounded weights that the fixture stores, so the
only differences the test sees come from the implementation under test.
"""

import json
import math
import os
import sys
from pathlib import Path

try:
    import torch
except ImportError:
    if sys.executable != "/usr/bin/python3" and os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3", *sys.argv])
    raise

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "model" / "gpt2-parity.fixture.json"

CONFIG = {
    "nLayer": 2,
    "nHead": 2,
    "nEmbd": 16,
    "blockSize": 16,
    "vocabSize": 50,
    "dropout": 0,
    "layerNormEps": 1e-5,
}
BATCH, SEQ = 2, 12
PROMPT_LENGTH = 5  # row 0: tokens 0..4 prompt, 5..11 completion
SIG_DIGITS = 7


def parameter_shapes(cfg):
    """GPT-2 parameter names (no `transformer.` prefix) and shapes, as parameterShapes in gpt.ts."""
    L, C, T, V = cfg["nLayer"], cfg["nEmbd"], cfg["blockSize"], cfg["vocabSize"]
    shapes = [("wte.weight", [V, C]), ("wpe.weight", [T, C])]
    for i in range(L):
        h = f"h.{i}"
        shapes += [
            (f"{h}.ln_1.weight", [C]),
            (f"{h}.ln_1.bias", [C]),
            (f"{h}.attn.c_attn.weight", [C, 3 * C]),
            (f"{h}.attn.c_attn.bias", [3 * C]),
            (f"{h}.attn.c_proj.weight", [C, C]),
            (f"{h}.attn.c_proj.bias", [C]),
            (f"{h}.ln_2.weight", [C]),
            (f"{h}.ln_2.bias", [C]),
            (f"{h}.mlp.c_fc.weight", [C, 4 * C]),
            (f"{h}.mlp.c_fc.bias", [4 * C]),
            (f"{h}.mlp.c_proj.weight", [4 * C, C]),
            (f"{h}.mlp.c_proj.bias", [C]),
        ]
    shapes += [("ln_f.weight", [C]), ("ln_f.bias", [C])]
    return shapes


def round_sig(x: float, digits: int = SIG_DIGITS) -> float:
    return float(f"{x:.{digits - 1}e}")


def make_params(cfg, gen):
    """Seeded weights with varied magnitudes: matrices N(0, s), s in 0.2..0.5 per matrix;
    LayerNorm gains 1 + N(0, 0.3); every bias N(0, 0.1)."""
    params = {}
    for name, shape in parameter_shapes(cfg):
        if name.endswith(".bias"):
            t = torch.randn(shape, generator=gen, dtype=torch.float64) * 0.1
        elif ".ln_" in name or name.startswith("ln_"):
            t = 1.0 + torch.randn(shape, generator=gen, dtype=torch.float64) * 0.3
        else:
            std = 0.2 + 0.3 * torch.rand((), generator=gen, dtype=torch.float64).item()
            t = torch.randn(shape, generator=gen, dtype=torch.float64) * std
        # Round to what the fixture stores and what float32 can hold, so the reference and the
        # model under test see bit-identical weights.
        t = torch.tensor([round_sig(v) for v in t.flatten().tolist()], dtype=torch.float64)
        params[name] = t.to(torch.float32).to(torch.float64).reshape(shape)
    return params


# --- Reference GPT-2 forward (HF GPT2Model / GPT2LMHeadModel, eval mode, no padding) ---------


def conv1d(x, w, b):
    """HF Conv1D: weight stored [in, out]; y = x @ W + b."""
    return x @ w + b


def layer_norm(x, w, b, eps):
    mean = x.mean(dim=-1, keepdim=True)
    var = ((x - mean) ** 2).mean(dim=-1, keepdim=True)  # biased, as nn.LayerNorm
    return (x - mean) / torch.sqrt(var + eps) * w + b


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x.pow(3))))


def attention(x, p, h, n_head):
    B, T, C = x.shape
    hs = C // n_head
    qkv = conv1d(x, p[f"{h}.attn.c_attn.weight"], p[f"{h}.attn.c_attn.bias"])
    q, k, v = qkv.split(C, dim=2)

    def split_heads(t):
        return t.view(B, T, n_head, hs).permute(0, 2, 1, 3)  # [B, nh, T, hs]

    q, k, v = split_heads(q), split_heads(k), split_heads(v)
    w = q @ k.transpose(-1, -2) / math.sqrt(hs)  # [B, nh, T, T]
    causal = torch.tril(torch.ones(T, T, dtype=torch.bool))
    w = torch.where(causal, w, torch.tensor(torch.finfo(w.dtype).min, dtype=w.dtype))
    w = torch.softmax(w, dim=-1)
    y = w @ v  # [B, nh, T, hs]
    y = y.permute(0, 2, 1, 3).contiguous().view(B, T, C)  # merge heads
    return conv1d(y, p[f"{h}.attn.c_proj.weight"], p[f"{h}.attn.c_proj.bias"])


def mlp(x, p, h):
    a = gelu_new(conv1d(x, p[f"{h}.mlp.c_fc.weight"], p[f"{h}.mlp.c_fc.bias"]))
    return conv1d(a, p[f"{h}.mlp.c_proj.weight"], p[f"{h}.mlp.c_proj.bias"])


def gpt2_forward(cfg, p, ids):
    B, T = ids.shape
    eps = cfg["layerNormEps"]
    positions = torch.arange(T).unsqueeze(0).expand(B, T)
    x = p["wte.weight"][ids] + p["wpe.weight"][positions]
    for i in range(cfg["nLayer"]):
        h = f"h.{i}"
        x = x + attention(
            layer_norm(x, p[f"{h}.ln_1.weight"], p[f"{h}.ln_1.bias"], eps), p, h, cfg["nHead"]
        )
        x = x + mlp(layer_norm(x, p[f"{h}.ln_2.weight"], p[f"{h}.ln_2.bias"], eps), p, h)
    x = layer_norm(x, p["ln_f.weight"], p["ln_f.bias"], eps)
    return x @ p["wte.weight"].T  # tied LM head


def main():
    torch.manual_seed(1234)
    gen = torch.Generator().manual_seed(1234)
    params = make_params(CONFIG, gen)
    ids = torch.randint(0, CONFIG["vocabSize"], (BATCH, SEQ), generator=gen)

    with torch.no_grad():
        logits = gpt2_forward(CONFIG, params, ids)  # [B, T, V] float64
        logprobs = torch.log_softmax(logits, dim=-1)
        # Log-prob of the last token of each row given everything before it.
        last = [logprobs[b, SEQ - 2, ids[b, SEQ - 1]].item() for b in range(BATCH)]
        # DPO sequence log-prob of row 0: sum over completion tokens t of log p(ids[t] | ids[<t]).
        completion = sum(
            logprobs[0, t - 1, ids[0, t]].item() for t in range(PROMPT_LENGTH, SEQ)
        )

    fixture = {
        "generator": "scripts/make-parity-fixture.py",
        "torch": torch.__version__,
        "config": CONFIG,
        "params": {
            name: {"shape": list(t.shape), "data": [round_sig(v) for v in t.flatten().tolist()]}
            for name, t in params.items()
        },
        "ids": ids.tolist(),
        "logits": [round_sig(v) for v in logits.flatten().tolist()],
        "logitsShape": [BATCH, SEQ, CONFIG["vocabSize"]],
        "logprobsLastToken": [round_sig(v) for v in last],
        "completionLogProb": {
            "row": 0,
            "promptLength": PROMPT_LENGTH,
            "value": round_sig(completion, 12),
        },
    }
    OUT.write_text(json.dumps(fixture, separators=(",", ":")) + "\n")
    size = OUT.stat().st_size
    print(f"wrote {OUT.relative_to(ROOT)} ({size} bytes); logits |max| "
          f"{logits.abs().max().item():.3f}, completion log-prob {completion:.6f}")


if __name__ == "__main__":
    main()

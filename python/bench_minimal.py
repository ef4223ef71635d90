"""The bench's second PyTorch reference: the same DPO step as python/bench_step.py written as a
minimal functional loop (parameters in a list, no nn.Module), and plain sampling with a KV cache.

`npm run bench` runs it (bench/torchRow.ts) through the project's venv:
  python python/bench_minimal.py --vocab 1024 --block 64 --layers 2 --heads 2 --embd 32 \
      [--steps 20 --warmup 3 --threads N --budget-s 20 --prompts 64 --new-tokens 16]
and reads one JSON line from stdout.

Step: 8 pairs = 16 rows of bench_step.py's synthetic batches (right-padded, ≤ 32 tokens), the
app's GPT (pre-LN, GELU-tanh, tied head, GPT-2 init), summed completion log-probs, cached π_ref,
DPO sigmoid at β 0.1, clip 10, Adam 5e-4. Sampling: as the app's evaluation, 64 prompts
(left-padded, ≤ 8 tokens) × 16 new tokens, temperature 1, no top-k/p, each token's log-prob
kept, one forward of the prompts and then one position per step against the cache.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import time

import torch
import torch.nn.functional as F

from bench_step import batch


def init(vocab: int, block: int, layers: int, embd: int) -> list[torch.Tensor]:
    """[wte, wpe, per layer (ln1 w, b, attn W [C, 3C], b, proj W, b, ln2 w, b, fc W, b, mlp W, b), ln_f w, b]."""
    c = embd
    std_proj = 0.02 / (2 * layers) ** 0.5
    ps = [torch.randn(vocab, c) * 0.02, torch.randn(block, c) * 0.02]
    for _ in range(layers):
        ps += [torch.ones(c), torch.zeros(c), torch.randn(c, 3 * c) * 0.02, torch.zeros(3 * c)]
        ps += [torch.randn(c, c) * std_proj, torch.zeros(c), torch.ones(c), torch.zeros(c)]
        ps += [torch.randn(c, 4 * c) * 0.02, torch.zeros(4 * c), torch.randn(4 * c, c) * std_proj]
        ps += [torch.zeros(c)]
    return ps + [torch.ones(c), torch.zeros(c)]


def forward(ps, ids, pos, mask, heads: int, cache=None):
    """ids, pos [B, T]; mask [B, 1, T, Tk] bool; cache: per layer (k, v) [B, nh, Tp, hs]."""
    wte, wpe = ps[0], ps[1]
    b, t = ids.shape
    c = wte.shape[1]
    nh, hs = heads, c // heads
    x = wte[ids] + wpe[pos]
    layers = (len(ps) - 4) // 12
    new_cache = []
    for i in range(layers):
        ln1w, ln1b, aw, ab, pw, pb, ln2w, ln2b, fw, fb, mw, mb = ps[2 + 12 * i : 14 + 12 * i]
        h = F.layer_norm(x, (c,), ln1w, ln1b, 1e-5)
        q, k, v = (z.view(b, t, nh, hs).transpose(1, 2) for z in torch.addmm(ab, h.view(-1, c), aw).view(b, t, 3 * c).split(c, 2))
        if cache is not None:
            k = torch.cat([cache[i][0], k], 2)
            v = torch.cat([cache[i][1], v], 2)
        new_cache.append((k, v))
        y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
        x = x + torch.addmm(pb, y.transpose(1, 2).reshape(-1, c), pw).view(b, t, c)
        h = F.layer_norm(x, (c,), ln2w, ln2b, 1e-5)
        h = F.gelu(torch.addmm(fb, h.view(-1, c), fw), approximate="tanh")
        x = x + torch.addmm(mb, h, mw).view(b, t, c)
    x = F.layer_norm(x, (c,), ps[-2], ps[-1], 1e-5)
    return x @ wte.T, new_cache


def seq_logps(ps, heads, ids, attn, cmask):
    t = ids.shape[1]
    pos = (attn.long().cumsum(1) - 1).clamp(min=0)
    causal = torch.tril(torch.ones(t, t, dtype=torch.bool))
    mask = (causal[None, None] & attn.bool()[:, None, None, :]) | torch.eye(t, dtype=torch.bool)
    logits, _ = forward(ps, ids, pos, mask, heads)
    logp = torch.gather(F.log_softmax(logits[:, :-1], -1), 2, ids[:, 1:, None]).squeeze(2)
    return (logp * cmask[:, 1:]).sum(1)


@torch.inference_mode()
def sample(ps, heads, prompts: list[list[int]], new_tokens: int, gen: torch.Generator):
    """Left-padded prompts, KV cache, temperature 1: tokens and their log-probs [B, new]."""
    b, lp = len(prompts), max(len(p) for p in prompts)
    ids = torch.zeros(b, lp, dtype=torch.long)
    keys = torch.zeros(b, lp, dtype=torch.bool)
    for i, p in enumerate(prompts):
        ids[i, lp - len(p) :] = torch.tensor(p)
        keys[i, lp - len(p) :] = True
    pos = (keys.long().cumsum(1) - 1).clamp(min=0)
    causal = torch.tril(torch.ones(lp, lp, dtype=torch.bool))
    mask = (causal[None, None] & keys[:, None, None, :]) | torch.eye(lp, dtype=torch.bool)
    logits, cache = forward(ps, ids, pos, mask, heads)
    last = logits[:, -1]
    out, lps = [], []
    nxt_pos = keys.sum(1, keepdim=True)
    for s in range(new_tokens):
        logp = F.log_softmax(last, -1)
        tok = torch.multinomial(logp.exp(), 1, generator=gen)  # [B, 1]
        out.append(tok)
        lps.append(logp.gather(1, tok))
        if s == new_tokens - 1:
            break
        keys = torch.cat([keys, torch.ones(b, 1, dtype=torch.bool)], 1)
        logits, cache = forward(ps, tok, nxt_pos, keys[:, None, None, :], heads, cache)
        nxt_pos = nxt_pos + 1
        last = logits[:, -1]
    return torch.cat(out, 1), torch.cat(lps, 1)


def main() -> None:
    ap = argparse.ArgumentParser()
    for k in ("vocab", "block", "layers", "heads", "embd"):
        ap.add_argument(f"--{k}", type=int, required=True)
    ap.add_argument("--pairs", type=int, default=8)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--budget-s", type=float, default=30.0)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--prompts", type=int, default=64)
    ap.add_argument("--new-tokens", type=int, default=16)
    ap.add_argument("--sample-repeats", type=int, default=5)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    rng = random.Random(7)
    ps = [p.requires_grad_() for p in init(a.vocab, a.block, a.layers, a.embd)]
    ref = [p.detach().clone() for p in ps]
    opt = torch.optim.Adam(ps, lr=5e-4)
    beta, n = 0.1, a.pairs
    batches = [batch(rng, a.vocab, n) for _ in range(16)]
    with torch.no_grad():
        cached = [seq_logps(ref, a.heads, *bt) for bt in batches]

    times, lengths, spent, s = [], [], 0.0, 0
    while s < a.warmup + a.steps and (s < a.warmup + 5 or spent < a.budget_s):
        ids, attn, cmask = batches[s % len(batches)]
        r = cached[s % len(batches)]
        t0 = time.perf_counter()
        pol = seq_logps(ps, a.heads, ids, attn, cmask)
        h = (pol[:n] - r[:n]) - (pol[n:] - r[n:])
        loss = -F.logsigmoid(beta * h).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(ps, 10.0)
        opt.step()
        ms = (time.perf_counter() - t0) * 1000
        spent += ms / 1000
        s += 1
        if s > a.warmup:
            times.append(ms)
            lengths.append(ids.shape[1])

    # The app's evaluation prompts: [eot] + 3–15 tokens, at most 8 (bench/harness.ts).
    prompts = [[a.vocab - 1] + [rng.randint(0, a.vocab - 2) for _ in range(rng.randint(3, 15))] for _ in range(a.prompts)]
    prompts = [p[:8] for p in prompts]
    gen = torch.Generator().manual_seed(5)
    sample(ps, a.heads, prompts[:2], 2, gen)  # warm-up
    sample_ms = []
    for _ in range(a.sample_repeats):
        t0 = time.perf_counter()
        toks, _ = sample(ps, a.heads, prompts, a.new_tokens, gen)
        sample_ms.append((time.perf_counter() - t0) * 1000)
    q = statistics.quantiles(times, n=10) if len(times) > 1 else [times[0]] * 9
    print(
        json.dumps(
            {
                "torch": torch.__version__,
                "threads": torch.get_num_threads(),
                "rows": 2 * n,
                "paddedT": statistics.median(lengths),
                "stepMs": {"median": statistics.median(times), "p10": q[0], "p90": q[-1]},
                "steps": len(times),
                "sampling": {
                    "prompts": a.prompts,
                    "newTokens": a.new_tokens,
                    "ms": statistics.median(sample_ms),
                    "tokensPerSecond": toks.numel() / (statistics.median(sample_ms) / 1000),
                    "repeats": len(sample_ms),
                },
            }
        )
    )


if __name__ == "__main__":
    main()

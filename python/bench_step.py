"""The bench's DPO step in PyTorch on the CPU: what an ML engineer would run instead.

`npm run bench` runs it (bench/torchRow.ts) through the project's venv:
  python python/bench_step.py --preset nano --vocab 1024 --block 64 --layers 2 --heads 2 \
      --embd 32 [--steps 20 --warmup 3 --threads N --budget-s 20]
and reads one JSON line from stdout.

The same step as the app's PreferenceTrainer (src/pipeline/preferenceStep.ts): 8 pairs = 16
rows, prompt 4–16 + completion 4–16 tokens right-padded to the batch's longest row (≤ 32),
the app's GPT (pre-LN, GELU-tanh, tied head, no dropout, GPT-2 init), one concatenated
forward of chosen and rejected, summed completion log-probs, π_ref's log-probs computed once
and cached, DPO sigmoid loss at β = 0.1, global grad-norm clip 10, Adam lr 5e-4. Threads:
the machine's cores unless --threads says otherwise.
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
from torch import nn


class Block(nn.Module):
    def __init__(self, c: int, n_head: int, eps: float):
        super().__init__()
        self.n_head = n_head
        self.ln_1 = nn.LayerNorm(c, eps=eps)
        self.ln_2 = nn.LayerNorm(c, eps=eps)
        self.c_attn = nn.Linear(c, 3 * c)
        self.attn_proj = nn.Linear(c, c)
        self.c_fc = nn.Linear(c, 4 * c)
        self.mlp_proj = nn.Linear(4 * c, c)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        b, t, c = x.shape
        nh, hs = self.n_head, c // self.n_head
        q, k, v = (
            z.view(b, t, nh, hs).transpose(1, 2) for z in self.c_attn(self.ln_1(x)).split(c, 2)
        )
        # mask [B, 1, T, T]: causal and key padding, as the app's attentionBias.
        y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)  # [B, nh, T, hs]
        x = x + self.attn_proj(y.transpose(1, 2).reshape(b, t, c))
        return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh"))


class GPT(nn.Module):
    def __init__(self, vocab: int, block: int, layers: int, heads: int, embd: int):
        super().__init__()
        self.wte = nn.Embedding(vocab, embd)
        self.wpe = nn.Embedding(block, embd)
        self.h = nn.ModuleList(Block(embd, heads, 1e-5) for _ in range(layers))
        self.ln_f = nn.LayerNorm(embd, eps=1e-5)
        for name, p in self.named_parameters():
            if name.endswith("bias"):
                nn.init.zeros_(p)
            elif "ln_" in name:
                nn.init.ones_(p)
            else:
                std = 0.02 / (2 * layers) ** 0.5 if name.endswith("proj.weight") else 0.02
                nn.init.normal_(p, 0, std)

    def forward(self, ids: torch.Tensor, attn: torch.Tensor) -> torch.Tensor:
        t = ids.shape[1]
        pos = (attn.long().cumsum(1) - 1).clamp(min=0)  # real tokens before, as the app
        causal = torch.tril(torch.ones(t, t, dtype=torch.bool))
        mask = causal[None, None] & attn.bool()[:, None, None, :]
        mask = mask | torch.eye(t, dtype=torch.bool)[None, None]  # padded rows stay finite
        x = self.wte(ids) + self.wpe(pos)
        for blk in self.h:
            x = blk(x, mask)
        return self.ln_f(x) @ self.wte.weight.T  # tied head [B, T, V]


def batch(rng: random.Random, vocab: int, pairs: int):
    """Right-padded chosen rows then rejected rows, with attention and completion masks."""
    eot = vocab - 1
    rows, comp = [], []
    prompts = [[eot] + [rng.randint(0, vocab - 2) for _ in range(rng.randint(3, 15))] for _ in range(pairs)]
    for _side in ("chosen", "rejected"):  # same prompts, fresh completions
        for p in prompts:
            c = [rng.randint(0, vocab - 2) for _ in range(rng.randint(3, 15))] + [eot]
            rows.append(p + c)
            comp.append([0] * len(p) + [1] * len(c))
    t = max(len(r) for r in rows)
    ids = torch.full((len(rows), t), eot, dtype=torch.long)
    attn = torch.zeros(len(rows), t)
    cmask = torch.zeros(len(rows), t)
    for i, (r, c) in enumerate(zip(rows, comp)):
        ids[i, : len(r)] = torch.tensor(r)
        attn[i, : len(r)] = 1
        cmask[i, : len(c)] = torch.tensor(c, dtype=torch.float)
    return ids, attn, cmask


def seq_logps(model: GPT, ids, attn, cmask) -> torch.Tensor:
    logits = model(ids, attn)[:, :-1]  # [N, T−1, V] predicts ids[:, 1:]
    logp = torch.gather(F.log_softmax(logits, -1), 2, ids[:, 1:, None]).squeeze(2)
    return (logp * cmask[:, 1:]).sum(1)  # [N]


def matmul_gflops(m: int, k: int, n: int, repeats: int = 10) -> float:
    """[m, k] × [k, n] GFLOP/s, median of repeats: the bench's matMul column for PyTorch."""
    a, b = torch.randn(m, k), torch.randn(k, n)
    times = []
    for i in range(repeats + 2):
        t0 = time.perf_counter()
        torch.mm(a, b)
        if i >= 2:
            times.append(time.perf_counter() - t0)
    return 2 * m * k * n / statistics.median(times) / 1e9


def main() -> None:
    ap = argparse.ArgumentParser()
    for k in ("vocab", "block", "layers", "heads", "embd"):
        ap.add_argument(f"--{k}", type=int, required=True)
    ap.add_argument("--preset", default="?")
    ap.add_argument("--pairs", type=int, default=8)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--budget-s", type=float, default=30.0)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    rng = random.Random(7)
    policy = GPT(a.vocab, a.block, a.layers, a.heads, a.embd)
    reference = GPT(a.vocab, a.block, a.layers, a.heads, a.embd)
    reference.load_state_dict(policy.state_dict())
    reference.requires_grad_(False)
    opt = torch.optim.Adam(policy.parameters(), lr=5e-4)
    beta, n = 0.1, a.pairs
    batches = [batch(rng, a.vocab, n) for _ in range(16)]
    with torch.no_grad():  # π_ref's log-probs, cached once per batch
        cached = [seq_logps(reference, *b) for b in batches]

    times, cpu, lengths, tokens, first = [], [], [], [], float("nan")
    spent, s = 0.0, 0
    while s < a.warmup + a.steps and (s < a.warmup + 5 or spent < a.budget_s):
        ids, attn, cmask = batches[s % len(batches)]
        ref = cached[s % len(batches)]
        t0, c0 = time.perf_counter(), time.process_time()
        pol = seq_logps(policy, ids, attn, cmask)
        h = (pol[:n] - ref[:n]) - (pol[n:] - ref[n:])
        loss = -F.logsigmoid(beta * h).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(policy.parameters(), 10.0)
        opt.step()
        ms = (time.perf_counter() - t0) * 1000
        cpu_ms = (time.process_time() - c0) * 1000
        spent += ms / 1000
        s += 1
        if s == 1:
            first = ms
        if s > a.warmup:
            times.append(ms)
            cpu.append(cpu_ms)
            lengths.append(ids.shape[1])
            tokens.append(float(attn.sum()))
    t = round(statistics.median(lengths))
    mm = [matmul_gflops(2 * n * t, a.embd, k) for k in (4 * a.embd, a.vocab)]
    q = statistics.quantiles(times, n=10) if len(times) > 1 else [times[0]] * 9
    print(
        json.dumps(
            {
                "torch": torch.__version__,
                "threads": torch.get_num_threads(),
                "preset": a.preset,
                "rows": 2 * n,
                "paddedT": statistics.median(lengths),
                "firstStepMs": first,
                "stepMs": {"median": statistics.median(times), "p10": q[0], "p90": q[-1]},
                "cpuMs": statistics.median(cpu),
                "nonPadTokensPerStep": statistics.mean(tokens),
                "matmulGflops": max(mm),
                "steps": len(times),
            }
        )
    )


if __name__ == "__main__":
    main()

"""SFT checkpoint of the playground's GPT in PyTorch (CPU), written in the app's format.

Run by `npm run pretrain:torch` (scripts/pretrain-torch.ts), which first writes DATA/:
  job.json      config (nLayer, nHead, nEmbd, blockSize, vocabSize, layerNormEps), training
                settings, parity rows (token ids) and where to write the checkpoint
  tokenizer.json  the app's BPE (TokenizerJSON), copied into the checkpoint as is
  train.bin, heldout.bin  int32 token streams ([eot, doc0..., eot, doc1..., eot])
This script trains, then writes job["out"] (a dpo-playground-checkpoint JSON) and
DATA/parity.json: Σ log p of each parity row under the trained model, which the Node side
recomputes with the app's model and compares.

The model is src/model/gpt.ts, term for term: token + learned position embeddings, pre-LN
blocks (LayerNorm eps from the config, causal attention with scale 1/√hs, 4× MLP with
GELU-tanh, GPT-2's gelu_new), final LayerNorm, LM head tied to wte without a bias; every
Linear is a Conv1D-layout weight [in, out] plus a bias; GPT-2 initialisation.
"""

from __future__ import annotations

import argparse
import base64
import json
import math
import os
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


class Block(nn.Module):
    def __init__(self, n_embd: int, n_head: int, eps: float):
        super().__init__()
        c = n_embd
        self.n_head = n_head
        self.ln_1 = nn.LayerNorm(c, eps=eps)
        self.ln_2 = nn.LayerNorm(c, eps=eps)
        # Conv1D layout [in, out], as GPT-2 and the app store them.
        self.c_attn_w = nn.Parameter(torch.empty(c, 3 * c))
        self.c_attn_b = nn.Parameter(torch.zeros(3 * c))
        self.attn_proj_w = nn.Parameter(torch.empty(c, c))
        self.attn_proj_b = nn.Parameter(torch.zeros(c))
        self.c_fc_w = nn.Parameter(torch.empty(c, 4 * c))
        self.c_fc_b = nn.Parameter(torch.zeros(4 * c))
        self.mlp_proj_w = nn.Parameter(torch.empty(4 * c, c))
        self.mlp_proj_b = nn.Parameter(torch.zeros(c))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, t, c = x.shape
        nh, hs = self.n_head, c // self.n_head
        qkv = self.ln_1(x) @ self.c_attn_w + self.c_attn_b  # [B, T, 3C]
        q, k, v = (z.view(b, t, nh, hs).transpose(1, 2) for z in qkv.split(c, dim=2))
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)  # [B, nh, T, hs], scale 1/√hs
        y = y.transpose(1, 2).reshape(b, t, c)
        x = x + (y @ self.attn_proj_w + self.attn_proj_b)
        h = F.gelu(self.ln_2(x) @ self.c_fc_w + self.c_fc_b, approximate="tanh")
        return x + (h @ self.mlp_proj_w + self.mlp_proj_b)


class GPT(nn.Module):
    def __init__(self, cfg: dict):
        super().__init__()
        self.cfg = cfg
        v, t, c, layers = cfg["vocabSize"], cfg["blockSize"], cfg["nEmbd"], cfg["nLayer"]
        self.wte = nn.Parameter(torch.empty(v, c))
        self.wpe = nn.Parameter(torch.empty(t, c))
        self.h = nn.ModuleList(Block(c, cfg["nHead"], cfg["layerNormEps"]) for _ in range(layers))
        self.ln_f = nn.LayerNorm(c, eps=cfg["layerNormEps"])
        # GPT-2 init: N(0, 0.02); residual projections N(0, 0.02/√(2L)); LN 1/0; biases 0.
        for name, p in self.named_parameters():
            if name.endswith("_w") or name in ("wte", "wpe"):
                std = 0.02 / math.sqrt(2 * layers) if "proj_w" in name else 0.02
                nn.init.normal_(p, 0.0, std)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        t = ids.shape[1]
        x = self.wte[ids] + self.wpe[torch.arange(t)]
        for block in self.h:
            x = block(x)
        return self.ln_f(x) @ self.wte.T  # tied head, no bias: [B, T, V]

    def app_params(self) -> dict[str, torch.Tensor]:
        """GPT-2 names (the app's parameterShapes) → tensors in the app's layouts."""
        out = {"wte.weight": self.wte, "wpe.weight": self.wpe}
        for i, b in enumerate(self.h):
            p = f"h.{i}"
            out |= {
                f"{p}.ln_1.weight": b.ln_1.weight,
                f"{p}.ln_1.bias": b.ln_1.bias,
                f"{p}.attn.c_attn.weight": b.c_attn_w,
                f"{p}.attn.c_attn.bias": b.c_attn_b,
                f"{p}.attn.c_proj.weight": b.attn_proj_w,
                f"{p}.attn.c_proj.bias": b.attn_proj_b,
                f"{p}.ln_2.weight": b.ln_2.weight,
                f"{p}.ln_2.bias": b.ln_2.bias,
                f"{p}.mlp.c_fc.weight": b.c_fc_w,
                f"{p}.mlp.c_fc.bias": b.c_fc_b,
                f"{p}.mlp.c_proj.weight": b.mlp_proj_w,
                f"{p}.mlp.c_proj.bias": b.mlp_proj_b,
            }
        return out | {"ln_f.weight": self.ln_f.weight, "ln_f.bias": self.ln_f.bias}


def learning_rate(step: int, s: dict) -> float:
    """src/pipeline/sftRun.ts sftLearningRate: linear warm-up, cosine to 10 % of the peak."""
    if step < s["warmupSteps"]:
        return s["lr"] * (step + 1) / s["warmupSteps"]
    p = (step - s["warmupSteps"]) / max(1, s["steps"] - s["warmupSteps"])
    return s["lr"] * (0.1 + 0.45 * (1 + math.cos(math.pi * min(1.0, p))))


def windows(stream: torch.Tensor, b: int, t: int, gen: torch.Generator) -> torch.Tensor:
    """B random windows of T + 1 tokens (inputs and next-token targets): [B, T + 1]."""
    starts = torch.randint(0, len(stream) - t - 1, (b,), generator=gen)
    return torch.stack([stream[s : s + t + 1] for s in starts.tolist()])


@torch.no_grad()
def held_out_loss(model: GPT, stream: torch.Tensor, s: dict, batches: int = 40) -> float:
    gen = torch.Generator().manual_seed(s["seed"] + 1)
    total = 0.0
    for _ in range(batches):
        w = windows(stream, s["batchSize"], s["blockSize"], gen)
        logits = model(w[:, :-1])
        total += F.cross_entropy(logits.flatten(0, 1), w[:, 1:].flatten()).item()
    return total / batches


@torch.no_grad()
def sequence_logprob(model: GPT, ids: list[int]) -> float:
    """Σ_t log p(ids[t] | ids[<t]) for t ≥ 1, as the app's `logprob(text)` sums it."""
    x = torch.tensor([ids])
    lp = F.log_softmax(model(x)[0, :-1].double(), dim=-1)
    return lp.gather(1, x[0, 1:, None]).sum().item()


def b64(t: torch.Tensor) -> str:
    return base64.b64encode(t.detach().contiguous().float().numpy().astype("<f4").tobytes()).decode()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data", help="folder written by scripts/pretrain-torch.ts")
    data = ap.parse_args().data
    job = json.load(open(os.path.join(data, "job.json")))
    cfg, s = job["config"], job["settings"]
    torch.manual_seed(s["seed"])
    torch.set_num_threads(s["threads"])
    torch.use_deterministic_algorithms(True)

    def stream(name: str) -> torch.Tensor:
        return torch.from_numpy(np.fromfile(os.path.join(data, name), dtype="<i4").astype(np.int64))

    train, held = stream("train.bin"), stream("heldout.bin")
    model = GPT(cfg)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"{len(train)} train tokens, {len(held)} held-out; {n_params} parameters", flush=True)
    decay = [p for n, p in model.named_parameters() if n.endswith("_w") or n in ("wte", "wpe")]
    rest = [p for n, p in model.named_parameters() if not (n.endswith("_w") or n in ("wte", "wpe"))]
    opt = torch.optim.AdamW(
        [{"params": decay, "weight_decay": s["weightDecay"]}, {"params": rest, "weight_decay": 0.0}],
        lr=s["lr"],
        betas=(0.9, 0.95),
    )
    gen = torch.Generator().manual_seed(s["seed"])
    t0 = time.perf_counter()
    loss = float("nan")
    for step in range(s["steps"]):
        for g in opt.param_groups:
            g["lr"] = learning_rate(step, s)
        w = windows(train, s["batchSize"], s["blockSize"], gen)
        logits = model(w[:, :-1])
        loss_t = F.cross_entropy(logits.flatten(0, 1), w[:, 1:].flatten())
        opt.zero_grad(set_to_none=True)
        loss_t.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), s["maxGradNorm"])
        opt.step()
        if (step + 1) % s["logEvery"] == 0 or step == 0:
            loss = loss_t.item()
            print(f"step {step + 1} loss {loss:.3f} ({time.perf_counter() - t0:.0f} s)", flush=True)
    loss = loss_t.item()
    model.eval()
    held_loss = held_out_loss(model, held, s)
    seconds = time.perf_counter() - t0
    print(f"train loss {loss:.4f}, held-out loss {held_loss:.4f}; {seconds:.0f} s", flush=True)

    params = {name: {"shape": list(t.shape), "data": b64(t)} for name, t in model.app_params().items()}
    checkpoint = {
        "format": "dpo-playground-checkpoint",
        "version": 1,
        "config": cfg | {"dropout": 0},
        "tokenizer": json.load(open(os.path.join(data, "tokenizer.json"))),
        "params": params,
        "meta": job["meta"]
        | {
            "torch": torch.__version__,
            "threads": s["threads"],
            "finalTrainLoss": round(loss, 4),
            "heldOutLoss": round(held_loss, 4),
            "seconds": round(seconds),
        },
    }
    with open(job["out"], "w") as f:
        json.dump(checkpoint, f, separators=(",", ":"))
    parity = [sequence_logprob(model, ids) for ids in job["parityRows"]]
    json.dump({"logprobs": parity}, open(os.path.join(data, "parity.json"), "w"))
    print(f"wrote {job['out']}", flush=True)


if __name__ == "__main__":
    main()

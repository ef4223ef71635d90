"""The job's passes over token ids: sampling from a model, and the exact KL and summed
log-probs of completions (job.py; the app's evaluate.ts and preferenceTrainer.ts are what they
match, python/test_trl_kl.py holds them to it)."""

import torch
from transformers import GenerationConfig

ROWS_PER_GENERATE = 64


@torch.no_grad()
def generate_rows(model, rows: list[list[int]], temperature: float, max_new: int, eot: int, seed: int):
    """One sampled completion per row (prompt ids), in row order. Rows of one length generate
    together, so no prompt is padded (GPT-2's absolute positions stay those of the app)."""
    n_ctx = model.config.n_positions
    too_long = [r for r in rows if len(r) + max_new > n_ctx]
    if too_long:
        raise SystemExit(f"a prompt of {len(too_long[0])} tokens + {max_new} new exceeds the context {n_ctx}")
    cfg = GenerationConfig(
        do_sample=True, temperature=temperature, top_k=0, top_p=1.0, max_new_tokens=max_new,
        eos_token_id=eot, pad_token_id=eot,
    )  # fmt: skip
    torch.manual_seed(seed)
    device = next(model.parameters()).device
    by_len: dict[int, list[int]] = {}
    for i, r in enumerate(rows):
        by_len.setdefault(len(r), []).append(i)
    out: list[list[int]] = [[] for _ in rows]
    for length in sorted(by_len):
        idx = by_len[length]
        for s in range(0, len(idx), ROWS_PER_GENERATE):
            chunk = idx[s : s + ROWS_PER_GENERATE]
            x = torch.tensor([rows[i] for i in chunk], device=device)
            g = model.generate(input_ids=x, attention_mask=torch.ones_like(x), generation_config=cfg)
            for i, ids in zip(chunk, g[:, length:].tolist()):
                out[i] = ids[: ids.index(eot) + 1] if eot in ids else ids
    return out


def padded_chunks(rows: list[tuple[list[int], list[int]]], eot: int, device):
    """(chunk, ids [N, T], mask [N, T]) per ROWS_PER_GENERATE rows: prompt + completion, right-padded with eot."""
    for s in range(0, len(rows), ROWS_PER_GENERATE):
        chunk = rows[s : s + ROWS_PER_GENERATE]
        T = max(len(p) + len(c) for p, c in chunk)
        ids = torch.full((len(chunk), T), eot, dtype=torch.long, device=device)
        mask = torch.zeros_like(ids)
        for i, (p, c) in enumerate(chunk):
            ids[i, : len(p) + len(c)] = torch.tensor(p + c, device=device)
            mask[i, : len(p) + len(c)] = 1
        yield chunk, ids, mask


@torch.no_grad()
def sequence_kl(policy, reference, rows: list[tuple[list[int], list[int]]], temperature: float, eot: int):
    """Σ_t KL(π_θ^T ‖ π_ref^T) over each completion's tokens (evaluate.ts compareModels)."""
    out = []
    for chunk, ids, mask in padded_chunks(rows, eot, next(policy.parameters()).device):
        logp = torch.log_softmax(policy(input_ids=ids, attention_mask=mask).logits.float() / temperature, -1)
        logq = torch.log_softmax(reference(input_ids=ids, attention_mask=mask).logits.float() / temperature, -1)
        kl = (logp.exp() * (logp - logq)).sum(-1)  # [N, T]: position t predicts token t + 1
        for i, (p, c) in enumerate(chunk):
            out.append(kl[i, len(p) - 1 : len(p) - 1 + len(c)].double().sum().item())
    return out


@torch.no_grad()
def completion_logps(model, rows: list[tuple[list[int], list[int]]], eot: int) -> list[float]:
    """Σ_t log π(y_t | x, y<t) over each completion (T = 1), as preferenceTrainer precomputes."""
    out = []
    for chunk, ids, mask in padded_chunks(rows, eot, next(model.parameters()).device):
        logp = torch.log_softmax(model(input_ids=ids, attention_mask=mask).logits.float(), -1)
        tok = logp[:, :-1].gather(2, ids[:, 1:, None])[..., 0]  # [N, T−1]
        for i, (p, c) in enumerate(chunk):
            out.append(tok[i, len(p) - 1 : len(p) - 1 + len(c)].double().sum().item())
    return out


def pair_rows(pairs: list[dict], side: str) -> list[tuple[list[int], list[int]]]:
    return [(p["prompt_ids"], p[f"{side}_ids"]) for p in pairs]

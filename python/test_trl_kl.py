"""The TRL job's evaluation against the app's (issue 26), run by `npm run test:interop`
(scripts/interop.sh). scripts/trl-kl-fixture.ts exports a TRL job whose π_ref (model/) is the
micro SFT model, writes a perturbed π_θ as a Hugging Face folder, π_θ's samples of 48 test prompts
(token ids) and the app's own evaluation of them (frontierEval.ts: r* and the exact per-token
KL(π_θ ‖ π_ref) per sample, at temperature 0.8). The exported job.py's own functions score the
same ids; the test asserts:
  1. job.py tokenises each prompt to the app's ids;
  2. its KL per sample equals the app's within 1e-4 nats (and the mean, the standard error);
  3. its r* per sample equals the app's within 1e-9, on the texts it decodes itself;
  4. a few DPO updates (β = 1, Adam with the app's warm-up) of π_ref on one batch of 16 pairs,
     job.py's DPOTrainer against the app's PreferenceTrainer: the loss of every step and the
     trained model's summed log-probs of every completion agree (1e-3 nats).
Exits 1 on any failure; never skips. Usage: python python/test_trl_kl.py [--keep DIR]
"""

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOL_KL = 1e-4  # nats per sequence (float32 logits in both stacks)
TOL_REWARD = 1e-9
TOL_TRAIN = 1e-3  # nats per sequence after the updates; the loss per step to 1e-4
failures: list[str] = []


def check(ok: bool, what: str) -> None:
    print(f"  {'ok  ' if ok else 'FAIL'} {what}")
    if not ok:
        failures.append(what)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--keep", help="write the fixture to this folder and keep it")
    opts = ap.parse_args()
    work = Path(opts.keep or tempfile.mkdtemp(prefix="dpo-trl-kl-"))
    print(f"trl kl: the app's evaluation, in {work}")
    cmd = ["node", "--import", "tsx", "scripts/trl-kl-fixture.ts", "--out", str(work)]
    subprocess.run(cmd, cwd=ROOT, check=True)
    fx = json.loads((work / "eval.json").read_text(encoding="utf-8"))

    sys.path.insert(0, str(work / "job"))
    import torch
    from job import Job, completion_logps, mean_stderr

    torch.set_num_threads(1)  # as the job runs under accelerate here; a tiny model gains nothing from more
    from transformers import AutoModelForCausalLM

    texts = [p["text"] for p in fx["prompts"]]
    e = {"prompts": len(texts), "samplesPerPrompt": 1, "validationPrompts": 0, "temperature": fx["temperature"]}
    spec = {"sweep": {"data": {"prompts": 0}, "eval": e}}
    job = Job(spec, {"train": [], "eval": texts, "validation": []}, work / "job" / "model", work)
    policy = AutoModelForCausalLM.from_pretrained(work / "policy").eval()

    print("1. prompts")
    rows = [job.ids(t) for t in texts]
    check(job.eot == fx["eot"], f"end-of-text is id {fx['eot']}")
    check(rows == [p["ids"] for p in fx["prompts"]], f"job.py tokenises the {len(rows)} prompts as the app does")
    exported = json.loads((work / "job" / "prompts.json").read_text(encoding="utf-8"))["eval"]
    check(exported[: len(texts)] == texts, "they are the exported job's test prompts")
    lengths = sorted({len(r) for r in rows})
    cut = sum(1 for c in fx["completions"] if c[-1] != fx["eot"])
    what = f"prompts of {len(lengths)} lengths; {cut} samples cut, the rest ended"
    check(len(lengths) > 3 and 0 < cut < len(rows), what)

    print("2. KL(π_θ ‖ π_ref), exact per token, summed per sample")
    rewards, kls, decoded = job.score(policy, texts, [p["ids"] for p in fx["prompts"]], fx["completions"])
    worst = max(abs(a - b) for a, b in zip(kls, fx["kls"]))
    print(f"  app mean {fx['kl']:.6f} ± {fx['klStderr']:.6f}; max |Δ| per sample {worst:.2e}")
    check(min(fx["kls"]) > 0.01 and fx["kl"] > 1, "the two models differ (KL well above zero)")
    check(len(kls) == len(fx["kls"]) and worst <= TOL_KL, f"job.py's KL per sample equals the app's within {TOL_KL}")
    k, ks = mean_stderr(kls)
    check(abs(k - fx["kl"]) <= TOL_KL and abs(ks - fx["klStderr"]) <= TOL_KL, f"mean {k:.6f} ± {ks:.6f}")

    print("3. r*(x, y)")
    check(decoded == fx["texts"], "job.py decodes the completions to the app's texts")
    worst_r = max(abs(a - b) for a, b in zip(rewards, fx["rewards"]))
    r, rs = mean_stderr(rewards)
    print(f"  app mean {fx['reward']:.6f} ± {fx['rewardStderr']:.6f}; job.py {r:.6f} ± {rs:.6f}")
    check(len({round(x, 9) for x in fx["rewards"]}) > 10, "the rewards vary across samples")
    check(
        worst_r <= TOL_REWARD,
        f"job.py's r* per sample equals the app's within {TOL_REWARD} (max |Δ| {worst_r:.1e})",
    )

    print("4. DPO updates on one batch (the same pairs every step: no batch order to differ)")
    tr = fx["train"]
    run = {"id": "dpo-parity", "beta": tr["beta"], "trl": {"kind": "dpo", "lossType": ["sigmoid"]},
           "train": {"steps": tr["steps"], "batchSize": len(tr["pairs"]), "lr": tr["lr"],
                     "warmupSteps": tr["warmupSteps"], "maxGradNorm": tr["maxGradNorm"]}}  # fmt: skip
    trainer = job.dpo_trainer(run, tr["pairs"], 0, 1)
    trainer.train()
    losses = [r["loss"] for r in trainer.state.log_history if "loss" in r]
    print(f"  loss per step, app {[round(x, 5) for x in tr['losses']]}")
    print(f"                 TRL {[round(x, 5) for x in losses]}")
    check(tr["losses"][-1] < 0.5 * tr["losses"][0], "the app's loss falls (the updates do something)")
    worst_l = max((abs(a - b) for a, b in zip(losses, tr["losses"])), default=float("inf"))
    what = f"DPOTrainer's loss per step equals the app's (max |Δ| {worst_l:.1e})"
    check(len(losses) == tr["steps"] and worst_l <= 1e-4, what)
    trained = trainer.model.eval()

    def logps(model) -> list[float]:  # Σ_t log π(y_t) of the chosen, then the rejected
        side = lambda k: [(p["prompt_ids"], p[f"{k}_ids"]) for p in tr["pairs"]]  # noqa: E731
        return completion_logps(model, side("chosen"), job.eot) + completion_logps(model, side("rejected"), job.eot)

    ours, before = logps(trained), logps(job.reference)
    app = tr["chosenLogps"] + tr["rejectedLogps"]
    moved = max(abs(a - b) for a, b in zip(app, before))
    worst_t = max(abs(a - b) for a, b in zip(ours, app))
    check(moved > 100 * TOL_TRAIN, f"training moved the log-probs (max {moved:.2f} nats)")
    check(worst_t <= TOL_TRAIN, f"the trained models' Σ log π of the 32 completions agree (max |Δ| {worst_t:.1e})")

    if not opts.keep:
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        print(f"trl kl: {len(failures)} checks failed")
        sys.exit(1)
    print("trl kl: all checks passed")


if __name__ == "__main__":
    main()

"""The TRL job's evaluation against the app's (issue 26), run by `npm run test:interop`
(scripts/interop.sh). scripts/trl-kl-fixture.ts exports a TRL job whose π_ref (model/) is the
micro SFT model, writes a perturbed π_θ as a Hugging Face folder, π_θ's samples of 48 test prompts
(token ids) and the app's own evaluation of them (frontierEval.ts: r* and the exact per-token
KL(π_θ ‖ π_ref) per sample, at temperature 0.8). The exported job.py's own functions score the
same ids; the test asserts:
  1. job.py tokenises each prompt to the app's ids;
  2. its KL per sample equals the app's within 1e-4 nats (and the mean, the standard error);
  3. its r* per sample equals the app's within 1e-9, on the texts it decodes itself;
  4. a few updates (β = 1, Adam with the app's warm-up) of π_ref on one batch of 16 pairs, the
     exported runs' plans trained by job.py's trainers against the app's: DPO (DPOTrainer vs
     PreferenceTrainer), SimPO (CPOTrainer vs PreferenceTrainer), Preferred-FT (SFTTrainer vs
     PairFinetuner): the loss of every step (1e-4) and the trained model's summed log-probs of
     every completion (1e-3 nats) agree;
  5. RPO and ORPO, not wired: the exported job lists them as not run, and on the same batch TRL's
     step-0 loss differs from the app's exactly by its chosen NLL (the reason in their loss
     rows): the app's is the mean over pairs of NLL / |y_w|; DPOTrainer's "sft" is Σ NLL / Σ |y_w|
     over the batch, ORPOTrainer's the same over prompt and completion tokens.
Exits 1 on any failure; never skips. Usage: python python/test_trl_kl.py [--keep DIR]
"""

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from checks import check, finish

ROOT = Path(__file__).resolve().parent.parent
TOL_KL = 1e-4  # nats per sequence (float32 logits in both stacks)
TOL_REWARD = 1e-9
TOL_TRAIN = 1e-3  # nats per sequence after the updates; the loss per step to 1e-4


def not_wired(job, tr: dict, by: dict, side, check) -> None:
    """RPO and ORPO: the exported job lists them as not run, and on the fixture's batch (π_θ = π_ref,
    so DPO's term is log 2) TRL's step-0 loss is the app's with the chosen NLL's other average."""
    import math

    import torch
    from datasets import Dataset
    from job import SampledIdsCPOTrainer, completion_logps
    from trl.experimental.orpo import ORPOConfig, ORPOTrainer

    chosen, rejected = (completion_logps(job.reference, side(k), job.eot) for k in ("chosen", "rejected"))
    lens = {k: [len(c) for _, c in side(k)] for k in ("chosen", "rejected")}
    per_pair = sum(-s / n for s, n in zip(chosen, lens["chosen"])) / len(chosen)  # the app: mean of token means
    per_token = -sum(chosen) / sum(lens["chosen"])  # TRL: one token mean over the batch
    print(f"  chosen NLL: mean over pairs of token means {per_pair:.5f}, token mean over the batch {per_token:.5f}")
    check(len(set(lens["chosen"])) > 1 and abs(per_pair - per_token) > 1e-3, "the chosen lengths differ, and so do the two NLLs")
    # ORPOTrainer's NLL: every token after the first of prompt + chosen, one mean over the batch.
    whole = completion_logps(job.reference, [(p[:1], p[1:] + c) for p, c in side("chosen")], job.eot)
    with_prompt = -sum(whole) / sum(len(p) - 1 + len(c) for p, c in side("chosen"))
    defaults, beta, app = tr["lossDefaults"], tr["beta"], tr["stepZero"]
    for loss in ("rpo", "orpo"):
        r = by[loss]
        check(r["trl"] is None and "token mean" in r["unsupported"], f"{loss}: not run, {r['unsupported'][:60]}…")

    step0 = lambda trainer: (trainer.train(), trainer.state.log_history[0]["loss"])[1]  # noqa: E731
    one = {"steps": 1, "batchSize": len(tr["pairs"]), "lr": tr["lr"], "warmupSteps": 0, "maxGradNorm": tr["maxGradNorm"]}
    alpha = defaults["rpoAlpha"]
    plan = {"kind": "dpo", "lossType": ["sigmoid", "sft"], "lossWeights": [1.0, alpha]}
    trl_rpo = step0(job.trainer({"id": "rpo", "beta": beta, "trl": plan, "train": one}, tr["pairs"], 0, 1))
    want = {"app": math.log(2) + alpha * per_pair, "TRL": math.log(2) + alpha * per_token}
    print(f"  RPO α={alpha}: app {app['rpo']:.5f} (log 2 + α·pair mean {want['app']:.5f}), "
          f"DPOTrainer sigmoid+sft {trl_rpo:.5f} (log 2 + α·token mean {want['TRL']:.5f})")  # fmt: skip
    check(abs(app["rpo"] - want["app"]) < 1e-4 and abs(trl_rpo - want["TRL"]) < 1e-4, "RPO: the two losses are those")

    mean = lambda s, k: [x / n for x, n in zip(s, lens[k])]  # noqa: E731
    pw, pl = torch.tensor(mean(chosen, "chosen")), torch.tensor(mean(rejected, "rejected"))
    log_odds = lambda p: p - torch.log(-torch.expm1(p))  # noqa: E731
    ratio = torch.nn.functional.logsigmoid(log_odds(pw) - log_odds(pl)).mean().item()

    class IdsORPOTrainer(ORPOTrainer):
        tokenize_row = SampledIdsCPOTrainer.tokenize_row

    args = ORPOConfig(output_dir=str(job.out / "orpo"), beta=beta, max_length=64, per_device_train_batch_size=len(tr["pairs"]),
                      max_steps=1, learning_rate=tr["lr"], logging_steps=1, save_strategy="no", report_to="none", bf16=False, use_cpu=True)  # fmt: skip
    data = Dataset.from_list([{k: p[k] for k in ("prompt_ids", "chosen_ids", "rejected_ids")} for p in tr["pairs"]])
    trl_orpo = step0(IdsORPOTrainer(model=job.load_model(), args=args, train_dataset=data, processing_class=job.tok))
    want = {"app": per_pair - beta * ratio, "TRL": with_prompt - beta * ratio}
    print(f"  ORPO λ={beta}: app {app['orpo']:.5f} (pair-mean NLL − λ·log σ(log odds) {want['app']:.5f}), "
          f"ORPOTrainer {trl_orpo:.5f} (prompt + chosen token-mean NLL {with_prompt:.5f} − λ·… {want['TRL']:.5f})")  # fmt: skip
    check(abs(app["orpo"] - want["app"]) < 1e-4 and abs(trl_orpo - want["TRL"]) < 1e-4, "ORPO: the two losses are those")
    check(abs(app["simpo"] - tr["trained"]["simpo"]["losses"][0]) < 1e-9, "SimPO's step-0 loss is its trained run's first")


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

    tr = fx["train"]
    plans = {r["id"]: r for r in json.loads((work / "job" / "sweep.json").read_text(encoding="utf-8"))["runs"]}
    by = {r["config"].get("loss", r["algorithm"]): r for r in plans.values()}

    def side(k: str) -> list[tuple[list[int], list[int]]]:
        return [(p["prompt_ids"], p[f"{k}_ids"]) for p in tr["pairs"]]

    def logps(model) -> list[float]:  # Σ_t log π(y_t) of the chosen, then the rejected
        return completion_logps(model, side("chosen"), job.eot) + completion_logps(model, side("rejected"), job.eot)

    def trained(name: str, run: dict, app: dict) -> None:
        """The exported run's TRL trainer, a few updates on the whole batch, against the app's."""
        run = {**run, "train": {"steps": tr["steps"], "batchSize": len(tr["pairs"]), "lr": tr["lr"],
                                "warmupSteps": tr["warmupSteps"], "maxGradNorm": tr["maxGradNorm"]}}  # fmt: skip
        trainer = job.trainer(run, tr["pairs"], 0, 1)
        trainer.train()
        losses = [r["loss"] for r in trainer.state.log_history if "loss" in r]
        print(f"  {name} loss per step, app {[round(x, 5) for x in app['losses']]}")
        print(f"  {' ' * len(name)}                 TRL {[round(x, 5) for x in losses]}")
        check(app["losses"][-1] < 0.9 * app["losses"][0], f"{name}: the app's loss falls (the updates do something)")
        worst_l = max((abs(a - b) for a, b in zip(losses, app["losses"])), default=float("inf"))
        what = f"{name}: {type(trainer).__name__}'s loss per step equals the app's (max |Δ| {worst_l:.1e})"
        check(len(losses) == tr["steps"] and worst_l <= 1e-4, what)
        ours, before = logps(trainer.model.eval()), logps(job.reference)
        want = app["chosenLogps"] + app["rejectedLogps"]
        moved = max(abs(a - b) for a, b in zip(want, before))
        worst_t = max(abs(a - b) for a, b in zip(ours, want))
        check(moved > 10 * TOL_TRAIN, f"{name}: training moved the log-probs (max {moved:.2f} nats)")
        check(worst_t <= TOL_TRAIN, f"{name}: the trained models' Σ log π of the 32 completions agree (max |Δ| {worst_t:.1e})")

    print("4. updates on one batch (the same pairs every step: no batch order to differ)")
    check(by["sigmoid"]["trl"] == {"kind": "dpo", "lossType": ["sigmoid"]}, "DPO's exported plan: DPOTrainer sigmoid")
    trained("DPO", by["sigmoid"], tr)
    check(by["simpo"]["trl"]["kind"] == "cpo", f"SimPO's exported plan: CPOTrainer {by['simpo']['trl']}")
    trained("SimPO", by["simpo"], tr["trained"]["simpo"])
    check(by["preferred-ft"]["trl"] == {"kind": "sft"}, "Preferred-FT's exported plan: SFTTrainer")
    trained("Preferred-FT", by["preferred-ft"], tr["trained"]["chosenFt"])

    print("5. the step-0 losses TRL 1.13 computes otherwise (the reasons the loss rows give)")
    not_wired(job, tr, by, side, check)

    if not opts.keep:
        shutil.rmtree(work, ignore_errors=True)
    finish("trl kl")


if __name__ == "__main__":
    main()

"""A DPO Playground reward–KL frontier sweep on Hugging Face TRL + Accelerate (issue 26).

    accelerate launch job.py --config sweep.json --model model --out results

Per replicate seed, as the app's runner does (src/pipeline/frontier/sweep.ts):
  1. sample data.completionsPerPrompt completions of each train prompt from π_ref (generate at
     data.temperature, data.maxNewTokens tokens; a completion keeps the end-of-text it stopped
     on), score them with r* (reward.py) and pair them ('all': every pair, the higher reward
     chosen, ties dropped; 'best-vs-worst');
  2. evaluate π_ref once (the SFT point, step 0 of every run);
  3. train each run TRL can run (sweep.json's runs[].trl: its trainer and loss) on the sampled
     token ids (no re-tokenisation): DPOTrainer (DPO and its variants), CPOTrainer (SimPO),
     SFTTrainer (Preferred-FT: the chosen completions, completion-only loss); online DPO as
     rounds, each later round on fresh pairs sampled from π_θ and labelled by r*; its steps,
     batch, lr, linear warm-up then constant, grad clip; evaluate at every eval.every steps, at
     eval.at and at the end (a TrainerCallback);
  4. write points.json, points.csv and summary.json in the app's frontier format, which
     `npm run frontier -- CONFIG --replot --out OUT` reads; each run's `compute` (budget.ts
     RunCompute) is counted from what the job did: optimiser steps, sequences through π_θ's
     forward and backward, pairs presented, completions sampled and scored by r* for training.
Evaluation: fresh samples of π_θ on the eval prompts (eval.samplesPerPrompt each, eval.temperature),
their mean r*, and the exact KL Σ_t KL(π_θ^T(·|y<t) ‖ π_ref^T(·|y<t)) over each completion's
tokens (end-of-text included) at the sampling temperature T, mean over samples (nats).
Runs TRL cannot run are listed with the reason (sweep.json, the output's notRun) and skipped.
"""

import argparse
import csv
import json
import math
import os
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import torch
import transformers
import trl
from accelerate import PartialState
from datasets import Dataset
from transformers import AutoModelForCausalLM, AutoTokenizer, TrainerCallback
from trl import DPOConfig, SFTConfig
from trl.experimental.cpo import CPOConfig

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reward import ground_truth_reward  # noqa: E402
from sampling import completion_logps, generate_rows, pair_rows, sequence_kl  # noqa: E402
from trainers import ChosenSFTTrainer, SampledIdsCPOTrainer, SampledIdsDPOTrainer, trainer_name  # noqa: E402

HERE = Path(__file__).resolve().parent
TIE_EPSILON = 1e-6  # task/preferences.ts makePairs
VALIDATION_SEED_OFFSET = 7919  # sweep.ts: the validation evaluation's stream
ROUND_SEED_STRIDE = 100_003  # preferenceData.ts roundSeed: round r samples from seed + stride·(r − 1)
HELD_OUT_PROMPTS = 96  # sweep.ts: test prompts whose π_ref pairs measure held-out pair accuracy
POINT_COLUMNS = [
    "runId", "algorithm", "label", "seed", "step", "n", "kl", "klStderr", "klKind",
    "reward", "rewardStderr", "samples", "sample", "validationReward",
]  # fmt: skip


def log(*a) -> None:
    if PartialState().is_main_process:
        print(*a, flush=True)


def check_reward(path: Path, tol: float = 1e-9) -> float:
    """reward.py against the app's r* on the exported cases; exits when they disagree."""
    cases = json.loads(path.read_text(encoding="utf-8"))["cases"]
    worst = max(abs(ground_truth_reward(c["completion"], c["prompt"]) - c["reward"]) for c in cases)
    if not worst <= tol:
        raise SystemExit(f"reward.py differs from the app's r* by {worst:.3g} on {path}")
    return worst


def mean_stderr(xs: list[float]) -> tuple[float, float]:
    """Mean and s/√n (n − 1), as points.ts meanStderr."""
    n = len(xs)
    if n == 0:
        return math.nan, math.nan
    m = sum(xs) / n
    if n == 1:
        return m, 0.0
    return m, math.sqrt(sum((x - m) ** 2 for x in xs) / (n - 1) / n)


class Job:
    def __init__(self, spec: dict, prompts: dict, model_dir: Path, out: Path):
        self.spec, self.sweep, self.model_dir, self.out = spec, spec["sweep"], model_dir, out
        self.state = PartialState()
        self.tok = AutoTokenizer.from_pretrained(model_dir)
        self.eot = self.tok.eos_token_id
        self.tok.pad_token = self.tok.eos_token
        self.reference = self.load_model().eval()
        d, e = self.sweep["data"], self.sweep["eval"]
        self.train_prompts = prompts["train"][: d["prompts"]]
        self.eval_prompts = [p for p in prompts["eval"][: e["prompts"]] for _ in range(e["samplesPerPrompt"])]
        self.validation_prompts = prompts["validation"][: e["validationPrompts"]]
        self.points: list[dict] = []
        self.runs: list[dict] = []

    def load_model(self):
        return AutoModelForCausalLM.from_pretrained(self.model_dir, dtype=torch.float32).to(self.state.device)

    def ids(self, text: str) -> list[int]:
        return [self.eot, *self.tok(text, add_special_tokens=False)["input_ids"]]

    def decode(self, ids: list[int]) -> str:
        return self.tok.decode([i for i in ids if i != self.eot], clean_up_tokenization_spaces=False)

    def sample_pairs(self, prompts: list[str], seed: int, pairing: str, model=None) -> tuple[list[dict], dict]:
        """data.completionsPerPrompt samples of every prompt from `model` (π_ref), paired by r*; and
        how many completions were sampled and scored (RunCompute's generationSamples, rewardScored)."""
        d = self.sweep["data"]
        k = d["completionsPerPrompt"]
        rows = [self.ids(p) for p in prompts for _ in range(k)]
        comps = generate_rows(model or self.reference, rows, d["temperature"], d["maxNewTokens"], self.eot, seed)
        scored = 0
        pairs = []
        for j, prompt in enumerate(prompts):
            own = comps[j * k : (j + 1) * k]
            rewards = [ground_truth_reward(self.decode(c), prompt) for c in own]
            scored += len(rewards)
            for a, b in label_pairs(rewards, pairing):
                pairs.append({
                    "prompt_ids": self.ids(prompt), "chosen_ids": own[a], "rejected_ids": own[b],
                    "prompt": prompt, "chosen": self.decode(own[a]), "rejected": self.decode(own[b]),
                    "chosen_reward": rewards[a], "rejected_reward": rewards[b],
                })  # fmt: skip
        return pairs, {"generationSamples": len(comps), "rewardScored": scored}

    def evaluate(self, policy, prompts: list[str], seed: int):
        e = self.sweep["eval"]
        rows = [self.ids(p) for p in prompts]
        comps = generate_rows(policy, rows, e["temperature"], e["maxNewTokens"], self.eot, seed)
        rewards, kls, texts = self.score(policy, prompts, rows, comps)
        return rewards, kls, f"{prompts[0]} ⟶ {texts[0]}"

    def score(self, policy, prompts: list[str], rows: list[list[int]], comps: list[list[int]]):
        """Per sampled completion: r*(x, y) and the exact KL(π_θ ‖ π_ref) at eval.temperature, as
        the app's evaluateFrontier (python/test_trl_kl.py holds them to it); and the texts."""
        texts = [self.decode(c) for c in comps]
        rewards = [ground_truth_reward(t, p) for t, p in zip(texts, prompts)]
        kls = sequence_kl(policy, self.reference, list(zip(rows, comps)), self.sweep["eval"]["temperature"], self.eot)
        return rewards, kls, texts

    def point(self, run: dict, seed: int, step: int, policy, streams: dict) -> dict:
        was_training = policy.training
        policy.eval()
        rewards, kls, sample = self.evaluate(policy, self.eval_prompts, streams["eval"])
        r, rs = mean_stderr(rewards)
        k, ks = mean_stderr(kls)
        p = {
            "runId": run["id"], "algorithm": run["algorithm"], "label": run["label"], "step": step,
            "kl": k, "klStderr": ks, "klKind": "exact", "reward": r, "rewardStderr": rs,
            "samples": len(rewards), "sample": sample,
        }  # fmt: skip
        if self.validation_prompts:
            v, _, _ = self.evaluate(policy, self.validation_prompts, streams["eval"] + VALIDATION_SEED_OFFSET)
            p["validationReward"] = sum(v) / len(v)
        p["seed"] = seed
        policy.train(was_training)
        log(f"  {run['id']} step {step}: KL {k:.2f} reward {r:.3f} ± {rs:.3f}")
        return p

    def train_run(self, run: dict, pairs: list[dict], seed: int, streams: dict, sft_point: dict):
        """The run trained, evaluated along the way: its points, held-out accuracy, compute and the
        completions it sampled and scored itself (online rounds after the first)."""
        steps, rounds = run["train"]["steps"], run["trl"].get("rounds", 1)
        evals = {s for s in range(1, steps + 1) if s % run["evalEvery"] == 0}
        evals |= {s for s in self.sweep["eval"]["at"] if s <= steps} | {steps}
        own = [{**sft_point, "runId": run["id"], "algorithm": run["algorithm"], "label": run["label"]}]
        job, done = self, [0]  # steps of the rounds before this one

        class FrontierEval(TrainerCallback):
            def on_step_end(self, args, state, control, model=None, **kw):
                if done[0] + state.global_step in evals:
                    if job.state.is_main_process:
                        own.append(job.point(run, seed, done[0] + state.global_step, model, streams))
                    job.state.wait_for_everyone()

        model, optimizers, history = self.load_model(), (None, None), []
        counted = {"updates": 0, "sequences": 0, "labelPresentations": 0}
        drawn = {"generationSamples": 0, "rewardScored": 0}
        for r in range(1, rounds + 1):
            end = r * steps // rounds  # onlineDpoTrainer.ts roundStart(r + 1)
            if end == done[0]:
                continue  # more rounds than steps: this one has none
            if r > 1:  # fresh pairs from π_θ, labelled by r*; an all-tie round keeps the last pairs
                fresh, n = self.round_pairs(model, streams["data"] + ROUND_SEED_STRIDE * (r - 1), seed, r)
                drawn = {k: drawn[k] + n[k] for k in drawn}
                pairs = fresh or pairs
            trainer = self.trainer(run, pairs, seed, streams["order"] + r - 1, [FrontierEval()], model, optimizers, end - done[0])
            trainer.train()
            history += [{**h, "step": h["step"] + done[0]} for h in trainer.state.log_history if "step" in h]
            counted = {k: counted[k] + v for k, v in trainer.counted().items()}
            # Adam's state and the schedule carry over to the next round, as in the app.
            optimizers = (getattr(trainer.optimizer, "optimizer", trainer.optimizer), trainer.lr_scheduler)
            model, done[0] = trainer.model, end
        accuracy = None
        if self.state.is_main_process:  # the app's "Read a TRL run" panel opens it
            trainer.state.log_history, trainer.state.global_step = history, steps
            trainer.state.save_to_json(str(Path(trainer.args.output_dir) / "trainer_state.json"))
            if run["trl"]["kind"] == "dpo":  # DPO's implicit reward needs π_ref (sweep.ts)
                accuracy = self.implicit_accuracy(trainer.model.eval(), run["beta"])
        self.state.wait_for_everyone()
        return own, accuracy, counted, drawn

    def round_pairs(self, model, data_seed: int, seed: int, r: int) -> tuple[list[dict], dict]:
        """An online round's pairs: sampled from π_θ on the main process, shared through a file."""
        path = self.out / f"pairs-seed{seed}-round{r}.jsonl"
        drawn = {"generationSamples": 0, "rewardScored": 0}
        if self.state.is_main_process:
            was_training = model.training
            pairs, drawn = self.sample_pairs(self.train_prompts, data_seed, self.sweep["data"]["pairing"], model.eval())
            model.train(was_training)
            path.write_text("".join(json.dumps(p) + "\n" for p in pairs))
        self.state.wait_for_everyone()
        return [json.loads(line) for line in path.read_text().splitlines()], drawn

    def trainer(self, run: dict, pairs: list[dict], seed: int, order_seed: int, callbacks=(), model=None,
                optimizers=(None, None), steps: int | None = None):  # fmt: skip
        """The run's TRL trainer (its plan's kind) on the pairs' token ids: its loss, steps, batch,
        lr, grad clip, and the app's optimiser and schedule (python/test_trl_kl.py holds a few
        updates of each to the app's)."""
        t, plan = run["train"], run["trl"]
        world = self.state.num_processes
        if t["batchSize"] % world:
            raise SystemExit(f"{run['id']}: batch {t['batchSize']} is not a multiple of {world} processes")
        steps = t["steps"] if steps is None else steps
        common = dict(
            output_dir=str(self.out / "trl" / f"seed{seed}-{run['id']}"),
            max_length=self.reference.config.n_positions,
            per_device_train_batch_size=t["batchSize"] // world,
            learning_rate=t["lr"],
            max_steps=steps,
            max_grad_norm=t["maxGradNorm"],
            weight_decay=0.0,
            adam_epsilon=1e-7,  # tf.train.adam's (float32 backend epsilon)
            logging_steps=1 if steps <= 50 else 10,
            save_strategy="no",
            report_to="none",
            seed=order_seed,
            bf16=False,
            use_cpu=self.state.device.type == "cpu",
        )  # fmt: skip
        own = dict(model=model or self.load_model(), processing_class=self.tok, callbacks=list(callbacks),
                   optimizers=optimizers, warmup_steps=t["warmupSteps"])  # fmt: skip
        ids = lambda *keys: Dataset.from_list([{k: p[k] for k in keys} for p in pairs])  # noqa: E731
        if plan["kind"] == "sft":  # the chosen completions as prompt-completion rows
            rows = [{"input_ids": p["prompt_ids"] + p["chosen_ids"],
                     "completion_mask": [0] * len(p["prompt_ids"]) + [1] * len(p["chosen_ids"])} for p in pairs]  # fmt: skip
            args = SFTConfig(**common, completion_only_loss=True, loss_type="nll")
            return ChosenSFTTrainer(args=args, train_dataset=Dataset.from_list(rows), **own)
        data = ids("prompt_ids", "chosen_ids", "rejected_ids")
        if plan["kind"] == "cpo":
            args = CPOConfig(**common, beta=run["beta"], loss_type=plan["lossType"], **plan.get("args", {}))
            return SampledIdsCPOTrainer(args=args, train_dataset=data, **own)
        args = DPOConfig(
            **common,
            beta=run["beta"],
            loss_type=plan["lossType"],
            **({"loss_weights": plan["lossWeights"]} if plan.get("lossWeights") else {}),
            **plan.get("args", {}),
        )
        return SampledIdsDPOTrainer(ref_model=self.load_model().eval(), args=args, train_dataset=data, **own)

    def implicit_accuracy(self, policy, beta: float) -> dict:
        """DPO's implicit reward β·log π_θ/π_ref on the held-out pairs: share ranked as r* ranks
        them, a zero margin ½ (heldOut.ts implicitRewardAccuracy, objectives/agreement.ts)."""
        held, (ref_c, ref_r) = self.held_out
        pol_c, pol_r = (completion_logps(policy, pair_rows(held, s), self.eot) for s in ("chosen", "rejected"))
        margins = [beta * ((pc - rc) - (pr - rr)) for pc, rc, pr, rr in zip(pol_c, ref_c, pol_r, ref_r)]
        score = sum(1.0 if m > 0 else 0.5 if m == 0 else 0.0 for m in margins)
        return {"kind": "implicit", "accuracy": score / len(margins) if margins else math.nan, "pairs": len(margins)}

    def run_seed(self, seed: int, streams: dict) -> None:
        log(f"\n== seed {seed}")
        pairs_file = self.out / f"pairs-seed{seed}.jsonl"
        drawn = {"generationSamples": 0, "rewardScored": 0}  # the training data's, on the main process
        if self.state.is_main_process:
            pairs, drawn = self.sample_pairs(self.train_prompts, streams["data"], self.sweep["data"]["pairing"])
            pairs_file.write_text("".join(json.dumps(p) + "\n" for p in pairs))
        self.state.wait_for_everyone()
        pairs = [json.loads(line) for line in pairs_file.read_text().splitlines()]
        if not pairs:
            raise SystemExit("every sampled pair was a tie: no preferences")
        log(f"{len(pairs)} preference pairs")
        sft_point = None
        self.held_out = None
        if self.state.is_main_process:
            ref = {"id": "sft", "algorithm": "sft", "label": "SFT"}
            sft_point = self.point(ref, seed, 0, self.reference, streams)
            # The first 96 test prompts' π_ref pairs (heldOut.ts), for DPO's implicit reward.
            held_prompts = list(dict.fromkeys(self.eval_prompts))[:HELD_OUT_PROMPTS]
            held, _ = self.sample_pairs(held_prompts, streams["heldOutPairs"], "all")
            ref_logps = [completion_logps(self.reference, pair_rows(held, s), self.eot) for s in ("chosen", "rejected")]
            self.held_out = (held, ref_logps)
        for run in self.spec["runs"]:
            if run["trl"] is None:
                continue
            started = time.time()
            accuracy = None
            compute = {"updates": 0, "sequences": 0, "labelPresentations": 0, "generationSamples": 0, "rewardScored": 0}
            if run["trl"]["kind"] == "reference":
                own = [{**sft_point, "runId": run["id"], "algorithm": run["algorithm"], "label": run["label"]}] if sft_point else []
            else:
                log(f"[{run['id']}] {run['label']}: {trainer_name(run['trl'])}")
                own, accuracy, counted, fresh = self.train_run(run, pairs, seed, streams, sft_point or {})
                compute = {**counted, **{k: drawn[k] + fresh[k] for k in drawn}}
                if (rounds := run["trl"].get("rounds", 1)) > 1:  # budget.ts runCompute's words
                    compute["byDesign"] = f"online: {rounds} rounds of fresh samples from π_θ, {rounds}× the labels"
            if self.state.is_main_process:
                self.points += own
                s = self.summary(run, own, seed, time.time() - started, len(pairs))
                s["compute"] = compute
                if accuracy is not None:
                    s["heldOutAccuracy"] = accuracy
                self.runs.append(s)

    def summary(self, run: dict, own: list[dict], seed: int, seconds: float, n_pairs: int) -> dict:
        """RunSummary (points.ts summarizeRun)."""
        brief = lambda p: p and {k: p[k] for k in ("step", "kl", "reward", "rewardStderr")}  # noqa: E731
        with_val = [p for p in own if "validationReward" in p]
        best = max(with_val, key=lambda p: p["validationReward"]) if with_val else None
        s = {
            "runId": run["id"], "algorithm": run["algorithm"], "label": run["label"], "config": run["config"],
            "final": brief(own[-1]) if own else None, "best": brief(best), "points": len(own),
            "seconds": seconds, "seed": seed,
        }  # fmt: skip
        if run["trl"]["kind"] != "reference":
            t, d = run["train"], self.sweep["data"]
            s["budget"] = {
                "updates": t["steps"],
                "samples": d["prompts"] * d["completionsPerPrompt"],
                "epochs": t["steps"] * t["batchSize"] / n_pairs,
            }
        return s


def label_pairs(rewards: list[float], pairing: str) -> list[tuple[int, int]]:
    """(chosen, rejected) indices, as task/preferences.ts makePairs."""

    def pair(i, j):
        if abs(rewards[i] - rewards[j]) <= TIE_EPSILON:
            return None
        return (i, j) if rewards[i] > rewards[j] else (j, i)

    if pairing == "best-vs-worst":
        best = worst = 0
        for i, r in enumerate(rewards):
            if r > rewards[best]:
                best = i
            if r < rewards[worst]:
                worst = i
        p = pair(best, worst)
        return [p] if p else []
    n = len(rewards)
    return [p for i in range(n) for j in range(i + 1, n) if (p := pair(i, j))]


def write_outputs(out: Path, meta: dict, sweep: dict, points: list[dict], runs: list[dict]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "points.json").write_text(json.dumps({**meta, "points": points}, indent=2, ensure_ascii=False) + "\n")
    columns = POINT_COLUMNS if any("validationReward" in p for p in points) else POINT_COLUMNS[:-1]
    with (out / "points.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(columns)
        for p in points:
            w.writerow([repr(p[c]) if isinstance(p.get(c), float) else p.get(c, "") for c in columns])
    summary = {**meta, "sweep": sweep, "runs": runs}
    (out / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--config", default=str(HERE / "sweep.json"), help="the job spec (sweep.json)")
    ap.add_argument("--prompts", default=None, help="prompts.json (default: beside --config)")
    ap.add_argument("--model", default=str(HERE / "model"), help="a local GPT-2-family model folder (π_ref)")
    ap.add_argument("--out", default="results", help="output folder")
    ap.add_argument("--seeds", default=None, help="only these of the sweep's seeds, e.g. 1,3")
    opts = ap.parse_args()
    for k in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
        os.environ.setdefault(k, "1")  # nothing downloads: the model is a local folder
    config = Path(opts.config)
    spec = json.loads(config.read_text(encoding="utf-8"))
    if spec.get("format") != "dpo-playground-trl-job":
        raise SystemExit(f"{config} is not a DPO Playground TRL job spec")
    prompts = json.loads(Path(opts.prompts or config.with_name("prompts.json")).read_text(encoding="utf-8"))
    worst = check_reward(config.with_name("reward_check.json"))
    out = Path(opts.out)
    out.mkdir(parents=True, exist_ok=True)
    not_run = [{"runId": r["id"], "reason": r["unsupported"]} for r in spec["runs"] if r["trl"] is None]
    log(f"sweep {spec['name']}: reward.py equals the app's r* (max |Δ| {worst:.1e})")
    for n in not_run:
        log(f"  not run: {n['runId']}: {n['reason']}")
    job = Job(spec, prompts, Path(opts.model), out)
    wanted = None if opts.seeds is None else {int(s) for s in opts.seeds.split(",")}
    t0 = time.time()
    meta = {
        "name": spec["name"],
        "config": spec["config"],
        "checkpoint": str(opts.model),
        "backend": f"trl {trl.__version__} (torch {torch.__version__}, {job.state.device.type} × {job.state.num_processes})",
        "evaluation": spec["evaluation"],
        "seeds": spec["sweep"]["seeds"],
        "started": datetime.now(timezone.utc).isoformat(),
        "trl": {
            "transformers": transformers.__version__,
            "notRun": not_run,
            "rewardParity": worst,
        },
    }
    for s in spec["seeds"]:
        if wanted is not None and s["seed"] not in wanted:
            continue
        job.run_seed(s["seed"], s["streams"])
        if job.state.is_main_process:
            meta["seconds"] = round(time.time() - t0)
            write_outputs(out, meta, spec["sweep"], job.points, job.runs)
    job.state.wait_for_everyone()
    log(f"wrote {out} ({round(time.time() - t0)} s)")


if __name__ == "__main__":
    main()

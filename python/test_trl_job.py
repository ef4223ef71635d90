"""The sweep as a TRL + Accelerate job (issue 26), run by `npm run test:interop` after
interop_test.py (scripts/interop.sh). With the real libraries:
  1. `npm run frontier -- CONFIG --export-trl DIR` writes the job folder; its model loads in
     transformers with no missing or unexpected keys; its requirements are the project's pins;
     its prompts are the app's split (no eval prompt among the train prompts);
  2. the job's reward.py equals the app's groundTruthReward on the exported cases (≥ 1,000:
     the corpus' reviews split into prompt and continuation, whole reviews, the negation grid,
     punctuation, Unicode and empty edge cases) within 1e-9;
  3. `accelerate launch --num_processes 1 --cpu job.py` runs a tiny sweep (1 seed, 4 updates, 8
     prompts; DPO β = 0.1 on DPOTrainer, SimPO on CPOTrainer, Preferred-FT on SFTTrainer, online
     DPO in 2 rounds) to the end: points at the sweep's steps, the app's warm-up (carried across
     online rounds), DPO's held-out implicit-reward accuracy, each run's compute counted as the
     app counts it (budget.ts runCompute); it skips Unlikelihood and says why;
  4. the app's runner reads its results back (`npm run frontier -- DIR/frontier-config.json
     --replot --out OUT`).
Exits 1 on any failure; never skips. Usage: python python/test_trl_job.py [--keep DIR]
"""

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from checks import check, finish

ROOT = Path(__file__).resolve().parent.parent
TOL_REWARD = 1e-9
MIN_CASES = 1000
SWEEP = {
    "name": "trl-job-smoke",
    "checkpoint": "public/checkpoints/sft-micro.json",
    "seeds": [1],
    "data": {"prompts": 8, "completionsPerPrompt": 4, "maxNewTokens": 16},
    "eval": {"prompts": 16, "every": 2, "at": [1], "maxNewTokens": 16},
    "train": {"steps": 4, "lr": 2e-4, "batchSize": 8, "warmupSteps": 2},
    "runs": [
        {"algorithm": "sft"},
        {"algorithm": "dpo", "beta": 0.1},
        {"algorithm": "dpo", "loss": "simpo", "beta": 2},
        {"algorithm": "preferred-ft"},
        {"algorithm": "dpo", "beta": 0.1, "rounds": 2},
        {"algorithm": "unlikelihood", "alpha": 0.25},
    ],
}
TRAINED = ["dpo-beta0.1", "simpo-beta2", "preferred-ft", "online-dpo-beta0.1-r2"]


def frontier(*args: str) -> None:
    cmd = ["node", "--import", "tsx", "scripts/frontier.ts", *args]
    subprocess.run(cmd, cwd=ROOT, check=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--keep", help="work in this folder and keep it")
    opts = ap.parse_args()
    work = Path(opts.keep or tempfile.mkdtemp(prefix="dpo-trl-job-"))
    work.mkdir(parents=True, exist_ok=True)
    config, job, out = work / "sweep-config.json", work / "job", work / "results"
    config.write_text(json.dumps(SWEEP, indent=2))
    print(f"trl job: working in {work}")

    print("1. the export")
    frontier(str(config), "--export-trl", str(job))
    for name in ["job.py", "sampling.py", "trainers.py", "reward.py", "README.md", "requirements.txt", "sweep.json", "frontier-config.json",
                 "prompts.json", "lexicon.json", "reward_check.json", "model/model.safetensors"]:  # fmt: skip
        check((job / name).is_file(), f"the folder has {name}")
    from transformers import AutoModelForCausalLM

    _, info = AutoModelForCausalLM.from_pretrained(job / "model", output_loading_info=True)
    bad = {k: v for k, v in info.items() if v}
    check(not bad, f"model/ loads in transformers with no missing/unexpected keys {bad or ''}")
    project = (ROOT / "python" / "requirements.txt").read_text().splitlines()
    pins = [l for l in (job / "requirements.txt").read_text().splitlines() if "==" in l]
    check(len(pins) >= 8 and all(p in project for p in pins), f"requirements pinned as the project's: {pins}")
    prompts = json.loads((job / "prompts.json").read_text())
    check(
        len(prompts["train"]) == 8 and len(prompts["eval"]) == 16 and not set(prompts["train"]) & set(prompts["eval"]),
        "prompts: 8 train, 16 test, disjoint",
    )
    spec = json.loads((job / "sweep.json").read_text())
    not_run = {r["id"]: r.get("unsupported") for r in spec["runs"] if r["trl"] is None}
    check(list(not_run) == ["unlikelihood-alpha0.25"], f"only Unlikelihood is marked not runnable: {not_run}")
    check("not run: Unlikelihood" in (job / "README.md").read_text(), "README.md lists it with the reason")

    print("2. reward.py against the app's r*")
    sys.path.insert(0, str(job))
    from reward import ground_truth_reward

    cases = json.loads((job / "reward_check.json").read_text(encoding="utf-8"))["cases"]
    diffs = [abs(ground_truth_reward(c["completion"], c["prompt"]) - c["reward"]) for c in cases]
    distinct = len({round(c["reward"], 12) for c in cases})
    print(f"  {len(cases)} (prompt, completion) texts, {distinct} distinct rewards, max |Δ| {max(diffs):.2e}")
    check(len(cases) >= MIN_CASES, f"at least {MIN_CASES} texts")
    check(max(diffs) <= TOL_REWARD, f"reward.py equals the app's reward within {TOL_REWARD}")

    print("3. the job: accelerate launch --num_processes 1 --cpu")
    launch = Path(sys.executable).with_name("accelerate")
    cmd = [str(launch), "launch", "--num_processes", "1", "--num_machines", "1", "--cpu",
           "--mixed_precision", "no", "--dynamo_backend", "no", "--num_cpu_threads_per_process", "1",
           "job.py", "--config", "sweep.json", "--model", "model", "--out", str(out)]  # fmt: skip
    t0 = time.time()
    run = subprocess.run(cmd, cwd=job, capture_output=True, text=True)
    seconds = time.time() - t0
    print("\n".join("    " + l for l in run.stdout.splitlines() if not l.startswith("{")))
    check(run.returncode == 0, f"the job exits 0 ({seconds:.0f} s){'' if run.returncode == 0 else run.stderr[-3000:]}")
    if run.returncode == 0:
        points = json.loads((out / "points.json").read_text())["points"]
        steps = [(p["runId"], p["step"]) for p in points]
        want = [("sft", 0), *((rid, s) for rid in TRAINED for s in (0, 1, 2, 4))]
        check(steps == want, f"points at the sweep's steps: {steps}")
        for rid in TRAINED:
            end = [p for p in points if p["runId"] == rid][-1]
            check(end["kl"] > 0 and 0 < end["reward"] < 1, f"{rid}'s last point: KL {end['kl']:.3f} > 0")
        summary = json.loads((out / "summary.json").read_text())
        check([r["runId"] for r in summary["runs"]] == ["sft", *TRAINED], "summary.json's runs")
        accs = {r["runId"]: r.get("heldOutAccuracy", {}) for r in summary["runs"]}
        for rid in ("dpo-beta0.1", "online-dpo-beta0.1-r2"):
            acc = accs[rid]
            check(acc.get("kind") == "implicit" and acc.get("pairs", 0) > 0 and 0 <= acc["accuracy"] <= 1,
                  f"{rid}'s held-out implicit-reward accuracy: {acc}")  # fmt: skip
        check(not accs["simpo-beta2"] and not accs["preferred-ft"], "none for SimPO, Preferred-FT (as the app)")
        check((out / "pairs-seed1-round2.jsonl").is_file(), "online DPO's round 2 pairs, sampled from π_θ")
        check("Unlikelihood" in run.stdout, "the job says which run it cannot run, and why")
        d, t = SWEEP["data"], SWEEP["train"]
        labelled = d["prompts"] * d["completionsPerPrompt"]
        pairs_seen = t["steps"] * t["batchSize"]
        pairs_run = lambda per_pair, rounds=1: {"updates": t["steps"], "sequences": per_pair * pairs_seen,  # noqa: E731
                                                "labelPresentations": pairs_seen, "generationSamples": rounds * labelled,
                                                "rewardScored": rounds * labelled}  # fmt: skip
        want_compute = {
            "sft": {"updates": 0, "sequences": 0, "labelPresentations": 0, "generationSamples": 0, "rewardScored": 0},
            "dpo-beta0.1": pairs_run(2),
            "simpo-beta2": pairs_run(2),
            "preferred-ft": pairs_run(1),  # the chosen completion alone
            "online-dpo-beta0.1-r2": {  # round 2's fresh samples, labelled by r*
                **pairs_run(2, rounds=2), "byDesign": "online: 2 rounds of fresh samples from π_θ, 2× the labels"},
        }
        got_compute = {r["runId"]: r.get("compute") for r in summary["runs"]}
        check(got_compute == want_compute, f"compute as the app counts it (runCompute): {got_compute}")
        for rid in TRAINED:
            state = json.loads((out / "trl" / f"seed1-{rid}" / "trainer_state.json").read_text())
            lrs = [r["learning_rate"] for r in state["log_history"] if "learning_rate" in r]
            check(lrs == [1e-4, 2e-4, 2e-4, 2e-4], f"{rid}: the app's warm-up, lr·min(1, (step+1)/2): {lrs}")

        print("4. the results, back in the app (--replot)")
        frontier(str(job / "frontier-config.json"), "--replot", "--out", str(out))
        md = (out / "summary.md").read_text()
        check("DPO β=0.1" in md and (out / "frontier.svg").is_file(), "the app's reader rewrote summary.md and frontier.svg")

    if not opts.keep:
        shutil.rmtree(work, ignore_errors=True)
    finish("trl job")


if __name__ == "__main__":
    main()

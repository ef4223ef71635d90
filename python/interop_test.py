"""Hugging Face / TRL round-trip test, run by `npm run test:interop` (scripts/interop.sh).

The app's own code (scripts/interop/app-side.ts, Node) exports the shipped SFT model as π_ref,
π_θ after 3 DPO steps, and built-in pairs as TRL JSONL. Here, with the real libraries:
  1. both folders load in transformers with no missing or unexpected keys; token ids and
     log-probs of probe texts equal the app's;
  2. TRL 1.13 tokenises the exported pairs to the ids the app imports them as;
  3. the "going on with TRL" snippet of docs/huggingface-trl.md runs as written;
  4. DPOTrainer's step-0 metrics on the pairs equal the app's to 1e-4; it trains 2 steps and
     save_pretrained()s; the app imports the saved folder and its log-probs equal transformers'.
Prints the differences before (the app's old convention) and after; exits 1 on any failure.
Usage: python python/interop_test.py [--keep DIR] [--fixture PATH]
"""

import argparse
import json
import math
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from checks import check, finish

ROOT = Path(__file__).resolve().parent.parent
TOL_LOGP = 1e-4
TOL_METRIC = 1e-4
METRICS = [
    "loss",
    "rewards/chosen",
    "rewards/rejected",
    "rewards/margins",
    "rewards/accuracies",
    "logps/chosen",
    "logps/rejected",
]


def node(*args: str) -> None:
    cmd = ["node", "--import", "tsx", "scripts/interop/app-side.ts", *args]
    subprocess.run(cmd, cwd=ROOT, check=True)


def docs_snippet() -> str:
    text = (ROOT / "docs" / "huggingface-trl.md").read_text()
    section = text.split("## Export, and going on with TRL", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    if not match:
        raise SystemExit("docs/huggingface-trl.md: no python block in its 'going on with TRL'")
    return match.group(1)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--keep", help="work in this folder and keep it")
    ap.add_argument("--fixture", help="copy the TRL run's trainer_state.json here")
    opts = ap.parse_args()
    work = Path(opts.keep or tempfile.mkdtemp(prefix="dpo-interop-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ.update(
        HF_HUB_OFFLINE="1",
        HF_DATASETS_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        HF_DATASETS_CACHE=str(work / "hf-datasets-cache"),
        TOKENIZERS_PARALLELISM="false",
    )
    print(f"interop: working in {work}")
    node("export", str(work))
    app = json.loads((work / "app.json").read_text())

    import torch
    import transformers
    import trl
    from datasets import load_dataset
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from trl import DPOConfig, DPOTrainer

    torch.manual_seed(0)
    print(f"torch {torch.__version__}, transformers {transformers.__version__}, trl {trl.__version__}")

    def load(folder: Path):
        model, info = AutoModelForCausalLM.from_pretrained(folder, output_loading_info=True)
        bad = {k: v for k, v in info.items() if v}
        check(not bad, f"{folder.name}: loads with no missing/unexpected keys {bad or ''}")
        return model.eval(), AutoTokenizer.from_pretrained(folder)

    @torch.no_grad()
    def logprob(model, ids: list[int]) -> float:
        x = torch.tensor([ids])
        logits = model(input_ids=x, attention_mask=torch.ones_like(x)).logits
        logp = torch.log_softmax(logits[0, :-1].double(), -1)
        return logp.gather(1, x[0, 1:, None]).sum().item()

    def compare_probes(model, tok, probes, label: str) -> float:
        worst = 0.0
        for p in probes:
            ids = [tok.eos_token_id, *tok(p["text"])["input_ids"]][: model.config.n_positions]
            check(ids == p["ids"], f"{label}: token ids equal for {p['text'][:24]!r}")
            worst = max(worst, abs(logprob(model, ids) - p["logprob"]))
        check(worst < TOL_LOGP, f"{label}: log-probs within {TOL_LOGP} (max |Δ| {worst:.2e})")
        return worst

    print("1. the app's export in transformers")
    ref, tok = load(work / "ref")
    policy, _ = load(work / "policy")
    compare_probes(ref, tok, app["probesRef"], "π_ref")
    compare_probes(policy, tok, app["probesPolicy"], "π_θ")

    print("2. TRL's tokenisation of the exported pairs")
    T = app["blockSize"]
    rows = [json.loads(line) for line in (work / "pairs.trl.jsonl").read_text().splitlines()]
    tok.pad_token = tok.eos_token

    def trl_ids(row):
        chosen, rejected = (
            c if c.endswith(tok.eos_token) else c + tok.eos_token
            for c in (row["chosen"], row["rejected"])
        )
        p = tok(row["prompt"], add_special_tokens=False)["input_ids"]
        c = tok(row["prompt"] + chosen, add_special_tokens=False)["input_ids"][len(p) :]
        r = tok(row["prompt"] + rejected, add_special_tokens=False)["input_ids"][len(p) :]
        return [(p + c)[:T], (p + r)[:T]]

    def differing(ids):
        return sum(
            trl_ids(row) != [(a["prompt"] + a["chosen"])[:T], (a["prompt"] + a["rejected"])[:T]]
            for row, a in zip(rows, ids)
        )

    n_now, n_old = differing(app["trlIds"]), differing(app["oldIds"])
    print(f"  pairs whose ids differ from TRL's: {n_old} of {len(rows)} before, {n_now} now")
    check(n_now == 0, "app's TRL-convention ids equal TRL's for every pair")
    print(
        f"  built-in completions ending with end-of-text (kept in the export): "
        f"{app['builtinEndedWithEot']} of {app['builtinCompletions']}; built-in pairs whose "
        f"sampled ids TRL reads back: {app['builtinIdsEqualTrl']} of {app['pairs']}, "
        f"{app['builtinIdsEqualTrlButEos']} more differ only by the EOS TRL appends to a "
        "completion cut at the token limit"
    )

    print("3. the TRL snippet of docs/huggingface-trl.md, as written")
    snippet_dir = work / "snippet"
    snippet_dir.mkdir(exist_ok=True)
    shutil.copytree(work / "policy", snippet_dir / "dpo-playground-gpt2", dirs_exist_ok=True)
    shutil.copy(work / "pairs.trl.jsonl", snippet_dir / "preferences.trl.jsonl")
    cwd = os.getcwd()
    os.chdir(snippet_dir)
    try:
        exec(compile(docs_snippet(), "docs snippet", "exec"), {"__name__": "snippet"})
        check((snippet_dir / "out" / "model.safetensors").exists(), "snippet trains and saves")
    finally:
        os.chdir(cwd)

    print("4. DPOTrainer on the app's pairs")
    data = load_dataset("json", data_files=str(work / "pairs.trl.jsonl"), split="train")
    policy_train = AutoModelForCausalLM.from_pretrained(work / "policy")
    args = DPOConfig(
        output_dir=str(work / "trl-out"),
        beta=app["beta"],
        max_length=T,
        per_device_train_batch_size=len(rows),
        per_device_eval_batch_size=len(rows),
        learning_rate=1e-3,
        lr_scheduler_type="constant",
        max_steps=2,
        logging_steps=1,
        eval_strategy="steps",
        eval_steps=1,
        save_strategy="no",
        report_to="none",
        use_cpu=True,
        bf16=False,
        seed=0,
    )
    trainer = DPOTrainer(
        model=policy_train,
        ref_model=AutoModelForCausalLM.from_pretrained(work / "ref"),
        args=args,
        train_dataset=data,
        eval_dataset=data,
        processing_class=tok,
    )
    step0 = trainer.evaluate()
    worst_now = worst_old = 0.0
    for k in METRICS:
        theirs = step0[f"eval_{k}"]
        now, old = app["metricsTrl"][k], app["metricsOld"][k]
        worst_now, worst_old = max(worst_now, abs(now - theirs)), max(worst_old, abs(old - theirs))
        print(f"    {k:20s} TRL {theirs: .6f}  app {now: .6f}  (old convention {old: .6f})")
    print(f"  max |Δ| over the 7 metrics: {worst_old:.3g} before, {worst_now:.2e} now")
    check(worst_now < TOL_METRIC, f"step-0 metrics equal TRL's within {TOL_METRIC}")
    plain = {k: abs(app["metricsPlainOld"][k] - app["metricsPlainTrl"][k]) for k in METRICS}
    print(
        f"  the {app['plainPairs']} pairs with a non-empty completion as plain text (no"
        " <|endoftext|> in them), |old convention − TRL's|: "
        + ", ".join(f"{k} {v:.3g}" for k, v in plain.items())
    )
    check(abs(step0["eval_loss"] - math.log(2)) > 1e-3, "π_θ differs from π_ref (loss ≠ ln 2)")
    trainer.train()
    trainer.evaluate()
    saved = work / "saved"
    trainer.save_model(str(saved))
    trainer.state.save_to_json(str(saved / "trainer_state.json"))
    names = sorted(p.name for p in saved.iterdir())
    print(f"  saved: {', '.join(names)}")
    if opts.fixture:
        shutil.copy(saved / "trainer_state.json", ROOT / opts.fixture)
        print(f"  wrote {opts.fixture}")

    print("5. the saved folder, back in the app")
    node("import", str(saved), str(work / "app-import.json"))
    back = json.loads((work / "app-import.json").read_text())
    trained = AutoModelForCausalLM.from_pretrained(saved).eval()
    print(f"  the app read: {', '.join(back['files'])}")
    check("vocab.json" not in back["files"], "imported from tokenizer.json alone (transformers 5)")
    compare_probes(trained, AutoTokenizer.from_pretrained(saved), back["probes"], "TRL-trained")
    moved = max(abs(a["logprob"] - b["logprob"]) for a, b in zip(back["probes"], app["probesPolicy"]))
    check(moved > 1e-3, f"the 2 TRL steps changed the model (max |Δ log p| {moved:.3g})")

    print("6. exact erf GELU (activation_function \"gelu\") and a padded vocabulary")
    erf_dir = work / "policy-erf"
    shutil.copytree(work / "policy", erf_dir, dirs_exist_ok=True)
    cfg = json.loads((erf_dir / "config.json").read_text())
    (erf_dir / "config.json").write_text(json.dumps({**cfg, "activation_function": "gelu"}))
    node("import", str(erf_dir), str(work / "app-erf.json"))
    erf = json.loads((work / "app-erf.json").read_text())
    check(erf.get("activation") == "gelu", "the app reads activation_function gelu as exact GELU")
    erf_model = AutoModelForCausalLM.from_pretrained(erf_dir).eval()
    worst = compare_probes(erf_model, tok, erf["probes"], "erf GELU")
    tanh_gap = max(
        abs(logprob(erf_model, p["ids"]) - q["logprob"])
        for p, q in zip(erf["probes"], app["probesPolicy"])
    )
    print(f"  log-prob |Δ| to transformers: {tanh_gap:.3g} as tanh GELU (before), {worst:.2e} now")

    padded_dir = work / "policy-padded"
    padded = AutoModelForCausalLM.from_pretrained(work / "policy")
    padded.resize_token_embeddings(padded.config.vocab_size + 64, mean_resizing=False)
    with torch.no_grad():
        padded.get_input_embeddings().weight[-64:].normal_(0, 0.5)
    padded.save_pretrained(padded_dir)
    tok.save_pretrained(padded_dir)
    node("import", str(padded_dir), str(work / "app-padded.json"))
    refused = json.loads((work / "app-padded.json").read_text()).get("error", "")
    check("padded vocabulary" in refused, f"a padded vocabulary is refused: {refused[:90]}…")
    mass = max(
        abs(logprob(padded.eval(), p["ids"]) - p["logprob"]) for p in app["probesPolicy"]
    )
    print(f"  dropping the 64 extra rows (before) would have moved log-probs by up to {mass:.3g}")

    if not opts.keep:
        shutil.rmtree(work, ignore_errors=True)
    finish("interop")


if __name__ == "__main__":
    main()

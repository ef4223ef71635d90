"""The TRL trainers the job trains with (job.py): TRL's DPOTrainer, CPOTrainer (SimPO) and
SFTTrainer (Preferred-FT), fed the sampled token ids as they are, with the app's learning-rate
schedule and counting what training does (python/test_trl_kl.py holds their losses to the
app's on the same batch)."""

import torch
from torch.optim.lr_scheduler import LambdaLR
from trl import DPOTrainer, SFTTrainer
from trl.experimental.cpo import CPOTrainer


def trainer_name(plan: dict) -> str:
    """How the job trains a plan, for its log."""
    rounds = f", {plan['rounds']} online rounds" if plan.get("rounds", 1) > 1 else ""
    if plan["kind"] == "sft":
        return "SFTTrainer on the chosen completions (completion-only loss)"
    name = "CPOTrainer" if plan["kind"] == "cpo" else "DPOTrainer"
    return f"{name} loss_type {plan['lossType']}{rounds}"


class AppSchedule:
    """A TRL trainer with the app's schedule, lr · min(1, (step + 1) / warm-up) then constant
    (pipeline/optim.ts), counting what training does (budget.ts RunCompute). `rows(inputs)`:
    the batch's sequences through π_θ and the labelled pairs it presents."""

    def __init__(self, *a, warmup_steps: int = 0, **k):
        self._warmup = warmup_steps
        self._pairs = self._sequences = 0  # this process's, in training
        super().__init__(*a, **k)

    def compute_loss(self, model, inputs, *a, **k):
        if model.training:
            sequences, pairs = self.rows(inputs)
            self._sequences += sequences
            self._pairs += pairs
        return super().compute_loss(model, inputs, *a, **k)

    def counted(self) -> dict:
        """What training did, summed over processes (RunCompute's updates, sequences, labelPresentations)."""
        mine = torch.tensor([self._sequences, self._pairs], device=self.accelerator.device)
        sequences, pairs = self.accelerator.reduce(mine, reduction="sum").tolist()
        return {"updates": self.state.global_step, "sequences": int(sequences), "labelPresentations": int(pairs)}

    def create_scheduler(self, num_training_steps, optimizer=None):
        if self.lr_scheduler is None:
            w = self._warmup
            self.lr_scheduler = LambdaLR(optimizer or self.optimizer, lambda s: 1.0 if w <= 0 else min(1.0, (s + 1) / w))
        return self.lr_scheduler


class SampledIdsDPOTrainer(AppSchedule, DPOTrainer):
    """DPOTrainer on the sampled token ids as they are (prompt_ids / chosen_ids / rejected_ids)."""

    def rows(self, inputs) -> tuple[int, int]:  # the collator stacks [chosen; rejected]: input_ids [2B, T]
        return inputs["input_ids"].shape[0], inputs["input_ids"].shape[0] // 2

    def _prepare_dataset(self, dataset, *a, **k):
        return dataset  # already token ids: re-tokenising decoded text could change them


class SampledIdsCPOTrainer(AppSchedule, CPOTrainer):
    """CPOTrainer (SimPO) on the sampled token ids: each row's prompt + completion, labels −100 on
    the prompt (what its tokenize_row builds from text)."""

    def rows(self, inputs) -> tuple[int, int]:  # chosen_input_ids [B, T], rejected_input_ids [B, T]
        return 2 * inputs["chosen_input_ids"].shape[0], inputs["chosen_input_ids"].shape[0]

    def tokenize_row(self, feature, model=None) -> dict:
        p = feature["prompt_ids"]
        row = {"prompt_input_ids": p, "prompt_attention_mask": [1] * len(p)}
        for side in ("chosen", "rejected"):
            c = feature[f"{side}_ids"]
            row[f"{side}_input_ids"] = p + c
            row[f"{side}_attention_mask"] = [1] * (len(p) + len(c))
            row[f"{side}_labels"] = [-100] * len(p) + c
        return row


class ChosenSFTTrainer(AppSchedule, SFTTrainer):
    """SFTTrainer on the chosen completions' token ids (input_ids + completion_mask rows)."""

    def rows(self, inputs) -> tuple[int, int]:  # input_ids [B, T]: one sequence per pair
        return inputs["input_ids"].shape[0], inputs["input_ids"].shape[0]

"""The ground-truth reward r*(x, y) of the app's sentiment task, ported from src/task/reward.ts.

    r*(x, y) = σ(s(y | x) / T),  T = lexicon.json's "temperature" (3)

s(y | x): the summed AFINN-165 weights (lexicon.json's "labels", written by the app from the
`sentiment` package it scores with, emoji included) of the completion's words only, read in the
text x + y so that a prompt ending in "was not" negates the completion's first word. A word is
negated (its weight flipped) after a negator, or after a negator and one bridge word ("not very
good"). Tokens are the `sentiment` package's (lib/tokenize.js): lower case, its punctuation set
and newlines to spaces, runs of ≥ 2 JavaScript whitespace characters to one space, trim, split
on " ". JavaScript's \\s differs from Python's (U+FEFF is space there, U+001C–U+001F and U+0085
are not), so it is spelled out here. Parity with the app: python/test_trl_job_reward.py.
"""

import json
import math
import re
from pathlib import Path

# JavaScript's \s: WhiteSpace (incl. U+FEFF and category Zs) and LineTerminator.
_JS_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_PUNCT = r".,/#!?$%^&*;:{}=_`\"~()"
_PUNCT_RE = re.compile(f"[{re.escape(_PUNCT)}]")
_RUNS_RE = re.compile(f"[{_JS_SPACE}][{_JS_SPACE}]+")
_SEPARATOR_RE = re.compile(f"[{_JS_SPACE}{re.escape(_PUNCT)}]")

_LEXICON_FILE = Path(__file__).resolve().with_name("lexicon.json")
_lexicon: dict | None = None


def _data() -> dict:
    global _lexicon
    if _lexicon is None:
        _lexicon = json.loads(_LEXICON_FILE.read_text(encoding="utf-8"))
    return _lexicon


# The app's negation rule (reward.ts NEGATION_WORDS), shipped in lexicon.json.
NEGATORS = frozenset(_data()["negators"])
NEGATION_BRIDGES = frozenset(_data()["bridges"])


def _js_trim(s: str) -> str:
    return re.sub(f"^[{_JS_SPACE}]+|[{_JS_SPACE}]+$", "", s)


def tokenize(text: str) -> list[str]:
    """The `sentiment` package's tokens: [''] for a text with no words, as in JavaScript."""
    s = text.lower().replace("\n", " ")
    s = _PUNCT_RE.sub(" ", s)
    s = _RUNS_RE.sub(" ", s)
    return _js_trim(s).split(" ")


def _negated(tokens: list[str], i: int) -> bool:
    if i < 1:
        return False
    prev = tokens[i - 1]
    if prev in NEGATORS:
        return True
    return prev in NEGATION_BRIDGES and i >= 2 and tokens[i - 2] in NEGATORS


def _weights(tokens: list[str]) -> list[int]:
    labels = _data()["labels"]
    out = []
    for i, w in enumerate(tokens):
        weight = labels.get(w)
        if weight is None:
            out.append(0)
        else:
            out.append(-weight if _negated(tokens, i) else weight)
    return out


def _completion_start(prompt: str, completion: str) -> int:
    """Index of the first completion token; a word glued across the boundary is completion."""
    if prompt == "":
        return 0
    n_prompt = sum(1 for t in tokenize(prompt) if t)
    glued = not _SEPARATOR_RE.match(prompt[-1]) and not (
        completion != "" and _SEPARATOR_RE.match(completion[0])
    )
    return max(0, n_prompt - (1 if glued and completion != "" else 0))


def score(completion: str, prompt: str = "") -> int:
    """s(y | x); without a prompt, the whole text's score."""
    tokens = tokenize(prompt + completion)
    start = _completion_start(prompt, completion)
    return sum(_weights(tokens)[start:])


def ground_truth_reward(completion: str, prompt: str = "") -> float:
    """r*(x, y) ∈ (0, 1), the app's groundTruthReward(completion, prompt)."""
    return 1.0 / (1.0 + math.exp(-(score(completion, prompt) / _data()["temperature"])))

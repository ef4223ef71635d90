#!/usr/bin/python3
"""Independent check of an exported Hugging Face GPT-2 folder (src/model/hf/gpt2.ts).

Run:  /usr/bin/python3 scripts/hf-check.py DIR "some text"

Reads DIR/model.safetensors by hand (struct + json + torch.frombuffer; no safetensors or
transformers package), DIR/config.json, and DIR/vocab.json + DIR/merges.txt; tokenises the text
with a plain-Python GPT-2 byte-level BPE; runs the float64 GPT-2 forward of
scripts/make-parity-fixture.py; prints the token ids and the summed log-prob of the text,
sum over t >= 1 of log p(x_t | x_<t) (the first token is context, not scored).
"""

import importlib.util
import json
import os
import struct
import sys
import unicodedata
from pathlib import Path

try:
    import torch
except ImportError:
    if sys.executable != "/usr/bin/python3" and os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3", *sys.argv])
    raise

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("parity", HERE / "make-parity-fixture.py")
parity = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(parity)

DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "F64": torch.float64}
MASK_BUFFERS = (".attn.bias", ".attn.masked_bias")


# --- safetensors --------------------------------------------------------------------------


def read_safetensors(path):
    """name -> float64 tensor; the file's layout checked as the spec requires."""
    raw = path.read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n].decode("utf-8"))
    data = raw[8 + n :]
    out = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        dtype = DTYPES[entry["dtype"]]
        numel = 1
        for d in entry["shape"]:
            numel *= d
        assert end - begin == numel * torch.tensor([], dtype=dtype).element_size(), name
        flat = torch.frombuffer(bytearray(data[begin:end]), dtype=dtype) if numel else torch.zeros(0)
        out[name] = flat.to(torch.float64).reshape(entry["shape"])
    return out


# --- GPT-2 byte-level BPE -----------------------------------------------------------------


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1))
    bs += list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


# JavaScript's \s, which the tokenizer's GPT-2 regex (with the u flag) uses.
JS_SPACE = set("\t\n\v\f\r \u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff") | {
    chr(c) for c in range(0x2000, 0x200B)
}
CONTRACTIONS = ("'s", "'t", "'re", "'ve", "'m", "'ll", "'d")


def is_letter(c):
    return unicodedata.category(c).startswith("L")


def is_number(c):
    return unicodedata.category(c).startswith("N")


def is_other(c):
    return c not in JS_SPACE and not is_letter(c) and not is_number(c)


def pretokenize(text):
    """GPT-2's pattern without the regex package:
    's|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+"""
    out, i, n = [], 0, len(text)
    while i < n:
        c = next((c for c in CONTRACTIONS if text.startswith(c, i)), None)
        if c:
            out.append(c)
            i += len(c)
            continue
        j = i + 1 if text[i] == " " and i + 1 < n else i
        cls = next((f for f in (is_letter, is_number, is_other) if f(text[j])), None)
        if cls:
            k = j
            while k < n and cls(text[k]):
                k += 1
            out.append(text[i:k])
            i = k
            continue
        k = i
        while k < n and text[k] in JS_SPACE:
            k += 1
        end = k if k == n or k - 1 == i else k - 1  # \s+(?!\S) backs off one, else \s+
        out.append(text[i:end])
        i = end
    return out


class Gpt2Bpe:
    def __init__(self, vocab_path, merges_path):
        self.vocab = json.loads(vocab_path.read_text(encoding="utf-8"))
        lines = merges_path.read_text(encoding="utf-8").split("\n")
        pairs = [tuple(l.split(" ")) for l in lines if l and not l.startswith("#version")]
        self.ranks = {p: r for r, p in enumerate(pairs)}
        self.byte_encoder = bytes_to_unicode()

    def bpe(self, word):
        word = list(word)
        while len(word) > 1:
            pairs = {(a, b) for a, b in zip(word, word[1:])}
            best = min(pairs, key=lambda p: self.ranks.get(p, float("inf")))
            if best not in self.ranks:
                break
            merged, i = [], 0
            while i < len(word):
                if i + 1 < len(word) and (word[i], word[i + 1]) == best:
                    merged.append(word[i] + word[i + 1])
                    i += 2
                else:
                    merged.append(word[i])
                    i += 1
            word = merged
        return word

    def encode(self, text):
        ids = []
        for piece in pretokenize(text):
            chars = "".join(self.byte_encoder[b] for b in piece.encode("utf-8"))
            ids += [self.vocab[t] for t in self.bpe(chars)]
        return ids


# --- main ---------------------------------------------------------------------------------


def main():
    if len(sys.argv) != 3:
        sys.exit(f"usage: {sys.argv[0]} DIR TEXT")
    folder, text = Path(sys.argv[1]), sys.argv[2]
    hf = json.loads((folder / "config.json").read_text())
    assert hf["activation_function"] in ("gelu_new", "gelu_pytorch_tanh"), hf["activation_function"]
    cfg = {"nLayer": hf["n_layer"], "nHead": hf["n_head"], "layerNormEps": hf["layer_norm_epsilon"]}
    params = {}
    for name, t in read_safetensors(folder / "model.safetensors").items():
        name = name.removeprefix("transformer.")
        if not name.endswith(MASK_BUFFERS) and name != "lm_head.weight":
            params[name] = t
    expected = {n for n, _ in parity.parameter_shapes(
        {"nLayer": hf["n_layer"], "nEmbd": hf["n_embd"], "blockSize": hf["n_positions"],
         "vocabSize": hf["vocab_size"]})}
    assert set(params) == expected, set(params) ^ expected

    ids = Gpt2Bpe(folder / "vocab.json", folder / "merges.txt").encode(text)
    with torch.no_grad():
        logits = parity.gpt2_forward(cfg, params, torch.tensor([ids]))[0]  # [T, V] float64
        logprobs = torch.log_softmax(logits, dim=-1)
        total = sum(logprobs[t - 1, ids[t]].item() for t in range(1, len(ids)))
    print(json.dumps({"ids": ids, "tokens": len(ids), "sumLogProb": total}))


if __name__ == "__main__":
    main()

"""Writes src/tokenizer/whitespace.fixture.json: which code points Python `regex` counts as
`\\s` (GPT-2's encoder.py pattern) and how Hugging Face `tokenizers`' ByteLevel pre-tokeniser
splits a text around each whitespace-like code point. Run with the venv from scripts/py-env.sh:
    .venv/bin/python python/make_whitespace_fixture.py
"""

import json
import sys
import unicodedata
from pathlib import Path

import regex
import tokenizers
from tokenizers import pre_tokenizers

GPT2 = regex.compile(
    r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""
)
SPACE = regex.compile(r"\s")


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "src/tokenizer/whitespace.fixture.json")
    cps = [c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    space = [c for c in cps if SPACE.fullmatch(chr(c))]
    # Whitespace-like: regex's \s, JavaScript's \s (adds U+FEFF), every separator (Z*), the
    # C0/C1 separators and the zero-width / format characters people mistake for spaces.
    like = sorted(
        set(space)
        | {c for c in cps if unicodedata.category(chr(c)).startswith("Z")}
        | set(range(0x00, 0x21))
        | {0x7F, 0x85, 0x180E, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF}
        | set(range(0x80, 0xA1))
    )
    byte_level = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    decode = {v: k for k, v in bytes_to_unicode().items()}
    cases = []
    for c in like:
        ch = chr(c)
        for text in (f"a {ch}b", f"a{ch}{ch} b", f"{ch}x {ch}", f"1 {ch}!"):
            want = GPT2.findall(text)
            pieces = [
                bytes(decode[u] for u in piece).decode("utf-8")
                for piece, _ in byte_level.pre_tokenize_str(text)
            ]
            if pieces != want:
                raise SystemExit(f"regex and tokenizers disagree on {text!r}: {want} {pieces}")
            cases.append({"text": text, "pieces": want})
    data = {
        "generator": "python/make_whitespace_fixture.py",
        "regex": regex.__version__,
        "tokenizers": tokenizers.__version__,
        "unicode": unicodedata.unidata_version,
        "whitespace": space,
        "cases": cases,
    }
    out.write_text(json.dumps(data, ensure_ascii=True, indent=0) + "\n")
    print(f"{out}: {len(space)} \\s code points, {len(cases)} split cases")


def bytes_to_unicode() -> dict[int, str]:
    """GPT-2's byte → printable character table (as in encoder.py)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAD)) + list(range(0xAE, 0x100))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


if __name__ == "__main__":
    main()

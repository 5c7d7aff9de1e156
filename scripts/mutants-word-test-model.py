#!/usr/bin/env python3
"""Model of the mutants of `all_alphanumeric_or_dash` (evaluator/src/policy/parse.rs)
that the corpus cannot catch, backing their exclusion in .cargo/mutants.toml.

The word test only lets `common_class` skip the byte table for a word of eight ASCII
letters, digits or '-'; any word it declines is classified byte by byte by the table,
which gives the exact classes. So a mutant that only ever *declines* more words
changes no result, and one that *accepts* a word holding another byte is a real bug
(the corpus case parse/R2.1-a-refused-character-is-refused-wherever-it-stands catches
those). This script re-implements the test and each mutant (by its cargo-mutants
line:column and description) in 64-bit arithmetic and checks, over every word with
one byte of each of the 256 values at each of the eight places (twelve random fillings
each), windows of random text mixing ASCII and the two-byte Latin-1 characters R1.10
allows, and random words, that the mutant never accepts a word the real test refuses.

    python3 scripts/mutants-word-test-model.py      # prints one line per mutant
"""
import random
import sys

MASK = (1 << 64) - 1
ONES = 0x0101010101010101
HIGH = 0x8080808080808080


def word_test(m=None):
    """The word test, or the mutant `m` of it."""

    def test(w):
        high = {"208:10 & with |": w | HIGH, "208:10 & with ^": w ^ HIGH}.get(m, w & HIGH)
        if (high == 0) if m == "208:17 != with ==" else (high != 0):
            return False

        def in_range(x, lo, hi):
            k = {"215:46 - with +": 0x80 + lo, "215:46 - with /": 0x80 // lo}.get(m, 0x80 - lo)
            mul = {"215:29 * with +": ONES + k, "215:29 * with /": ONES // k}.get(m, ONES * k)
            a = (x + mul) & MASK
            b = ~((x + ONES * (0x7F - hi)) & MASK) & MASK
            return {
                "215:53 & with |": a | (b & HIGH),
                "215:53 & with ^": a ^ (b & HIGH),
                "215:100 & with |": (a & b) | HIGH,
                "215:100 & with ^": (a & b) ^ HIGH,
            }.get(m, a & b & HIGH) & MASK

        fold = ONES // 0x20 if m == "217:38 * with /" else ONES * 0x20
        lw = {"217:30 | with &": w & fold, "217:30 | with ^": w ^ fold}.get(m, w | fold)
        letters, digits, dashes = in_range(lw, 0x61, 0x7A), in_range(w, 0x30, 0x39), in_range(w, 0x2D, 0x2D)
        r = {
            "220:13 | with &": (letters & digits) | dashes,
            "220:13 | with ^": (letters ^ digits) | dashes,
            "220:22 | with &": letters | (digits & dashes),
            "220:22 | with ^": letters | (digits ^ dashes),
        }.get(m, letters | digits | dashes)
        return r == HIGH

    return test


MUTANTS = [
    "208:10 & with |", "208:10 & with ^", "208:17 != with ==", "215:29 * with +", "215:29 * with /",
    "215:46 - with +", "215:46 - with /", "215:53 & with |", "215:53 & with ^", "215:100 & with |",
    "215:100 & with ^", "217:30 | with &", "217:30 | with ^", "220:13 | with &", "220:13 | with ^",
    "220:22 | with &", "220:22 | with ^",
    # Not excluded: accepts lower-case words with a backquote (caught by the corpus).
    "217:38 * with /",
]


def samples():
    rnd = random.Random(7)
    good = [b for b in range(128) if chr(b).isalnum() or b == 0x2D]
    latin = [bytes([lead, x]) for lead in (0xC2, 0xC3) for x in range(0x80, 0xC0)]
    for p in range(8):
        for b in range(256):
            for _ in range(12):
                w = [rnd.choice(good) for _ in range(8)]
                w[p] = b
                yield bytes(w)
    for _ in range(20000):
        text = b"".join(
            rnd.choice([bytes([rnd.choice(good)])] * 6 + [bytes([rnd.randrange(128)]), rnd.choice(latin)])
            for _ in range(8)
        )
        for i in range(len(text) - 7):
            yield text[i : i + 8]
    for _ in range(20000):
        yield bytes(rnd.randrange(256) for _ in range(8))


def main():
    words = [(s, int.from_bytes(s, "little")) for s in samples()]
    ok = lambda s: all(chr(b).isalnum() and b < 128 or b == 0x2D for b in s)
    real = word_test()
    assert all(real(w) == ok(s) for s, w in words), "the model of the real test is wrong"
    failed = False
    for m in MUTANTS:
        test = word_test(m)
        bad = [s for s, w in words if test(w) and not ok(s)]
        print(f"{m:20} {'ACCEPTS ' + repr(bad[0]) if bad else 'only declines'}")
        failed |= bool(bad) and m != "217:38 * with /"
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

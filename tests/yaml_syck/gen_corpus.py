#!/usr/bin/env python3
"""Writes the YAML::Syck differential corpus: one JSON document per line.

Deterministic (a fixed seed). Every tricky scalar appears as a mapping value,
a list item and a mapping key; numbers both as JSON numbers and as strings.
Strings holding a character whmkit deliberately escapes where Syck writes it
raw (see lib/base/syck_yaml.hpp) go into small documents of their own, so a
difference they cause cannot hide another one.

Usage: gen_corpus.py > corpus.jsonl   (prints the scalar count on stderr)
"""
import itertools
import json
import random
import sys

rng = random.Random(15)
scalars = []  # (value, is_json_number_text)


def add(s):
    scalars.append(s)


# ------------------------------------------------------------------ numbers
digits = "1234567890123456789012345"
number_texts = set()
for n in range(1, 26):
    d = digits[:n]
    for sign in ("", "-"):
        number_texts.add(sign + d)
        number_texts.add(sign + "9" * n)
    for form in (d, "-" + d, "+" + d, "0" + d, "-0" + d, "00" + d, d + ".0", d + ".5", "." + d, d + ".",
                 "-" + d + ".", d + "e3", d + "E+3", d + "e-3", d + ".5e10", " " + d, d + " ", "\t" + d, d + "\n",
                 "\n" + d, d + "_000", "1_" + d, d + ":30", "0x" + d, d + ",000", d + "a", "a" + d):
        add(form)
for t in ["0", "-0", "0.0", "-0.0", "1.5", "-1.5", "0.1", "0.30000000000000004", "1e3", "1E3", "1e+3", "1e-3",
          "1.5e300", "1e16", "1e17", "1e18", "1e19", "1e20", "2e19", "9e18", "1e-7", "123456789.0", "1234567890.0",
          "3.14159265358979", "2.718281828459045", "1.7976931348623157e308", "5e-324", "100.25", "-100.25",
          "1000000", "999999999", "-99999999", "-999999999", "4294967296", "9223372036854775807",
          "-9223372036854775808", "18446744073709551615", "18446744073709551616", "123456789012345678901234"]:
    number_texts.add(t)
    add(t)
for t in [".5", "5.", "-.5", "+.5", "+5", "+0", "-5", "00", "007", "0o17", "0b101", "0x", "0x1F", "0X1f", "-0x1F",
          "1_000", "1:20", "1:20:30", "-1:20", "1:20.5", "190:20:30", "1,000", "1,000.5", "1.2.3", "1..2", "1e",
          "1e+", "e5", "-e5", ".e5", "5e5.5", "--5", "+-5", "- 5", "5-", "Inf", "inf", "INF", "-inf", "+inf",
          "Infinity", "-Infinity", "infinity", "infin", "NaN", "nan", "NAN", "-nan", "nanq", "NaNs", "qnan", "snan",
          "nan(123)", "nan(", "nan1", "1.#INF", "-1.#INF", "1.#IND", "1.#QNAN", "1#INF", ".inf", "-.inf", "+.inf",
          ".Inf", ".NaN", ".nan", "0 but true", "0 but false", " 0 but true", "5 ", " 5", "\t5\t", "5\n\n",
          "\n5", "\n 5", "5\f", "\v5", " ", "  ", "\t", "\n", "\n\n", "2001-01-01", "2001-12-14t21:59:43.10-05:00",
          "2001-12-14 21:59:43.10 -5", "12:30", "0.", ".0", "-.", ".", "+", "-", "1.0e+2", "6.02e23"]:
    add(t)

# ------------------------------------------------------------------ words
words = ["y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", "nil", "none", "yEs", "ok"]
for w in words:
    letters = [(c.lower(), c.upper()) if c.isalpha() else (c,) for c in w]
    for variant in itertools.product(*letters):
        v = "".join(variant)
        for form in (v, v + " ", " " + v, v + ":", v + "x", "x" + v, '"' + v + '"', v + "\n"):
            add(form)
for w in ["<<", "=", "!", "!!str", "&a", "*a", "---", "--- a", "...", "-", "--", "- a", "? a", "?", ":", "::", ": a",
          "|", ">", "|-", ">+", "%YAML", "@", "`", "#", "##", "# a", "[]", "{}", "[a]", "{a: 1}", "''", '""', "'",
          '"', "\\", "\\n", "\\x41", "%", "^", "&", "*", ",", ", a", "a,", "a, b", "a,b", "a]", "a}", "a[", "a{",
          "a: b", "a:b", "a:", "a :", "a: ", "a:\tb", "a:\nb", "a #b", "a#b", "a\t#b", "#a", " #a", "a #", "a :b"]:
    add(w)

# ------------------------------------------------------------------ indicators, quotes, blanks
specials = "-?:,[]{}#&*!|>'\"%@`^=~<.\\/+$;()"
for c in specials:
    for form in (c, c + "a", "a" + c, "a" + c + "b", c + " a", "a " + c, "a " + c + " b", c + c, c + "\t", c + "\n",
                 " " + c, c + ":", c + ": a", "*" + c + "*"):
        add(form)
for form in ["*unknown*", "*", "*/5", "0 */5 * * *", "/bin/sh -c 'x'", "it's", 'say "hi"', "a'b\"c", "C:\\dir",
             "user@example.com", "http://example.com/a?b=c#d", "key=value", "a|b", "a>b", "~user", "$HOME",
             "100%", "50% off", "&amp;", "<b>", "</b>", "[x]", "{x}", "(x)", "a  b", "a\tb", "a\t\tb", "a \t b",
             "", " ", "   ", " a", "a ", " a ", "\ta", "a\t", "\t", "\t\t"]:
    add(form)

# ------------------------------------------------------------------ lines
for form in ["a\nb", "a\n", "\na", "a\n\nb", "a\n\n", "\n\n\n", "a\n b", "a\n\tb", "a \nb", "a\n#b", "a\n- b",
             "a\n---\nb", "---\na", "a\n...\n", "'a\nb'", "5\n6", "a: b\nc: d", " a\nb", "a\nb ", "\n a"]:
    add(form)
add("x" * 200)
add(" ".join(["word"] * 60))
add("a" * 79 + " " + "b" * 79 + " " + "c" * 100)
add(("lorem ipsum " * 30) + ": end")

# ------------------------------------------------------------------ control bytes and unicode
for c in list(range(0, 0x20)) + [0x7F]:
    if c == 0x0D:
        continue  # a carriage return is one of the deliberate differences, below
    ch = chr(c)
    for form in (ch, "a" + ch, ch + "a", "a" + ch + "b", "5" + ch, ch + "5", "é" + ch, ch + " ", "y" + ch):
        add(form)
unicode = ["é", "ß", "ж", "€", "中文", "日本語", "😀", "𝄞", "\u00a0", "\u00a0a\u00a0", "\u200b", "\ufeff",
           "\ufffd", "\uffef", "\U0010FFFF", "\ue000", "a\u0301", "Ω", "ﬁ"]
for u in unicode:
    for form in (u, "a" + u, u + "a", u + ": " + u, "- " + u, u + "\n" + u, u + "\t", " " + u, "'" + u, u + "\x01",
                 "*" + u, u + ":", "5" + u, u + u):
        add(form)

# ------------------------------------------------------------------ random mixes
pieces = (["a", "b", "z", "A", "0", "1", "5", "9", "12", "007", " ", "  ", "\t", "\n", ":", ": ", " #", "#", "-",
           "- ", "?", "? ", ",", ", ", "'", '"', "\\", "[", "]", "{", "}", "&", "*", "!", "|", ">", "%", "@", "`",
           "^", "~", "=", "<<", ".", "e", "E", "+", "x", "0x", "y", "n", "no", "yes", "on", "null", "true",
           "é", "€", "😀", "\x01", "\x1b", "\x7f", "\x00", "---", "...", "inf", "nan"])
seen = set(scalars)
while len(scalars) < 11000:
    s = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 5)))
    if s not in seen:
        seen.add(s)
        add(s)

# The deliberate differences: a carriage return, C1 controls, U+2028, U+2029,
# U+FFFE, U+FFFF (bytes that are not UTF-8 cannot travel in JSON).
unsafe = ["\r", "\u0080", "\u0085", "\u009f", "\u2028", "\u2029", "\ufffe", "\uffff"]
unsafe_scalars = []
for u in unsafe:
    for form in (u, "a" + u, u + "a", "a" + u + "b", "5" + u, u + " ", "a\n" + u, "é" + u, "y" + u, "a: " + u):
        unsafe_scalars.append(form)

# ------------------------------------------------------------------ documents
out = sys.stdout
count = 0


def emit(doc):
    out.write(json.dumps(doc, ensure_ascii=False, sort_keys=True) + "\n")


def as_json_number(text):
    """The JSON number for `text` if it is one (as JSON spells numbers)."""
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


for s in scalars:
    emit({"value": s, "list": [s, "after"], "map": {s: s}})
    count += 1
    n = as_json_number(s.strip()) if s == s.strip() else None
    if n is not None and s in number_texts:
        # The number as a JSON number, written exactly as the text says.
        out.write('{"n":%s,"list":[%s,-1]}\n' % (s, s))
        count += 1
for s in unsafe_scalars:
    emit({"value": s})
    emit({s: 1})
    emit([s])
    count += 1

# Empty collections in every position.
shapes = [[], {}, [[]], [{}], [[], []], [{}, {}], [[], {}, 1], [1, [], {}], {"a": []}, {"a": {}},
          {"a": [], "b": {}}, {"a": 1, "b": [], "c": 2}, {"a": [[]]}, {"a": [{}]}, {"a": {"b": {}}},
          {"a": {"b": []}, "c": {}}, [[[]]], [[{}]], [{"a": []}], [{"a": {}, "b": [1, []]}], {"a": [1, [2, []]]},
          {"": [], "k": {"": {}}}, [None, [], None], {"a": None, "b": []}, [[1], [], [{}], 2], {"z": [{}, []]}]
for shape in shapes:
    emit(shape)
for x, y in itertools.product([[], {}, [1], {"k": 1}, "s", 1, None], repeat=2):
    emit({"first": x, "second": y})
    emit([x, y])
    emit([[x], {"k": y}])

# Random nested documents built from the scalars.
leaf_pool = scalars[:3000]


def random_value(depth):
    r = rng.random()
    if depth > 3 or r < 0.45:
        choice = rng.random()
        if choice < 0.7:
            return rng.choice(leaf_pool)
        if choice < 0.8:
            return rng.choice([0, 1, -1, 42, 1234567890, 3.5, None, True, False])
        return [] if rng.random() < 0.5 else {}
    if r < 0.7:
        return [random_value(depth + 1) for _ in range(rng.randint(0, 4))]
    return {rng.choice(leaf_pool): random_value(depth + 1) for _ in range(rng.randint(0, 4))}


for _ in range(1500):
    emit(random_value(0))
# Top-level scalars.
for s in ["x", "", "5", "y", "a: b", 5, 1.5, None, True, -1, "1234567890", "\n"]:
    emit(s)

print(f"{len(scalars) + len(unsafe_scalars)} scalars", file=sys.stderr)

#!/usr/bin/env python3
"""Converts command files from registrations at start-up to registrations on
first need (lib/api/registry.hpp, WHMKIT_REGISTRATIONS):

    const Registration NAME[] = {        ->   WHMKIT_REGISTRATIONS(NAME,
        Registration(...),                        Registration(...),
    };                                       );

It also includes "lazy_registrations.hpp" after the file's last #include "...".
Usage: scripts/convert-registrations.py FILE...   (then clang-format the files)
A file already converted, or without such an array, is left as it is.
"""
import re
import sys

OPEN = re.compile(r"^(static )?const Registration (\w+)\[\] = \{\s*$")


def convert(text):
    lines = text.split("\n")
    out, inside, changed = [], False, False
    for line in lines:
        m = OPEN.match(line)
        if not inside and m:
            out.append("WHMKIT_REGISTRATIONS(%s," % m.group(2))
            inside, changed = True, True
            continue
        if inside and line.startswith("#"):
            raise SystemExit("a preprocessor line inside a registration array: " + line)
        if inside and line.rstrip() == "};":
            out.append(");")
            inside = False
            continue
        out.append(line)
    if inside:
        raise SystemExit("an array without its closing '};' line")
    if changed and '#include "lazy_registrations.hpp"' not in out:
        last = max(i for i, line in enumerate(out) if line.startswith('#include "'))
        out.insert(last + 1, '#include "lazy_registrations.hpp"')
    return "\n".join(out), changed


for path in sys.argv[1:]:
    with open(path) as f:
        text = f.read()
    new, changed = convert(text)
    if changed:
        with open(path, "w") as f:
            f.write(new)
        print("converted", path)

#!/usr/bin/env python3
"""Generates commands/spec/whmapi1_spec.cpp from the WHM API 1 reference
(shared/seeds/002_*.txt): one record per function with its category,
summary, parameters (name, type, required, default, allowed values, range,
example, description), an example call and the response sample.

  gen_spec.py REFERENCE OUTPUT        write the spec
  gen_spec.py --check REFERENCE OUTPUT  fail if OUTPUT is not what REFERENCE gives
"""
import re
import sys

TYPE_WORD = r"(?:any|string|integer|boolean|number|object|null|Array of \w+(?: \w+)*?)"
TYPE_RE = re.compile(r"^" + TYPE_WORD + r"(?: or " + r"(?:any|string|strings|integer|boolean|number|object|null|Array of \w+))*" + r"(?:\s.*)?$")
NAME_RE = re.compile(r"^[A-Za-z_][\w\-\.\*\[\]]*(?: or [A-Za-z_][\w\-\.\*\[\]]*)*$")
JSON_LINE_RE = re.compile(r"^[\s{}\[\]•]")
CATEGORY_RE = re.compile(r"^[A-Za-z0-9][^.:]{0,60} / [^.:]{1,60}$")


def split_blocks(lines):
    """Yields (header_lines, body_lines, request_lines, response_lines) per function block."""
    auth = [i for i, l in enumerate(lines) if l.startswith("Authorizations:")]
    header_start = 0
    for k, a in enumerate(auth):
        nxt = auth[k + 1] if k + 1 < len(auth) else len(lines)
        req = next(i for i in range(a, nxt) if lines[i].startswith("Request samples"))
        resp = next((i for i in range(req, nxt) if lines[i].startswith("Response samples")), None)
        if resp is None:
            # No response sample: the request sample is the first run of non-blank lines.
            i = req + 1
            while i < nxt and not lines[i].strip():
                i += 1
            while i < nxt and lines[i].strip():
                i += 1
            yield lines[header_start:a], lines[a:req], lines[req + 1:i], []
            header_start = i
            continue
        # The response sample: JSON-shaped lines after "Content type / application/json".
        i = resp + 1
        while i < nxt and (not lines[i].strip() or lines[i] in ("Content type", "application/json", "Example")
                           or JSON_LINE_RE.match(lines[i])):
            i += 1
        yield lines[header_start:a], lines[a:req], lines[req + 1:resp], lines[resp + 1:i]
        header_start = i


def function_name(request, response):
    for l in request:
        if l.startswith("whmapi1"):
            words = [w for w in " ".join(request).replace("\\", " ").split()
                     if w != "whmapi1" and not w.startswith("--")]
            return words[0]
        m = re.search(r"json-api/([A-Za-z0-9_]+)", l)
        if m:
            return m.group(1)
    for l in response:
        m = re.search(r'"command": "([^"]+)"', l)
        if m:
            return m.group(1)
    raise ValueError("no function name in block: %r" % request[:3])


def parse_header(header, category):
    text = [l for l in header if l.strip()]
    # A new category starts with "Category / Subcategory" (after optional module intro lines).
    for i in reversed(range(len(text))):
        if CATEGORY_RE.match(text[i]):
            category = text[i].split(" / ", 1)
            text = text[i + 1:]
            break
    title = text[0].strip() if text else ""
    description = "\n".join(l.rstrip() for l in text[1:]).strip()
    return category, title, description


def parse_type(type_line):
    t = {"text": type_line.strip(), "kind": "string", "min": None, "max": None}
    base = type_line.split(" or ")[0].strip()
    if base.startswith("integer") and " or " not in type_line:
        t["kind"] = "integer"
    elif base.startswith("boolean"):
        t["kind"] = "boolean"
    m = re.search(r"\[\s*(-?\d+)\s*\.\.\s*(-?\d+)\s*\]", type_line)
    if m and t["kind"] == "integer":
        t["min"], t["max"] = int(m.group(1)), int(m.group(2))
    m = re.search(r">=\s*(-?\d+)", type_line)
    if m and t["kind"] == "integer":
        t["min"] = int(m.group(1))
    for fmt, kind in (("<email>", "email"), ("<ipv4>", "ipv4"), ("<domain>", "domain")):
        if fmt in type_line and " or " not in type_line:
            t["kind"] = kind
    return t


def parse_values(text):
    quoted = re.findall(r'"([^"]*)"', text)
    return quoted if quoted else text.split()


def parse_params(body):
    try:
        start = next(i for i, l in enumerate(body) if l in ("query Parameters", "Request Body schema") or
                     l.startswith("Request Body schema"))
    except StopIteration:
        return []
    end = next((i for i in range(start, len(body)) if body[i] == "Responses"), len(body))
    lines = body[start + 1:end]
    params, cur, i = [], None, 0

    def header_at(i):
        """Returns (names, required, type_index) if a parameter header starts at line i."""
        l = lines[i]
        if l != "required" and NAME_RE.match(l) and not TYPE_RE.match(l):
            j = i + 1
            required = j < len(lines) and lines[j] == "required"
            if required:
                j += 1
            if j < len(lines) and TYPE_RE.match(lines[j]):
                return l.split(" or "), required, j
        # A header whose name line is missing (the name comes from its example).
        if l == "required" and i + 1 < len(lines) and TYPE_RE.match(lines[i + 1]):
            return None, True, i + 1
        if TYPE_RE.match(l) and (i == 0 or lines[i - 1] != "required"):
            return None, False, i
        return None

    while i < len(lines):
        h = header_at(i)
        if h is None:
            if cur is not None:
                cur["description"].append(lines[i])
            i += 1
            continue
        names, required, j = h
        cur = {"names": names, "required": required, "type": parse_type(lines[j]), "default": None,
               "allowed": [], "example": "", "deprecated": False, "description": []}
        params.append(cur)
        i = j + 1
        # Attribute lines up to the first blank line.
        while i < len(lines) and lines[i].strip():
            l = lines[i]
            if l == "Deprecated":
                cur["deprecated"] = True
            elif l.startswith("Default: "):
                v = l[len("Default: "):].strip()
                cur["default"] = None if v == "null" else (v[1:-1] if v.startswith('"') and v.endswith('"') else v)
            elif l.startswith("Possible Values: "):
                cur["allowed"] = parse_values(l[len("Possible Values: "):])
            elif l.startswith("Example: "):
                cur["example"] = l[len("Example: "):].strip()
            elif l == "Examples:":
                pass
            elif l.startswith("  • ") and not cur["example"]:
                cur["example"] = l[4:].split(" - ")[0].strip()
            else:
                break
            i += 1
    out = []
    for p in params:
        names = p["names"]
        if names is None:
            ex = p["example"]
            if "=" not in ex:
                continue  # a header with neither name nor example cannot be called
            names = [ex.split("=", 1)[0].strip()]
        kind = p["type"]["kind"]
        if kind == "integer" and sorted(p["allowed"]) == ["0", "1"]:
            kind = "boolean"
        desc = "\n".join(l.rstrip() for l in p["description"]).strip()
        for n in names:
            out.append(dict(p, name=n.strip(), kind=kind, description=desc))
    return out


def response_text(response):
    lines = [l for l in response if l not in ("Content type", "application/json", "Example")]
    return "\n".join(l.replace("• ", "") for l in lines).strip()


def example_call(request):
    return "\n".join(l.rstrip() for l in request if l.strip())


def c_string(s):
    if s is None:
        return "nullptr"
    out = []
    for ch in s:
        o = ord(ch)
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "?":
            out.append("\\?")  # no trigraphs
        elif o < 0x20:
            out.append("\\%03o" % o)
        else:
            out.append(ch)
    # Split long literals so compilers and diffs stay happy.
    s = "".join(out)
    return '"' + s + '"'


KIND_ENUM = {"string": "String", "integer": "Integer", "boolean": "Boolean", "email": "Email",
             "ipv4": "IPv4", "domain": "Domain"}


def generate(reference_path):
    lines = open(reference_path, encoding="utf-8").read().split("\n")
    functions, order, category, blocks = {}, [], ["", ""], 0
    for header, body, request, response in split_blocks(lines):
        blocks += 1
        name = function_name(request, response)
        category, title, description = parse_header(header, category)
        params = parse_params(body)
        if name in functions:  # documented twice: keep the first text, add parameters it lacks
            known = {p["name"] for p in functions[name]["params"]}
            functions[name]["params"] += [p for p in params if p["name"] not in known]
            continue
        seen, unique = set(), []
        for p in params:
            if p["name"] not in seen:
                seen.add(p["name"])
                unique.append(p)
        functions[name] = {"name": name, "category": category[0].strip(), "subcategory": category[1].strip(),
                           "title": title, "description": description, "params": unique,
                           "example": example_call(request), "response": response_text(response)}
        order.append(name)
    out = ["// GENERATED by scripts/gen_spec.py from the WHM API 1 reference. Do not edit.",
           "// %d function blocks, %d function names." % (blocks, len(functions)),
           '#include "spec.hpp"', "", "namespace whm {", "namespace {", ""]
    for idx, name in enumerate(sorted(functions)):
        f = functions[name]
        if not f["params"]:
            continue
        out.append("const SpecParam p%d[] = {" % idx)
        for p in f["params"]:
            t = p["type"]
            out.append("    {%s, %s, SpecKind::%s, %s, %s, %s, %s, %s, %s, %s, %s, %s}," % (
                c_string(p["name"]), c_string(t["text"]), KIND_ENUM[p["kind"]],
                "true" if p["required"] else "false", c_string(p["default"]),
                c_string("\x1f".join(p["allowed"])) if p["allowed"] else "nullptr",
                "true" if t["min"] is not None else "false", t["min"] if t["min"] is not None else 0,
                "true" if t["max"] is not None else "false", t["max"] if t["max"] is not None else 0,
                c_string(p["example"]), c_string(p["description"])))
        out.append("};")
    out += ["", "}  // namespace", "", "const SpecFunction kSpecFunctions[] = {"]
    for idx, name in enumerate(sorted(functions)):
        f = functions[name]
        out.append("    {%s, %s, %s, %s, %s, %s, %d, %s, %s}," % (
            c_string(name), c_string(f["category"]), c_string(f["subcategory"]), c_string(f["title"]),
            c_string(f["description"]), ("p%d" % idx) if f["params"] else "nullptr", len(f["params"]),
            c_string(f["example"]), c_string(f["response"])))
    out += ["};", "", "const size_t kSpecFunctionCount = sizeof(kSpecFunctions) / sizeof(kSpecFunctions[0]);",
            "const size_t kSpecBlockCount = %d;" % blocks, "", "}  // namespace whm", ""]
    return "\n".join(out), blocks, len(functions)


def main(argv):
    check = argv[1:2] == ["--check"]
    args = argv[2:] if check else argv[1:]
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    text, blocks, names = generate(args[0])
    if check:
        current = open(args[1], encoding="utf-8").read()
        if current != text:
            print("%s is out of date: run scripts/gen_spec.py %s %s" % (args[1], args[0], args[1]), file=sys.stderr)
            return 1
        print("spec up to date: %d blocks, %d functions" % (blocks, names))
        return 0
    open(args[1], "w", encoding="utf-8").write(text)
    print("wrote %s: %d blocks, %d functions" % (args[1], blocks, names))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

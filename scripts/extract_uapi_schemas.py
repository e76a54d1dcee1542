#!/usr/bin/env python3
"""Extracts, from cPanel's published UAPI OpenAPI description, the parameters
and response schemas of the UAPI modules whmkit implements, into one JSON file
kept in the repository (tests must not need ../shared).

    extract_uapi_schemas.py OPENAPI_YML OUT_JSON            write OUT_JSON
    extract_uapi_schemas.py --check OPENAPI_YML OUT_JSON    exit 1 if OUT_JSON differs

References ($ref) are resolved; descriptions and examples are dropped (the
checks need types, enums, nullability and the parameters' names, required
flags and defaults). The schemas stay in OpenAPI 3.0's dialect
(tests/uapi_schemas/check_uapi.py converts them to JSON Schema).
"""
import json
import sys

import yaml

# Every module of which whmkit implements a UAPI function. A module added
# here is extracted whole.
MODULES = ["Backup", "Bandwidth", "ContactInformation", "DNS", "DomainInfo", "Email", "EmailAuth", "Features", "Fileman", "Ftp",
           "Locale", "Mailboxes", "Mysql",
           "Postgresql",
           "Personalization", "Quota", "ResourceUsage", "SSH", "SSL", "SpamAssassin", "StatsBar", "SubDomain",
           "Tokens", "TwoFactorAuth", "Variables", "WebVhosts"]
DROPPED_KEYS = {"description", "example", "examples", "externalDocs", "x-cpanel-available-version"}


def resolve(node, schemas):
    if isinstance(node, dict):
        if "$ref" in node:
            return resolve(schemas[node["$ref"].rsplit("/", 1)[-1]], schemas)
        return {k: resolve(v, schemas) for k, v in node.items() if k not in DROPPED_KEYS}
    if isinstance(node, list):
        return [resolve(v, schemas) for v in node]
    return node


def extract(openapi_path):
    with open(openapi_path, encoding="utf-8") as f:
        doc = yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    schemas = doc["components"]["schemas"]
    out = {"openapi_version": doc["info"]["version"], "functions": {}}
    for path, item in sorted(doc["paths"].items()):
        module, _, function = path.strip("/").partition("/")
        if module not in MODULES:
            continue
        op = item.get("get") or item.get("post")
        params = []
        for p in op.get("parameters", []):
            schema = resolve(p.get("schema", {}), schemas)
            params.append({"name": p["name"], "required": bool(p.get("required")), "schema": schema})
        response = op["responses"]["200"]["content"]["application/json"]["schema"]
        out["functions"][f"{module}::{function}"] = {"parameters": params, "response": resolve(response, schemas)}
    return json.dumps(out, indent=1, sort_keys=True) + "\n"


def main(argv):
    check = argv[:1] == ["--check"]
    if check:
        argv = argv[1:]
    if len(argv) != 2:
        sys.exit(__doc__)
    text = extract(argv[0])
    if check:
        with open(argv[1], encoding="utf-8") as f:
            if f.read() != text:
                print(f"{argv[1]} is not what {argv[0]} gives: rerun scripts/extract_uapi_schemas.py")
                return 1
        return 0
    with open(argv[1], "w", encoding="utf-8") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

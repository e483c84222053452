#!/usr/bin/env python3
"""Checks the emulator's responses against Yousign's OpenAPI spec.

    scripts/conformance.py LOG [--spec PATH]

LOG holds JSON lines written by the emulator tests when ONBOARD_CONFORMANCE_LOG is set
(`ConformanceLog` in Tests/YousignEmulatorTests/EmulatorTestSupport.swift), one per /v3 response:
{"method", "path", "status", "content_type", "body"}. Each is matched to the spec's operation (path
template and method) and response (status code), and its body is validated against that
response's application/json schema with openapi-schema-validator (OpenAPI 3.0 rules: nullable,
formats, readOnly/writeOnly as a response sees them).

Nulls are checked strictly: a null passes only where the schema that applies says
`nullable: true` (a type check, an enum or a composition that rejects null reports it as
"null where the spec does not allow it"), and a null under a key the spec does not declare for
that object is reported too, since no schema allows it.

Prints one line per distinct failure, then the operations and status codes the spec has no
schema for (listed, not failures), then `N passed, M failed` on its own line. Exits 1 on any
failure. The spec is ../shared/yousign/openapi-v3.yml from the repository root; without it the
check is skipped, loudly (exit 0), or fails with --require-spec (exit 1: scripts/test passes it
when CI is set, so CI never passes with the check silently off). The parsed spec is cached as JSON under .build/conformance/, keyed by
the spec's mtime and size, so reruns skip the YAML parse.
"""
import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SPEC = ROOT.parent / "shared" / "yousign" / "openapi-v3.yml"
CACHE_DIR = ROOT / ".build" / "conformance"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
MAX_ERRORS_PER_RESPONSE = 5
# Deviations the emulator makes on purpose where the spec itself is incomplete, each written up in
# docs/emulator.md ("Fidelity gaps"): (path template, JSON path prefix, message fragment, why).
KNOWN_GAPS = [
    ("/workflow_sessions/{workflowSessionId}", "$.action_groups", "'tax_notice_document_analysis' is not one of",
     "the spec's action resource types have no tax notice analysis, which /document_analyses accepts"),
    ("/workflow_sessions/{workflowSessionId}", "$.action_groups", "'fraud_only_document_analysis' is not one of",
     "the spec's action resource types have no fraud-only analysis, which /document_analyses accepts"),
]


def load_spec(path):
    """The spec as a dict, from the JSON cache when the YAML has not changed."""
    stat = path.stat()
    cache = CACHE_DIR / f"{path.stem}.{stat.st_mtime_ns}.{stat.st_size}.json"
    if cache.exists():
        return json.loads(cache.read_text())
    import yaml
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader parses 1.9 MB ~10x faster
    spec = yaml.load(path.read_text(), Loader=loader)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    for old in CACHE_DIR.glob(f"{path.stem}.*.json"):
        old.unlink()
    # YAML may hold dates and other non-JSON scalars; str() keeps the cache loadable
    cache.write_text(json.dumps(spec, default=str))
    return spec


def nullable_as_intended(node):
    """Reads the spec as its authors meant it where OpenAPI 3.0's letter and the validator
    disagree with them. `nullable: true`, in two places where OpenAPI 3.0's
    letter and the validator disagree with them: beside `allOf`/`oneOf`/`anyOf`/`$ref` (null is
    checked against the referenced, non-nullable schema and fails), and with an `enum` that does
    not list null (OAS 3.0.3 asks for null in the enum). Yousign's spec uses both forms for
    fields that are null in its own examples (`Signer.delivery_mode`, `NaturalPerson.address`)."""
    if isinstance(node, list):
        return [nullable_as_intended(x) for x in node]
    if not isinstance(node, dict):
        return node
    node = {k: nullable_as_intended(v) for k, v in node.items()}
    # A discriminator without a mapping names schemas by the property's value (`natural_person`),
    # which Yousign's spec does not define (its schema is `Natural_Person_Applicant`): the plain
    # oneOf decides instead.
    if isinstance(node.get("discriminator"), dict) and "mapping" not in node["discriminator"]:
        del node["discriminator"]
    if node.get("nullable") is True:
        if "enum" in node and None not in node["enum"]:
            node["enum"] = list(node["enum"]) + [None]
        if any(k in node for k in ("allOf", "oneOf", "anyOf", "$ref")):
            inner = {k: v for k, v in node.items() if k != "nullable"}
            node = {"nullable": True, "anyOf": [{"enum": [None]}, inner]}
    return node


class Operations:
    """Spec paths as matchers: `/workflow_sessions/{workflowSessionId}` matches one segment per
    parameter, and literal segments win over parameters (`/workspaces/default`)."""

    def __init__(self, spec):
        self.spec = spec
        self.templates = []
        for template, item in spec["paths"].items():
            parts = template.strip("/").split("/")
            pattern = "^/" + "/".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts) + "$"
            literals = sum(1 for p in parts if not p.startswith("{"))
            self.templates.append((-literals, template, re.compile(pattern), item))
        self.templates.sort(key=lambda t: (t[0], t[1]))

    def path_item(self, api_path):
        """(template, path item) for a request path without the /v3 prefix, or (None, None)."""
        for _, template, pattern, item in self.templates:
            if pattern.match(api_path):
                return template, item
        return None, None

    def resolve(self, node):
        while isinstance(node, dict) and "$ref" in node and node["$ref"].startswith("#/"):
            target = self.spec
            for key in node["$ref"][2:].split("/"):
                target = target[key.replace("~1", "/").replace("~0", "~")]
            node = target
        return node

    def response(self, item, method, status):
        """The spec's response object for this call: (response, operation found?)."""
        op = item.get(method.lower())
        if op is None:
            # a 405 answers a method the path lacks: its shape is any sibling operation's 405
            if status == 405:
                for m in METHODS:
                    if m in item and "405" in item[m].get("responses", {}):
                        return self.resolve(item[m]["responses"]["405"]), True
            return None, False
        responses = op.get("responses", {})
        r = responses.get(str(status)) or responses.get(f"{str(status)[0]}XX") or responses.get("default")
        return (self.resolve(r) if r is not None else None), True


NULL_MESSAGE = "null where the spec does not allow it (no nullable: true)"


def is_null_error(err):
    """A failure that says only that the value is null where it may not be."""
    return err.instance is None and err.validator in ("type", "enum", "not")


def nulls_explaining(err):
    """For a oneOf/anyOf failure: the null errors that alone keep one branch from matching, or
    None when every branch fails for other reasons as well."""
    branches = {}
    for sub in err.context or []:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    for subs in branches.values():
        found = []
        for sub in subs:
            if is_null_error(sub):
                found.append(sub)
            elif sub.validator in ("oneOf", "anyOf") and (inner := nulls_explaining(sub)):
                found += inner
            else:
                break
        else:
            if found:
                return found
    return None


def undeclared_nulls(ops, validator, schema, value, path):
    """JSON paths of nulls under keys the applicable schema does not declare (no
    `additionalProperties` schema either), walking declared keys and array items."""
    found = []
    props, extra, items = {}, [], []

    def collect(node):
        node = ops.resolve(node)
        if not isinstance(node, dict):
            return
        for name, sub in (node.get("properties") or {}).items():
            props.setdefault(name, []).append(sub)
        if isinstance(node.get("additionalProperties"), dict) or node.get("additionalProperties") is True:
            extra.append(node["additionalProperties"])
        if "items" in node:
            items.append(node["items"])
        for sub in node.get("allOf") or []:
            collect(sub)
        for key in ("oneOf", "anyOf"):
            subs = node.get(key) or []
            fitting = [sub for sub in subs if validator.evolve(schema=ops.resolve(sub)).is_valid(value)]
            for sub in fitting or subs:
                collect(sub)

    collect(schema)
    if isinstance(value, dict):
        for name, v in value.items():
            subs = props.get(name) or [x for x in extra if isinstance(x, dict)]
            if not subs and not extra:
                if v is None:
                    found.append(path + [name])
                continue
            for sub in subs:
                found += undeclared_nulls(ops, validator, sub, v, path + [name])
    elif isinstance(value, list):
        for i, v in enumerate(value):
            for sub in items:
                found += undeclared_nulls(ops, validator, sub, v, path + [i])
    return found


def json_path(parts):
    out = "$"
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else f".{p}"
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("log", type=Path)
    ap.add_argument("--spec", type=Path, default=DEFAULT_SPEC)
    ap.add_argument("--require-spec", action="store_true",
                    help="fail, rather than skip, when the spec is absent (CI)")
    a = ap.parse_args()

    if not a.spec.exists():
        shown = "../shared/yousign/openapi-v3.yml" if a.spec == DEFAULT_SPEC else str(a.spec)
        if a.require_spec:
            print(f"conformance: FAILED: {shown} not found, and --require-spec says the check must run"
                  " (put the spec there, or pass --spec PATH)")
            return 1
        print(f"conformance: SKIPPED: {shown} not found")
        print("conformance: the emulator's responses were NOT checked against Yousign's OpenAPI spec"
              " (put the spec there, or pass --spec PATH)")
        return 0
    try:
        from jsonschema.exceptions import best_match  # noqa: F401 (a clear error if it is missing)
        from openapi_schema_validator import OAS30ReadValidator, oas30_format_checker
    except ImportError as e:
        print(f"conformance: {e.name} is missing: run scripts/bootstrap", file=sys.stderr)
        return 2

    spec = load_spec(a.spec)
    spec["components"] = nullable_as_intended(spec["components"])
    ops = Operations(spec)
    validators = {}

    def validator(key, schema):
        # the schema's $refs (#/components/...) resolve against the wrapper's own root
        if key not in validators:
            root = dict(schema)
            root["components"] = spec["components"]
            validators[key] = OAS30ReadValidator(root, format_checker=oas30_format_checker)
        return validators[key]

    passed = 0
    failures = Counter()  # distinct failure line -> occurrences
    failed_entries = 0
    no_schema = Counter()
    known = Counter()
    lines = a.log.read_text().splitlines() if a.log.exists() else []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            e = json.loads(line)
        except ValueError:
            print(f"conformance: {a.log}:{n}: not JSON", file=sys.stderr)
            return 2
        method, path, status = e["method"], e["path"], int(e["status"])
        api_path = path[3:] if path.startswith("/v3") else path
        template, item = ops.path_item(api_path)
        where = f"{method} /v3{template or api_path} {status}"
        if item is None:
            no_schema[f"{method} {path} {status}: no such path in the spec"] += 1
            continue
        response, has_op = ops.response(item, method, status)
        if not has_op:
            no_schema[f"{method} /v3{template} {status}: no {method} operation in the spec"] += 1
            continue
        if response is None:
            no_schema[f"{where}: the operation declares no {status} response"] += 1
            continue
        content = response.get("content") or {}
        ctype = (e.get("content_type") or "").split(";")[0].strip().lower()
        problems = []
        if not content:
            if e.get("body") is not None:
                problems.append("$: a body where the spec declares none")
        elif "application/json" in content:
            if ctype != "application/json":
                problems.append(f"$: Content-Type {ctype or '(none)'}, the spec says application/json")
            else:
                schema = ops.resolve(content["application/json"].get("schema"))
                if schema is None:
                    no_schema[f"{where}: application/json without a schema"] += 1
                else:
                    v = validator((template, method, status), schema)
                    body = e.get("body")
                    errors = sorted(v.iter_errors(body), key=lambda err: [str(x) for x in err.absolute_path])
                    found = []
                    for err in errors:
                        where_in_body = json_path(err.absolute_path)
                        gap = next((g for g in KNOWN_GAPS if g[0] == template and where_in_body.startswith(g[1]) and g[2] in err.message), None)
                        if gap:
                            known[f"{method} /v3{template}: {gap[3]}"] += 1
                            continue
                        nulls = [err] if is_null_error(err) else nulls_explaining(err) if err.validator in ("oneOf", "anyOf") else None
                        if nulls:
                            found += [f"{json_path(n.absolute_path)}: {NULL_MESSAGE}" for n in nulls]
                        else:
                            message = err.message if len(err.message) <= 240 else err.message[:237] + "..."
                            found.append(f"{where_in_body}: {message}")
                    if not errors:
                        found += [f"{json_path(p)}: null under a key the spec does not declare"
                                  for p in undeclared_nulls(ops, v, schema, body, [])]
                    problems += list(dict.fromkeys(found))[:MAX_ERRORS_PER_RESPONSE]
        elif ctype not in {c.strip() for k in content for c in k.split(",")}:
            problems.append(f"$: Content-Type {ctype or '(none)'}, the spec says {', '.join(content)}")
        if problems:
            failed_entries += 1
            for p in problems:
                failures[f"FAIL {where}: {p}"] += 1
        else:
            passed += 1

    for text, count in failures.items():
        print(text + (f" (x{count})" if count > 1 else ""))
    if no_schema:
        print("no schema to check against (not failures):")
        for text, count in sorted(no_schema.items()):
            print(f"  {text}" + (f" (x{count})" if count > 1 else ""))
    if known:
        print("known gaps in the spec (docs/emulator.md), not failures:")
        for text, count in sorted(known.items()):
            print(f"  {text}" + (f" (x{count})" if count > 1 else ""))
    print(f"{passed} passed, {failed_entries} failed")
    return 1 if failed_entries else 0


if __name__ == "__main__":
    sys.exit(main())

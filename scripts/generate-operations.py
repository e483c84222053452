#!/usr/bin/env python3
"""Generates the table of Yousign API v3 operations, and its Lua reference, from the OpenAPI spec.

    scripts/generate-operations.py [SPEC] [--check]

Reads SPEC (default: ../shared/yousign/openapi-v3.yml from the repository root) and
scripts/operations-overrides.yml, and writes:

  Sources/YousignAPI/Generated/Operations.generated.swift   `Operation.all`: the groups below joined
  Sources/YousignAPI/Generated/Operations+*.generated.swift one entry per operation, a file per group
                                                            (SWIFT_GROUPS: signature requests,
                                                            onboarding, account)
  docs/lua-api.md                                           the Lua functions, one table per resource
  stdlib/types/yousign.lua, stdlib/types/yousign/*.lua      LuaLS type definitions (`onboard types`),
                                                            a file per resource

Each operation gets a dotted Lua name from its path and method (the rules are in `rule_name` and at
the top of docs/lua-api.md); the overrides file renames the few operations where the rules clash or
read badly, one line each with a comment saying why. The run fails (exit 1, listing them) when two
operations share a name, when a name is both a function and a table (`x.y` and `x.y.z`), when a
name segment is not a Lua identifier or is a keyword, or when an override is stale, redundant or
has no reason.

--check writes nothing: it exits 0 when every file is what the spec and overrides produce, 1 with
a diff summary otherwise, and 0 ("skipped") when the spec is not there.
"""
import argparse
import difflib
import re
import sys
from pathlib import Path

import operations_docs  # beside this script
import operations_types  # beside this script

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SPEC = ROOT.parent / "shared" / "yousign" / "openapi-v3.yml"
OVERRIDES = ROOT / "scripts" / "operations-overrides.yml"
SWIFT_DIR = ROOT / "Sources" / "YousignAPI" / "Generated"
# The table in three files by concern, each well under 600 lines: (file suffix, Swift name,
# what it holds, the top-level Lua tables it takes; None takes the rest).
SWIFT_GROUPS = [
    ("SignatureRequests", "signatureRequestOperations", "signature requests: documents, signers, fields, approvers...",
     {"signature_requests"}),
    ("Onboarding", "onboardingOperations", "workflow templates and sessions, verifications, document analyses",
     {"workflow_templates", "workflow_sessions", "verifications", "document_analyses"}),
    ("Account", "accountOperations", "everything else: workspaces, webhooks, users, contacts, seals, consumptions...",
     None),
]
DOCS_OUT = ROOT / "docs" / "lua-api.md"
TYPES_DIR = ROOT / "stdlib" / "types"
METHODS = ("get", "post", "put", "patch", "delete")
BASE_PATH = "/v3"
SWIFT_WIDTH = 120
LUA_KEYWORDS = {
    "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in",
    "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
}
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# The verb of an operation on a member (the path ends with a parameter). Every PUT on a member in
# Yousign's spec associates something with the parent: a label, a signer, a workspace user.
# Top-level names stdlib/yousign.lua defines beside the operations' tables.
RESERVED_TOP_LEVEL = {"is_error", "request", "wait", "now"}
MEMBER_VERBS = {"GET": "get", "PATCH": "update", "DELETE": "delete", "PUT": "add", "POST": "create"}


class Failure(Exception):
    """The spec and overrides cannot give a consistent table; carries the problems, one a line."""

    def __init__(self, problems):
        super().__init__("\n".join(problems))
        self.problems = problems


# --- Reading the spec -------------------------------------------------------------------------


class Spec:
    def __init__(self, doc):
        self.doc = doc

    def resolve(self, node):
        """`node` with its `$ref`s followed (local refs only: `#/components/...`)."""
        seen = set()
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            if ref in seen or not ref.startswith("#/"):
                raise Failure([f"cannot resolve $ref {ref!r}"])
            seen.add(ref)
            target = self.doc
            for part in ref[2:].split("/"):
                part = part.replace("~1", "/").replace("~0", "~")
                if not isinstance(target, dict) or part not in target:
                    raise Failure([f"dangling $ref {ref!r}"])
                target = target[part]
            node = target
        return node

    def properties(self, schema, depth=0):
        """The properties of an object schema, through `$ref` and `allOf`."""
        schema = self.resolve(schema)
        if not isinstance(schema, dict) or depth > 20:
            return {}
        props = dict(schema.get("properties") or {})
        for sub in schema.get("allOf") or []:
            for name, value in self.properties(sub, depth + 1).items():
                props.setdefault(name, value)
        return props

    def is_binary(self, schema, seen=None):
        """A file: `format: binary`, also as array items or inside allOf/oneOf/anyOf."""
        seen = set() if seen is None else seen
        if isinstance(schema, dict) and "$ref" in schema:
            if schema["$ref"] in seen:
                return False
            seen = seen | {schema["$ref"]}
        schema = self.resolve(schema)
        if not isinstance(schema, dict):
            return False
        if schema.get("format") == "binary":
            return True
        if "items" in schema and self.is_binary(schema["items"], seen):
            return True
        return any(self.is_binary(sub, seen) for key in ("allOf", "oneOf", "anyOf") for sub in schema.get(key) or [])

    def file_fields(self, schema, seen=None):
        """Names of the form fields carrying files, through allOf/oneOf/anyOf of the body schema."""
        seen = set() if seen is None else seen
        if isinstance(schema, dict) and "$ref" in schema:
            if schema["$ref"] in seen:
                return set()
            seen = seen | {schema["$ref"]}
        schema = self.resolve(schema)
        if not isinstance(schema, dict):
            return set()
        names = {name for name, prop in (schema.get("properties") or {}).items() if self.is_binary(prop)}
        for key in ("allOf", "oneOf", "anyOf"):
            for sub in schema.get(key) or []:
                names |= self.file_fields(sub, seen)
        return names


def one_line(text):
    return " ".join(str(text).split())


def is_parameter(segment):
    return segment.startswith("{") and segment.endswith("}")


def snake_case(name):
    """`signatureRequestId` → `signature_request_id` (every part kept), as `Operation.snakeCase`
    spells the arguments in the runtime's error messages: `_` and the lowercase before each
    uppercase letter."""
    return "".join("_" + c.lower() if c.isupper() else c for c in name)


def deep_object_keys(spec, param):
    """The keys a deepObject query parameter takes: its schema's properties when it lists them,
    else the operators its description allows (Yousign writes "Allowed operators: `eq`, `in`."
    and gives schemas without properties), else its example's keys."""
    props = spec.properties(param.get("schema") or {})
    if props:
        return list(props)
    match = re.search(r"Allowed operators?:([^\n]*)", param.get("description") or "")
    if match:
        keys = re.findall(r"`([^`]+)`", match.group(1))
        if keys:
            return keys
    example = param.get("example")
    return list(example) if isinstance(example, dict) else []


class Op:
    """What the generator knows about one operation."""

    def __init__(self, spec, path, method, raw, path_params):
        self.path = path
        self.method = method.upper()
        self.id = raw.get("operationId") or f"{method}-{path}"
        self.summary = one_line(raw.get("summary") or "") or self.id
        self.path_parameters = [s[1:-1] for s in path.split("/") if is_parameter(s)]

        # Parameters: the path item's, replaced by the operation's of the same name and location.
        params = {}
        for p in list(path_params) + list(raw.get("parameters") or []):
            p = spec.resolve(p)
            params[(p.get("name"), p.get("in"))] = p
        self.query_parameters = []
        self.query_names = set()
        for (name, location), p in params.items():
            if location != "query":
                continue
            self.query_names.add(name)
            keys = deep_object_keys(spec, p) if p.get("style") == "deepObject" else []
            self.query_parameters += [f"{name}[{k}]" for k in keys] if keys else [name]

        # Request body.
        self.body_types = []
        file_fields = set()
        body = spec.resolve(raw.get("requestBody")) if raw.get("requestBody") else None
        for content_type, media in ((body or {}).get("content") or {}).items():
            kind = content_type.split(";")[0].strip().lower()
            if kind == "application/json":
                self.body_types.append("json")
            elif kind == "multipart/form-data":
                self.body_types.append("multipart")
                file_fields |= spec.file_fields((media or {}).get("schema") or {})
            elif kind == "*/*":
                self.body_types.append("none")
            else:
                raise Failure([f"{self.method} {path}: unsupported request content type {content_type!r}"])
        self.file_fields = sorted(file_fields)

        # Success response.
        successes = sorted(
            (int(code), spec.resolve(resp)) for code, resp in (raw.get("responses") or {}).items()
            if str(code).isdigit() and 200 <= int(code) < 300
        )
        if not successes:
            raise Failure([f"{self.method} {path}: no 2xx response"])
        self.success_status = successes[0][0]
        self.json_schema = None
        has_content = False
        for _, resp in successes:
            for content_type, media in ((resp or {}).get("content") or {}).items():
                has_content = True
                kind = content_type.split(";")[0].strip().lower()
                if self.json_schema is None and (kind == "application/json" or kind.endswith("+json")):
                    self.json_schema = spec.resolve((media or {}).get("schema") or {})
        self.response = "json" if self.json_schema is not None else "binary" if has_content else "empty"

        schema = self.json_schema if isinstance(self.json_schema, dict) else {}
        props = spec.properties(schema) if schema else {}
        data = spec.resolve(props["data"]) if "data" in props else None
        data_is_array = isinstance(data, dict) and (data.get("type") == "array" or "items" in data)
        self.paginated = "meta" in props and "data" in props and "after" in self.query_names
        self.returns_list = self.paginated or data_is_array or schema.get("type") == "array"

        self.lua_name = None  # set by name_operations
        self.rule_lua_name = None

    @property
    def key(self):
        return f"{self.method} {self.path}"


def load_operations(spec):
    ops = []
    for path, item in (spec.doc.get("paths") or {}).items():
        item = spec.resolve(item) or {}
        for method, raw in item.items():
            if method in METHODS:
                ops.append(Op(spec, path, method, raw, item.get("parameters") or []))
    return ops


# --- Naming -----------------------------------------------------------------------------------


def rule_name(op, by_path, all_paths):
    """The Lua name the naming rules give an operation (before overrides)."""
    segments = [s for s in op.path.split("/") if s]
    literals = [s for s in segments if not is_parameter(s)]
    last = segments[-1]
    if is_parameter(last):
        # 1. A member: `/signature_requests/{id}` → signature_requests.get/update/delete...
        return ".".join(literals + [MEMBER_VERBS[op.method]])
    # 2. A collection, or a literal with children: a table of its own, verbs by method.
    siblings = by_path[op.path]
    has_children = any(p.startswith(op.path + "/") for p in all_paths)
    get = siblings.get("GET")
    post = siblings.get("POST")
    collection = (
        any(p.startswith(op.path + "/{") for p in all_paths)
        or (get is not None and post is not None and post.success_status == 201 and post.response == "json")
        or (get is not None and get.returns_list)
    )
    # 3. An action (`.../activate`), unless its path has several methods: then a sub-resource.
    if collection or has_children or len(siblings) > 1:
        if op.method == "GET":
            verb = "list" if op.returns_list else "get"
        elif op.method == "PUT":
            verb = "replace" if "PATCH" in siblings else "update"
        else:
            verb = {"POST": "create", "PATCH": "update", "DELETE": "delete"}[op.method]
        return ".".join(literals + [verb])
    return ".".join(literals[:-1] + [last])


def read_overrides(path):
    """The overrides as {"METHOD /path": (lua name, reason)}; the reason is the comment on the
    entry's line or on the comment lines just above it."""
    if not path.exists():
        return {}
    import yaml

    text = path.read_text()
    data = yaml.safe_load(text) or {}
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise Failure([f"{path.name}: expected a mapping of \"METHOD /path\" to a Lua name"])
    reasons, pending, problems = {}, [], []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            pending.append(stripped.lstrip("#").strip())
            continue
        if not stripped:
            pending = []
            continue
        match = re.match(r"""^\s*(["']?)(.+?)\1\s*:\s*([^#\s]+)\s*(?:#\s*(.*))?$""", line)
        if match:
            if match.group(2) in reasons:
                problems.append(f"{path.name}: {match.group(2)!r} appears twice")
            reason = match.group(4) or " ".join(pending)
            reasons[match.group(2)] = one_line(reason)
        pending = []
    if problems:
        raise Failure(problems)
    return {key: (value, reasons.get(key, "")) for key, value in data.items()}


def name_operations(ops, overrides):
    by_path = {}
    for op in ops:
        by_path.setdefault(op.path, {})[op.method] = op
    all_paths = list(by_path)
    problems = []
    by_key = {op.key: op for op in ops}
    for op in ops:
        op.rule_lua_name = rule_name(op, by_path, all_paths)
        op.lua_name = op.rule_lua_name
    for key, (name, reason) in overrides.items():
        op = by_key.get(key)
        if op is None:
            problems.append(f"override {key!r}: no such operation in the spec")
            continue
        if name == op.rule_lua_name:
            problems.append(f"override {key!r}: redundant, the rules already give {name}")
        if not reason:
            problems.append(f"override {key!r}: no comment saying why")
        op.lua_name = name
    return problems


def iterator_name(op):
    """`X.each` for a paginated `X.list`."""
    return op.lua_name[: -len(".list")] + ".each" if op.lua_name.endswith(".list") else None


def check_names(ops):
    problems = []
    functions = {}
    for op in ops:
        functions.setdefault(op.lua_name, []).append(op.key)
        if op.paginated:
            each = iterator_name(op)
            if each is None:
                problems.append(f"{op.key}: paginated but named {op.lua_name}, not X.list (no X.each iterator)")
            else:
                functions.setdefault(each, []).append(f"{op.key} (its iterator)")
        if op.lua_name.split(".")[0] in RESERVED_TOP_LEVEL:
            problems.append(f"{op.key}: {op.lua_name}: yousign.{op.lua_name.split('.')[0]} is taken by stdlib/yousign.lua")
        for segment in op.lua_name.split("."):
            if not IDENTIFIER.match(segment):
                problems.append(f"{op.key}: {op.lua_name}: {segment!r} is not a Lua identifier")
            elif segment in LUA_KEYWORDS:
                problems.append(f"{op.key}: {op.lua_name}: {segment!r} is a Lua keyword")
        for arg in (snake_case(p) for p in op.path_parameters):
            if not IDENTIFIER.match(arg) or arg in LUA_KEYWORDS or arg == "params":
                problems.append(f"{op.key}: path parameter argument {arg!r} is not a usable Lua name")
    for name, keys in functions.items():
        if len(keys) > 1:
            problems.append(f"{name} is the name of {len(keys)} operations: " + ", ".join(keys))
    tables = {}
    for name, keys in functions.items():
        parts = name.split(".")
        for i in range(1, len(parts)):
            tables.setdefault(".".join(parts[:i]), []).append(name)
    for name in sorted(set(functions) & set(tables)):
        problems.append(
            f"{name} is both a function ({', '.join(functions[name])}) and a table of "
            + ", ".join(sorted(tables[name]))
        )
    return problems


# --- Swift ------------------------------------------------------------------------------------


def swift_string(text):
    out = []
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 or ch in "\u2028\u2029":
            out.append(f"\\u{{{ord(ch):X}}}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def swift_strings(items):
    return "[" + ", ".join(swift_string(i) for i in items) + "]"


def swift_operation(op):
    """One `Operation(...)` call: arguments filled greedily up to SWIFT_WIDTH columns, omitting
    those equal to the initializer's defaults; a list too long for a line wraps between items."""
    args = [
        ("id", swift_string(op.id)),
        ("method", swift_string(op.method)),
        ("path", swift_string(op.path)),
        ("luaName", swift_string(op.lua_name)),
    ]
    if op.path_parameters:
        args.append(("pathParameters", [swift_string(p) for p in op.path_parameters]))
    if op.query_parameters:
        args.append(("queryParameters", [swift_string(q) for q in op.query_parameters]))
    if op.body_types:
        args.append(("bodyTypes", ["." + t for t in op.body_types]))
    if op.file_fields:
        args.append(("fileFields", [swift_string(f) for f in op.file_fields]))
    args.append(("response", "." + op.response))
    args.append(("successStatus", str(op.success_status)))
    if op.paginated:
        args.append(("paginated", "true"))
    args.append(("summary", swift_string(op.summary)))

    # Tokens that stay whole, each with the indentation it takes when it starts a line.
    tokens = []
    for i, (label, value) in enumerate(args):
        end = ")," if i == len(args) - 1 else ","
        if isinstance(value, list):
            whole = f"{label}: [{', '.join(value)}]{end}"
            if 12 + len(whole) <= SWIFT_WIDTH:
                tokens.append((whole, 12))
            else:
                items = [v + "," for v in value[:-1]] + [value[-1] + "]" + end]
                tokens.append((f"{label}: [{items[0]}", 12))
                tokens += [(item, 16) for item in items[1:]]
        else:
            tokens.append((f"{label}: {value}{end}", 12))
    lines, line = [], " " * 8 + "Operation("
    for token, indent in tokens:
        if not line.endswith("(") and len(line) + 1 + len(token) > SWIFT_WIDTH:
            lines.append(line)
            line = " " * indent + token
        else:
            line += ("" if line.endswith("(") else " ") + token
    lines.append(line)
    return "\n".join(lines)


HEADER = (
    "// Generated by scripts/generate-operations.py from Yousign's openapi-v3.yml; do not edit.\n"
    "// Regenerate with `python3 scripts/generate-operations.py`; rename operations in\n"
    "// scripts/operations-overrides.yml.\n"
)


def render_swift(ops):
    """path -> text: `Operation.all` and one file of operations per group of SWIFT_GROUPS."""
    taken = set().union(*(tops for _, _, _, tops in SWIFT_GROUPS if tops))
    files = {}
    for suffix, name, what, tops in SWIFT_GROUPS:
        group = [op for op in ops if (op.lua_name.split(".")[0] in tops if tops else op.lua_name.split(".")[0] not in taken)]
        body = "\n".join(swift_operation(op) for op in group)
        files[SWIFT_DIR / f"Operations+{suffix}.generated.swift"] = (
            HEADER + "\n"
            "extension Operation {\n"
            f"    /// The {len(group)} operations on {what}, in the spec's path order.\n"
            f"    static let {name}: [Operation] = [\n"
            f"{body}\n"
            "    ]\n"
            "}\n"
        )
    names = " + ".join(name for _, name, _, _ in SWIFT_GROUPS)
    files[SWIFT_DIR / "Operations.generated.swift"] = (
        HEADER + "\n"
        "extension Operation {\n"
        f"    /// Every operation of the spec ({len(ops)}), by group, each in the spec's path order.\n"
        f"    public static let all: [Operation] = {names}\n"
        "}\n"
    )
    return files


# --- Main -------------------------------------------------------------------------------------


def generate(spec_path):
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader parses 1.9 MB ~10x faster
    spec = Spec(yaml.load(spec_path.read_text(), Loader=loader))
    ops = load_operations(spec)
    overrides = read_overrides(OVERRIDES)
    problems = name_operations(ops, overrides)
    problems += check_names(ops)
    if problems:
        raise Failure(problems)
    docs = operations_docs.render_docs(ops, overrides, base_path=BASE_PATH, snake_case=snake_case,
                                       iterator_name=iterator_name)
    types = operations_types.render_types(spec, ops, base_path=BASE_PATH, snake_case=snake_case)
    return ops, overrides, {**render_swift(ops), DOCS_OUT: docs, **{TYPES_DIR / name: text for name, text in types.items()}}


def diff_summary(path, old, new):
    rel = path.relative_to(ROOT)
    if old is None:
        return [f"{rel}: missing"]
    diff = list(difflib.unified_diff(old.splitlines(), new.splitlines(), f"{rel} (committed)", f"{rel} (generated)", n=0, lineterm=""))
    added = sum(1 for l in diff if l.startswith("+") and not l.startswith("+++"))
    removed = sum(1 for l in diff if l.startswith("-") and not l.startswith("---"))
    lines = [f"{rel}: out of date (+{added} -{removed} lines)"]
    shown = diff[:40]
    lines += ["    " + l for l in shown]
    if len(diff) > len(shown):
        lines.append(f"    ... {len(diff) - len(shown)} more diff lines")
    return lines


def leftovers(outputs):
    """Generated files this run does not write (a group or a resource renamed or removed)."""
    generated = list(SWIFT_DIR.glob("*.generated.swift")) + list((TYPES_DIR / "yousign").glob("*.lua"))
    return sorted(p for p in generated if p not in outputs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("spec", nargs="?", type=Path, default=DEFAULT_SPEC, help="the OpenAPI spec (YAML)")
    parser.add_argument("--check", action="store_true", help="exit 1 when the generated files are out of date")
    args = parser.parse_args()

    shown = "../shared/yousign/openapi-v3.yml" if args.spec == DEFAULT_SPEC else str(args.spec)
    if not args.spec.exists():
        if args.check:
            print(f"generate-operations: skipped: spec not found at {shown}")
            return 0
        print(f"generate-operations: spec not found at {shown}", file=sys.stderr)
        return 1
    try:
        ops, overrides, outputs = generate(args.spec)
    except Failure as failure:
        print(f"generate-operations: {len(failure.problems)} problem(s):", file=sys.stderr)
        for problem in failure.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1

    paginated = sum(1 for op in ops if op.paginated)
    summary = f"{len(ops)} operations ({paginated} paginated), {len(overrides)} overrides"
    if args.check:
        stale = [f"{p.relative_to(ROOT)}: no longer generated" for p in leftovers(outputs)]
        for path, text in outputs.items():
            old = path.read_text() if path.exists() else None
            if old != text:
                stale += diff_summary(path, old, text)
        if stale:
            print("\n".join(stale))
            print("generate-operations: out of date; run `python3 scripts/generate-operations.py`")
            return 1
        print(f"generate-operations: up to date: {summary}")
        return 0
    for path in leftovers(outputs):
        path.unlink()
    for path, text in outputs.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
    print(f"generate-operations: {summary}; wrote "
          + ", ".join(str(p.relative_to(ROOT)) for p in outputs))
    return 0


if __name__ == "__main__":
    sys.exit(main())

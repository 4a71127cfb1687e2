#!/usr/bin/env python3
"""Import circles between the files of src/: exits 1 and names them when there is any.

The graph has one node per .rs file and an edge A -> B when A names an item of B through a
`crate::`, `super::` or `self::` path (in a `use`, grouped or not, or inline in code). A path
resolves to the file of its longest module prefix, so `crate::store::Store` is an edge to
store/mod.rs and `crate::store::clients::ClientRow` one to store/clients.rs. A circle is a
strongly connected component of more than one file (Tarjan's algorithm).

Not counted, because they do not tie layers together:
- test code: `#[cfg(test)] mod x { ... }` blocks, and files declared as `#[cfg(test)] mod x;`;
- circles made only of one folder's files (a mod.rs and its own children reaching each other
  through `super::`): that folder is one module.

usage: .ci/import-circles.py [SRC_DIR]   (default: src, relative to the working directory)
"""

import os
import re
import sys


RAW_STRING = re.compile(r'r(#*)"')
CHAR = re.compile(r"'(\\.|[^\\'])'|'\\u\{[0-9a-fA-F]+\}'")


def strip_comments_and_strings(text):
    """The code without comments, and with string and char literals emptied."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if text.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif text.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
        elif c == "r" and RAW_STRING.match(text, i) and not (i and (text[i - 1].isalnum() or text[i - 1] == "_")):
            hashes = RAW_STRING.match(text, i).group(1)
            end = text.find('"' + hashes, i + 2 + len(hashes))
            i = n if end < 0 else end + 1 + len(hashes)
            out.append('""')
        elif c == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
            i += 1
            out.append('""')
        elif c == "'" and CHAR.match(text, i):
            i = CHAR.match(text, i).end()
            out.append("' '")
        else:
            out.append(c)
            i += 1
    return "".join(out)


CFG_TEST = r"#\[cfg\(test\)\]\s*(?:#\[[^\]]*\]\s*)*(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*"


def drop_test_blocks(code):
    """`code` without its `#[cfg(test)] mod x { ... }` blocks."""
    while True:
        m = re.search(CFG_TEST + r"\{", code)
        if not m:
            return code
        depth, i = 1, m.end()
        while i < len(code) and depth:
            depth += {"{": 1, "}": -1}.get(code[i], 0)
            i += 1
        code = code[: m.start()] + code[i:]


def expand_use_tree(prefix, tree):
    """`a::{b, c::{d, self}}` under `prefix` -> the full paths it names."""
    tree = tree.strip()
    if not tree:
        return []
    brace = tree.find("{")
    if brace < 0:
        name = re.split(r"\s+as\s+", tree)[0].strip()
        if name == "self":
            return [prefix]
        return [prefix + ("::" if prefix else "") + name]
    head = tree[:brace].rstrip(":").strip()
    inner = tree[brace + 1 : tree.rfind("}")]
    base = prefix + ("::" if prefix and head else "") + head
    paths, depth, start = [], 0, 0
    for i, ch in enumerate(inner + ","):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == "," and depth == 0:
            paths += expand_use_tree(base, inner[start:i])
            start = i + 1
    return paths


def module_of(rel):
    """'oauth/token/mod.rs' -> ['oauth', 'token']; 'lib.rs' -> []."""
    parts = rel[:-3].split("/")
    if parts[-1] in ("mod", "lib", "main"):
        parts = parts[:-1]
    return parts


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else "src"
    code, test_files = {}, set()
    for root, _, names in os.walk(src):
        for name in names:
            if name.endswith(".rs"):
                path = os.path.join(root, name)
                rel = os.path.relpath(path, src).replace(os.sep, "/")
                with open(path, encoding="utf-8", errors="replace") as f:
                    code[rel] = strip_comments_and_strings(f.read())

    by_module = {}
    for rel in code:
        by_module.setdefault(tuple(module_of(rel)), rel)
    for rel, text in code.items():
        for m in re.finditer(CFG_TEST + ";", text):
            child = by_module.get(tuple(module_of(rel) + [m.group(1)]))
            if child:
                test_files.add(child)

    def file_of(mod):
        for k in range(len(mod), 0, -1):
            if tuple(mod[:k]) in by_module:
                return by_module[tuple(mod[:k])]
        return None

    edges = {rel: set() for rel in code if rel not in test_files}
    for rel in edges:
        text = drop_test_blocks(code[rel])
        here = module_of(rel)
        paths = []
        for m in re.finditer(r"\buse\s+([^;]*);", text):
            paths += expand_use_tree("", m.group(1))
        rest = re.sub(r"\buse\s+[^;]*;", " ", text)
        paths += [m.group(0) for m in re.finditer(r"\b(?:crate|super|self)(?:::\w+)+", rest)]
        for path in paths:
            segments = [s for s in path.split("::") if s]
            if not segments or segments[0] not in ("crate", "super", "self"):
                continue
            if segments[0] == "crate":
                mod, segments = [], segments[1:]
            elif segments[0] == "self":
                mod, segments = list(here), segments[1:]
            else:
                mod = list(here)
                while segments and segments[0] == "super":
                    mod, segments = mod[:-1], segments[1:]
            target = file_of(mod + segments)
            if target and target != rel and target in edges:
                edges[rel].add(target)

    # Tarjan's strongly connected components, iteratively (no recursion limit to worry about).
    index, low, on_stack, stack, components, counter = {}, {}, set(), [], [], 0
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        top = stack.pop()
                        on_stack.discard(top)
                        component.append(top)
                        if top == node:
                            break
                    components.append(sorted(component))
            elif child not in index:
                index[child] = low[child] = counter
                counter += 1
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(edges[child]))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])

    circles = [
        c for c in components if len(c) > 1 and len({os.path.dirname(f) for f in c}) > 1
    ]
    for c in sorted(circles):
        print(f"import circle of {len(c)} files: {', '.join(c)}")
        for f in c:
            inside = sorted(t for t in edges[f] if t in c)
            print(f"  {f} -> {', '.join(inside)}")
    print(f"{len(circles)} import circles across folders in {src}/")
    return 1 if circles else 0


if __name__ == "__main__":
    sys.exit(main())

"""Find every ``for`` loop (and C++ range-for) in a file and attach the OpenMP pragma that governs it.

A pragma governs the statement that starts at the first code byte after it (skipping blank lines, comments and
other preprocessor lines such as ``#endif``), so pragmas inside ``#ifdef _OPENMP`` blocks attach too. Positions are
found on the raw bytes and matched to tree-sitter nodes by start offset, which does not depend on how
tree-sitter nested the preprocessor lines around the loop.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cache

import tree_sitter

from ompgpt.source.parse import ParsedSource, parse
from ompgpt.source.pragma import Pragma, PragmaError, parse_pragma
from ompgpt.source.text import SourceFile

LOOP_TYPES = frozenset({"for_statement", "for_range_loop"})
#: loops nested deeper than this are left out of the scan (README "Limits"): 400 nested loops took 33 s, and every
#: loop's text holds the loops inside it, so a deep nest costs time and memory quadratic in its depth
MAX_LOOP_DEPTH = 64
_PRAGMA_LINE = re.compile(rb"^[ \t]*#[ \t]*pragma[ \t]+omp\b(?:[^\n\\]|\\\r?\n|\\)*", re.MULTILINE)
_UNDERSCORE_PRAGMA = re.compile(rb'_Pragma[ \t]*\([ \t]*"[ \t]*omp\b[^"]*"[ \t]*\)')
_TRANSFORM_LINE = re.compile(
    rb"[ \t]*#[ \t]*pragma[ \t]+omp[ \t]+(?:tile|unroll|interchange|reverse|fuse|split|stripe|nothing)\b"
)
_ELSE_LINE = re.compile(rb"#[ \t]*el(?:se|if)\b")
_DIRECTIVE_LINE = re.compile(rb"^[ \t]*#[ \t]*(if|ifdef|ifndef|endif)\b", re.MULTILINE)
_NON_CODE_NODES = frozenset({"comment", "string_literal", "raw_string_literal", "char_literal", "system_lib_string"})


@dataclass
class PragmaSite:
    """An ``#pragma omp`` (or ``_Pragma("omp ...")``) occurrence and the statement it governs."""

    text: str  # as written, continuations included
    line: int  # 1-based first line
    end_line: int  # 1-based last line (continuations)
    column: int
    start_byte: int
    end_byte: int
    pragma: Pragma | None
    error: str | None = None
    governed_start: int | None = None  # byte offset of the governed statement
    governed_end: int | None = None
    inline: bool = False  # _Pragma(...) sharing a line with code
    loop: int | None = None  # index of the governed loop in the file's loop list, if it is a loop


@dataclass
class Loop:
    """One ``for`` loop with its location, header, nesting and governing pragma. Plain data apart from ``node``."""

    file: str
    line: int
    column: int
    end_line: int
    kind: str  # "for" or "range_for"
    function: str | None
    depth: int  # number of enclosing loops
    parent: int | None  # index of the enclosing loop in the file's loop list
    init: str | None
    condition: str | None
    update: str | None
    induction_var: str | None
    lower: str | None
    upper: str | None  # exclusive or inclusive bound as written; see ``cond_op``
    cond_op: str | None
    step: str | None
    body_line: int
    body_end_line: int
    perfect_nest_depth: int  # 1 = no perfectly nested inner loop; 2 = one perfectly nested inner loop ...
    text: str
    pragma_site: PragmaSite | None = None
    in_parallel_region: bool = False  # inside a parallel/teams construct that is not its own pragma
    parallel_region: tuple[int, int] | None = None  # bytes of the innermost such construct (its names are private)
    region_site: PragmaSite | None = None  # that construct's pragma (its private and reduction clauses count too)
    in_omp_loop: bool = False  # an enclosing loop carries a loop pragma
    omp_attribute: str | None = None  # an OpenMP 5.1 attribute on the loop: ``[[omp::directive(parallel for)]]``
    children: list[int] = field(default_factory=list)
    node: tree_sitter.Node | None = field(default=None, repr=False, compare=False)

    @property
    def pragma(self) -> Pragma | None:
        return self.pragma_site.pragma if self.pragma_site else None

    @property
    def perfectly_nested(self) -> bool:
        return self.perfect_nest_depth >= 2

    def to_dict(self) -> dict:
        """JSON-ready view (no tree-sitter node; pragma sites as small dicts)."""
        skip = {"node", "pragma_site", "region_site", "text"}
        out = {k: v for k, v in self.__dict__.items() if k not in skip}
        out["pragma"] = _site_dict(self.pragma_site)
        out["region_pragma"] = _site_dict(self.region_site)
        return out


def _site_dict(site: PragmaSite | None) -> dict | None:
    """What JSON output says about a pragma: its text, line, canonical form, and why it is malformed."""
    if site is None:
        return None
    return {
        "text": site.text,
        "line": site.line,
        "canonical": site.pragma.canonical() if site.pragma else None,
        "error": site.error,
    }


@dataclass
class FileScan:
    """Everything the source stage knows about one file: its parse, loops and OpenMP pragmas."""

    parsed: ParsedSource
    loops: list[Loop]
    pragmas: list[PragmaSite]
    #: (line, column) of the first loop left out for being nested deeper than ``MAX_LOOP_DEPTH``, and how many were
    too_deep: tuple[tuple[int, int], int] | None = None


def scan(source: SourceFile | ParsedSource, max_depth: int = MAX_LOOP_DEPTH) -> FileScan:
    """Parse (if needed), find loops and pragmas, and attach each pragma to the statement it governs. Loops nested
    deeper than ``max_depth`` are left out (``FileScan.too_deep`` says where)."""
    parsed = source if isinstance(source, ParsedSource) else parse(source)
    nodes, too_deep = _within_depth(parsed, _loop_nodes(parsed.tree), max_depth)
    index_of = {node.start_byte: i for i, node in enumerate(nodes)}
    loops: list[Loop] = []
    for node in nodes:
        loops.append(_make_loop(parsed, node, index_of, loops))
    sites = find_pragmas(parsed)
    _attach(loops, nodes, sites, index_of, parsed.data)
    return FileScan(parsed, loops, sites, too_deep)


def _within_depth(parsed: ParsedSource, nodes: list[tree_sitter.Node], max_depth: int):
    """The loop nodes at most ``max_depth`` loops deep, and where the first deeper one is with their count. Depth
    comes from the enclosing loop's (nodes are in source order, so it was seen first): linear in the loops."""
    depth_of: dict[int, int] = {}
    kept, first, dropped = [], None, 0
    for node in nodes:
        enclosing = _enclosing_loop(node)
        depth = 0 if enclosing is None else depth_of.get(enclosing.start_byte, max_depth) + 1
        depth_of[node.start_byte] = depth
        if depth <= max_depth:
            kept.append(node)
            continue
        dropped += 1
        first = first or parsed.line_col(node.start_point)
    return kept, ((first, dropped) if dropped else None)


def find_loops(source: SourceFile | ParsedSource) -> list[Loop]:
    """All for loops of a file in source order, with pragmas attached and nesting filled in."""
    return scan(source).loops


def find_pragmas(parsed: ParsedSource) -> list[PragmaSite]:
    """Every OpenMP pragma in the file that is not inside a comment or string, with its governed statement."""
    sites = []
    newlines: list[int] = []  # offsets of b"\n", filled on the first pragma (counting per pragma was quadratic)
    for match, inline in _pragma_matches(parsed.data):
        start = match.start() + (len(match.group()) - len(match.group().lstrip())) if not inline else match.start()
        if _inside_non_code(parsed.root, start):
            continue
        sites.append(_make_site(parsed, start, match.end(), inline, newlines))
    return sites


def _pragma_matches(data: bytes):
    for m in _PRAGMA_LINE.finditer(data):
        yield m, False
    if b"_Pragma" in data:
        for m in _UNDERSCORE_PRAGMA.finditer(data):
            line_start = data.rfind(b"\n", 0, m.start()) + 1
            if not data[line_start : m.start()].lstrip().startswith(b"#"):  # skip #define bodies
                yield m, True


def _inside_non_code(root: tree_sitter.Node, offset: int) -> bool:
    node = root.descendant_for_byte_range(offset, offset + 1)
    while node is not None:
        if node.type in _NON_CODE_NODES:
            return True
        if node.type.startswith("preproc_def") or node.type == "preproc_function_def":
            return True  # inside a #define body: not a pragma of this code
        node = node.parent
    return False


def _make_site(parsed: ParsedSource, start: int, end: int, inline: bool, newlines: list[int]) -> PragmaSite:
    raw = parsed.data[start:end].decode("utf-8", errors="replace").rstrip()
    text = raw
    if inline:
        text = re.sub(r'^_Pragma\s*\(\s*"|"\s*\)$', "", raw)
    pragma, error = parse_site_pragma(text)
    line, col = _line_col_of_byte(parsed, start, newlines)
    governed = _next_code_byte(parsed.data, end)
    site = PragmaSite(
        text=raw,
        line=line,
        end_line=line + raw.count("\n"),
        column=col,
        start_byte=start,
        end_byte=end,
        pragma=pragma,
        error=error,
        inline=inline,
    )
    if governed is not None:
        node = _statement_at(parsed.root, governed)
        if node is not None:
            site.governed_start, site.governed_end = node.start_byte, node.end_byte
    return site


def parse_site_pragma(text: str) -> tuple[Pragma | None, str | None]:
    """Parse strictly; when only unknown clause names (usually macros such as ``HYPRE_SMP_SCHEDULE``) are the
    problem, keep the lenient parse and report the strict error alongside it."""
    try:
        return parse_pragma(text), None
    except PragmaError as exc:
        try:
            return parse_pragma(text, allow_unknown=True), str(exc)
        except PragmaError:
            return None, str(exc)


def _line_col_of_byte(parsed: ParsedSource, offset: int, newlines: list[int]) -> tuple[int, int]:
    if not newlines:
        newlines.extend(m.start() for m in re.finditer(b"\n", parsed.data))
        newlines.append(len(parsed.data))  # a sentinel, so the list is filled once even for a one-line file
    row = bisect.bisect_left(newlines, offset)
    line_start = newlines[row - 1] + 1 if row else 0
    return row + 1, len(parsed.data[line_start:offset].decode("utf-8", errors="replace")) + 1


def _next_code_byte(data: bytes, pos: int) -> int | None:
    """Offset of the first byte after ``pos`` that is code: not blank, not a comment, not a preprocessor line.
    Returns None when another OpenMP pragma comes first (the first one governs no statement directly)."""
    n = len(data)
    while pos < n:
        ch = data[pos : pos + 1]
        if ch.isspace():
            pos += 1
        elif data.startswith(b"//", pos):
            pos = _end_of_line(data, pos)
        elif data.startswith(b"/*", pos):
            close = data.find(b"*/", pos + 2)
            pos = n if close < 0 else close + 2
        elif ch == b"#":
            line_start = data.rfind(b"\n", 0, pos) + 1
            if _TRANSFORM_LINE.match(data, line_start):
                pos = _end_of_line(data, pos)  # tile/unroll/interchange: the loop they make is still governed
                continue
            if _PRAGMA_LINE.match(data, line_start):
                return None
            pos = _skip_to_endif(data, pos) if _ELSE_LINE.match(data, pos) else _end_of_line(data, pos)
        else:
            return pos
    return None


def _skip_to_endif(data: bytes, pos: int) -> int:
    """From an ``#else``/``#elif`` line, skip the alternative branch to just past the matching ``#endif``: a pragma
    in the first branch governs the statement after the whole conditional."""
    depth = 0
    pos = _end_of_line(data, pos)
    for m in _DIRECTIVE_LINE.finditer(data, pos):
        word = m.group(1)
        if word.startswith(b"if"):
            depth += 1
        elif word == b"endif":
            if depth == 0:
                return _end_of_line(data, m.start())
            depth -= 1
    return len(data)


def _end_of_line(data: bytes, pos: int) -> int:
    """The offset just past the line at ``pos``, following backslash continuations."""
    while True:
        nl = data.find(b"\n", pos)
        if nl < 0:
            return len(data)
        if data[nl - 1 : nl] == b"\\" or data[nl - 2 : nl] == b"\\\r":
            pos = nl + 1
            continue
        return nl + 1


def _statement_at(root: tree_sitter.Node, offset: int) -> tree_sitter.Node | None:
    """The outermost node that starts at ``offset`` (below the enclosing block)."""
    node = root.descendant_for_byte_range(offset, offset)
    while node is not None and not node.is_named:
        node = node.parent
    if node is None or node.start_byte != offset or node.type == "ERROR":
        return None
    while node.parent is not None and node.parent.start_byte == offset and node.parent.type != "translation_unit":
        node = node.parent
    return node


@cache
def _loop_query(language: tree_sitter.Language) -> tree_sitter.Query:
    pattern = "(for_statement) @loop"
    if language.id_for_node_kind("for_range_loop", True):
        pattern += " (for_range_loop) @loop"
    return tree_sitter.Query(language, pattern)


def _loop_nodes(tree: tree_sitter.Tree) -> list[tree_sitter.Node]:
    """Loop nodes in source order, found by a tree-sitter query (the walk runs in C, not Python)."""
    captures = tree_sitter.QueryCursor(_loop_query(tree.language)).captures(tree.root_node)
    return sorted(captures.get("loop", []), key=lambda n: n.start_byte)


def _field_text(parsed: ParsedSource, node: tree_sitter.Node, name: str) -> str | None:
    child = node.child_by_field_name(name)
    return " ".join(parsed.text_of(child).split()) if child is not None else None


def _make_loop(parsed, node, index_of, before: list[Loop]) -> Loop:
    """A Loop for ``node``; ``before``: the loops made so far (its enclosing loop among them, whose depth and
    function it shares: walking up to the function from every loop of a deep nest was quadratic)."""
    line, col = parsed.line_col(node.start_point)
    body = node.child_by_field_name("body")
    body = body if body is not None else node
    enclosing = _enclosing_loop(node)
    parent = index_of.get(enclosing.start_byte) if enclosing is not None else None
    outer = before[parent] if parent is not None else None
    header = _header(parsed, node)
    return Loop(
        file=parsed.source.path,
        line=line,
        column=col,
        end_line=node.end_point[0] + 1,
        kind="range_for" if node.type == "for_range_loop" else "for",
        function=outer.function if outer is not None else function_name(parsed, node),
        depth=outer.depth + 1 if outer is not None else 0,
        parent=parent,
        body_line=body.start_point[0] + 1,
        body_end_line=body.end_point[0] + 1,
        perfect_nest_depth=nest_shape(node).perfect,
        text=parsed.text_of(node),
        omp_attribute=_omp_attribute(parsed, node),
        node=node,
        **header,
    )


def _omp_attribute(parsed: ParsedSource, node: tree_sitter.Node) -> str | None:
    """The ``[[omp::...]]`` attributes written on the loop statement (C++17 attribute syntax for OpenMP
    directives): an existing directive, which a pragma on the same statement would contradict (gcc: "mixing OpenMP
    directives with attribute and pragma syntax on the same statement")."""
    parent = node.parent
    if parent is None or parent.type != "attributed_statement":
        return None
    found = [parsed.text_of(c) for c in parent.children if c.type == "attribute_declaration"]
    omp = [" ".join(t.split()) for t in found if "omp::" in "".join(t.split())]  # `[[ omp :: directive(...) ]]`
    return " ".join(omp) or None


def _header(parsed: ParsedSource, node: tree_sitter.Node) -> dict:
    if node.type == "for_range_loop":
        var = node.child_by_field_name("declarator")
        return dict(
            init=_field_text(parsed, node, "declarator"),
            condition=None,
            update=None,
            induction_var=_identifier(parsed, var),
            lower=None,
            upper=_field_text(parsed, node, "right"),
            cond_op=":",
            step=None,
        )
    init = node.child_by_field_name("initializer")
    cond = node.child_by_field_name("condition")
    update = node.child_by_field_name("update")
    var, lower = _init_var(parsed, init)
    upper, cond_op = _condition_bound(parsed, cond, var)
    return dict(
        init=(_field_text(parsed, node, "initializer") or "").rstrip(";").strip() or None,
        condition=_field_text(parsed, node, "condition"),
        update=_field_text(parsed, node, "update"),
        induction_var=var,
        lower=lower,
        upper=upper,
        cond_op=cond_op,
        step=_step(parsed, update, var),
    )


def _identifier(parsed: ParsedSource, node: tree_sitter.Node | None) -> str | None:
    while node is not None and node.type not in {"identifier", "field_identifier"}:
        node = node.child_by_field_name("declarator") or (node.named_children[0] if node.named_children else None)
    return parsed.text_of(node) if node is not None else None


def _init_var(parsed, init) -> tuple[str | None, str | None]:
    if init is None:
        return None, None
    if init.type == "comma_expression":
        init = init.child_by_field_name("left")
    if init.type == "assignment_expression" and parsed.text_of(init.child(1)) == "=":
        left, right = init.child_by_field_name("left"), init.child_by_field_name("right")
        if left.type == "identifier":
            return parsed.text_of(left), " ".join(parsed.text_of(right).split())
    if init.type == "declaration":
        decl = init.child_by_field_name("declarator")
        if decl is not None and decl.type == "init_declarator":
            value = decl.child_by_field_name("value")
            name = _identifier(parsed, decl.child_by_field_name("declarator"))
            return name, " ".join(parsed.text_of(value).split()) if value is not None else None
    return None, None


_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "!=": "!="}


def _condition_bound(parsed, cond, var) -> tuple[str | None, str | None]:
    if cond is None or var is None or cond.type != "binary_expression":
        return None, None
    left, right = cond.child_by_field_name("left"), cond.child_by_field_name("right")
    op = parsed.text_of(cond.child_by_field_name("operator"))
    if op not in _FLIP:
        return None, None
    if parsed.text_of(left) == var:
        return " ".join(parsed.text_of(right).split()), op
    if parsed.text_of(right) == var:
        return " ".join(parsed.text_of(left).split()), _FLIP[op]
    return None, None


def _step(parsed, update, var) -> str | None:
    if update is None or var is None:
        return None
    text = "".join(parsed.text_of(update).split())
    if "->" in text or "," in text:
        return None  # pointer chasing or several updates: no arithmetic step
    if text in {f"{var}++", f"++{var}"}:
        return "1"
    if text in {f"{var}--", f"--{var}"}:
        return "-1"
    for op, sign in (("+=", ""), ("-=", "-")):
        if text.startswith(var + op):
            value = text[len(var) + 2 :]
            return f"{sign}{value}" if not sign or not value.startswith("-") else value[1:]
    m = re.fullmatch(rf"{re.escape(var)}=(?:{re.escape(var)}([+-])(.+)|(.+)\+{re.escape(var)})", text)
    if m:
        if m.group(3):
            return m.group(3)
        return m.group(2) if m.group(1) == "+" else f"-{m.group(2)}"
    return None


def function_name(parsed: ParsedSource, node: tree_sitter.Node) -> str | None:
    """Name of the enclosing function (``Class::method`` for C++; ``<lambda>`` suffix inside lambdas)."""
    suffix = ""
    while node is not None:
        if node.type == "lambda_expression" and not suffix:
            suffix = "::<lambda>"
        if node.type == "function_definition":
            decl = node.child_by_field_name("declarator")
            while decl is not None and decl.type not in {"function_declarator"}:
                decl = decl.child_by_field_name("declarator")
            if decl is not None:
                name = decl.child_by_field_name("declarator")
                if name is not None:
                    return parsed.text_of(name) + suffix
            return None
        node = node.parent
    return None


def _enclosing_loop(node: tree_sitter.Node) -> tree_sitter.Node | None:
    node = node.parent
    while node is not None and node.type not in LOOP_TYPES:
        if node.type in {"function_definition", "lambda_expression"}:
            return None
        node = node.parent
    return node


@dataclass(frozen=True)
class NestShape:
    """How many loops sit below a loop, one per level: ``perfect`` counts those with nothing else in between
    (what ``collapse`` may fold for gcc), ``loops`` those with other statements allowed beside them (OpenMP 5.1's
    intervening code, which clang accepts); ``certain`` is False when preprocessor conditionals inside the chain
    make the compiled nest unknowable from the text."""

    perfect: int
    loops: int
    certain: bool = True


def nest_shape(node: tree_sitter.Node) -> NestShape:
    """The :class:`NestShape` below a loop node."""
    perfect, loops, still_perfect = 1, 1, True
    statements = _body_statements(node)
    while statements is not None and loops <= MAX_LOOP_DEPTH:  # bounded: linear over a deep nest
        if any(s.type.startswith("preproc") or s.has_error or s.start_byte == s.end_byte for s in statements):
            return NestShape(perfect, loops, certain=False)  # an empty body: a directive tree-sitter cut it at
        inner = [s for s in statements if s.type in LOOP_TYPES]
        if len(inner) != 1:
            break
        loops += 1
        still_perfect = still_perfect and len(statements) == 1
        perfect += still_perfect
        statements = _body_statements(inner[0])
    return NestShape(perfect, loops)


def _body_statements(node: tree_sitter.Node) -> list[tree_sitter.Node] | None:
    """A loop body's statements with blocks opened and comments and non-OpenMP pragmas (``#pragma unroll``, which
    the compiler drops from the nest) left out; None for a body that is not a statement."""
    body = node.child_by_field_name("body")
    statements = [body] if body is not None else []
    while len(statements) == 1 and statements[0].type == "compound_statement":
        statements = [c for c in statements[0].named_children if c.type != "comment" and not _foreign_pragma(c)]
    return statements or None


def _foreign_pragma(node: tree_sitter.Node) -> bool:
    if node.type != "preproc_call":
        return False
    words = re.sub(r"^#\s*", "#", node.text.decode("utf-8", "replace").lstrip()).split()  # `# pragma` too
    return words[:1] == ["#pragma"] and words[1:2] != ["omp"]


def _braced_sole_loop(nodes, index_of: dict[int, int], site: PragmaSite) -> int | None:
    """``#pragma omp parallel for`` followed by ``{ for (...) ... }``: clang accepts this and applies the pragma
    to the sole loop inside the braces (gcc rejects it), so we attach it there too."""
    for i in range(len(nodes)):
        node = nodes[i]
        if node.start_byte > site.governed_end:
            break
        if node.start_byte < site.governed_start:
            continue
        block = node.parent
        if block is not None and block.type == "compound_statement" and block.start_byte == site.governed_start:
            statements = [c for c in block.named_children if c.type != "comment"]
            return index_of.get(node.start_byte) if statements == [node] else None
        return None
    return None


_GAP = re.compile(rb"(?:\s|//[^\n]*|/\*.*?\*/|#[^\n]*)*", re.DOTALL)


def _chained_region(data: bytes, sites: list[PragmaSite], k: int) -> tuple[int, int] | None:
    """For a pragma followed directly by another (``#pragma omp parallel`` then ``#pragma omp single``), the
    statement governed at the end of that chain: the region the first pragma really covers."""
    site = sites[k]
    for nxt in sites[k + 1 :]:
        if not _GAP.fullmatch(data, site.end_byte, nxt.start_byte):
            return None
        if nxt.governed_start is not None:
            return nxt.governed_start, nxt.governed_end
        site = nxt
    return None


def _attach(loops: list[Loop], nodes, sites: list[PragmaSite], index_of: dict[int, int], data: bytes) -> None:
    regions = []
    for site in sites:  # direct attachment first: a loop's own pragma wins over a braced-block one
        if site.governed_start is None:
            continue
        i = site.loop = index_of.get(site.governed_start)
        if i is not None and loops[i].pragma_site is None:
            loops[i].pragma_site = site
    for site in sites:  # only loop directives apply to the sole loop of a braced block
        if site.governed_start is not None and site.loop is None and site.pragma and site.pragma.is_loop_directive:
            i = site.loop = _braced_sole_loop(nodes, index_of, site)
            if i is not None and loops[i].pragma_site is None:
                loops[i].pragma_site = site
    ordered = sorted(sites, key=lambda s: s.start_byte)
    for k, site in enumerate(ordered):
        if site.pragma is None or not site.pragma.opens_parallel_region:
            continue
        if site.governed_start is not None:
            regions.append((site.governed_start, site.governed_end, site.loop, site))
        elif (span := _chained_region(data, ordered, k)) is not None:
            regions.append((*span, None, site))
    for i, region in _innermost_regions(nodes, regions):
        loops[i].in_parallel_region = region is not None
        if region is not None:
            start, end, _, site = region
            loops[i].parallel_region, loops[i].region_site = (start, end), site
    for i in range(len(nodes)):
        if loops[i].parent is not None:
            loops[loops[i].parent].children.append(i)
    for loop in loops:
        j = loop.parent
        while j is not None:
            if loops[j].pragma is not None and loops[j].pragma.is_loop_directive:
                loop.in_omp_loop = True
                break
            j = loops[j].parent


def _innermost_regions(nodes, regions: list[tuple]):
    """(loop index, the innermost parallel region containing it other than its own construct, or None), by one
    sweep over loops and regions in source order (testing every region for every loop was quadratic: 4,000
    functions with a parallel region each took 6.5 s)."""
    pending = sorted(regions, key=lambda r: r[0])
    open_: list[tuple] = []  # regions started before the current loop, by start
    k = 0
    for i, node in enumerate(nodes):
        at = node.start_byte
        while k < len(pending) and pending[k][0] <= at:
            open_.append(pending[k])
            k += 1
        while open_ and open_[-1][1] <= at:
            open_.pop()
        yield i, next((r for r in reversed(open_) if r[0] <= at < r[1] and r[2] != i), None)

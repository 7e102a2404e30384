"""Verified synthetic loops: a seeded generator of small, realistic C kernels, each wrapped in a complete program.

Why: the human data has few loops with ``private``/``reduction``/``collapse`` clauses and its ``none`` labels are
noisy. A generated loop gets a label only when two independent judges agree: the static analysis proves it
parallel *and* the execution verifier (differential runs + ThreadSanitizer/Archer) accepts the analysis pragma, or
the analysis proves a loop-carried dependence (``none``; optionally confirmed by the verifier rejecting a plain
``parallel for``). Loops the analysis leaves ``unknown`` (indirect writes, early exits, ...) are dropped.

Each program: includes, global or ``restrict``-parameter arrays, a ``kernel`` function holding the loop (with the
declarations a real code would have before it, so :func:`ompgpt.data.context.loop_context` shows them), and a
``main`` that fills the inputs deterministically, calls the kernel and prints a checksum of every output.
Names, element types, bounds and loop-header styles are drawn from small lists of names common in HPC code.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from ompgpt.data.dedup import minhash
from ompgpt.data.normalize import exact_key, exact_text, normalize_loop_code

REPO = "ompgpt/synthetic"
SOURCE = "synthetic"
ARRAY_NAMES = (
    "a",
    "b",
    "c",
    "x",
    "y",
    "z",
    "u",
    "v",
    "w",
    "in",
    "out",
    "src",
    "dst",
    "data",
    "vec",
    "arr",
    "buf",
    "rho",
    "vel",
    "pres",
    "temp",
    "flux",
    "phi",
    "val",
    "f",
    "g",
    "q",
    "r",
    "p",
    "grid",
    "coef",
    "weight",
)
MATRIX_NAMES = ("A", "B", "C", "M", "mat", "grid", "T", "U", "K", "L")
SCALAR_NAMES = ("sum", "total", "acc", "s", "res", "norm", "dot", "local", "tmp_sum", "err", "energy", "mass")
TEMP_NAMES = ("t", "tmp", "temp", "d", "diff", "val", "xi", "h", "w0", "aux", "factor", "dx")
COEF_NAMES = ("alpha", "beta", "scale", "dt", "omega", "lam", "c0", "h2", "factor")
INDEX_NAMES = (
    ("i", "j", "k"),
    ("i", "j", "l"),
    ("ii", "jj", "kk"),
    ("x", "y", "z"),
    ("row", "col", "k"),
    ("p", "q", "r"),
    ("i", "k", "j"),
)
BOUND_NAMES = (
    ("n", "m"),
    ("N", "M"),
    ("len", "cols"),
    ("size", "width"),
    ("nx", "ny"),
    ("rows", "cols"),
    ("count", "dim"),
)
FLOAT_TYPES = ("double", "double", "double", "float")
INT_TYPES = ("int", "int", "long")
MATH_CALLS = (
    "sqrt({})",
    "exp(-{})",
    "sin({})",
    "cos({})",
    "fabs({})",
    "log(1.0 + {})",
    "pow({}, 2.0)",
    "tanh({})",
    "floor({})",
)


@dataclass
class Array:
    """An array the kernel uses: element type, dimensions (bound names), how ``main`` fills it, whether it is output."""

    name: str
    ctype: str
    dims: tuple[str, ...]
    init: str = "real"  # real, near1, int, index, signed
    output: bool = False


@dataclass
class Kernel:
    """One generated loop and everything needed to wrap it in a program."""

    template: str
    intent: str  # what the template is meant to be: parallel, serial, unknown (for statistics only)
    loop: str
    arrays: list[Array]
    locals: list[str] = field(default_factory=list)
    coefs: list[tuple[str, str, str]] = field(default_factory=list)  # (type, name, value) parameters
    ret: tuple[str, str] | None = None  # (type, expression) returned and printed


class Namer:
    """Draws distinct names and styles for one kernel from the lists above."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()
        self.iv = rng.choice(INDEX_NAMES)
        self.bounds = rng.choice(BOUND_NAMES)
        self.used.update(self.iv + self.bounds + tuple(b.upper() for b in self.bounds))
        self.c99 = rng.random() < 0.5
        self.compact = rng.random() < 0.25
        self.braces = rng.random() < 0.6

    def pick(self, pool: tuple[str, ...]) -> str:
        choices = [n for n in pool if n not in self.used]
        name = self.rng.choice(choices) if choices else f"{pool[0]}{len(self.used)}"
        self.used.add(name)
        return name

    def header(self, level: int, lower: str = "0", upper: str | None = None, inclusive_minus: bool = False) -> str:
        """A ``for`` header over index ``level`` in one of a few common spellings."""
        iv = self.iv[level]
        bound = upper if upper is not None else self.bounds[min(level, 1)]
        decl = "int " if self.c99 else ""
        cond = f"{iv} <= {bound} - 1" if inclusive_minus else f"{iv} < {bound}"
        step = self.rng.choice((f"{iv}++", f"++{iv}", f"{iv} += 1")) if not self.compact else f"{iv}++"
        if self.compact:
            return f"for({decl}{iv}={lower};{cond.replace(' ', '')};{step})"
        return f"for ({decl}{iv} = {lower}; {cond}; {step})"

    def index_decls(self, levels: int) -> list[str]:
        return [] if self.c99 else [f"int {', '.join(self.iv[:levels])};"]

    def block(self, header: str, body: list[str], indent: str = "") -> str:
        """``header { body }`` or, for a single statement and the brace-less style, ``header\\n  stmt``."""
        if len(body) == 1 and not self.braces:
            return f"{indent}{header}\n{indent}    {body[0]}"
        inner = "\n".join(f"{indent}    {line}" for line in body)
        return f"{indent}{header} {{\n{inner}\n{indent}}}"


def _float(nm: Namer) -> str:
    return nm.rng.choice(FLOAT_TYPES)


def _lit(ctype: str, value: str) -> str:
    return value + "f" if ctype == "float" and "." in value else value


# ------------------------------------------------------------------------------------------------ templates
def t_map(nm: Namer) -> Kernel:
    ty = _float(nm)
    x, y = nm.pick(ARRAY_NAMES), nm.pick(ARRAY_NAMES)
    a = nm.pick(COEF_NAMES)
    i = nm.iv[0]
    expr = nm.rng.choice(
        (
            f"{a} * {x}[{i}] + {y}[{i}]",
            f"{x}[{i}] * {x}[{i}]",
            f"{a} * {x}[{i}]",
            f"{y}[{i}] + {a} * ({x}[{i}] - {y}[{i}])",
        )
    )
    body = [f"{y}[{i}] = {expr};"]
    arrays = [Array(x, ty, (nm.bounds[0],)), Array(y, ty, (nm.bounds[0],), output=True)]
    return Kernel("map", "parallel", nm.block(nm.header(0), body), arrays, nm.index_decls(1), [(ty, a, "1.5")])


def t_math(nm: Namer) -> Kernel:
    ty = "double"
    x, y = nm.pick(ARRAY_NAMES), nm.pick(ARRAY_NAMES)
    i = nm.iv[0]
    f1, f2 = nm.rng.sample(MATH_CALLS, 2)
    body = [f"{y}[{i}] = {f1.format(f'{x}[{i}]')} + 0.5 * {f2.format(f'{x}[{i}]')};"]
    arrays = [Array(x, ty, (nm.bounds[0],)), Array(y, ty, (nm.bounds[0],), output=True)]
    return Kernel("math", "parallel", nm.block(nm.header(0), body), arrays, nm.index_decls(1))


_REDUCTIONS = {
    "+": ("{s} += {e};", "0"),
    "-": ("{s} -= {e};", "0"),
    "*": ("{s} *= {e};", "1"),
    "max_if": ("if ({e} > {s}) {s} = {e};", "-1000000"),
    "min_if": ("if ({e} < {s}) {s} = {e};", "1000000"),
    "max_tern": ("{s} = {e} > {s} ? {e} : {s};", "-1000000"),
    "min_call": ("{s} = fmin({s}, {e});", "1000000"),
    "max_call": ("{s} = fmax({s}, {e});", "-1000000"),
    "&": ("{s} &= {e};", "~0"),
    "|": ("{s} |= {e};", "0"),
    "^": ("{s} ^= {e};", "0"),
    "&&": ("{s} = {s} && ({e} > 0);", "1"),
    "||": ("{s} = {s} || ({e} > 11);", "0"),
}
_INT_OPS = ("&", "|", "^", "&&", "||")
_RESULT_NAMES = {
    "max": ("maxval", "vmax", "mx", "largest", "peak", "hi"),
    "min": ("minval", "vmin", "mn", "smallest", "lo", "best"),
    "*": ("prod", "product", "growth", "scale_acc"),
    "&": ("mask", "bits", "common"),
    "|": ("flags", "bits", "seen"),
    "^": ("hash", "parity", "check"),
    "&&": ("ok", "all_pos", "valid"),
    "||": ("any_big", "flag", "hit"),
}


def t_reduction(nm: Namer) -> Kernel:
    op = nm.rng.choice(tuple(_REDUCTIONS))
    is_int = op in _INT_OPS or (op in ("+", "max_if", "min_if", "max_tern") and nm.rng.random() < 0.3)
    ty = nm.rng.choice(INT_TYPES) if is_int else "double"
    s = nm.pick(_RESULT_NAMES.get(op.split("_")[0], SCALAR_NAMES))
    x = nm.pick(ARRAY_NAMES)
    i = nm.iv[0]
    stmt, init = _REDUCTIONS[op]
    elem = f"{x}[{i}]"
    if op == "+" and not is_int and nm.rng.random() < 0.5:
        y = nm.pick(ARRAY_NAMES)
        elem = f"{x}[{i}] * {y}[{i}]"
        extra = [Array(y, ty, (nm.bounds[0],))]
    else:
        extra = []
    init_kind = "near1" if op == "*" else ("int" if is_int else "signed")
    arrays = [Array(x, ty, (nm.bounds[0],), init=init_kind), *extra]
    init_val = init if is_int or "." in init or init.startswith("~") else init + ".0"
    locals_ = [*nm.index_decls(1), f"{ty} {s} = {init_val};"]
    return Kernel(
        f"reduction{op}", "parallel", nm.block(nm.header(0), [stmt.format(s=s, e=elem)]), arrays, locals_, ret=(ty, s)
    )


def t_private_temp(nm: Namer) -> Kernel:
    ty = _float(nm)
    x, y = nm.pick(ARRAY_NAMES), nm.pick(ARRAY_NAMES)
    t, t2 = nm.pick(TEMP_NAMES), nm.pick(TEMP_NAMES)
    i = nm.iv[0]
    variants = (
        [f"{t} = {x}[{i}] * 2;", f"{y}[{i}] = {t} * {t} + 1;"],
        [f"{t} = {x}[{i}] - {y}[{i}];", f"{t2} = {t} * 0.5;", f"{y}[{i}] = {t2} + {t} * {t};"],
        [f"{t} = {x}[{i}];", f"if ({t} < 0) {t} = -{t};", f"{y}[{i}] = sqrt({t});"],
    )
    k = nm.rng.randrange(len(variants))
    body = variants[k]
    decl = f"{ty} {t}, {t2};" if k == 1 else f"{ty} {t};"
    arrays = [Array(x, ty, (nm.bounds[0],), init="signed"), Array(y, ty, (nm.bounds[0],), output=True)]
    return Kernel("private_temp", "parallel", nm.block(nm.header(0), body), arrays, [*nm.index_decls(1), decl])


def t_matvec(nm: Namer) -> Kernel:
    ty = "double"
    a, x, y = nm.pick(MATRIX_NAMES), nm.pick(ARRAY_NAMES), nm.pick(ARRAY_NAMES)
    s = nm.pick(SCALAR_NAMES)
    i, j = nm.iv[0], nm.iv[1]
    inner = nm.block(nm.header(1), [f"{s} += {a}[{i}][{j}] * {x}[{j}];"])
    body = [f"{s} = 0.0;", *inner.split("\n"), f"{y}[{i}] = {s};"]
    arrays = [Array(a, ty, nm.bounds), Array(x, ty, (nm.bounds[1],)), Array(y, ty, (nm.bounds[0],), output=True)]
    return Kernel("matvec", "parallel", nm.block(nm.header(0), body), arrays, [*nm.index_decls(2), f"{ty} {s};"])


def t_nest2d(nm: Namer) -> Kernel:
    ty = _float(nm)
    a, b = nm.pick(MATRIX_NAMES), nm.pick(MATRIX_NAMES)
    i, j = nm.iv[0], nm.iv[1]
    expr = nm.rng.choice((f"2 * {b}[{i}][{j}] + 1", f"{b}[{i}][{j}] * {b}[{i}][{j}]", f"{b}[{i}][{j}] - {a}[{i}][{j}]"))
    inner = nm.block(nm.header(1), [f"{a}[{i}][{j}] = {expr};"])
    arrays = [Array(a, ty, nm.bounds, output=True), Array(b, ty, nm.bounds)]
    loop = nm.block(nm.header(0), inner.split("\n"))
    return Kernel("nest2d", "parallel", loop, arrays, nm.index_decls(2))


def t_stencil(nm: Namer) -> Kernel:
    ty = _float(nm)
    u, v = nm.pick(ARRAY_NAMES), nm.pick(ARRAY_NAMES)
    i = nm.iv[0]
    n = nm.bounds[0]
    body = [f"{v}[{i}] = ({u}[{i} - 1] + {u}[{i}] + {u}[{i} + 1]) / 3;"]
    arrays = [Array(u, ty, (n,)), Array(v, ty, (n,), output=True)]
    return Kernel("stencil1d", "parallel", nm.block(nm.header(0, "1", f"{n} - 1"), body), arrays, nm.index_decls(1))


def t_stencil2d(nm: Namer) -> Kernel:
    ty = "double"
    u, v = nm.pick(MATRIX_NAMES), nm.pick(MATRIX_NAMES)
    i, j = nm.iv[0], nm.iv[1]
    n, m = nm.bounds
    stmt = f"{v}[{i}][{j}] = 0.25 * ({u}[{i} - 1][{j}] + {u}[{i} + 1][{j}] + {u}[{i}][{j} - 1] + {u}[{i}][{j} + 1]);"
    inner = nm.block(nm.header(1, "1", f"{m} - 1"), [stmt])
    loop = nm.block(nm.header(0, "1", f"{n} - 1"), inner.split("\n"))
    return Kernel(
        "stencil2d",
        "parallel",
        loop,
        [Array(u, ty, nm.bounds), Array(v, ty, nm.bounds, output=True)],
        nm.index_decls(2),
    )


def t_gauss_seidel(nm: Namer) -> Kernel:
    ty = "double"
    u = nm.pick(ARRAY_NAMES)
    i = nm.iv[0]
    n = nm.bounds[0]
    body = [f"{u}[{i}] = 0.5 * ({u}[{i} - 1] + {u}[{i} + 1]);"]
    return Kernel(
        "inplace_stencil",
        "serial",
        nm.block(nm.header(0, "1", f"{n} - 1"), body),
        [Array(u, ty, (n,), output=True)],
        nm.index_decls(1),
    )


def t_histogram(nm: Namer) -> Kernel:
    h, x = nm.pick(("hist", "count", "bins", "freq", "tally")), nm.pick(ARRAY_NAMES)
    i = nm.iv[0]
    body = nm.rng.choice(([f"{h}[{x}[{i}]]++;"], [f"{h}[{x}[{i}] % 16] += 1;"], [f"{h}[{i} % 16]++;"]))
    arrays = [Array(h, "int", ("16",), init="zero", output=True), Array(x, "int", (nm.bounds[0],), init="bin")]
    return Kernel("histogram", "unknown", nm.block(nm.header(0), body), arrays, nm.index_decls(1))


def t_indirect(nm: Namer) -> Kernel:
    ty = _float(nm)
    x, y = nm.pick(ARRAY_NAMES), nm.pick(ARRAY_NAMES)
    idx = nm.pick(("idx", "perm", "map", "colidx", "col_ind", "ind"))
    i = nm.iv[0]
    write = nm.rng.random() < 0.5
    body = [f"{y}[{idx}[{i}]] = {x}[{i}];"] if write else [f"{y}[{i}] = {x}[{idx}[{i}]];"]
    n = nm.bounds[0]
    arrays = [Array(x, ty, (n,)), Array(y, ty, (n,), output=True), Array(idx, "int", (n,), init="index")]
    return Kernel(
        "indirect_write" if write else "indirect_read",
        "unknown" if write else "parallel",
        nm.block(nm.header(0), body),
        arrays,
        nm.index_decls(1),
    )


def t_early_exit(nm: Namer) -> Kernel:
    x = nm.pick(ARRAY_NAMES)
    pos = nm.pick(("pos", "found", "first", "where"))
    i = nm.iv[0]
    body = [f"if ({x}[{i}] > 11) {{", f"    {pos} = {i};", "    break;", "}"]
    nm.braces = True
    return Kernel(
        "early_exit",
        "serial",
        nm.block(nm.header(0), body),
        [Array(x, "int", (nm.bounds[0],), "int")],
        [*nm.index_decls(1), f"int {pos} = -1;"],
        ret=("int", pos),
    )


def t_recurrence(nm: Namer) -> Kernel:
    ty = "double"
    a, b = nm.pick(ARRAY_NAMES), nm.pick(ARRAY_NAMES)
    r = nm.pick(COEF_NAMES)
    i = nm.iv[0]
    body = nm.rng.choice(
        (
            [f"{a}[{i}] = {a}[{i} - 1] + {b}[{i}];"],
            [f"{a}[{i}] = {r} * {a}[{i} - 1] + {b}[{i}];"],
            [f"{a}[{i}] += {a}[{i} - 1];"],
        )
    )
    name = "prefix_sum" if "+" in body[0] and r not in body[0] else "recurrence"
    arrays = [Array(a, ty, (nm.bounds[0],), output=True), Array(b, ty, (nm.bounds[0],))]
    return Kernel(
        name,
        "serial",
        nm.block(nm.header(0, "1"), body),
        arrays,
        nm.index_decls(1),
        [(ty, r, "0.5")] if r in body[0] else [],
    )


def t_scalar_recurrence(nm: Namer) -> Kernel:
    ty = "double"
    x, y = nm.pick(ARRAY_NAMES), nm.pick(ARRAY_NAMES)
    t = nm.pick(TEMP_NAMES)
    i = nm.iv[0]
    body = [f"{t} = 0.5 * {t} + {x}[{i}];", f"{y}[{i}] = {t};"]
    nm.braces = True
    arrays = [Array(x, ty, (nm.bounds[0],)), Array(y, ty, (nm.bounds[0],), output=True)]
    return Kernel(
        "scalar_recurrence", "serial", nm.block(nm.header(0), body), arrays, [*nm.index_decls(1), f"{ty} {t} = 0.0;"]
    )


def t_shift(nm: Namer) -> Kernel:
    ty = _float(nm)
    a = nm.pick(ARRAY_NAMES)
    i = nm.iv[0]
    n = nm.bounds[0]
    body = [f"{a}[{i} + 1] = {a}[{i}] * 0.5;"]
    return Kernel(
        "shift_dependence",
        "serial",
        nm.block(nm.header(0, "0", f"{n} - 1"), body),
        [Array(a, ty, (n,), output=True)],
        nm.index_decls(1),
    )


TEMPLATES: dict[str, tuple[Callable[[Namer], Kernel], float]] = {
    "map": (t_map, 1.0),
    "math": (t_math, 1.0),
    "reduction": (t_reduction, 3.0),
    "private_temp": (t_private_temp, 1.5),
    "matvec": (t_matvec, 1.5),
    "nest2d": (t_nest2d, 1.0),
    "stencil1d": (t_stencil, 0.7),
    "stencil2d": (t_stencil2d, 0.8),
    "inplace_stencil": (t_gauss_seidel, 0.6),
    "histogram": (t_histogram, 0.6),
    "indirect": (t_indirect, 0.8),
    "early_exit": (t_early_exit, 0.5),
    "recurrence": (t_recurrence, 1.0),
    "scalar_recurrence": (t_scalar_recurrence, 0.6),
    "shift": (t_shift, 0.5),
}


# ------------------------------------------------------------------------------------------------ programs
SIZES_1D = (1000, 2000, 4096, 10000)
SIZES_2D = (64, 100, 128, 200)


@dataclass
class Program:
    """A complete C program around one kernel, and the 1-based line of the kernel's loop."""

    kernel: Kernel
    text: str
    line: int
    seed: int
    style: str


def _macro(bound: str) -> str:
    return bound if bound.isdigit() else bound.upper()


def _init_expr(arr: Array, flat: str) -> str:
    """A deterministic fill value for element ``flat`` of ``arr`` (bounded, so products and sums stay finite)."""
    salt = sum(map(ord, arr.name)) % 11
    integral = arr.ctype in INT_TYPES
    kinds = {
        "real": f"0.5 + (double)(({flat} * 7 + {salt}) % 13) / 8.0",
        "signed": f"((({flat}) * 7 + {salt}) % 13 - 6)"
        if integral
        else f"((double)(({flat} * 7 + {salt}) % 13) - 6.0) / 4.0",
        "near1": f"1.0 + (double)(({flat} + {salt}) % 5) * 1e-4",
        "int": f"({flat} * 7 + {salt}) % 13",
        "bin": f"({flat} * 5 + {salt}) % 16",
        "zero": "0",
    }
    if arr.init == "index":
        return f"(int)(((long){flat} * 37 + {salt}) % {_macro(arr.dims[0])})"
    return f"({arr.ctype})({kinds[arr.init]})"


def _loops(arr: Array, body: Callable[[str], str]) -> list[str]:
    """``main``'s loops over every element of ``arr`` (indices k0, k1), with ``body(flat index)`` inside."""
    dims = [_macro(d) for d in arr.dims]
    if len(dims) == 1:
        return [f"    for (int k0 = 0; k0 < {dims[0]}; k0++) {body('k0').replace('@', '[k0]')}"]
    return [
        f"    for (int k0 = 0; k0 < {dims[0]}; k0++)",
        f"        for (int k1 = 0; k1 < {dims[1]}; k1++) {body(f'k0 * {dims[1]} + k1').replace('@', '[k0][k1]')}",
    ]


def _params(kernel: Kernel, bounds: list[str], by_param: bool) -> list[str]:
    params = [f"int {b}" for b in bounds if not b.isupper()]
    if by_param:
        for arr in kernel.arrays:
            if len(arr.dims) == 1:
                const = "" if arr.output else "const "
                params.append(f"{const}{arr.ctype} *restrict {arr.name}")
    params += [f"{ty} {name}" for ty, name, _ in kernel.coefs]
    return params or ["void"]


def build_program(kernel: Kernel, rng: random.Random, seed: int) -> Program:
    """Wrap ``kernel`` in includes, globals, ``kernel()`` and a ``main`` that fills, calls and prints checksums."""
    by_param = rng.random() < 0.5
    bounds = sorted({d for arr in kernel.arrays for d in arr.dims if not d.isdigit()})
    two_d = any(len(a.dims) == 2 for a in kernel.arrays)
    sizes = {b: rng.choice(SIZES_2D if two_d else SIZES_1D) for b in bounds}
    head = ["#include <stdio.h>", "#include <math.h>", ""]
    head += [f"#define {_macro(b)} {sizes[b]}" for b in bounds] + [""]
    for arr in kernel.arrays:
        head.append(f"static {arr.ctype} {arr.name}{''.join(f'[{_macro(d)}]' for d in arr.dims)};")
    ret_type = kernel.ret[0] if kernel.ret else "void"
    head += ["", f"static {ret_type} kernel({', '.join(_params(kernel, bounds, by_param))})", "{"]
    head += [f"    {line}" for line in kernel.locals]
    line = len(head) + 1
    head += [f"    {text}" if text else "" for text in kernel.loop.split("\n")]
    if kernel.ret:
        head.append(f"    return {kernel.ret[1]};")
    head += ["}", "", "int main(void)", "{"]
    for arr in kernel.arrays:
        head += _loops(arr, lambda flat, a=arr: f"{a.name}@ = {_init_expr(a, flat)};")
    args = [_macro(b) for b in bounds if not b.isupper()]
    args += [a.name for a in kernel.arrays if by_param and len(a.dims) == 1]
    args += [_lit(ty, value) for ty, _, value in kernel.coefs]
    call = f"kernel({', '.join(args)})"
    head.append(f'    printf("ret %.12g\\n", (double){call});' if kernel.ret else f"    {call};")
    for arr in kernel.arrays:
        if arr.output:
            head.append("    {")
            head.append("        double cs = 0.0;")
            head += [
                "    " + x for x in _loops(arr, lambda flat, a=arr: f"cs += (double){a.name}@ * ({flat} % 7 + 1);")
            ]
            head.append(f'        printf("{arr.name} %.12g\\n", cs);')
            head.append("    }")
    head += ["    return 0;", "}", ""]
    return Program(kernel, "\n".join(head), line, seed, "restrict-params" if by_param else "globals")


def generate(n: int, seed: int = 0) -> list[Program]:
    """``n`` programs; program ``k`` depends only on ``(seed, k)``, so a longer run extends a shorter one."""
    names = list(TEMPLATES)
    weights = [TEMPLATES[t][1] for t in names]
    out = []
    for k in range(n):
        rng = random.Random(f"ompgpt-synthetic:{seed}:{k}")
        template = rng.choices(names, weights)[0]
        kernel = TEMPLATES[template][0](Namer(rng))
        out.append(build_program(kernel, rng, k))
    return out


# ------------------------------------------------------------------------------------------------ labelling
def verify_config():
    """The trimmed verifier settings (the machine is 2 shared cores): threads 2 and 4, one compiled-in schedule,
    the race check at 2 threads with ``static,1`` (neighbouring iterations on different threads), no timing."""
    from ompgpt.verify import VerifyConfig

    return VerifyConfig(
        threads=(2, 4),
        schedules=("static,1",),
        race_threads=(2,),
        race_schedules=("static,1",),
        timing_check=False,
        run_timeout=20.0,
        race_timeout=60.0,
    )


@dataclass
class Labelled:
    """What happened to one generated program (kept for ``synthetic-programs.jsonl``)."""

    seed: int
    template: str
    intent: str
    style: str
    verdict: str
    label: str | None
    outcome: str  # labelled, or why not
    seconds: float
    reason: str = ""


def _kernel_loop(fscan, line: int):
    return next((i for i, lp in enumerate(fscan.loops) if lp.line == line), None)


_PREFLIGHT = """#include <stdio.h>
#define N 4096
double a[N], b[N];
int main(void) {
  for (int i = 0; i < N; i++) b[i] = i;
  for (int i = 0; i < N; i++) a[i] = 2.0 * b[i];
  double s = 0;
  for (int i = 0; i < N; i++) s += a[i];
  printf("%f\\n", s);
  return 0;
}
"""


def preflight(config) -> None:
    """Raise ``ToolchainError`` unless the verifier accepts a trivially parallel loop. Without clang and its
    ThreadSanitizer runtime every check fails, and ``--confirm-serial`` would then label every loop "none" because
    the verifier "rejected" ``parallel for`` (a build without clang once kept 42 of 250 programs, all serial)."""
    from ompgpt.verify.build import ToolchainError, clang_for

    why = "clang not found" if clang_for(False) is None else _verify(_PREFLIGHT, 6, "parallel for", config)[1]
    if why:
        raise ToolchainError(
            f"synthetic loops are labelled by verification, which cannot run here ({why}); install clang with "
            "ThreadSanitizer and Archer (apt install clang libomp-dev libclang-rt-14-dev) or pass --synthetic 0"
        )


def _verify(text: str, line: int, pragma: str, config) -> tuple[bool, str]:
    """Whether the verifier accepts ``pragma`` on the loop at ``line`` of the C program ``text``, and why not."""
    from ompgpt.verify import Candidate, verify_candidates

    result = verify_candidates(text, [Candidate(line, pragma)], config, cxx=False)[0]
    return result.accepted, "" if result.accepted else f"{result.failed_check}: {result.reason}"[:300]


def label_program(program: Program, gate, config, confirm_serial: bool = False) -> tuple[dict | None, Labelled]:
    """Scan, deduplicate (``gate(code, signature)`` returns why a loop is not new, or None), analyse and verify one
    program; returns its record (or None) and what happened."""
    from ompgpt.analysis import analyze_file
    from ompgpt.data.context import loop_context
    from ompgpt.data.records import scan_source
    from ompgpt.data.silver import label_of
    from ompgpt.source.text import SourceFile

    started = time.time()
    k = program.kernel
    info = Labelled(program.seed, k.template, k.intent, program.style, "", None, "", 0.0)
    fscan = scan_source(SourceFile.from_text(program.text, "c", f"synthetic/{program.seed:05d}.c"))
    i = _kernel_loop(fscan, program.line)
    code = normalize_loop_code(fscan.loops[i].text)
    signature = minhash(code)
    why = gate(code, signature)
    if why is not None:
        info.outcome = why
        return None, info
    res = analyze_file(fscan)[i]
    info.verdict, info.label = res.verdict, label_of(res)
    if info.label is None:
        info.outcome = "analysis: no label (unknown, or parallel but not chosen)"
    elif info.label != "none":
        ok, info.reason = _verify(program.text, program.line, info.label, config)
        info.outcome = "labelled" if ok else "verifier rejected the analysis pragma"
    elif confirm_serial:
        ok, info.reason = _verify(program.text, program.line, "parallel for", config)
        info.outcome = "verifier accepted parallel for on a serial loop" if ok else "labelled"
    else:
        info.outcome = "labelled"
    info.seconds = round(time.time() - started, 2)
    if info.outcome != "labelled":
        return None, info
    return _record(program, fscan, i, code, info.label, loop_context(fscan.parsed, fscan.loops[i])), info


def _record(program: Program, fscan, i: int, code: str, label: str, context: str) -> dict:
    from ompgpt.source.pragma import parse_pragma

    loop = fscan.loops[i]
    parsed = None if label == "none" else parse_pragma(label)
    return {
        "code": code,
        "context": context,
        "pragma": label,
        "directive": parsed.directive_name if parsed else "none",
        "clauses": sorted({c.name for c in parsed.merged_clauses()}) if parsed else [],
        "lang": "c",
        "repo": REPO,
        "path": f"synthetic/{program.seed:05d}.c",
        "commit": "",
        "license": "generated",
        "line": loop.line,
        "function": loop.function,
        "depth": loop.depth,
        "n_lines": code.count("\n") + 1,
        "why": "synthetic: analysis " + ("serial" if label == "none" else "parallel, verifier accepted the pragma"),
        "split": "train",
        "source": SOURCE,
        "template": program.kernel.template,
    }


def make_gate(forbidden, test):
    """The dedup/decontamination gate: MonoCoder test set (exact, cut-off prefix, near), human and held-out loops
    and earlier synthetic loops (exact, near). A loop that passes is added, so the next copy is refused."""

    def gate(code: str, signature) -> str | None:
        if test.exact_match(exact_text(code)) or test.near_match(signature) is not None:
            return "test-set loop"
        why = forbidden.why(exact_key(code), signature)
        if why is not None:
            return f"{why} of a human, held-out or earlier loop"
        forbidden.add(code, "synthetic", signature)
        return None

    return gate


def synthetic_records(
    n: int, forbidden, test, seed: int = 0, budget_s: float | None = None, log=print, confirm_serial: bool = False
) -> tuple[list[dict], dict]:
    """Generate ``n`` programs and label those the analysis and the verifier agree on; stops at ``budget_s``."""
    started = time.time()
    config, gate = verify_config(), make_gate(forbidden, test)
    if n > 0:
        preflight(config)
    records, infos = [], []
    for program in generate(n, seed):
        if budget_s is not None and time.time() - started > budget_s:
            infos.append(
                Labelled(
                    program.seed,
                    program.kernel.template,
                    program.kernel.intent,
                    program.style,
                    "",
                    None,
                    "not reached (time budget)",
                    0.0,
                )
            )
            continue
        rec, info = label_program(program, gate, config, confirm_serial)
        infos.append(info)
        if rec is not None:
            records.append(rec)
        if len(infos) % 25 == 0:
            log(f"  synthetic: {len(infos)}/{n} programs, {len(records)} labelled ({time.time() - started:.0f}s)")
    return records, _summary(infos, records, time.time() - started, seed, confirm_serial)


def _summary(infos: list[Labelled], records: list[dict], seconds: float, seed: int, confirm_serial: bool) -> dict:
    from dataclasses import asdict

    return {
        "generated": len(infos),
        "labelled": len(records),
        "seed": seed,
        "confirm_serial": confirm_serial,
        "seconds": round(seconds, 1),
        "verify_seconds_per_parallel_candidate": _mean([i.seconds for i in infos if i.label not in (None, "none")]),
        "outcomes": dict(Counter(i.outcome for i in infos).most_common()),
        "labelled_by_template": dict(Counter(r["template"] for r in records).most_common()),
        "programs": [asdict(i) for i in infos],
    }


def _mean(xs: list[float]) -> float | None:
    return round(sum(xs) / len(xs), 2) if xs else None

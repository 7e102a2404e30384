"""A handful of realistic loops in the training-data layout, for tests, smoke runs and benchmarks.

Not training data: far too small to learn OpenMP from. It exists so ``ompgpt train`` can be exercised end to end
(``write_sample_dataset(dir)`` then ``ompgpt train --data dir``) before the real corpus is built.
No torch import here: the numpy-side tests use it too.
"""

from __future__ import annotations

import json
from pathlib import Path

from ompgpt.data.format import END_OF_LOOP, END_OF_PRAGMA, pragma_target

#: (context, loop code, canonical pragma or "none")
SAMPLE_LOOPS: list[tuple[str, str, str]] = [
    ("double a[N], b[N], c[N];", "for (int i = 0; i < n; i++)\n  a[i] = b[i] + c[i];", "parallel for"),
    (
        "double sum = 0.0;",
        "for (int i = 0; i < n; i++)\n  sum += x[i] * y[i];",
        "parallel for reduction(+:sum)",
    ),
    (
        "int i, j;\ndouble A[N][M], B[N][M];",
        "for (i = 0; i < n; i++)\n  for (j = 0; j < m; j++)\n    A[i][j] = 2.0 * B[i][j];",
        "parallel for private(j)",
    ),
    ("", "for (int i = 1; i < n; i++)\n  a[i] = a[i - 1] + b[i];", "none"),
    (
        "double maxv = v[0];",
        "for (int k = 0; k < len; k++) {\n  if (v[k] > maxv)\n    maxv = v[k];\n}",
        "parallel for reduction(max:maxv)",
    ),
    (
        "int i, j, k;\ndouble tmp;",
        "for (i = 0; i < n; i++)\n  for (j = 0; j < n; j++) {\n    tmp = 0.0;\n"
        "    for (k = 0; k < n; k++)\n      tmp += A[i][k] * B[k][j];\n    C[i][j] = tmp;\n  }",
        "parallel for private(j, k, tmp)",
    ),
    ("", "for (int i = 0; i < n; i++)\n  y[i] = alpha * x[i] + y[i];", "simd"),
    ("", 'for (int i = 0; i < n; i++)\n  printf("%d\\n", a[i]);', "none"),
    (
        "int count = 0;",
        "for (int i = 0; i < n; i++)\n  if (flags[i])\n    count++;",
        "parallel for reduction(+:count)",
    ),
    (
        "",
        "for (int i = 0; i < rows; i++) {\n  int start = rowptr[i];\n  double t = 0.0;\n"
        "  for (int p = start; p < rowptr[i + 1]; p++)\n    t += val[p] * x[col[p]];\n  y[i] = t;\n}",
        "parallel for schedule(dynamic, 64)",
    ),
    ("", "for (node = head; node; node = node->next)\n  node->value *= 2;", "none"),
    (
        "int i, j;",
        "for (i = 0; i < nx; i++)\n  for (j = 0; j < ny; j++)\n    u[i][j] = 0.25 * (v[i][j] + w[i][j]);",
        "parallel for collapse(2)",
    ),
    ("float scale;", "for (int i = 0; i < n; i++)\n  out[i] = in[i] * scale;", "parallel for simd"),
    (
        "double x, pi, step = 1.0 / steps;",
        "for (long i = 0; i < steps; i++) {\n  x = (i + 0.5) * step;\n  pi += 4.0 / (1.0 + x * x);\n}",
        "parallel for private(x) reduction(+:pi)",
    ),
    ("", "for (int i = 0; i < n; i++)\n  hist[key[i]]++;", "none"),
    (
        "int last;",
        "for (int i = 0; i < n; i++) {\n  b[i] = a[i] * 2;\n  last = b[i];\n}",
        "parallel for lastprivate(last)",
    ),
]


def sample_records() -> list[dict[str, str]]:
    """The loops as ``loops-*.jsonl`` records (fields ``code``, ``context``, ``pragma``)."""
    return [{"code": code, "context": ctx, "pragma": pragma} for ctx, code, pragma in SAMPLE_LOOPS]


def sample_file_text(context: str, code: str, pragma: str) -> str:
    """A whole "file" in the pre-training layout: the pragma moved after its loop, in place."""
    body = "\n".join("  " + line for line in code.splitlines())
    decl = "\n".join("  " + line for line in context.splitlines()) + "\n" if context else ""
    return f"void kernel(int n, int m)\n{{\n{decl}{body}\n{END_OF_LOOP}{pragma_target(pragma)}\n}}\n"


def write_sample_dataset(directory: str | Path, repeat: int = 1) -> Path:
    """Write files-/loops-{train,validation}.jsonl; validation reuses a few training loops (smoke tests only)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    records = sample_records() * repeat
    files = [{"text": sample_file_text(r["context"], r["code"], r["pragma"])} for r in records]
    for split, loops, texts in (("train", records, files), ("validation", records[:4], files[:4])):
        _write_jsonl(directory / f"loops-{split}.jsonl", loops)
        _write_jsonl(directory / f"files-{split}.jsonl", texts)
    assert END_OF_PRAGMA in files[0]["text"]
    return directory


def _write_jsonl(path: Path, rows: list[dict[str, str]]) -> None:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))

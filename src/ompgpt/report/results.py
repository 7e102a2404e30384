"""Plain results of annotating files: one record per loop, one per file. Shared by annotate, lint and reports."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class LoopResult:
    """What ompgpt decided for one loop, and why."""

    path: str
    line: int
    column: int
    function: str | None
    action: str  # insert | keep | none | skip
    pragma: str | None = None  # the pragma inserted (canonical, without "#pragma omp")
    existing: str | None = None  # the pragma the loop already had
    verdict: str | None = None  # the analysis verdict: parallel | serial | unknown
    confidence: float | None = None
    source: str | None = None  # analysis | model | both
    reasons: list[str] = field(default_factory=list)
    verification: dict | None = None  # the verifier's result when --verify ran
    candidate: str | None = None  # a model pragma the analysis could not prove: inserted only once verified
    #: the kind of change, as ruff's safe and unsafe fixes: "proven" (analysis), "verified" (passed build,
    #: differential runs and TSan+Archer on this program), "unsafe" (model-only or unproven: written only with
    #: ``--unsafe-fixes``); None when nothing is inserted
    fix: str | None = None
    #: line of the serial loop whose hoisted ``parallel`` region this loop's worksharing ``for`` runs in
    region_line: int | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class FileResult:
    """All loops of one file, the messages about it, and its new content when something changed."""

    path: str
    loops: list[LoopResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # file:line:col: error: ... (file skipped or loops lost)
    warnings: list[str] = field(default_factory=list)
    original: str | None = None
    updated: str | None = None  # None when unchanged
    lines: int = 0
    encoding: str = "utf-8"  # how the file's bytes were decoded: diffs are written back in it, with its BOM
    bom: bool = False

    def encode(self, text: str | None) -> bytes:
        """``text`` as this file's own bytes (its encoding and BOM; undecodable bytes kept by surrogateescape)."""
        data = (text or "").encode(self.encoding, errors="surrogateescape")
        return b"\xef\xbb\xbf" + data if self.bom else data

    @property
    def changed(self) -> bool:
        return self.updated is not None and self.updated != self.original

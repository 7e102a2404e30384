"""SARIF 2.1.0 output, the format GitHub code scanning reads."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ompgpt import __version__

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


@dataclass
class Finding:
    """One diagnostic: ``rule`` is a stable code (see README), ``level`` note/warning/error."""

    path: str
    line: int
    column: int
    rule: str
    level: str
    message: str
    fix: str | None = None  # replacement pragma text, when there is one
    kind: str | None = None  # the change's kind: "proven", "verified" or "unsafe" (see README)


def to_sarif(findings: list[Finding], rules: dict[str, str]) -> dict:
    """A SARIF log with one run; ``rules`` maps rule id -> short description."""
    used = sorted({f.rule for f in findings} | set(rules))
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "ompgpt",
                        "version": __version__,
                        "informationUri": "https://github.com/ompgpt/ompgpt",
                        "rules": [{"id": r, "shortDescription": {"text": rules.get(r, r)}} for r in used],
                    }
                },
                "results": [_result(f) for f in findings],
            }
        ],
    }


def _result(f: Finding) -> dict:
    result = {
        "ruleId": f.rule,
        "level": f.level,
        "message": {"text": f.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": Path(f.path).as_posix()},
                    "region": {"startLine": f.line, "startColumn": f.column},
                }
            }
        ],
    }
    properties = {}
    if f.fix:
        properties["suggestedPragma"] = f.fix
    if f.kind:
        properties["fix"] = f.kind
    if properties:
        result["properties"] = properties
    return result

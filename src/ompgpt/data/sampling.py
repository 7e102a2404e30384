"""Caps that keep a few repositories and serial loops from swamping the training data.

* **Per-repository cap** (train split): no repository holds more than :data:`REPO_SHARE` (5%) of the positives, of
  the negatives, or of the whole-file text; the OpenMP test suites the corpus DATASHEET flags (:data:`TEST_SUITES`:
  thousands of tiny programs exercising offload and synchronisation constructs) are held to :data:`SUITE_SHARE`
  (1%). The cap is a fixed point: ``C = floor(share * total)`` where ``total`` is the count *after* capping, so
  the shares hold in the written data. Within a capped repository, items are kept in a hash order of their
  identity, which spreads the kept items over its files.
* **Negatives**: at most :data:`NEGATIVE_RATIO` negatives per positive in each split, at most
  :data:`NEGATIVES_PER_FILE` per file, outermost loops first, then hash order. Negatives are noisy (a serial loop in an
  OpenMP file may simply never have been worth parallelizing), so they teach ``none`` without dominating.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable

from ompgpt.data.splits import unit_hash

REPO_SHARE = 0.05
SUITE_SHARE = 0.01
TEST_SUITES = frozenset(
    {
        "ROCm/aomp",
        "OpenMP-Validation-and-Verification/OpenMP_VV",
        "llvm-mirror/openmp",
        "pmodels/bolt",
        "OpenMP/Examples",
    }
)
NEGATIVE_RATIO = 0.5
NEGATIVES_PER_FILE = 3


def repo_caps(weights: dict[str, int], share: float = REPO_SHARE, suite_share: float = SUITE_SHARE) -> dict[str, int]:
    """Largest per-repo limits such that, after capping, each repo holds <= its share of the capped total.

    When the shares add up to less than 1 (fewer than 20 ordinary repositories) they cannot all hold (the only fixed
    point is 0), so nothing is capped: that only happens for toy corpora.
    """
    shares = {r: suite_share if r in TEST_SUITES else share for r in weights}
    total = sum(weights.values())
    if sum(shares.values()) < 1:
        return dict(weights)
    for _ in range(100_000):
        caps = {r: int(shares[r] * total) for r in weights}
        capped = sum(min(w, caps[r]) for r, w in weights.items())
        if capped == total:
            break
        total = capped
    return caps


def cap_by_repo(items: list[dict], weight: Callable[[dict], int] = lambda _: 1, **shares: float) -> list[dict]:
    """Keep, per repository, items in hash order until its cap (in ``weight`` units) is reached."""
    by_repo: dict[str, list[dict]] = defaultdict(list)
    for item in items:
        by_repo[item["repo"]].append(item)
    caps = repo_caps({r: sum(weight(i) for i in group) for r, group in by_repo.items()}, **shares)
    kept = []
    for repo, group in by_repo.items():
        used = 0
        for item in sorted(group, key=_identity_hash):
            if used + weight(item) > caps[repo]:
                continue
            used += weight(item)
            kept.append(item)
    return sorted(kept, key=_order)


def pick_negatives(candidates: list[dict], n_positives: int) -> list[dict]:
    """Up to NEGATIVE_RATIO * n_positives negatives, NEGATIVES_PER_FILE per file, outermost loops first."""
    target = int(NEGATIVE_RATIO * n_positives)
    per_file: Counter[tuple[str, str]] = Counter()
    kept = []
    for item in sorted(candidates, key=lambda i: (i["depth"] > 0, _identity_hash(i))):
        if len(kept) >= target:
            break
        where = (item["repo"], item["path"])
        if per_file[where] < NEGATIVES_PER_FILE:
            per_file[where] += 1
            kept.append(item)
    return sorted(kept, key=_order)


def _identity_hash(item: dict) -> float:
    return unit_hash(f"{item['repo']}:{item['path']}:{item.get('line', 0)}", seed="ompgpt-sample-v1")


def _order(item: dict) -> tuple:
    return (item["repo"], item["path"], item.get("line", 0))

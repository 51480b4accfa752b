"""Aligning two sequences for a redline: patience diff, with difflib only for small leftovers.

``opcodes(a, b)`` answers like ``difflib.SequenceMatcher(None, a, b).get_opcodes()``, in near-linear
time: elements that occur exactly once on each side are the anchors (of the runs increasing on both
sides, the one of greatest weight), and the gaps between anchors are aligned the same way,
recursively; in a gap with no unique element, equal prefixes and suffixes are matched and the rest
goes to difflib only when it is small (``FALLBACK_CELLS``), so the work on any input stays bounded.
Anchoring on unique elements is also what makes a list read as a reader expects: "A, B and C" ->
"A and B" keeps A and B and deletes "and C", rather than pairing B with C.
"""
from __future__ import annotations

import difflib
from collections import Counter
from typing import Callable, Hashable, Sequence

FALLBACK_CELLS = 10_000  # difflib aligns a gap without anchors only when len(a) * len(b) is at most this
SMALL_GAP = 16  # a gap this small (len(a) * len(b)) skips the search for anchors: it would cost more


def heaviest_chain(pairs: Sequence[tuple[int, int]], weights: Sequence[int]) -> list[tuple[int, int]]:
    """Of ``pairs`` (i, j), sorted by i and, for equal i, by decreasing j: the chain increasing in both
    i and j whose total weight is greatest. A Fenwick tree holds the best chain ending below each j,
    so this takes O(n log n)."""
    if not pairs:
        return []
    if all(pairs[k][1] < pairs[k + 1][1] and pairs[k][0] < pairs[k + 1][0] for k in range(len(pairs) - 1)):
        return list(pairs)  # already in order on both sides: the usual case
    low = min(j for _, j in pairs)
    size = max(j for _, j in pairs) - low + 1
    tree: list[tuple[int, int]] = [(0, -1)] * (size + 1)  # (best total weight, pair index): prefix maxima
    best: list[int] = []
    back: list[int] = []
    for k, (_, j) in enumerate(pairs):
        position, prior = j - low, (0, -1)
        while position > 0:  # the best chain ending at some j' < j
            prior = max(prior, tree[position])
            position -= position & -position
        best.append(prior[0] + weights[k])
        back.append(prior[1])
        position = j - low + 1
        while position <= size:
            tree[position] = max(tree[position], (best[k], k))
            position += position & -position
    k = max(range(len(pairs)), key=best.__getitem__)
    chain = []
    while k >= 0:
        chain.append(pairs[k])
        k = back[k]
    return chain[::-1]


def _unique_anchors(a: Sequence, alo: int, ahi: int, b: Sequence, blo: int, bhi: int,
                    weight: Callable[[Hashable], int]) -> list[tuple[int, int]]:
    """Pairs (i, j) of elements unique on both sides of the ranges, in the heaviest increasing chain."""
    count_a = Counter(a[alo:ahi])
    count_b = Counter(b[blo:bhi])
    where_b = {b[j]: j for j in range(blo, bhi) if count_b[b[j]] == 1 and count_a.get(b[j]) == 1}
    pairs = [(i, where_b[a[i]]) for i in range(alo, ahi) if a[i] in where_b]
    return heaviest_chain(pairs, [weight(a[i]) for i, _ in pairs])


def matched_pairs(a: Sequence[Hashable], b: Sequence[Hashable],
                  weight: Callable[[Hashable], int] = lambda _: 1) -> list[tuple[int, int]]:
    """Every (i, j) with a[i] == b[j] that the alignment keeps, in increasing order on both sides."""
    pairs: list[tuple[int, int]] = []
    stack = [(0, len(a), 0, len(b))]
    while stack:
        alo, ahi, blo, bhi = stack.pop()
        if alo == ahi or blo == bhi:
            continue
        anchors = [] if (ahi - alo) * (bhi - blo) <= SMALL_GAP else _unique_anchors(a, alo, ahi, b, blo, bhi, weight)
        if anchors:
            i0, j0 = alo, blo
            for i, j in anchors:
                pairs.append((i, j))
                stack.append((i0, i, j0, j))
                i0, j0 = i + 1, j + 1
            stack.append((i0, ahi, j0, bhi))
            continue
        while alo < ahi and blo < bhi and a[alo] == b[blo]:
            pairs.append((alo, blo))
            alo, blo = alo + 1, blo + 1
        while alo < ahi and blo < bhi and a[ahi - 1] == b[bhi - 1]:
            ahi, bhi = ahi - 1, bhi - 1
            pairs.append((ahi, bhi))
        if alo < ahi and blo < bhi and (ahi - alo) * (bhi - blo) <= FALLBACK_CELLS:
            matcher = difflib.SequenceMatcher(None, a[alo:ahi], b[blo:bhi], autojunk=False)
            for i, j, size in matcher.get_matching_blocks():
                pairs.extend((alo + i + k, blo + j + k) for k in range(size))
    pairs.sort()
    return pairs


def opcodes(a: Sequence[Hashable], b: Sequence[Hashable],
            weight: Callable[[Hashable], int] = lambda _: 1) -> list[tuple[str, int, int, int, int]]:
    """("equal" | "replace" | "delete" | "insert", i1, i2, j1, j2) covering both sequences, as difflib
    gives. ``weight``: how much keeping an element matters when unique elements compete (a name more
    than "and")."""
    out: list[tuple[str, int, int, int, int]] = []
    i = j = 0

    def gap(i2: int, j2: int) -> None:
        if i < i2 or j < j2:
            tag = "replace" if i < i2 and j < j2 else "delete" if i < i2 else "insert"
            out.append((tag, i, i2, j, j2))

    for pi, pj in matched_pairs(a, b, weight) + [(len(a), len(b))]:
        gap(pi, pj)
        if pi == len(a) and pj == len(b):
            break
        if out and out[-1][0] == "equal" and out[-1][2] == pi and out[-1][4] == pj:
            tag, i1, _, j1, _ = out.pop()
            out.append((tag, i1, pi + 1, j1, pj + 1))
        else:
            out.append(("equal", pi, pi + 1, pj, pj + 1))
        i, j = pi + 1, pj + 1
    return out

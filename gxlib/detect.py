"""Choosing the profile that fits a document, with the evidence for the choice.

Each registered profile is scored by its declared signals (labels only its template prints, the
notice that issued it), by how many of its table labels occur, and weakly by whether the report
year is one it usually applies to. Decide by the labels; the year is only a prior.
"""

from __future__ import annotations

from functools import lru_cache

from gxlib.labels import compile_labels
from gxlib.normalize import match_key
from gxlib.profiles.model import Profile
from gxlib.report import Candidate


def score_profiles(key_text: str, profiles: list[Profile], year: int | None) -> list[Candidate]:
    out: list[Candidate] = []
    present: dict[str, bool] = {}  # profiles share most labels: each is looked for once
    for p in profiles:
        score = 0.0
        evidence: list[str] = []
        for sig in p.detection.signals:
            if match_key(sig.text) in key_text:
                score += sig.weight
                evidence.append(f"+{sig.weight:g} {sig.text}")
        labels = _evidence_labels(p)
        if labels:
            found = 0
            for k in labels:
                hit = present.get(k)
                if hit is None:
                    hit = present[k] = k in key_text
                found += hit
            cov = found / len(labels)
            score += 2.0 * cov
            evidence.append(f"+{2.0 * cov:.2f} {found}/{len(labels)} labels present")
        if year is not None and p.applies_to_year(year):
            score += p.detection.year_weight
            evidence.append(f"+{p.detection.year_weight:g} report year {year}")
        out.append(Candidate(p.id, round(score, 4), tuple(evidence)))
    out.sort(key=lambda c: (-c.score, c.profile))
    return out


@lru_cache(maxsize=64)
def _evidence_labels(p: Profile) -> frozenset[str]:
    """Row and column labels long enough to be evidence of the template when present."""
    return frozenset(
        lab.loose
        for sec in compile_labels(p).values()
        for lab in sec.labels
        if lab.kind in ("row", "column") and not lab.drift and len(lab.loose) >= 4
    )

"""Realistic synthetic customer sources (CRM, web shop, loyalty) with exact ground truth.

``generate`` writes noisy records about known people, the mapping for each source and ``truth.csv``
saying which person every record is, so identity resolution can be measured, not guessed at.
"""

from synthetic.generate import GenerationSummary, generate

__all__ = ["GenerationSummary", "generate"]

"""Realistic synthetic sources with exact ground truth: customers, stores and what people do.

``generate`` writes noisy records about known people from three customer sources (CRM, web shop, loyalty),
a stores workbook and four event sources (purchases, web log, service cases, consents), the mapping for
each, ``truth.csv`` and ``events_truth.csv`` saying which person every record or event is, so identity
resolution can be measured, not guessed at.
"""

from synthetic.generate import GenerationSummary, generate

__all__ = ["GenerationSummary", "generate"]

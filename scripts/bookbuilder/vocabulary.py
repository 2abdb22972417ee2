"""The report format's closed lists, and how each value is printed.

A contributor's role and an imaging modality: the validate stage checks a report's values
against these lists (``check/schema.py``, with its aliases and "did you mean"), and every stage
that shows them prints them by these names (the byline, browse filters and cards, the
Contributors page, the index). Defined here, below the stages, so that printing a role does not
import the validator.
"""

from __future__ import annotations

ROLES = (
    "radiologist",
    "radiographer",
    "radiological-technologist",
    "medical-physicist",
    "nurse",
    "trainee",
    "researcher",
    "other",
    "organisation",
)
# How a role is printed: the browse page's filters and cards, and (but "other" and
# "organisation", which say nothing in a byline) the byline.
ROLE_NAMES = {role: role.replace("-", " ").capitalize() for role in ROLES}

MODALITIES = (
    "radiography",
    "CT",
    "MRI",
    "ultrasound",
    "fluoroscopy",
    "mammography",
    "nuclear-medicine",
    "PET",
    "interventional",
    "teleradiology",
)
# How a modality is printed (the index, the browse filters): "CT", "Nuclear medicine".
MODALITY_NAMES = {m: m if m.isupper() else m.replace("-", " ").capitalize() for m in MODALITIES}

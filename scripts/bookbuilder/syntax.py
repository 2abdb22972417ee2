"""The report format's reading rules that the check and the build both apply, defined once.

``make check`` (``check/body.py``) parses a body with these and the build (``sphinx/settings.py``
and, whatever conf.py says, ``sphinx/lockdown.py``) renders it with the same ones: what the
check accepts is what the editions print. The render stage (``render/pages.py``) copies images
by the same folder rule.
"""

from __future__ import annotations

import re

from bookbuilder.layout import IMAGES_DIR

# MyST's optional syntax the format allows: ::: fences (directives written with colons).
MYST_EXTENSIONS = ("colon_fence",)
# Raw HTML is never passed through, as a block or inline.
MYST_DISABLED_SYNTAX = ("html_block", "html_inline")
# Links: web and e-mail addresses only.
LINK_SCHEMES = ("http", "https", "mailto")

# A report's images: experiences/images/<slug>/…, written in the body as images/<slug>/<file>.
# One file or folder name inside it: letters, digits, '.', '_', '-', not starting with '.'.
IMAGE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._\-]*\Z")


def image_folder(slug: str) -> str:
    """The report's image folder as a body writes it: ``images/<slug>/``."""
    return f"{IMAGES_DIR}/{slug}/"


def in_image_folder(target: str, slug: str) -> bool:
    """Whether ``target`` (as written in the body) names something inside the report's own
    image folder: ``images/<slug>/`` and at least one name after it."""
    parts = target.split("/")
    return parts[:2] == [IMAGES_DIR, slug] and len(parts) >= 3


def plain_names(target: str) -> bool:
    """Whether every name after ``images/<slug>/`` is a plain file or folder name."""
    return all(IMAGE_NAME.match(p) for p in target.split("/")[2:])


def alt_is_file_name(alt: str, file_name: str) -> bool:
    """True when alt text is only the image's file name (``shifts.svg``, ``shifts``, or
    ``ct_room`` read as ``ct room``): it describes nothing. Compared with the file's own name,
    never its folders: ``diagram-shifts`` for ``diagram/shifts.svg`` is words, not its name."""
    low = " ".join(alt.split()).lower()
    name = file_name.lower()
    stem = name.rsplit(".", 1)[0]
    return low in (name, stem, re.sub(r"[-_]+", " ", stem))

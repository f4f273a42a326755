"""Asset tags: the human key of an asset."""

from __future__ import annotations

import re

TAG_MAX_LENGTH = 64
_TAG_CHARS = re.compile(r"^[\x21-\x7e]+$")  # printable ASCII, no spaces: what Code 128 encodes


def normalize_tag(tag: str) -> str:
    """The comparison key of a tag: trimmed and case-folded."""
    return tag.strip().casefold()


def tag_problem(tag: str) -> str | None:
    """Why ``tag`` is not a usable asset tag, or None."""
    cleaned = tag.strip()
    if not cleaned:
        return "the tag is empty"
    if len(cleaned) > TAG_MAX_LENGTH:
        return f"the tag is longer than {TAG_MAX_LENGTH} characters"
    if not _TAG_CHARS.match(cleaned):
        return "a tag may hold only letters, digits and printable symbols, no spaces"
    return None


def format_tag(prefix: str, number: int, width: int = 6) -> str:
    """``LAP`` and 123 → ``LAP-000123``."""
    return f"{prefix}-{number:0{width}d}"

"""A dry run's counts as its summary says them: "1 create, 1 update, 298 unchanged,
0 conflicts, 2 errors" (the command line and the import wizard).

Conflicts and errors are counted things, in the plural unless there is exactly one (the
summary said "0 conflict, 2 error", newuser21); create, update and unchanged say what is
done to the rows and stay as they are.
"""

from __future__ import annotations

from collections.abc import Mapping

from desktop.wording import plural

#: The actions that are things counted (the others say what is done to the rows).
_COUNTED = frozenset({"conflict", "error"})


def counts_said(counts: Mapping[str, int]) -> str:
    """``ImportPlan.counts()`` in words, in its order."""
    return ", ".join(
        plural(n, action) if action in _COUNTED else f"{n:,} {action}"
        for action, n in counts.items()
    )

"""What the main window says in words: over an empty table, and after a form was
recorded (plain functions of the filter and the outcomes, tested without a window)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from desktop.domain.lifecycle import ProcedureState
from desktop.services.register_rows import AssetFilter


def no_match_text(flt: AssetFilter) -> str:
    """Said over the empty table: what matched nothing, and how to see every asset."""
    others = replace(flt, search="") != AssetFilter()
    if flt.search and others:
        return (
            f"No asset matches '{flt.search}' with the filters chosen.\n"
            "Clear them (the Clear button) to see every asset."
        )
    if flt.search:
        return f"No asset matches '{flt.search}'.\nClear the search to see every asset."
    return "No asset matches the filters chosen.\nClear them (the Clear button) to see every asset."


def recorded_message(outcomes: list[Any]) -> str:
    """The status bar's line after a form was recorded: what waits for approval says so."""
    waiting = [o for o in outcomes if o.state is ProcedureState.PENDING_APPROVAL]
    count = len(outcomes)
    if count == 1:
        (outcome,) = outcomes
        text = f"Recorded {outcome.kind.label.lower()} of {outcome.asset_tag}"
    else:
        text = f"Recorded {count} procedures"
    if not waiting:
        return text + "."
    if len(waiting) == count:
        approvals = max(o.approvals_required for o in waiting)
        plural = "s" if approvals != 1 else ""
        verb = "waits" if count == 1 else "wait"
        return f"{text}; {verb} for approval ({approvals} approval{plural} needed)."
    return f"{text}; {len(waiting)} of them wait for approval."

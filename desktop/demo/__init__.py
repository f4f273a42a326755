"""Realistic demo data: a whole organisation with years of asset history (``assetdesk demo``)."""

from desktop.demo.fill import (
    DatabaseNotEmptyError,
    DemoCancelledError,
    DemoSummary,
    fill_demo,
)

__all__ = ["DatabaseNotEmptyError", "DemoCancelledError", "DemoSummary", "fill_demo"]

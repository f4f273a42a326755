"""How a keyboard-wedge barcode scanner is told apart from a person typing.

The values come from the settings (File › Settings › Barcode scanner); the GUI's scan
detector and scan fields use them. Qt-free so that the rules can be tested on their own.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop.settings import (
    SCAN_MAX_GAP_MS,
    SCAN_MIN_LENGTH,
    SCAN_PREFIX,
    SCAN_SUFFIX,
    SCAN_TERMINATOR,
    Settings,
)

#: The terminator setting's values and the keys each accepts.
TERMINATORS: dict[str, frozenset[str]] = {
    "enter": frozenset({"enter"}),
    "tab": frozenset({"tab"}),
    "enter_or_tab": frozenset({"enter", "tab"}),
}
#: Bounds that keep a mistyped setting from disabling scans or swallowing typing.
GAP_RANGE_MS = (5, 500)
LENGTH_RANGE = (1, 64)


@dataclass(frozen=True)
class ScannerConfig:
    """A scanner's timing and what it sends around each code.

    Attributes:
        max_gap_ms: longest pause between two key events (presses, releases, Shift) of
            one scan. USB scanners and ``xdotool type`` send one every 1-30 ms; a person
            typing leaves 60 ms or more between keys.
        min_length: shortest code (after removing prefix and suffix) that counts as a scan.
        prefix, suffix: text the scanner is set up to send around each code; removed.
        terminators: the keys ("enter", "tab") that end a scan.
    """

    max_gap_ms: int = SCAN_MAX_GAP_MS.default
    min_length: int = SCAN_MIN_LENGTH.default
    prefix: str = ""
    suffix: str = ""
    terminators: frozenset[str] = TERMINATORS["enter_or_tab"]

    @classmethod
    def from_settings(cls, settings: Settings) -> ScannerConfig:
        gap = min(max(settings.get(SCAN_MAX_GAP_MS), GAP_RANGE_MS[0]), GAP_RANGE_MS[1])
        length = min(max(settings.get(SCAN_MIN_LENGTH), LENGTH_RANGE[0]), LENGTH_RANGE[1])
        terminator = settings.get(SCAN_TERMINATOR).strip().lower()
        return cls(
            max_gap_ms=gap,
            min_length=length,
            prefix=settings.get(SCAN_PREFIX),
            suffix=settings.get(SCAN_SUFFIX),
            terminators=TERMINATORS.get(terminator, TERMINATORS["enter_or_tab"]),
        )

    def code(self, burst: str) -> str:
        """The code in what the scanner typed: prefix and suffix removed, spaces trimmed."""
        text = burst
        if self.prefix and text.startswith(self.prefix):
            text = text[len(self.prefix) :]
        if self.suffix and text.endswith(self.suffix):
            text = text[: -len(self.suffix)]
        return text.strip()

    def is_scan(self, burst: str) -> bool:
        """Whether a fast burst ended by a terminator is long enough to be a scan."""
        return len(self.code(burst)) >= self.min_length

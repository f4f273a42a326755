"""Assetdesk's application core: domain, storage and services. Never imports Qt."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("assetdesk")
except PackageNotFoundError:  # pragma: no cover - running from a bare source tree
    __version__ = "0.0.0"

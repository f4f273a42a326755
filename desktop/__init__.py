"""Assetdesk's application core: domain, storage and services. Never imports Qt."""

#: The version; kept equal to pyproject.toml's by a test. A literal, because reading the
#: installed metadata (importlib.metadata) alone takes longer than ``assetdesk --version``
#: may take in all (issue 17).
__version__ = "0.1.0"

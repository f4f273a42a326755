"""Data shipped with Assetdesk, read with importlib.resources."""

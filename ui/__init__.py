"""The user interfaces: the Qt GUI (``ui.gui``) and the command line (``ui.cli``).

This package itself stays Qt-free so that the command line starts fast.
"""

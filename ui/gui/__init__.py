"""The Qt GUI. The only package besides tests that imports PySide6."""

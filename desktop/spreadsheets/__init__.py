"""Spreadsheet import and export (Qt-free).

Reading: :mod:`readers` (python-calamine for workbooks, the csv module for text files),
:mod:`columns` (header detection and column mapping), :mod:`cells` (value parsing).
Importing: :mod:`plan` (the dry run), :mod:`commit` (one transaction, batched writes),
:mod:`error_workbook`. Exporting: :mod:`export`.
"""

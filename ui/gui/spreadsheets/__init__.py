"""The spreadsheet import wizard and the export dialog."""

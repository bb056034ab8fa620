"""Excel workbooks: export, entry template and import, as plain functions over openpyxl (no Qt)."""

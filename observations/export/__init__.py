"""Exports for analysis: an Excel workbook, a zip of CSV files, or PLDP 1.0.

Plain functions that the export page and the `flask export` command both call.
"""

from .options import EXCEL_ROWS, FORMATS, LABELS, ExportOptions
from .run import export

__all__ = ["EXCEL_ROWS", "FORMATS", "LABELS", "ExportOptions", "export"]

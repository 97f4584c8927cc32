"""Customer review workbook helpers."""

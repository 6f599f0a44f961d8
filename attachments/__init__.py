"""The text of attached files: what type a file is, its text, page by page, and scans read by OCR.

Imports nothing else of tracuu.
"""

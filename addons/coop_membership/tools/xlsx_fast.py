"""The internals of xlsxwriter and zipfile that the register's fast XLSX relies on.

``coop.capital.report._register_xlsx`` lets PostgreSQL render the body rows of the register
as SpreadsheetML and xlsxwriter build the workbook around them. The rendered cells need
what neither library offers publicly: the number xlsxwriter gives a cell style, the index
of a string in its shared string table, and, optionally, a faster deflate for the sheets.
This file is the only one reaching inside them; ``tests/test_xlsx_fast.py`` fails if a new
xlsxwriter (pinned in requirements.txt) or Python changes what it relies on.
"""

import io
import zipfile
import zlib

try:
    from isal import isal_zlib
except ImportError:  # optional: the sheets are then compressed by zlib, more slowly
    isal_zlib = None

# The version these internals were checked against (requirements.txt pins it).
XLSXWRITER_VERSION = "3.1.9"


def style_index(cell_format):
    """The number of the xlsxwriter ``cell_format`` among the workbook's cell styles (the
    ``s`` attribute of a cell). xlsxwriter numbers the styles in the order it meets them:
    asked before any cell is written, the first formats get the first numbers."""
    return cell_format._get_xf_index()


def shared_string_index(book, text):
    """The index of ``text`` in the shared string table of the xlsxwriter ``book`` (added
    when new); xlsxwriter writes the table, escaped, when the book is closed."""
    return book.str_table._get_shared_string_index(text)


def open_for_writing(archive, name):
    """Open the member ``name`` of the ``zipfile.ZIP_DEFLATED`` ``archive`` for writing.

    With ISA-L installed the member is compressed by it: the same raw deflate format, about
    five times faster than zlib. Should zipfile's stream change, zlib keeps doing the work.
    """
    stream = archive.open(name, "w")
    if isal_zlib is not None and hasattr(stream, "_compressor"):
        stream._compressor = isal_zlib.compressobj(1, zlib.DEFLATED, -15)
    return stream


def fast_deflate_available():
    """Whether ``open_for_writing`` compresses with ISA-L here."""
    archive = zipfile.ZipFile(io.BytesIO(), "w", zipfile.ZIP_DEFLATED)
    with archive, open_for_writing(archive, "probe") as stream:
        return type(stream._compressor).__module__.startswith("isal")

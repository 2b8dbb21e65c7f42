"""Write ``access_2025_legacy.xls``, the ``.xls`` fixture of ``tests/test_readers.py``.

No maintained package writes the old Excel 97-2003 format, so the fixture is committed. It was
made with ``xlwt==1.3.0`` in a throwaway environment (``python -m venv /tmp/x &&
/tmp/x/bin/pip install xlwt==1.3.0 && /tmp/x/bin/python tests/data/make_xls_fixture.py``).

The workbook has a visible sheet ``Requests`` (a date cell, a date typed as text, whole numbers
and a blank cell) and a hidden sheet ``Lists`` that must not be read.
"""

import datetime as dt
from pathlib import Path


def main() -> None:
    import xlwt  # only where the fixture is made

    book = xlwt.Workbook()
    sheet = book.add_sheet("Requests")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    rows = [
        ["Request ID", "RPB", "Received date", "First support date", "Redirections"],
        ["X1", "Hywel Dda UHB", dt.datetime(2025, 1, 31), dt.date(2025, 2, 3), 2],
        ["X2", "Ceredigion", "14/02/2025", None, 0],
    ]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, dt.date):
                sheet.write(r, c, value, date_style)
            else:
                sheet.write(r, c, value)
    lists = book.add_sheet("Lists")
    lists.write(0, 0, "RPB")
    lists.write(1, 0, "Gwent")
    lists.visibility = 1  # hidden
    book.save(str(Path(__file__).with_name("access_2025_legacy.xls")))


if __name__ == "__main__":
    main()

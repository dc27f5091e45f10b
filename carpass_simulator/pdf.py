# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A minimal PDF writer: pages of plain text in Helvetica, readable by pdftotext.

Written by hand so the simulator needs nothing beyond the standard library.
"""

import textwrap

PAGE_WIDTH, PAGE_HEIGHT = 595, 842  # A4 in points
MARGIN = 56
TITLE_SIZE = 16
TEXT_SIZE = 10
LEADING = 14
WRAP_COLUMNS = 95
LINES_PER_PAGE = (PAGE_HEIGHT - 2 * MARGIN - LEADING * 2) // LEADING


def render_pdf(title, lines):
    """Return the bytes of a PDF with ``title`` on top of the first page."""
    wrapped = []
    for line in lines:
        wrapped.extend(textwrap.wrap(line, WRAP_COLUMNS) or [""])
    pages = [
        wrapped[start : start + LINES_PER_PAGE]
        for start in range(0, max(len(wrapped), 1), LINES_PER_PAGE)
    ]
    catalog, page_tree, font, info = 1, 2, 3, 4
    objects = {
        catalog: f"<< /Type /Catalog /Pages {page_tree} 0 R >>".encode(),
        font: (
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
            b"/Encoding /WinAnsiEncoding >>"
        ),
        info: b"<< /Title " + _string(title) + b" /Producer (carpass_simulator) >>",
    }
    page_ids = []
    next_id = info + 1
    for number, page_lines in enumerate(pages):
        page_id, content_id = next_id, next_id + 1
        next_id += 2
        stream = _page_content(title if number == 0 else None, page_lines)
        objects[content_id] = (
            f"<< /Length {len(stream)} >>\nstream\n".encode() + stream + b"\nendstream"
        )
        objects[page_id] = (
            f"<< /Type /Page /Parent {page_tree} 0 R "
            f"/MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] "
            f"/Resources << /Font << /F1 {font} 0 R >> >> "
            f"/Contents {content_id} 0 R >>"
        ).encode()
        page_ids.append(page_id)
    kids = " ".join(f"{page_id} 0 R" for page_id in page_ids)
    objects[page_tree] = (
        f"<< /Type /Pages /Kids [{kids}] /Count {len(page_ids)} >>".encode()
    )
    return _assemble(objects, root=catalog, info=info)


def _page_content(title, lines):
    top = PAGE_HEIGHT - MARGIN
    parts = [b"BT", f"{MARGIN} {top} Td {LEADING} TL".encode()]
    if title:
        parts += [f"/F1 {TITLE_SIZE} Tf".encode(), _string(title) + b" Tj T* T*"]
    parts.append(f"/F1 {TEXT_SIZE} Tf".encode())
    parts += [_string(line) + b" Tj T*" for line in lines]
    parts.append(b"ET")
    return b"\n".join(parts)


def _string(text):
    raw = text.encode("cp1252", errors="replace")
    escaped = raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    return b"(" + escaped + b")"


def _assemble(objects, *, root, info):
    output = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for object_id in sorted(objects):
        offsets[object_id] = len(output)
        output += f"{object_id} 0 obj\n".encode() + objects[object_id] + b"\nendobj\n"
    xref_offset = len(output)
    size = max(objects) + 1
    output += f"xref\n0 {size}\n".encode() + b"0000000000 65535 f \n"
    for object_id in range(1, size):
        output += f"{offsets[object_id]:010d} 00000 n \n".encode()
    output += (
        f"trailer\n<< /Size {size} /Root {root} 0 R /Info {info} 0 R >>\n"
        f"startxref\n{xref_offset}\n%%EOF\n"
    ).encode()
    return bytes(output)

#!/usr/bin/env python3
"""pngcount.py - count a PNG's pixels of given colours (standard library).

    pngcount.py FILE [#rrggbb ...]

Prints one JSON object: {"width", "height", "distinct": number of distinct
colours, "#rrggbb": pixels within 8 of that colour on every channel, ...}.
Reads 8-bit RGB or RGBA PNGs without interlacing (what a headless
browser's screenshot is); anything else exits 2.
"""

import json
import struct
import sys
import zlib


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def unfilter(data, width, height, bpp):
    stride = width * bpp
    rows, prev, o = [], bytearray(stride), 0
    for _ in range(height):
        kind = data[o]
        row = bytearray(data[o + 1:o + 1 + stride])
        o += 1 + stride
        for i in range(stride):
            left = row[i - bpp] if i >= bpp else 0
            up = prev[i]
            ul = prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                row[i] = (row[i] + left) & 255
            elif kind == 2:
                row[i] = (row[i] + up) & 255
            elif kind == 3:
                row[i] = (row[i] + (left + up) // 2) & 255
            elif kind == 4:
                row[i] = (row[i] + paeth(left, up, ul)) & 255
        rows.append(row)
        prev = row
    return rows


def read_png(path):
    with open(path, "rb") as f:
        blob = f.read()
    if blob[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    o, idat, head = 8, b"", None
    while o < len(blob):
        n, kind = struct.unpack(">I4s", blob[o:o + 8])
        body = blob[o + 8:o + 8 + n]
        if kind == b"IHDR":
            head = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        o += 12 + n
    width, height, depth, colour, _, _, interlace = head
    if depth != 8 or colour not in (2, 6) or interlace:
        raise ValueError("unsupported PNG: depth %d colour %d" % (depth,
                                                                  colour))
    bpp = 3 if colour == 2 else 4
    return width, height, bpp, unfilter(zlib.decompress(idat), width,
                                        height, bpp)


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        width, height, bpp, rows = read_png(sys.argv[1])
    except (OSError, ValueError, TypeError, struct.error, zlib.error) as e:
        print("pngcount: %s: %s" % (sys.argv[1], e), file=sys.stderr)
        return 2
    want = [(c, tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)))
            for c in sys.argv[2:]]
    counts = {c: 0 for c, _ in want}
    seen = set()
    for row in rows:
        for x in range(0, len(row), bpp):
            px = (row[x], row[x + 1], row[x + 2])
            seen.add(px)
            for name, rgb in want:
                if all(abs(px[i] - rgb[i]) <= 8 for i in range(3)):
                    counts[name] += 1
    print(json.dumps(dict(width=width, height=height, distinct=len(seen),
                          **counts)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

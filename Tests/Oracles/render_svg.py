#!/usr/bin/env python3
"""Renders SVG files (or the inline <svg> figures of an XHTML page) to PNG with librsvg's
rsvg-convert on a white background, decodes each PNG here (zlib + PNG row filters), and prints
JSON: per figure its pixel size and the fraction of pixels that are not white ("inked").
A figure that fails to render, or renders blank, shows up as an error or inked == 0."""
import json
import re
import struct
import subprocess
import sys
import zlib


def decode_png(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, chunks, header = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            chunks.append(body)
        pos += 12 + length
    width, height, depth, color, _, _, interlace = header
    assert depth == 8 and interlace == 0 and color in (2, 6), f"unexpected PNG format {header}"
    channels = 4 if color == 6 else 3
    raw = zlib.decompress(b"".join(chunks))
    stride = width * channels
    previous = bytearray(stride)
    inked = 0
    for row in range(height):
        start = row * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                predictor = left if pa <= pb and pa <= pc else (up if pb <= pc else corner)
                line[i] = (line[i] + predictor) & 255
        for x in range(width):
            r, g, b = line[x * channels:x * channels + 3]
            if r < 245 or g < 245 or b < 245:
                inked += 1
        previous = line
    return width, height, inked / float(width * height)


def figures(path):
    text = open(path, encoding="utf-8").read()
    if path.endswith(".svg"):
        return [(path, text)]
    return [(f"{path}#svg{i}", match) for i, match in enumerate(re.findall(r"<svg\b.*?</svg>", text, re.S))]


def main():
    results = []
    for path in sys.argv[1:]:
        for name, svg in figures(path):
            png = subprocess.run(["rsvg-convert", "-f", "png", "-b", "white"], input=svg.encode("utf-8"),
                                 capture_output=True, check=True).stdout
            width, height, inked = decode_png(png)
            results.append({"figure": name, "width": width, "height": height, "inked": inked})
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()

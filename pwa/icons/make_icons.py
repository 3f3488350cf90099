"""Draws the app icons (ultrasound waves on the accent colour) as PNGs, standard library only."""

from __future__ import annotations

import math
import struct
import zlib
from pathlib import Path

ACCENT = (11, 92, 173)
WHITE = (255, 255, 255)


def _png(size: int, pixel) -> bytes:
    rows = b"".join(
        b"\x00" + b"".join(bytes(pixel(x, y, size)) for x in range(size)) for y in range(size)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    body = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + body


def _waves(x: float, y: float, scale: float) -> bool:
    """Three arcs spreading down from a probe at the top centre, like a scan (0..1 coordinates)."""
    y = 1 - y
    cx, cy = 0.5, 0.5 + 0.32 * scale
    dx, dy = x - cx, cy - y
    r = math.hypot(dx, dy) / scale
    if dy <= 0 or abs(math.degrees(math.atan2(dx, dy))) > 42:
        return r < 0.07 and dy > -0.04 * scale
    return any(abs(r - band) < 0.045 for band in (0.22, 0.38, 0.54)) or r < 0.07


def _pixel(maskable: bool):
    def pixel(px: int, py: int, size: int):
        x, y = (px + 0.5) / size, (py + 0.5) / size
        if not maskable:
            corner = 0.18
            qx, qy = max(abs(x - 0.5) - (0.5 - corner), 0), max(abs(y - 0.5) - (0.5 - corner), 0)
            if math.hypot(qx, qy) > corner:
                return (0, 0, 0, 0)
        colour = WHITE if _waves(x, y, 0.7 if maskable else 0.9) else ACCENT
        return (*colour, 255)

    return pixel


def main() -> None:
    """Write icon-192.png, icon-512.png and icon-maskable-512.png beside this script."""
    here = Path(__file__).parent
    (here / "icon-192.png").write_bytes(_png(192, _pixel(False)))
    (here / "icon-512.png").write_bytes(_png(512, _pixel(False)))
    (here / "icon-maskable-512.png").write_bytes(_png(512, _pixel(True)))


if __name__ == "__main__":
    main()

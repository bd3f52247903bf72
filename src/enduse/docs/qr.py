"""QR codes for signed payloads: draw one robust symbol, read it back from a scan or a photo.

A customs officer scans a printed page or a phone photo, so we draw a single QR code at
error correction level Q (survives creases and glare) and read untrusted images defensively:
size and pixel caps read from the header before any pixel is decoded (a small file may
declare a huge image: a decompression bomb), large pictures scaled down before zxing-cpp sees
them, at most `MAX_DECODES` decodes at a time per process, exactly one code or an error.
"""

from __future__ import annotations

import io
import re
import threading
from pathlib import Path
from typing import Literal

import segno
import zxingcpp
from PIL import Image, UnidentifiedImageError

from enduse.docs.doctypes import MAX_PAYLOAD_CHARS
from enduse.files import TooLarge, read_capped, write_durably

__all__ = [
    "MAX_DECODES",
    "MAX_FILE_BYTES",
    "MAX_PAYLOAD_CHARS",
    "MAX_PIXELS",
    "QrError",
    "qr_png",
    "qr_svg",
    "qr_symbol",
    "read_qr",
    "write_qr",
]

MAX_FILE_BYTES = 25 * 1024 * 1024
# Declared pixels above which an image is refused unread: a 16 MP phone photo passes; decoded,
# converted to grey and binarised it costs a few hundred MB at worst, never gigabytes.
MAX_PIXELS = 16_000_000
# Pictures above this many pixels are scaled down (JPEG already while decoding) before zxing-cpp
# sees them: it needs several bytes per pixel, and a QR code in such a picture has modules of
# many pixels. An A4 page scanned at 300 dpi (8.7 MP) is decoded at full size.
_DECODE_PIXELS = 9_000_000
# Longest side above which a downscaled copy is tried too: big photos have huge, noisy modules.
_DOWNSCALE_ABOVE = 2_000
_DOWNSCALE_TO = 1_600
# Decodes at a time in one process (a web worker's threads share it): each holds an image.
MAX_DECODES = 2
_decoding = threading.BoundedSemaphore(MAX_DECODES)

# Decoders we let Pillow use. Deliberately short: formats such as EPS shell out to Ghostscript.
_IMAGE_FORMATS = ("PNG", "JPEG", "WEBP", "GIF", "BMP", "TIFF", "PPM")  # JPEG covers MPO

_ALPHANUMERIC = re.compile(r"[0-9A-Z $%*+\-./:]+")

# Full-size QR (model 2) only: zxing-cpp >= 3 folds Micro QR and rMQR into `QRCode`.
_QR_FORMAT = getattr(zxingcpp.BarcodeFormat, "QRCodeModel2", zxingcpp.BarcodeFormat.QRCode)
_TEXT_TYPES = frozenset(
    getattr(zxingcpp.ContentType, name)
    for name in ("Text", "GS1", "ISO15434")
    if hasattr(zxingcpp.ContentType, name)
)
# Binarizers tried in order: LocalAverage copes with uneven light (photos, shadows, glare);
# GlobalHistogram rescues low-contrast, evenly lit images where local thresholds fragment.
_BINARIZERS = (zxingcpp.Binarizer.LocalAverage, zxingcpp.Binarizer.GlobalHistogram)

Reason = Literal["too_large", "not_an_image", "no_code", "several_codes", "not_text", "busy"]


class QrError(ValueError):
    """A payload that cannot be drawn, or an image that does not hold exactly one QR text."""

    def __init__(self, reason: Reason, message: str) -> None:
        self.reason: Reason = reason
        super().__init__(message)


def qr_symbol(payload: str) -> segno.QRCode:
    """The one QR code (level Q, alphanumeric mode when possible) that `qr_png`/`qr_svg` draw."""
    if not isinstance(payload, str):
        raise TypeError(f"payload must be str, not {type(payload).__name__}")
    if not payload:
        raise ValueError("payload is empty")
    if len(payload) > MAX_PAYLOAD_CHARS:
        raise QrError(
            "too_large",
            f"payload has {len(payload):,} characters; the limit is {MAX_PAYLOAD_CHARS:,}",
        )
    mode = "alphanumeric" if _ALPHANUMERIC.fullmatch(payload) else None
    try:
        return segno.make_qr(payload, error="q", boost_error=False, mode=mode)
    except segno.DataOverflowError:
        raise QrError(
            "too_large",
            f"payload has {len(payload):,} characters, more than one QR code holds at error "
            "level Q (at most 2,420 alphanumeric characters, version 40)",
        ) from None


def qr_png(payload: str, *, scale: int = 4, border: int = 4) -> bytes:
    """PNG of the payload's QR code: `scale` pixels per module, `border` quiet-zone modules."""
    _check_geometry(scale, border)
    out = io.BytesIO()
    qr_symbol(payload).save(out, kind="png", scale=scale, border=border)
    return out.getvalue()


def qr_svg(payload: str, *, scale: int = 4, border: int = 4) -> str:
    """SVG document of the payload's QR code, `scale` user units per module."""
    _check_geometry(scale, border)
    out = io.BytesIO()
    qr_symbol(payload).save(out, kind="svg", scale=scale, border=border)
    return out.getvalue().decode("utf-8")


def write_qr(payload: str, path: Path) -> None:
    """Write the QR code to `path` as PNG or SVG (chosen by suffix), replacing it atomically."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".png":
        data = qr_png(payload)
    elif suffix == ".svg":
        data = qr_svg(payload).encode("utf-8")
    else:
        raise ValueError(
            f"{path}: cannot tell the image format from suffix {path.suffix!r}; use .png or .svg"
        )
    if not path.parent.is_dir():
        raise FileNotFoundError(2, "no such directory", str(path.parent))
    write_durably(path, data)


def read_qr(source: Path | bytes, *, wait: float | None = None) -> str:
    """The text of the one QR code in an image file (PNG, JPEG, ...) or in image bytes.

    At most `MAX_DECODES` images are decoded at a time in this process; `wait` is how many
    seconds to wait for a turn (None: as long as it takes) before QrError("busy")."""
    if isinstance(source, bytes | bytearray | memoryview):
        name, data = "image bytes", bytes(source)
        if len(data) > MAX_FILE_BYTES:
            raise QrError("too_large", f"{name}: {len(data):,} bytes, over {MAX_FILE_BYTES:,}")
    else:
        name = str(source)
        try:
            data = read_capped(Path(source), MAX_FILE_BYTES)
        except TooLarge as e:
            raise QrError("too_large", str(e)) from None
    turn = _decoding.acquire() if wait is None else _decoding.acquire(timeout=max(wait, 0.0))
    if not turn:
        raise QrError("busy", f"{name}: {MAX_DECODES} pictures are being read; try again")
    try:
        return _read(name, data)
    finally:
        _decoding.release()


def _read(name: str, data: bytes) -> str:
    grey = _open_grey(name, data)
    texts = _decode(grey)
    if not texts and max(grey.size) > _DOWNSCALE_ABOVE:
        factor = _DOWNSCALE_TO / max(grey.size)
        small_size = (max(1, round(grey.width * factor)), max(1, round(grey.height * factor)))
        texts = _decode(grey.resize(small_size, Image.Resampling.BOX))
    if not texts:
        raise QrError("no_code", f"{name}: no QR code found in the image")
    distinct = {text: ok for text, ok in texts}
    if len(distinct) > 1:
        raise QrError(
            "several_codes",
            f"{name}: {len(distinct)} different QR codes in the image; expected exactly one",
        )
    ((text, is_text),) = distinct.items()
    if not is_text:
        raise QrError("not_text", f"{name}: the QR code holds binary data, not text")
    return text


def _check_geometry(scale: int, border: int) -> None:
    if isinstance(scale, bool) or not isinstance(scale, int) or scale < 1:
        raise ValueError(f"scale must be an int >= 1, not {scale!r}")
    if isinstance(border, bool) or not isinstance(border, int) or border < 0:
        raise ValueError(f"border must be an int >= 0, not {border!r}")


def _open_grey(name: str, data: bytes) -> Image.Image:
    """Decode to 8-bit greyscale, refusing oversized images before their pixels are decoded."""
    try:
        image = Image.open(io.BytesIO(data), formats=_IMAGE_FORMATS)  # lazy: header only
    except Image.DecompressionBombError as e:
        raise QrError("too_large", f"{name}: {e}") from None
    except UnidentifiedImageError:
        known = ", ".join(_IMAGE_FORMATS)
        raise QrError("not_an_image", f"{name}: not an image in a known format ({known})") from None
    except (OSError, ValueError, SyntaxError, EOFError) as e:
        raise QrError("not_an_image", f"{name}: not a readable image ({e})") from None
    with image:
        width, height = image.size  # from the header: no pixel is decoded yet
        if width * height > MAX_PIXELS:
            raise QrError(
                "too_large",
                f"{name}: {width:,} x {height:,} pixels, over {MAX_PIXELS:,} "
                f"({MAX_PIXELS // 1_000_000} megapixels)",
            )
        if width < 1 or height < 1:
            raise QrError("not_an_image", f"{name}: empty image ({width} x {height})")
        target = _decode_size(image.size)
        try:
            if image.format in ("JPEG", "MPO"):
                # luma only (a third of the memory), and scaled by 1/2, 1/4 or 1/8 while
                # decoding when that still leaves at least `target`
                image.draft("L", target)
            grey = _to_grey(image)
            if grey.size != target:
                grey = grey.resize(target, Image.Resampling.BOX)
            return grey
        except Image.DecompressionBombError as e:
            raise QrError("too_large", f"{name}: {e}") from None
        except (OSError, ValueError, SyntaxError, EOFError, MemoryError) as e:
            raise QrError("not_an_image", f"{name}: cannot decode the image ({e})") from None


def _decode_size(size: tuple[int, int]) -> tuple[int, int]:
    """The size an image is decoded at: its own, or scaled to `_DECODE_PIXELS`."""
    width, height = size
    if width * height <= _DECODE_PIXELS:
        return size
    factor = (_DECODE_PIXELS / (width * height)) ** 0.5
    return max(1, int(width * factor)), max(1, int(height * factor))


def _to_grey(image: Image.Image) -> Image.Image:
    has_alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        image.mode == "P" and "transparency" in image.info
    )
    if has_alpha:
        # Transparent pixels often hold black; put the code on white paper as a viewer would.
        rgba = image.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(paper, rgba).convert("L")
    if image.mode in ("I", "I;16", "I;16B", "I;16L", "I;16N", "F"):
        # Wide greyscale: stretch to 0..255 instead of letting Pillow clip at 255.
        wide = image.convert("F")
        low, high = wide.getextrema()
        span = (high - low) or 1.0
        return wide.point(lambda v: (v - low) * 255.0 / span).convert("L")
    return image.convert("L")


def _decode(grey: Image.Image) -> list[tuple[str, bool]]:
    """(text, is_text) of each QR code zxing finds, from the first binarizer that finds any."""
    for binarizer in _BINARIZERS:
        found = zxingcpp.read_barcodes(
            grey,
            formats=_QR_FORMAT,
            try_rotate=True,
            try_downscale=True,
            try_invert=True,
            binarizer=binarizer,
            text_mode=zxingcpp.TextMode.Plain,
        )
        if found:
            return [(code.text, code.content_type in _TEXT_TYPES) for code in found]
    return []

"""QR drawing and reading: round trips, photo-like scans, EU DCC vectors, hostile images."""

from __future__ import annotations

import base64
import io
import json
import random
import re
import struct
import time
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import segno
import zxingcpp
from PIL import Image, ImageFile, ImageFilter

from concurrency import Peak
from enduse import files
from enduse.docs import qr
from enduse.docs.qr import QrError, qr_png, qr_svg, qr_symbol, read_qr, write_qr

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
DCC_DIR = ROOT / "tests" / "vectors" / "dcc"

_B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"


def b45encode(data: bytes) -> str:
    out: list[str] = []
    for i in range(0, len(data) - 1, 2):
        n = data[i] * 256 + data[i + 1]
        out += [_B45[n % 45], _B45[n // 45 % 45], _B45[n // 2025]]
    if len(data) % 2:
        out += [_B45[data[-1] % 45], _B45[data[-1] // 45]]
    return "".join(out)


def make_payload(n_bytes: int = 397, seed: int = 45, prefix: str = "EUC1:") -> str:
    return prefix + b45encode(random.Random(seed).randbytes(n_bytes))


PAYLOAD = make_payload()  # 601 characters, like a compressed, signed EUC


def png_of(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def jpeg_of(image: Image.Image, quality: int = 60) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


def grey(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data)).convert("L")


# --- drawing -------------------------------------------------------------------------------


def test_payload_is_realistic() -> None:
    assert 590 <= len(PAYLOAD) <= 610
    assert set(PAYLOAD) <= set(_B45)


def test_symbol_is_one_level_q_alphanumeric_qr_code() -> None:
    symbol = qr_symbol(PAYLOAD)
    assert isinstance(symbol, segno.QRCode)  # not a structured-append QRCodeSequence
    assert not symbol.is_micro
    assert symbol.error == "Q"
    assert symbol.mode == "alphanumeric"


@pytest.mark.parametrize("payload", ["HC1:ABC", "EUC1:ABC", make_payload(20), "euc1:a"])
def test_short_payloads_are_not_boosted_past_q(payload: str) -> None:
    # segno would raise short payloads to level H; the level must stay Q.
    assert segno.make_qr(payload, error="q").error == "H"
    symbol = qr_symbol(payload)
    assert (symbol.error, symbol.is_micro) == ("Q", False)
    (code,) = zxingcpp.read_barcodes(grey(qr_png(payload)))
    assert (code.text, code.ec_level) == (payload, "Q")


def test_png_round_trip_at_level_q() -> None:
    png = qr_png(PAYLOAD)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert read_qr(png) == PAYLOAD
    # An independent decoder agrees on level and version (byte mode would need a bigger one).
    (code,) = zxingcpp.read_barcodes(grey(png))
    assert code.text == PAYLOAD
    assert code.ec_level == "Q"
    assert int(code.extra["Version"]) == qr_symbol(PAYLOAD).version
    symbol = qr_symbol(PAYLOAD)
    assert grey(png).size == symbol.symbol_size(scale=4, border=4)


@pytest.mark.parametrize(("scale", "border"), [(1, 4), (3, 0), (7, 2)])
def test_png_geometry(scale: int, border: int) -> None:
    modules = 17 + 4 * qr_symbol(PAYLOAD).version + 2 * border
    assert grey(qr_png(PAYLOAD, scale=scale, border=border)).size == (
        modules * scale,
        modules * scale,
    )


@pytest.mark.parametrize(("scale", "border"), [(0, 4), (4, -1), (2.5, 4), (True, 4)])
def test_bad_geometry_is_refused(scale: Any, border: Any) -> None:
    with pytest.raises(ValueError):
        qr_png(PAYLOAD, scale=scale, border=border)
    with pytest.raises(ValueError):
        qr_svg(PAYLOAD, scale=scale, border=border)


_SVG_NS = "{http://www.w3.org/2000/svg}"


def svg_modules(svg: str) -> tuple[int, int, float, set[tuple[int, int]]]:
    """(width, height, scale, dark (row, col) cells incl. border) from segno's one-path SVG."""
    root = ET.fromstring(svg)
    assert root.tag == f"{_SVG_NS}svg"
    (path,) = root.iter(f"{_SVG_NS}path")
    transform = path.get("transform")
    scale = 1.0
    if transform:
        m = re.fullmatch(r"scale\(([\d.]+)\)", transform)
        assert m, transform
        scale = float(m.group(1))
    d = path.get("d")
    assert d
    x = y = 0.0
    dark: set[tuple[int, int]] = set()
    commands = re.findall(r"([A-Za-z])\s*(-?[\d.]+)(?:[\s,]+(-?[\d.]+))?", d)
    assert "".join(c + a + (" " + b if b else "") for c, a, b in commands) == d.replace(",", " ")
    for cmd, a, b in commands:
        if cmd == "M":
            x, y = float(a), float(b)
        elif cmd == "m":
            x, y = x + float(a), y + float(b)
        elif cmd == "h":
            row = int(y - 0.5)
            dark |= {(row, int(x) + i) for i in range(int(a))}
            x += float(a)
        else:
            raise AssertionError(f"unexpected path command {cmd!r}")
    return int(root.get("width", "0")), int(root.get("height", "0")), scale, dark


def test_svg_is_well_formed_and_draws_the_symbol() -> None:
    scale, border = 4, 4
    svg = qr_svg(PAYLOAD, scale=scale, border=border)
    symbol = qr_symbol(PAYLOAD)
    width, height, svg_scale, dark = svg_modules(svg)
    modules = 17 + 4 * symbol.version + 2 * border
    assert (width, height) == symbol.symbol_size(scale=scale, border=border)
    assert (width, height) == (modules * scale, modules * scale)
    assert svg_scale == scale
    expected = {
        (r + border, c + border)
        for r, row in enumerate(symbol.matrix)
        for c, bit in enumerate(row)
        if bit
    }
    assert dark == expected
    # Rasterise the path ourselves and read it back.
    raster = np.full((modules, modules), 255, dtype=np.uint8)
    for r, c in dark:
        raster[r, c] = 0
    image = Image.fromarray(raster).resize((modules * 3, modules * 3), Image.Resampling.NEAREST)
    assert read_qr(png_of(image)) == PAYLOAD


def test_non_alphanumeric_payload_uses_byte_mode_and_round_trips() -> None:
    payload = "euc1:lower-case payload with ümlauts"
    symbol = qr_symbol(payload)
    assert symbol.mode == "byte"
    assert symbol.error == "Q"
    assert read_qr(qr_png(payload)) == payload


@pytest.mark.parametrize("prefix", ["EUC1:", "LIC1:", "DVC1:", "RXC1:", "HC1:"])
def test_prefixes_stay_alphanumeric(prefix: str) -> None:
    payload = make_payload(60, seed=1, prefix=prefix)
    assert qr_symbol(payload).mode == "alphanumeric"
    assert read_qr(qr_png(payload, scale=2)) == payload


def test_largest_level_q_payload_fits_one_symbol() -> None:
    symbol = qr_symbol("A" * 2420)
    assert (symbol.version, symbol.error, symbol.mode) == (40, "Q", "alphanumeric")


@pytest.mark.parametrize("length", [2421, 8000, 8001, 100_000])
def test_too_large_payload_is_refused(length: int) -> None:
    with pytest.raises(ValueError) as info:
        qr_png("A" * length)
    assert isinstance(info.value, QrError)
    assert info.value.reason == "too_large"
    assert f"{length:,}" in str(info.value)


def test_empty_or_non_str_payload_is_refused() -> None:
    with pytest.raises(ValueError):
        qr_png("")
    with pytest.raises(TypeError):
        qr_png(PAYLOAD.encode())  # type: ignore[arg-type]


# --- writing -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["code.png", "code.svg", "CODE.PNG"])
def test_write_qr(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"old content")
    write_qr(PAYLOAD, path)
    data = path.read_bytes()
    if name.lower().endswith(".png"):
        assert data == qr_png(PAYLOAD)
        assert read_qr(path) == PAYLOAD
    else:
        assert data.decode("utf-8") == qr_svg(PAYLOAD)
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # no temp files left


@pytest.mark.parametrize("name", ["code.jpg", "code", "code.png.txt"])
def test_write_qr_refuses_unknown_suffix(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    with pytest.raises(ValueError) as info:
        write_qr(PAYLOAD, path)
    assert repr(path.suffix) in str(info.value)
    assert list(tmp_path.iterdir()) == []


def test_write_qr_failure_leaves_old_file(tmp_path: Path) -> None:
    path = tmp_path / "code.png"
    path.write_bytes(b"old content")
    with pytest.raises(QrError):
        write_qr("A" * 9000, path)
    assert path.read_bytes() == b"old content"
    assert [p.name for p in tmp_path.iterdir()] == ["code.png"]


def test_write_qr_interrupted_leaves_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "code.svg"
    path.write_bytes(b"old content")

    def broken_replace(src: Any, dst: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(files.os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_qr(PAYLOAD, path)
    assert path.read_bytes() == b"old content"
    assert [p.name for p in tmp_path.iterdir()] == ["code.svg"]


# --- photo-like scans ------------------------------------------------------------------------


def photo_like(png: bytes, seed: int = 7) -> Image.Image:
    """The QR page as a phone sees it: resampled, on a textured desk, tilted, noisy, soft."""
    rng = np.random.default_rng(seed)
    code = grey(png)
    factor = 2.7
    code = code.resize(
        (round(code.width * factor), round(code.height * factor)), Image.Resampling.BILINEAR
    )
    paper = 45 + np.asarray(code, dtype=np.float32) * (212 - 45) / 255  # grey ink, off-white
    width, height = code.width + 520, code.height + 380
    blotches = rng.normal(160, 25, (height // 40, width // 40)).clip(0, 255).astype(np.uint8)
    desk = np.asarray(
        Image.fromarray(blotches).resize((width, height), Image.Resampling.BICUBIC),
        dtype=np.float32,
    )
    desk += rng.normal(0, 6, desk.shape)  # grain
    top, left = 150, 290
    desk[top : top + code.height, left : left + code.width] = paper
    tilted = Image.fromarray(desk.clip(0, 255).astype(np.uint8)).rotate(
        7.0, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=95
    )
    a = np.asarray(tilted, dtype=np.float32)
    yy, xx = np.mgrid[0 : a.shape[0], 0 : a.shape[1]]
    a = a * (0.7 + 0.4 * xx / a.shape[1]) * (1.05 - 0.15 * yy / a.shape[0])  # uneven light
    a += rng.normal(0, 8, a.shape)  # sensor noise
    return Image.fromarray(a.clip(0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(1.1))


@pytest.fixture(scope="module")
def photo() -> bytes:
    data = jpeg_of(photo_like(qr_png(PAYLOAD)), quality=60)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "qr-photo.jpg").write_bytes(data)
    return data


def test_photo_is_not_trivial(photo: bytes) -> None:
    image = grey(photo)
    assert max(image.size) > 1500
    pixels = np.asarray(image)
    assert pixels.std() > 20 and len(np.unique(pixels)) > 100  # not a clean black/white image


def test_reads_photo_like_jpeg(photo: bytes, tmp_path: Path) -> None:
    assert read_qr(photo) == PAYLOAD
    path = tmp_path / "scan.jpg"
    path.write_bytes(photo)
    assert read_qr(path) == PAYLOAD


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param(lambda im: im.transpose(Image.Transpose.ROTATE_90), id="rotated-90"),
        pytest.param(lambda im: im.transpose(Image.Transpose.ROTATE_180), id="rotated-180"),
        pytest.param(
            lambda im: im.resize(
                (round(im.width * 0.42), round(im.height * 0.42)), Image.Resampling.BILINEAR
            ),
            id="downscaled",
        ),
        pytest.param(
            lambda im: im.resize(
                (round(im.width * 2.3), round(im.height * 2.3)), Image.Resampling.BILINEAR
            ),
            id="large",
        ),
        pytest.param(lambda im: im.convert("RGB"), id="rgb"),
    ],
)
def test_reads_photo_variants(photo: bytes, variant: Any) -> None:
    image = variant(Image.open(io.BytesIO(photo)))
    assert read_qr(jpeg_of(image, quality=70)) == PAYLOAD


@pytest.mark.parametrize("kind", ["png", "jpeg"])
def test_a_large_picture_is_scaled_down_before_zxing_sees_it(
    monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    sizes: list[tuple[int, int]] = []
    real = zxingcpp.read_barcodes

    def spy(image: Image.Image, **kwargs: Any) -> list[zxingcpp.Barcode]:
        sizes.append(image.size)
        return real(image, **kwargs)

    monkeypatch.setattr(zxingcpp, "read_barcodes", spy)
    # 15 MP, under the cap: the code is a third of the width, as in a phone photo
    canvas = Image.new("L", (4_500, 3_300), 255)
    code = grey(qr_png(PAYLOAD, scale=20, border=4))
    canvas.paste(code, (1_200, 600))
    data = png_of(canvas) if kind == "png" else jpeg_of(canvas, quality=85)
    assert read_qr(data) == PAYLOAD
    assert sizes and all(w * h <= qr._DECODE_PIXELS for w, h in sizes)
    assert all(abs(w / h - 4_500 / 3_300) < 0.01 for w, h in sizes)


def test_at_most_max_decodes_pictures_are_decoded_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import threading

    peak = Peak()
    release = threading.Event()
    real = qr._decode

    def slow(image: Image.Image) -> list[tuple[str, bool]]:
        with peak.inside():
            release.wait(10)
        return real(image)

    monkeypatch.setattr(qr, "_decode", slow)
    png = qr_png(PAYLOAD)
    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(read_qr(png))) for _ in range(5)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 10
    while peak.most < qr.MAX_DECODES and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.1)  # the others would have started by now, were they allowed to
    assert (peak.most, peak.running) == (qr.MAX_DECODES, qr.MAX_DECODES) == (2, 2)
    with pytest.raises(QrError) as info:  # no turn within `wait`: busy, not queued forever
        read_qr(png, wait=0.05)
    assert info.value.reason == "busy"
    release.set()
    for t in threads:
        t.join(10)
    assert results == [PAYLOAD] * 5 and peak.most == 2


def test_large_image_is_also_tried_downscaled(monkeypatch: pytest.MonkeyPatch) -> None:
    sizes: list[tuple[int, int]] = []
    real = zxingcpp.read_barcodes

    def spy(image: Image.Image, **kwargs: Any) -> list[zxingcpp.Barcode]:
        assert image.mode == "L"
        sizes.append(image.size)
        return real(image, **kwargs)

    monkeypatch.setattr(zxingcpp, "read_barcodes", spy)
    with pytest.raises(QrError) as info:
        read_qr(png_of(Image.new("L", (3000, 2400), 230)))
    assert info.value.reason == "no_code"
    assert (3000, 2400) in sizes
    small = [s for s in sizes if s != (3000, 2400)]
    assert small and all(max(s) <= 2000 for s in small)
    assert all(abs(w / h - 3000 / 2400) < 0.01 for w, h in small)


# --- EU DCC conformance vectors --------------------------------------------------------------


def _picture_vectors() -> list[Any]:
    params = []
    for path in sorted(DCC_DIR.glob("**/2DCode/raw/*.json")):
        vector = json.loads(path.read_text(encoding="utf-8"))
        expected = vector.get("EXPECTEDRESULTS", {}).get("EXPECTEDPICTUREDECODE")
        if "2DCODE" not in vector or expected is None:
            continue  # not a picture test
        name = path.relative_to(DCC_DIR).as_posix().replace("/2DCode/raw/", "/")
        marks = []
        if name in KNOWN_BAD:
            marks.append(pytest.mark.xfail(reason=KNOWN_BAD[name], strict=True))
        params.append(pytest.param(path, id=name, marks=marks))
    return params


# Vectors expected to decode that zxing-cpp cannot read, with the reason. Empty: all decode.
KNOWN_BAD: dict[str, str] = {}
PICTURE_VECTORS = _picture_vectors()


def test_dcc_picture_vectors_are_present() -> None:
    assert len(PICTURE_VECTORS) >= 25
    assert len({p.id for p in PICTURE_VECTORS}) == len(PICTURE_VECTORS)
    assert not set(KNOWN_BAD) - {p.id for p in PICTURE_VECTORS}


@pytest.mark.parametrize("path", PICTURE_VECTORS)
def test_dcc_picture_vector(path: Path) -> None:
    vector = json.loads(path.read_text(encoding="utf-8"))
    png = base64.b64decode(vector["2DCODE"])
    if vector["EXPECTEDRESULTS"]["EXPECTEDPICTUREDECODE"]:
        assert read_qr(png) == vector["PREFIX"]
    else:
        with pytest.raises(QrError):
            read_qr(png)


# --- hostile and odd input -------------------------------------------------------------------


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_claiming(width: int, height: int, bit_depth: int = 8, pixels: bool = False) -> bytes:
    """A greyscale PNG header claiming this size; with `pixels`, all-black, compressible data."""
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, 0, 0, 0, 0)
    row = b"\x00" + bytes((width * bit_depth + 7) // 8)
    idat = zlib.compress(row * height if pixels else b"")
    return (
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")
    )


@pytest.fixture
def no_pixel_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: ImageFile.ImageFile) -> None:
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)


@pytest.mark.parametrize(
    ("width", "height", "bit_depth"),
    [(100_000, 100_000, 8), (10_000, 6_000, 1), (8_000, 8_000, 8), (50_001, 1_000, 8)],
)
def test_huge_image_is_refused_before_decoding(
    no_pixel_decoding: None, width: int, height: int, bit_depth: int
) -> None:
    data = png_claiming(width, height, bit_depth, pixels=width * height <= 10**8)
    assert len(data) < 100_000
    start = time.perf_counter()
    with pytest.raises(QrError) as info:
        read_qr(data)
    assert time.perf_counter() - start < 1.0
    assert info.value.reason == "too_large"


def test_pixel_cap_boundary() -> None:
    # 16 megapixels exactly is allowed (and blank); one row more is not.
    assert qr.MAX_PIXELS == 16_000_000
    with pytest.raises(QrError) as info:
        read_qr(png_claiming(4_000, 4_000, 1, pixels=True))
    assert info.value.reason == "no_code"
    with pytest.raises(QrError) as info:
        read_qr(png_claiming(4_000, 4_001, 1, pixels=True))
    assert info.value.reason == "too_large"
    assert "16 megapixels" in str(info.value)


@pytest.mark.parametrize("kind", ["png", "jpeg"])
def test_a_small_file_declaring_a_huge_picture_is_refused_unread(
    no_pixel_decoding: None, kind: str
) -> None:
    """A decompression bomb: a few hundred bytes whose header declares 20 megapixels."""
    if kind == "png":
        data = png_claiming(5_000, 4_000)
    else:
        jpeg = jpeg_of(Image.new("L", (16, 16), 255))
        sof = jpeg.index(b"\xff\xc0")  # baseline frame header: length, precision, height, width
        data = jpeg[: sof + 5] + struct.pack(">HH", 4_000, 5_000) + jpeg[sof + 9 :]
    assert len(data) < 2_000
    with pytest.raises(QrError) as info:
        read_qr(data)
    assert info.value.reason == "too_large"
    assert "5,000 x 4,000" in str(info.value) or "4,000 x 5,000" in str(info.value)


def test_oversized_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.png"
    with path.open("wb") as f:
        f.write(qr_png(PAYLOAD))
        f.truncate(qr.MAX_FILE_BYTES + 1)  # sparse: costs no disk
    with pytest.raises(QrError) as info:
        read_qr(path)
    assert info.value.reason == "too_large"
    assert str(path) in str(info.value)
    with pytest.raises(QrError) as info:
        read_qr(b"\0" * (qr.MAX_FILE_BYTES + 1))
    assert info.value.reason == "too_large"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"hello, I am a text file\n",
        b"%PDF-1.7\n" + bytes(200),
        b"\x89PNG\r\n\x1a\n" + b"\0" * 40,  # PNG signature, broken chunk
        b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n",  # EPS would run Ghostscript
    ],
    ids=["empty", "text", "pdf", "broken-png", "eps"],
)
def test_not_an_image(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "upload.png"
    path.write_bytes(data)
    with pytest.raises(QrError) as info:
        read_qr(path)
    assert info.value.reason == "not_an_image"
    assert str(path) in str(info.value)


def test_truncated_image_is_not_an_image() -> None:
    data = jpeg_of(grey(qr_png(PAYLOAD)))
    with pytest.raises(QrError) as info:
        read_qr(data[: len(data) // 2])
    assert info.value.reason == "not_an_image"


def test_missing_file_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_qr(tmp_path / "nope.png")


@pytest.mark.parametrize("shade", [0, 128, 255])
def test_blank_image_has_no_code(tmp_path: Path, shade: int) -> None:
    path = tmp_path / "blank.png"
    path.write_bytes(png_of(Image.new("L", (600, 400), shade)))
    with pytest.raises(QrError) as info:
        read_qr(path)
    assert info.value.reason == "no_code"
    assert str(path) in str(info.value)


def side_by_side(*pngs: bytes) -> bytes:
    images = [grey(p) for p in pngs]
    canvas = Image.new("L", (sum(i.width for i in images) + 40, max(i.height for i in images)), 255)
    x = 0
    for image in images:
        canvas.paste(image, (x, 0))
        x += image.width + 40
    return png_of(canvas)


def test_two_different_codes_are_refused() -> None:
    other = make_payload(seed=46)
    with pytest.raises(QrError) as info:
        read_qr(side_by_side(qr_png(PAYLOAD), qr_png(other)))
    assert info.value.reason == "several_codes"


def test_the_same_code_twice_is_one_code() -> None:
    assert read_qr(side_by_side(qr_png(PAYLOAD), qr_png(PAYLOAD))) == PAYLOAD


def test_binary_code_is_not_text() -> None:
    out = io.BytesIO()
    segno.make_qr(bytes(range(256)), error="q").save(out, kind="png", scale=3)
    with pytest.raises(QrError) as info:
        read_qr(out.getvalue())
    assert info.value.reason == "not_text"


def test_micro_qr_is_not_accepted() -> None:
    out = io.BytesIO()
    symbol = segno.make_micro("EUC1:ABC")
    assert symbol.is_micro
    symbol.save(out, kind="png", scale=6)
    assert zxingcpp.read_barcodes(grey(out.getvalue()))  # readable in principle
    with pytest.raises(QrError) as info:
        read_qr(out.getvalue())
    assert info.value.reason == "no_code"


def test_transparent_background_is_read_as_white_paper() -> None:
    matrix = np.array(qr_symbol(PAYLOAD).matrix, dtype=bool)
    matrix = np.pad(matrix, 4).repeat(3, axis=0).repeat(3, axis=1)
    rgba = np.zeros((*matrix.shape, 4), dtype=np.uint8)  # transparent black everywhere
    rgba[matrix, 3] = 255  # opaque black modules
    image = Image.fromarray(rgba, "RGBA")
    assert not zxingcpp.read_barcodes(image.convert("L"))  # naive conversion loses the code
    assert read_qr(png_of(image)) == PAYLOAD


def test_sixteen_bit_greyscale_is_stretched() -> None:
    light = np.asarray(grey(qr_png(PAYLOAD, scale=3))) > 127
    wide = np.where(light, 60_000, 20_000).astype(np.uint16)
    image = Image.fromarray(wide)
    assert image.mode == "I;16"
    assert not zxingcpp.read_barcodes(image.convert("L"))  # naive conversion clips to white
    assert read_qr(png_of(image)) == PAYLOAD


def test_inverted_code_is_read() -> None:
    image = Image.eval(grey(qr_png(PAYLOAD)), lambda v: 255 - v)
    assert read_qr(png_of(image)) == PAYLOAD


def test_error_reason_and_message() -> None:
    error = QrError("no_code", "scan.png: no QR code found in the image")
    assert isinstance(error, ValueError)
    assert error.reason == "no_code"
    assert str(error) == "scan.png: no QR code found in the image"

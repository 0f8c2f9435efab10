"""A synthetic camera: moving test pattern with the capture time and frame number painted in.

The capture time (wall clock, ms, low 32 bits) and the frame counter are painted as two rows of
32 black/white blocks that survive VP8/H.264 compression, so a subscriber that decodes a frame can
read back when it was captured (glass-to-glass latency) and which frame it is (loss). The same
numbers are drawn as large digits for people watching the demo room.
"""

from __future__ import annotations

import asyncio
import fractions
import time

import numpy as np
from aiortc.mediastreams import VideoStreamTrack
from av import VideoFrame

BITS = 32
_DIGITS = {  # 3x5 bitmap font
    "0": "111101101101111",
    "1": "010110010010111",
    "2": "111001111100111",
    "3": "111001111001111",
    "4": "101101111001001",
    "5": "111100111001111",
    "6": "111100111101111",
    "7": "111001001001001",
    "8": "111101111101111",
    "9": "111101111001111",
    ":": "000010000010000",
    ".": "000000000000010",
}


def paint_code(image: np.ndarray, row: int, value: int) -> None:
    """Paint ``value`` as 32 blocks across band ``row`` (0 or 1) of a luma/RGB image."""
    height, width = image.shape[:2]
    block_w, block_h = width // BITS, max(8, height // 24)
    y0 = row * block_h
    for bit in range(BITS):
        on = (value >> (BITS - 1 - bit)) & 1
        image[y0 : y0 + block_h, bit * block_w : (bit + 1) * block_w] = 255 if on else 0


def read_code(luma: np.ndarray, row: int) -> int:
    """Read back what ``paint_code`` painted, from a decoded frame's luma plane."""
    height, width = luma.shape[:2]
    block_w, block_h = width // BITS, max(8, height // 24)
    y = row * block_h + block_h // 2
    value = 0
    for bit in range(BITS):
        x = bit * block_w + block_w // 2
        value = (value << 1) | (1 if luma[y, x] > 128 else 0)
    return value


def read_stamp(frame: VideoFrame) -> tuple[int, int]:
    """(capture time in ms mod 2**32, frame number) painted into ``frame``."""
    luma = frame.to_ndarray(format="gray")
    return read_code(luma, 0), read_code(luma, 1)


def latency_ms(stamp_ms: int, now: float | None = None) -> int:
    now_ms = int((time.time() if now is None else now) * 1000) & 0xFFFFFFFF
    return (now_ms - stamp_ms) & 0xFFFFFFFF


def draw_text(image: np.ndarray, text: str, x: int, y: int, scale: int) -> None:
    for i, char in enumerate(text):
        glyph = _DIGITS.get(char)
        if glyph is None:
            continue
        for j, on in enumerate(glyph):
            if on == "1":
                gx, gy = x + (i * 4 + j % 3) * scale, y + (j // 3) * scale
                image[gy : gy + scale, gx : gx + scale] = (255, 255, 255)


class TestPatternTrack(VideoStreamTrack):
    """Frames of ``width``x``height`` at ``fps`` with a moving bar and painted stamps."""

    __test__ = False  # not a pytest class, despite the name

    def __init__(self, width: int = 1280, height: int = 720, fps: int = 30) -> None:
        super().__init__()
        self.width, self.height, self.fps = width, height, fps
        self.frames = 0
        self._background = np.zeros((height, width, 3), dtype=np.uint8)
        ramp = np.linspace(40, 200, width, dtype=np.uint8)
        self._background[:, :, 0] = ramp
        self._background[:, :, 2] = ramp[::-1]
        self._started_at: float | None = None

    async def recv(self) -> VideoFrame:  # type: ignore[override]
        if self._started_at is None:
            self._started_at = time.time()
        target = self._started_at + self.frames / self.fps
        delay = target - time.time()
        if delay > 0:
            await asyncio.sleep(delay)
        image = self._background.copy()
        bar_w = self.width // 10
        x = (self.frames * 8) % (self.width - bar_w)
        image[self.height // 3 : 2 * self.height // 3, x : x + bar_w] = (250, 220, 40)
        now = time.time()
        stamp = int(now * 1000) & 0xFFFFFFFF
        paint_code(image, 0, stamp)
        paint_code(image, 1, self.frames)
        scale = max(2, self.height // 90)
        label = time.strftime("%H:%M:%S", time.gmtime(now)) + f".{int(now * 1000) % 1000:03d}"
        draw_text(image, label, scale * 4, self.height - scale * 14, scale)
        draw_text(image, str(self.frames), scale * 4, self.height - scale * 7, scale)
        frame = VideoFrame.from_ndarray(image, format="rgb24")
        frame.pts = int(self.frames * 90000 / self.fps)
        frame.time_base = fractions.Fraction(1, 90000)
        self.frames += 1
        return frame

"""Frame reassembly released on the marker bit, keyframe detection, timestamp unwrapping."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from media_nodes.forwarding.frames import (
    FrameAssembler,
    TimestampUnwrapper,
    is_h264_keyframe,
    is_vp8_keyframe,
    starts_h264_keyframe,
    starts_vp8_keyframe,
)

KEY = b"\x00" + b"k" * 9  # VP8: bit 0 of the first byte clear = keyframe
DELTA = b"\x01" + b"d" * 9


def packets(first_seq: int, frames: list[list[bytes]], ts0: int = 1000, step: int = 3000):
    """RTP-like packets (seq, ts, marker, data) for frames split into parts."""
    seq = first_seq
    out = []
    for i, parts in enumerate(frames):
        for j, part in enumerate(parts):
            out.append((seq & 0xFFFF, (ts0 + i * step) & 0xFFFFFFFF, j == len(parts) - 1, part))
            seq += 1
    return out


def test_frame_is_released_on_its_marker_not_on_the_next_frame() -> None:
    assembler = FrameAssembler("video", is_vp8_keyframe)
    pk = packets(100, [[KEY[:5], KEY[5:]], [DELTA[:4], DELTA[4:]], [DELTA]])
    assert assembler.add(*pk[0]) == []
    assert assembler.add(*pk[1]) == []  # first frame: its start is unknown (we joined mid-stream)
    assert assembler.add(*pk[2]) == []
    released = assembler.add(*pk[3])  # the marker packet of frame 2: released at once
    assert [f.data for f in released] == [DELTA]
    assert [f.data for f in assembler.add(*pk[4])] == [DELTA]


def test_out_of_order_and_retransmitted_packets_complete_the_frame() -> None:
    assembler = FrameAssembler("video", is_vp8_keyframe)
    pk = packets(65530, [[DELTA], [KEY[:3], KEY[3:6], KEY[6:]], [DELTA]])  # wraps through 0
    assembler.add(*pk[0])
    assert assembler.add(*pk[3]) == []  # marker arrives before the middle packets
    assert assembler.add(*pk[1]) == []
    frames = assembler.add(*pk[2])
    assert [f.data for f in frames] == [KEY] and frames[0].keyframe
    assert assembler.add(*pk[2]) == []  # duplicate of a released frame: ignored


def test_a_frame_that_never_completes_is_counted_lost_when_a_later_one_is_released() -> None:
    assembler = FrameAssembler("video", is_vp8_keyframe)
    pk = packets(10, [[DELTA], [DELTA], [KEY[:5], KEY[5:]], [DELTA]])
    assembler.add(*pk[0])
    assert len(assembler.add(*pk[1])) == 1
    assembler.add(*pk[3])  # frame 3 is missing its first packet (pk[2] lost)
    frames = assembler.add(*pk[4])
    assert [f.data for f in frames] == [DELTA] and assembler.lost == 1


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 0xFFFF), st.integers(2, 12), st.randoms(use_true_random=False))
def test_any_reordering_within_a_frame_yields_the_same_frames(first: int, count: int, rnd: random.Random) -> None:
    frames = [[bytes([1, i, j]) for j in range(rnd.randint(1, 4))] for i in range(count)]
    pk = packets(first, frames)
    head, body = pk[: len(frames[0])], pk[len(frames[0]) :]
    # shuffle packets inside each frame only (a frame may arrive in any order)
    shuffled = []
    i = 0
    for parts in frames[1:]:
        chunk = body[i : i + len(parts)]
        rnd.shuffle(chunk)
        shuffled += chunk
        i += len(parts)
    assembler = FrameAssembler("video", is_vp8_keyframe)
    out = []
    for p in head + shuffled:
        out += [f.data for f in assembler.add(*p)]
    assert out == [b"".join(parts) for parts in frames[1:]]
    assert assembler.lost == 0


def test_audio_packets_pass_straight_through() -> None:
    assembler = FrameAssembler("audio", lambda d: True)
    assert [f.data for f in assembler.add(5, 960, False, b"opus")] == [b"opus"]


def test_keyframe_detection() -> None:
    assert is_vp8_keyframe(KEY) and not is_vp8_keyframe(DELTA) and not is_vp8_keyframe(b"")
    idr = b"\x00\x00\x00\x01\x67sps\x00\x00\x00\x01\x68pps\x00\x00\x00\x01\x65slice"
    non_idr = b"\x00\x00\x00\x01\x41slice"
    assert is_h264_keyframe(idr) and not is_h264_keyframe(non_idr) and not is_h264_keyframe(b"\x00\x00")


def test_timestamps_unwrap_across_32_bits() -> None:
    unwrap = TimestampUnwrapper()
    assert unwrap(0xFFFFF000) == 0xFFFFF000
    assert unwrap(0x00000100) == 0x100000100
    assert unwrap(0xFFFFFF00) == 0xFFFFFF00  # a late packet from before the wrap
    assert unwrap(0x00000200) == 0x100000200


def test_a_joining_receiver_starts_on_a_keyframe_that_opens_the_stream() -> None:
    # GIVEN a stream whose very first packet opens a VP8 keyframe (as a forwarder sends it)
    key = b"\x10\x02\x00\x9d\x01\x2a" + b"k" * 20
    assembler = FrameAssembler("video", is_vp8_keyframe, starts_vp8_keyframe)
    pk = packets(500, [[key[:8], key[8:]], [DELTA]])
    # THEN the keyframe is released on its marker, not dropped as a partial first frame
    assert assembler.add(*pk[0]) == []
    frames = assembler.add(*pk[1])
    assert [f.data for f in frames] == [key] and frames[0].keyframe
    # AND a delta that merely starts a stream is still not trusted
    other = FrameAssembler("video", is_vp8_keyframe, starts_vp8_keyframe)
    assert other.add(*packets(9, [[DELTA]])[0]) == []


def test_h264_keyframe_start() -> None:
    assert starts_h264_keyframe(b"\x00\x00\x00\x01\x67sps")
    assert not starts_h264_keyframe(b"\x00\x00\x00\x01\x41slice") and not starts_h264_keyframe(b"\x7c\x85frag")

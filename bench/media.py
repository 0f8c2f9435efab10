"""``crosslive bench media``: what one media node carries, against aiortc's MediaRelay, and latency.

Everything runs on this machine, each part in its own process: the node (``python -m media_nodes``,
as deployed), the viewers (headless WHEP clients in separate processes, receiving and reassembling
every frame but not decoding), and the publisher (this process).

1. **Capacity.** A 720p30 VP8 clip at ~1.5 Mbps (encoded once, keyframe every second, cached) is
   published over WHIP in a loop. For each viewer count, viewers join, then during a measuring
   window each counts its frames and the source timestamps it saw: frames lost = 1 - received /
   expected (expected from the first and last timestamp, 3000 ticks a frame), and the frames
   per second each received. Node CPU comes from its process's CPU time over the window. CPU
   per viewer is the slope of a least-squares line through (viewers, node CPU) over the clean
   points (everyone joined, no viewer lost >= 1 % of frames, >= 90 % of 30 fps delivered), the
   idle point included; the fit's worst residual is printed so its noise shows.
2. **Baseline, same run.** A minimal WHEP server built the textbook aiortc way (decode the
   publisher, ``MediaRelay`` to every viewer: one VP8 encoder each) carries a few viewers of the
   same clip; the ratio of CPU per viewer is printed.
3. **Latency.** A live test-pattern camera (capture time painted into each frame) publishes to an
   origin; one viewer decodes every frame and reads the time back: glass-to-glass p50/p95 direct
   and through origin -> edge. Time to first frame: viewers joining one at a time (p50/p95).
"""

from __future__ import annotations

import asyncio
import contextlib
import fractions
import json
import os
import pickle
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
import psutil
from fastapi import Request, Response

from bench.stats import percentile

CLIP_FRAMES = 60
CLIP_FPS = 30
TICKS_PER_FRAME = 90000 // CLIP_FPS
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "crosslive"


# -- the clip -------------------------------------------------------------------------------------


def encoded_clip(width: int = 1280, height: int = 720, bitrate: int = 1_500_000) -> list[tuple[bytes, bool]]:
    """``CLIP_FRAMES`` VP8 frames (data, keyframe) of a moving pattern with a noisy band, cached."""
    path = CACHE / f"bench-clip-{width}x{height}-{bitrate}-{CLIP_FRAMES}.pickle"
    if path.exists():
        return list(pickle.loads(path.read_bytes()))
    import av
    import numpy as np

    from media_nodes.testpattern import TestPatternTrack

    ctx = av.CodecContext.create("libvpx", "w")
    ctx.width, ctx.height, ctx.pix_fmt = width, height, "yuv420p"
    ctx.bit_rate = bitrate
    ctx.framerate = fractions.Fraction(CLIP_FPS, 1)
    ctx.time_base = fractions.Fraction(1, CLIP_FPS)
    ctx.gop_size = CLIP_FPS
    ctx.options = {"deadline": "realtime", "cpu-used": "8", "lag-in-frames": "0"}
    background = TestPatternTrack(width, height, CLIP_FPS)._background
    rng = np.random.default_rng(7)
    frames: list[tuple[bytes, bool]] = []
    for i in range(CLIP_FRAMES):
        image = background.copy()
        x = (i * 8) % (width - width // 10)
        image[height // 3 : 2 * height // 3, x : x + width // 10] = (250, 220, 40)
        band = image[height - height // 5 :: 4, ::4]
        band[:] = rng.integers(0, 255, band.shape, dtype=np.uint8)
        frame = av.VideoFrame.from_ndarray(image, format="rgb24").reformat(format="yuv420p")
        frame.pts = i
        frames += [(bytes(p), bool(p.is_keyframe)) for p in ctx.encode(frame)]
    frames += [(bytes(p), bool(p.is_keyframe)) for p in ctx.encode(None)]
    CACHE.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(frames))
    return frames


def clip_track(frames: list[tuple[bytes, bool]]) -> Any:
    """A track handing the clip's encoded frames to aiortc's sender at 30 fps, looping."""
    import av
    from aiortc.mediastreams import MediaStreamTrack

    class ClipTrack(MediaStreamTrack):
        kind = "video"

        def __init__(self) -> None:
            super().__init__()
            self.sent = 0
            self._t0: float | None = None

        async def recv(self) -> av.Packet:  # type: ignore[override]
            if self._t0 is None:
                self._t0 = time.monotonic()
            delay = self._t0 + self.sent / CLIP_FPS - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            data, _key = frames[self.sent % len(frames)]
            packet = av.Packet(data)
            packet.pts = self.sent * TICKS_PER_FRAME
            packet.time_base = fractions.Fraction(1, 90000)
            self.sent += 1
            return packet

    return ClipTrack()


# -- viewer processes -----------------------------------------------------------------------------


def viewer_main() -> None:
    """A viewer process: ``count`` headless WHEP viewers; answers ``start``/``stop`` on stdin."""
    spec = json.loads(sys.argv[-1])
    asyncio.run(_viewers(spec["url"], spec["token"], spec["count"], spec.get("decode", False)))


async def _viewers(url: str, token: str, count: int, decode: bool) -> None:
    from media_nodes.client import FrameRecorder, WhepViewer

    windows: dict[int, dict[str, Any]] = {}

    def window_recorder(index: int) -> FrameRecorder:
        recorder = FrameRecorder(decode=decode)
        original = recorder.on_frame

        def on_frame(frame: Any) -> None:
            original(frame)
            w = windows.get(index)
            if w is not None and frame.kind == "video" and recorder.frames["video"] > 0:
                w["frames"] += 1
                w["first"] = frame.rtp_timestamp if w["first"] is None else w["first"]
                w["last"] = frame.rtp_timestamp

        recorder.on_frame = on_frame  # type: ignore[method-assign]
        return recorder

    viewers: list[Any] = []
    limit = asyncio.Semaphore(8)

    async def join(index: int) -> Any:
        async with limit:
            for attempt in range(3):
                try:
                    return await WhepViewer.start(url, token, recorder=window_recorder(index))
                except Exception:
                    if attempt == 2:
                        return None
                    await asyncio.sleep(0.5)
            return None

    viewers = [v for v in await asyncio.gather(*[join(i) for i in range(count)]) if v is not None]
    loop = asyncio.get_running_loop()
    print(json.dumps({"ready": len(viewers)}), flush=True)
    while True:
        line = (await loop.run_in_executor(None, sys.stdin.readline)).strip()
        if line == "start":
            for i in range(len(viewers)):
                windows[i] = {"frames": 0, "first": None, "last": None}
            print(json.dumps({"started": len(viewers)}), flush=True)
        elif line == "stop":
            report = []
            for i, viewer in enumerate(viewers):
                w = windows.pop(i, {"frames": 0, "first": None, "last": None})
                report.append(
                    {
                        "frames": w["frames"],
                        "first": w["first"],
                        "last": w["last"],
                        "total": viewer.recorder.frames["video"],
                    }
                )
            print(json.dumps({"window": report}), flush=True)
        elif line in ("quit", ""):
            break
    await asyncio.gather(*[v.stop() for v in viewers], return_exceptions=True)


@dataclass
class ViewerProcs:
    procs: list[asyncio.subprocess.Process] = field(default_factory=list)

    @classmethod
    async def spawn(cls, url: str, token: str, count: int, processes: int) -> tuple[ViewerProcs, int]:
        group = cls()
        per = [count // processes + (1 if i < count % processes else 0) for i in range(processes)]
        for n in per:
            if n == 0:
                continue
            spec = json.dumps({"url": url, "token": token, "count": n})
            proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-c",
                "from bench.media import viewer_main; viewer_main()",
                spec,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
            )
            group.procs.append(proc)
        ready = 0
        for proc in group.procs:
            ready += (await group._read(proc))["ready"]
        return group, ready

    async def _read(self, proc: asyncio.subprocess.Process) -> dict[str, Any]:
        assert proc.stdout is not None
        while True:
            line = await asyncio.wait_for(proc.stdout.readline(), 180)
            if not line:
                raise RuntimeError("viewer process exited")
            with contextlib.suppress(ValueError):
                return dict(json.loads(line))

    async def command(self, cmd: str) -> list[dict[str, Any]]:
        for proc in self.procs:
            assert proc.stdin is not None
            proc.stdin.write(f"{cmd}\n".encode())
            await proc.stdin.drain()
        return [await self._read(proc) for proc in self.procs]

    async def close(self) -> None:
        for proc in self.procs:
            if proc.stdin is not None:
                with contextlib.suppress(Exception):
                    proc.stdin.write(b"quit\n")
                    await proc.stdin.drain()
        for proc in self.procs:
            try:
                await asyncio.wait_for(proc.wait(), 20)
            except TimeoutError:
                proc.kill()


# -- the MediaRelay baseline ----------------------------------------------------------------------


def relay_main() -> None:
    """A WHIP/WHEP server the textbook aiortc way: decode once, MediaRelay, encode per viewer."""
    import uvicorn
    from aiortc import RTCPeerConnection, RTCSessionDescription
    from aiortc.contrib.media import MediaRelay
    from fastapi import FastAPI

    from media_nodes.peers import codec_capabilities

    port = int(sys.argv[-1])
    app = FastAPI()
    relay = MediaRelay()
    state: dict[str, Any] = {"track": None, "pcs": set()}

    @app.post("/whip/{room}")
    async def whip(room: str, request: Request) -> Response:
        pc = RTCPeerConnection()
        state["pcs"].add(pc)

        @pc.on("track")
        def on_track(track: Any) -> None:
            if track.kind == "video":
                state["track"] = track

        await pc.setRemoteDescription(RTCSessionDescription((await request.body()).decode(), "offer"))
        await pc.setLocalDescription(await pc.createAnswer())
        return Response(pc.localDescription.sdp, 201, media_type="application/sdp", headers={"Location": "/x"})

    @app.post("/whep/{room}")
    async def whep(room: str, request: Request) -> Response:
        pc = RTCPeerConnection()
        state["pcs"].add(pc)
        await pc.setRemoteDescription(RTCSessionDescription((await request.body()).decode(), "offer"))
        sender = pc.addTrack(relay.subscribe(state["track"]))
        transceiver = next(t for t in pc.getTransceivers() if t.sender is sender)
        transceiver.setCodecPreferences(codec_capabilities("video", "VP8"))
        await pc.setLocalDescription(await pc.createAnswer())
        return Response(pc.localDescription.sdp, 201, media_type="application/sdp", headers={"Location": "/x"})

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


# -- measurement ----------------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    times = psutil.Process(pid).cpu_times()
    return float(times.user + times.system)


@dataclass
class CapacityPoint:
    viewers: int
    joined: int
    cpu_cores: float
    loss_pct: float
    worst_loss_pct: float
    mbps_out: float
    fps: float = 0.0  # video frames per second each viewer received, mean over viewers

    @property
    def clean(self) -> bool:
        """Every viewer got its frames (< 1 % lost) at the clip's rate (>= 90 % of 30 fps).

        A lossy point measures what the viewer processes could swallow; a slow one (the
        publisher, the node or the viewers starved of CPU by other jobs) forwards fewer frames
        and would understate the node's CPU per viewer. Neither is used for the figure.
        """
        return self.viewers == 0 or (
            self.joined == self.viewers and self.worst_loss_pct < 1.0 and self.fps >= 0.9 * CLIP_FPS
        )


@dataclass
class CpuFit:
    """Least-squares line through (viewers, node CPU) of the clean points, the idle point included."""

    per_viewer: float  # cores per viewer: the slope
    intercept: float  # cores at zero viewers (the publisher's leg, RTCP, the event loop)
    points: int
    max_residual: float  # cores: the worst point's distance from the line

    @classmethod
    def of(cls, points: list[CapacityPoint]) -> CpuFit:
        xs = [float(p.joined) for p in points]
        ys = [p.cpu_cores for p in points]
        if len(points) < 2 or len(set(xs)) < 2:
            raise ValueError("a slope needs clean points at two or more viewer counts")
        mx, my = statistics.fmean(xs), statistics.fmean(ys)
        slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)
        intercept = my - slope * mx
        residual = max(abs(y - (intercept + slope * x)) for x, y in zip(xs, ys, strict=True))
        return cls(slope, intercept, len(points), residual)


def loss_of(window: list[dict[str, Any]]) -> tuple[float, float, int]:
    """(mean loss %, worst viewer loss %, frames received) over one window report."""
    losses = []
    received = 0
    for w in window:
        if w["first"] is None or w["last"] is None:
            losses.append(100.0)
            continue
        expected = (w["last"] - w["first"]) // TICKS_PER_FRAME + 1
        losses.append(max(0.0, 100.0 * (1 - w["frames"] / expected)))
        received += w["frames"]
    return (statistics.fmean(losses) if losses else 0.0), (max(losses) if losses else 0.0), received


async def measure_point(
    node_pid: int, whep_url: str, token: str, viewers: int, seconds: float, processes: int, frame_bytes: float
) -> CapacityPoint:
    if viewers == 0:
        before = cpu_seconds(node_pid)
        await asyncio.sleep(seconds)
        return CapacityPoint(0, 0, (cpu_seconds(node_pid) - before) / seconds, 0.0, 0.0, 0.0)
    group, ready = await ViewerProcs.spawn(whep_url, token, viewers, processes)
    try:
        await asyncio.sleep(2.0)  # everyone past the first keyframe
        await group.command("start")
        before, t0 = cpu_seconds(node_pid), time.monotonic()
        await asyncio.sleep(seconds)
        reports = await group.command("stop")
        elapsed = time.monotonic() - t0
        cores = (cpu_seconds(node_pid) - before) / elapsed
        window = [w for r in reports for w in r["window"]]
        mean_loss, worst, received = loss_of(window)
        fps = received / max(1, len(window)) / elapsed
        return CapacityPoint(viewers, ready, cores, mean_loss, worst, received * frame_bytes * 8 / elapsed / 1e6, fps)
    finally:
        await group.close()


async def latency_run(whep_url: str, token: str, seconds: float) -> list[int]:
    from media_nodes.client import WhepViewer

    viewer = await WhepViewer.start(whep_url, token, decode=True)
    try:
        await viewer.wait_frames(10, timeout=15)
        viewer.recorder.latencies_ms.clear()
        await asyncio.sleep(seconds)
        return [ms for ms in viewer.recorder.latencies_ms if ms < 10_000]
    finally:
        await viewer.stop()


async def ttff_run(whep_url: str, token: str, joins: int) -> list[float]:
    from media_nodes.client import WhepViewer

    out = []
    for _ in range(joins):
        viewer = await WhepViewer.start(whep_url, token)
        try:
            await viewer.wait_frames(1, timeout=10)
            if viewer.recorder.time_to_first_frame is not None:
                out.append(viewer.recorder.time_to_first_frame)
        finally:
            await viewer.stop()
        await asyncio.sleep(0.3)
    return out


# -- the run --------------------------------------------------------------------------------------


async def run(
    steps: list[int],
    seconds: float,
    relay_viewers: int,
    processes: int,
    latency_seconds: float,
    joins: int,
    latency_size: tuple[int, int],
) -> dict[str, Any]:
    from crosslive.dev.media import MediaNodeService, ensure_demo_room
    from crosslive.dev.platform import EmbeddedPlatform, free_port
    from media_nodes.client import WhipPublisher
    from media_nodes.testpattern import TestPatternTrack
    from plugins.manager import builtin_market_plugins

    os.environ.update(
        {
            "CROSSLIVE_MEDIA_MAX_VIEWERS": "5000",
            "CROSSLIVE_MEDIA_OFFER_RATE": "1000",
            "CROSSLIVE_MEDIA_OFFER_BURST": "1000",
            "CROSSLIVE_MEDIA_MAX_PENDING": "512",
        }
    )
    results: dict[str, Any] = {"machine": {"cpus": os.cpu_count(), "load_before": os.getloadavg()}}
    click.echo(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} (shared machine)")
    click.echo("encoding the 720p clip (cached after the first run) ...")
    clip = await asyncio.to_thread(encoded_clip)
    frame_bytes = statistics.fmean(len(d) for d, _ in clip)
    results["clip_mbps"] = frame_bytes * 8 * CLIP_FPS / 1e6
    click.echo(f"clip: 1280x720 VP8 @ {CLIP_FPS} fps, {results['clip_mbps']:.2f} Mbps, keyframe every second")

    platform = EmbeddedPlatform(port=0, plugins=tuple(sorted(builtin_market_plugins())))
    platform.configure()
    ensure_demo_room()
    merchant = platform.issuer.issue("demo-merchant", "merchant", market="CN")
    viewer_token = platform.issuer.issue("bench-viewer", "viewer", market="DE")
    secret = "bench-secret"
    origin = MediaNodeService("origin", "origin", "bench", secret)
    edge = MediaNodeService("edge", "edge", "bench-edge", secret)
    relay_port = free_port()
    relay_proc = None
    try:
        origin.start(platform)
        assert origin.proc is not None
        room = "demo-live"
        # 1. capacity of the forwarding node
        publisher = await WhipPublisher.start(f"{origin.url}/whip/{room}", merchant, [clip_track(clip)])
        points = []
        try:
            await asyncio.sleep(2)
            for n in [0, *steps]:
                point = await measure_point(
                    origin.proc.pid, f"{origin.url}/whep/{room}", viewer_token, n, seconds, processes, frame_bytes
                )
                points.append(point)
                click.echo(
                    f"  forwarding  viewers={point.viewers:4d} joined={point.joined:4d} "
                    f"node CPU={point.cpu_cores * 100:6.1f}% of a core  frames lost mean="
                    f"{point.loss_pct:.2f}% worst={point.worst_loss_pct:.2f}%  "
                    f"{point.fps:4.1f} fps/viewer  out={point.mbps_out:.0f} Mbps"
                    + ("" if point.clean else "  (not clean: left out of the fit)")
                )
        finally:
            await publisher.stop()
        # CPU per viewer: the slope of node CPU against viewers over the clean points (the idle
        # point included), not one point's (CPU - idle) / N, which carries that point's noise
        # and the idle point's whole error divided by N.
        clean = [p for p in points if p.clean]
        fit = CpuFit.of(clean if len(clean) >= 2 else points)  # flagged below when not clean
        per_viewer = max(1e-6, fit.per_viewer)
        results["forwarding"] = {
            "points": [{**vars(p), "clean": p.clean} for p in points],
            "cpu_per_viewer_pct": per_viewer * 100,
            "viewers_per_core": 1 / per_viewer,
            "fit": vars(fit),
            "fit_viewers": [p.joined for p in clean],
            "clean": len(clean) >= 3,
        }

        # 2. the MediaRelay baseline on the same clip
        relay_proc = await asyncio.create_subprocess_exec(
            sys.executable, "-c", "from bench.media import relay_main; relay_main()", str(relay_port)
        )
        relay_url = f"http://127.0.0.1:{relay_port}"
        for _ in range(300):
            with contextlib.suppress(Exception):
                import httpx

                if httpx.get(f"{relay_url}/health", timeout=1).status_code == 200:
                    break
            await asyncio.sleep(0.1)
        relay_publisher = await WhipPublisher.start(f"{relay_url}/whip/{room}", None, [clip_track(clip)])
        try:
            await asyncio.sleep(2)
            relay_base = await measure_point(relay_proc.pid, f"{relay_url}/whep/{room}", "", 0, seconds, 1, frame_bytes)
            relay_point = await measure_point(
                relay_proc.pid, f"{relay_url}/whep/{room}", "", relay_viewers, seconds, 1, frame_bytes
            )
        finally:
            await relay_publisher.stop()
        relay_per_viewer = max(1e-6, (relay_point.cpu_cores - relay_base.cpu_cores) / max(1, relay_point.joined))
        click.echo(
            f"  MediaRelay  viewers={relay_point.joined:4d} decode-once CPU={relay_base.cpu_cores * 100:.1f}% "
            f"with viewers={relay_point.cpu_cores * 100:.1f}%  frames lost mean={relay_point.loss_pct:.2f}%"
        )
        results["media_relay"] = {
            "base": vars(relay_base),
            "point": vars(relay_point),
            "cpu_per_viewer_pct": relay_per_viewer * 100,
        }
        results["ratio"] = relay_per_viewer / per_viewer

        # 3. latency and time to first frame with a live camera, direct and through an edge
        edge.origin = origin
        edge.start(platform)
        camera = TestPatternTrack(*latency_size, 30)
        live = await WhipPublisher.start(f"{origin.url}/whip/{room}", merchant, [camera])
        try:
            await asyncio.sleep(2)
            direct = await latency_run(f"{origin.url}/whep/{room}", viewer_token, latency_seconds)
            cascaded = await latency_run(f"{edge.url}/whep/{room}", viewer_token, latency_seconds)
            ttff_direct = await ttff_run(f"{origin.url}/whep/{room}", viewer_token, joins)
            ttff_edge = await ttff_run(f"{edge.url}/whep/{room}", viewer_token, joins)
        finally:
            await live.stop()
        results["latency_ms"] = {
            "direct": {"p50": percentile(direct, 50), "p95": percentile(direct, 95), "frames": len(direct)},
            "origin_edge": {"p50": percentile(cascaded, 50), "p95": percentile(cascaded, 95), "frames": len(cascaded)},
        }
        results["ttff_s"] = {
            "direct": {
                "p50": percentile(ttff_direct, 50),
                "p95": percentile(ttff_direct, 95),
                "joins": len(ttff_direct),
            },
            "origin_edge": {
                "p50": percentile(ttff_edge, 50),
                "p95": percentile(ttff_edge, 95),
                "joins": len(ttff_edge),
            },
        }
    finally:
        if relay_proc is not None and relay_proc.returncode is None:
            relay_proc.terminate()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(relay_proc.wait(), 10)
        edge.stop()
        origin.stop()
        platform.stop()
    results["machine"]["load_after"] = os.getloadavg()
    return results


@click.command()
@click.option("--viewers", default="20,50", show_default=True, help="viewer counts to measure (comma-separated)")
@click.option("--seconds", default=8.0, show_default=True, help="measuring window per point")
@click.option("--relay-viewers", default=3, show_default=True, help="viewers of the MediaRelay baseline")
@click.option("--processes", default=2, show_default=True, help="viewer processes")
@click.option("--latency-seconds", default=8.0, show_default=True)
@click.option("--joins", default=10, show_default=True, help="joining viewers timed for time-to-first-frame")
@click.option("--latency-size", default="1280x720", show_default=True, help="live camera size for latency")
@click.option("--json-out", type=click.Path(dir_okay=False), default=None, help="also write the figures here")
def command(
    viewers: str,
    seconds: float,
    relay_viewers: int,
    processes: int,
    latency_seconds: float,
    joins: int,
    latency_size: str,
    json_out: str | None,
) -> None:
    """Forwarding node vs aiortc MediaRelay: viewers per core, loss, glass-to-glass latency, TTFF."""
    steps = [int(v) for v in viewers.split(",") if v.strip()]
    width, height = (int(v) for v in latency_size.lower().split("x"))
    results = asyncio.run(run(steps, seconds, relay_viewers, processes, latency_seconds, joins, (width, height)))
    fwd, relay = results["forwarding"], results["media_relay"]
    lat, ttff = results["latency_ms"], results["ttff_s"]
    click.echo("")
    click.echo(click.style("media node results", bold=True))
    fit = fwd["fit"]
    click.echo(
        f"  forwarding: node CPU per viewer {fwd['cpu_per_viewer_pct']:.3f}% of a core "
        f"-> {fwd['viewers_per_core']:.0f} viewers per core (goal >= 250): slope of a least-squares "
        f"fit over {fit['points']} clean points (viewers {fwd['fit_viewers']}), intercept "
        f"{fit['intercept'] * 100:.1f}%, worst residual {fit['max_residual'] * 100:.1f}% of a core"
        + ("" if fwd["clean"] else " -- WARNING: fewer than 3 clean points; the figure is not valid")
    )
    click.echo(f"  MediaRelay: node CPU per viewer {relay['cpu_per_viewer_pct']:.2f}% of a core")
    click.echo(f"  ratio MediaRelay / forwarding CPU per viewer: {results['ratio']:.0f}x (goal >= 50x)")
    click.echo(
        f"  glass-to-glass direct:        p50 {lat['direct']['p50']:.0f} ms  p95 {lat['direct']['p95']:.0f} ms "
        f"({lat['direct']['frames']} frames)"
    )
    click.echo(
        f"  glass-to-glass origin->edge:  p50 {lat['origin_edge']['p50']:.0f} ms  "
        f"p95 {lat['origin_edge']['p95']:.0f} ms (goal p95 < 100 ms)"
    )
    click.echo(f"  time to first frame direct:   p50 {ttff['direct']['p50']:.2f} s  p95 {ttff['direct']['p95']:.2f} s")
    click.echo(
        f"  time to first frame edge:     p50 {ttff['origin_edge']['p50']:.2f} s  "
        f"p95 {ttff['origin_edge']['p95']:.2f} s (goal p95 < 1 s)"
    )
    click.echo(
        f"  load average before/after: {results['machine']['load_before'][0]:.1f} / "
        f"{results['machine']['load_after'][0]:.1f} on {results['machine']['cpus']} CPUs"
    )
    if json_out:
        Path(json_out).write_text(json.dumps(results, indent=2, default=float))

"""A WHIP publisher built on GStreamer's ``webrtcbin``, as a merchant's own encoder would be.

Run by the system Python (``/usr/bin/python3``, Debian's PyGObject and GStreamer 1.22; see
``scripts/bootstrap.sh --browser``), never imported by the venv: ``tests/media/test_gstreamer_whip.py``
starts it as a subprocess. It publishes a live test pattern (H.264 by x264 or VP8 by libvpx) and
Opus audio, sends webrtcbin's own offer unchanged (``a=setup:actpass``, its RSA DTLS certificate,
every candidate inline: no trickle), applies the answer, and prints one JSON line per event
(``answer``, ``ice``, ``connection``, ``dtls``, ``error``) so the test can follow it. It runs until its
stdin closes or ``--seconds`` pass, then DELETEs its WHIP resource.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstSdp", "1.0")
gi.require_version("GstWebRTC", "1.0")
from gi.repository import GLib, Gst, GstSdp, GstWebRTC  # noqa: E402

VIDEO = {
    "h264": (
        "x264enc tune=zerolatency speed-preset=ultrafast key-int-max=30 bframes=0 "
        "! video/x-h264,profile=constrained-baseline ! rtph264pay config-interval=-1 pt=96 "
        "! application/x-rtp,media=video,encoding-name=H264,payload=96,clock-rate=90000"
    ),
    "vp8": (
        "vp8enc deadline=1 keyframe-max-dist=30 ! rtpvp8pay pt=96 "
        "! application/x-rtp,media=video,encoding-name=VP8,payload=96,clock-rate=90000"
    ),
}


def emit(event: str, **fields: object) -> None:
    print(json.dumps({"event": event, **fields}), flush=True)


class Publisher:
    def __init__(self, url: str, token: str, codec: str) -> None:
        self.url, self.token = url, token
        self.resource: str | None = None
        self.pipeline = Gst.parse_launch(
            "webrtcbin name=send bundle-policy=max-bundle "
            "videotestsrc is-live=true pattern=ball ! video/x-raw,width=320,height=240,framerate=30/1 "
            f"! videoconvert ! queue ! {VIDEO[codec]} ! send. "
            "audiotestsrc is-live=true wave=sine ! audioconvert ! audioresample ! opusenc "
            "! rtpopuspay pt=111 ! application/x-rtp,media=audio,encoding-name=OPUS,payload=111 ! send."
        )
        self.webrtc = self.pipeline.get_by_name("send")
        for index in range(2):  # a publisher sends only (webrtcbin's transceivers default to sendrecv)
            transceiver = self.webrtc.emit("get-transceiver", index)
            transceiver.set_property("direction", GstWebRTC.WebRTCRTPTransceiverDirection.SENDONLY)
        self.webrtc.connect("on-negotiation-needed", self.on_negotiation_needed)
        self.webrtc.connect("notify::ice-gathering-state", self.on_gathering)
        self.webrtc.connect("notify::ice-connection-state", self.on_state("ice", "ice-connection-state"))
        self.webrtc.connect("notify::connection-state", self.on_state("connection", "connection-state"))
        self.offer: GstWebRTC.WebRTCSessionDescription | None = None
        self.posted = False

    def on_state(self, event: str, prop: str):  # type: ignore[no-untyped-def]
        def changed(element, _pspec):  # type: ignore[no-untyped-def]
            emit(event, state=element.get_property(prop).value_nick)

        return changed

    def on_negotiation_needed(self, element) -> None:  # type: ignore[no-untyped-def]
        promise = Gst.Promise.new_with_change_func(self.on_offer, element, None)
        element.emit("create-offer", None, promise)

    def on_offer(self, promise, element, _data) -> None:  # type: ignore[no-untyped-def]
        promise.wait()
        reply = promise.get_reply()
        self.offer = reply.get_value("offer") if reply is not None and reply.has_field("offer") else None
        if self.offer is None:  # asked before the encoders' caps were known: ask again shortly
            emit("retry", message=f"create-offer: {reply.to_string() if reply is not None else None}")
            GLib.timeout_add(200, lambda: self.on_negotiation_needed(element) and False)
            return
        element.emit("set-local-description", self.offer, Gst.Promise.new())

    def on_gathering(self, element, _pspec) -> None:  # type: ignore[no-untyped-def]
        complete = element.get_property("ice-gathering-state") == GstWebRTC.WebRTCICEGatheringState.COMPLETE
        if complete and not self.posted:
            self.posted = True
            GLib.idle_add(self.post_offer)

    def post_offer(self) -> bool:
        # the local description now carries every gathered candidate (non-trickle WHIP)
        sdp = self.webrtc.get_property("local-description").sdp.as_text()
        emit("offer", setup=[line for line in sdp.splitlines() if line.startswith("a=setup:")])
        request = urllib.request.Request(
            self.url,
            data=sdp.encode(),
            method="POST",
            headers={"Content-Type": "application/sdp", "Authorization": f"Bearer {self.token}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                answer, status = response.read().decode(), response.status
                location = response.headers.get("Location")
        except urllib.error.HTTPError as exc:
            emit("answer", status=exc.code, body=exc.read().decode(errors="replace")[:500])
            return False
        except (urllib.error.URLError, OSError) as exc:
            emit("error", message=f"POST {self.url}: {exc}")
            return False
        self.resource = urllib.parse.urljoin(self.url, location) if location else None
        emit("answer", status=status, setup=[line for line in answer.splitlines() if line.startswith("a=setup:")])
        _, message = GstSdp.SDPMessage.new_from_text(answer)
        description = GstWebRTC.WebRTCSessionDescription.new(GstWebRTC.WebRTCSDPType.ANSWER, message)
        self.webrtc.emit("set-remote-description", description, Gst.Promise.new())
        return False

    def delete(self) -> None:
        if self.resource:
            request = urllib.request.Request(
                self.resource, method="DELETE", headers={"Authorization": f"Bearer {self.token}"}
            )
            with contextlib.suppress(urllib.error.URLError, OSError):
                urllib.request.urlopen(request, timeout=5).close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--whip-url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--codec", choices=sorted(VIDEO), default="h264")
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    Gst.init(None)
    loop = GLib.MainLoop()
    publisher = Publisher(args.whip_url, args.token, args.codec)
    bus = publisher.pipeline.get_bus()
    bus.add_signal_watch()

    def on_message(_bus, message) -> None:  # type: ignore[no-untyped-def]
        if message.type == Gst.MessageType.ERROR:
            error, debug = message.parse_error()
            emit("error", message=str(error), debug=str(debug)[:500])
            loop.quit()

    bus.connect("message", on_message)

    def watch_stdin() -> None:  # the parent closes our stdin to stop us
        sys.stdin.read()
        GLib.idle_add(loop.quit)

    threading.Thread(target=watch_stdin, daemon=True).start()
    GLib.timeout_add(int(args.seconds * 1000), loop.quit)
    publisher.pipeline.set_state(Gst.State.PLAYING)
    try:
        loop.run()
    finally:
        publisher.delete()
        publisher.pipeline.set_state(Gst.State.NULL)
        emit("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())

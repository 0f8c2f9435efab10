"""FFmpeg's WHIP muxer (FFmpeg 8): its offer and its ICE-lite-style connectivity check.

The muxer writes its own offer (``libavformat/whip.c``): H.264 and Opus, ``a=setup:passive`` (it is
the DTLS server), no candidates at all (``m=... 9``, ``c=IN IP4 0.0.0.0``). It then takes the first
UDP host candidate of the answer and sends STUN binding requests there carrying USERNAME,
USE-CANDIDATE, MESSAGE-INTEGRITY and FINGERPRINT only: no PRIORITY, no ICE-CONTROLLING. The node
learns FFmpeg's address from that request (a peer-reflexive candidate), must nominate it and, as
the DTLS client, send the first ClientHello. This test plays FFmpeg's part up to that ClientHello
and reads the cipher suites it offers (aioice once dropped such checks: KeyError 'PRIORITY').
"""

from __future__ import annotations

import asyncio
import logging
import re
import socket
from typing import Any

import pytest
from aioice import stun

from media_nodes import node as node_module

from .media_helpers import post_offer, wait_until

pytestmark = pytest.mark.slow
UFRAG, PWD = "ffmpeg01", "0123456789abcdef0123456789abcdef"
FINGERPRINT = ":".join(["5A"] * 32)
CONNECT_TIMEOUT = 3.0

FFMPEG_WHIP_OFFER = "\r\n".join(
    [
        "v=0",
        "o=FFmpeg 4489045141692799359 2 IN IP4 127.0.0.1",
        "s=FFmpegPublishSession",
        "t=0 0",
        "a=group:BUNDLE 0 1",
        "a=extmap-allow-mixed",
        "a=msid-semantic: WMS",
        "m=audio 9 UDP/TLS/RTP/SAVPF 111",
        "c=IN IP4 0.0.0.0",
        f"a=ice-ufrag:{UFRAG}",
        f"a=ice-pwd:{PWD}",
        f"a=fingerprint:sha-256 {FINGERPRINT}",
        "a=setup:passive",
        "a=mid:0",
        "a=sendonly",
        "a=msid:FFmpeg audio",
        "a=rtcp-mux",
        "a=rtpmap:111 opus/48000/2",
        "a=ssrc:1111 cname:FFmpeg",
        "a=ssrc:1111 msid:FFmpeg audio",
        "m=video 9 UDP/TLS/RTP/SAVPF 106",
        "c=IN IP4 0.0.0.0",
        f"a=ice-ufrag:{UFRAG}",
        f"a=ice-pwd:{PWD}",
        f"a=fingerprint:sha-256 {FINGERPRINT}",
        "a=setup:passive",
        "a=mid:1",
        "a=sendonly",
        "a=msid:FFmpeg video",
        "a=rtcp-mux",
        "a=rtcp-rsize",
        "a=rtpmap:106 H264/90000",
        "a=fmtp:106 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f",
        "a=ssrc:2222 cname:FFmpeg",
        "a=ssrc:2222 msid:FFmpeg video",
        "",
    ]
)


def ffmpeg_binding_request(remote_ufrag: str, remote_pwd: str) -> bytes:
    """What ``ice_create_request`` in libavformat/whip.c sends."""
    request = stun.Message(message_method=stun.Method.BINDING, message_class=stun.Class.REQUEST)
    request.attributes["USERNAME"] = f"{remote_ufrag}:{UFRAG}"
    request.attributes["USE-CANDIDATE"] = None
    request.add_message_integrity(remote_pwd.encode())
    request.add_fingerprint()
    return bytes(request)


def ffmpeg_binding_response(transaction_id: bytes) -> bytes:
    """What ``ice_create_response`` sends: integrity and fingerprint, no XOR-MAPPED-ADDRESS."""
    response = stun.Message(
        message_method=stun.Method.BINDING, message_class=stun.Class.RESPONSE, transaction_id=transaction_id
    )
    response.add_message_integrity(PWD.encode())
    response.add_fingerprint()
    return bytes(response)


def client_hello_cipher_suites(record: bytes) -> set[int]:
    """The cipher suites of a DTLS 1.2 ClientHello (RFC 6347 §4.2.2) in one unfragmented record."""
    body = record[13 + 12 :]  # record header, handshake header
    at = 2 + 32  # client_version, random
    at += 1 + body[at]  # session_id
    at += 1 + body[at]  # cookie
    length = int.from_bytes(body[at : at + 2], "big")
    suites = body[at + 2 : at + 2 + length]
    return {int.from_bytes(suites[i : i + 2], "big") for i in range(0, length, 2)}


async def test_ffmpegs_offer_and_connectivity_check_reach_the_dtls_handshake(
    start_node: Any, room: dict[str, Any], token: Any, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(node_module, "CONNECT_TIMEOUT", CONNECT_TIMEOUT)  # the node gives up sooner
    caplog.set_level(logging.WARNING)  # the level a node logs at by default
    node = await start_node(origin_url=None)
    room_id = room["room_id"]
    response = await post_offer(f"{node.url}/whip/{room_id}", FFMPEG_WHIP_OFFER, token("merchant", sub="merchant-1"))
    # THEN the offer is answered: H.264 on FFmpeg's payload type, Opus, the node as DTLS client
    assert response.status_code == 201, response.text
    answer = response.text
    assert "a=setup:active" in answer and "a=setup:passive" not in answer
    assert "a=rtpmap:106 H264/90000" in answer and "a=rtpmap:111 opus/48000/2" in answer
    ufrag = re.search(r"a=ice-ufrag:(\S+)", answer)
    pwd = re.search(r"a=ice-pwd:(\S+)", answer)
    host = re.search(r"a=candidate:\S+ 1 udp \d+ (\d+\.\d+\.\d+\.\d+) (\d+) typ host", answer)  # FFmpeg's pick
    assert ufrag and pwd and host, answer
    # WHEN FFmpeg checks the first UDP host candidate the way it does
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("0.0.0.0", 0))
    sock.setblocking(False)
    loop = asyncio.get_running_loop()
    session = next(iter(node.node.sessions.values()))
    try:
        await loop.sock_sendto(sock, ffmpeg_binding_request(ufrag[1], pwd[1]), (host[1], int(host[2])))
        hello, answered = b"", False
        for _ in range(20):
            data, addr = await asyncio.wait_for(loop.sock_recvfrom(sock, 1500), 5)
            if 20 <= data[0] <= 63:  # RFC 7983: a DTLS record
                hello = data
                break
            message = stun.parse_message(data)
            if message.message_class == stun.Class.RESPONSE:
                answered = True
            elif message.message_class == stun.Class.REQUEST:  # the node's own check: answer it
                await loop.sock_sendto(sock, ffmpeg_binding_response(message.transaction_id), addr)
        # THEN the node answered it, nominated that path and, as the DTLS client, said ClientHello
        assert answered
        assert session.pc.iceConnectionState == "completed"
        assert hello[:1] == b"\x16" and hello[13:14] == b"\x01"  # handshake record, ClientHello
        # AND it offers TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (RFC 8827 §6.5) besides the ECDSA one,
        # so a DTLS server with an RSA certificate (FFmpeg's or webrtcbin's) finds a shared cipher
        assert {0xC02F, 0xC02B} <= client_hello_cipher_suites(hello)
        # AND when the DTLS server never answers (a server that finds no shared cipher may just go
        # quiet), the node says which step stalled at WARNING and drops the session
        assert await wait_until(lambda: session.closed, CONNECT_TIMEOUT + 5)
        stalled = [r for r in caplog.records if "DTLS handshake never completed" in r.getMessage()]
        assert stalled and stalled[0].levelno == logging.WARNING and room_id in stalled[0].getMessage()
    finally:
        sock.close()

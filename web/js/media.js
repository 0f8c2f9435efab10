// WHIP (RFC 9725) publishing from the browser camera (playback is media_nodes' crosslive-player.js).
// Non-trickle: the offer is sent once ICE gathering is complete, so one POST carries everything.
// VP8 is preferred on both legs (the media nodes forward without re-encoding).

function preferCodec(transceiver, mimeType) {
  const caps = RTCRtpReceiver.getCapabilities?.(transceiver.receiver.track.kind) ||
    RTCRtpSender.getCapabilities?.(transceiver.receiver.track.kind);
  if (!caps || !transceiver.setCodecPreferences) return;
  const preferred = caps.codecs.filter((c) => c.mimeType.toLowerCase() === mimeType.toLowerCase());
  const rest = caps.codecs.filter((c) => c.mimeType.toLowerCase() !== mimeType.toLowerCase());
  if (preferred.length) transceiver.setCodecPreferences([...preferred, ...rest]);
}

function gathered(pc, timeoutMs = 3000) {
  if (pc.iceGatheringState === "complete") return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => { if (pc.iceGatheringState === "complete") { clearTimeout(timer); resolve(); } };
    const timer = setTimeout(resolve, timeoutMs);
    pc.addEventListener("icegatheringstatechange", done);
  });
}

async function negotiate(pc, url, token) {
  const offer = await pc.createOffer();
  await pc.setLocalDescription(offer);
  await gathered(pc);
  const headers = { "Content-Type": "application/sdp" };
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(url, { method: "POST", headers, body: pc.localDescription.sdp });
  if (response.status !== 201) {
    let problem = {};
    try { problem = await response.json(); } catch { /* not JSON */ }
    const error = new Error(problem.detail || `${url} answered ${response.status}`);
    error.status = response.status;
    error.code = problem.code;
    throw error;
  }
  const location = response.headers.get("Location");
  const answer = await response.text();
  await pc.setRemoteDescription({ type: "answer", sdp: answer });
  return location ? new URL(location, url).href : null;
}

class Session {
  constructor(pc, resource, token) {
    this.pc = pc;
    this.resource = resource;
    this.token = token;
  }

  async close() {
    this.pc.close();
    if (this.resource) {
      const headers = this.token ? { Authorization: `Bearer ${this.token}` } : {};
      try { await fetch(this.resource, { method: "DELETE", headers }); } catch { /* node gone */ }
    }
  }
}

export async function publish(url, token, stream) {
  const pc = new RTCPeerConnection({ iceServers: [] });
  for (const track of stream.getTracks()) {
    const transceiver = pc.addTransceiver(track, { direction: "sendonly", streams: [stream] });
    if (track.kind === "video") preferCodec(transceiver, "video/VP8");
  }
  try {
    const resource = await negotiate(pc, url, token);
    return new Session(pc, resource, token);
  } catch (error) {
    pc.close();
    throw error;
  }
}

// Drives crosslive-player.js in Node: the page stops the player while its WHEP offer is in flight.
// The session that opens after stop() must be closed and its resource DELETEd, not left on the node.
const path = require("path");
const player = require(path.join(process.argv[2], "media_nodes/static/crosslive-player.js"));

const calls = { whep: 0, deleted: [] };
let closedPcs = 0;
let releaseOffer;
const offerAnswered = new Promise((resolve) => { releaseOffer = resolve; });

global.fetch = async (url, init) => {
  const u = new URL(url);
  if (u.pathname.startsWith("/v1/routing/")) {
    const nodes = [{ node_id: "edge-1", whep_url: "http://e.test/whep/r1", probe_url: "http://e.test/ping" }];
    return { ok: true, status: 200, json: async () => ({ nodes }) };
  }
  if (init && init.method === "POST") {
    calls.whep += 1;
    await offerAnswered; // the node answers only after the page has stopped the player
    return { ok: true, status: 201, headers: { get: () => "/whep/r1/s-1" }, text: async () => "v=0\r\nanswer" };
  }
  if (init && init.method === "DELETE") {
    calls.deleted.push(url);
    return { status: 200 };
  }
  throw new Error("unexpected fetch " + url);
};

class FakePC {
  constructor() { this.connectionState = "connecting"; this.iceGatheringState = "complete"; }
  addTransceiver() {}
  addEventListener() {}
  removeEventListener() {}
  async createOffer() { return { type: "offer", sdp: "v=0\r\noffer" }; }
  async setLocalDescription(d) { this.localDescription = d; }
  async setRemoteDescription() { this.connectionState = "connected"; }
  async getStats() { return new Map(); }
  close() { this.connectionState = "closed"; closedPcs += 1; }
}
global.RTCPeerConnection = FakePC;
global.MediaStream = class { addTrack() {} };

const states = [];
const p = new player.CrosslivePlayer({
  apiBase: "http://api.test", roomId: "r1", token: "t", video: {}, probe: false,
  onStatus: (s) => states.push(s.state),
});
const finished = p.start();
setTimeout(async () => {
  await p.stop(); // while the offer is in flight
  releaseOffer();
  await finished;
  console.log(JSON.stringify({ states, calls, closedPcs, session: p.session !== null }));
  process.exit(0);
}, 300);

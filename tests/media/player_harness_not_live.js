// Drives crosslive-player.js in Node: the viewer opens the page before the show is broadcast.
// Both nodes answer WHEP with 404 room-not-live until the publisher starts (after 1.2 s); the
// player must keep trying the nodes (not exclude them for good) and play once the room is live.
const path = require("path");
const player = require(path.join(process.argv[2], "media_nodes/static/crosslive-player.js"));

const calls = { routing: [], whep: [], deleted: [] };
let broadcasting = false;
const nodes = [
  { node_id: "origin-1", whep_url: "http://o.test/whep/r1", probe_url: "http://o.test/ping" },
  { node_id: "edge-1", whep_url: "http://e.test/whep/r1", probe_url: "http://e.test/ping" },
];

global.fetch = async (url, init) => {
  const u = new URL(url);
  if (u.pathname.startsWith("/v1/routing/")) {
    const exclude = u.searchParams.getAll("exclude");
    calls.routing.push({ exclude });
    return { ok: true, status: 200, json: async () => ({ nodes: nodes.filter((n) => !exclude.includes(n.node_id)) }) };
  }
  if (u.pathname === "/ping") return { ok: true, status: 204 };
  if (init && init.method === "POST") {
    calls.whep.push({ host: u.host, live: broadcasting });
    if (!broadcasting) {
      const problem = { status: 404, code: "room-not-live", detail: "room 'r1' is not being broadcast" };
      return { ok: false, status: 404, headers: { get: () => null }, text: async () => JSON.stringify(problem),
        json: async () => problem };
    }
    return { ok: true, status: 201, headers: { get: () => "/whep/r1/s-" + u.host }, text: async () => "v=0\r\nanswer",
      json: async () => ({}) };
  }
  if (init && init.method === "DELETE") {
    calls.deleted.push(url);
    return { status: 200 };
  }
  throw new Error("unexpected fetch " + url);
};

class FakePC {
  constructor() { this.connectionState = "connecting"; this.iceGatheringState = "complete"; this.frames = 0; }
  addTransceiver() {}
  addEventListener() {}
  removeEventListener() {}
  async createOffer() { return { type: "offer", sdp: "v=0\r\noffer" }; }
  async setLocalDescription(d) { this.localDescription = d; }
  async setRemoteDescription() { this.connectionState = "connected"; }
  async getStats() {
    this.frames += 15;
    return new Map([["v", { type: "inbound-rtp", kind: "video", framesDecoded: this.frames }]]);
  }
  close() { this.connectionState = "closed"; }
}
global.RTCPeerConnection = FakePC;
global.MediaStream = class { addTrack() {} };

const states = [];
const p = new player.CrosslivePlayer({
  apiBase: "http://api.test", roomId: "r1", token: "t", video: {}, stallMs: 1200, probe: false,
  onStatus: (s) => states.push([s.state, s.node && s.node.node_id, s.error || null]),
});
p.start();
setTimeout(() => { broadcasting = true; }, 1200);
setTimeout(async () => {
  await p.stop();
  console.log(JSON.stringify({ states, calls, node: p.node && p.node.node_id }));
  process.exit(0);
}, 6000);

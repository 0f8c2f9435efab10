// Drives crosslive-player.js in Node with a fake routing API, fake WHEP nodes and a fake
// RTCPeerConnection: node "edge-a" connects then dies; the player must re-route to "edge-b".
const path = require("path");
const player = require(path.join(process.argv[2], "media_nodes/static/crosslive-player.js"));

const calls = { routing: [], whep: [], deleted: [], beacons: [] };
let aliveA = true;
const nodes = [
  { node_id: "edge-a", whep_url: "http://a.test/whep/r1", probe_url: "http://a.test/ping" },
  { node_id: "edge-b", whep_url: "http://b.test/whep/r1", probe_url: "http://b.test/ping" },
];

global.fetch = async (url, init) => {
  const u = new URL(url);
  if (u.pathname.startsWith("/v1/routing/")) {
    const exclude = u.searchParams.getAll("exclude");
    calls.routing.push({ exclude, rtt: u.searchParams.get("rtt") });
    const live = nodes.filter((n) => !exclude.includes(n.node_id) && (aliveA || n.node_id !== "edge-a"));
    return { ok: true, status: 200, json: async () => ({ nodes: live }) };
  }
  if (u.pathname === "/ping") return { ok: true, status: 204 };
  if (u.pathname.startsWith("/v1/insights/")) {
    // the player's insights beacons (first frame, stalls, leave): recorded, not WHEP
    calls.beacons.push(...JSON.parse(init.body).events.map((e) => e.type));
    return { ok: true, status: 202, json: async () => ({}) };
  }
  if (init && init.method === "POST") {
    calls.whep.push(u.host);
    return {
      status: 201,
      headers: { get: () => "/whep/r1/s-" + u.host },
      text: async () => "v=0\r\nanswer",
      json: async () => ({}),
    };
  }
  if (init && init.method === "DELETE") {
    calls.deleted.push(url);
    return { status: 200 };
  }
  throw new Error("unexpected fetch " + url);
};

class FakePC {
  constructor() {
    this.connectionState = "connecting";
    this.iceGatheringState = "complete";
    this.frames = 0;
    this.host = null;
    this.localDescription = null;
    this.closed = false;
  }
  addTransceiver() {}
  addEventListener() {}
  removeEventListener() {}
  async createOffer() { return { type: "offer", sdp: "v=0\r\noffer" }; }
  async setLocalDescription(d) { this.localDescription = d; }
  async setRemoteDescription() { this.connectionState = "connected"; }
  async getStats() {
    // edge-a delivers frames until it dies; edge-b keeps delivering
    const host = calls.whep[calls.whep.length - 1];
    if (!(host === "a.test" && !aliveA)) this.frames += 15;
    const frames = this.frames;
    return new Map([["v", { type: "inbound-rtp", kind: "video", framesDecoded: frames }]]);
  }
  close() { this.closed = true; this.connectionState = "closed"; }
}
global.RTCPeerConnection = FakePC;
global.MediaStream = class { addTrack() {} };

const states = [];
const p = new player.CrosslivePlayer({
  apiBase: "http://api.test", roomId: "r1", token: "t", video: {}, stallMs: 1200,
  onStatus: (s) => states.push([s.state, s.node && s.node.node_id, s.reason || null]),
});
p.start();
setTimeout(() => { aliveA = false; }, 1500);
setTimeout(async () => {
  await p.stop();
  console.log(JSON.stringify({ states, calls, node: p.node && p.node.node_id, failovers: p.failovers }));
  process.exit(0);
}, 5000);

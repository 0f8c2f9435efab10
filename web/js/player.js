// Playback that heals itself: ask the router for nodes, play over WHEP from the best one, and when
// that node dies (its connection fails, or frames stop and the node does not answer a ping) drop
// it, ask the router again without it, and play from the next node.

import { framesDecoded, play } from "./media.js";
import { routeViewer } from "./routing.js";

const WATCH_MS = 1000;
const STALL_MS = 2500;          // no new frame for this long: check the node
const DEAD_NODE_MS = 30000;     // a node that failed us is skipped for this long
const RETRY_MS = 2000;

export class Player {
  constructor({ api, config, roomId, video, market, token, onStatus }) {
    Object.assign(this, { api, config, roomId, video, market, token, onStatus });
    this.session = null;
    this.node = null;
    this.dead = new Map(); // node_id -> time it failed
    this.frames = 0;
    this.lastProgress = 0;
    this.failovers = 0;
    this.generation = 0;
    this.timer = null;
  }

  start() {
    this.connect("connecting");
    this.timer = setInterval(() => this.watch(), WATCH_MS);
  }

  async restart() {
    await this.drop();
    this.connect("connecting");
  }

  async drop() {
    this.generation += 1;
    const session = this.session;
    this.session = null;
    if (session) await session.close();
  }

  excluded() {
    const now = Date.now();
    for (const [id, at] of this.dead) if (now - at > DEAD_NODE_MS) this.dead.delete(id);
    return [...this.dead.keys()];
  }

  async connect(status) {
    const generation = ++this.generation;
    this.onStatus(status, this.node);
    while (generation === this.generation) {
      if (!this.token()) { // the node admits viewers of the room's markets only
        this.onStatus("waiting", null);
        await sleep(RETRY_MS);
        continue;
      }
      let nodes = [];
      try {
        nodes = await routeViewer(this.api, this.config, this.roomId, this.market(), this.excluded());
      } catch (error) {
        this.onStatus("waiting", null);
      }
      for (const node of nodes) {
        if (generation !== this.generation) return;
        try {
          const session = await play(node.whep_url, this.token(), this.video);
          if (generation !== this.generation) { session.close(); return; }
          this.session = session;
          this.node = node;
          this.frames = 0;
          this.lastProgress = Date.now();
          session.pc.addEventListener("connectionstatechange", () => {
            if (["failed", "closed"].includes(session.pc.connectionState) && this.session === session) {
              this.failover("connection " + session.pc.connectionState);
            }
          });
          this.video.play().catch(() => { /* autoplay policy: muted autoplay is allowed */ });
          this.onStatus("playing", node);
          return;
        } catch (error) {
          if (error.status === undefined || error.status >= 500) this.dead.set(node.node_id, Date.now());
        }
      }
      this.onStatus(status === "reconnecting" ? "reconnecting" : "waiting", null);
      await sleep(RETRY_MS);
    }
  }

  async watch() {
    const session = this.session;
    if (!session) return;
    const frames = await framesDecoded(session.pc).catch(() => 0);
    if (frames > this.frames) {
      this.frames = frames;
      this.lastProgress = Date.now();
      this.video.dataset.frames = String(frames);
      return;
    }
    if (Date.now() - this.lastProgress < STALL_MS || this.checking) return;
    this.checking = true;
    try {
      const alive = await ping(this.node);
      if (!alive && this.session === session) await this.failover("node unreachable");
      else this.lastProgress = Date.now(); // node fine, the source is quiet: keep waiting here
    } finally {
      this.checking = false;
    }
  }

  async failover(reason) {
    if (!this.node) return;
    this.dead.set(this.node.node_id, Date.now());
    this.failovers += 1;
    this.lastFailover = { from: this.node.node_id, reason, at: Date.now() };
    await this.drop();
    this.node = null;
    this.connect("reconnecting");
  }
}

async function ping(node) {
  if (!node?.base_url) return true;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 1500);
  try {
    const response = await fetch(new URL("/ping", node.base_url), { signal: controller.signal, cache: "no-store" });
    return response.ok;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

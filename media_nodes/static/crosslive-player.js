/*
 * crosslive-player.js: watch a crosslive room in the browser, and keep watching when a node dies.
 *
 *   <video id="v" autoplay playsinline muted></video>
 *   <script src="/static/crosslive-player.js"></script>
 *   <script>
 *     const player = new CrosslivePlayer({
 *       apiBase: "https://api.example.com",      // serves /v1/routing/...
 *       roomId: "r-123", token: viewerIdToken,     // the viewer's ID token (market claim)
 *       video: document.getElementById("v"),
 *       onStatus: (s) => console.log(s.state, s.node && s.node.node_id),
 *     });
 *     player.start();
 *   </script>
 *
 * How it works: ask the routing function for ranked nodes (GET /v1/routing/rooms/{room}/nodes),
 * measure the RTT to the top few (GET <node>/ping), ask again with those RTTs, then WHEP to the
 * best node (POST offer, 201 + answer, ICE candidates included). While playing it watches the
 * connection and the decoded-frame counter; if the connection fails or frames stop for
 * `stallMs`, it leaves that node (DELETE), asks routing again with `exclude=<node>` and connects
 * to the next one. Dead nodes leave the ranking within 10 s server-side, so a retry loop with
 * a short backoff always converges on a live node. When every node has been left out (or none
 * has the room yet: 404 room-not-live before the show starts), the exclusions are dropped and the
 * loop keeps trying all nodes with backoff (capped at 5 s), so the video starts by itself.
 *
 * Insights: the player reports first frame rendered, stalls and leaving to
 * POST /v1/insights/rooms/{room}/beacons with the same token (class Beacons below; beacons: false
 * turns it off). player.beacon(type, ms, now, on) lets the page report with it (products seen,
 * Buy/Claim taps, shares).
 */
(function (root) {
  "use strict";

  function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  async function fetchNodes(apiBase, roomId, token, opts) {
    opts = opts || {};
    const params = new URLSearchParams();
    if (opts.market) params.set("market", opts.market);
    const rtts = opts.rtts || {};
    const rttText = Object.keys(rtts).map((id) => id + ":" + Math.round(rtts[id])).join(",");
    if (rttText) params.set("rtt", rttText);
    (opts.exclude || []).forEach((id) => params.append("exclude", id));
    const url = apiBase.replace(/\/$/, "") + "/v1/routing/rooms/" + encodeURIComponent(roomId) + "/nodes?" + params;
    const response = await fetch(url, { headers: { Authorization: "Bearer " + token } });
    if (!response.ok) {
      const problem = await response.json().catch(() => ({}));
      const error = new Error(problem.detail || "routing failed: HTTP " + response.status);
      error.status = response.status;
      error.code = problem.code;
      throw error;
    }
    return (await response.json()).nodes;
  }

  async function measureRtts(nodes, timeoutMs) {
    const rtts = {};
    await Promise.all(
      nodes.map(async (node) => {
        const controller = new AbortController();
        const timer = setTimeout(() => controller.abort(), timeoutMs || 1500);
        try {
          const started = performance.now();
          await fetch(node.probe_url, { cache: "no-store", signal: controller.signal });
          rtts[node.node_id] = performance.now() - started;
        } catch (e) {
          /* unreachable: no RTT, routing keeps its prior */
        } finally {
          clearTimeout(timer);
        }
      })
    );
    return rtts;
  }

  function waitIceGathering(pc, timeoutMs) {
    if (pc.iceGatheringState === "complete") return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        if (pc.iceGatheringState === "complete") {
          pc.removeEventListener("icegatheringstatechange", done);
          resolve();
        }
      };
      pc.addEventListener("icegatheringstatechange", done);
      setTimeout(resolve, timeoutMs || 2000);
    });
  }

  async function whepConnect(whepUrl, token, video) {
    const pc = new RTCPeerConnection({ iceServers: [] });
    pc.addTransceiver("video", { direction: "recvonly" });
    pc.addTransceiver("audio", { direction: "recvonly" });
    const stream = new MediaStream();
    pc.ontrack = (event) => {
      stream.addTrack(event.track);
      if (video && video.srcObject !== stream) video.srcObject = stream;
    };
    await pc.setLocalDescription(await pc.createOffer());
    await waitIceGathering(pc, 2000); // no trickle: send every candidate in the offer
    const response = await fetch(whepUrl, {
      method: "POST",
      headers: { "Content-Type": "application/sdp", Authorization: "Bearer " + token },
      body: pc.localDescription.sdp,
    });
    if (response.status !== 201) {
      pc.close();
      const problem = await response.json().catch(() => ({}));
      const error = new Error(problem.detail || "WHEP failed: HTTP " + response.status);
      error.status = response.status;
      error.code = problem.code;
      throw error;
    }
    const location = response.headers.get("Location");
    const resource = location ? new URL(location, whepUrl).toString() : null;
    await pc.setRemoteDescription({ type: "answer", sdp: await response.text() });
    return {
      pc,
      resource,
      async close() {
        pc.close();
        if (resource) {
          try {
            await fetch(resource, { method: "DELETE", headers: { Authorization: "Bearer " + token } });
          } catch (e) {
            /* the node may be gone: that is why we are leaving */
          }
        }
      },
    };
  }

  async function framesDecoded(pc) {
    let frames = 0;
    const stats = await pc.getStats();
    stats.forEach((report) => {
      if (report.type === "inbound-rtp" && report.kind === "video") frames += report.framesDecoded || 0;
    });
    return frames;
  }

  /*
   * Playback beacons for live insights (POST /v1/insights/rooms/{room}/beacons with the viewer's
   * token): what only the player knows. "rendered" (ms from start to the first decoded frame of a
   * session), "stall" (ms without a new frame, reported when frames resume or the node is left) and
   * "leave" (stop() or the page being hidden for good). Bounded as the API requires: at most 10
   * events per POST, each ms within 0..600000, and a strictly increasing seq per viewer and room
   * (sent one at a time, so they arrive in order). "leave" goes with keepalive, so it survives the
   * page closing (sendBeacon cannot carry the Authorization header). Failures are dropped quietly.
   */
  const MAX_BEACON_EVENTS = 10;
  class Beacons {
    constructor(apiBase, roomId, token) {
      this.url = apiBase.replace(/\/$/, "") + "/v1/insights/rooms/" + encodeURIComponent(roomId) + "/beacons";
      this.token = token;
      this.queue = [];
      this.seq = 0;
      this.chain = Promise.resolve();
      this.timer = null;
      this.sent = { rendered: 0, stall: 0, leave: 0, seen: 0, tap: 0, share: 0 };
      this.accepted = 0;
    }

    add(type, ms, now, on) {
      const event = { type: type, ms: Math.max(0, Math.min(600000, Math.round(ms || 0))) };
      if (on) event.on = on; // a tap: "buy" or "claim"
      this.queue.push(event);
      if (now) this.flush(type === "leave");
      else if (!this.timer) this.timer = setTimeout(() => { this.timer = null; this.flush(false); }, 2000);
    }

    flush(keepalive) {
      while (this.queue.length) {
        const events = this.queue.splice(0, MAX_BEACON_EVENTS);
        this.seq = Math.max(Date.now(), this.seq + 1);
        const body = JSON.stringify({ seq: this.seq, events: events });
        const send = () => fetch(this.url, {
          method: "POST",
          keepalive: keepalive,
          headers: { "Content-Type": "application/json", Authorization: "Bearer " + this.token },
          body: body,
        }).then((response) => {
          if (response.status === 202) {
            this.accepted += 1;
            events.forEach((e) => { this.sent[e.type] += 1; });
          }
        }).catch(() => { /* insights are best effort: playback never waits for them */ });
        // keepalive: sent at once (the page may be going); otherwise after the one before it
        this.chain = keepalive ? send() : this.chain.then(send);
      }
    }
  }

  class CrosslivePlayer {
    constructor(options) {
      this.apiBase = options.apiBase || "";
      this.roomId = options.roomId;
      this.token = options.token;
      this.video = options.video;
      this.market = options.market;
      this.stallMs = options.stallMs || 4000;
      this.probe = options.probe !== false;
      this.onStatus = options.onStatus || function () {};
      this.excluded = [];
      this.session = null;
      this.node = null;
      this.running = false;
      this.failovers = 0;
      // beacons: false turns the insights beacons off (e.g. a host's preview)
      this.beacons = options.beacons === false ? null : new Beacons(this.apiBase, this.roomId, this.token);
      this.stallReportMs = options.stallReportMs || 1000; // frames missing this long count as a stall
      this.startedAt = 0;
      this.rendered = false; // a first frame was rendered since start(): a "leave" means something
      this.left = false;
      this.onPageHide = (event) => { if (!event.persisted) this.reportLeave(); };
    }

    // What the player reports: through this, so a page (or a test) can watch or replace it. The
    // page reports through it too: "seen" (a product card on screen), "tap" (on: "buy" | "claim"), "share".
    beacon(type, ms, now, on) {
      if (this.beacons) this.beacons.add(type, ms, now, on);
    }

    reportLeave() {
      if (this.left || !this.rendered) return;
      this.left = true;
      this.beacon("leave", 0, true);
    }

    /* The video frames decoded so far on this connection (a test may stand in for it). */
    framesDecoded(pc) {
      return framesDecoded(pc);
    }

    status(state, extra) {
      this.onStatus(Object.assign({ state, node: this.node, failovers: this.failovers }, extra || {}));
    }

    async start() {
      this.running = true;
      this.startedAt = performance.now();
      this.left = false;
      if (typeof addEventListener === "function") addEventListener("pagehide", this.onPageHide);
      let backoff = 250;
      while (this.running) {
        try {
          await this.connectBest();
          backoff = 250;
          const reason = await this.watch();
          if (!this.running) break;
          this.failovers += 1;
          this.status("rerouting", { reason });
          if (this.node) this.excluded.push(this.node.node_id);
          await this.leave();
        } catch (error) {
          if (error.status === 401 || error.status === 403) {
            // code/httpStatus: the problem's stable code, so a page can word the refusal in its language
            this.status("forbidden", { error: error.message, code: error.code, httpStatus: error.status });
            this.running = false;
            break;
          }
          this.status("retrying", { error: error.message });
          await sleep(backoff);
          backoff = Math.min(backoff * 2, 5000);
          if (this.excluded.length > 8) this.excluded = this.excluded.slice(-4); // nodes may come back
        }
      }
      // stop() may have come while a WHEP offer was in flight: that session opened after stop()
      // left, so close it (and DELETE its resource) here rather than leave it on the node.
      await this.leave();
    }

    async connectBest() {
      this.status("routing");
      const opts = { market: this.market, exclude: this.excluded };
      let nodes = await fetchNodes(this.apiBase, this.roomId, this.token, opts);
      if (this.probe && nodes.length > 1) {
        opts.rtts = await measureRtts(nodes.slice(0, 4), 1500);
        nodes = await fetchNodes(this.apiBase, this.roomId, this.token, opts);
      }
      if (!nodes.length) {
        // Every node was tried and left out (dead, or the show was not broadcast yet): start over
        // with all of them on the next attempt, so a viewer waiting for the show, or for a
        // publisher to come back, plays as soon as a node has the room.
        const exhausted = this.excluded.length > 0;
        this.excluded = [];
        throw new Error(exhausted ? "no node has this room yet" : "no healthy media node for this market");
      }
      let lastError = null;
      for (const node of nodes) {
        try {
          this.node = node;
          this.status("connecting");
          this.session = await whepConnect(node.whep_url, this.token, this.video);
          this.status("connected");
          return;
        } catch (error) {
          lastError = error;
          if (error.status === 401 || error.status === 403) throw error;
          this.excluded.push(node.node_id);
        }
      }
      throw lastError || new Error("no node accepted the viewer");
    }

    /* Resolves with a reason when this node should be left. */
    async watch() {
      const pc = this.session.pc;
      const connectedAt = performance.now();
      let lastFrames = -1;
      let lastProgress = performance.now();
      let stalled = false; // frames missing for stallReportMs after the first one: reported once they resume
      const endStall = () => {
        if (stalled) this.beacon("stall", performance.now() - lastProgress, false);
        stalled = false;
      };
      while (this.running) {
        await sleep(500);
        if (pc.connectionState === "failed" || pc.connectionState === "closed") {
          endStall();
          return "connection-" + pc.connectionState;
        }
        let frames = lastFrames;
        try {
          frames = await this.framesDecoded(pc);
        } catch (e) {
          return "stats-failed";
        }
        if (frames > lastFrames) {
          if (lastFrames <= 0 && frames > 0) {
            this.status("playing");
            // time to first frame: from start() for the first session, from connecting after a failover
            this.beacon("rendered", performance.now() - (this.rendered ? connectedAt : this.startedAt), true);
            this.rendered = true;
          }
          endStall();
          lastFrames = frames;
          lastProgress = performance.now();
        } else if (lastFrames > 0 && performance.now() - lastProgress >= this.stallReportMs) {
          stalled = true;
          if (performance.now() - lastProgress > this.stallMs) {
            endStall();
            return "stalled";
          }
        } else if (performance.now() - lastProgress > this.stallMs) {
          return "stalled";
        }
      }
      return "stopped";
    }

    async leave() {
      const session = this.session;
      this.session = null;
      if (session) await session.close();
    }

    async stop() {
      this.running = false;
      if (typeof removeEventListener === "function") removeEventListener("pagehide", this.onPageHide);
      this.reportLeave();
      await this.leave();
      this.status("stopped");
    }
  }

  const api = { CrosslivePlayer, Beacons, fetchNodes, measureRtts, whepConnect };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  root.CrosslivePlayer = CrosslivePlayer;
  root.crosslive = Object.assign(root.crosslive || {}, api);
})(typeof globalThis !== "undefined" ? globalThis : this);

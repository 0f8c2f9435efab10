// The room's push socket on the media node (media_nodes/push): the node that serves the video also
// pushes the room's comments, already translated into the room's languages, and the live signals
// {"type": "stage", version} and {"type": "campaign", campaign_id, change, state, left, ...} when
// the stage or a coupon campaign changes. Every event goes to onEvents; the pages keep polling the
// APIs only as catch-up while the socket is "live" and as the fallback whenever it is down. The
// token goes in the first message, never in the URL.

export class CommentPush {
  constructor({ baseUrl, roomId, token, onEvents, onState }) {
    Object.assign(this, { baseUrl, roomId, token, onEvents, onState });
    this.ws = null;
    this.closed = false;
    this.retryMs = 500;
    this.state = "connecting";
  }

  url() {
    const base = new URL(this.baseUrl);
    base.protocol = base.protocol === "https:" ? "wss:" : "ws:";
    base.pathname = `/v1/push/rooms/${encodeURIComponent(this.roomId)}`;
    return base.href;
  }

  setState(state) {
    this.state = state;
    this.onState?.(state);
  }

  connect() {
    if (this.closed) return;
    const ws = new WebSocket(this.url());
    this.ws = ws;
    ws.addEventListener("open", () => ws.send(JSON.stringify({ type: "auth", token: this.token })));
    ws.addEventListener("message", (message) => {
      let frame;
      try { frame = JSON.parse(message.data); } catch { return; }
      if (frame.type === "ready") {
        this.retryMs = 500;
        this.setState("live");
      } else if (frame.type === "events" && Array.isArray(frame.events)) {
        this.onEvents(frame.events);
      }
    });
    ws.addEventListener("close", (event) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.closed || event.code === 4401 || event.code === 4400) {
        this.setState(this.closed ? "closed" : "refused");
        return;
      }
      this.setState("reconnecting");
      setTimeout(() => this.connect(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 8000);
    });
  }

  close() {
    this.closed = true;
    if (this.ws) this.ws.close(1000, "leaving");
    this.ws = null;
    this.setState("closed"); // the pages poll at their full rate again
  }
}

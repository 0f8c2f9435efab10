// The console's live insights panel: viewers per market (chart with event markers), the funnel per
// market with the diverging step highlighted, sentiment, hot questions, health, alerts, the show's
// win-back segment (export per zone; "Target with a coupon" points the coupon form at it) and when
// to go live next.
//
// It reads GET /v1/insights/rooms/{room}/live every POLL_MS for the room the console has open
// (the console keeps it in ?room=) and shows alerts the moment the console's push socket delivers
// them (console.js re-dispatches every pushed event as a "crosslive:push" window event).

import { Api } from "./api.js";
import { takeToken } from "./auth.js";
import { loadConfig } from "./config.js";
import { h, toast } from "./dom.js";
import { alertsList, engagementTable, exportWinback, funnelTable, healthView, nextShowView, nowTiles, questionsList, sentimentChart, viewersChart, winbackView } from "./insights-view.js";
import { DEFAULT_ZONE, exportZones, zoneApi, zoneLabel } from "./zone-exports.js";

// 1 s: the counters' goal is 5 s p95 from the event to this panel, and a node's batch already
// takes up to 3 s (1 s sampling, 2 s flush); at 2 s the poll alone was up to 2 s more plus the
// read (docs/insights.md, "Freshness"). The read's cost is per open console, not per viewer.
const POLL_MS = 1000;
const SLOW_POLL_MS = 30000; // the segment (counted at most every 30 s per room, as_of) and the recommendation: not every second
const state = { api: null, config: null, roomId: null, alerts: new Map(), timer: null, winback: null, nextShow: null, slowAt: 0,
  winbackPublished: null };

// Publish the show's win-back segment to coupons as it is now, then point the console's coupon
// form at it. Each residency zone's part is published by the zone's own API (config.json `zones`:
// a zone's people are read only inside the zone, docs/residency.md), the default zone's by ours; a
// zone that could not be reached is said in words, and the other zones' parts still count.
async function targetWinback(event) {
  const segment = document.getElementById("c-segment");
  const show = document.getElementById("c-show");
  if (!segment || !show) return;
  const path = `/v1/insights/rooms/${encodeURIComponent(state.roomId)}/winback/publish`;
  let members = 0;
  for (const [zone, markets] of exportZones(state.config)) {
    try {
      const api = zoneApi(state.api, state.config, zone);
      const published = await api.post(path, {}, { query: zone === DEFAULT_ZONE ? {} : { zone } });
      members += published.members;
    } catch (error) {
      toast(`The win-back segment of the ${zoneLabel(zone, markets)} was not published: ${error.message}`, "error")
        .dataset.code = error.code || "";
    }
  }
  // the panel re-renders every second: the clicked button may be gone, so the next render sets it too
  state.winbackPublished = String(members);
  for (const button of [event?.target, document.getElementById("winback-target")]) button?.setAttribute("data-published", state.winbackPublished);
  segment.value = "winback";
  show.value = state.roomId;
  show.hidden = false;
  document.getElementById("coupon-form")?.scrollIntoView({ block: "center" });
}

function roomOf() {
  return new URL(location.href).searchParams.get("room");
}

function render(data) {
  const root = document.getElementById("insights");
  if (!root) return;
  for (const alert of data.alerts || []) state.alerts.set(alert.alert_id, alert);
  const report = new URL("/web/report.html", location.href);
  report.searchParams.set("room", state.roomId);
  root.replaceChildren(
    h("h2", { id: "h-insights" }, "Live insights ", h("a", { href: report.href, target: "_blank", class: "small", text: "report" })),
    nowTiles(data),
    viewersChart(data, { width: 560, height: 180 }),
    h("h3", { text: "Funnel per market" }),
    funnelTable(data),
    h("h3", { text: "Engagement" }),
    engagementTable(data),
    h("div", { class: "insights-row" }, [
      h("div", {}, [sentimentChart(data, { width: 560, height: 240 })]),
      h("div", {}, [healthView(data)]),
    ]),
    h("h3", { text: "Hot questions" }),
    questionsList(data),
    h("h3", { text: "Alerts" }),
    alertsList([...state.alerts.values()].sort((a, b) => b.at - a.at)),
    h("h3", { text: "Win back" }),
    state.winback
      ? winbackView(state.winback, { onExport: (zone) => exportWinback(state.api, state.config, state.roomId, zone), onTarget: targetWinback,
        published: state.winbackPublished })
      : h("p", { class: "muted small", text: "Loading…" }),
    h("h3", { text: "When to go live next" }),
    state.nextShow ? nextShowView(state.nextShow) : h("p", { class: "muted small", text: "Loading…" }),
  );
  root.dataset.updated = String(data.generated_at);
}

async function poll() {
  const roomId = roomOf();
  if (roomId !== state.roomId) {
    state.roomId = roomId;
    state.alerts.clear();
    state.winback = state.nextShow = state.winbackPublished = null;
    state.slowAt = 0;
  }
  if (state.roomId && state.api) {
    if (Date.now() - state.slowAt >= SLOW_POLL_MS) {
      state.slowAt = Date.now();
      const path = `/v1/insights/rooms/${encodeURIComponent(state.roomId)}`;
      [state.winback, state.nextShow] = await Promise.all([
        state.api.get(`${path}/winback`).catch(() => state.winback),
        state.api.get(`${path}/next-show`).catch(() => state.nextShow),
      ]);
    }
    try {
      render(await state.api.get(`/v1/insights/rooms/${encodeURIComponent(state.roomId)}/live`));
    } catch { /* the next poll */ }
  }
  state.timer = setTimeout(poll, POLL_MS);
}

window.addEventListener("crosslive:push", (event) => {
  for (const pushed of event.detail || []) {
    if (pushed.type !== "insights.alert" || !pushed.comment) continue;
    state.alerts.set(pushed.comment.alert_id, pushed.comment);
    const list = document.getElementById("insights-alerts");
    if (list) list.replaceWith(alertsList([...state.alerts.values()].sort((a, b) => b.at - a.at)));
  }
});

async function start() {
  const config = await loadConfig();
  state.config = config; // its zones' API bases: each zone's win-back export is produced there
  state.api = new Api(config.api, () => takeToken("merchant", config));
  poll();
}

start();

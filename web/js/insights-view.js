// Views of GET /v1/insights/rooms/{id}/live shared by the console's live panel and the report
// page: series for the charts, the funnel table with the diverging step highlighted, health,
// hot questions, alerts, and the per-minute CSV.

import { h, toast } from "./dom.js";
import { barChart, lineChart } from "./insights-charts.js";
import { downloadZoneExport, zoneLabel } from "./zone-exports.js";

const STEPS = ["joined", "qualified", "commented", "claimed", "redeemed"];
const pct = (v) => (v === null || v === undefined ? "—" : `${Math.round(v * 1000) / 10}%`);

export function viewerSeries(data) {
  return Object.fromEntries(Object.entries(data.markets).map(([m, f]) => [m, f.concurrent.per_minute]));
}

export function sentimentSeries(data) {
  return Object.fromEntries(Object.entries(data.markets).map(([m, f]) => [m, f.sentiment]));
}

export function markers(data) {
  const shown = (data.show.events || []).map((e) => ({ at: e.at, label: e.detail || e.kind }));
  const alerts = (data.alerts || []).map((a) => ({ at: a.at, label: `⚠ ${a.market}` }));
  return [...shown, ...alerts];
}

export function viewersChart(data, opts = {}) {
  return lineChart(viewerSeries(data), markers(data), { title: "Concurrent viewers per market", ...opts });
}

export function sentimentChart(data, opts = {}) {
  return lineChart(sentimentSeries(data), [], { title: "Sentiment index per minute", ...opts });
}

export function nowTiles(data) {
  const tiles = Object.entries(data.markets).map(([m, f]) =>
    h("div", { class: "tile", "data-market": m }, [
      h("span", { class: "tile-label", text: m }),
      h("strong", { class: "tile-value", text: String(f.concurrent.now) }),
      h("span", { class: "muted small", text: `peak ${f.concurrent.peak} · reach ${f.reach}` }),
      // what the viewers' players reported (first frames rendered, stalls, leaves)
      h("span", {
        class: "muted small tile-playback",
        dataset: { rendered: f.counters.rendered, stalls: f.counters.stalls, leaves: f.counters.player_leaves },
        text: `played ${f.counters.rendered} · stalls ${f.counters.stalls} · left ${f.counters.player_leaves}`,
      }),
    ]));
  const total = data.total;
  tiles.unshift(h("div", { class: "tile tile-total" }, [
    h("span", { class: "tile-label", text: "All" }),
    h("strong", { class: "tile-value", id: "insights-now", text: String(total.concurrent.now) }),
    h("span", { class: "muted small", text: `peak ${total.concurrent.peak} · avg ${total.concurrent.average} · reach ${total.reach}` }),
  ]));
  return h("div", { class: "tiles" }, tiles);
}

export function funnelTable(data) {
  const head = h("tr", {}, [h("th", { text: "Market" }), ...STEPS.map((s) => h("th", { text: s }))]);
  const rows = Object.entries(data.funnel).map(([market, f]) =>
    h("tr", { "data-market": market }, [
      h("th", { text: market }),
      ...STEPS.map((step) => {
        const rate = f.rates[step];
        const diverges = f.diverges_at === step;
        return h("td", { class: diverges ? "diverges" : "", title: diverges ? `${market} falls behind the other markets here` : "" }, [
          h("span", { text: String(f.steps[step]) }),
          rate !== undefined ? h("span", { class: "muted small", text: ` ${pct(rate)}` }) : null,
        ].filter(Boolean));
      }),
    ]));
  return h("table", { class: "funnel" }, [h("thead", {}, [head]), h("tbody", {}, rows)]);
}

export function healthView(data) {
  const health = data.health || {};
  const parts = Object.entries(health.parts || {}).map(([name, p]) =>
    [name, p.score ?? 0, p.score !== null && p.score < 40]);
  return h("div", { class: "health" }, [
    h("div", { class: "health-index" }, [
      h("strong", { id: "insights-health", text: health.index ?? "—" }),
      h("span", { class: "muted small", text: ` / 100 · against ${health.baseline_from || "—"}` }),
    ]),
    barChart(parts, { title: "Health parts (50 = your usual)", format: (v) => Math.round(v) }),
  ]);
}

export function questionsList(data, limit = 8) {
  const items = (data.hot_questions || []).slice(0, limit).map((q) =>
    h("li", { class: q.unanswered ? "unanswered" : "" }, [
      h("span", { class: "question-label", dir: "auto", text: q.label }), // an Arabic question reads right to left
      h("span", { class: "muted small", text: ` · ${q.recent_askers} asking now, ${q.askers} in all · ${Object.entries(q.languages).map(([l, n]) => `${l} ${n}`).join(", ")}${q.unanswered ? " · unanswered" : ""}` }),
    ]));
  return h("ul", { class: "list questions" }, items.length ? items : [h("li", { class: "muted", text: "No repeated questions yet" })]);
}

export function alertsList(alerts) {
  const items = alerts.map((a) =>
    h("li", { class: `alert alert-${a.kind}` }, [
      h("strong", { text: `${new Date(a.at * 1000).toLocaleTimeString()} ${a.kind}` }),
      h("span", { text: ` ${a.detail}` }),
    ]));
  return h("ul", { class: "list alerts", id: "insights-alerts" }, items.length ? items : [h("li", { class: "muted", text: "No alerts" })]);
}

export function dwellChart(data) {
  const buckets = data.total.dwell.buckets;
  return barChart(Object.entries(buckets).map(([k, v]) => [k, v]), { title: `Dwell (p50 ${data.total.dwell.p50} s, p90 ${data.total.dwell.p90} s)` });
}

export function couponResults(data) {
  const rows = Object.entries(data.markets).map(([m, f]) => [
    m, f.counters.claims, f.counters.redemptions, pct(f.claim_rate), pct(f.redemption_rate),
    f.counters.gmv_minor ? `${f.counters.gmv_minor} ${data.total.gmv.markets[m]?.currency || ""} (minor units)` : "—",
  ]);
  const head = h("tr", {}, ["Market", "Claims", "Redemptions", "Claim rate", "Redemption rate", "GMV"].map((t) => h("th", { text: t })));
  return h("table", { class: "coupons" }, [h("thead", {}, [head]), h("tbody", {}, rows.map((r) => h("tr", {}, r.map((c) => h("td", { text: String(c) })))))]);
}

// Engagement per market: (commenters, claimers or sharers) ÷ reach, sharers, and product
// click-through (viewers who tapped Buy or Claim with a product on screen ÷ viewers who had one on screen).
export function engagementTable(data) {
  const rows = Object.entries(data.markets).map(([m, f]) =>
    h("tr", { "data-market": m }, [
      h("th", { text: m }),
      h("td", { class: "engagement-rate", text: pct(f.engagement_rate) }),
      h("td", { class: "sharers", text: String(f.sharers ?? 0) }),
      h("td", { class: "click-through", text: `${pct(f.product_click_through)} (${f.tappers ?? 0}/${f.product_viewers ?? 0})` }),
    ]));
  const head = h("tr", {}, ["Market", "Engagement", "Sharers", "Product click-through"].map((t) => h("th", { text: t })));
  return h("table", { class: "engagement", id: "insights-engagement" }, [h("thead", {}, [head]), h("tbody", {}, rows)]);
}

// Per-minute series, one row per (minute, market): what a spreadsheet needs after the show.
export function perMinuteCsv(data) {
  const counters = ["joins", "exits", "comments", "questions", "moderated", "claims", "redemptions", "gmv_minor", "stalls",
    "taps", "shares"];
  const lines = [["minute_utc", "market", "viewers_avg", "exit_rate", "sentiment", ...counters].join(",")];
  for (const [market, f] of Object.entries(data.markets)) {
    const minutes = new Set([...Object.keys(f.concurrent.per_minute), ...Object.keys(f.minutes || {})]);
    for (const m of [...minutes].map(Number).sort((a, b) => a - b)) {
      const iso = new Date(m * 60000).toISOString().slice(0, 16);
      const row = (f.minutes || {})[m] || {};
      lines.push([iso, market, f.concurrent.per_minute[m] ?? "", f.exit_rate[m] ?? "", f.sentiment[m] ?? "",
        ...counters.map((c) => row[c] ?? 0)].join(","));
    }
  }
  return lines.join("\n") + "\n";
}

// The show's win-back segment (GET /v1/insights/rooms/{id}/winback): members per market and
// reason, a CSV export per residency zone (each zone's people only) and, in the console, a button
// that makes the coupon form target the segment, and how old the counts are.
const REASON_TEXT = {
  "left-before-qualifying": "left before 10 s",
  "left-after-price-reveal": "left ≤ 60 s after a price",
  "claimed-not-redeemed": "claimed, not redeemed",
};

export function winbackView(winback, { onExport, onTarget, published } = {}) {
  const reasons = winback.reasons || Object.keys(REASON_TEXT);
  const head = h("tr", {}, [h("th", { text: "Market" }), h("th", { text: "In segment" }), ...reasons.map((r) => h("th", { text: REASON_TEXT[r] || r }))]);
  const row = (label, f, market) => h("tr", market ? { "data-market": market } : { class: "total" }, [
    h("th", { text: label }), h("td", { text: String(f.members) }), ...reasons.map((r) => h("td", { text: String(f[r]) })),
  ]);
  const rows = Object.entries(winback.markets).map(([m, f]) => row(m, f, m));
  rows.push(row("All", winback.total));
  // a refused export (421 outside the zone, a zone not yet reachable) is said in words, never lost
  const run = (zone) => Promise.resolve(onExport?.(zone)).catch((error) => {
    toast(error.message, "error").dataset.code = error.code || "";
  });
  const actions = Object.entries(winback.zones || { default: [] }).map(([zone, markets]) =>
    h("button", { type: "button", class: "small", "data-zone": zone, onclick: () => run(zone),
      text: `CSV: ${zoneLabel(zone, markets)}` }));
  // data-published: the members the last Target published (kept across the panel's re-renders)
  if (onTarget) actions.push(h("button", { type: "button", class: "small", id: "winback-target", onclick: onTarget,
    "data-published": published, text: "Target with a coupon" }));
  return h("div", { class: "winback", id: "insights-winback" }, [
    h("table", { class: "coupons winback-table" }, [h("thead", {}, [head]), h("tbody", {}, rows)]),
    h("div", { class: "row no-print" }, actions),
    winback.as_of !== undefined ? winbackAge(winback) : null,
    h("p", { class: "muted small", text: "Each export holds one residency zone's viewers, read from that zone's tables." }),
  ]);
}

// How old the counts are: the server counts a room's segment at most every max_age_seconds and
// answers every poll in between with those counts (as_of: when they were counted).
function winbackAge(winback) {
  const ago = Math.max(0, Math.round(Date.now() / 1000 - winback.as_of));
  const at = new Date(winback.as_of * 1000).toLocaleTimeString();
  return h("p", { class: "muted small winback-as-of", "data-as-of": String(winback.as_of),
    text: `Counted at ${at} (${ago} s ago); recounted at most every ${winback.max_age_seconds} s.` });
}

// A zone's segment is exported by the zone's API (config.json `zones`), the default zone's by the pages' own.
export async function exportWinback(api, config, roomId, zone) {
  await downloadZoneExport(api, config, `/v1/insights/rooms/${encodeURIComponent(roomId)}/winback.csv`, zone,
    `winback-${roomId}-${zone}.csv`);
}

// When to go live next (GET /v1/insights/rooms/{id}/next-show): the start, each market's local
// time in its own language, the expected viewers, and whether it rests on history or the default.
export function nextShowView(next) {
  const basis = next.basis === "history"
    ? `from your last ${next.shows_used} show${next.shows_used === 1 ? "" : "s"}`
    : "default: no past show yet, so the local evenings (18:00–22:00) are assumed best";
  const rows = Object.entries(next.markets).map(([m, f]) => h("tr", { "data-market": m }, [
    h("th", { text: m }),
    // dir auto: an Arabic market's time and zone read right to left, each cell isolated from the rest
    h("td", { class: "local-time", lang: f.language || "", dir: "auto", text: f.local_text }),
    h("td", { class: "muted small time-zone", lang: f.language || "", dir: "auto", text: f.time_zone_name }),
    h("td", { text: f.in_quiet_hours ? "quiet hours" : String(f.expected_viewers) }),
  ]));
  const head = h("tr", {}, ["Market", "Local time", "Time zone", "Expected viewers"].map((t) => h("th", { text: t })));
  return h("div", { class: "next-show", id: "insights-next-show" }, [
    h("p", {}, [
      h("strong", { text: new Date(next.start * 1000).toUTCString().replace(":00 GMT", " UTC") }),
      h("span", { class: "muted small", text: ` · ${next.show_minutes} min · ${basis}` }),
    ]),
    h("table", { class: "coupons next-show-table" }, [h("thead", {}, [head]), h("tbody", {}, rows)]),
    next.quiet_hours_respected ? null : h("p", { class: "muted small", text: "No start keeps every market out of its quiet hours; markets marked quiet are not counted on." }),
  ].filter(Boolean));
}

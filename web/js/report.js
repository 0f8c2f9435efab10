// The after-show report: viewers over time with events, funnel per market, dwell, sentiment,
// top questions and coupon results; prints on A4 (css/insights.css), exports the per-minute series
// as CSV and the charts as one PNG.

import { Api } from "./api.js";
import { takeToken } from "./auth.js";
import { loadConfig } from "./config.js";
import { h } from "./dom.js";
import { svgToPng } from "./insights-charts.js";
import { couponResults, dwellChart, engagementTable, exportWinback, funnelTable, healthView, nextShowView, nowTiles, perMinuteCsv, questionsList, sentimentChart, viewersChart, winbackView } from "./insights-view.js";

let data = null;
let winback = null; // GET .../winback: the segment's counts per market and reason
let nextShow = null; // GET .../next-show: when to go live next
let api = null;
let config = null; // config.json: the zones' API bases, for their exports

function download(name, href) {
  const link = h("a", { href, download: name });
  document.body.append(link);
  link.click();
  link.remove();
}

async function exportPng() {
  const charts = [...document.querySelectorAll("#report svg.chart")];
  const images = await Promise.all(charts.map((svg) => svgToPng(svg, 2)));
  const loaded = await Promise.all(images.map((src) => new Promise((resolve) => { const i = new Image(); i.onload = () => resolve(i); i.src = src; })));
  const width = Math.max(...loaded.map((i) => i.width));
  const height = loaded.reduce((sum, i) => sum + i.height, 0);
  const canvas = h("canvas", { width, height });
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, width, height);
  let y = 0;
  for (const image of loaded) { ctx.drawImage(image, 0, y); y += image.height; }
  const png = canvas.toDataURL("image/png");
  document.body.dataset.png = String(png.length);
  download(`crosslive-${data.room_id}-charts.png`, png);
}

function render() {
  const started = data.show.live_at ? new Date(data.show.live_at * 1000).toLocaleString() : "not started";
  const ended = data.show.ended_at ? new Date(data.show.ended_at * 1000).toLocaleString() : "still live";
  document.getElementById("report-title").textContent = `Show report — ${data.room_id}`;
  document.getElementById("report").replaceChildren(
    h("p", { class: "muted", text: `${started} → ${ended} · ${Math.round(data.show.seconds / 60)} min · GMV ${data.total.gmv.total_minor} ${data.total.gmv.currency} (minor units)` }),
    nowTiles(data),
    h("section", {}, [viewersChart(data, { width: 760, height: 220 })]),
    h("section", {}, [h("h2", { text: "Funnel per market" }), funnelTable(data)]),
    h("section", { class: "report-row" }, [dwellChart(data), healthView(data)]),
    h("section", {}, [sentimentChart(data, { width: 760, height: 160 })]),
    h("section", {}, [h("h2", { text: "Top questions" }), questionsList(data, 10)]),
    h("section", {}, [h("h2", { text: "Engagement" }), engagementTable(data)]),
    h("section", {}, [h("h2", { text: "Coupon results" }), couponResults(data)]),
    h("section", { id: "report-winback" }, [h("h2", { text: "Win back" }),
      winback ? winbackView(winback, { onExport: (zone) => exportWinback(api, config, data.room_id, zone) }) : h("p", { class: "muted", text: "Not available" })]),
    h("section", { id: "report-next-show" }, [h("h2", { text: "When to go live next" }),
      nextShow ? nextShowView(nextShow) : h("p", { class: "muted", text: "Not available" })]),
  );
  document.body.dataset.ready = "1";
}

async function start() {
  config = await loadConfig();
  api = new Api(config.api, () => takeToken("merchant", config));
  const room = new URL(location.href).searchParams.get("room");
  const path = `/v1/insights/rooms/${encodeURIComponent(room || "")}`;
  const optional = (promise) => promise.catch(() => null); // the report stands without these two
  try {
    [data, winback, nextShow] = await Promise.all([
      api.get(`${path}/live`), optional(api.get(`${path}/winback`)), optional(api.get(`${path}/next-show`)),
    ]);
  } catch (error) {
    document.getElementById("report-status").textContent = `Could not load the report: ${error.message}`;
    return;
  }
  render();
  document.getElementById("export-csv").addEventListener("click", () =>
    download(`crosslive-${data.room_id}-per-minute.csv`, "data:text/csv;charset=utf-8," + encodeURIComponent(perMinuteCsv(data))));
  document.getElementById("export-png").addEventListener("click", exportPng);
  document.getElementById("print").addEventListener("click", () => print());
}

start();

// Small SVG charts for live insights (the console's panel and the report page): no library, no
// build step. Each function returns an <svg> element sized by its viewBox, so it scales with its
// box and prints crisply.

const NS = "http://www.w3.org/2000/svg";
// 12 colours: one per built-in viewer market, so no two markets of a show share a line colour
export const PALETTE = ["#2563eb", "#dc2626", "#059669", "#d97706", "#7c3aed", "#db2777", "#0891b2", "#65a30d",
  "#c026d3", "#a16207", "#4f46e5", "#64748b"];
const LABEL_GAP = 12; // a series label's box height (10px text, ~11.7 units with its ascent and descent)

// Label baselines no two closer than LABEL_GAP, each as near its line's end as that allows, within [top, bottom].
export function spreadLabels(wanted, top, bottom) {
  const order = wanted.map((yy, i) => [yy, i]).sort((a, b) => a[0] - b[0]);
  const placed = order.map(([yy]) => Math.min(Math.max(yy, top), bottom));
  for (let k = 1; k < placed.length; k++) placed[k] = Math.max(placed[k], placed[k - 1] + LABEL_GAP);
  for (let k = placed.length - 1; k >= 0; k--) {
    const limit = k === placed.length - 1 ? bottom : placed[k + 1] - LABEL_GAP;
    placed[k] = Math.max(Math.min(placed[k], limit), top + k * LABEL_GAP);
  }
  const out = new Array(wanted.length);
  order.forEach(([, i], k) => { out[i] = placed[k]; });
  return out;
}

function el(name, attrs = {}, text) {
  const node = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

function clock(minute) {
  const d = new Date(minute * 60000);
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}

// series: {name: {minute: value}}; markers: [{at (UNIX s), label}]
export function lineChart(series, markers = [], { width = 640, height = 200, title = "" } = {}) {
  const pad = { l: 36, r: 8, t: title ? 18 : 6, b: 20 };
  const svg = el("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", class: "chart", "aria-label": title || "chart" });
  if (title) svg.append(el("text", { x: pad.l, y: 12, class: "chart-title" }, title));
  const minutes = [...new Set(Object.values(series).flatMap((s) => Object.keys(s).map(Number)))].sort((a, b) => a - b);
  const values = Object.values(series).flatMap((s) => Object.values(s).filter((v) => v !== null));
  if (!minutes.length) {
    svg.append(el("text", { x: width / 2, y: height / 2, "text-anchor": "middle", class: "muted" }, "no data yet"));
    return svg;
  }
  // minutes with nothing to plot (e.g. sentiment before the first comment): say so over the axes
  if (!values.length) svg.append(el("text", { x: width / 2, y: height / 2, "text-anchor": "middle", class: "tick" }, "no data yet"));
  const lo = Math.min(0, ...values), hi = Math.max(1, ...values);
  const x0 = minutes[0], x1 = Math.max(minutes[minutes.length - 1], x0 + 1);
  const x = (m) => pad.l + ((m - x0) / (x1 - x0)) * (width - pad.l - pad.r);
  const y = (v) => height - pad.b - ((v - lo) / (hi - lo || 1)) * (height - pad.t - pad.b);
  svg.append(el("line", { x1: pad.l, y1: y(lo), x2: width - pad.r, y2: y(lo), class: "axis" }));
  for (const v of [lo, (lo + hi) / 2, hi]) svg.append(el("text", { x: pad.l - 4, y: y(v) + 4, "text-anchor": "end", class: "tick" }, Math.round(v * 100) / 100));
  svg.append(el("text", { x: pad.l, y: height - 4, class: "tick" }, clock(x0)));
  svg.append(el("text", { x: width - pad.r, y: height - 4, "text-anchor": "end", class: "tick" }, clock(x1)));
  for (const marker of markers) {
    const mx = x(marker.at / 60);
    if (mx < pad.l || mx > width - pad.r) continue;
    svg.append(el("line", { x1: mx, y1: pad.t, x2: mx, y2: height - pad.b, class: "marker" }));
    svg.append(el("text", { x: mx + 2, y: pad.t + 10, class: "marker-label" }, marker.label));
  }
  const labels = [];
  Object.entries(series).forEach(([name, points], i) => {
    const pts = Object.entries(points).filter(([, v]) => v !== null).map(([m, v]) => [Number(m), v]).sort((a, b) => a[0] - b[0]);
    if (!pts.length) return;
    const color = PALETTE[i % PALETTE.length];
    svg.append(el("polyline", { points: pts.map(([m, v]) => `${x(m)},${y(v)}`).join(" "), fill: "none", stroke: color, "stroke-width": 2 }));
    // a series of one minute is a line of no length, which draws nothing: mark its point
    if (pts.length === 1) svg.append(el("circle", { cx: x(pts[0][0]), cy: y(pts[0][1]), r: 3.5, fill: color, class: "point" }));
    const [lm, lv] = pts[pts.length - 1];
    labels.push({ name, color, x: Math.min(x(lm) + 3, width - 30), y: y(lv) - 3 });
  });
  // lines ending close together (a dozen markets) would pile their names into one unreadable blot
  const ys = spreadLabels(labels.map((l) => l.y), pad.t + LABEL_GAP, height - pad.b);
  labels.forEach((l, k) => svg.append(el("text", { x: l.x, y: ys[k], fill: l.color, class: "series-label" }, l.name)));
  return svg;
}

// rows: [[label, value, highlight?]]
export function barChart(rows, { width = 320, height = 0, title = "", format = (v) => v } = {}) {
  const bar = 18, gap = 6, pad = { l: 110, r: 48, t: title ? 18 : 4 };
  const h = height || pad.t + rows.length * (bar + gap) + 4;
  const svg = el("svg", { viewBox: `0 0 ${width} ${h}`, role: "img", class: "chart chart-bars", "aria-label": title || "bars" });
  if (title) svg.append(el("text", { x: 0, y: 12, class: "chart-title" }, title));
  const max = Math.max(1e-9, ...rows.map((r) => r[1] || 0));
  rows.forEach(([label, value, highlight], i) => {
    const y = pad.t + i * (bar + gap);
    const w = ((value || 0) / max) * (width - pad.l - pad.r);
    svg.append(el("text", { x: pad.l - 6, y: y + 13, "text-anchor": "end", class: "tick" }, label));
    svg.append(el("rect", { x: pad.l, y, width: Math.max(1, w), height: bar, class: highlight ? "bar bar-alert" : "bar" }));
    svg.append(el("text", { x: pad.l + w + 4, y: y + 13, class: "tick" }, format(value)));
  });
  return svg;
}

// An SVG element as a PNG data URL (the page's CSP allows data: images, not blob:).
export async function svgToPng(svg, scale = 2) {
  const box = svg.viewBox.baseVal;
  const clone = svg.cloneNode(true);
  clone.setAttribute("xmlns", NS);
  clone.setAttribute("width", box.width);
  clone.setAttribute("height", box.height);
  const style = document.createElementNS(NS, "style");
  style.textContent = CHART_CSS;
  clone.prepend(style);
  const url = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(new XMLSerializer().serializeToString(clone));
  const image = new Image();
  await new Promise((resolve, reject) => { image.onload = resolve; image.onerror = reject; image.src = url; });
  const canvas = document.createElement("canvas");
  canvas.width = box.width * scale;
  canvas.height = box.height * scale;
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
  return canvas.toDataURL("image/png");
}

// The charts' look, also embedded into exported PNGs (which do not see the page's stylesheet).
export const CHART_CSS = `
  text { font: 11px system-ui, sans-serif; fill: #334155; }
  .chart-title { font-weight: 600; font-size: 12px; }
  .tick, .marker-label { font-size: 10px; fill: #64748b; }
  .series-label { font-size: 10px; font-weight: 600; }
  .axis { stroke: #cbd5e1; }
  .marker { stroke: #f59e0b; stroke-dasharray: 3 3; }
  .bar { fill: #2563eb; }
  .bar-alert { fill: #dc2626; }
`;

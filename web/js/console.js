// The merchant console: /console[?room=<id>]. Set up the room and its products, go live from the
// camera (WHIP) or show OBS the WHIP URL and token, read every market's comments in the host's
// language (buying questions first, FAQ auto-replies marked, hot questions on top), put products
// on screen, pin a message, launch coupons and flash sales, and moderate — all while live.
// Every comment, name and title is rendered as text, never as HTML.

import { Api, idempotencyKey } from "./api.js";
import { beginHostedSignIn, claims, completeHostedSignIn, issueLocal, storeToken, takeToken } from "./auth.js";
import { loadConfig } from "./config.js";
import { problemSentence, ruleSentence } from "./console-text.js";
import { $, $$, h, toast } from "./dom.js";
import { formatCountdown, languageName, sameLanguage } from "./i18n.js";
import { publish } from "./media.js";
import { CommentPush } from "./push.js";
import { routeIngest } from "./routing.js";
import { downloadZoneExport, exportZones, zoneLabel } from "./zone-exports.js";

const POLL_HOST_MS = 1500;
const POLL_STAGE_MS = 2000;
const POLL_CAMPAIGNS_MS = 2000;

const state = {
  config: null, api: null, token: null, me: null, markets: new Map(), room: null, roomId: null,
  currencies: new Map(), products: [], stage: { highlights: [], pinned: null, version: -1, max_highlights: 3 }, campaigns: [],
  ingest: null, stream: null, hostView: null, held: [], fetchedAt: 0, policies: new Map(), hostLanguages: [],
  roomRequest: null, // the room being created: its body and Idempotency-Key, kept until it is answered
};

// Every failure the merchant sees is a sentence that says what to do (console-text.js), never a
// raw server detail or a JavaScript message.
function fail(error, prefix = "") {
  const item = toast(`${prefix}${problemSentence(error)}`, "error");
  item.dataset.code = error?.code || "";
  return item;
}

// The room-dependent controls (broadcast, chat, products, pin, coupons) sit in fieldsets that stay
// disabled until a room is open, so nothing can be pressed against a room that does not exist.
function setRoomControls() {
  const open = Boolean(state.room);
  for (const fieldset of $$("fieldset.needs-room")) fieldset.disabled = !open;
  $("#no-room-hint").hidden = open;
  if (open) renderRoom();
}
window.crosslivePage = state; // inspected by the end-to-end tests and handy in devtools

// -- sign-in -----------------------------------------------------------------------------------

function setToken(token) {
  state.token = token;
  state.me = token ? claims(token) : null;
  storeToken("merchant", token);
  $("#whoami").textContent = state.me ? `${state.me.name || state.me.sub} · ${(state.me["cognito:groups"] || []).join(", ")}` : "";
  $("#signin").hidden = Boolean(token) || !state.config.local_issuer;
  $("#signin-hosted").hidden = Boolean(token) || !state.config.auth;
  $("#console").hidden = !token;
}

async function signIn(event) {
  event.preventDefault();
  const sub = $("#signin-sub").value.trim();
  const name = $("#signin-name").value.trim() || undefined;
  try {
    setToken(await issueLocal(state.config, { sub, role: "merchant", market: "CN", name }));
    await afterSignIn();
  } catch {
    toast("Sign-in failed. The merchant id may use letters, digits, dot, underscore, @ and hyphen; check it and try again.", "error");
  }
}

// -- rooms -------------------------------------------------------------------------------------

async function loadRooms(selected) {
  const rooms = await state.api.get("/v1/rooms", { merchant: state.me.sub, limit: 50 });
  const select = $("#room-select");
  select.replaceChildren(h("option", { value: "", text: rooms.length ? "Choose a room…" : "No rooms yet" }),
    ...rooms.map((r) => h("option", { value: r.room_id, text: `${r.title} (${r.status})` })));
  if (selected) select.value = selected;
  return rooms;
}

async function openRoom(roomId) {
  if (!roomId) return;
  state.room = await state.api.get(`/v1/rooms/${roomId}`);
  state.roomId = roomId;
  const url = new URL(location.href);
  url.searchParams.set("room", roomId);
  history.replaceState(null, "", url.href);
  $("#room-form").hidden = true;
  $("#room-select").value = roomId;
  setRoomControls();
  state.currencies = new Map((await state.api.get(`/v1/rooms/${roomId}/currencies`)).map((c) => [c.market, c]));
  await loadPolicies();
  renderPriceInputs();
  renderMarketTexts();
  renderCouponMarkets();
  state.stage.version = -1;
  await Promise.all([loadProducts(), pollStage(), pollHost(), pollCampaigns(), pollSanctions()]);
  showObs();
}

function renderRoom() {
  const room = state.room;
  $("#room-title").textContent = room.title;
  const watch = new URL(`/watch?room=${encodeURIComponent(room.room_id)}`, location.href).href;
  $("#room-info").replaceChildren(
    `${room.room_id} · ${room.markets.join(", ")} · host language ${room.host_language} · `,
    h("a", { href: watch, target: "_blank", rel: "noopener", text: "viewer page" }),
  );
  // Say what the translator does, not more: the embedded default knows a phrasebook; what it cannot
  // translate is shown as written and marked (docs/comments.md, "Translation").
  $("#host-language").textContent = `Shown in ${languageName(room.host_language)} where a translation exists; ` +
    "a comment that could not be translated is shown as written, marked with its language.";
  const badge = $("#live-badge");
  badge.textContent = room.status.toUpperCase();
  badge.className = `badge ${room.status === "live" ? "badge-live" : "badge-off"}`;
  const ended = room.status === "ended";
  $("#end-show").disabled = ended;
  $("#go-live").disabled = ended;
  for (const button of $$("button.export-chat")) button.disabled = !ended;
}

// The languages a host can read the chat in: the platform's host languages and every market's.
function renderLanguagePicker() {
  const tags = ["en", "zh-Hans"];
  for (const m of state.markets.values()) tags.push(...m.languages);
  state.hostLanguages = [...new Set(tags)];
  $("#room-lang").replaceChildren(...state.hostLanguages.map((tag) => h("option", { value: tag, text: `${languageName(tag)} (${tag})` })));
  $("#room-lang").value = "en";
}

// Per-market texts: the merchant may write a title or message for a market in its language; viewers
// there see it instead of the default text (or of a machine translation of it).
function marketTextInputs(container, markets, maxlength, label) {
  container.replaceChildren(...markets.map((code) => {
    const profile = state.markets.get(code);
    const lang = profile?.languages?.[0] || "";
    return h("label", {}, `${code} `, h("input", {
      name: code, maxlength, lang, dir: "auto", "aria-label": `${label} for ${code}`,
      placeholder: lang ? `in ${languageName(lang)}` : "",
    }));
  }));
}

function marketTexts(container) {
  const out = {};
  for (const input of container.querySelectorAll("input")) if (input.value.trim()) out[input.name] = input.value.trim();
  return Object.keys(out).length ? out : undefined;
}

function renderMarketTexts() {
  marketTextInputs($("#p-titles"), state.room.markets, 120, "Product title");
  marketTextInputs($("#p-descriptions"), state.room.markets, 1000, "Product description");
  marketTextInputs($("#pin-texts"), state.room.markets, 280, "Pinned message");
  marketTextInputs($("#c-titles"), state.room.markets, 120, "Coupon title");
}

function renderRoomForm() {
  const viewer = [...state.markets.values()].filter((m) => !m.home_market_only);
  $("#room-home").replaceChildren(...[...state.markets.values()].map((m) => h("option", { value: m.code, text: `${m.code} · ${m.name}` })));
  $("#room-home").value = "CN";
  $("#room-markets").replaceChildren(...viewer.map((m) => h("label", {},
    h("input", { type: "checkbox", value: m.code, checked: ["ID", "DE", "AE"].includes(m.code), onchange: renderRoomTitles }),
    ` ${m.code}`)));
  renderLanguagePicker();
  renderRoomTitles();
}

function renderRoomTitles() {
  const markets = [...document.querySelectorAll("#room-markets input:checked")].map((i) => i.value);
  marketTextInputs($("#room-titles"), markets, 200, "Room title");
}

async function createRoom(event) {
  event.preventDefault();
  const markets = [...document.querySelectorAll("#room-markets input:checked")].map((i) => i.value);
  try {
    if (!markets.length) throw { code: "validation-failed", problem: { errors: [{ loc: ["body", "markets"] }] } };
    const body = {
      title: $("#room-title-input").value.trim(), markets, home_market: $("#room-home").value,
      host_language: $("#room-lang").value, titles: marketTexts($("#room-titles")),
    };
    // One key per intended room: pressing Create again after a failure (a timeout, a 503) with the
    // same form sends the same key, so the server answers with the room it may already have made.
    const sent = JSON.stringify(body);
    if (state.roomRequest?.body !== sent) state.roomRequest = { body: sent, key: idempotencyKey() };
    const room = await state.api.post("/v1/rooms", body, { headers: { "Idempotency-Key": state.roomRequest.key } });
    state.roomRequest = null;
    await loadRooms(room.room_id);
    await openRoom(room.room_id);
    toast("Room created", "ok");
  } catch (error) {
    fail(error);
  }
}

async function setStatus(status) {
  state.room = await state.api.patch(`/v1/rooms/${state.roomId}`, { status });
  renderRoom();
  await loadRooms(state.roomId); // the picker shows each room's status
}

// -- going live --------------------------------------------------------------------------------

async function ingestNode() {
  const nodes = await routeIngest(state.api, state.config, state.roomId, state.room.markets[0]);
  if (!nodes.length) throw { code: "no-ingest-node" };
  return nodes[0];
}

// Why going live failed, as a sentence that says what to do.
function goLiveSentence(error) {
  if (error?.name === "NotAllowedError") return "The browser did not allow the camera and microphone. Allow them for this page, then press Go live again.";
  if (error?.name === "NotFoundError") return "No camera or microphone was found. Connect one, then press Go live again.";
  if (error?.name === "NotReadableError") return "The camera is in use by another application. Close it, then press Go live again.";
  if (error?.code === "no-ingest-node") return "No media node accepts a broadcast right now. Try again in a minute, or broadcast from OBS.";
  if (error?.code || error?.status) return problemSentence(error);
  return "The broadcast could not start. Check the camera and your connection, then press Go live again.";
}

async function showObs() {
  try {
    const node = await ingestNode();
    $("#obs-url").textContent = node.whip_url;
    $("#obs-token").textContent = state.token;
    watchPush(node);
  } catch (error) {
    $("#obs-url").textContent = goLiveSentence(error);
  }
}

async function goLive() {
  if (!state.room) return;
  const button = $("#go-live");
  button.disabled = true;
  const status = $("#ingest-status");
  try {
    status.textContent = "Opening camera…";
    state.stream ||= await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 360 }, audio: true });
    $("#preview").srcObject = state.stream;
    const node = await ingestNode();
    status.textContent = `Publishing to ${node.node_id}…`;
    state.ingest = await publish(node.whip_url, state.token, state.stream);
    state.ingest.node = node;
    watchPush(node);
    state.ingest.pc.addEventListener("connectionstatechange", () => {
      const s = state.ingest?.pc.connectionState;
      status.textContent = `WHIP ${s} · ${node.node_id}`;
      document.body.dataset.ingest = s;
    });
    if (state.room.status !== "live") await setStatus("live");
    status.textContent = `WHIP ${state.ingest.pc.connectionState} · ${node.node_id}`;
    $("#stop-live").hidden = false;
    button.hidden = true;
  } catch (error) {
    status.textContent = goLiveSentence(error);
    status.dataset.error = error?.code || error?.name || "error";
    releaseCamera();
    button.disabled = false;
  }
}

// The camera and microphone are the merchant's: once the broadcast stops, so do they (the browser's
// recording indicator goes off), and Go live asks for them again.
function releaseCamera() {
  for (const track of state.stream?.getTracks() || []) track.stop();
  state.stream = null;
  $("#preview").srcObject = null;
}

async function stopLive() {
  const ingest = state.ingest;
  state.ingest = null;
  try {
    if (ingest) await ingest.close();
  } finally {
    releaseCamera();
  }
  document.body.dataset.ingest = "stopped";
  $("#ingest-status").textContent = "Stopped: camera and microphone are off.";
  $("#stop-live").hidden = true;
  $("#go-live").hidden = false;
  $("#go-live").disabled = state.room?.status === "ended";
}

// End show: one click would be too easy for what cannot be undone, so a dialog says what happens,
// including to the sales still running.
function askEndShow() {
  const now = Date.now();
  const elapsed = (now - state.fetchedAt) / 1000;
  const running = state.campaigns.filter((c) => c.countdown.ends_in_seconds - elapsed > 0);
  const last = Math.max(0, ...running.map((c) => c.countdown.ends_in_seconds - elapsed));
  $("#end-campaigns").textContent = running.length
    ? `${running.length} coupon sale${running.length > 1 ? "s are" : " is"} still running. Ending the show does not stop ` +
      `${running.length > 1 ? "them" : "it"}: viewers can claim until the countdown ends (in ${formatCountdown(last, "en")}), ` +
      "and coupons already claimed stay valid until they expire."
    : "No coupon sale is running. Coupons already claimed stay valid until they expire.";
  $("#end-campaigns").dataset.running = String(running.length);
  $("#end-dialog").showModal();
}

async function endShow(event) {
  if (event.target.returnValue !== "end") return;
  try {
    await stopLive();
    await setStatus("ended");
    toast("The show has ended. You can download the chat (CSV).", "ok");
  } catch (error) { fail(error); }
}

// The chat export, one per data-residency zone (docs/residency.md, "Exports"): the default zone's
// from the pages' API, each zone's from the zone's (config.json `zones`), since a zone's viewers'
// comments are turned into a file only inside the zone. One button per zone, like the win-back's.
function renderChatExports() {
  const zones = exportZones(state.config);
  const first = $("#export-csv");
  if (zones.length > 1) first.textContent = `Chat CSV: ${zoneLabel("default")}`;
  $$("button.export-chat[data-zone]:not(#export-csv)").forEach((b) => b.remove());
  first.after(...zones.slice(1).map(([zone, markets]) => h("button", {
    type: "button", class: "export-chat", "data-zone": zone, disabled: true, title: first.title,
    onclick: () => exportCsv(zone), text: `Chat CSV: ${zoneLabel(zone, markets)}`,
  })));
}

// The chat export needs the bearer token, so it is fetched and handed to the browser as a file; a
// refusal shows the problem's own sentence (e.g. which regions produce a zone's export).
async function exportCsv(zone = "default") {
  try {
    await downloadZoneExport(state.api, state.config, `/v1/comments/rooms/${state.roomId}/export.csv`, zone,
      zone === "default" ? `${state.roomId}-chat.csv` : `${state.roomId}-chat-${zone}.csv`);
  } catch (error) {
    toast(error.message, "error").dataset.code = error.code || "";
  }
}

// -- comments: host view, hot questions, held queue ----------------------------------------------

// The host view is an aggregate (translated into the host's language, priority first, clustered
// into hot questions), so the console reads it from the API; the origin's push socket only says
// when to read it again, so a new comment shows up within one round trip instead of one poll.
let refreshTimer = null;
function watchPush(node) {
  if (state.push?.baseUrl === node.base_url) return;
  state.push?.close();
  state.push = new CommentPush({
    baseUrl: node.base_url, roomId: state.roomId, token: state.token,
    onEvents: (events) => {
      window.dispatchEvent(new CustomEvent("crosslive:push", { detail: events })); // the insights panel's alerts
      if (!events.some((e) => e.comment && e.type !== "insights.alert")) return; // stage/campaign signals do not change the host view
      clearTimeout(refreshTimer);
      refreshTimer = setTimeout(pollHost, 150);
    },
    onState: (s) => { document.body.dataset.push = s; },
  });
  state.push.connect();
}

async function pollHost() {
  if (!state.roomId) return;
  try {
    state.hostView = await state.api.get(`/v1/comments/rooms/${state.roomId}/host`, { window: 600, limit: 100 });
    renderHost();
  } catch { /* next poll */ }
  try {
    const page = await state.api.get(`/v1/comments/rooms/${state.roomId}`, { status: "held", limit: 50, lang: state.room.host_language });
    state.held = page.items;
    renderHeld();
  } catch { /* next poll */ }
}

function commentItem(comment, actions) {
  const translated = comment.translation?.translated && comment.translation.text !== comment.text;
  // Not in the host's language and the translator could not translate it: shown as written, and said.
  const untranslated = !translated && comment.language && comment.language !== "und" &&
    !sameLanguage(comment.language, state.room?.host_language);
  const priority = comment.kind === "viewer" && comment.tags.length > 0;
  return h("li", {
    class: `item comment-item${priority ? " priority" : ""}`,
    dataset: { id: comment.comment_id, kind: comment.kind, market: comment.author_market || "", tags: comment.tags.join(" "),
               untranslated: untranslated ? comment.language : "" },
  },
  h("div", { class: "meta" },
    h("span", { class: "tag", text: comment.author_market || "—" }),
    comment.kind === "auto-faq" ? h("span", { class: "tag tag-faq", text: "FAQ auto-reply" }) : null,
    comment.kind === "host" ? h("span", { class: "tag", text: "host" }) : null,
    priority ? h("span", { class: "tag tag-priority", text: "priority" }) : null,
    ...comment.tags.map((t) => h("span", { class: "tag", text: t })),
    comment.pinned ? h("span", { class: "tag", text: "pinned" }) : null,
    " ", h("bdi", { text: comment.author_name || comment.author_sub })),
  h("div", { class: "host-text", text: translated ? comment.translation.text : comment.text, dir: "auto", lang: translated ? state.room?.host_language : comment.language }),
  translated ? h("div", { class: "meta original" }, `${languageName(comment.language)}: `,
    h("bdi", { text: comment.text, lang: comment.language })) : null,
  untranslated ? h("div", { class: "meta untranslated", text: `Not translated · written in ${languageName(comment.language)}` }) : null,
  actions ? h("div", { class: "actions small" }, actions) : null,
  );
}

function renderHost() {
  const view = state.hostView;
  // Hot questions first (several viewers), then a buying question only one or two asked, ranked lower.
  $("#hot").replaceChildren(...view.hot_questions.map((q) => h("div", {
    class: `hot${q.hot === false ? " single" : ""}`, dataset: { hot: String(q.hot !== false), ids: q.comment_ids.join(" ") },
  },
  h("strong", { text: q.hot === false ? "Asked by a buyer: " : `${q.count}× ` }), h("bdi", { text: q.label, dir: "auto" }),
  h("div", { class: "meta small", text: `${q.authors} ${q.authors === 1 ? "viewer" : "viewers"} · ${q.markets.join(", ")}${q.tags.length ? " · " + q.tags.join(", ") : ""}` }))));
  $("#host-comments").replaceChildren(...view.items.map((c) => commentItem(c, [
    h("button", { type: "button", class: "small", text: c.pinned ? "Unpin" : "Pin", onclick: () => pinComment(c) }),
    c.kind === "viewer" ? h("button", { type: "button", class: "small", text: "Hide", onclick: () => hide(c) }) : null,
    c.kind === "viewer" ? h("button", { type: "button", class: "small", text: "Mute 10 min", onclick: () => sanction(c, "mute") }) : null,
    c.kind === "viewer" ? h("button", { type: "button", class: "small", text: "Ban", onclick: () => sanction(c, "ban") }) : null,
  ])));
}

function renderHeld() {
  $("#held").replaceChildren(...state.held.map((c) => commentItem(c, [
    h("span", { class: "tag tag-held", text: (c.reasons || []).map((r) => r.code).join(", ") || "held" }),
    h("button", { type: "button", class: "small", text: "Approve", onclick: () => decide(c, "approve") }),
    h("button", { type: "button", class: "small", text: "Reject", onclick: () => decide(c, "reject") }),
    h("button", { type: "button", class: "small", text: "Mute 10 min", onclick: () => sanction(c, "mute") }),
  ])));
  if (!state.held.length) $("#held").append(h("li", { class: "muted small", text: "Nothing held." }));
}

async function pinComment(comment) {
  try {
    const path = `/v1/comments/rooms/${state.roomId}/comments/${comment.comment_id}/pin`;
    if (comment.pinned) await state.api.del(path);
    else await state.api.put(path);
    pollHost();
  } catch (error) { fail(error); }
}

// Held comments are decided through the comments function's review queue; a published one is hidden by
// deleting it (its author and the room's moderators can); mutes and bans are room sanctions.
async function decide(comment, decision) {
  try {
    await state.api.post(`/v1/comments/rooms/${state.roomId}/queue/${comment.comment_id}/${decision}`, { reason: "console" });
    toast(decision === "approve" ? "Published" : "Rejected", "ok");
    pollHost();
  } catch (error) { fail(error); }
}

async function hide(comment) {
  try {
    await state.api.del(`/v1/comments/rooms/${state.roomId}/comments/${comment.comment_id}`);
    pollHost();
  } catch (error) { fail(error); }
}

async function sanction(comment, kind) {
  try {
    const body = { kind, reason: `console: ${comment.comment_id}` };
    if (kind === "mute") body.duration_seconds = 600;
    // the account's market decides the data-residency zone the sanction is kept in (docs/residency.md)
    if (comment.author_market) body.market = comment.author_market;
    await state.api.put(`/v1/moderation/rooms/${state.roomId}/sanctions/${encodeURIComponent(comment.author_sub)}`, body);
    toast(`${kind === "mute" ? "Muted" : "Banned"} ${comment.author_name || comment.author_sub}`, "ok");
    pollSanctions();
  } catch (error) { fail(error); }
}

async function lift(sub) {
  try {
    await state.api.del(`/v1/moderation/rooms/${state.roomId}/sanctions/${encodeURIComponent(sub)}`);
    pollSanctions();
  } catch (error) { fail(error); }
}

async function pollSanctions() {
  if (!state.roomId) return;
  try {
    const active = await state.api.get(`/v1/moderation/rooms/${state.roomId}/sanctions`);
    $("#sanctions").replaceChildren(...active.map((s) => h("li", { class: "item", dataset: { sub: s.sub, kind: s.kind } },
      h("div", { class: "meta" }, h("span", { class: "tag tag-held", text: s.kind }), ` ${s.sub}`,
        s.expires_at ? ` · until ${new Date(s.expires_at * 1000).toLocaleTimeString()}` : ""),
      h("div", { class: "actions small" }, h("button", { type: "button", class: "small", text: "Lift", onclick: () => lift(s.sub) })))));
    if (!active.length) $("#sanctions").append(h("li", { class: "muted small", text: "Nobody muted or banned." }));
  } catch { /* next poll */ }
}

async function hostSay(event) {
  event.preventDefault();
  const input = $("#host-say-text");
  try {
    await state.api.post(`/v1/comments/rooms/${state.roomId}`, { text: input.value.trim(), language: state.room.host_language },
      { headers: { "Idempotency-Key": idempotencyKey() } });
    input.value = "";
    pollHost();
  } catch (error) { fail(error); }
}

// -- products, highlights, pinned message ---------------------------------------------------

async function loadProducts() {
  state.products = await state.api.get(`/v1/rooms/${state.roomId}/products`);
  renderProducts();
}

async function pollStage() {
  if (!state.roomId) return;
  try {
    const stage = await state.api.get(`/v1/rooms/${state.roomId}/stage`);
    if (stage.version !== state.stage.version) {
      state.stage = stage;
      renderProducts();
      renderPinned(stage.pinned);
    }
  } catch { /* next poll */ }
}

// Minor units come from the server (CLDR via Babel), the one definition the API uses for amounts; a
// whole amount is shown with the currency's cash digits, as viewers see it (Rp150.000).
function priceText(amount, market) {
  const c = state.currencies.get(market);
  if (!c) return String(amount);
  const cash = c.cash_digits ?? c.minor_units;
  const digits = amount % 10 ** (c.minor_units - cash) === 0 ? cash : c.minor_units;
  return new Intl.NumberFormat(`${c.locale.replace(/_/g, "-")}-u-nu-latn`, {
    style: "currency", currency: c.currency, minimumFractionDigits: digits, maximumFractionDigits: digits,
  }).format(amount / 10 ** c.minor_units);
}

function renderProducts() {
  const on = new Set(state.stage.highlights);
  $("#highlight-count").textContent = `${on.size}/${state.stage.max_highlights}`;
  $("#products").replaceChildren(...state.products.map((p) => h("li", {
    class: `item${on.has(p.sku) ? " on-screen" : ""}`, dataset: { sku: p.sku },
  },
  h("strong", { text: p.title, dir: "auto" }),
  p.description ? h("div", { class: "meta", text: p.description, dir: "auto" }) : null,
  Object.keys(p.titles || {}).length ? h("div", { class: "meta" }, ...Object.entries(p.titles).map(([m, t]) => h("span", { class: "market-text" }, `${m}: `, h("bdi", { text: t })))) : null,
  h("div", { class: "prices" }, ...Object.entries(p.prices).map(([m, a]) => h("span", {}, `${m} `, h("bdi", { text: priceText(a, m) })))),
  h("div", { class: "actions small" },
    on.has(p.sku)
      ? h("button", { type: "button", class: "small", text: "Take off screen", onclick: () => unhighlight(p.sku) })
      : h("button", { type: "button", class: "small primary", text: "Show on screen", disabled: on.size >= state.stage.max_highlights, onclick: () => highlight(p.sku) }),
    h("button", { type: "button", class: "small", text: "Delete", onclick: () => deleteProduct(p.sku) })),
  )));
  if (!state.products.length) $("#products").append(h("li", { class: "muted small", text: "No products yet." }));
}

function renderPriceInputs() {
  $("#p-prices").replaceChildren(...state.room.markets.map((code) => {
    const c = state.currencies.get(code);
    return h("label", {}, `${code} ${c?.currency || ""} `,
      h("input", { type: "number", min: "0", step: "any", name: code, "aria-label": `Price in ${code}` }));
  }));
}

async function saveProduct(event) {
  event.preventDefault();
  const prices = {};
  for (const input of document.querySelectorAll("#p-prices input")) {
    if (input.value === "") continue;
    const digits = state.currencies.get(input.name).minor_units;
    prices[input.name] = Math.round(Number(input.value) * 10 ** digits);
  }
  const body = { title: $("#p-title").value.trim(), prices, titles: marketTexts($("#p-titles")) };
  if (!Object.keys(prices).length) { fail({ code: "validation-failed", problem: { errors: [{ loc: ["body", "prices"] }] } }); return; }
  if ($("#p-description").value.trim()) body.description = $("#p-description").value.trim();
  body.descriptions = marketTexts($("#p-descriptions"));
  if ($("#p-image").value) body.image_url = $("#p-image").value;
  if ($("#p-buy").value) body.buy_url = $("#p-buy").value;
  try {
    await state.api.put(`/v1/rooms/${state.roomId}/products/${encodeURIComponent($("#p-sku").value.trim())}`, body);
    $("#product-form").reset();
    await loadProducts();
    toast("Product saved", "ok");
  } catch (error) { fail(error); }
}

async function highlight(sku) {
  try {
    state.stage = await state.api.post(`/v1/rooms/${state.roomId}/stage/highlights`, { sku });
    renderProducts();
  } catch (error) { fail(error); }
}

async function unhighlight(sku) {
  try {
    state.stage = await state.api.del(`/v1/rooms/${state.roomId}/stage/highlights/${encodeURIComponent(sku)}`);
    renderProducts();
  } catch (error) { fail(error); }
}

async function deleteProduct(sku) {
  try {
    await state.api.del(`/v1/rooms/${state.roomId}/products/${encodeURIComponent(sku)}`);
    await loadProducts();
    state.stage.version = -1;
    pollStage();
  } catch (error) { fail(error); }
}

async function pin(event) {
  event.preventDefault();
  try {
    state.stage = await state.api.put(`/v1/rooms/${state.roomId}/stage/pin`, { text: $("#pin-text").value.trim(), texts: marketTexts($("#pin-texts")) });
    renderPinned(state.stage.pinned);
  } catch (error) { fail(error); }
}

function renderPinned(pinned) {
  if (!pinned) { $("#pinned-now").textContent = "Nothing pinned."; return; }
  $("#pinned-now").replaceChildren("Pinned: ", h("bdi", { text: pinned.text }),
    ...Object.entries(pinned.texts || {}).map(([m, t]) => h("span", { class: "market-text" }, ` · ${m}: `, h("bdi", { text: t }))));
}

async function unpin() {
  try {
    state.stage = await state.api.del(`/v1/rooms/${state.roomId}/stage/pin`);
    $("#pinned-now").textContent = "Nothing pinned.";
  } catch (error) { fail(error); }
}

// -- coupons and flash sales ---------------------------------------------------------------

function renderCouponMarkets() {
  $("#c-markets").replaceChildren(...state.room.markets.map((code) => h("label", {},
    h("input", { type: "checkbox", value: code, checked: true }), ` ${code}`)));
  $("#c-amounts").replaceChildren(...state.room.markets.map((code) => h("label", {},
    `${code} ${state.currencies.get(code)?.currency || ""} `,
    h("input", { type: "number", min: "0", step: "any", name: code, "aria-label": `Amount in ${code}` }))));
  renderCouponKind();
}

function renderCouponKind() {
  const fixed = $("#c-kind").value === "fixed";
  $("#c-percent").disabled = fixed;
  $("#c-amounts-label").textContent = fixed ? "Amount off per market" : "Cap per market (optional)";
}

function minorAmount(market, value) {
  if (value === "" || value === undefined) return null;
  return Math.round(Number(value) * 10 ** state.currencies.get(market).minor_units);
}

// One campaign per market: each runs in its market's currency, and where the market's law asks
// for the prior price (EU Omnibus) it is the price of the product currently on screen there.
// Every market's body is built and checked against its published rules (GET
// /v1/localization/markets/{m}/policies) before the first campaign is sent, so a rule one market
// breaks stops the whole launch instead of leaving some markets running and others not.
async function loadPolicies() {
  await Promise.all(state.room.markets.filter((m) => !state.policies.has(m)).map(async (m) => {
    try {
      const view = await state.api.get(`/v1/localization/markets/${m}/policies`, undefined, { auth: false });
      state.policies.set(m, view.coupon_policy);
    } catch { /* checked by the server on launch */ }
  }));
}

function campaignBodies() {
  const now = Date.now() / 1000;
  const minutes = Number($("#c-minutes").value);
  const hours = Number($("#c-valid").value);
  const onScreen = state.products.find((p) => p.sku === state.stage.highlights[0]);
  const markets = [...document.querySelectorAll("#c-markets input:checked")].map((i) => i.value);
  const titles = marketTexts($("#c-titles")) || {};
  const bodies = [];
  const problems = [];
  if (!markets.length) problems.push("Choose at least one market.");
  for (const market of markets) {
    const amount = minorAmount(market, document.querySelector(`#c-amounts input[name=${market}]`).value);
    let discount = { kind: "percent", percent: Number($("#c-percent").value) };
    if ($("#c-kind").value === "fixed") {
      if (!amount) { problems.push(`${market}: enter the amount off in ${state.currencies.get(market).currency}.`); continue; }
      discount = { kind: "fixed", amount_minor: amount };
    } else if (amount) {
      discount.max_discount_minor = amount;
    }
    const body = {
      title: titles[market] || $("#c-title").value.trim(), markets: [market], currency: state.currencies.get(market).currency,
      discount,
      stock: Number($("#c-stock").value), per_user_limit: 1,
      valid_from: now, valid_until: now + hours * 3600,
      flash: { start: now, end: now + minutes * 60 },
    };
    if ($("#c-segment").value === "winback") body.segment = { kind: "winback", show: $("#c-show").value.trim() || state.roomId };
    const prior = onScreen?.prices?.[market];
    if (prior) body.prior_price_minor = prior;
    const policy = state.policies.get(market);
    if (policy?.requires_prior_price && !prior) {
      problems.push(ruleSentence({ rule: "prior-price-required", market, days: policy.prior_price_days }));
    }
    if (policy && discount.kind === "percent" && discount.percent > policy.max_discount_percent) {
      problems.push(`${market}: at most ${policy.max_discount_percent}% off is allowed there.`);
    }
    if (discount.kind === "fixed" && prior && discount.amount_minor >= prior) {
      problems.push(ruleSentence({ rule: "discount-exceeds-prior-price", market }));
    }
    bodies.push(body);
  }
  return { bodies, problems };
}

async function launchCoupon(event) {
  event.preventDefault();
  const { bodies, problems } = campaignBodies();
  const box = $("#c-problems");
  box.replaceChildren(...problems.map((text) => h("li", { text })));
  box.hidden = !problems.length;
  if (problems.length) {
    toast("Nothing was launched: fix what is listed under the form, then launch again.", "error").dataset.code = "precheck";
    return;
  }
  const launched = [];
  for (const body of bodies) {
    try {
      launched.push(await state.api.post(`/v1/coupons/rooms/${state.roomId}/campaigns`, body));
    } catch (error) {
      fail(error, `${body.markets[0]}: `);
    }
  }
  if (launched.length) toast(`Launched in ${launched.map((c) => c.markets.join(",")).join(", ")}`, "ok");
  pollCampaigns();
}

async function pollCampaigns() {
  if (!state.roomId) return;
  try {
    state.campaigns = await state.api.get(`/v1/coupons/rooms/${state.roomId}/campaigns`, { limit: 20 });
    state.fetchedAt = Date.now();
    renderCampaigns();
  } catch { /* next poll */ }
}

function renderCampaigns() {
  const elapsed = (Date.now() - state.fetchedAt) / 1000;
  $("#campaigns").replaceChildren(...state.campaigns.slice(0, 8).map((c) => {
    const ends = c.countdown.ends_in_seconds - elapsed;
    const starts = c.countdown.starts_in_seconds - elapsed;
    const when = starts > 0 ? `starts in ${formatCountdown(starts, "en")}` : ends > 0 ? `ends in ${formatCountdown(ends, "en")}` : "ended";
    // Each market's discount is in its own language and direction (Arabic is RTL): <bdi> keeps it
    // from reordering the English around it.
    return h("li", { class: "item", dataset: { campaign: c.campaign_id } },
      h("strong", {}, h("bdi", { text: c.title }), ` · ${c.markets.join(", ")}`),
      h("div", { class: "meta" }, ...c.terms.flatMap((t, i) => [i ? " / " : "", h("bdi", { text: t.discount, lang: t.language })]),
        ` · ${c.remaining}/${c.stock} left · ${when}`));
  }));
}

// -- start -------------------------------------------------------------------------------------

async function afterSignIn() {
  const markets = await state.api.get("/v1/localization/markets", undefined, { auth: false });
  for (const profile of markets) state.markets.set(profile.code, profile);
  renderRoomForm();
  const wanted = new URL(location.href).searchParams.get("room");
  await loadRooms(wanted);
  if (wanted) await openRoom(wanted);
  else $("#room-form").hidden = false;
}

async function main() {
  // Listeners first: no form is usable before its handler exists.
  $("#signin").addEventListener("submit", signIn);
  $("#signin-hosted").addEventListener("click", () => beginHostedSignIn(state.config).catch((e) => toast(e.message, "error")));
  $("#room-select").addEventListener("change", (e) => openRoom(e.target.value));
  $("#room-new").addEventListener("click", () => { $("#room-form").hidden = false; });
  $("#room-form").addEventListener("submit", createRoom);
  $("#go-live").addEventListener("click", goLive);
  $("#stop-live").addEventListener("click", stopLive);
  $("#end-show").addEventListener("click", askEndShow);
  $("#end-dialog").addEventListener("close", (event) => endShow(event));
  $("#export-csv").addEventListener("click", () => exportCsv("default"));
  $("#host-say").addEventListener("submit", hostSay);
  $("#product-form").addEventListener("submit", saveProduct);
  $("#pin-form").addEventListener("submit", pin);
  $("#unpin").addEventListener("click", unpin);
  $("#coupon-form").addEventListener("submit", launchCoupon);
  $("#c-segment").addEventListener("change", () => { $("#c-show").hidden = $("#c-segment").value !== "winback"; });
  $("#c-kind").addEventListener("change", renderCouponKind);
  state.config = await loadConfig();
  state.api = new Api(state.config.api, () => state.token);
  renderChatExports();
  setToken((await completeHostedSignIn(state.config, "merchant")) || takeToken("merchant", state.config));
  setRoomControls();
  if (state.token) await afterSignIn();
  setInterval(pollHost, POLL_HOST_MS);
  setInterval(pollStage, POLL_STAGE_MS);
  setInterval(pollCampaigns, POLL_CAMPAIGNS_MS);
  setInterval(pollSanctions, 5000);
  setInterval(() => state.campaigns.length && renderCampaigns(), 1000);
  document.body.dataset.ready = "1";
}

main().catch((error) => {
  toast(error.message || String(error), "error");
  document.body.dataset.error = "error";
});

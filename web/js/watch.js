// The viewer page: /watch?room=<id> (or /watch/<id>). Market from ?market=, the last choice, the
// token, or the browser's locale; playback over WHEP from the node the router picks (and another
// one when it dies); comments in the viewer's language; product cards, pinned message and coupons
// in the market's currency and format. Every server string is rendered as text, never as HTML; a
// failed request is worded from its problem code in the viewer's language (i18n.js problemText).

import { Api, ApiError, idempotencyKey } from "./api.js";
import {
  beginHostedSignIn, claims, completeHostedSignIn, issueLocal, randomId, storeToken, takeToken,
} from "./auth.js";
import { loadConfig } from "./config.js";
import { $, $$, h, toast } from "./dom.js";
import { bcp47, formatCountdown, languageName, pickLanguage, problemKey, problemText, sameLanguage, translator } from "./i18n.js";
import { CommentPush } from "./push.js";

const POLL_STAGE_MS = 1000;
const POLL_COMMENTS_MS = 1500;
const CATCH_UP_MS = 10000; // while the push socket is live, the list API only catches up
const POLL_COUPONS_MS = 2000;
const POLL_ROOM_MS = 5000;
// A share link's open counts once the platform saw this viewer watch (a media node records 20 s of
// frames, functions/coupons/presence.py): the first report a few seconds into playback, then every
// SHARE_OPEN_RETRY_MS (the server's Retry-After), a bounded number of times.
const SHARE_OPEN_FIRST_MS = 5000;
const SHARE_OPEN_RETRY_MS = 10000;
const SHARE_OPEN_TRIES = 15;
// While the push socket is live, stage/campaign/room changes arrive as signals on it: their polls
// only catch up (a missed signal) instead of running every second per viewer.
const SIGNAL_CATCH_UP_MS = 15000;
// Player states in which a room going live does not restart it: already on its way to play, or refused.
const PLAYER_BUSY = new Set(["routing", "connecting", "connected", "playing", "rerouting", "forbidden"]);

// Before a market is chosen (or when there is no room at all) the page speaks the browser's language.
const BROWSER_LANGUAGE = pickLanguage(navigator.languages?.length ? navigator.languages : [navigator.language]);

const state = {
  config: null, api: null, roomId: null, room: null, markets: new Map(), market: null, profile: null,
  language: BROWSER_LANGUAGE, locale: "en", t: translator(BROWSER_LANGUAGE), token: null, me: null,
  stageVersion: -1, stageMarket: null, comments: new Map(), offer: null, claimed: new Map(),
  clockSkew: 0, player: null, push: null, lastPoll: 0, productsSeen: new Set(),
  polled: { stage: 0, coupons: 0, room: 0 }, busy: {}, again: {}, campaignIds: new Set(),
  signalled: { room: 0, stage: 0, campaign: 0, stock: 0 }, // push signals received / stock updates applied from them
};
window.crosslivePage = state; // inspected by the end-to-end tests and handy in devtools

function roomFromUrl() {
  const url = new URL(location.href);
  const fromQuery = url.searchParams.get("room");
  if (fromQuery) return fromQuery;
  const match = url.pathname.match(/^\/watch\/([A-Za-z0-9_-]{3,64})$/);
  return match ? match[1] : null;
}

// -- market and language ---------------------------------------------------------------------

function chooseMarket(available) {
  const url = new URL(location.href);
  const candidates = [
    url.searchParams.get("market"),
    localStorage.getItem("crosslive.market"),
    state.token ? claims(state.token)["custom:market"] : null,
  ];
  for (const code of candidates) if (code && available.has(code.toUpperCase())) return code.toUpperCase();
  // Browser locale: a region subtag names the market ("ar-AE" -> AE), else the language does.
  for (const tag of navigator.languages || [navigator.language]) {
    const parts = String(tag).split("-");
    const region = parts.find((p, i) => i > 0 && /^[A-Z]{2}$/i.test(p));
    if (region && available.has(region.toUpperCase())) return region.toUpperCase();
  }
  for (const tag of navigator.languages || [navigator.language]) {
    const lang = String(tag).toLowerCase().split("-")[0];
    for (const profile of available.values()) if (profile.languages[0].split("-")[0] === lang) return profile.code;
  }
  return available.keys().next().value;
}

// The page's own words in state.t's language: text, placeholders and screen-reader labels.
function applyLabels() {
  for (const el of $$("[data-i18n]")) el.textContent = state.t(el.dataset.i18n);
  for (const el of $$("[data-i18n-placeholder]")) el.placeholder = state.t(el.dataset.i18nPlaceholder);
  for (const el of $$("[data-i18n-label]")) el.setAttribute("aria-label", state.t(el.dataset.i18nLabel));
}

// A failed request as the viewer reads it: a toast worded from the problem's code (data-code for tests).
function showProblem(error) {
  const item = toast(problemText(error, state.language), "error");
  item.dataset.code = error?.code || "";
}

function applyMarket(code) {
  state.market = code;
  state.profile = state.markets.get(code);
  state.language = state.profile.languages[0];
  // Latin digits, as the server's prices (Babel formats with latn): an Arabic page must not show
  // "99.00 ر.س." beside a countdown in Arabic-Indic digits.
  state.locale = `${bcp47(state.profile.locale)}-u-nu-latn`;
  state.t = translator(state.language);
  localStorage.setItem("crosslive.market", code);
  document.documentElement.lang = state.language;
  document.documentElement.dir = state.profile.direction === "rtl" ? "rtl" : "ltr";
  applyLabels();
  $("#market").value = code;
  state.stageVersion = -1; // redraw the cards in the new currency
  state.comments.clear();
  $("#comments").replaceChildren();
  updateBadge();
}

// -- token -------------------------------------------------------------------------------------

async function ensureToken({ reissue = false } = {}) {
  const current = state.token ? claims(state.token) : null;
  const wrongMarket = current && current["custom:market"] !== state.market;
  if (state.token && !(reissue && wrongMarket)) return;
  if (!state.config.local_issuer) return;
  if (state.token && wrongMarket && current.iss === "crosslive-local") {
    // Local tokens are cheap: the same viewer, now in the chosen market.
    const token = await issueLocal(state.config, {
      sub: current.sub, role: "viewer", market: state.market, name: current.name || undefined,
    });
    setToken(token);
  }
}

function setToken(token) {
  state.token = token;
  state.me = token ? claims(token) : null;
  storeToken("viewer", token);
  const signedIn = Boolean(token);
  $("#comment-form").hidden = !signedIn;
  $("#signin").hidden = signedIn || !state.config.local_issuer;
  $("#signin-hosted").hidden = signedIn || !state.config.auth;
  $("#signin-hint").hidden = signedIn || Boolean(state.config.local_issuer) || Boolean(state.config.auth);
  $("#claim").disabled = !signedIn;
  $("#share").hidden = !signedIn;
  // Playback needs a viewer token (the media node admits the room's markets by it): a viewer who is
  // not signed in is told so on the video in one line, instead of a black box.
  const needsSignIn = !signedIn && state.room?.status !== "ended";
  $("#watch-signin").hidden = !needsSignIn;
  if (needsSignIn) {
    $("#player-status").textContent = "";
    document.body.dataset.player = "signed-out";
  }
}

// The one-line sign-in on the video: the local issuer's name field on the embedded platform; in a
// deployment with hosted sign-in (Cognito), that sign-in at once; else the hint that says how.
function focusSignIn() {
  if (!state.config.local_issuer && state.config.auth) {
    beginHostedSignIn(state.config, state.market).catch(showProblem);
    return;
  }
  const target = state.config.local_issuer ? $("#signin-name") : $("#signin-hint");
  target.scrollIntoView({ block: "center" });
  if (target.focus) target.focus();
}

async function signInLocal(event) {
  event.preventDefault();
  const name = $("#signin-name").value.trim() || state.t("default_name");
  try {
    setToken(await issueLocal(state.config, { sub: randomId("viewer"), role: "viewer", market: state.market, name }));
    startPlayer();
  } catch (error) {
    showProblem(error);
  }
}

// -- player ------------------------------------------------------------------------------------

function updateBadge() {
  const status = state.room?.status || "scheduled";
  const badge = $("#live-badge");
  badge.textContent = status === "live" ? state.t("live") : (status === "ended" ? state.t("ended") : state.t("offline"));
  badge.className = `badge ${status === "live" ? "badge-live" : "badge-off"}`;
  badge.dataset.status = status;
}

// What a refused stream (401/403 from routing or WHEP) tells the viewer: their market or an expired
// sign-in when the problem says so, else that this stream is not theirs to watch.
function refusedText(status) {
  const key = problemKey({ code: status.code, status: status.httpStatus });
  return ["err_market_not_served", "err_sign_in"].includes(key) ? state.t(key) : state.t("stream_refused");
}

// The room's state as the page knows it, from a read or a push signal: the newer version wins (a
// catch-up read that started before a signal must not undo it). Going live starts or retries
// playback at once; ending stops it.
function applyRoom(room) {
  if (state.room && Number(room.version ?? 0) < Number(state.room.version ?? 0)) return;
  const before = state.room?.status;
  state.room = room;
  updateBadge();
  if (room.status === "ended") endPlayback();
  else if (room.status === "live" && before !== "live") kickPlayer();
}

// A {"type": "room", status, version} signal (functions/rooms/signals.py): no request needed.
function onRoomSignal(event) {
  if (event.room_id !== state.roomId || !state.room) return;
  if (!(Number(event.version) > Number(state.room.version ?? -1))) return;
  applyRoom({ ...state.room, status: event.status, version: event.version });
}

// The room went live: a player waiting out its retry backoff (nothing was broadcast yet) tries again
// now instead of up to 5 s later. One that is routing, connecting, playing or refused is left alone.
async function kickPlayer() {
  if (PLAYER_BUSY.has(document.body.dataset.player)) return;
  const old = state.player;
  state.player = null;
  if (old) await old.stop();
  startPlayer();
}

async function endPlayback() {
  const old = state.player;
  state.player = null;
  $("#player-status").textContent = state.t("show_ended");
  document.body.dataset.player = "ended";
  $("#node-info").textContent = "";
  $("#unmute").hidden = true;
  // The picture goes at once, together with "ended" (stopping the player's session may take a
  // while on a busy phone; nothing is shown from it meanwhile).
  $("#video").srcObject = null;
  if (old) await old.stop();
  $("#video").srcObject = null; // in case the stopping player attached a stream meanwhile
}

// Playback is the media nodes' player (media_nodes/static/crosslive-player.js, loaded by the
// page): routing with RTT probes, WHEP, and re-routing away from a node that fails or stalls.
function startPlayer() {
  if (state.player || !state.token || !window.CrosslivePlayer || state.room?.status === "ended") return;
  const video = $("#video");
  const player = new window.CrosslivePlayer({
    apiBase: state.config.api || "", roomId: state.roomId, token: state.token, video, market: state.market,
    onStatus: (status) => {
      if (state.player !== player) return;
      const live = state.room?.status === "live";
      const text = {
        routing: state.t("connecting"), connecting: state.t("connecting"), connected: state.t("connecting"),
        playing: "", rerouting: state.t("reconnecting"), retrying: live ? state.t("connecting") : state.t("offline"),
        forbidden: refusedText(status), stopped: "",
      }[status.state] ?? status.state;
      $("#player-status").textContent = text;
      const node = status.node;
      // Which node serves the video is for diagnostics, kept behind "Connection details".
      $("#node-info").textContent = node ? `${state.t("node")}: ${node.node_id} · ${node.role || ""} · ${node.region || ""}` : "";
      document.body.dataset.player = status.state;
      document.body.dataset.node = node ? node.node_id : "";
      document.body.dataset.nodeRole = node ? node.role || "" : "";
      $("#unmute").hidden = status.state !== "playing" || !video.muted;
      // The push socket follows the node that plays; before anything plays (a scheduled room), the first
      // node tried serves it, so the room going live reaches the page by push too.
      if (status.state === "playing") { scheduleShareOpen(SHARE_OPEN_FIRST_MS); reportProductsSeen(); }
      if (["connected", "playing"].includes(status.state)) ensurePush(node);
      else if (status.state === "connecting" && !state.push) ensurePush(node);
    },
  });
  state.player = player;
  player.start();
}

async function restartPlayer() {
  const old = state.player;
  state.player = null;
  state.push?.close(); // the token may have changed with the market
  state.push = null;
  if (old) await old.stop();
  startPlayer();
}

$("#unmute").addEventListener("click", () => {
  const video = $("#video");
  video.muted = false;
  $("#unmute").hidden = true;
  video.play().catch(() => {});
});

// -- polling as catch-up -----------------------------------------------------------------------

// One fetch per kind at a time: a signal arriving while one runs asks for one more run after it.
// Timer calls skip while the push socket is live and the last fetch is younger than the catch-up.
async function refresh(kind, fetcher, { force = false } = {}) {
  if (!force && state.push?.state === "live" && Date.now() - state.polled[kind] < SIGNAL_CATCH_UP_MS) return;
  if (state.busy[kind]) { state.again[kind] = true; return; }
  state.busy[kind] = true;
  state.polled[kind] = Date.now();
  try {
    await fetcher();
  } finally {
    state.busy[kind] = false;
    if (state.again[kind]) {
      state.again[kind] = false;
      refresh(kind, fetcher, { force: true });
    }
  }
}

// -- stage: product cards and pinned message ----------------------------------------------------

function pollStage(options) {
  return refresh("stage", fetchStage, options);
}

async function fetchStage() {
  try {
    const stage = await state.api.get(`/v1/rooms/${state.roomId}/stage`, { market: state.market }, { auth: false });
    if (stage.version !== state.stageVersion || state.stageMarket !== state.market) {
      state.stageVersion = stage.version;
      state.stageMarket = state.market;
      renderStage(stage);
    }
  } catch (error) {
    if (!(error instanceof ApiError)) return;
  }
}

// -- insights: what the viewer saw and tapped (through the player's beacons) ---------------------

// Reported with the player's beacons (docs/insights.md, "Product click-through", "Engagement"):
// "seen" once per product card that came on screen while playing, "tap" for Buy or Claim pressed
// while a product card was on screen, "share" when a share link was made.
function report(type, extra = {}) {
  const player = state.player;
  if (!player || !player.beacon || document.body.dataset.player !== "playing") return;
  if (type === "tap" && !$("#cards").children.length) return; // no product on screen: not a product tap
  player.beacon(type, 0, false, extra.on);
}

function reportProductsSeen() {
  for (const card of $$("#cards .card")) {
    const sku = card.dataset.sku;
    if (sku && !state.productsSeen.has(sku) && document.body.dataset.player === "playing") {
      state.productsSeen.add(sku);
      report("seen");
    }
  }
}

function renderStage(stage) {
  const cards = stage.highlights.map((card) => h("article", { class: "card", dataset: { sku: card.sku } },
    card.image_url ? h("img", { src: card.image_url, alt: "", loading: "lazy" }) : null,
    h("div", { class: "card-title", text: card.title, title: card.title_original }),
    card.description ? h("p", { class: "card-description", text: card.description, dir: "auto" }) : null,
    card.price
      ? h("div", { class: "card-price", text: card.price, dataset: { currency: card.currency } })
      : h("div", { class: "muted small", text: state.t("not_sold") }),
    card.price && card.buy_url && buyHref(card)
      ? h("a", { class: "button primary buy", href: buyHref(card), target: "_blank", rel: "noopener noreferrer",
                 text: state.t("buy") })
      : null,
  ));
  $("#cards").replaceChildren(...cards);
  for (const link of $$("#cards .buy")) link.addEventListener("click", () => report("tap", { on: "buy" }));
  reportProductsSeen();
  const pinned = stage.pinned;
  $("#pinned").hidden = !pinned;
  $("#pinned-text").textContent = pinned ? pinned.text : "";
}

// "Buy" hands over to the merchant's own product page / checkout, with the viewer's coupon code for
// this room when they claimed one (the checkout redeems it through POST /v1/coupons/redemptions).
function buyHref(card) {
  let url;
  try { url = new URL(card.buy_url); } catch { return null; }
  if (url.protocol !== "https:") return null;
  const coupon = [...state.claimed.values()].find((c) => c.room_id === state.roomId);
  if (coupon) url.searchParams.set("coupon", coupon.code);
  url.searchParams.set("market", state.market);
  return url.href;
}

// -- comments ----------------------------------------------------------------------------------

async function pollComments() {
  if (state.push?.state === "live" && Date.now() - state.lastPoll < CATCH_UP_MS) return;
  state.lastPoll = Date.now();
  try {
    const page = await state.api.get(`/v1/comments/rooms/${state.roomId}`,
      { lang: state.language, limit: 50, order: "newest", market: state.market });
    const fresh = page.items.filter((c) => !state.comments.has(c.comment_id)).reverse();
    for (const comment of page.items) {
      const known = state.comments.get(comment.comment_id);
      if (known && known.status !== comment.status) renderComment(comment, known.el);
    }
    for (const comment of fresh) renderComment(comment);
  } catch { /* next poll */ }
}

// Push events from the media node: new comments, status changes (approved, pinned), removals, and
// the live signals of the room, the stage and the coupon campaigns (functions/rooms/signals.py, functions/coupons/signals.py).
function applyPushEvents(events) {
  for (const event of events) {
    if (event.type === "room") { state.signalled.room += 1; onRoomSignal(event); continue; }
    if (event.type === "stage") { state.signalled.stage += 1; onStageSignal(event); continue; }
    if (event.type === "campaign") { state.signalled.campaign += 1; onCampaignSignal(event); continue; }
    const comment = event.comment;
    if (!comment) continue;
    const known = state.comments.get(comment.comment_id);
    if (event.type === "comment.remove" || comment.status === "deleted" || comment.status === "rejected") {
      if (known && !(state.me && comment.author_sub === state.me.sub)) {
        known.el.remove();
        state.comments.delete(comment.comment_id);
      }
      continue;
    }
    const translation = comment.translations?.[state.language] || comment.translations?.[state.language.split("-")[0]];
    const view = { ...comment, translation: translation || comment.translation || null };
    if (known) renderComment(view, known.el, "push");
    else renderComment(view, undefined, "push");
  }
}

function ensurePush(node) {
  const base = node?.probe_url ? new URL(node.probe_url).origin : null;
  if (!base || !state.token || state.push?.baseUrl === base) return;
  state.push?.close();
  state.push = new CommentPush({
    baseUrl: base, roomId: state.roomId, token: state.token, onEvents: applyPushEvents,
    onState: (s) => {
      document.body.dataset.push = s;
      if (s === "live") { pollStage({ force: true }); pollCoupons({ force: true }); pollRoom({ force: true }); } // signals missed while down
    },
  });
  state.push.connect();
}

// The stage changed: read it once, only when the signal's version is newer than what is shown.
function onStageSignal(event) {
  if (event.room_id !== state.roomId || !(event.version > state.stageVersion)) return;
  pollStage({ force: true });
}

// A campaign changed. Stock left and state travel in the signal: the stock line updates without a
// request. A campaign this page does not know (new, changed, removed) makes it read the list once.
function onCampaignSignal(event) {
  if (event.room_id !== state.roomId) return;
  if (Array.isArray(event.markets) && !event.markets.includes(state.market)) return;
  if (event.change !== "stock" || !state.campaignIds.has(event.campaign_id)) {
    pollCoupons({ force: true });
    return;
  }
  const offer = state.offer;
  if (!offer || offer.campaign_id !== event.campaign_id) return;
  if (event.state !== offerState(offer)) { // our countdown disagrees with the server's: resync it
    pollCoupons({ force: true });
    return;
  }
  if (event.left < offer.remaining) {
    offer.remaining = event.left; // stock only goes down: an older signal never raises it
    state.signalled.stock += 1;
    renderOffer();
  }
}

function renderComment(comment, existing, via = "list") {
  const translated = comment.translation && comment.translation.translated &&
    comment.translation.text !== comment.text;
  // Written in another language and no translation exists: shown as written, and said, with the
  // language it was written in (in the viewer's own words for it).
  const untranslated = !translated && comment.language && comment.language !== "und" &&
    !sameLanguage(comment.language, state.profile?.languages?.[0] || state.language);
  const mine = state.me && comment.author_sub === state.me.sub;
  const el = h("li", {
    class: `comment ${comment.kind}${mine ? " mine" : ""}`,
    dataset: { id: comment.comment_id, status: comment.status, lang: comment.language, via },
  },
  h("span", { class: "who", text: comment.kind === "auto-faq" ? state.t("auto_reply") : (comment.author_name || "…") }),
  h("span", { class: "text", text: translated ? comment.translation.text : comment.text, lang: translated ? state.language : comment.language, dir: "auto" }),
  translated ? h("span", { class: "original", text: comment.text, lang: comment.language, dir: "auto" }) : null,
  comment.status === "held" ? h("span", { class: "flag", text: state.t("held") }) : null,
  comment.status === "rejected" ? h("span", { class: "flag", text: state.t("rejected") }) : null,
  translated ? h("span", { class: "flag", text: state.t("translated") }) : null,
  untranslated ? h("span", { class: "flag untranslated", text: state.t("not_translated").replace("{language}", languageName(comment.language, state.language)) }) : null,
  );
  if (untranslated) el.dataset.untranslated = comment.language;
  const list = $("#comments");
  if (existing) existing.replaceWith(el);
  else list.append(el);
  state.comments.set(comment.comment_id, { status: comment.status, el });
  while (list.children.length > 200) {
    const first = list.firstElementChild;
    state.comments.delete(first.dataset.id);
    first.remove();
  }
  if (!existing) list.scrollTop = list.scrollHeight;
}

async function postComment(event) {
  event.preventDefault();
  const input = $("#comment-text");
  const text = input.value.trim();
  if (!text || !state.token) return;
  const button = $("#comment-form button");
  button.disabled = true;
  try {
    const comment = await state.api.post(`/v1/comments/rooms/${state.roomId}`, { text, language: state.language },
      { headers: { "Idempotency-Key": idempotencyKey() } });
    input.value = "";
    if (!state.comments.has(comment.comment_id)) renderComment(comment);
  } catch (error) {
    showProblem(error);
  } finally {
    button.disabled = false;
  }
}

// -- coupons and flash sales -----------------------------------------------------------------

function pollCoupons(options) {
  return refresh("coupons", fetchCoupons, options);
}

async function fetchCoupons() {
  try {
    const campaigns = await state.api.get(`/v1/coupons/rooms/${state.roomId}/campaigns`,
      { market: state.market }, { auth: false });
    state.campaignIds = new Set(campaigns.map((c) => c.campaign_id));
    const now = Date.now() / 1000;
    const open = campaigns.filter((c) => c.countdown.state !== "ended");
    const campaign = open.find((c) => c.countdown.state === "live") || open[0] || null;
    if (campaign) state.clockSkew = campaign.countdown.server_time - now;
    state.offer = campaign ? { ...campaign, fetchedAt: Date.now() } : null;
    renderOffer();
  } catch { /* next poll */ }
}

function offerSeconds(offer) {
  const elapsed = (Date.now() - offer.fetchedAt) / 1000;
  return { starts: offer.countdown.starts_in_seconds - elapsed, ends: offer.countdown.ends_in_seconds - elapsed };
}

function offerState(offer) {
  const { starts, ends } = offerSeconds(offer);
  return starts > 0 ? "upcoming" : (ends > 0 ? "live" : "ended");
}

function renderOffer() {
  const offer = state.offer;
  const box = $("#offer");
  box.hidden = !offer;
  if (!offer) return;
  const terms = offer.terms.find((t) => t.market === state.market) || offer.terms[0];
  box.dataset.campaign = offer.campaign_id;
  $("#offer-kind").textContent = offer.flash ? state.t("flash") : state.t("claim");
  $("#offer-title").textContent = offer.title;
  $("#offer-discount").textContent = terms ? terms.discount : "";
  $("#offer-terms").textContent = terms ? [offer.min_spend_minor > 0 && `${state.t("min_spend")} ${terms.min_spend}`,
    terms.prior_price, ...terms.disclosures].filter(Boolean).join(" · ") : "";
  $("#offer-left").dataset.left = String(offer.remaining);
  $("#offer-left").textContent = offer.remaining > 0
    ? state.t("left").replace("{n}", new Intl.NumberFormat(state.locale).format(offer.remaining)) : state.t("sold_out");
  const mine = state.claimed.get(offer.campaign_id);
  $("#claimed").hidden = !mine;
  if (mine) {
    $("#claimed-short").textContent = shortCode(mine.code);
    $("#claimed-code").textContent = mine.code;
    $("#claimed-works").textContent = mine.works || [mine.discount_text, mine.valid_until_text].filter(Boolean).join(" · ");
  }
  tick();
}

function tick() {
  const offer = state.offer;
  if (!offer) return;
  const { starts, ends } = offerSeconds(offer);
  const el = $("#countdown");
  const claim = $("#claim");
  const mine = state.claimed.get(offer.campaign_id);
  const now = offerState(offer);
  // The sale opened or closed: no write marks that moment, so ask once which offer to show now.
  if (offer.shownState && offer.shownState !== now) pollCoupons({ force: true });
  offer.shownState = now;
  if (starts > 0) {
    el.textContent = `${state.t("starts_in")} ${formatCountdown(starts, state.locale)}`;
    el.dataset.state = "upcoming";
  } else if (ends > 0) {
    el.textContent = `${state.t("ends_in")} ${formatCountdown(ends, state.locale)}`;
    el.dataset.state = "live";
  } else {
    el.textContent = state.t("ended");
    el.dataset.state = "ended";
  }
  claim.hidden = Boolean(mine);
  claim.disabled = !state.token || starts > 0 || ends <= 0 || offer.remaining <= 0;
}

// The part of a coupon code a person reads out (to the shop's support, or to tell two apart): the
// first 40 bits of its random id in Crockford base32 (no I, L, O, U; case does not matter), in two
// groups of four. The checkout needs the whole code, which the copy button copies
// (functions/coupons/codes.py: CPN1.<id>.<tag>, id in base64url).
const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
function shortCode(code) {
  const id = String(code).split(".")[1] || "";
  const bytes = [...atob(id.replace(/-/g, "+").replace(/_/g, "/").slice(0, 8))].map((c) => c.charCodeAt(0)).slice(0, 5);
  let bits = bytes.reduce((n, b) => n * 256n + BigInt(b), 0n);
  let out = "";
  for (let i = 0; i < 8; i += 1) { out = CROCKFORD[Number(bits % 32n)] + out; bits /= 32n; }
  return `${out.slice(0, 4)}-${out.slice(4)}`;
}

// -- sharing -----------------------------------------------------------------------------------

// "Share": a link to this page for this room with the viewer's share id (POST /v1/coupons/rooms/{room}/shares),
// handed to the system's share sheet where there is one, else copied (and shown, selected, if the
// clipboard is refused). It counts for the sharer when someone else opens it and watches.
async function shareRoom() {
  const button = $("#share");
  try {
    const share = await state.api.post(`/v1/coupons/rooms/${state.roomId}/shares`, {});
    report("share");
    const url = new URL(location.href);
    url.hash = "";
    for (const key of [...url.searchParams.keys()]) if (key !== "room") url.searchParams.delete(key);
    url.searchParams.set("share", share.share_id);
    state.shareLink = url.href;
    const field = $("#share-link");
    field.value = url.href;
    field.hidden = false;
    if (navigator.share) {
      try { await navigator.share({ title: document.title, url: url.href }); return; } catch { /* copy instead */ }
    }
    try {
      await navigator.clipboard.writeText(url.href);
      button.textContent = state.t("copied");
      setTimeout(() => { button.textContent = state.t("share"); }, 2000);
    } catch {
      field.select();
    }
  } catch (error) {
    showProblem(error);
  }
}

// Opened through someone's share link: report the open once this viewer has watched (the server
// decides whether it counts: docs/coupons.md, "Shares"). Quiet: an open that does not count, or
// one refused, is not the viewer's problem. A reload does not report the same link twice.
function scheduleShareOpen(delay) {
  const shareId = new URL(location.href).searchParams.get("share");
  if (!shareId || state.shareOpen || !state.token || sessionStorage.getItem(`crosslive.share.${shareId}`)) return;
  state.shareOpen = { share_id: shareId, state: "waiting", tries: 0 };
  setTimeout(() => reportShareOpen(shareId), delay);
}

async function reportShareOpen(shareId) {
  const open = state.shareOpen;
  open.tries += 1;
  try {
    const answer = await state.api.post(`/v1/coupons/shares/${encodeURIComponent(shareId)}/opens`, {});
    Object.assign(open, { state: "done", counted: answer.counted });
    document.body.dataset.shareOpen = "done";
    sessionStorage.setItem(`crosslive.share.${shareId}`, "1");
  } catch (error) {
    const again = error instanceof ApiError && error.code === "opener-not-present" && open.tries < SHARE_OPEN_TRIES;
    Object.assign(open, { state: again ? "waiting" : "refused", code: error.code });
    document.body.dataset.shareOpen = open.state;
    if (again) setTimeout(() => reportShareOpen(shareId), SHARE_OPEN_RETRY_MS);
  }
}

async function copyCode() {
  const code = $("#claimed-code").textContent;
  const button = $("#copy-code");
  try {
    await navigator.clipboard.writeText(code);
  } catch { // no clipboard permission: select the code so a long-press / Ctrl+C copies it
    const range = document.createRange();
    range.selectNodeContents($("#claimed-code"));
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    return;
  }
  button.textContent = state.t("copied");
  button.dataset.copied = "1";
  setTimeout(() => { button.textContent = state.t("copy"); delete button.dataset.copied; }, 2000);
}

async function claimOffer() {
  const offer = state.offer;
  if (!offer || !state.token) return;
  const button = $("#claim");
  button.disabled = true;
  // Progress while the claim is on its way: the button says so at once, and a slow answer (a
  // contended sale) gets a sentence after two seconds rather than a silent disabled button.
  button.textContent = state.t("claiming");
  button.setAttribute("aria-busy", "true");
  document.body.dataset.claim = "pending";
  const slow = setTimeout(() => { $("#claim-progress").textContent = state.t("claiming_slow"); }, 2000);
  // One key per claim attempt: a retry after a lost answer returns the same coupon.
  offer.claimKey ||= idempotencyKey();
  try {
    const coupon = await state.api.post(`/v1/coupons/rooms/${state.roomId}/campaigns/${offer.campaign_id}/claims`,
      undefined, { headers: { "Idempotency-Key": offer.claimKey } });
    state.claimed.set(offer.campaign_id, coupon);
    state.stageVersion = -1; // buy links now carry the code
    document.body.dataset.claim = "done";
    renderOffer();
  } catch (error) {
    document.body.dataset.claim = "failed";
    showProblem(error);
    tick();
  } finally {
    clearTimeout(slow);
    $("#claim-progress").textContent = "";
    button.textContent = state.t("claim");
    button.removeAttribute("aria-busy");
  }
}

async function loadClaimed() {
  if (!state.token) return;
  try {
    for (const coupon of await state.api.get("/v1/coupons/mine")) {
      if (coupon.room_id === state.roomId) state.claimed.set(coupon.campaign_id, coupon);
    }
  } catch { /* not a viewer token */ }
}

// -- start -------------------------------------------------------------------------------------

function every(ms, fn) {
  fn();
  return setInterval(fn, ms);
}

function pollRoom(options) {
  return refresh("room", async () => {
    try { applyRoom(await state.api.get(`/v1/rooms/${state.roomId}`, undefined, { auth: false })); } catch { /* keep */ }
  }, options);
}

// The room's title as the merchant wrote it for this market, else the default one.
function renderTitle() {
  const title = state.room.titles?.[state.market] || state.room.title;
  document.title = `${title} — crosslive`;
  $("#room-title").textContent = title;
  $("#room-title").dataset.source = state.room.titles?.[state.market] ? "merchant" : "default";
}

async function main() {
  // Listeners first: a form must never be usable (and natively submitted) before its handler exists.
  $("#signin").addEventListener("submit", signInLocal);
  $("#signin-hosted").addEventListener("click", () => beginHostedSignIn(state.config, state.market).catch(showProblem));
  $("#comment-form").addEventListener("submit", postComment);
  $("#claim").addEventListener("click", () => report("tap", { on: "claim" }));
  $("#claim").addEventListener("click", claimOffer);
  $("#copy-code").addEventListener("click", copyCode);
  $("#share").addEventListener("click", shareRoom);
  $("#watch-signin").addEventListener("click", focusSignIn);
  document.documentElement.lang = BROWSER_LANGUAGE; // until a market is chosen
  applyLabels();
  state.config = await loadConfig();
  state.api = new Api(state.config.api, () => state.token);
  const signedIn = await completeHostedSignIn(state.config, "viewer"); // restores the address first
  state.roomId = roomFromUrl();
  if (!state.roomId) {
    $("#player-status").textContent = state.t("no_room");
    return;
  }
  state.token = signedIn || takeToken("viewer", state.config);
  const [room, markets] = await Promise.all([
    state.api.get(`/v1/rooms/${state.roomId}`, undefined, { auth: false }),
    state.api.get("/v1/localization/markets", undefined, { auth: false }),
  ]);
  state.room = room;
  for (const profile of markets) if (room.markets.includes(profile.code)) state.markets.set(profile.code, profile);

  const select = $("#market");
  for (const profile of state.markets.values()) {
    select.append(h("option", { value: profile.code, text: `${profile.name} · ${profile.currency}` }));
  }
  applyMarket(chooseMarket(state.markets));
  renderTitle();
  await ensureToken({ reissue: true });
  setToken(state.token);
  select.addEventListener("change", async () => {
    applyMarket(select.value);
    renderTitle();
    await ensureToken({ reissue: true });
    setToken(state.token);
    await restartPlayer();
    pollStage({ force: true }); pollComments(); pollCoupons({ force: true });
  });
  await loadClaimed();
  if (room.status === "ended") endPlayback();
  else startPlayer();
  every(POLL_STAGE_MS, pollStage);
  every(POLL_COMMENTS_MS, pollComments);
  every(POLL_COUPONS_MS, pollCoupons);
  setInterval(tick, 250);
  setInterval(pollRoom, POLL_ROOM_MS);
  document.body.dataset.ready = "1";
}

main().catch((error) => {
  $("#player-status").textContent = problemText(error, state.language);
  document.body.dataset.error = error.code || "error";
});

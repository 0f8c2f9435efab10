// Tokens for the pages, kept in localStorage per role.
//
// Deployed (config.auth set): sign-in is Cognito's hosted UI with the authorization code grant and
// PKCE (RFC 7636). The page sends the browser to /oauth2/authorize with a SHA-256 challenge of a
// random verifier kept in sessionStorage, gets a one-time ?code= back, and exchanges it (with the
// verifier) for tokens in a POST to /oauth2/token; it keeps the ID token, which the API verifies.
// No token is ever put in a URL, so none reaches CloudFront's access logs; the code is removed
// from the address bar at once and is useless without the verifier.
//
// Embedded platform (config.local_issuer set): a local issuer (POST /v1/auth/token) is offered as
// a one-click sign-in, and a ready-made token may be handed over in ?token= (dropped from the
// address bar at once). Deployed pages ignore ?token=.

const key = (role) => `crosslive.token.${role}`;
const PKCE_KEY = "crosslive.pkce";

export function takeToken(role, config) {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get("token");
  if (fromUrl) {
    url.searchParams.delete("token");
    history.replaceState(null, "", url.href);
    if (config && config.local_issuer) {
      localStorage.setItem(key(role), fromUrl);
      return fromUrl;
    }
  }
  const stored = localStorage.getItem(key(role));
  if (stored && !expired(stored)) return stored;
  return null;
}

// -- hosted UI: authorization code + PKCE ---------------------------------------------------------

function base64url(bytes) {
  const text = btoa(String.fromCharCode(...new Uint8Array(bytes)));
  return text.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function randomString(bytes = 32) {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

// The page's registered callback: /console for the console, /watch for the viewer page (a share
// link /watch/<room> comes back to /watch and is restored from sessionStorage).
function redirectUri() {
  return `${location.origin}${location.pathname.startsWith("/console") ? "/console" : "/watch"}`;
}

// The user pool a person of `market` signs in to: a residency zone's pool (config.auth.pools, each
// with the markets whose people's data it holds, in the zone's home region) when the market is in
// one, else the default pool. A token of a zone's pool may carry only that zone's markets.
export function poolFor(auth, market) {
  const zone = (auth.pools || []).find((pool) => market && pool.markets.includes(market));
  return zone || auth;
}

export async function beginHostedSignIn(config, market) {
  const pool = poolFor(config.auth, market);
  const verifier = randomString(48);
  const challenge = base64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
  const state = randomString(16);
  // the pool travels with the PKCE state: the code is exchanged where it was issued
  const chosen = { hosted_ui: pool.hosted_ui, client_id: pool.client_id };
  sessionStorage.setItem(PKCE_KEY, JSON.stringify({ verifier, state, back: location.href, pool: chosen }));
  const authorize = new URL("/oauth2/authorize", pool.hosted_ui);
  authorize.search = new URLSearchParams({
    response_type: "code",
    client_id: pool.client_id,
    redirect_uri: redirectUri(),
    scope: pool.scopes || config.auth.scopes || "openid email profile",
    state,
    code_challenge: challenge,
    code_challenge_method: "S256",
  }).toString();
  location.assign(authorize.href);
}

// On return from the hosted UI (?code=&state=): exchange the code, restore the page's address.
// Returns the ID token, or null when this is not a return from sign-in (or it does not check out).
export async function completeHostedSignIn(config, role) {
  const url = new URL(location.href);
  const code = url.searchParams.get("code");
  const returned = url.searchParams.get("state");
  if (!config.auth || !code) return null;
  const pending = JSON.parse(sessionStorage.getItem(PKCE_KEY) || "null");
  sessionStorage.removeItem(PKCE_KEY);
  url.searchParams.delete("code");
  url.searchParams.delete("state");
  history.replaceState(null, "", pending && pending.state === returned ? pending.back : url.href);
  if (!pending || pending.state !== returned) return null; // not our request: never exchange it
  const pool = pending.pool || config.auth;
  const response = await fetch(new URL("/oauth2/token", pool.hosted_ui), {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      client_id: pool.client_id,
      code,
      redirect_uri: redirectUri(),
      code_verifier: pending.verifier,
    }),
  });
  if (!response.ok) throw new Error(`sign-in failed: the token endpoint answered ${response.status}`);
  const token = (await response.json()).id_token;
  storeToken(role, token);
  return token;
}

export function storeToken(role, token) {
  if (token) localStorage.setItem(key(role), token);
  else localStorage.removeItem(key(role));
}

// Claims are read for display only (name, market); the API verifies the token.
export function claims(token) {
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const json = decodeURIComponent(
      [...atob(part)].map((c) => "%" + c.charCodeAt(0).toString(16).padStart(2, "0")).join(""),
    );
    return JSON.parse(json);
  } catch {
    return {};
  }
}

export function expired(token) {
  const exp = claims(token).exp;
  return typeof exp === "number" && exp * 1000 < Date.now();
}

export async function issueLocal(config, { sub, role, market, name }) {
  if (!config.local_issuer) throw new Error("no local issuer in this deployment");
  const response = await fetch(new URL(config.api + config.local_issuer, location.href), {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ sub, role, market, name }),
  });
  if (!response.ok) throw new Error(`issuer answered ${response.status}`);
  return (await response.json()).token;
}

export function randomId(prefix) {
  return `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
}

// Tokens for the pages. A page takes its token from ?token= (then drops it from the address bar
// so it does not leak through history or Referer) or from localStorage. The embedded platform has
// a local issuer (POST /v1/auth/token) that the pages offer as a one-click sign-in; deployments
// sign in through Cognito and pass the ID token the same way.

const key = (role) => `crosslive.token.${role}`;

export function takeToken(role) {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get("token");
  if (fromUrl) {
    localStorage.setItem(key(role), fromUrl);
    url.searchParams.delete("token");
    history.replaceState(null, "", url.href);
    return fromUrl;
  }
  const stored = localStorage.getItem(key(role));
  if (stored && !expired(stored)) return stored;
  return null;
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

// The crosslive HTTP API client: bearer token, JSON in/out, RFC 9457 problems as ApiError (a request
// that got no answer is one too, with code "network").

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.code = problem?.code || `http-${status}`;
    this.problem = problem || {};
  }
}

export class Api {
  constructor(base = "", token = () => null) {
    this.base = base.replace(/\/$/, "");
    this.token = token;
  }

  url(path, query) {
    const url = new URL(this.base + path, location.href);
    for (const [key, value] of Object.entries(query || {})) {
      if (value === undefined || value === null || value === "") continue;
      if (Array.isArray(value)) value.forEach((v) => url.searchParams.append(key, v));
      else url.searchParams.set(key, value);
    }
    return url.href;
  }

  async request(method, path, { body, query, headers = {}, auth = true } = {}) {
    const init = { method, headers: { Accept: "application/json", ...headers } };
    const token = auth ? this.token() : null;
    if (token) init.headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(this.url(path, query), init);
    } catch (error) { // no answer at all (offline, DNS, refused): a problem like the others, code "network"
      throw new ApiError(0, { code: "network", detail: `network error: ${error.message || error}` });
    }
    const text = await response.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch { data = { detail: text }; }
    if (!response.ok) throw new ApiError(response.status, data);
    return data;
  }

  get(path, query, opts) { return this.request("GET", path, { ...opts, query }); }
  post(path, body, opts) { return this.request("POST", path, { ...opts, body }); }
  put(path, body, opts) { return this.request("PUT", path, { ...opts, body }); }
  patch(path, body, opts) { return this.request("PATCH", path, { ...opts, body }); }
  del(path, opts) { return this.request("DELETE", path, opts); }

  async exists(path) {
    try {
      const response = await fetch(this.url(path), { method: "GET" });
      return response.ok;
    } catch { return false; }
  }
}

export function idempotencyKey() {
  return crypto.randomUUID();
}

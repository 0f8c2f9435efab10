// The deployment's facts (API base, local issuer, media/push URLs): /config.json beside the pages.
let cached = null;

export async function loadConfig() {
  if (!cached) {
    const response = await fetch(new URL("/config.json", location.href), { cache: "no-store" });
    cached = response.ok ? await response.json() : { api: "", local_issuer: null, services: {} };
  }
  return cached;
}

// Exports of personal data, one per data-residency zone (docs/residency.md, "Exports"): a zone's
// export is produced only by the API in one of the zone's regions, which these pages reach through
// their own origin at the zone's `api` base (config.json `zones`: "/zones/eu" → CloudFront's
// behavior to the zone home's API; the embedded gateway's zone route locally). The default zone's
// export is the pages' own API's.

import { Api, ApiError } from "./api.js";
import { h } from "./dom.js";

export const DEFAULT_ZONE = "default";

// "default zone" / "eu zone (DE, FR)": the words every export button and message use.
export function zoneLabel(zone, markets = []) {
  return zone === DEFAULT_ZONE ? "default zone" : `${zone} zone${markets.length ? ` (${markets.join(", ")})` : ""}`;
}

// The zones the pages can export: the default zone first, then each zone config.json lists.
export function exportZones(config) {
  return [[DEFAULT_ZONE, []], ...Object.entries(config?.zones || {}).map(([zone, entry]) => [zone, entry.markets || []])];
}

// The API that produces `zone`'s export: the pages' own for the default zone, the zone's `api` base
// otherwise. A zone whose API the deployment has not published yet (no `api`, a `pending` note for
// the operator) is said so, not tried.
export function zoneApi(api, config, zone) {
  if (!zone || zone === DEFAULT_ZONE) return api;
  const entry = (config?.zones || {})[zone];
  if (!entry) {
    throw new ApiError(0, { code: "zone-unknown", detail: `These pages know no data-residency zone “${zone}”.` });
  }
  if (entry.api === null || entry.api === undefined) {
    throw new ApiError(0, {
      code: "zone-api-pending",
      detail: `The export of the ${zoneLabel(zone, entry.markets || [])} is not reachable from these pages yet: ` +
        "its region's API becomes known when the deployment finishes (the operator runs `crosslive deploy` " +
        "again). Nothing was exported.",
    });
  }
  return new Api(entry.api, api.token);
}

// Fetch `path` from the zone's API with the bearer token and hand it to the browser as `filename`.
// A refusal is an ApiError carrying the problem's own detail (e.g. 421 export-outside-zone names
// the regions that produce it), so the page shows a sentence, not an HTTP status.
export async function downloadZoneExport(api, config, path, zone, filename) {
  const target = zoneApi(api, config, zone);
  const query = zone && zone !== DEFAULT_ZONE ? { zone } : {};
  let response;
  try {
    response = await fetch(target.url(path, query), { headers: { Authorization: `Bearer ${api.token()}` } });
  } catch (error) {
    throw new ApiError(0, { code: "network", detail: `network error: ${error.message || error}` });
  }
  if (!response.ok) {
    let problem = {};
    try { problem = await response.json(); } catch { /* not a problem document */ }
    const markets = (config?.zones || {})[zone]?.markets || [];
    const detail = problem.detail || problem.title || `the server answered ${response.status}`;
    throw new ApiError(response.status, { ...problem, detail: `The export of the ${zoneLabel(zone || DEFAULT_ZONE, markets)} failed: ${detail}` });
  }
  const url = URL.createObjectURL(await response.blob());
  const link = h("a", { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

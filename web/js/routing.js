// Which media node serves this viewer: the routing function ranks live nodes by the market's
// preferred regions, load and measured round-trip time (GET /v1/routing/rooms/{room}/nodes). The
// player probes the candidates once, asks again with the RTTs, plays from the first node and
// falls back down the list; a node that failed is excluded from the next answer.

function normalize(node) {
  return {
    node_id: node.node_id,
    region: node.region || null,
    role: node.role || null,
    whep_url: node.whep_url,
    whip_url: node.whep_url.replace(/\/whep\/([^/]+)$/, "/whip/$1"),
    probe_url: node.probe_url,
    base_url: new URL(node.probe_url || node.whep_url).origin,
  };
}

async function probe(node, timeoutMs = 1000) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const started = performance.now();
  try {
    const response = await fetch(node.probe_url, { cache: "no-store", signal: controller.signal });
    return response.ok ? performance.now() - started : null;
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}

async function ask(api, roomId, query) {
  const answer = await api.get(`/v1/routing/rooms/${roomId}/nodes`, query);
  return answer.nodes.map(normalize);
}

export async function routeViewer(api, config, roomId, market, exclude, { measure = true } = {}) {
  const query = { market, exclude: exclude.length ? exclude : undefined };
  let nodes = await ask(api, roomId, query);
  if (measure && nodes.length > 1) {
    const rtts = await Promise.all(nodes.map(probe));
    const measured = nodes.map((n, i) => (rtts[i] === null ? null : `${n.node_id}:${Math.round(rtts[i])}`))
      .filter(Boolean);
    if (measured.length) nodes = await ask(api, roomId, { ...query, rtt: measured.join(",") });
  }
  return nodes;
}

// Publishing goes to an origin node (edges pull from it); the merchant may ask for any market.
export async function routeIngest(api, config, roomId, market) {
  const nodes = await ask(api, roomId, { market, limit: 20 });
  return nodes.filter((n) => n.role === "origin");
}

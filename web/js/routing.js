// Which media node serves this viewer: the routing function ranks healthy nodes (market, health,
// load, latency); the page plays from the first and falls back down the list.

function normalize(node) {
  const base = node.base_url || node.url || "";
  return {
    node_id: node.node_id || base,
    base_url: base,
    region: node.region_name || node.region || null,
    role: node.role || null,
    whep_url: node.whep_url || new URL(`whep/${encodeURIComponent(node.room_id || "")}`, base.endsWith("/") ? base : base + "/").href,
  };
}

export async function routeViewer(api, config, roomId, market, exclude) {
  const answer = await api.get(`/v1/routing/rooms/${roomId}/viewer`, { market, exclude: exclude.join(",") || undefined });
  const nodes = Array.isArray(answer) ? answer : answer.nodes || [];
  return nodes.map((n) => normalize({ room_id: roomId, ...n }));
}

export async function routeIngest(api, config, roomId) {
  const answer = await api.get(`/v1/routing/rooms/${roomId}/ingest`);
  const nodes = Array.isArray(answer) ? answer : answer.nodes || [answer];
  return nodes.map((n) => {
    const base = n.base_url || n.url;
    return { ...normalize({ room_id: roomId, ...n }),
             whip_url: n.whip_url || new URL(`whip/${encodeURIComponent(roomId)}`, base.endsWith("/") ? base : base + "/").href };
  });
}

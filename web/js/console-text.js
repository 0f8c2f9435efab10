// What the merchant console says when something fails: one sentence per problem `code`
// (functions/shared/errors.py) saying what happened and what to do, never the server's raw
// `detail` ("sku: String should match pattern ...") nor a JavaScript message. The console's
// language is English; a code with no sentence here gets a generic one that still says what to do.

const PROBLEMS = {
  network: "The platform did not answer. Check your connection, then try again.",
  unauthorized: "Your sign-in has expired. Sign in again.",
  forbidden: "Your account may not do this. Sign in as this room's merchant.",
  "not-room-owner": "Only the merchant who created this room can change it.",
  "not-room-moderator": "Only this room's merchant or a moderator can do this.",
  "room-not-found": "This room no longer exists. Choose another room or create one.",
  "room-ended": "This show has ended; create a new room to go live again.",
  "room-not-ended": "The chat can be exported once the show has ended.",
  "room-changed": "The room changed in another tab. It has been reloaded; try again.",
  "unknown-market": "One of the chosen markets is not available in this region.",
  "not-a-viewer-market": "That market can be a home market only; viewers cannot watch from it.",
  "duplicate-market": "Each market can be chosen once.",
  "market-not-in-room": "That market is not one of this room's markets.",
  "product-not-found": "That product no longer exists. The list has been reloaded.",
  "too-many-highlights": "Three products are on screen already. Take one off screen first.",
  "stage-changed": "The products on screen changed in another tab. The list has been reloaded; try again.",
  "campaign-window-past": "The coupon's validity has already ended. Choose a validity in the future.",
  "campaign-window-too-long": "A coupon can be valid for at most 366 days.",
  "currency-market-mismatch": "Each market needs its own campaign in its own currency.",
  "discount-exceeds-min-spend": "The amount off is larger than the minimum spend. Lower the amount or raise the minimum.",
  "campaign-violates-market-rules": "The coupon breaks a rule of one of the markets (see below). Change it and launch again.",
  "compliance-violation": "This text breaks an advertising rule of a market it is shown in. Reword it (or give that market its own text) and save again.",
  "comment-empty": "Write a message first.",
  "comment-too-long": "That message is too long (500 characters at most).",
  "too-many-comments": "You are sending messages too fast. Wait a moment.",
  "author-muted": "You are muted in this room.",
  "cannot-sanction-host": "The room's merchant cannot be muted or banned.",
  "self-sanction": "You cannot mute or ban yourself.",
  "not-held": "That comment is no longer waiting for review.",
  "comment-not-found": "That comment no longer exists.",
  "node-busy": "The media node is full right now. Try again in a minute.",
  "market-not-served": "No media node serves this room's markets right now. Try again in a minute.",
  "internal-error": "The platform had an internal error. Try again; if it repeats, check the platform's log.",
};

// Fields of the forms the console sends, as the merchant knows them, with the rule each follows.
const FIELDS = {
  sku: "The SKU may use letters, digits, dot, underscore and hyphen (1 to 64 characters).",
  title: "The title must be 1 to 120 characters.",
  titles: "Each market's title must be 1 to 120 characters.",
  image_url: "The image must be an https:// address.",
  buy_url: "The buy link must be an https:// address.",
  prices: "Give a price for at least one market, as a positive number.",
  host_language: "Choose the host language from the list.",
  markets: "Choose at least one viewer market.",
  text: "The message must be 1 to 280 characters.",
  texts: "Each market's message must be 1 to 280 characters.",
  stock: "Stock must be a whole number from 1 to 1,000,000.",
  discount: "Give a percent from 1 to 100, or an amount off for each market.",
  flash: "The flash sale must end after it starts.",
};

// A rule a market's law sets for coupons, as the merchant reads it.
const RULES = {
  "prior-price-required": (v) => `${v.market}: EU price rules (the Omnibus Directive; in Germany PAngV § 11) require a price reduction to state the lowest price of the last ${v.days ?? 30} days. Put a product with a ${v.market} price on screen first: its price is sent as that prior price.`,
  "max-discount-percent": (v) => `${v.market}: ${v.message}.`,
  "discount-exceeds-prior-price": (v) => `${v.market}: the amount off must be smaller than the product's price.`,
};

export function problemSentence(error) {
  const code = String(error?.code || "");
  if (code === "validation-failed") {
    const errors = error.problem?.errors || [];
    const fields = errors.map((e) => (e.loc || []).find((part) => Object.hasOwn(FIELDS, part))).filter(Boolean);
    if (fields.length) return [...new Set(fields)].map((f) => FIELDS[f]).join(" ");
    return "Some fields are not filled in as expected. Check the form and try again.";
  }
  if (code === "campaign-violates-market-rules") {
    const violations = error.problem?.violations || [];
    const lines = violations.map((v) => (RULES[v.rule] ? RULES[v.rule](v) : `${v.market}: ${v.message}.`));
    return [PROBLEMS[code], ...lines].join(" ");
  }
  if (code === "compliance-violation") {
    // e.g. "DE, FR: Claims that a product cures illness are banned … Matched: “miracle cure”." One
    // line per distinct rule text, naming every market it applies to, so twelve markets that share
    // a rule read as one sentence (the laws stay available in the problem's `violations`).
    const byMessage = new Map();
    for (const v of error.problem?.violations || []) {
      const line = `${v.message}${v.matched ? ` Matched: “${v.matched}”.` : ""}`;
      byMessage.set(line, [...(byMessage.get(line) || []), v.market]);
    }
    const lines = [...byMessage].map(([line, markets]) => `${[...new Set(markets)].join(", ")}: ${line}`);
    return [PROBLEMS[code], ...lines].join(" ");
  }
  if (Object.hasOwn(PROBLEMS, code)) return PROBLEMS[code];
  const status = Number(error?.status) || 0;
  if (status === 429) return "Too many requests right now. Wait a moment, then try again.";
  if (status >= 500) return PROBLEMS["internal-error"];
  return "That did not work. Check what you entered and try again.";
}

export function ruleSentence(violation) {
  return RULES[violation.rule] ? RULES[violation.rule](violation) : `${violation.market}: ${violation.message}.`;
}

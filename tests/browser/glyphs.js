// Characters of the page's visible text that no installed font can draw (Chromium then draws the
// primary font's .notdef box: "tofu"). Each distinct character is drawn on a canvas in the font of
// the element that shows it and compared, pixel for pixel, with what that font draws for U+0378
// (unassigned, so always .notdef); identical pixels mean a box. Returns [{char, code, font, text}].
() => {
  const size = 48;
  const canvas = document.createElement("canvas");
  canvas.width = size * 2;
  canvas.height = size * 2;
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  const draw = (font, text) => {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.font = font;
    ctx.fillText(text, 4, size * 1.4);
    return ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  };
  const same = (a, b) => {
    for (let i = 3; i < a.length; i += 4) if (a[i] !== b[i]) return false;
    return true;
  };
  const notdef = new Map();
  const seen = new Set();
  const missing = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const texts = [];
  while (walker.nextNode()) texts.push(walker.currentNode);
  // Form controls draw their value and placeholder outside the text nodes: check those too.
  for (const input of document.querySelectorAll("input, textarea")) {
    texts.push({ parentElement: input, data: `${input.value || ""}${input.placeholder || ""}` });
  }
  for (const node of texts) {
    const el = node.parentElement;
    if (!el || !el.getClientRects().length) continue; // not drawn
    const style = getComputedStyle(el);
    if (style.visibility === "hidden") continue;
    const font = `${style.fontStyle} ${style.fontWeight} ${size}px ${style.fontFamily}`;
    if (!notdef.has(font)) notdef.set(font, draw(font, "\u0378"));
    for (const char of node.data) {
      if (/\s/u.test(char) || char.codePointAt(0) < 0x80 || seen.has(font + char)) continue;
      if (/\p{Cf}|\p{M}/u.test(char)) continue; // joiners, marks: not drawn on their own
      seen.add(font + char);
      if (same(draw(font, char), notdef.get(font))) {
        missing.push({ char, code: char.codePointAt(0).toString(16), font: style.fontFamily, text: node.data.slice(0, 60) });
      }
    }
  }
  return missing;
}

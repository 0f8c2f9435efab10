// Tiny DOM helpers. Every piece of user or server data goes in as text (textContent / text
// nodes), never as markup: comments, names, product titles and pinned messages are untrusted.

export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = String(value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of [children].flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export const $ = (selector, root = document) => root.querySelector(selector);
export const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];

export function show(el, visible) {
  el.hidden = !visible;
}

// A message in the page's corner that goes away by itself: 5 s, longer for a long sentence (about
// the time it takes to read it, at most 20 s), or at once when clicked. Returns its element (a
// caller may tag it, e.g. data-code).
export function toast(text, kind = "info") {
  const box = $("#toasts") || document.body.appendChild(h("div", { id: "toasts", role: "status", "aria-live": "polite" }));
  const item = h("div", { class: `toast toast-${kind}`, text });
  item.addEventListener("click", () => item.remove());
  box.append(item);
  setTimeout(() => item.remove(), Math.min(20_000, Math.max(5000, text.length * 60)));
  return item;
}

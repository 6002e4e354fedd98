// Live character counter for the SMO post form. Mirrors planner/text_rules.py; the server
// re-checks everything, so this only helps people see the limit while they type.
(function () {
  "use strict";
  const URL_RE = /(?:https?:\/\/|www\.)[^\s<>"]+/gi;
  const TAG_RE = /(^|[^\w&])#(\w+)/gu;
  const LIGHT = [[0x0000, 0x10ff], [0x2000, 0x200d], [0x2010, 0x201f], [0x2032, 0x2037]];
  // Every emoji counts 2, however many code points make it (see planner/text_rules.py).
  const PICTO = "\\u{1F000}-\\u{1FAFF}\\u2600-\\u27BF\\u2300-\\u23FF\\u2B00-\\u2BFF";
  const MODS = "(?:\\uFE0F|[\\u{1F3FB}-\\u{1F3FF}]|[\\u{E0020}-\\u{E007F}])*";
  const EMOJI_RE = new RegExp(
    "[0-9#*]\\uFE0F?\\u20E3|[\\u{1F1E6}-\\u{1F1FF}]{2}|(?:[" + PICTO + "]|[^\\s" + PICTO + "]\\uFE0F)" + MODS +
    "(?:\\u200D[" + PICTO + "]" + MODS + ")*", "gu");

  function weightOf(s) {
    let total = 0;
    for (const ch of s) {
      const cp = ch.codePointAt(0);
      total += LIGHT.some(([lo, hi]) => cp >= lo && cp <= hi) ? 1 : 2;
    }
    return total;
  }
  function weightedPlain(s) {
    let total = 0;
    let pos = 0;
    for (const m of s.matchAll(EMOJI_RE)) {
      total += weightOf(s.slice(pos, m.index)) + 2;
      pos = m.index + m[0].length;
    }
    return total + weightOf(s.slice(pos));
  }
  function xLength(s) {
    s = s.normalize("NFC");
    let total = 0;
    let pos = 0;
    for (const m of s.matchAll(URL_RE)) {
      total += weightedPlain(s.slice(pos, m.index)) + 23;
      pos = m.index + m[0].length;
    }
    return total + weightedPlain(s.slice(pos));
  }
  function tagsIn(s) {
    return new Set(Array.from(s.matchAll(TAG_RE), (m) => m[2].toLowerCase()));
  }
  // The text as published: the body, then the hashtags it does not hold already.
  function publishedText(body, hashtags) {
    const present = tagsIn(body);
    const extra = hashtags.split(/[\s,]+/)
      .map((t) => t.replace(/^#+/, "")).filter((t) => t && !present.has(t.toLowerCase()))
      .map((t) => "#" + t);
    if (!extra.length) return body;
    return body ? body + "\n\n" + extra.join(" ") : extra.join(" ");
  }
  // What the counter says of a post for a platform kind ("" = none chosen yet).
  function describe(rules, kind, body, hashtags) {
    const full = publishedText(body, hashtags);
    if (!kind) return { message: full.length + " characters (choose a platform to see its limit)", over: false };
    const limit = rules.limits[kind];
    const length = kind === "x" ? xLength(full) : Array.from(full.normalize("NFC")).length;
    let message = length.toLocaleString("en-US") + " / " + limit.toLocaleString("en-US") +
      (kind === "x" ? " weighted characters" : " characters");
    const maxTags = rules.max_hashtags[kind];
    const tagCount = tagsIn(full).size;
    if (maxTags !== undefined) message += " · " + tagCount + " / " + maxTags + " hashtags";
    const over = length > limit || (maxTags !== undefined && tagCount > maxTags);
    return { message: message + (over ? " — over the limit" : ""), over: over };
  }
  // A counter below `after`, updated from `read()` → {kind, body, hashtags}.
  function attach(after, read, rules) {
    const counter = document.createElement("div");
    counter.className = "form-text post-counter";
    counter.setAttribute("aria-live", "polite");
    counter.dataset.testid = "post-counter";
    after.insertAdjacentElement("afterend", counter);
    function update() {
      const now = read();
      const said = describe(rules, now.kind, now.body, now.hashtags);
      counter.textContent = said.message;
      counter.classList.toggle("over", said.over);
    }
    update();
    return update;
  }
  window.PostCounter = { attach: attach };

  // The single post form: one text, one platform select.
  const text = document.querySelector("[data-post-text]");
  const platform = document.querySelector("select[data-platform-kinds]");
  const hashtags = document.querySelector("input[name=hashtags]");
  if (!text || !platform) return;
  const rules = JSON.parse(text.dataset.limits);
  const kinds = JSON.parse(platform.dataset.platformKinds);
  const update = attach(text, () => ({
    kind: kinds[platform.value], body: text.value, hashtags: hashtags ? hashtags.value : "",
  }), rules);
  for (const el of [text, platform, hashtags]) {
    if (el) { el.addEventListener("input", update); el.addEventListener("change", update); }
  }
})();

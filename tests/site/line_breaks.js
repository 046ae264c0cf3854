/*
 * Line breaks inside a word, for tests/site/test_site_typography.py.
 *
 * A word is a run of katakana (with the long-vowel mark), or of Latin letters and digits. Called
 * with [selector, strict]: every element matching the selector is laid out as the browser shows
 * it, each character's box is measured, and a break between two characters of one word is
 * reported when the word would have fitted on one line of its element (strict: always).
 */
([selector, strict]) => {
  const classOf = ch => /[\u30a1-\u30fa\u30fc]/.test(ch) ? "kana" : /[A-Za-z0-9]/.test(ch) ? "latin" : null;
  const found = [];
  for (const el of document.querySelectorAll(selector)) {
    const style = getComputedStyle(el);
    const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    if (room <= 0) continue;
    const chars = [];
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (let i = 0; i < node.data.length; i++) {
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const rect = [...range.getClientRects()].pop();
        chars.push({ch: node.data[i], kind: classOf(node.data[i]), rect: rect && rect.width > 0 ? rect : null});
      }
    }
    const text = chars.map(c => c.ch).join("");
    for (let i = 1; i < chars.length; i++) {
      const a = chars[i - 1], b = chars[i];
      if (!a.kind || a.kind !== b.kind || !a.rect || !b.rect) continue;
      if (b.rect.top <= a.rect.top + a.rect.height / 2) continue;
      let start = i - 1, end = i;
      while (start > 0 && chars[start - 1].kind === a.kind) start--;
      while (end + 1 < chars.length && chars[end + 1].kind === a.kind) end++;
      const width = chars.slice(start, end + 1).reduce((sum, c) => sum + (c.rect ? c.rect.width : 0), 0);
      if (strict || width <= room + 0.5) {
        found.push({text: text.slice(start, i) + "|" + text.slice(i, end + 1), in: text.trim().slice(0, 60),
                    tag: el.tagName.toLowerCase(), width: Math.round(width), room: Math.round(room)});
      }
    }
  }
  return found;
}

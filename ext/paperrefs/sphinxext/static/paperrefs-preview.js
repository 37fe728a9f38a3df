/* paperrefs: a styled preview (title, authors, year, the start of the abstract) when a
 * citation is hovered or focused.
 *
 * The build already puts that text in each citation's title attribute, so this costs
 * nothing per link at build time, and without JavaScript the browser's own tooltip shows
 * the same text. The title is untrusted metadata: it only ever enters as textContent.
 */
(() => {
  "use strict";

  /* What render.tooltip() writes: "Title — Authors (Year)", then " · Abstract: " and the
   * abstract shortened, when the entry has one. */
  const SHAPE = /^(.*) — (.*) \((\d{4})\)$/s;
  const ABSTRACT_MARK = " · Abstract: ";

  let tip = null;
  let owner = null;

  const part = (className, text) =>
    Object.assign(document.createElement("span"), { className, textContent: text });

  const fill = (text) => {
    const cut = text.indexOf(ABSTRACT_MARK);
    const head = cut < 0 ? text : text.slice(0, cut);
    const match = SHAPE.exec(head);
    const parts = match
      ? [
          part("paperrefs-preview-title", match[1]),
          part("paperrefs-preview-authors", match[2]),
          part("paperrefs-preview-year", match[3]),
        ]
      : [part("paperrefs-preview-title", head)];
    if (cut >= 0) {
      parts.push(part("paperrefs-preview-abstract", text.slice(cut + ABSTRACT_MARK.length)));
    }
    tip.replaceChildren(...parts);
  };

  /* In page coordinates, so the preview scrolls along with its link. */
  const place = (link) => {
    const box = link.getBoundingClientRect();
    const width = tip.offsetWidth;
    const left = Math.max(8, Math.min(box.left, document.documentElement.clientWidth - width - 8));
    tip.style.left = `${left + window.scrollX}px`;
    tip.style.top = `${box.bottom + window.scrollY + 6}px`;
  };

  const show = (link) => {
    if (owner === link) return;
    hide();
    const text = link.getAttribute("title");
    if (!text) return;
    if (!tip) {
      tip = document.createElement("div");
      tip.id = "paperrefs-preview";
      tip.className = "paperrefs-preview";
      tip.setAttribute("role", "tooltip");
      document.body.append(tip);
    }
    // Moved aside while the preview shows, so the browser's tooltip does not double it.
    link.dataset.paperrefsTitle = text;
    link.removeAttribute("title");
    link.setAttribute("aria-describedby", tip.id);
    fill(text);
    tip.hidden = false;
    place(link);
    owner = link;
  };

  const hide = () => {
    if (!owner) return;
    owner.setAttribute("title", owner.dataset.paperrefsTitle);
    delete owner.dataset.paperrefsTitle;
    owner.removeAttribute("aria-describedby");
    tip.hidden = true;
    owner = null;
  };

  const citation = (target) => {
    const link = target instanceof Element ? target.closest("a") : null;
    return link && link.querySelector(".paperrefs-cite") ? link : null;
  };

  document.addEventListener("pointerover", (event) => {
    const link = citation(event.target);
    if (link) show(link);
  });
  document.addEventListener("pointerout", (event) => {
    if (owner && !owner.contains(event.relatedTarget)) hide();
  });
  document.addEventListener("focusin", (event) => {
    const link = citation(event.target);
    if (link) show(link);
  });
  document.addEventListener("focusout", hide);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") hide();
  });
})();

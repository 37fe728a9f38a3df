/* paperrefs: filter the references index by topic, year, arXiv category and text, without
 * a reload.
 *
 * Progressive enhancement: the index is complete without JavaScript, and the controls are
 * only created here, so a reader without JavaScript never sees controls that do nothing.
 * Every text shown comes from the page through textContent; nothing is parsed as HTML.
 */
(() => {
  "use strict";

  const TOPIC_PREFIX = "paperrefs-topic-";
  const YEAR_PREFIX = "paperrefs-year-";
  const CATEGORY_PREFIX = "paperrefs-category-";

  /* Lower case without accents, so "kapusniak" finds "Kapuśniak". */
  const fold = (text) =>
    text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();

  const headingText = (section) => {
    const heading = section.querySelector("h1, h2, h3, h4, h5, h6");
    if (!heading) return section.id;
    const copy = heading.cloneNode(true);
    copy.querySelectorAll(".headerlink").forEach((link) => link.remove());
    return copy.textContent.trim();
  };

  const classValue = (element, prefix) => {
    const name = Array.from(element.classList).find((c) => c.startsWith(prefix));
    return name ? name.slice(prefix.length) : "";
  };

  const element = (tag, properties = {}) =>
    Object.assign(document.createElement(tag), properties);

  const labelled = (text, control) => {
    const label = element("label", { className: "paperrefs-filter-field" });
    label.append(element("span", { textContent: text }), control);
    return label;
  };

  const select = (name, allLabel, options) => {
    const control = element("select", { name });
    control.append(element("option", { value: "", textContent: allLabel }));
    for (const [value, text] of options) {
      control.append(element("option", { value, textContent: text }));
    }
    return control;
  };

  function setUp() {
    const groups = Array.from(document.querySelectorAll("section.paperrefs-index-group"));
    if (!groups.length) return;
    const entries = groups.flatMap((group) =>
      Array.from(group.querySelectorAll("li.paperrefs-index-item")).map((item) => {
        const link = item.querySelector("a[title]");
        const about = item.querySelector("p");
        const text = `${about ? about.textContent : ""} ${link ? link.title : ""}`;
        return {
          item,
          group,
          topic: classValue(item, TOPIC_PREFIX),
          year: classValue(item, YEAR_PREFIX),
          category: classValue(item, CATEGORY_PREFIX),
          text: fold(text),
        };
      }),
    );

    const topics = groups.map((group) => {
      const first = group.querySelector("li.paperrefs-index-item");
      return [first ? classValue(first, TOPIC_PREFIX) : "", headingText(group)];
    });
    const years = Array.from(new Set(entries.map((entry) => entry.year).filter(Boolean)))
      .sort()
      .reverse()
      .map((year) => [year, year]);

    const counts = new Map();
    for (const entry of entries) {
      if (entry.category) counts.set(entry.category, (counts.get(entry.category) || 0) + 1);
    }
    const categories = Array.from(counts.keys())
      .sort()
      .map((name) => [name, `${name} (${counts.get(name)})`]);

    const topic = select("topic", "All topics", topics);
    const year = select("year", "All years", years);
    const category = select("category", "All categories", categories);
    const query = element("input", {
      type: "search",
      name: "q",
      placeholder: "Part of a title or an author",
      autocomplete: "off",
    });
    const count = element("p", { className: "paperrefs-filter-count" });
    count.setAttribute("role", "status");

    const form = element("form", { className: "paperrefs-filter" });
    form.setAttribute("role", "search");
    form.setAttribute("aria-label", "Filter the references");
    form.append(
      labelled("Topic", topic),
      labelled("Year", year),
      ...(categories.length ? [labelled("arXiv category", category)] : []),
      labelled("Title or author", query),
      count,
    );
    form.addEventListener("submit", (event) => event.preventDefault());
    groups[0].before(form);

    const apply = () => {
      const words = fold(query.value).split(/\s+/).filter(Boolean);
      let shown = 0;
      const visibleGroups = new Set();
      for (const entry of entries) {
        const match =
          (!topic.value || entry.topic === topic.value) &&
          (!year.value || entry.year === year.value) &&
          (!category.value || entry.category === category.value) &&
          words.every((word) => entry.text.includes(word));
        entry.item.hidden = !match;
        if (match) {
          shown += 1;
          visibleGroups.add(entry.group);
        }
      }
      for (const group of groups) group.hidden = !visibleGroups.has(group);
      count.textContent =
        shown === entries.length
          ? `${entries.length} papers`
          : `${shown} of ${entries.length} papers match`;
    };
    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    apply();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();

/* paperrefs: the map of the notes (directive paper-graph), drawn with force-graph.
 *
 * The build writes the map as nested lists of links: topic pages, the sections of notes on
 * them, the papers each section cites. That list is the map for readers without JavaScript;
 * this script reads it, draws it as a graph above it and folds the list into a <details>.
 * Every text shown comes from the page through textContent; nothing is parsed as HTML.
 */
(() => {
  "use strict";

  const KINDS = [
    ["topic", "paperrefs-graph-topic", "Topic"],
    ["note", "paperrefs-graph-note", "Note"],
    ["paper", "paperrefs-graph-paper", "Paper"],
  ];
  const HEIGHT = 600;
  const RADIUS = 5; // of a node of value 1, in graph units
  // Names of notes and papers appear from this zoom on, at most this many per frame: text is
  // what a canvas draws slowest, and more names than this cannot be read at once anyway.
  const NAMES_FROM_ZOOM = 1.2;
  const NAMES_PER_FRAME = 100;

  const element = (tag, properties = {}) =>
    Object.assign(document.createElement(tag), properties);

  const linkOf = (item) => item.querySelector(":scope > p > a");

  const kindOf = (item) => {
    const found = KINDS.find(([, name]) => item.classList.contains(name));
    return found ? found[0] : null;
  };

  /* Nodes by address (a paper cited in many notes is one node), edges parent to child. */
  function readGraph(list) {
    const nodes = new Map();
    const links = [];
    const nodeOf = (item) => {
      const link = linkOf(item);
      const kind = kindOf(item);
      if (!link || !kind) return null;
      if (!nodes.has(link.href)) {
        nodes.set(link.href, {
          id: link.href,
          kind,
          label: link.textContent.trim(),
          url: link.href,
          degree: 0,
        });
      }
      return nodes.get(link.href);
    };
    for (const item of list.querySelectorAll("li")) {
      const node = nodeOf(item);
      const parentItem = item.parentElement.closest("li");
      const parent = node && parentItem ? nodeOf(parentItem) : null;
      if (!parent) continue;
      links.push({
        source: parent.id,
        target: node.id,
        about: item.classList.contains("paperrefs-graph-about"),
      });
      parent.degree += 1;
      node.degree += 1;
    }
    // Drawn in this order: papers, then notes, then topics, whose names stay on top.
    const rank = { paper: 0, note: 1, topic: 2 };
    const ordered = Array.from(nodes.values()).sort((a, b) => rank[a.kind] - rank[b.kind]);
    return { nodes: ordered, links };
  }

  /* The theme's colours, read again when the reader switches between light and dark. */
  function palette() {
    const style = getComputedStyle(document.documentElement);
    const value = (name, fallback) => style.getPropertyValue(name).trim() || fallback;
    return {
      topic: value("--pst-color-primary", "#0a7d91"),
      note: value("--pst-color-secondary", "#8045e5"),
      paper: value("--pst-color-text-muted", "#646464"),
      link: "rgba(128, 128, 128, 0.5)", // as visible on a light background as on a dark one
      text: value("--pst-color-text-base", "#222832"),
      halo: value("--pst-color-background", "#ffffff"),
    };
  }

  function tooltip(node) {
    const box = element("span", { className: "paperrefs-graph-tip" });
    const kind = KINDS.find(([name]) => name === node.kind);
    box.append(
      element("span", { className: "paperrefs-graph-tip-kind", textContent: kind[2] }),
      element("span", { className: "paperrefs-graph-tip-title", textContent: node.label }),
    );
    return box;
  }

  function button(text, label, action) {
    const control = element("button", { type: "button", textContent: text, title: label });
    control.setAttribute("aria-label", label);
    control.addEventListener("click", action);
    return control;
  }

  function setUp(container) {
    const list = container.querySelector(":scope > ul.paperrefs-graph-list");
    if (!list || typeof ForceGraph !== "function") return; // the list stays the map
    const data = readGraph(list);
    const count = (kind) => data.nodes.filter((node) => node.kind === kind).length;

    // A group, not an image: it holds the zoom buttons, which must stay reachable.
    const canvas = element("div", { className: "paperrefs-graph-canvas" });
    canvas.setAttribute("role", "group");
    canvas.setAttribute("aria-label", "Map of the notes");
    const details = element("details", { className: "paperrefs-graph-details" });
    details.append(element("summary", { textContent: "The map's links as a list" }));
    list.before(canvas, details);
    details.append(list);

    let colors = palette();
    let fitted = false;
    let view = { left: -Infinity, top: -Infinity, right: Infinity, bottom: Infinity };
    let zoomedIn = false;
    let ticks = 0;
    let names = 0;
    let font = "";
    const graph = ForceGraph()(canvas)
      .width(canvas.clientWidth)
      .height(HEIGHT)
      .backgroundColor("rgba(0,0,0,0)")
      .graphData(data)
      .nodeRelSize(RADIUS)
      .nodeVal((node) =>
        node.kind === "topic" ? 10 : node.kind === "note" ? 2 : 1 + Math.min(node.degree, 9) / 3,
      )
      .nodeColor((node) => colors[node.kind])
      .nodeLabel(tooltip)
      .linkColor(() => colors.link)
      .linkWidth((link) => (link.about ? 1 : 0)) // 0: a hairline, the fastest line to draw
      // Topic names always; other names once the reader has zoomed in far enough to read.
      .nodeCanvasObjectMode((node) => (node.kind === "topic" || zoomedIn ? "after" : null))
      .onZoom(({ k }) => {
        zoomedIn = k >= NAMES_FROM_ZOOM;
      })
      .onRenderFramePre((context) => {
        // What the reader sees, in graph coordinates: names are drawn only there.
        const corner = graph.screen2GraphCoords(0, 0);
        const far = graph.screen2GraphCoords(canvas.clientWidth, HEIGHT);
        view = { left: corner.x, top: corner.y, right: far.x, bottom: far.y };
        names = 0;
        font = "";
        context.textAlign = "center";
        context.textBaseline = "top";
      })
      .nodeCanvasObject((node, context, scale) => {
        if (node.kind !== "topic" && (scale < NAMES_FROM_ZOOM || names >= NAMES_PER_FRAME)) {
          return;
        }
        const margin = 60 / scale;
        if (
          node.x < view.left - margin ||
          node.x > view.right + margin ||
          node.y < view.top - margin ||
          node.y > view.bottom + margin
        ) {
          return;
        }
        names += 1;
        const size = (node.kind === "topic" ? 13 : 10) / scale;
        const wanted = `${node.kind === "topic" ? 600 : 400} ${size}px sans-serif`;
        if (wanted !== font) {
          context.font = wanted; // parsing a font is costly: only when it changes
          font = wanted;
        }
        const radius = Math.sqrt(node.kind === "topic" ? 10 : 2) * RADIUS;
        const longest = node.kind === "topic" ? 48 : 36;
        const label =
          node.label.length > longest ? `${node.label.slice(0, longest - 1)}…` : node.label;
        const y = node.y + radius + 2 / scale;
        // A name near the edge slides inwards rather than being cut off.
        const half = context.measureText(label).width / 2;
        const inset = 4 / scale;
        const x = Math.max(
          view.left + half + inset,
          Math.min(node.x, view.right - half - inset),
        );
        context.lineWidth = 3 / scale; // a halo in the background colour, over the lines
        context.strokeStyle = colors.halo;
        context.strokeText(label, x, y);
        context.fillStyle = colors.text;
        context.fillText(label, x, y);
      })
      .onNodeClick((node) => window.location.assign(node.url))
      // A fixed number of layout steps, not a time: the same map on every visit and machine.
      // 150 steps, the layout cooling twice as fast as d3's default: settled in half the time.
      .d3AlphaDecay(0.045)
      .cooldownTicks(150)
      .cooldownTime(20000)
      .onEngineTick(() => {
        // A first look at the whole map while the layout settles, so it never opens empty.
        ticks += 1;
        if (ticks === 40) graph.zoomToFit(200, 100);
      })
      .onEngineStop(() => {
        if (!fitted) {
          fitted = true;
          graph.zoomToFit(300, 100);
          container.dataset.state = "drawn";
        }
      });
    // Topics push each other apart so that their names do not overlap; a note stays near
    // its topic, and a paper near the notes that cite it.
    graph
      .d3Force("charge")
      .strength((node) => (node.kind === "topic" ? -500 : node.kind === "note" ? -40 : -15));
    graph
      .d3Force("link")
      .distance((link) => (link.source.kind === "topic" ? 35 : 15));
    // Scripts that drive the map (and the browser tests) find node positions through this.
    canvas.paperrefsGraph = graph;

    const tools = element("div", { className: "paperrefs-graph-tools" });
    tools.append(
      button("+", "Zoom in", () => graph.zoom(graph.zoom() * 1.5, 200)),
      button("−", "Zoom out", () => graph.zoom(graph.zoom() / 1.5, 200)),
      button("⤢", "Fit the whole map", () => graph.zoomToFit(300, 100)),
    );
    const legend = element("div", { className: "paperrefs-graph-legend" });
    legend.setAttribute("aria-hidden", "true"); // the canvas's label says it in words
    const swatches = KINDS.map(([kind, , text]) => {
      const swatch = element("span", { className: "paperrefs-graph-swatch" });
      const entry = element("span", { textContent: text });
      entry.prepend(swatch);
      return [kind, swatch, entry];
    });
    const paint = () => swatches.forEach(([kind, swatch]) => (swatch.style.background = colors[kind]));
    paint();
    legend.append(...swatches.map(([, , entry]) => entry));
    canvas.append(tools, legend);
    const drawing = canvas.querySelector("canvas");
    if (drawing) {
      drawing.setAttribute("role", "img");
      drawing.setAttribute(
        "aria-label",
        `Map of ${count("topic")} topics, ${count("note")} notes and ${count("paper")} papers; ` +
          "the same links follow as a list.",
      );
    }

    new ResizeObserver(() => graph.width(canvas.clientWidth)).observe(canvas);
    new MutationObserver(() => {
      colors = palette();
      paint();
      graph.nodeColor(graph.nodeColor()); // redraw with the new colours
    }).observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
  }

  function setUpAll() {
    document.querySelectorAll("div.paperrefs-graph").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAll);
  } else {
    setUpAll();
  }
})();

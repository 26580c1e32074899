// Chain map page: the nodes (json_script "chain-tree", laid out by chains.views.map_layout)
// drawn in three columns, upstream | midstream | downstream, each node a box coloured by its
// class with lines to its children, a badge on the nodes a chain leader (链主) works on.
// Clicking a node (or its badge) loads its panel (enterprises, projects, targets) into
// #node-panel with htmx; on a phone the panel sits below the map and is scrolled into view.
(function () {
  "use strict";
  var el = document.getElementById("chain-map");
  var source = document.getElementById("chain-tree");
  if (!el || !source || !window.echarts) return;
  var tree = JSON.parse(source.textContent);
  var panel = document.getElementById("node-panel");
  var esc = echarts.format.encodeHTML;
  var ROW = 36; // pixels per row of the layout
  var DARK_TEXT = { "#f9a825": "#1f2933" }; // dark words on the yellow of "weak"
  var nodes = [];
  (function flatten(list, parent) {
    list.forEach(function (n) {
      n.parentIndex = parent;
      nodes.push(n);
      flatten(n.children || [], nodes.length - 1);
    });
  })(tree.children || [], null);
  if (!nodes.length) { el.style.display = "none"; return; }
  var selected = null;
  var measure = document.createElement("canvas").getContext("2d");

  el.style.height = Math.ceil(tree.rows * ROW) + 16 + "px"; // tree.rows: rows of height
  var chart = echarts.init(el, null, { renderer: "svg" });

  function textWidth(text, size) {
    measure.font = size + "px sans-serif";
    return measure.measureText(text).width;
  }

  function option() {
    var colW = el.clientWidth / 3;
    var narrow = el.clientWidth < 640;
    var items = [];
    var links = [];
    var geometry = nodes.map(function (n) {
      var indent = Math.min(n.depth, 2) * 0.045;
      return { x: n.column + 0.5 + indent, w: colW * (0.9 - 2 * indent), h: n.depth ? 26 : 30 };
    });
    nodes.forEach(function (n, i) {
      var g = geometry[i];
      var on = n.code === selected;
      items.push({
        id: "node-" + i, // graph items need unique ids: two nodes or badges may share a name
        name: n.name,
        value: [g.x, n.row],
        code: n.code,
        node: n,
        symbol: "roundRect",
        symbolSize: [g.w, g.h],
        itemStyle: { color: n.colour, borderColor: on ? "#102a43" : "#fff", borderWidth: on ? 3 : 1 },
        label: {
          show: true, position: "inside", color: DARK_TEXT[n.colour] || "#fff",
          fontSize: narrow ? 11 : 13, fontWeight: n.depth ? "normal" : "bold"
        }
      });
      if (n.parentIndex !== null) links.push({ source: n.parentIndex, target: i });
    });
    var badge = tree.labels.leader;
    var badgeSize = narrow ? 10 : 11;
    var badgeW = Math.ceil(textWidth(badge, badgeSize)) + 12;
    nodes.forEach(function (n, i) {
      if (!n.leaders.length) return;
      var g = geometry[i];
      var right = g.x + (g.w / 2 - badgeW / 2 - 2) / colW;
      items.push({
        id: "badge-" + i,
        name: badge,
        value: [right, n.row - g.h / 2 / ROW],
        code: n.code,
        node: n,
        badge: true,
        symbol: "roundRect",
        symbolSize: [badgeW, 17],
        itemStyle: { color: "#5b2a86", borderColor: "#fff", borderWidth: 1 },
        label: { show: true, position: "inside", color: "#fff", fontSize: badgeSize, fontWeight: "bold" }
      });
    });
    return {
      animation: false,
      grid: { left: 0, right: 0, top: 8, bottom: 8, containLabel: false },
      xAxis: { type: "value", min: 0, max: 3, show: false },
      yAxis: { type: "value", min: -0.5, max: tree.rows - 0.5, inverse: true, show: false },
      tooltip: {
        trigger: "item",
        confine: true,
        // The formatter's string is rendered as HTML: every piece of text is escaped first.
        formatter: function (p) {
          var n = p.data && p.data.node;
          if (!n) return "";
          var lines = [
            esc(String(tree.name)) + " › <b>" + esc(String(n.name)) + "</b>",
            esc(n.position_label + " · " + n.label),
            esc(tree.labels.enterprises + " " + n.enterprises + " · " + tree.labels.projects + " " + n.projects)
          ];
          if (n.leaders.length) lines.push(esc(tree.labels.leader + ": " + n.leaders.join("、")));
          return lines.join("<br>");
        }
      },
      series: [{
        type: "graph",
        coordinateSystem: "cartesian2d",
        data: items,
        links: links,
        edgeSymbol: ["none", "none"],
        lineStyle: { color: "#9fb3c8", width: 1.2, curveness: 0.12, opacity: 0.9 },
        emphasis: { scale: 1.04, itemStyle: { borderColor: "#102a43", borderWidth: 2 } },
        cursor: "pointer"
      }]
    };
  }

  function draw() { chart.setOption(option(), { notMerge: true }); }
  draw();

  chart.on("click", function (p) {
    var code = p.data && p.data.code;
    if (!code) return;
    selected = code;
    draw();
    var url = el.dataset.panelUrl.replace("__node__", encodeURIComponent(code));
    if (!window.htmx || !panel) { window.location.href = url; return; }
    window.htmx.ajax("GET", url, { target: "#node-panel", swap: "innerHTML" }).then(function () {
      // one column (a phone): the panel is below the map, bring it into view
      if (panel.getBoundingClientRect().top > window.innerHeight * 0.6) {
        panel.scrollIntoView({ block: "start" });
      }
    });
  });
  window.addEventListener("resize", function () { chart.resize(); draw(); });
})();

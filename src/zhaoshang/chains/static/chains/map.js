// Chain map page: the node tree (json_script "chain-tree") drawn as an ECharts tree, each
// node coloured by its class; clicking a node loads its panel (enterprises, projects,
// targets) into #node-panel with htmx.
(function () {
  "use strict";
  var el = document.getElementById("chain-map");
  var data = document.getElementById("chain-tree");
  if (!el || !data || !window.echarts) return;
  var tree = JSON.parse(data.textContent);
  var chart = echarts.init(el, null, { renderer: "svg" });
  chart.setOption({
    animation: false,
    tooltip: {
      trigger: "item",
      // The formatter's string is rendered as HTML: every piece of text is escaped first.
      formatter: function (p) {
        var esc = echarts.format.encodeHTML;
        var d = p.data || {};
        if (!d.code) return esc(String(d.name || ""));
        return esc(String(d.name)) + "<br>" + esc(String(d.label)) + " · " +
          esc(String(d.enterprises)) + " / " + esc(String(d.projects));
      }
    },
    series: [{
      type: "tree",
      data: [tree],
      orient: "LR",
      top: 16, bottom: 16, left: 90, right: 170,
      symbol: "circle",
      symbolSize: 13,
      initialTreeDepth: 3,
      expandAndCollapse: false,
      label: { position: "left", verticalAlign: "middle", align: "right", fontSize: 12 },
      leaves: { label: { position: "right", align: "left" } },
      lineStyle: { color: "#b0bec5" }
    }]
  });
  chart.on("click", function (p) {
    var code = p.data && p.data.code;
    if (!code) return;
    var url = el.dataset.panelUrl.replace("__node__", encodeURIComponent(code));
    if (window.htmx) {
      window.htmx.ajax("GET", url, { target: "#node-panel", swap: "innerHTML" });
    } else {
      window.location.href = url;
    }
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();

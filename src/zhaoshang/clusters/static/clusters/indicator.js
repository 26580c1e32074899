// Indicator page: the figures by period, one line per scope (targets dashed, derived dotted).
// Data from the json_script "indicator-data".
(function () {
  "use strict";
  var node = document.getElementById("indicator-data");
  var el = document.getElementById("indicator-chart");
  if (!node || !el || !window.echarts) return;
  var data = JSON.parse(node.textContent);
  if (!data.series.length) { el.style.display = "none"; return; }
  var chart = echarts.init(el, null, { renderer: "svg" });
  var index = {};
  data.periods.forEach(function (p, i) { index[p] = i; });
  chart.setOption({
    animation: false,
    tooltip: { trigger: "axis" },
    legend: { type: "scroll", top: 0 },
    grid: { left: 8, right: 16, top: 36, bottom: 24, containLabel: true },
    xAxis: { type: "category", data: data.periods },
    yAxis: { type: "value", name: data.unit, scale: true },
    series: data.series.map(function (s) {
      var values = data.periods.map(function () { return null; });
      s.points.forEach(function (p) { values[index[p[0]]] = p[1]; });
      return {
        name: s.name, type: "line", data: values, connectNulls: true, symbolSize: 7,
        lineStyle: { type: s.kind === "target" ? "dashed" : (s.kind === "derived" ? "dotted" : "solid") },
      };
    }),
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();

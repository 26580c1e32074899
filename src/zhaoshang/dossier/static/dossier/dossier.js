// The project page's monthly chart: plan pace, completed and funds in place from January
// (lines) and the month's completed investment (bars), as of the end of each month.
// Data from the json_script beside the chart; labels from its data- attributes.
(function () {
  "use strict";
  function num(v) { return v === null || v === undefined ? null : Number(v); }
  function draw() {
    var el = document.getElementById("dossier-chart");
    var data = document.getElementById("dossier-chart-data");
    if (!el || !data || !window.echarts) return;
    var rows = JSON.parse(data.textContent);
    var chart = window.echarts.init(el);
    // 万元 in the data; the axis reads 亿元 once the figures pass 1亿 (never 200,000 万元)
    var most = 0;
    rows.forEach(function (r) {
      ["pace", "completed", "funds", "month_completed"].forEach(function (k) {
        var v = num(r[k]);
        if (v !== null && v > most) most = v;
      });
    });
    var scale = most >= 10000 ? 10000 : 1;
    var unit = el.getAttribute(scale === 1 ? "data-unit" : "data-unit-yi");
    var pick = function (key) {
      return rows.map(function (r) {
        var v = num(r[key]);
        return v === null ? null : Math.round((v / scale) * 100) / 100;
      });
    };
    var narrow = el.clientWidth < 600;
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { top: 0, type: narrow ? "scroll" : "plain" },
      grid: { left: narrow ? 50 : 80, right: 16, top: narrow ? 56 : 36, bottom: 28 },
      xAxis: { type: "category", data: rows.map(function (r) { return r.month; }) },
      yAxis: { type: "value", name: unit },
      series: [
        { name: el.getAttribute("data-pace"), type: "line", data: pick("pace"),
          lineStyle: { type: "dashed" } },
        { name: el.getAttribute("data-completed"), type: "line", data: pick("completed") },
        { name: el.getAttribute("data-funds"), type: "line", data: pick("funds") },
        { name: el.getAttribute("data-month"), type: "bar", data: pick("month_completed") }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();

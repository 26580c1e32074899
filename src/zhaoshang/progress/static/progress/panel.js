// Plan-vs-completed chart of the progress panel (data from the json_script beside it).
(function () {
  "use strict";
  function draw() {
    var el = document.getElementById("progress-plan-chart");
    var data = document.getElementById("progress-plan-data");
    if (!el || !data || !window.echarts) return;
    var months = JSON.parse(data.textContent);
    var chart = window.echarts.init(el);
    // amounts come in 万元; the axis reads 亿元 (10,000 万元) with at most 2 decimals
    var num = function (v) { return Number(v) / 10000; };
    var yi = function (v) { return (Math.round(v * 100) / 100).toLocaleString(); };
    chart.setOption({
      tooltip: { trigger: "axis", valueFormatter: function (v) { return yi(v) + " " + el.getAttribute("data-unit"); } },
      legend: { top: 0 },
      grid: { left: 60, right: 20, top: 40, bottom: 30 },
      xAxis: { type: "category", data: months.map(function (m) { return m.month; }) },
      yAxis: { type: "value", name: el.getAttribute("data-unit"), axisLabel: { formatter: yi } },
      series: [
        { name: el.getAttribute("data-planned"), type: "line", smooth: false,
          data: months.map(function (m) { return num(m.planned_cumulative_wan); }) },
        { name: el.getAttribute("data-completed"), type: "line",
          data: months.map(function (m) { return num(m.completed_cumulative_wan); }) },
        { name: el.getAttribute("data-month"), type: "bar",
          data: months.map(function (m) { return num(m.completed_wan); }) }
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

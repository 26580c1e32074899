// Clusters page: one bullet chart per target (actual bar, target line, projected range band,
// trend marker). Data from the json_script "bullet-data"; values in 亿元.
(function () {
  "use strict";
  var node = document.getElementById("bullet-data");
  if (!node || !window.echarts) return;
  var fmt = function (v) { return v == null ? "—" : (Math.round(v * 100) / 100).toString(); };
  // The tooltip formatter's string is rendered as HTML: every piece of text is escaped first.
  var esc = function (text) { return echarts.format.encodeHTML(String(text)); };

  function bullet(el, d) {
    var chart = echarts.init(el, null, { renderer: "svg" });
    var top = Math.max(d.target || 0, d.high || 0, d.actual || 0) * 1.08 || 1;
    var band = d.low != null && d.high != null
      ? [[{ xAxis: d.low, name: d.labels.range }, { xAxis: d.high }]] : [];
    chart.setOption({
      animation: false,
      grid: { left: 8, right: 56, top: 26, bottom: 22, containLabel: true },
      tooltip: {
        trigger: "item",
        confine: true,
        formatter: function () {
          // a target whose year is over: met or missed, no projected range or trend
          return [
            esc(d.labels.actual + ": " + fmt(d.actual)),
            esc(d.labels.target + ": " + fmt(d.target)),
          ].concat(d.year_over ? [esc(d.verdict)] : [
            esc(d.labels.range + ": " + fmt(d.low) + " – " + fmt(d.high)),
            esc(d.labels.trend + ": " + fmt(d.central)),
          ]).join("<br>") + "<br>" + esc("(" + d.labels.unit + ")");
        },
      },
      xAxis: { type: "value", max: Math.ceil(top), splitLine: { show: false }, axisLabel: { showMaxLabel: false } },
      yAxis: { type: "category", data: [""], axisTick: { show: false }, axisLine: { show: false } },
      series: [
        {
          type: "bar", data: [d.actual], barWidth: 14, name: d.labels.actual,
          itemStyle: { color: "#334e68" },
          label: { show: d.actual != null, position: "insideRight", color: "#fff", fontSize: 11,
                   formatter: function () { return fmt(d.actual); } },
          markArea: { silent: true, itemStyle: { color: "rgba(179,38,30,0.16)" },
                      label: { show: false }, data: band },
          markLine: { silent: true, symbol: "none", lineStyle: { color: "#b3261e", width: 3, type: "solid" },
                      label: { formatter: function () { return d.labels.target + ": " + fmt(d.target) + " " + d.labels.unit; }, fontSize: 11 },
                      data: d.target != null ? [{ xAxis: d.target }] : [] },
        },
        {
          type: "scatter", name: d.labels.trend, symbol: "diamond", symbolSize: 12,
          itemStyle: { color: "#b3261e" },
          data: d.central != null ? [[d.central, 0]] : [],
        },
      ],
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  JSON.parse(node.textContent).forEach(function (d) {
    var el = document.getElementById(d.id);
    if (el) bullet(el, d);
  });
})();

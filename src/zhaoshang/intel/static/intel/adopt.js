// The review form of "accept as project" (intel/adopt.html): a field, or an amount row,
// lights up the words of the article it was read from and scrolls them into view; "put
// into" copies an amount as written into the chosen amount field, which re-reads it.
// Which marks belong to which field comes from the json_script "adopt-marks".
(function () {
  "use strict";
  var data = document.getElementById("adopt-marks");
  var marks = data ? JSON.parse(data.textContent) : {};

  function light(ids, on) {
    ids.forEach(function (id) {
      var mark = document.getElementById(id);
      if (mark) {
        mark.classList.toggle("lit", on);
      }
    });
  }

  function reveal(id) {
    var mark = document.getElementById(id);
    var box = mark && mark.closest(".article-text");
    if (!box) {
      return;
    }
    var offset = mark.getBoundingClientRect().top - box.getBoundingClientRect().top;
    box.scrollTop += offset - box.clientHeight / 3;
  }

  function tie(element, ids) {
    if (!ids.length) {
      return;
    }
    function on() {
      light(ids, true);
      reveal(ids[0]);
      element.classList.add("lit");
    }
    function off() {
      if (element.contains(document.activeElement) || element.matches(":hover")) {
        return;
      }
      light(ids, false);
      element.classList.remove("lit");
    }
    element.addEventListener("mouseenter", on);
    element.addEventListener("focusin", on);
    element.addEventListener("mouseleave", off);
    element.addEventListener("focusout", function () {
      window.setTimeout(off, 0); // activeElement is the next one only after focusout
    });
  }

  document.querySelectorAll(".adopt-field[data-field]").forEach(function (field) {
    tie(field, marks[field.getAttribute("data-field")] || []);
  });
  document.querySelectorAll(".adopt-amounts tr[data-marks]").forEach(function (row) {
    tie(row, row.getAttribute("data-marks").split(" "));
  });
  document.querySelectorAll("select.put-into").forEach(function (select) {
    select.addEventListener("change", function () {
      var input = select.value && document.getElementById("id_" + select.value);
      if (!input) {
        return;
      }
      input.value = select.getAttribute("data-text");
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.focus();
    });
  });
})();

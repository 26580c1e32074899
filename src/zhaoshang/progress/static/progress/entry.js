// Monthly entry: move through the grid from the keyboard like a spreadsheet.
// Enter or ArrowDown: same column, next project; ArrowUp: previous project;
// Ctrl+Enter (or Cmd+Enter): save; Alt+ArrowDown: copy last month's figure into the field.
(function () {
  "use strict";
  var form = document.getElementById("entry-form");
  if (!form) return;
  var rows = Array.prototype.slice.call(form.querySelectorAll("tbody tr"));

  function cell(rowIndex, col) {
    var row = rows[rowIndex];
    return row ? row.querySelector('input[data-col="' + col + '"]') : null;
  }

  function position(input) {
    var row = input.closest("tr");
    return { row: rows.indexOf(row), col: input.getAttribute("data-col") };
  }

  function focus(input) {
    if (!input) return;
    input.focus();
    input.select();
  }

  form.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[data-col]")) return;
    var at = position(input);
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.submit();
    } else if (event.key === "ArrowDown" && event.altKey) {
      event.preventDefault();
      var prev = input.parentNode.querySelector(".prev");
      if (prev && prev.getAttribute("data-value")) {
        input.value = prev.getAttribute("data-value");
        input.select();
      }
    } else if (event.key === "Enter" || event.key === "ArrowDown") {
      event.preventDefault();
      focus(cell(at.row + 1, at.col));
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      focus(cell(at.row - 1, at.col));
    }
  });

  // Start where the work is: the first empty amount, else the first one.
  var first = form.querySelector("tr.has-error input[data-col]") ||
    Array.prototype.find.call(form.querySelectorAll('input[data-col="0"]'), function (i) {
      return i.value === "";
    }) || form.querySelector('input[data-col="0"]');
  if (first) focus(first);
})();

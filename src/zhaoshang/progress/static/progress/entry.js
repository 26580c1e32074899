// Monthly entry, one page of the grid (20 projects) at a time.
// - Keys, like a spreadsheet: Enter or ArrowDown: same column, next project; ArrowUp:
//   previous project; Ctrl+Enter (or Cmd+Enter): save; Alt+ArrowDown: copy last month's
//   figure into the field.
// - The status bar says how many fields changed since the page loaded, and leaving the
//   page (another page of the grid, another group) with unsaved changes asks first.
(function () {
  "use strict";
  var form = document.getElementById("entry-form");
  if (!form) return;
  var words = document.getElementById("entry-words").dataset;
  var rows = Array.prototype.slice.call(form.querySelectorAll("tbody tr[data-group]"));

  function cell(rowIndex, col) {
    var row = rows[rowIndex];
    return row ? row.querySelector('input[data-col="' + col + '"]') : null;
  }

  function focus(input) {
    if (!input) return;
    input.focus();
    input.select();
  }

  form.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[data-col]")) return;
    var at = rows.indexOf(input.closest("tr"));
    var col = input.getAttribute("data-col");
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.submit();
    } else if (event.key === "ArrowDown" && event.altKey) {
      event.preventDefault();
      var prev = input.parentNode.querySelector(".prev");
      if (prev && prev.getAttribute("data-value")) {
        input.value = prev.getAttribute("data-value");
        input.select();
        changed();
      }
    } else if (event.key === "Enter" || event.key === "ArrowDown") {
      event.preventDefault();
      focus(cell(at + 1, col));
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      focus(cell(at - 1, col));
    }
  });

  // ---- unsaved changes
  var inputs = Array.prototype.slice.call(form.querySelectorAll("input[data-col]"));
  var note = document.getElementById("entry-dirty");
  var dirty = 0;
  var submitting = false;

  function format(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_m, key) { return values[key]; });
  }

  function changed() {
    dirty = inputs.filter(function (i) { return i.value !== i.defaultValue; }).length;
    if (!note) return;
    note.hidden = dirty === 0;
    note.textContent = dirty === 1 ? words.dirtyOne : format(words.dirtyMany, { n: dirty });
  }

  form.addEventListener("input", changed);
  form.addEventListener("submit", function () { submitting = true; });
  window.addEventListener("beforeunload", function (event) {
    if (dirty && !submitting) {
      event.preventDefault();
      event.returnValue = words.leave;
      return words.leave;
    }
  });

  // Start where the work is: a field with an error, else the first empty amount, else the
  // first one; without scrolling, so the status line at the top of the grid stays in view.
  var start = form.querySelector("tr.has-error input[aria-invalid=true]") ||
    form.querySelector("tr.has-error input[data-col]") ||
    Array.prototype.find.call(form.querySelectorAll('input[data-col="0"]'), function (i) {
      return i.value === "";
    }) || form.querySelector('input[data-col="0"]');
  if (start) {
    start.focus({ preventScroll: true });
    start.select();
  }
  changed();
})();

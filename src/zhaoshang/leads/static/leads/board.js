// The lead board: dragging a card to another column submits the card's own move form
// (the same POST as its stage menu), so the server's stage gate decides and answers.
(function () {
  "use strict";
  var board = document.getElementById("board");
  if (!board) return;
  var dragged = null;
  board.addEventListener("dragstart", function (e) {
    var card = e.target.closest(".lead-card");
    if (!card) return;
    dragged = card;
    card.classList.add("dragging");
    e.dataTransfer.effectAllowed = "move";
    e.dataTransfer.setData("text/plain", card.dataset.lead);
  });
  board.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("dragging");
    dragged = null;
    board.querySelectorAll(".board-col.drop").forEach(function (c) { c.classList.remove("drop"); });
  });
  board.addEventListener("dragover", function (e) {
    var col = e.target.closest(".board-col");
    if (!col || !dragged) return;
    e.preventDefault();
    col.classList.add("drop");
  });
  board.addEventListener("dragleave", function (e) {
    var col = e.target.closest(".board-col");
    if (col && !col.contains(e.relatedTarget)) col.classList.remove("drop");
  });
  board.addEventListener("drop", function (e) {
    var col = e.target.closest(".board-col");
    if (!col || !dragged) return;
    e.preventDefault();
    var form = dragged.querySelector("form.move");
    var select = form && form.querySelector("select[name=stage]");
    if (!select || select.value === col.dataset.stage) return;
    select.value = col.dataset.stage;
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
  });
})();

// Guanxi's only script of its own: confirm dangerous form submissions.
// CSP forbids inline handlers, so forms opt in with data-confirm="question".
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// Tag colours: the CSP forbids style attributes, so colours travel as data-color and
// are applied here through the CSSOM.
function paintTags(root) {
  root.querySelectorAll("[data-color]").forEach(function (el) {
    var color = el.getAttribute("data-color");
    if (/^#[0-9a-fA-F]{6}$/.test(color)) {
      el.style.backgroundColor = color;
      var r = parseInt(color.substr(1, 2), 16), g = parseInt(color.substr(3, 2), 16), b = parseInt(color.substr(5, 2), 16);
      el.style.color = (r * 299 + g * 587 + b * 114) / 1000 > 140 ? "#1f2933" : "#fff";
    }
  });
}
document.addEventListener("DOMContentLoaded", function () { paintTags(document); });
document.addEventListener("htmx:afterSwap", function (event) { paintTags(event.target); });

// The deal board: drag a card (li[data-move-url]) onto another stage's column and the
// move is posted with htmx; the server answers with the whole board (#board). A drop on
// the lost column first asks why, with the page's #lost-form. Without JavaScript each
// card's stage select and Move button post the same form.
(function () {
  var dragged = null;
  var pending = null;

  function columnOf(el) {
    return el && el.closest ? el.closest(".board-column[data-stage-id]") : null;
  }

  function post(url, values) {
    var board = document.getElementById("board");
    values.owner = board ? board.getAttribute("data-owner") || "" : "";
    return htmx.ajax("POST", url, { target: "#board", swap: "outerHTML", values: values, source: board });
  }

  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest(".deal-card[data-move-url]");
    if (!card) return;
    dragged = card;
    card.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.getAttribute("data-deal-id"));
  });

  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("dragging");
    document.querySelectorAll(".board-column.drag-over").forEach(function (c) { c.classList.remove("drag-over"); });
    dragged = null;
  });

  document.addEventListener("dragover", function (event) {
    var column = columnOf(event.target);
    if (!dragged || !column) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    column.classList.add("drag-over");
  });

  document.addEventListener("dragleave", function (event) {
    var column = columnOf(event.target);
    if (column && !column.contains(event.relatedTarget)) column.classList.remove("drag-over");
  });

  document.addEventListener("drop", function (event) {
    var column = columnOf(event.target);
    if (!dragged || !column) return;
    event.preventDefault();
    column.classList.remove("drag-over");
    var url = dragged.getAttribute("data-move-url");
    var stage = column.getAttribute("data-stage-id");
    if (columnOf(dragged) === column) return;
    if (column.getAttribute("data-stage-kind") === "lost") {
      var form = document.getElementById("lost-form");
      if (!form) return;
      pending = { url: url, stage: stage };
      form.hidden = false;
      form.querySelector("select").focus();
      return;
    }
    post(url, { stage: stage });
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.id !== "lost-form") return;
    event.preventDefault();
    if (!pending) { form.hidden = true; return; }
    post(pending.url, {
      stage: pending.stage,
      lost_reason: form.elements["lost_reason"].value,
      lost_note: form.elements["lost_note"].value
    });
    pending = null;
    form.reset();
    form.hidden = true;
  });

  document.addEventListener("click", function (event) {
    if (!event.target.closest || !event.target.closest("[data-lost-cancel]")) return;
    var form = document.getElementById("lost-form");
    pending = null;
    if (form) { form.reset(); form.hidden = true; }
  });
})();

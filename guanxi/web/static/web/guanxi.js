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

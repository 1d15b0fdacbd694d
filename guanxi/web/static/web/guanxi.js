// Guanxi's only script of its own: confirm dangerous form submissions.
// CSP forbids inline handlers, so forms opt in with data-confirm="question".
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

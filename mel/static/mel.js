/* mel: an error summary's link lands on its field with the question in view.
   Following a link to a field scrolls the field itself to the top of the window, so the
   question's label or legend and its error message end up above the screen. As in
   GOV.UK Frontend's error summary: scroll the legend (or label) into view, then focus
   the field without scrolling. Pages work the same without this script. */
(function () {
  "use strict";

  function legendOrLabel(input) {
    var other = input.closest(".other");
    if (other) {
      return other;
    }
    var fieldset = input.closest("fieldset");
    var legend = fieldset && fieldset.querySelector("legend");
    if (legend) {
      if (input.type === "radio" || input.type === "checkbox") {
        return legend;
      }
      // A legend far above a box (a long hint) would push the box off screen: use its label.
      var top = legend.getBoundingClientRect().top;
      var box = input.getBoundingClientRect();
      if (box.top + box.height - top < window.innerHeight / 2) {
        return legend;
      }
    }
    return document.querySelector('label[for="' + CSS.escape(input.id) + '"]') || input;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".error-summary a[href^='#']");
    if (!link) {
      return;
    }
    var input = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!input) {
      return;
    }
    event.preventDefault();
    legendOrLabel(input).scrollIntoView({ block: "start" });
    input.focus({ preventScroll: true });
  });
})();

// Conveniences for the agent table; every action also works without this script.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function setUp(form) {
    var boxes = Array.prototype.slice.call(form.querySelectorAll('input[name="agents"]'));
    var counter = form.querySelector(".selection-count");
    var last = null;

    function count() {
      var ticked = boxes.filter(function (box) { return box.checked; }).length;
      if (counter) { counter.textContent = ticked + " of " + boxes.length + " ticked"; }
    }

    form.querySelectorAll("[data-select]").forEach(function (button) {
      button.addEventListener("click", function () {
        var on = button.getAttribute("data-select") === "all";
        boxes.forEach(function (box) { box.checked = on; });
        count();
      });
    });

    // Shift-click ticks (or unticks) every box between the last click and this one.
    boxes.forEach(function (box) {
      box.addEventListener("click", function (event) {
        if (event.shiftKey && last !== null && last !== box) {
          var from = boxes.indexOf(last);
          var to = boxes.indexOf(box);
          var low = Math.min(from, to);
          var high = Math.max(from, to);
          for (var i = low; i <= high; i += 1) { boxes[i].checked = box.checked; }
        }
        last = box;
        count();
      });
    });
    count();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.agents-form").forEach(setUp);
  });
}());

// Conveniences only: every form on every page also works without this script.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Ask before a form marked data-confirm is sent, then let each form go out
  // once: a second click while the first request is on its way would send a
  // second batch to the PBX. The clicked button stays enabled, because the
  // browser leaves a disabled submitter's name (pause or resume) out of the data.
  function guardSubmit(event) {
    var form = event.target;
    if (form.classList.contains("is-submitting")) {
      event.preventDefault();
      return;
    }
    if (event.defaultPrevented) { return; }

    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    // A GET form (the history filters) changes nothing, so it may be sent again.
    if (form.method.toLowerCase() === "get") { return; }
    form.classList.add("is-submitting");
    form.setAttribute("aria-busy", "true");
  }

  // A page restored by Back comes from the browser's cache as it was left,
  // mid-submit; its forms must be usable again.
  function releaseForms(event) {
    if (!event.persisted) { return; }
    document.querySelectorAll("form.is-submitting").forEach(function (form) {
      form.classList.remove("is-submitting");
      form.removeAttribute("aria-busy");
    });
  }

  function setUpAgents(form) {
    var boxes = Array.prototype.slice.call(form.querySelectorAll('input[name="agents"]'));
    var counter = form.querySelector(".selection-count");
    var buttons = form.querySelectorAll('input[name="pause"], input[name="resume"]');
    var last = null;
    var shiftFromLabel = false;

    // Enter in the note would send the form as a pause, the first button;
    // the supervisor should choose Pause or Resume on purpose.
    var note = form.querySelector('input[name="note"]');
    if (note) {
      note.addEventListener("keydown", function (event) {
        if (event.key === "Enter") { event.preventDefault(); }
      });
    }

    function update() {
      var ticked = boxes.filter(function (box) { return box.checked; }).length;
      if (counter) { counter.textContent = ticked + " of " + boxes.length + " ticked"; }
      buttons.forEach(function (button) { button.disabled = ticked === 0; });
    }

    form.querySelectorAll("[data-select]").forEach(function (button) {
      button.addEventListener("click", function () {
        var on = button.getAttribute("data-select") === "all";
        boxes.forEach(function (box) { box.checked = on; });
        update();
      });
    });

    // Shift-click on a label must reach its checkbox as a Shift-click.
    form.querySelectorAll("label[for]").forEach(function (label) {
      if (boxes.indexOf(label.control) === -1) { return; }
      label.addEventListener("mousedown", function (event) {
        // Left alone, Shift extends the page's text selection up to the label,
        // and Chromium then does not pass a click that selects text on to the box.
        if (event.shiftKey) { event.preventDefault(); }
      });
      // Browsers differ on whether the click a label passes on carries shiftKey;
      // the label's own click does, and the box's handler runs right after it.
      label.addEventListener("click", function (event) {
        shiftFromLabel = event.target !== label.control && event.shiftKey;
      });
    });

    // Shift-click ticks (or unticks) every box between the last click and this one.
    boxes.forEach(function (box) {
      box.addEventListener("click", function (event) {
        var shift = event.shiftKey || shiftFromLabel;
        shiftFromLabel = false;
        if (shift && last !== null && last !== box) {
          var from = boxes.indexOf(last);
          var to = boxes.indexOf(box);
          var low = Math.min(from, to);
          var high = Math.max(from, to);
          for (var i = low; i <= high; i += 1) { boxes[i].checked = box.checked; }
        }
        last = box;
        update();
      });
    });

    // Back and Forward may restore the boxes' ticks after this script has run.
    window.addEventListener("pageshow", update);
    update();
  }

  document.addEventListener("submit", guardSubmit);
  window.addEventListener("pageshow", releaseForms);
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.agents-form").forEach(setUpAgents);
  });
}());

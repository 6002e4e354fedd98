// A form that comes back with errors gets a summary at its top, focused, that links to each
// field with a problem: a keyboard or screen-reader user hears at once what to fix, and
// where, instead of starting again from the top of the page.
(function () {
  "use strict";

  function labelOf(field) {
    var label = field.id && document.querySelector('label[for="' + field.id + '"]');
    return (label ? label.textContent : field.name || "A field").trim().replace(/\s*\*$/, "");
  }

  function summarise(form) {
    var fields = Array.prototype.filter.call(
      form.querySelectorAll(".is-invalid[name], [aria-invalid='true'][name]"),
      function (field) { return field.type !== "hidden"; }
    );
    var general = form.querySelector(".alert-danger, .errorlist.nonfield");
    if (!fields.length && !general) return null;
    var box = document.createElement("div");
    box.className = "alert alert-danger error-summary";
    box.setAttribute("role", "alert");
    box.setAttribute("tabindex", "-1");
    box.setAttribute("data-testid", "error-summary");
    var title = document.createElement("p");
    title.className = "fw-semibold mb-1";
    var count = fields.length;
    title.textContent = count
      ? "Nothing was saved: " + count + (count === 1 ? " field needs" : " fields need") + " attention."
      : "Nothing was saved: see the message below.";
    box.appendChild(title);
    if (count) {
      var list = document.createElement("ul");
      list.className = "mb-0";
      fields.forEach(function (field) {
        if (!field.id) return;
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = "#" + field.id;
        link.className = "alert-link";
        link.textContent = labelOf(field);
        link.addEventListener("click", function (event) {
          event.preventDefault();
          field.focus();
        });
        item.appendChild(link);
        list.appendChild(item);
      });
      box.appendChild(list);
    }
    form.insertBefore(box, form.firstChild);
    return box;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var forms = document.querySelectorAll("form[method='post'], form[method='POST']");
    for (var i = 0; i < forms.length; i++) {
      var box = summarise(forms[i]);
      if (box) {
        box.focus();
        return; // the first form with errors: the one just sent
      }
    }
  });
})();

// @mention autocomplete for comment boxes (textarea[data-mentions]): typing "@" and the start
// of a name lists the business's members (from the #mention-members JSON); arrow keys move,
// Enter or Tab inserts, Escape closes, a click inserts.
(function () {
  "use strict";
  var data = document.getElementById("mention-members");
  if (!data) return;
  var members = JSON.parse(data.textContent);
  var PREFIX = /(^|[^\w@.+-])@([\w.@+-]*)$/;

  document.querySelectorAll("textarea[data-mentions]").forEach(function (box, index) {
    var list = document.createElement("ul");
    list.id = "mention-list-" + index;
    list.className = "list-group mention-list shadow-sm";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Members to mention");
    list.hidden = true;
    box.parentNode.insertBefore(list, box.nextSibling);
    box.setAttribute("aria-autocomplete", "list");
    box.setAttribute("aria-controls", list.id);
    // No aria-expanded: a textarea is a textbox, which ARIA gives no such state (axe-core's
    // aria-allowed-attr); the open list is announced through aria-activedescendant.
    var matches = [];
    var active = 0;

    function typed() {
      var before = box.value.slice(0, box.selectionStart);
      var found = PREFIX.exec(before);
      return found ? found[2] : null;
    }

    function close() {
      list.hidden = true;
      box.removeAttribute("aria-activedescendant");
      matches = [];
    }

    function show() {
      var start = typed();
      if (start === null) return close();
      var lower = start.toLowerCase();
      matches = members.filter(function (name) {
        return name.toLowerCase().indexOf(lower) === 0;
      }).slice(0, 8);
      if (!matches.length) return close();
      active = Math.min(active, matches.length - 1);
      list.textContent = "";
      matches.forEach(function (name, i) {
        var item = document.createElement("li");
        item.id = list.id + "-" + i;
        item.className = "list-group-item list-group-item-action py-1" + (i === active ? " active" : "");
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", i === active ? "true" : "false");
        item.textContent = "@" + name;
        item.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep the focus in the box
          insert(name);
        });
        list.appendChild(item);
      });
      list.hidden = false;
      box.setAttribute("aria-activedescendant", list.id + "-" + active);
    }

    function insert(name) {
      var caret = box.selectionStart;
      var before = box.value.slice(0, caret).replace(/@[\w.@+-]*$/, "@" + name + " ");
      box.value = before + box.value.slice(caret);
      box.selectionStart = box.selectionEnd = before.length;
      close();
      box.focus();
    }

    box.addEventListener("input", function () {
      active = 0;
      show();
    });
    box.addEventListener("keydown", function (event) {
      if (list.hidden) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        active = (active + (event.key === "ArrowDown" ? 1 : matches.length - 1)) % matches.length;
        show();
      } else if (event.key === "Enter" || event.key === "Tab") {
        event.preventDefault();
        insert(matches[active]);
      } else if (event.key === "Escape") {
        close();
      }
    });
    box.addEventListener("blur", close);
  });
})();

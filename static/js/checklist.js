// "Languages spoken" and any <select multiple data-checklist>: a filter box over a list of
// checkboxes, with the chosen entries shown above as chips that remove them. The select stays
// in the form (hidden) and is what is sent, so the page works the same without this script.
// Words come from the select's data-checklist-* attributes, already translated.
(function () {
  "use strict";
  var selects = document.querySelectorAll("select[multiple][data-checklist]");
  Array.prototype.forEach.call(selects, enhance);

  function make(tag, className) {
    var element = document.createElement(tag);
    if (className) element.className = className;
    return element;
  }

  function folded(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function enhance(select) {
    var words = select.dataset;
    var label = document.querySelector('label[for="' + select.id + '"]');
    var hint = document.getElementById(select.id + "-hint");
    if (!label) return;
    label.id = label.id || select.id + "-label";

    var box = make("div", "checklist");
    var chips = make("ul", "chips");
    chips.setAttribute("aria-label", words.checklistChosen);
    var filter = make("input", "checklist-filter");
    filter.type = "search";
    filter.id = select.id + "-filter";
    filter.autocomplete = "off";
    filter.placeholder = words.checklist;
    filter.setAttribute("aria-controls", select.id + "-options");
    var described = select.getAttribute("aria-describedby");
    if (described) filter.setAttribute("aria-describedby", described);
    var options = make("div", "checklist-options");  // the group; the list inside stays a list
    options.id = select.id + "-options";
    options.setAttribute("role", "group");
    options.setAttribute("aria-labelledby", label.id);
    var list = make("ul");
    options.appendChild(list);
    var none = make("p", "hint checklist-none");
    none.textContent = words.checklistNone;
    none.hidden = true;
    none.setAttribute("role", "status");

    var entries = Array.prototype.map.call(select.options, function (option) {
      var item = make("li");
      var choice = make("label");
      var tick = make("input");
      tick.type = "checkbox";  // no name: the select is what the form sends
      tick.checked = option.selected;
      tick.addEventListener("change", function () {
        option.selected = tick.checked;
        showChips();
      });
      var name = make("span");
      name.textContent = option.text;
      choice.appendChild(tick);
      choice.appendChild(name);
      item.appendChild(choice);
      list.appendChild(item);
      return { option: option, box: tick, item: item, text: folded(option.text + " " + option.value) };
    });

    function showChips() {
      chips.textContent = "";
      entries.forEach(function (entry) {
        if (!entry.option.selected) return;
        var item = make("li");
        var chip = make("button", "chip");
        chip.type = "button";
        chip.setAttribute("aria-label", words.checklistRemove.replace("%(language)s", entry.option.text));
        chip.textContent = entry.option.text + " ";
        var cross = make("span");
        cross.setAttribute("aria-hidden", "true");
        cross.textContent = "\u00d7";
        chip.appendChild(cross);
        chip.addEventListener("click", function () {
          entry.option.selected = entry.box.checked = false;
          showChips();
          filter.focus();
        });
        item.appendChild(chip);
        chips.appendChild(item);
      });
      chips.hidden = !chips.firstChild;
    }

    function narrow() {
      var wanted = folded(filter.value.trim());
      var shown = 0;
      entries.forEach(function (entry) {
        entry.item.hidden = wanted !== "" && entry.text.indexOf(wanted) < 0;
        if (!entry.item.hidden) shown += 1;
      });
      none.hidden = shown > 0;
    }

    filter.addEventListener("input", narrow);
    filter.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {  // choose the first match rather than send the form
        event.preventDefault();
        var first = entries.filter(function (entry) { return !entry.item.hidden && !entry.box.checked; })[0];
        if (first && filter.value.trim()) {
          first.option.selected = first.box.checked = true;
          filter.value = "";
          narrow();
          showChips();
        }
      } else if (event.key === "Escape" && filter.value) {
        event.preventDefault();
        filter.value = "";
        narrow();
      }
    });

    if (hint && words.checklistHint) hint.textContent = words.checklistHint;
    label.htmlFor = filter.id;  // the field's own label now names the filter box
    box.appendChild(chips);
    box.appendChild(filter);
    box.appendChild(none);
    box.appendChild(options);
    select.hidden = true;
    select.parentNode.insertBefore(box, select.nextSibling);
    showChips();
  }
})();

// While a member writes a new thread (or edits its first post), offer the topics its title
// and body name, as more checkboxes to tick: the server's reading (/suggest/topics), asked at
// most once a second and only when the text changed. Ticked boxes are never removed. Built
// with textContent and properties only: labels are never parsed as HTML.
(function () {
  "use strict";
  var box = document.getElementById("topic-choice");
  var title = document.getElementById("title");
  var body = document.getElementById("body");
  if (!box || !body || !window.fetch) return;
  var list = box.querySelector(".topic-options");
  var none = box.querySelector(".topic-none");
  var MAX_TEXT = 4000;
  var MAX_SENT = 3000;
  var timer = null;
  var asked = "";

  function draft() {
    return ((title ? title.value : "") + "\n" + body.value).slice(0, MAX_TEXT);
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(lookUp, 1000);
  }

  function lookUp() {
    var text = draft();
    if (text.trim().length < 3 || text === asked) return;
    asked = text;
    // an address's line is at most 4 kB on the server: the draft's start, encoded, fits
    var cut = text;
    var sent = encodeURIComponent(cut);
    while (sent.length > MAX_SENT) {
      cut = cut.slice(0, Math.floor(cut.length * MAX_SENT / sent.length) - 1);
      cut = cut.replace(/[\uD800-\uDBFF]$/, "");  // never half a character
      sent = encodeURIComponent(cut);
    }
    fetch(box.dataset.url + "?text=" + sent, {
      headers: { Accept: "application/json" },
      credentials: "same-origin"
    })
      .then(function (response) { return response.ok ? response.json() : { topics: [] }; })
      .then(function (data) { if (text === asked) show(data.topics || []); })
      .catch(function () {});
  }

  function show(topics) {
    var present = {};
    Array.prototype.forEach.call(list.querySelectorAll("input[name=topics]"), function (input) {
      present[input.value] = input;
    });
    // unticked offers the text no longer names go; ticked ones stay
    var named = {};
    topics.forEach(function (topic) { named[topic.id] = true; });
    Object.keys(present).forEach(function (id) {
      if (!named[id] && !present[id].checked) list.removeChild(present[id].closest("li"));
    });
    topics.forEach(function (topic) {
      if (present[topic.id]) return;
      var item = document.createElement("li");
      var label = document.createElement("label");
      var input = document.createElement("input");
      input.type = "checkbox";
      input.name = "topics";
      input.value = topic.id;
      var text = document.createElement("span");
      text.textContent = topic.label;
      label.appendChild(input);
      label.appendChild(document.createTextNode(" "));
      label.appendChild(text);
      item.appendChild(label);
      list.appendChild(item);
    });
    if (none) none.hidden = list.children.length > 0;
  }

  if (title) title.addEventListener("input", later);
  body.addEventListener("input", later);
})();

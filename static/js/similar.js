// While a member types a thread title, show up to five similar threads so they can read an
// answer before asking again. Built with textContent only: titles are never parsed as HTML.
(function () {
  "use strict";
  var box = document.getElementById("similar-threads");
  var title = document.getElementById("title");
  if (!box || !title || !window.fetch) return;
  var list = box.querySelector("ul");
  var timer = null;
  var asked = "";

  title.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(lookUp, 350);
  });

  function lookUp() {
    var words = title.value.trim();
    if (words.length < 4) { box.hidden = true; return; }
    if (words === asked) return;
    asked = words;
    fetch(box.dataset.url + "?title=" + encodeURIComponent(words), {
      headers: { Accept: "application/json" },
      credentials: "same-origin"
    })
      .then(function (response) { return response.ok ? response.json() : { threads: [] }; })
      .then(function (data) { if (words === asked) show(data.threads || []); })
      .catch(function () { box.hidden = true; });
  }

  function show(threads) {
    list.textContent = "";
    threads.forEach(function (thread) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = thread.url;
      link.textContent = thread.title;
      link.target = "_blank";
      link.rel = "noopener";
      var where = document.createElement("span");
      where.className = "muted";
      where.textContent = " · " + thread.board + (thread.answered ? " · ✓" : "");
      item.appendChild(link);
      item.appendChild(where);
      list.appendChild(item);
    });
    box.hidden = threads.length === 0;
  }
})();

// A live thread: replies posted while a member reads are announced at the foot of the page
// ("1 new reply — Show"); Show adds them to the page, each as its reader may see it, without
// reloading. Not on the last page (or sorted by votes), Show goes to the first new reply.
// Without this script nothing changes: new replies are there on the next load.
(function () {
  "use strict";
  var live = window.forumLive;
  var region = document.querySelector("[data-live-thread]");
  if (!live || !region || typeof window.fetch !== "function") return;

  var socket = live.socket;
  var threadId = Number(region.dataset.liveThread);
  var onLastPage = region.dataset.lastPage === "true";
  var bar = region.querySelector(".new-replies");
  var text = region.querySelector(".new-replies-text");
  var show = region.querySelector("button");
  var pending = []; // new posts' ids, oldest first
  var busy = false;

  function watch() {
    socket.emit("threads:watch", { thread: threadId }, function (watching) {
      region.dataset.watching = watching ? "true" : "false"; // the server's answer
    });
  }
  socket.on("connect", watch); // again after a reconnection: rooms do not outlive a socket
  if (socket.connected) watch();

  socket.on("threads:reply", function (reply) {
    if (!reply || reply.thread !== threadId || typeof reply.post !== "number") return;
    if (document.getElementById("post-" + reply.post) || pending.indexOf(reply.post) !== -1) return;
    pending.push(reply.post);
    announce();
  });

  show.addEventListener("click", function () {
    if (busy || !pending.length) return;
    if (!onLastPage) {
      window.location.assign(address(region.dataset.permalink, pending[0]));
      return;
    }
    busy = true;
    var ids = pending.slice();
    Promise.all(ids.map(fragment)).then(function (posts) {
      var list = lastPostList();
      var first = null;
      posts.forEach(function (post) {
        if (!post || !list || document.getElementById(post.id)) return; // gone, or already here
        list.appendChild(post);
        first = first || post;
      });
      pending = pending.filter(function (id) { return ids.indexOf(id) === -1; });
      busy = false;
      announce();
      if (first) {
        first.tabIndex = -1; // reached by the keyboard and screen readers where it begins
        first.focus();
      }
    }).catch(function () {
      window.location.assign(address(region.dataset.permalink, ids[0]));
    });
  });

  function fragment(postId) {
    return window.fetch(address(region.dataset.fragment, postId), {
      credentials: "same-origin",
      headers: { Accept: "text/html" },
    }).then(function (response) {
      if (response.status === 404) return null; // hidden or deleted since: not shown
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.text().then(function (html) {
        var template = document.createElement("template");
        template.innerHTML = html; // our own page's markup, escaped by the server
        return template.content.querySelector("li.post");
      });
    });
  }

  function announce() {
    bar.hidden = pending.length === 0;
    if (pending.length) text.textContent = wording(pending.length);
  }

  // the sentence for this count, in the page's language (the template wrote one per plural form)
  function wording(count) {
    var samples = document.querySelectorAll(".new-replies-wording li");
    var rules = window.Intl && Intl.PluralRules ? new Intl.PluralRules(document.documentElement.lang) : null;
    var chosen = samples[samples.length - 1];
    for (var i = 0; i < samples.length; i++) {
      var n = Number(samples[i].dataset.n);
      if (n === count || (rules && rules.select(n) === rules.select(count))) {
        chosen = samples[i];
        break;
      }
    }
    return chosen.textContent.replace("__N__", String(count));
  }

  function address(pattern, postId) {
    return pattern.replace(/\/0(\/|$)/, "/" + postId + "$1"); // the post id 0 stands for the post
  }

  function lastPostList() {
    var lists = document.querySelectorAll("article.thread ol.post-list");
    return lists.length ? lists[lists.length - 1] : null;
  }
})();

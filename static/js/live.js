// Live notifications: the header's unread count and a short toast, without reloading.
// Delivery is best effort; the notifications page is always complete.
(function () {
  "use strict";
  if (typeof io !== "function") return;

  var badge = document.getElementById("unread-count");
  var toasts = document.getElementById("toasts");
  // WebSocket only: no long-polling, so several server processes need no sticky sessions.
  var socket = io({ transports: ["websocket"] });
  window.forumLive = { socket: socket }; // one socket per page: live-thread.js listens on it too

  socket.on("notification", function (notification) {
    setUnread(notification.unread);
    showToast(notification);
  });

  // logged out, password changed or banned elsewhere: stop listening
  socket.on("session_ended", function () {
    socket.disconnect();
  });

  function setUnread(count) {
    if (!badge || typeof count !== "number") return;
    badge.textContent = String(count);
    badge.hidden = count === 0;
  }

  function showToast(notification) {
    var texts = notification.texts || {};
    var text = texts[document.documentElement.lang] || notification.text;
    if (!toasts || typeof text !== "string") return;
    var toast = document.createElement("p");
    toast.className = "toast";
    var link = document.createElement("a");
    link.href = typeof notification.url === "string" && notification.url.charAt(0) === "/" ? notification.url : "/notifications";
    link.textContent = text; // text, never HTML
    link.addEventListener("click", function () {
      socket.emit("notifications:read", { id: notification.id });
    });
    toast.appendChild(link);
    toasts.appendChild(toast);
    window.setTimeout(function () {
      toast.remove();
    }, 10000);
  }
})();

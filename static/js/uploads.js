// A composer with files: say at once when too many or too large are chosen, and show a
// progress bar while they are sent. Without this script the form posts as usual.
(function () {
  "use strict";
  if (!window.FormData || !window.XMLHttpRequest) return;
  document.querySelectorAll("form[enctype='multipart/form-data']").forEach(function (form) {
    var input = form.querySelector("input[type=file]");
    var progress = form.querySelector(".upload-progress");
    if (!input || !progress) return;
    var bar = progress.querySelector("progress");
    var problem = document.createElement("p");
    problem.className = "error";
    problem.id = input.id + "-chosen";
    problem.hidden = true;
    input.parentNode.appendChild(problem);

    function refusal() {
      var most = Number(input.dataset.maxFiles), mb = Number(input.dataset.maxMb);
      if (input.files.length > most) return progress.dataset.tooMany;
      for (var i = 0; i < input.files.length; i++) {
        if (input.files[i].size > mb * 1024 * 1024) {
          return progress.dataset.tooLarge.replace("{name}", input.files[i].name);
        }
      }
      return "";
    }

    input.addEventListener("change", function () {
      var message = refusal();
      problem.textContent = message;
      problem.hidden = !message;
      input.setAttribute("aria-invalid", message ? "true" : "false");
    });

    form.addEventListener("submit", function (event) {
      if (!input.files.length) return;
      var message = refusal();
      event.preventDefault();
      if (message) { problem.textContent = message; problem.hidden = false; input.focus(); return; }
      var request = new XMLHttpRequest();
      request.open("POST", form.action || window.location.href);
      request.upload.addEventListener("progress", function (sent) {
        if (sent.lengthComputable) bar.value = Math.round((sent.loaded / sent.total) * 100);
      });
      request.addEventListener("load", function () {
        if (request.responseURL && request.responseURL.split("#")[0] !== (form.action || window.location.href).split("#")[0]) {
          window.location.assign(request.responseURL);  // posted: the thread, at the new post
          return;
        }
        document.open();  // refused: the composer again, with the reason and the text kept
        document.write(request.responseText);
        document.close();
      });
      request.addEventListener("error", function () {
        progress.hidden = true;
        problem.textContent = progress.dataset.failed;
        problem.hidden = false;
      });
      progress.hidden = false;
      form.querySelectorAll("button, input[type=submit]").forEach(function (b) { b.disabled = true; });
      request.send(new FormData(form, event.submitter || undefined));
    });
  });
})();

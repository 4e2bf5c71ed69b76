/* coursepack preview: "build the files" buttons. POST /_coursepack/build?formats=...; the
 * progress lines of the build appear in the status region; links to the files when done. */
(function () {
  "use strict";

  function render(region, job, open) {
    region.textContent = "";
    var state = document.createElement("p");
    state.textContent = job.state === "running" ? "Building… " + (job.log[job.log.length - 1] || "")
      : job.state === "done" ? "Built." : job.state === "failed" ? "The build failed:" : "";
    region.appendChild(state);
    if (job.state === "failed") {
      var log = document.createElement("pre");
      log.textContent = job.log.join("\n");
      region.appendChild(log);
    }
    if (job.state === "done") {
      var list = document.createElement("ul");
      job.files.forEach(function (file) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = file.url;
        link.textContent = file.name;
        item.appendChild(link);
        list.appendChild(item);
        if (open && file.name.slice(-open.length) === open) window.open(file.url, "_blank");
      });
      region.appendChild(list);
    }
  }

  function follow(button, region) {
    fetch("/_coursepack/build").then(function (r) { return r.json(); }).then(function (job) {
      render(region, job, button.getAttribute("data-open"));
      if (job.state === "running") window.setTimeout(function () { follow(button, region); }, 500);
      else button.disabled = false;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("button[data-build]").forEach(function (button) {
      var kind = button.getAttribute("data-build");
      var region = document.querySelector('[data-job-for="' + kind + '"]');
      button.addEventListener("click", function () {
        button.disabled = true;
        fetch("/_coursepack/build?formats=" + encodeURIComponent(kind), {method: "POST"})
          .then(function () { follow(button, region); });
      });
    });
  });
})();

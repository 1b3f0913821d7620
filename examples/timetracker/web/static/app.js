// The running timer's clock: counts up every second from the start time
// the server put in data-start. Without this script the page shows the
// elapsed time as of loading, which is all it needs to work.
(function () {
  "use strict";
  var el = document.getElementById("timer-elapsed");
  if (!el) {
    return;
  }
  var start = Date.parse(el.getAttribute("data-start"));
  if (isNaN(start)) {
    return;
  }
  var title = document.title;
  function pad(n) {
    return n < 10 ? "0" + n : String(n);
  }
  function tick() {
    var s = Math.max(0, Math.floor((Date.now() - start) / 1000));
    var text = Math.floor(s / 3600) + ":" + pad(Math.floor(s / 60) % 60) + ":" + pad(s % 60);
    el.textContent = text;
    document.title = text + " · " + title;
  }
  tick();
  setInterval(tick, 1000);
})();

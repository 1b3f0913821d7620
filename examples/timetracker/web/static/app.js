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

// Tag suggestions: a datalist suggests whole values, so for a field of
// comma-separated tags each suggestion is what has been typed so far with
// one more of the user's tags in place of the last part. Without this
// script the list suggests single tags, which is enough for the first.
(function () {
  "use strict";
  var inputs = document.querySelectorAll("input[data-tags]");
  Array.prototype.forEach.call(inputs, function (input) {
    var list = input.list;
    if (!list) {
      return;
    }
    var tags = Array.prototype.map.call(list.options, function (o) {
      return o.value;
    });
    function update() {
      var value = input.value;
      var cut = value.lastIndexOf(",");
      var head = cut < 0 ? "" : value.slice(0, cut + 1) + " ";
      var have = {};
      value.split(",").slice(0, -1).forEach(function (t) {
        have[t.trim().toLowerCase()] = true;
      });
      while (list.firstChild) {
        list.removeChild(list.firstChild);
      }
      tags.forEach(function (t) {
        if (have[t.toLowerCase()]) {
          return;
        }
        var o = document.createElement("option");
        o.value = head + t;
        list.appendChild(o);
      });
    }
    input.addEventListener("input", update);
  });
})();

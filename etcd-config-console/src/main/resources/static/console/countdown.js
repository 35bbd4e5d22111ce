// The bake countdown of the staged rollout page: every element with data-ends-at (epoch millis, the server's
// clock) counts down to it each second. The server's clock at rendering (data-now) corrects the browser's, and
// elements that htmx swaps in are picked up at the next tick. A file of its own: the console's CSP allows no
// inline script.
(function () {
  function tick() {
    document.querySelectorAll('[data-ends-at]').forEach(function (element) {
      if (!element.dataset.offset) {
        element.dataset.offset = String(Number(element.dataset.now) - Date.now());
      }
      var left = Number(element.dataset.endsAt) - (Date.now() + Number(element.dataset.offset));
      element.textContent = Math.max(0, Math.ceil(left / 1000)) + 's';
    });
  }
  tick();
  setInterval(tick, 1000);
})();

// SLA countdowns that go on by themselves. The server renders on each running clock's
// countdown (`web/templates/_countdown.html`) the business time left when the page was read
// and the instants at which its risk rises (half the goal used, three quarters, the
// deadline), reckoned in business time by the clock on its calendar. This only reads them:
// at each of those instants it switches the colour (`due-<risk>`), and about every 30 s it
// updates the time left, without a request. Between two instants the time left runs down with
// the wall clock, never below what the next instant will leave (so outside business hours it
// waits there); past the deadline it counts the wall clock. On a ticket page the clock's badge
// follows (high, then "breached"). Paused clocks carry nothing and do not tick. A page without
// this script shows the time as read.
(function () {
  "use strict";
  var TICK_MS = 30000;
  var RISKS = ["low", "medium", "high", "breached"];
  var timer = 0;

  function span(seconds) {
    var minutes = Math.floor(Math.abs(seconds) / 60);
    var hours = Math.floor(minutes / 60);
    return hours ? hours + " h " + (minutes % 60) + " min" : minutes + " min";
  }

  function changesOf(element) {
    try {
      var changes = JSON.parse(element.dataset.changes || "[]");
      return changes.map(function (c) {
        return {at: Date.parse(c.at), risk: c.risk, left: Number(c.left)};
      }).filter(function (c) { return !isNaN(c.at) && RISKS.indexOf(c.risk) >= 0; });
    } catch (error) {
      return [];
    }
  }

  // The countdown at `now` (ms): its risk and business seconds left; the next instant ahead.
  function reading(element, now) {
    var base = {at: Date.parse(element.dataset.at), risk: element.dataset.risk,
                left: Number(element.dataset.left)};
    var next = null;
    changesOf(element).forEach(function (change) {
      if (change.at <= now) {
        if (change.at >= base.at) base = change;
      } else if (!next || change.at < next.at) {
        next = change;
      }
    });
    if (isNaN(base.at) || isNaN(base.left)) return null;
    var left = base.left - (now - base.at) / 1000;
    if (next) left = Math.max(left, next.left);
    return {risk: base.risk, left: left, next: next};
  }

  function show(element, now) {
    var read = reading(element, now);
    if (!read) return null;
    RISKS.forEach(function (risk) {
      element.classList.toggle("due-" + risk, risk === read.risk);
    });
    element.dataset.shownRisk = read.risk;
    var text = element.querySelector("[data-countdown-text]");
    var words = element.querySelector("[data-countdown-words]");
    var over = read.left <= 0;
    if (text) {
      text.textContent = (over ? text.dataset.overPrefix || "" : "") + span(read.left) +
        ((over ? text.dataset.overSuffix : text.dataset.leftSuffix) || "");
    }
    if (words) words.textContent = (over ? words.dataset.over : words.dataset.left) || "";
    showState(element, read.risk);
    return read.next;
  }

  // The clock's badge beside a ticket page's countdown follows it: high, then breached.
  function showState(element, risk) {
    var holder = element.closest(".sla-clock");
    var state = holder && holder.querySelector("[data-clock-state]");
    if (!state) return;
    var shade = {breached: "urgent", high: "high"}[risk] || "normal";
    ["urgent", "high", "normal"].forEach(function (each) {
      state.classList.toggle("prio-" + each, each === shade);
    });
    if (risk === "breached") state.textContent = "breached";
  }

  function update() {
    window.clearTimeout(timer);
    var now = Date.now();
    var soonest = now + TICK_MS;
    var countdowns = document.querySelectorAll("[data-countdown]");
    Array.prototype.forEach.call(countdowns, function (element) {
      var next = show(element, now);
      if (next && next.at < soonest) soonest = next.at;
    });
    // the next colour change on time, else the next tick of the time left
    timer = window.setTimeout(update, Math.max(soonest - Date.now(), 0) + 50);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", update);
  } else {
    update();
  }
  // lists that re-read themselves (live.js) and htmx swaps bring countdowns of their own
  document.addEventListener("htmx:afterSettle", update);
  document.addEventListener("live:refreshed", update);
})();

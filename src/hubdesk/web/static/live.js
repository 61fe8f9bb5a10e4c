// Live updates: the page listens to /events (server-sent events of committed ticket changes
// the agent may see). Lists and boards (main[data-live=refresh]) re-read themselves, unless
// the agent is in the middle of something there; a ticket page (data-live=ticket) says that
// the ticket changed instead of replacing what the agent may be writing. The header's
// notification count follows the agent's own new notifications; quarantined mail coming or
// going refreshes the lists that show it.
(function () {
  "use strict";
  if (!window.EventSource) return;
  var pending = 0;

  function main() { return document.getElementById("main"); }

  function tell(text, reload) {
    var news = document.getElementById("live-news");
    if (!news) return;
    news.textContent = text + " ";
    if (reload) {
      var link = document.createElement("a");
      link.href = window.location.href;
      link.textContent = "Reload";
      news.appendChild(link);
    }
  }

  function busy(area) {
    var active = document.activeElement;
    if (active && area.contains(active)) {
      var tag = active.tagName.toLowerCase();
      if (tag === "input" || tag === "textarea" || tag === "select") return true;
    }
    return !!document.querySelector("dialog[open]");
  }

  function refresh() {
    pending = 0;
    var area = main();
    if (!area || area.dataset.live !== "refresh") return;
    if (busy(area)) { tell("New activity.", true); return; }
    fetch(window.location.href, {credentials: "same-origin", headers: {"X-Live": "1"}})
      .then(function (answer) { return answer.ok ? answer.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("main");
        var now = main();
        if (!fresh || !now || busy(now)) return;
        now.innerHTML = fresh.innerHTML;
        document.dispatchEvent(new CustomEvent("live:refreshed"));
        tell("Updated just now.", false);
      })
      .catch(function () { tell("Could not update: ", true); });
  }

  function onTicket(event) {
    var area = main();
    if (!area) return;
    var change = JSON.parse(event.data);
    if (area.dataset.live === "ticket") {
      if (String(change.ticket_id) === area.dataset.ticket) {
        tell("This ticket has changed since you opened it.", true);
      }
    } else if (area.dataset.live === "refresh" && !pending) {
      pending = window.setTimeout(refresh, 1000);  // one re-read for a burst of changes
    }
  }

  // Quarantined mail coming or going: the lists and boards that show it re-read themselves.
  function onMail() {
    var area = main();
    if (area && area.dataset.live === "refresh" && !pending) {
      pending = window.setTimeout(refresh, 1000);
    }
  }

  function onResync() {
    var area = main();
    if (area && area.dataset.live === "refresh") refresh();
    else if (area && area.dataset.live === "ticket") tell("Some changes may have been missed.", true);
  }

  function onViewers(event) {
    var company = JSON.parse(event.data);
    var place = document.getElementById("viewers");
    if (place) {
      var names = company.names;
      place.textContent = names.length ? "Also on this ticket now: " + names.join(", ") + "." : "";
    }
    var typists = document.getElementById("typing");
    if (typists) {
      var who = company.typing || [];
      typists.textContent = !who.length ? "" : who.length === 1 ? who[0] + " is typing…"
        : who.slice(0, -1).join(", ") + " and " + who[who.length - 1] + " are typing…";
    }
  }

  // Typing in a ticket's reply box is told to the others on the ticket: at most one small
  // request every TYPING_EVERY ms while keys are pressed (the server forgets it after a few
  // seconds without one, so nothing needs to be sent when the typing stops).
  var TYPING_EVERY = 2000;
  var lastTyping = 0;
  document.addEventListener("input", function (event) {
    var area = main();
    var box = event.target;
    if (!area || area.dataset.live !== "ticket" || !box.form || box.id !== "body") return;
    var now = Date.now();
    if (now - lastTyping < TYPING_EVERY) return;
    lastTyping = now;
    var said = new FormData();
    said.append("csrf_token", box.form.elements.csrf_token.value);
    fetch("/tickets/" + area.dataset.ticket + "/typing",
          {method: "POST", body: said, credentials: "same-origin"}).catch(function () {});
  });

  // The header's unread count is read on its own, on every page and whenever the stream
  // says a notification was made for this agent.
  function showUnread() {
    var link = document.getElementById("notice-link");
    var count = document.getElementById("notice-count");
    if (!link || !count) return;
    fetch(link.dataset.unreadUrl, {credentials: "same-origin"})
      .then(function (answer) { return answer.ok ? answer.json() : null; })
      .then(function (body) {
        if (!body) return;
        count.textContent = body.unread ? String(body.unread) : "";
        count.hidden = !body.unread;
        link.setAttribute("aria-label", body.unread ? "Notifications, " + body.unread + " unread"
                                                    : "Notifications");
      })
      .catch(function () { /* the count stays as it was; the page still links to the list */ });
  }

  function onNotification() {
    showUnread();
    var area = main();
    if (area && area.dataset.live === "refresh" && !pending) {
      pending = window.setTimeout(refresh, 1000);
    } else {
      tell("You have a new notification.", false);
    }
  }

  // One stream per document: with htmx, pages after the first arrive without a reload, so
  // the stream opens on the first page that wants it and serves the pages after it. A ticket
  // page's stream also says who else has that ticket open, so it is opened anew per ticket.
  var source = null;
  function listen() {
    var area = main();
    if (!area || !area.dataset.live) return;
    var wanted = "/events" + (area.dataset.ticket ? "?ticket=" + area.dataset.ticket : "");
    if (source && source.wanted === wanted) return;
    if (source) source.close();
    source = new EventSource(wanted);
    source.wanted = wanted;
    source.addEventListener("ticket", onTicket);
    source.addEventListener("resync", onResync);
    source.addEventListener("viewers", onViewers);
    source.addEventListener("notification", onNotification);
    source.addEventListener("mail", onMail);
  }
  document.addEventListener("DOMContentLoaded", listen);
  document.addEventListener("htmx:afterSettle", listen);
  document.addEventListener("DOMContentLoaded", showUnread);
  document.addEventListener("htmx:afterSettle", showUnread);
})();

// Keyboard shortcuts for the console. Every action is also a plain link, button or field;
// this only saves keystrokes. Keys never fire while a field has the focus.
(function () {
  "use strict";
  var pendingG = 0;

  function typing(target) {
    if (!target || !target.tagName) return false;
    var tag = target.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }

  function tell(text) {
    var news = document.getElementById("shortcut-news");
    if (news) news.textContent = text;
  }

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("table.queue td.subject a"));
  }

  function moveInList(step) {
    var links = rows();
    if (!links.length) return false;
    var at = links.indexOf(document.activeElement);
    var next = at < 0 ? (step > 0 ? 0 : links.length - 1)
      : Math.min(links.length - 1, Math.max(0, at + step));
    links[next].focus();
    return true;
  }

  function write(kind) {
    var body = document.getElementById("body");
    if (!body) return false;
    var choice = document.querySelector('input[name="visibility"][value="' + kind + '"]');
    if (choice) choice.checked = true;
    body.focus();
    tell(kind === "public" ? "Writing a reply to the customer." : "Writing an internal note.");
    return true;
  }

  function solve() {
    var status = document.getElementById("status");
    if (!status || !status.querySelector('option[value="solved"]')) return false;
    status.value = "solved";
    var save = document.querySelector("form.changes button[type=submit]");
    if (save) save.focus();
    tell("Status set to Solved: press Enter to save.");
    return true;
  }

  function pickMacro() {
    var picker = document.getElementById("macro");
    if (!picker) return false;
    picker.focus();
    tell("Choosing a macro: arrows to pick, then Tab to Insert.");
    return true;
  }

  // Taking work changes who owns a ticket, so it takes two keys (g then n), never one.
  function getNext() {
    var form = document.querySelector("form.take-next");
    if (!form) return false;
    tell("Getting the next ticket.");
    form.requestSubmit();
    return true;
  }

  function choosePresence() {
    var picker = document.querySelector("form.presence select[name=presence]");
    if (!picker) return false;
    picker.focus();
    tell("Choosing your presence: arrows to pick, then Tab to Set.");
    return true;
  }

  function openHelp() {
    var dialog = document.getElementById("shortcuts");
    if (!dialog || dialog.open) return false;
    dialog.showModal();
    return true;
  }

  function go(selector, fallback) {
    var link = document.querySelector(selector);
    window.location.href = link ? link.href : fallback;
    return true;
  }

  document.addEventListener("keydown", function (event) {
    var key = event.key;
    if (key === "Enter" && (event.ctrlKey || event.metaKey) && event.target.id === "body") {
      var form = event.target.form;
      if (form) { event.preventDefault(); form.requestSubmit(); }
      return;
    }
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target)) {
      // Escape leaves a text field, so the letters are shortcuts again.
      if (key === "Escape" && event.target.tagName.toLowerCase() !== "select") {
        event.target.blur();
        tell("Left the field: shortcuts are on.");
      }
      return;
    }
    var dialog = document.getElementById("shortcuts");
    if (dialog && dialog.open) return;
    var done = false;
    if (pendingG && key === "q") {
      done = go("#to-queue", "/tickets");
    } else if (pendingG && key === "n") {
      done = getNext();
    } else if (key === "g") {
      pendingG = window.setTimeout(function () { pendingG = 0; }, 1500);
      return;
    } else if (key === "?") {
      done = openHelp();
    } else if (key === "j") {
      done = moveInList(1) || (document.getElementById("next-ticket") ? go("#next-ticket", "") : false);
    } else if (key === "k") {
      done = moveInList(-1);
    } else if (key === "r") {
      done = write("public");
    } else if (key === "n") {
      done = write("internal");
    } else if (key === "s") {
      done = solve();
    } else if (key === "m") {
      done = pickMacro();
    } else if (key === "p") {
      done = choosePresence();
    }
    if (pendingG) { window.clearTimeout(pendingG); pendingG = 0; }
    if (done) event.preventDefault();
  });

  document.addEventListener("click", function (event) {
    var opener = event.target.closest && event.target.closest(".shortcuts-open");
    if (opener) openHelp();
  });

  function reveal() {
    Array.prototype.forEach.call(document.querySelectorAll(".shortcuts-open"), function (b) {
      b.hidden = false;
    });
  }
  document.addEventListener("DOMContentLoaded", reveal);
  document.addEventListener("htmx:afterSwap", reveal);

  // A previewed mail template's HTML part is a document of its own: its form posts the typed
  // words into the preview frame as soon as the page shows (without scripts, its button does).
  function loadPreviews() {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-load-now]"), function (f) {
      f.removeAttribute("data-load-now");
      f.submit();
    });
  }
  document.addEventListener("DOMContentLoaded", loadPreviews);
  document.addEventListener("htmx:afterSwap", loadPreviews);
})();

// Drag a ticket on the team board onto another agent's row to move it. The drop only fills
// in the ticket's own "move to" choice and submits that form, so the server sees exactly
// what a keyboard user sends with the select and the button.
(function () {
  "use strict";
  var dragged = null;

  function targetRow(event) {
    var row = event.target.closest && event.target.closest("table.team-board tr[data-agent-id]");
    if (!row || !dragged) return null;
    var select = dragged.querySelector("select[name=assignee_id]");
    var option = select && select.querySelector('option[value="' + row.dataset.agentId + '"]');
    return option ? row : null;
  }

  function clearMarks() {
    Array.prototype.forEach.call(document.querySelectorAll("table.team-board .drop-target"),
      function (row) { row.classList.remove("drop-target"); });
  }

  document.addEventListener("dragstart", function (event) {
    var form = event.target.closest && event.target.closest("table.team-board form.move-ticket");
    if (!form) return;
    dragged = form;
    form.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", "#" + form.dataset.ticketId);
  });

  document.addEventListener("dragover", function (event) {
    var row = targetRow(event);
    if (!row) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    if (!row.classList.contains("drop-target")) { clearMarks(); row.classList.add("drop-target"); }
  });

  document.addEventListener("drop", function (event) {
    var row = targetRow(event);
    if (!row) return;
    event.preventDefault();
    var form = dragged;
    form.querySelector("select[name=assignee_id]").value = row.dataset.agentId;
    var news = document.getElementById("shortcut-news");
    if (news) news.textContent = "Moving ticket #" + form.dataset.ticketId + " to " + row.dataset.agentName + ".";
    form.requestSubmit();
  });

  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("dragging");
    dragged = null;
    clearMarks();
  });
})();

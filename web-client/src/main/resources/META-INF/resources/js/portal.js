// "My desktops": the pools the user may use and the sessions the user has open.
import { announce, api, byId, signOut } from "./api.js";
import { confirmWith } from "./dialogs.js";

const status = byId("portal-status");
/** Pool names by id, so a session row can name its pool even when the session list does not. */
const poolNames = new Map();

/** The viewer page for a pool; the viewer asks the broker for a desktop (the user's own, if one is open). */
function viewerUrl(poolId) {
  return `/viewer.html?pool=${encodeURIComponent(poolId)}`;
}

async function showUser() {
  const me = await api("/api/v1/me");
  if (!me.ok) {
    if (me.status !== 401) {
      announce(status, `Could not load your account: ${me.problem.title}`, "error");
    }
    return false;
  }
  byId("user-name").textContent = me.data.username;
  byId("user-tenant").textContent = me.data.tenant ? ` (${me.data.tenant})` : "";
  return true;
}

async function showPools() {
  const list = byId("pool-list");
  const result = await api("/api/v1/pools");
  list.setAttribute("aria-busy", "false");
  if (!result.ok) {
    announce(status, `Could not load your desktop pools: ${result.problem.title}`, "error");
    return;
  }
  const template = byId("pool-row-template");
  const rows = result.data.map((pool) => {
    const row = template.content.firstElementChild.cloneNode(true);
    row.dataset.poolId = pool.id;
    poolNames.set(String(pool.id), pool.name);
    row.querySelector(".pool-name").textContent = pool.name;
    row.querySelector(".pool-description").textContent = pool.description || "";
    row.querySelector(".pool-kind").textContent = describeKind(pool.kind);
    // "ready" is what an earlier broker called the count of free desktops.
    row.querySelector(".pool-available").textContent = describeAvailable(pool.available ?? pool.ready);
    const connect = row.querySelector(".connect");
    connect.setAttribute("aria-label", `Connect to ${pool.name}`);
    connect.addEventListener("click", () => window.location.assign(viewerUrl(pool.id)));
    return row;
  });
  list.replaceChildren(...rows);
  byId("pools-empty").hidden = rows.length > 0;
}

function describeKind(kind) {
  switch (String(kind || "").toUpperCase()) {
    case "PERSISTENT":
      return "Personal desktop (keeps your changes)";
    case "NON_PERSISTENT":
    case "POOLED":
      return "Fresh desktop each time";
    default:
      return kind ? String(kind) : "Desktop";
  }
}

function describeAvailable(available) {
  const count = Number(available);
  if (!Number.isFinite(count)) {
    return "availability unknown";
  }
  return count === 1 ? "1 desktop available" : `${count} desktops available`;
}

async function showSessions() {
  const list = byId("session-list");
  const result = await api("/api/v1/sessions");
  list.setAttribute("aria-busy", "false");
  if (!result.ok) {
    announce(status, `Could not load your sessions: ${result.problem.title}`, "error");
    return;
  }
  const template = byId("session-row-template");
  const rows = result.data.map((session) => {
    const row = template.content.firstElementChild.cloneNode(true);
    row.dataset.sessionId = session.id;
    const name = session.poolName || poolNames.get(String(session.poolId)) || "Desktop";
    row.querySelector(".session-pool").textContent = name;
    row.querySelector(".session-state").textContent = describeState(session.state);
    const started = row.querySelector(".session-started");
    const startedAt = session.startedAt || session.createdAt;
    started.dateTime = startedAt || "";
    started.textContent = startedAt ? new Date(startedAt).toLocaleString() : "unknown";
    const reconnect = row.querySelector(".reconnect");
    reconnect.setAttribute("aria-label", `Reconnect to ${name}`);
    reconnect.addEventListener("click", () => window.location.assign(viewerUrl(session.poolId)));
    const logoff = row.querySelector(".logoff");
    logoff.setAttribute("aria-label", `Log off from ${name}`);
    logoff.addEventListener("click", () => logOff(session, name, logoff));
    return row;
  });
  list.replaceChildren(...rows);
  byId("sessions-empty").hidden = rows.length > 0;
}

function describeState(state) {
  switch (String(state || "").toUpperCase()) {
    case "ACTIVE":
    case "CONNECTED":
      return "Connected";
    case "DISCONNECTED":
      return "Disconnected (still running)";
    default:
      return state ? String(state) : "Unknown";
  }
}

/**
 * Shows each listed session's current state. A session's state changes behind the page's back: the viewer the
 * user just left closes its connection a moment after this page asked for the list, another tab connects.
 * Rows are updated in place (focus and an open dialog stay); the list is drawn again only when sessions came
 * or went and no dialog is open.
 */
async function refreshStates() {
  const result = await api("/api/v1/sessions");
  if (!result.ok) {
    return;
  }
  const rows = new Map(
    Array.from(document.querySelectorAll("#session-list [data-session-id]"), (row) => [row.dataset.sessionId, row]),
  );
  const same = result.data.length === rows.size && result.data.every((session) => rows.has(String(session.id)));
  if (!same && !byId("logoff-dialog").open) {
    await showSessions();
    return;
  }
  for (const session of result.data) {
    const row = rows.get(String(session.id));
    if (row) {
      row.querySelector(".session-state").textContent = describeState(session.state);
    }
  }
}

async function logOff(session, name, button) {
  byId("logoff-pool-name").textContent = name;
  const answer = confirmWith(byId("logoff-dialog"));
  // The question is about the session as it is now, not as it was when the list was drawn.
  refreshStates();
  if (!(await answer)) {
    button.focus();
    return;
  }
  button.disabled = true;
  const result = await api(`/api/v1/sessions/${encodeURIComponent(session.id)}/logoff`, { method: "POST" });
  if (result.ok) {
    announce(status, `Logged off from ${name}.`, "ok");
  } else if (result.status !== 401) {
    button.disabled = false;
    announce(status, `Could not log off from ${name}: ${result.problem.title}. ${result.problem.detail}`, "error");
  }
  await showSessions();
  byId("sessions-heading").focus();
}

byId("logout-button").addEventListener("click", () => signOut());

// Sessions change behind the page's back (another tab, an idle limit): refresh when the user comes back,
// also to a page the browser kept from before (back button, bfcache), and every few seconds while shown.
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") {
    showSessions();
  }
});
window.addEventListener("pageshow", (event) => {
  if (event.persisted) {
    showSessions();
  }
});
const STATE_REFRESH_MS = 5000;
setInterval(() => {
  if (document.visibilityState === "visible") {
    refreshStates();
  }
}, STATE_REFRESH_MS);

if (await showUser()) {
  await showPools();
  await showSessions();
}

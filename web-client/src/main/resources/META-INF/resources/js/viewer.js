// Desktop viewer: asks the broker for a desktop of the pool, then shows it with noVNC.
// Every (re)connect calls the connect API again because a connection token is good for one use within 60 s.
import RFB from "/webjars/novnc/core/rfb.js";
import { announce, api, byId } from "./api.js";
import {
  MAX_RECONNECT_ATTEMPTS,
  describeConnectFailure,
  poolIdFrom,
  reconnectDelay,
  webSocketUrl,
} from "./connection.js";

const screen = byId("screen");
const status = byId("status");
const reconnectButton = byId("reconnect-button");
const clipboardText = byId("clipboard-text");
/** Controls that only make sense while a desktop is shown. */
const liveControls = ["ctrl-alt-del-button", "clipboard-send"].map(byId);
const resetButton = byId("reset-button");
const resetCancel = byId("reset-cancel");
const disconnectButton = byId("disconnect-button");

const poolId = poolIdFrom(window.location.search);

/** @type {RFB | null} */
let rfb = null;
/** The broker's answer to the last connect call: desktopId, sessionId, wsPath. */
let current = null;
let attempt = 0;
let reconnectTimer = 0;
/** Set when the user (or leaving the page) ends the connection, so its disconnect is not "unexpected". */
let endedByUser = false;
let securityFailure = null;
let fitToWindow = true;
let resetTimer = 0;
let resetPending = false;
let resetDoneTimer = 0;
/** How long the notice of a completed reset stays before the status shows the connection again. */
const RESET_NOTICE_MS = 8000;
/** True while a connect call is under way, so a second trigger (the online event, a click) cannot open two. */
let connecting = false;

/**
 * A reset loses unsaved work, so it waits this long with a focused Cancel button first: an accidental
 * click can be undone, yet one click is all a deliberate reset (or a browser test) needs.
 */
const RESET_GRACE_SECONDS = 5;

/** Shows the connection state in #status (aria-live) and on #screen's data-state, which browser tests wait for. */
function setState(state, message, kind = "info") {
  screen.dataset.state = state;
  status.dataset.state = state;
  announce(status, message, kind);
  const live = state === "connected";
  for (const control of liveControls) {
    control.disabled = !live;
  }
  resetButton.disabled = !live || resetPending;
  // Disconnect also stops a connection or a reconnect loop that is still under way.
  disconnectButton.disabled = state === "disconnected" || state === "failed";
}

function offerConnectAgain(label) {
  reconnectButton.textContent = label;
  reconnectButton.hidden = false;
}

async function connect(automatic) {
  if (connecting || rfb) {
    return;
  }
  clearTimeout(reconnectTimer);
  reconnectButton.hidden = true;
  endedByUser = false;
  securityFailure = null;
  if (!automatic) {
    setState("connecting", "Connecting to your desktop…");
  }
  connecting = true;
  let result;
  try {
    result = await api(`/api/v1/pools/${encodeURIComponent(poolId)}/connect`, { method: "POST" });
  } finally {
    connecting = false;
  }
  if (endedByUser) {
    return;
  }
  if (!result.ok) {
    const failure = describeConnectFailure(result);
    if (failure.signIn) {
      setState("failed", failure.message, "error");
      return;
    }
    if (automatic && failure.retry) {
      scheduleReconnect(failure.message);
      return;
    }
    setState("failed", failure.message, "error");
    if (failure.retry) {
      offerConnectAgain("Try again");
    }
    return;
  }
  current = result.data;
  try {
    open(webSocketUrl(window.location, current.wsPath));
  } catch (error) {
    rfb = null;
    setState("failed", `Could not open the desktop: ${error.message}`, "error");
    offerConnectAgain("Try again");
  }
}

function open(url) {
  // QEMU Extended Key Events stay on (noVNC's default): keys then travel as scan codes, independent of layouts.
  rfb = new RFB(screen, url);
  rfb.scaleViewport = fitToWindow;
  rfb.resizeSession = false;
  rfb.focusOnClick = true;
  rfb.addEventListener("connect", onConnect);
  rfb.addEventListener("disconnect", onDisconnect);
  rfb.addEventListener("securityfailure", (event) => {
    securityFailure = event.detail.reason || `security result ${event.detail.status}`;
  });
  rfb.addEventListener("credentialsrequired", () => {
    securityFailure = "the desktop asked for a password, which Atrium desktops never do";
    rfb.disconnect();
  });
  rfb.addEventListener("clipboard", (event) => {
    clipboardText.value = event.detail.text;
  });
  rfb.addEventListener("desktopname", (event) => {
    document.title = `${event.detail.name} · Atrium`;
  });
}

function onConnect() {
  attempt = 0;
  setState("connected", "Connected to your desktop.", "ok");
  rfb.focus();
}

async function onDisconnect(event) {
  rfb = null;
  if (endedByUser) {
    setState("disconnected", "Disconnected. Your desktop keeps running; you can connect again at any time.");
    offerConnectAgain("Connect again");
    return;
  }
  if (securityFailure) {
    setState("failed", `The desktop refused the connection: ${securityFailure}.`, "error");
    offerConnectAgain("Try again");
    return;
  }
  // A clean close comes from the server's side; when the session is gone (logged off elsewhere, idle limit)
  // reconnecting would silently start another one, so ask instead.
  if (event.detail.clean && current) {
    setState("reconnecting", "The desktop closed the connection. Checking your session…", "error");
  }
  if (event.detail.clean && current && (await sessionEnded(current.sessionId))) {
    setState("disconnected", "Your session has ended.");
    offerConnectAgain("Start a new session");
    return;
  }
  scheduleReconnect("The connection to your desktop was lost.");
}

async function sessionEnded(sessionId) {
  const sessions = await api("/api/v1/sessions");
  if (!sessions.ok || !Array.isArray(sessions.data)) {
    return false;
  }
  const session = sessions.data.find((candidate) => String(candidate.id) === String(sessionId));
  return !session || /^(ENDED|LOGGED_OFF|CLOSED|TERMINATED)$/i.test(String(session.state));
}

function scheduleReconnect(reason) {
  if (attempt >= MAX_RECONNECT_ATTEMPTS) {
    setState("failed", `${reason} Reconnecting did not work after ${attempt} attempts.`, "error");
    offerConnectAgain("Try again");
    attempt = 0;
    return;
  }
  const delay = reconnectDelay(attempt);
  attempt += 1;
  const seconds = Math.max(1, Math.round(delay / 1000));
  setState(
    "reconnecting",
    `${reason} Reconnecting in ${seconds} s (attempt ${attempt} of ${MAX_RECONNECT_ATTEMPTS})…`,
    "error",
  );
  reconnectTimer = setTimeout(() => connect(true), delay);
}

function disconnect() {
  endedByUser = true;
  clearTimeout(reconnectTimer);
  if (resetPending) {
    endResetGrace();
  }
  if (rfb) {
    rfb.disconnect();
  } else {
    setState("disconnected", "Disconnected.");
    offerConnectAgain("Connect again");
  }
  if (current) {
    // The broker marks the session disconnected and keeps the desktop for a later reconnect.
    api(`/api/v1/sessions/${encodeURIComponent(current.sessionId)}/disconnect`, { method: "POST" });
  }
}

// Leaving the page (another address, the back button) ends the view. A browser that keeps the page in its
// back/forward cache otherwise keeps the desktop's socket open: the session counted as connected while nobody
// looked at it, and the portal said so. Coming back to the kept page shows it disconnected, one press from
// connecting again.
let leftPage = false;
window.addEventListener("pagehide", () => {
  if (!rfb && !connecting) {
    return;
  }
  leftPage = true;
  endedByUser = true;
  clearTimeout(reconnectTimer);
  if (rfb) {
    rfb.disconnect();
  }
});
window.addEventListener("pageshow", (event) => {
  if (event.persisted && leftPage) {
    leftPage = false;
    setState("disconnected", "Disconnected while you were on another page. Your desktop keeps running.");
    offerConnectAgain("Connect again");
  }
});

function startReset() {
  if (!current || resetPending) {
    return;
  }
  resetPending = true;
  resetButton.disabled = true;
  resetCancel.hidden = false;
  resetCancel.focus();
  announce(
    status,
    `The desktop will be reset in ${RESET_GRACE_SECONDS} s and unsaved work will be lost. ` +
      "Press Cancel reset to keep it running.",
    "error",
  );
  resetTimer = setTimeout(resetDesktop, RESET_GRACE_SECONDS * 1000);
}

function endResetGrace() {
  clearTimeout(resetTimer);
  resetPending = false;
  resetCancel.hidden = true;
  resetButton.disabled = !rfb || screen.dataset.state !== "connected";
  if (rfb) {
    rfb.focus();
  }
}

function cancelReset() {
  endResetGrace();
  announce(status, "Reset cancelled; the desktop keeps running.", "ok");
}

async function resetDesktop() {
  endResetGrace();
  const result = await api(`/api/v1/desktops/${encodeURIComponent(current.desktopId)}/reset`, {
    method: "POST",
  });
  if (result.ok) {
    // The reset is done when the call returns and the connection stays open: say so once, then go back
    // to the connection state instead of claiming forever that the desktop is restarting.
    announce(status, "The desktop was reset and is starting again.", "ok");
    clearTimeout(resetDoneTimer);
    resetDoneTimer = setTimeout(() => {
      if (screen.dataset.state === "connected") {
        setState("connected", "Connected to your desktop.", "ok");
      }
    }, RESET_NOTICE_MS);
  } else if (result.status === 403) {
    announce(status, "Only the owner of this desktop can reset it.", "error");
  } else if (result.status !== 401) {
    announce(status, `Resetting failed: ${result.problem.title}. ${result.problem.detail}`, "error");
  }
}

function toggleFit() {
  fitToWindow = !fitToWindow;
  const button = byId("scale-button");
  button.setAttribute("aria-pressed", String(fitToWindow));
  if (rfb) {
    rfb.scaleViewport = fitToWindow;
  }
  announce(status, fitToWindow ? "Desktop fitted to the window." : "Desktop shown at its real size (1:1).");
}

function toggleFullscreen() {
  if (document.fullscreenElement) {
    document.exitFullscreen();
  } else {
    document.documentElement.requestFullscreen().catch((error) => {
      announce(status, `Full screen is not available: ${error.message}`, "error");
    });
  }
}

function toggleClipboard(show) {
  const panel = byId("clipboard-panel");
  const button = byId("clipboard-button");
  panel.hidden = !show;
  button.setAttribute("aria-expanded", String(show));
  if (show) {
    clipboardText.focus();
  } else {
    button.focus();
  }
}

function sendClipboard() {
  if (!rfb) {
    return;
  }
  rfb.clipboardPasteFrom(clipboardText.value);
  announce(status, `Sent ${clipboardText.value.length} characters to the desktop's clipboard.`, "ok");
}

function wireControls() {
  byId("scale-button").addEventListener("click", toggleFit);
  const fullscreen = byId("fullscreen-button");
  fullscreen.hidden = !document.fullscreenEnabled;
  fullscreen.addEventListener("click", toggleFullscreen);
  document.addEventListener("fullscreenchange", () => {
    fullscreen.setAttribute("aria-pressed", String(Boolean(document.fullscreenElement)));
  });
  byId("ctrl-alt-del-button").addEventListener("click", () => {
    if (rfb) {
      rfb.sendCtrlAltDel();
      rfb.focus();
    }
  });
  byId("clipboard-button").addEventListener("click", () => toggleClipboard(byId("clipboard-panel").hidden));
  byId("clipboard-close").addEventListener("click", () => toggleClipboard(false));
  byId("clipboard-panel").addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      toggleClipboard(false);
    }
  });
  byId("clipboard-send").addEventListener("click", sendClipboard);
  resetButton.addEventListener("click", startReset);
  resetCancel.addEventListener("click", cancelReset);
  disconnectButton.addEventListener("click", disconnect);
  reconnectButton.addEventListener("click", () => {
    attempt = 0;
    connect(false);
  });
  // noVNC takes every key while the screen has focus; this one combination is kept to leave it by keyboard.
  // The capture phase sees it before noVNC, and noVNC releases the held modifiers when it loses focus.
  window.addEventListener(
    "keydown",
    (event) => {
      if (event.ctrlKey && event.altKey && event.shiftKey && event.code === "KeyT") {
        event.preventDefault();
        event.stopPropagation();
        byId("scale-button").focus();
      }
    },
    true,
  );
  // Coming back online is the best moment to retry; do not wait out the back-off.
  window.addEventListener("online", () => {
    if (screen.dataset.state === "reconnecting") {
      connect(true);
    }
  });
  window.addEventListener("pagehide", () => {
    endedByUser = true;
    clearTimeout(reconnectTimer);
  });
  // Back to this page from the browser's cache: the old token is spent, so connect afresh.
  window.addEventListener("pageshow", (event) => {
    if (event.persisted && poolId !== null && !rfb) {
      connect(false);
    }
  });
}

wireControls();
if (poolId === null) {
  setState("failed", "No desktop pool was chosen. Go back to My desktops and pick one.", "error");
} else {
  connect(false);
}

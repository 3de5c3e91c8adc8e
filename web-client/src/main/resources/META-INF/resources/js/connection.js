// Rules of the viewer's connection, kept free of the DOM so they can be tested on their own:
// what to tell the user for each answer of the connect call, where the RFB WebSocket goes, how long to back off.

/** Longest wait between two reconnect attempts. */
export const MAX_RECONNECT_DELAY_MS = 30_000;

/** Attempts after an unexpected disconnect before the viewer gives up and offers a button instead. */
export const MAX_RECONNECT_ATTEMPTS = 10;

/**
 * What the viewer does after a failed connect call.
 * `retry` true means an automatic reconnect may try again (the desktop may come back);
 * false means trying again cannot help without the user or an administrator doing something.
 * @param {{status: number, problem: {title: string, detail: string} | null}} result
 * @returns {{message: string, retry: boolean, signIn: boolean}}
 */
export function describeConnectFailure(result) {
  const detail = result.problem && result.problem.detail ? ` (${result.problem.detail})` : "";
  switch (result.status) {
    case 401:
      return { message: "Your sign-in has expired. Please sign in again.", retry: false, signIn: true };
    case 403:
      return {
        message: "You are not entitled to desktops of this pool. Ask your administrator for access." + detail,
        retry: false,
        signIn: false,
      };
    case 404:
      return {
        message: "No desktop is available: this pool does not exist (any more)." + detail,
        retry: false,
        signIn: false,
      };
    case 409:
    case 503:
      return {
        message: "No desktop is available in this pool right now. Please try again in a minute." + detail,
        retry: true,
        signIn: false,
      };
    case 0:
      return {
        message: "The Atrium server could not be reached. Check your network connection.",
        retry: true,
        signIn: false,
      };
    default:
      return {
        message: `Connecting failed: the server answered ${result.status}` + detail + ".",
        retry: result.status >= 500,
        signIn: false,
      };
  }
}

/**
 * The WebSocket URL for a wsPath the broker returned: same origin, wss when the page came over https.
 * A wsPath that would leave the origin (absolute or protocol-relative URL) is refused.
 * @param {{protocol: string, host: string}} location the page's location
 * @param {string} wsPath e.g. "/ws/desktops/7?token=..."
 */
export function webSocketUrl(location, wsPath) {
  if (typeof wsPath !== "string" || !wsPath.startsWith("/") || wsPath.startsWith("//")) {
    throw new Error(`The server sent an invalid desktop address: ${JSON.stringify(wsPath)}`);
  }
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}${wsPath}`;
}

/**
 * Delay before reconnect attempt `attempt` (0 for the first): 1 s, 2 s, 4 s … up to 30 s,
 * each shortened by up to a fifth at random so many viewers cut off at once do not return in step.
 * @param {number} attempt
 * @param {() => number} [random] a source in [0, 1), Math.random by default
 */
export function reconnectDelay(attempt, random = Math.random) {
  const base = Math.min(MAX_RECONNECT_DELAY_MS, 1000 * 2 ** Math.min(attempt, 15));
  return Math.round(base * (1 - 0.2 * random()));
}

/** The pool id of a viewer URL's query, or null when it is missing or empty. */
export function poolIdFrom(search) {
  const pool = new URLSearchParams(search).get("pool");
  return pool && pool.trim() ? pool.trim() : null;
}

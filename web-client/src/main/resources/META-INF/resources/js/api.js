// Calls to the broker's user API (same origin, session cookie from form login).
// Every call answers an ApiResult instead of throwing, so pages can show one clear message per outcome.

export const LOGIN_PAGE = "/login.html";

/** Shorthand used by every page; the HTML sanity test checks each id it is given exists in the page. */
export function byId(id) {
  const element = document.getElementById(id);
  if (!element) {
    throw new Error(`Page is missing element #${id}`);
  }
  return element;
}

/**
 * @typedef {{ok: boolean, status: number, data: any, problem: {title: string, status: number, detail: string} | null}} ApiResult
 */

/**
 * Sends a request to the broker. A 401, or a redirect to the login page (what form authentication does for
 * pages), sends the browser to the login page and answers status 401.
 * @param {string} path absolute path below the origin, e.g. "/api/v1/me"
 * @param {{method?: string, redirectOn401?: boolean}} [options]
 * @returns {Promise<ApiResult>}
 */
export async function api(path, { method = "GET", redirectOn401 = true } = {}) {
  let response;
  try {
    response = await fetch(path, {
      method,
      credentials: "same-origin",
      headers: { Accept: "application/json, application/problem+json" },
    });
  } catch (error) {
    return {
      ok: false,
      status: 0,
      data: null,
      problem: {
        title: "Network error",
        status: 0,
        detail: "The Atrium server could not be reached. Check your network connection.",
      },
    };
  }
  const type = response.headers.get("Content-Type") || "";
  const toLogin =
    response.status === 401 ||
    (response.redirected && new URL(response.url).pathname === LOGIN_PAGE) ||
    (response.ok && type.startsWith("text/html"));
  if (toLogin) {
    if (redirectOn401) {
      goToLogin();
    }
    return {
      ok: false,
      status: 401,
      data: null,
      problem: { title: "Not signed in", status: 401, detail: "Please sign in again." },
    };
  }
  const body = await readJson(response, type);
  if (response.ok) {
    return { ok: true, status: response.status, data: body, problem: null };
  }
  return { ok: false, status: response.status, data: null, problem: toProblem(response, body) };
}

/** Sends the browser to the login page, replacing the current history entry. */
export function goToLogin() {
  window.location.replace(LOGIN_PAGE);
}

async function readJson(response, type) {
  if (response.status === 204 || !type.includes("json")) {
    return null;
  }
  try {
    return await response.json();
  } catch (error) {
    return null;
  }
}

function toProblem(response, body) {
  const problem = body && typeof body === "object" ? body : {};
  return {
    title: typeof problem.title === "string" ? problem.title : response.statusText || "Request failed",
    status: response.status,
    detail: typeof problem.detail === "string" ? problem.detail : "",
  };
}

/** Signs the user out; a broker without the logout endpoint still gets the user back to the login page. */
export async function signOut() {
  const result = await api("/logout", { method: "POST", redirectOn401: false });
  if (!result.ok && result.status !== 401) {
    // Quarkus form authentication keeps the session in this cookie. A page can only drop it when the broker
    // does not mark it HttpOnly; otherwise only the broker's /logout can, so this is a best effort.
    document.cookie = "quarkus-credential=; Max-Age=0; path=/; SameSite=Strict";
  }
  window.location.replace(LOGIN_PAGE);
}

/** Puts a message into an aria-live region; `kind` is "info", "error" or "ok" and only changes the style. */
export function announce(region, message, kind = "info") {
  region.textContent = message;
  region.dataset.kind = kind;
}

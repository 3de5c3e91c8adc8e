// Tests of the broker client. There is no broker in this test, so fetch and the page's location are stubs
// that record what the client does; the responses are built with Node's own fetch Response class.
import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";
import { LOGIN_PAGE, api } from "../../main/resources/META-INF/resources/js/api.js";

let replacedWith;
let requests;

beforeEach(() => {
  replacedWith = null;
  requests = [];
  globalThis.window = { location: { replace: (url) => (replacedWith = url) } };
});

/** Answers every request with `response`, after recording it. */
function serve(response) {
  globalThis.fetch = async (path, init) => {
    requests.push({ path, init });
    if (response instanceof Error) {
      throw response;
    }
    return response;
  };
}

function json(status, body, type = "application/json") {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": type } });
}

test("a successful call answers the parsed body and sends the session cookie", async () => {
  serve(json(200, { username: "alice" }));
  const result = await api("/api/v1/me");
  assert.deepEqual(result, { ok: true, status: 200, data: { username: "alice" }, problem: null });
  assert.equal(requests[0].init.credentials, "same-origin");
  assert.equal(requests[0].init.method, "GET");
});

test("a problem+json answer keeps the server's title and detail", async () => {
  serve(json(503, { title: "Service Unavailable", status: 503, detail: "no desktop is ready" }, "application/problem+json"));
  const result = await api("/api/v1/pools/p/connect", { method: "POST" });
  assert.equal(result.ok, false);
  assert.equal(result.status, 503);
  assert.deepEqual(result.problem, { title: "Service Unavailable", status: 503, detail: "no desktop is ready" });
  assert.equal(requests[0].init.method, "POST");
});

test("an error without a body still gets a title", async () => {
  serve(new Response(null, { status: 502, statusText: "Bad Gateway" }));
  const result = await api("/api/v1/sessions");
  assert.equal(result.problem.title, "Bad Gateway");
  assert.equal(result.problem.detail, "");
});

test("401 sends the browser to the login page", async () => {
  serve(json(401, { title: "Unauthorized" }));
  const result = await api("/api/v1/me");
  assert.equal(result.status, 401);
  assert.equal(replacedWith, LOGIN_PAGE);
});

test("a redirect to the login page counts as 401", async () => {
  // What form authentication does for an expired session: fetch follows the redirect to the HTML page.
  const login = new Response("<!DOCTYPE html>", { status: 200, headers: { "Content-Type": "text/html" } });
  Object.defineProperty(login, "redirected", { value: true });
  Object.defineProperty(login, "url", { value: "https://atrium.example/login.html" });
  serve(login);
  const result = await api("/api/v1/pools");
  assert.equal(result.status, 401);
  assert.equal(replacedWith, LOGIN_PAGE);
});

test("401 does not navigate when the caller handles it", async () => {
  serve(json(401, {}));
  const result = await api("/logout", { method: "POST", redirectOn401: false });
  assert.equal(result.status, 401);
  assert.equal(replacedWith, null);
});

test("a network failure answers status 0 with a readable message", async () => {
  serve(new TypeError("Failed to fetch"));
  const result = await api("/api/v1/me");
  assert.equal(result.status, 0);
  assert.match(result.problem.detail, /could not be reached/);
  assert.equal(replacedWith, null);
});

test("204 answers no data", async () => {
  serve(new Response(null, { status: 204 }));
  const result = await api("/api/v1/sessions/s/logoff", { method: "POST" });
  assert.deepEqual(result, { ok: true, status: 204, data: null, problem: null });
});

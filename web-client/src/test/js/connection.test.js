// Unit tests of the viewer's connection rules, run by the build with Node's built-in test runner.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  MAX_RECONNECT_DELAY_MS,
  describeConnectFailure,
  poolIdFrom,
  reconnectDelay,
  webSocketUrl,
} from "../../main/resources/META-INF/resources/js/connection.js";

const problem = (status, detail = "") => ({ status, problem: { title: "t", status, detail } });

test("403 says the user is not entitled and does not retry", () => {
  const failure = describeConnectFailure(problem(403));
  assert.match(failure.message, /not entitled/);
  assert.equal(failure.retry, false);
  assert.equal(failure.signIn, false);
});

test("404, 409 and 503 say no desktop is available; only 409 and 503 may come right later", () => {
  for (const [status, retry] of [
    [404, false],
    [409, true],
    [503, true],
  ]) {
    const failure = describeConnectFailure(problem(status));
    assert.match(failure.message, /No desktop is available/, `status ${status}`);
    assert.equal(failure.retry, retry, `status ${status}`);
  }
});

test("401 sends the user to sign in", () => {
  assert.equal(describeConnectFailure(problem(401)).signIn, true);
});

test("the server's detail is shown to the user", () => {
  assert.match(describeConnectFailure(problem(503, "pool Office is full")).message, /pool Office is full/);
});

test("other server errors retry, client errors do not", () => {
  assert.equal(describeConnectFailure(problem(500)).retry, true);
  assert.equal(describeConnectFailure(problem(400)).retry, false);
  assert.equal(describeConnectFailure({ status: 0, problem: null }).retry, true);
});

test("the WebSocket goes to the page's own origin, secure when the page is", () => {
  assert.equal(
    webSocketUrl({ protocol: "https:", host: "atrium.example:8443" }, "/ws/desktops/7?token=abc"),
    "wss://atrium.example:8443/ws/desktops/7?token=abc",
  );
  assert.equal(
    webSocketUrl({ protocol: "http:", host: "localhost:8080" }, "/ws/desktops/7?token=abc"),
    "ws://localhost:8080/ws/desktops/7?token=abc",
  );
});

test("a wsPath that would leave the origin is refused", () => {
  const page = { protocol: "https:", host: "atrium.example" };
  for (const bad of ["//evil.example/ws", "wss://evil.example/ws", "ws/desktops/1", undefined]) {
    assert.throws(() => webSocketUrl(page, bad), /invalid desktop address/, String(bad));
  }
});

test("reconnect delays double from one second and stop at the maximum", () => {
  const noJitter = () => 0;
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5, 6].map((attempt) => reconnectDelay(attempt, noJitter)),
    [1000, 2000, 4000, 8000, 16000, 30000, 30000],
  );
  assert.equal(reconnectDelay(1000, noJitter), MAX_RECONNECT_DELAY_MS);
});

test("jitter only ever shortens a delay, by at most a fifth", () => {
  assert.equal(reconnectDelay(2, () => 0.999999), Math.round(4000 * (1 - 0.2 * 0.999999)));
  assert.ok(reconnectDelay(2, () => 0.5) < 4000);
});

test("the pool comes from the query, trimmed; missing or blank is null", () => {
  assert.equal(poolIdFrom("?pool=office%20pool"), "office pool");
  assert.equal(poolIdFrom("?pool=%20p1%20"), "p1");
  assert.equal(poolIdFrom("?pool="), null);
  assert.equal(poolIdFrom(""), null);
});

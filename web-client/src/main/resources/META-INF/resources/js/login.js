// Login page: form authentication posts the form itself; this only explains why the server sent us back.
import { byId } from "./api.js";

const MESSAGES = {
  "1": "Wrong user name or password.",
  locked: "This account is locked. Ask your administrator to unlock it.",
  "unknown-tenant": "Your organisation's sign-in named a tenant Atrium does not know. Ask your administrator.",
  "oidc-refused": "Your organisation's sign-in does not match an Atrium account. Ask your administrator.",
};

const error = new URLSearchParams(window.location.search).get("error");
if (error !== null) {
  const box = byId("login-error");
  box.textContent = MESSAGES[error] || "Signing in failed. Please try again.";
  box.hidden = false;
  const username = byId("username");
  username.setAttribute("aria-describedby", "login-error");
  byId("password").setAttribute("aria-invalid", "true");
  username.focus();
}

// A second click while the browser waits for the server would post the form twice.
byId("login-form").addEventListener("submit", () => {
  byId("login-button").disabled = true;
});
window.addEventListener("pageshow", () => {
  byId("login-button").disabled = false;
});

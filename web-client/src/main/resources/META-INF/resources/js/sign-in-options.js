// Sign-in page: when the broker signs in through an identity provider (OIDC), offer it next to the form.
import { byId } from "./api.js";

async function showProviders() {
  let options;
  try {
    const response = await fetch("/api/v1/sign-in/options", { headers: { Accept: "application/json" } });
    if (!response.ok) {
      return;
    }
    options = await response.json();
  } catch {
    // Without the list the built-in form still works; nothing to show.
    return;
  }
  const provider = (options.providers || [])[0];
  if (!provider) {
    return;
  }
  const link = byId("provider-link");
  link.href = provider.path;
  link.textContent = `Sign in with ${provider.name}`;
  byId("provider-sign-in").hidden = false;
}

showProviders();

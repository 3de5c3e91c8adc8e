// Confirmation through a <dialog> of the page: keyboard accessible (focus is trapped, Escape cancels) and
// drivable by browser tests, unlike window.confirm().

/**
 * Shows a modal dialog whose form uses method="dialog"; answers true when it closed with the value "confirm".
 * @param {HTMLDialogElement} dialog
 * @returns {Promise<boolean>}
 */
export function confirmWith(dialog) {
  return new Promise((resolve) => {
    dialog.returnValue = "";
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "confirm"), { once: true });
    dialog.showModal();
  });
}

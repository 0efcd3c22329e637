// Kept apart from select.ts so a command can print it without loading the drivers.

/** Printed to stderr by apply/diff (and logged by the controller) whenever the fakes stand in for helm and Ironic. */
export const FAKE_DRIVERS_WARNING =
  'warning: --drivers fake: helm and Ironic are in-memory fakes; nothing real is installed or provisioned';

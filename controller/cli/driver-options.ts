// The command-line options that say where the drivers connect, shared by apply and diff.

import type { DriverConfig } from "../drivers/select.js";

export const DRIVER_OPTIONS = {
  kubeconfig: { type: "string" },
  "kube-context": { type: "string" },
  "ironic-url": { type: "string" },
} as const;

/** Flags first, then the environment (KUBECONFIG, IRONIC_URL, IRONIC_USERNAME, IRONIC_PASSWORD, HELM, SLIPWAY_DRIVERS). */
export function driverConfig(values: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): DriverConfig {
  const url = (values["ironic-url"] as string | undefined) ?? env.IRONIC_URL;
  return {
    kubeconfigPath: (values.kubeconfig as string | undefined) ?? env.KUBECONFIG?.split(":")[0],
    kubeContext: values["kube-context"] as string | undefined,
    helmBinary: env.HELM,
    ironic: url ? { url, username: env.IRONIC_USERNAME, password: env.IRONIC_PASSWORD } : undefined,
    fake: env.SLIPWAY_DRIVERS === "fake",
  };
}

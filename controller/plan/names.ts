// Kubernetes and Helm names, checked when a site is planned so that apply never starts with
// a name Helm or the API server would refuse. Pure.

/** Helm's release name rule: a DNS-1123 subdomain of at most 53 characters. */
export const RELEASE_NAME_MAX = 53;
const RELEASE_NAME = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;

/** A namespace is an RFC 1123 label: at most 63 characters. */
export const NAMESPACE_MAX = 63;
const DNS_LABEL = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/;

/** Why `name` cannot be a Helm release name, or undefined when it can. */
export function releaseNameProblem(name: string): string | undefined {
  if (name.length > RELEASE_NAME_MAX)
    return `release name '${name}' is ${name.length} characters; Helm allows at most ${RELEASE_NAME_MAX}`;
  if (!RELEASE_NAME.test(name))
    return `release name '${name}' is not a DNS name: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit`;
  return undefined;
}

/** Why `name` cannot be a namespace, or undefined when it can. */
export function namespaceProblem(name: string): string | undefined {
  if (name.length > NAMESPACE_MAX)
    return `namespace '${name}' is ${name.length} characters; a DNS label has at most ${NAMESPACE_MAX}`;
  if (!DNS_LABEL.test(name))
    return `namespace '${name}' is not a DNS label (RFC 1123): lower-case letters, digits and '-', starting and ending with a letter or digit`;
  return undefined;
}

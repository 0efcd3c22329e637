// What fetching a Site's source yields: the parsed documents, where `local` chart locations
// are resolved from, and the revision they came from (Flux's formats).

import type { SourceDocument } from '../../documents/types.js';
import type { Problems } from '../../problems/index.js';
import type { GitFailureCode } from './git-errors.js';

export interface FetchedSource {
  /** `<ref>@sha1:<commit>` (git) or `sha256:<digest>` (inline). */
  revision: string;
  /** Folder `local` chart locations are relative to. */
  root: string;
  /** The checkout's top folder: no chart location may lead outside it. */
  repository?: string;
  documents: SourceDocument[];
  /** The Pegleg site rendered, when the source is a site repository. */
  site?: string;
  /** Parse problems (file:line); a source with errors is never applied. */
  problems: Problems;
}

/** What the source needs from the cluster: Secrets and ConfigMaps of the Site's namespace. */
export interface SourceReader {
  /** Decoded data of a Secret, or undefined when it does not exist. */
  readSecret(namespace: string, name: string): Promise<Record<string, string> | undefined>;
  readConfigMap(namespace: string, name: string): Promise<Record<string, string> | undefined>;
}

/** An error of the fetch itself (git failed, a referenced object is missing). */
export class SourceError extends Error {
  constructor(
    message: string,
    readonly code: GitFailureCode | 'SecretNotFound' | 'ConfigMapNotFound' | 'InvalidSource',
  ) {
    super(message);
    this.name = 'SourceError';
  }
}

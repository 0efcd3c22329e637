// P001 and P009: where secrets live and how they are stored (pegleg/engine/lint.py).
import type { Rule } from '../model.js';
import { docProblem, inSecretsFolder } from './util.js';

/** Schemas whose documents must be `storagePolicy: encrypted` (Deckhand's secret kinds). */
export const MANDATORY_ENCRYPTED = new Set([
  'deckhand/CertificateAuthorityKey/v1',
  'deckhand/CertificateKey/v1',
  'deckhand/Passphrase/v1',
  'deckhand/PrivateKey/v1',
]);

const policyPath = ['metadata', 'storagePolicy'];

export const secretNotEncrypted: Rule = {
  code: 'P001',
  description:
    'Document has storagePolicy cleartext (expected is encrypted) yet its schema is a mandatory encrypted type',
  check: (repo) =>
    repo.files.flatMap((f) =>
      f.documents
        .filter((d) => MANDATORY_ENCRYPTED.has(d.schema) && d.metadata.storagePolicy !== 'encrypted')
        .map((d) =>
          docProblem(
            'P001',
            d,
            policyPath,
            `is a secret (${d.schema}) and must have storagePolicy: encrypted, not ${d.metadata.storagePolicy ?? 'none'}`,
          ),
        ),
    ),
};

export const cleartextInSecrets: Rule = {
  code: 'P009',
  description: "Document found in a secrets folder but doesn't have storagePolicy: encrypted set",
  check: (repo) =>
    repo.files
      .filter((f) => inSecretsFolder(f.rel))
      .flatMap((f) =>
        f.documents
          .filter((d) => d.metadata.schema !== 'metadata/Control/v1' && d.metadata.storagePolicy !== 'encrypted')
          .map((d) =>
            docProblem(
              'P009',
              d,
              policyPath,
              `is in a secrets folder but has storagePolicy: ${d.metadata.storagePolicy ?? 'none'} (expected encrypted)`,
            ),
          ),
      ),
};

/** What Pegleg's code (not its docs) reports as P009: a secret kept outside secrets/. */
export const secretOutsideSecrets: Rule = {
  code: 'S002',
  description: 'Document of a mandatory encrypted type is not stored under a secrets folder',
  severity: 'warning',
  check: (repo) =>
    repo.files
      .filter((f) => !inSecretsFolder(f.rel))
      .flatMap((f) =>
        f.documents
          .filter((d) => MANDATORY_ENCRYPTED.has(d.schema))
          .map((d) =>
            docProblem('S002', d, ['schema'], `is a secret (${d.schema}) but is not stored under a secrets/ folder`),
          ),
      ),
};

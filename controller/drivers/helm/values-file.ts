// Values reach helm only through a file: written with mode 0600 inside a private
// (mkdtemp, 0700) directory, passed as `-f <path>`, and removed when the run ends,
// whether it succeeded, failed or threw. Values never appear on an argv.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { JsonObject } from '../../documents/types.js';

export interface ValuesFileOptions {
  /** Parent of the private directory; os.tmpdir() when omitted. */
  tmpRoot?: string;
}

export async function withValuesFile<T>(
  values: JsonObject,
  use: (file: string) => Promise<T>,
  options: ValuesFileOptions = {},
): Promise<T> {
  const dir = await mkdtemp(path.join(options.tmpRoot ?? tmpdir(), 'slipway-helm-'));
  try {
    const file = path.join(dir, 'values.json');
    // JSON is YAML: helm reads it with -f. "wx": never follow or reuse an existing file.
    await writeFile(file, JSON.stringify(values), { mode: 0o600, flag: 'wx' });
    return await use(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

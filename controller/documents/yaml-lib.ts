// The `yaml` package (node trees with positions), loaded on first use: `slipway render` of valid
// documents never builds a node tree, and loading the package costs ~30 ms of a ~250 ms run.
// Its CommonJS build is what Node resolves for it, so a synchronous require is exact.

import { createRequire } from 'node:module';

type YamlLib = typeof import('yaml');

const require = createRequire(import.meta.url);
let lib: YamlLib | undefined;

export function yamlLib(): YamlLib {
  return (lib ??= require('yaml') as YamlLib);
}

// What the commands add to the site pipeline (pipeline/site.ts): options from the command line and
// output that hides the site's secrets.

import type { RenderedSite, SiteOptions } from '../pipeline/render-site.js';
import { secretValues } from '../render/secret-scrub.js';
import { parseCacheDir } from '../source/parse-cache.js';
import type { CommandIO } from './args.js';
import { compatFrom } from './compat-option.js';

export { type RenderedSite, renderSite, type SiteOptions } from '../pipeline/render-site.js';

/** What every command that renders a site passes on: --site, --compat, and the parse cache of the command line. */
export function siteOptions(values: { site?: unknown; compat?: unknown }): SiteOptions {
  return { site: values.site as string | undefined, compat: compatFrom(values), parseCache: parseCacheDir() };
}

/** From here on, `io` prints none of the site's secret values (unless they are asked for). */
export function hideSecrets(io: CommandIO, site: RenderedSite, showSecrets = false): void {
  if (!showSecrets) io.redact?.(secretValues([...site.source.documents, ...site.documents]));
}

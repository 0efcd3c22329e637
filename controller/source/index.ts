// source: the files of a site, read and parsed into documents (load.ts), and the chart sources
// its documents name (chart-sources.ts). The only stage that reads the file system.

export { chartDigest, chartDigests } from './chart-digest.js';
export {
  type ChartLocation,
  parseRewrite,
  resolveChartLocation,
  rewriteLocation,
  rewritesFromEnv,
  type SourceRewrite,
} from './chart-location.js';
export {
  type ChartRequest,
  type ChartSourceOptions,
  defaultChartCacheDir,
  type FetchedChart,
  fetchChartSources,
} from './chart-sources.js';
export { listYamlFiles } from './list-files.js';
export { type LoadOptions, loadSource, type SiteSource } from './load.js';
export { parseCacheDir } from './parse-cache.js';
export { isSiteRepo, listSites, readSiteDefinition, SITE_DEFINITION, type SiteRef, siteFiles } from './pegleg.js';

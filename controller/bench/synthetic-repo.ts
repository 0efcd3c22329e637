// A synthetic Pegleg site repository for benchmarks and tests: one global layer, one type
// and N sites of that type. Each site renders from a fixed number of documents (global +
// type + its own), spread over several files, with the layering and substitution an Airship
// site has: abstract parents in global, type children with merge/replace/delete, site
// children and replacements, and substitution chains several hops long
// (common-addresses → endpoints → service config → chart → site replacement), secrets
// included.

import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';

export interface SyntheticRepoOptions {
  /** Number of sites (N). */
  sites: number;
  /** Documents one site renders from (global + type + site). Default 500; at least 22. */
  documentsPerSite?: number;
  /** Name of the one site type. Default "bench". */
  siteType?: string;
}

/** How many of each repeated unit one site's documents hold. */
export interface SyntheticLayout {
  /** Services: an abstract global chart, a type chart, a site config and a passphrase each. */
  services: number;
  chartGroups: number;
  /** Site-level `replacement: true` charts (every fourth service). */
  replacements: number;
  /** Bare-metal nodes: a drydock/BaremetalNode/v1 and a slipway/BaremetalHost/v1 each. */
  nodes: number;
  /** Extra site passphrases that make the count exact. */
  padding: number;
}

export interface SyntheticRepo {
  root: string;
  siteType: string;
  /** Site names, in order: site-001, site-002, ... */
  sites: string[];
  layout: SyntheticLayout;
  /** Documents under global/, under type/<type>/, under each site/<name>/, and per site render. */
  documents: { global: number; type: number; site: number; perSite: number; total: number };
  /** Concrete documents a render of one site outputs (abstract ones and replaced parents drop out). */
  renderedPerSite: number;
  /** Repository-relative paths of every file written, sorted. */
  files: string[];
}

type Doc = Record<string, unknown>;
type Files = Map<string, Doc[]>;

const DEFAULT_DOCUMENTS_PER_SITE = 500;
/** Documents that do not repeat: policy, 2 schemas, 3 global bases, manifest, endpoints, 3 type bases, site definition, common addresses, BMC passphrase. */
const FIXED_DOCUMENTS = 14;
const CHARTS_PER_GROUP = 10;
const DOCS_PER_FILE = 10;
const PASSPHRASES_PER_FILE = 20;

/** Writes a synthetic repository into a fresh temporary directory (fs.mkdtemp under os.tmpdir()). */
export async function createSyntheticRepo(options: SyntheticRepoOptions): Promise<SyntheticRepo> {
  const root = await mkdtemp(join(tmpdir(), 'slipway-bench-'));
  return writeSyntheticRepo(root, options);
}

/** Writes a synthetic repository into `root` (which should be empty). */
export async function writeSyntheticRepo(root: string, options: SyntheticRepoOptions): Promise<SyntheticRepo> {
  const perSite = options.documentsPerSite ?? DEFAULT_DOCUMENTS_PER_SITE;
  const siteType = options.siteType ?? 'bench';
  const layout = planLayout(perSite);
  const sites = Array.from({ length: options.sites }, (_, i) => siteName(i));

  const global = globalFiles(layout);
  const type = typeFiles(layout, siteType);
  const siteSets = sites.map((name, i) => siteFiles(layout, siteType, name, i));

  const files = new Map<string, Doc[]>([...global, ...type, ...siteSets.flatMap((s) => [...s])]);
  await Promise.all([...files].map(([path, docs]) => writeDocuments(join(root, path), docs)));

  const counts = { global: countDocs(global), type: countDocs(type), site: siteSets[0] ? countDocs(siteSets[0]) : 0 };
  const abstract = layout.services + 6; // global charts, 3 global bases, 3 type bases
  return {
    root,
    siteType,
    sites,
    layout,
    documents: { ...counts, perSite: perSite, total: counts.global + counts.type + counts.site * sites.length },
    renderedPerSite: perSite - abstract - layout.replacements,
    files: [...files.keys()].sort(),
  };
}

/** The unit counts that make one site render from exactly `documentsPerSite` documents. */
export function planLayout(documentsPerSite: number): SyntheticLayout {
  if (!Number.isInteger(documentsPerSite) || documentsPerSite < FIXED_DOCUMENTS + 7) {
    throw new RangeError(
      `documentsPerSite must be an integer of at least ${FIXED_DOCUMENTS + 7}, got ${documentsPerSite}`,
    );
  }
  // Per service: 4 documents + 1/10 chart group + 1/4 replacement + 1/4 node (2 documents).
  for (let services = Math.floor((documentsPerSite - FIXED_DOCUMENTS) / 4.85); services >= 1; services--) {
    const chartGroups = Math.ceil(services / CHARTS_PER_GROUP);
    const replacements = Math.floor(services / 4);
    const nodes = Math.max(1, Math.round(services / 4));
    const used = FIXED_DOCUMENTS + 4 * services + chartGroups + replacements + 2 * nodes;
    if (used <= documentsPerSite)
      return { services, chartGroups, replacements, nodes, padding: documentsPerSite - used };
  }
  throw new RangeError(`documentsPerSite ${documentsPerSite} is too small`);
}

export function siteName(index: number): string {
  return `site-${String(index + 1).padStart(3, '0')}`;
}

// ---------------------------------------------------------------------------------------
// Layers

function globalFiles(layout: SyntheticLayout): Files {
  const files: Files = new Map();
  files.set('global/layering-policy.yaml', [
    {
      schema: 'deckhand/LayeringPolicy/v1',
      metadata: { schema: 'metadata/Control/v1', name: 'layering-policy' },
      data: { layerOrder: ['global', 'type', 'site'] },
    },
  ]);
  files.set('global/schemas/schemas.yaml', [
    dataSchema('bench/ServiceConfig/v1', serviceConfigSchema()),
    dataSchema('pegleg/EndpointCatalogue/v1', endpointsSchema()),
  ]);
  files.set('global/common/bases.yaml', [
    document(
      'pegleg/CommonAddresses/v1',
      'common-addresses-global',
      'global',
      { abstract: true, labels: { name: 'common-addresses-global' } },
      {
        dns: { cluster_domain: 'cluster.local', upstream_servers: ['1.1.1.1', '9.9.9.9'] },
        ntp: { servers: ['0.pool.ntp.org', '1.pool.ntp.org'] },
      },
    ),
    document(
      'bench/ServiceConfig/v1',
      'service-config-global',
      'global',
      { abstract: true, labels: { name: 'service-config-global' } },
      {
        replicas: 1,
        endpoint: '',
        settings: { timeout_s: 30, retries: 3, cache: true, feature_x: false },
        limits: { cpu: '500m', memory: '512Mi', connections: 1000 },
        legacy: true,
        debug: false,
      },
    ),
    document(
      'drydock/BaremetalNode/v1',
      'node-global',
      'global',
      { abstract: true, labels: { name: 'node-global' } },
      {
        primary_network: 'pxe',
        oob: { type: 'ipmi', network: 'oob', account: 'admin', credential: 'bmc-password' },
        platform: { image: 'jammy', kernel: 'ga-22.04', kernel_params: { console: 'ttyS0,115200n8', quiet: true } },
        metadata: { tags: ['workers'] },
      },
    ),
  ]);
  const charts = range(layout.services).map(globalChart);
  chunk(charts, DOCS_PER_FILE).forEach((docs, i) => files.set(`global/software/charts/charts-${pad(i)}.yaml`, docs));
  files.set(
    'global/software/chart-groups.yaml',
    range(layout.chartGroups).map((g) =>
      document(
        'armada/ChartGroup/v1',
        `group-${pad(g)}`,
        'global',
        {},
        {
          description: `services ${g * CHARTS_PER_GROUP} to ${Math.min(layout.services, (g + 1) * CHARTS_PER_GROUP) - 1}`,
          sequenced: g % 2 === 0,
          chart_group: range(layout.services)
            .filter((s) => Math.floor(s / CHARTS_PER_GROUP) === g)
            .map(service),
        },
      ),
    ),
  );
  return files;
}

function typeFiles(layout: SyntheticLayout, siteType: string): Files {
  const files: Files = new Map();
  const base = `type/${siteType}`;
  files.set(`${base}/manifests/site-manifest.yaml`, [
    document(
      'armada/Manifest/v1',
      'site-manifest',
      'type',
      {},
      {
        release_prefix: siteType,
        chart_groups: range(layout.chartGroups).map((g) => `group-${pad(g)}`),
      },
    ),
  ]);
  files.set(`${base}/config/endpoints.yaml`, [
    document(
      'pegleg/EndpointCatalogue/v1',
      'endpoints',
      'type',
      {
        substitutions: [
          sub('pegleg/CommonAddresses/v1', 'common-addresses', '.dns.domain', { path: '.domain' }),
          sub('pegleg/CommonAddresses/v1', 'common-addresses', '.site.name', { path: '.site' }),
        ],
      },
      { domain: '', site: '', cluster_domain: 'cluster.local', ingress: { class: 'nginx', port: 443 } },
    ),
  ]);
  files.set(`${base}/config/bases.yaml`, [
    document(
      'bench/ServiceConfig/v1',
      'service-config-type',
      'type',
      {
        abstract: true,
        labels: { name: 'service-config-type' },
        parentSelector: { name: 'service-config-global' },
        actions: [merge('.'), del('.legacy')],
      },
      { settings: { retries: 5 }, debug: true },
    ),
    document(
      'drydock/BaremetalNode/v1',
      'node-type',
      'type',
      { abstract: true, labels: { name: 'node-type' }, parentSelector: { name: 'node-global' }, actions: [merge('.')] },
      {
        host_profile: `${siteType}-node`,
        metadata: { tags: ['workers', siteType] },
      },
    ),
    document(
      'slipway/BaremetalHost/v1',
      'host-type',
      'type',
      {
        abstract: true,
        labels: { name: 'host-type' },
        substitutions: [sub('deckhand/Passphrase/v1', 'bmc-password', '.', { path: '.bmc.credentials.password' })],
      },
      { bmc: { credentials: { username: 'admin' } }, inspect: false },
    ),
  ]);
  const charts = range(layout.services).map(typeChart);
  chunk(charts, DOCS_PER_FILE).forEach((docs, i) => files.set(`${base}/software/charts/charts-${pad(i)}.yaml`, docs));
  return files;
}

function siteFiles(layout: SyntheticLayout, siteType: string, name: string, index: number): Files {
  const files: Files = new Map();
  const base = `site/${name}`;
  files.set(`${base}/site-definition.yaml`, [
    document('pegleg/SiteDefinition/v1', name, 'site', {}, { site_type: siteType }),
  ]);
  const net = `10.${index % 250}`;
  files.set(`${base}/networks/common-addresses.yaml`, [
    document(
      'pegleg/CommonAddresses/v1',
      'common-addresses',
      'site',
      { parentSelector: { name: 'common-addresses-global' }, actions: [merge('.')] },
      {
        site: { name, region: `region-${index % 7}` },
        dns: { domain: `${name}.bench.example`, upstream_servers: [`${net}.0.1`] },
        networks: { oob: { cidr: `${net}.0.0/24` }, pxe: { cidr: `${net}.1.0/24`, gateway: `${net}.1.1` } },
      },
    ),
  ]);
  const configs = range(layout.services).map((s) => serviceConfig(s, index));
  chunk(configs, DOCS_PER_FILE).forEach((docs, i) =>
    files.set(`${base}/software/config/services-${pad(i)}.yaml`, docs),
  );
  const replacements = range(layout.services)
    .filter(isReplaced)
    .map((s) => siteReplacement(s, index));
  if (replacements.length > 0) files.set(`${base}/software/charts/replacements.yaml`, replacements);
  const passphrases = [
    passphrase('bmc-password', `bmc-${name}`),
    ...range(layout.services).map((s) => passphrase(`${service(s)}-password`, `pw-${name}-${s}`)),
    ...range(layout.padding).map((p) => passphrase(`spare-password-${pad(p)}`, `spare-${name}-${p}`)),
  ];
  chunk(passphrases, PASSPHRASES_PER_FILE).forEach((docs, i) =>
    files.set(`${base}/secrets/passphrases/passphrases-${pad(i)}.yaml`, docs),
  );
  files.set(
    `${base}/baremetal/nodes.yaml`,
    range(layout.nodes).map((n) => node(name, n, net)),
  );
  files.set(
    `${base}/baremetal/hosts.yaml`,
    range(layout.nodes).map((n) => host(name, n)),
  );
  return files;
}

// ---------------------------------------------------------------------------------------
// Repeated documents

function service(s: number): string {
  return `svc-${pad(s)}`;
}

function isReplaced(s: number): boolean {
  return s % 4 === 3;
}

function globalChart(s: number): Doc {
  const name = service(s);
  return document(
    'armada/Chart/v1',
    `${name}-global`,
    'global',
    { abstract: true, labels: { name: `${name}-global` } },
    {
      chart_name: name,
      release: name,
      namespace: 'default',
      source: { type: 'local', location: '../charts/demo-app', subpath: '.' },
      wait: { timeout: 300, labels: { 'app.kubernetes.io/name': name } },
      upgrade: { no_hooks: false, pre: { delete: [{ type: 'job', labels: { 'app.kubernetes.io/name': name } }] } },
      values: {
        replicas: 1,
        image: { repository: `registry.bench.example/${name}`, tag: `1.0.${s}`, pullPolicy: 'IfNotPresent' },
        resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
        conf: {
          banner: `${name} serving DOMAIN`,
          settings: {},
          logging: { level: 'info', format: 'json', sinks: ['stdout', 'file'] },
        },
        endpoints: { public: '', internal: { host: `${name}.default.svc.cluster.local`, port: 8000 + s } },
        legacy: { enabled: false, path: '/v0' },
        pod: {
          security_context: { runAsUser: 65534, runAsNonRoot: true, readOnlyRootFilesystem: true },
          tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }],
          affinity: { anti: { type: 'preferred', topologyKey: 'kubernetes.io/hostname', weight: 10 } },
        },
        manifests: { deployment: true, service: true, ingress: false, job_bootstrap: true, network_policy: false },
        labels: { tier: s % 3 === 0 ? 'frontend' : 'backend', team: `team-${s % 5}` },
      },
    },
  );
}

/** Type child of a global chart: merge ., then every third replaces .values.resources, every third deletes .values.legacy. */
function typeChart(s: number): Doc {
  const name = service(s);
  const actions = [merge('.')];
  const values: Doc = { conf: { logging: { level: 'warning' } } };
  if (s % 3 === 1) {
    actions.push(replace('.values.resources'));
    values.resources = { requests: { cpu: '50m', memory: '64Mi' } };
  }
  if (s % 3 === 2) actions.push(del('.values.legacy'));
  return document(
    'armada/Chart/v1',
    name,
    'type',
    {
      labels: { name: `${name}-type` },
      parentSelector: { name: `${name}-global` },
      actions,
      substitutions: [
        sub('bench/ServiceConfig/v1', `${name}-config`, '.replicas', { path: '.values.replicas' }),
        sub('bench/ServiceConfig/v1', `${name}-config`, '.settings', { path: '.values.conf.settings' }),
        sub('bench/ServiceConfig/v1', `${name}-config`, '.endpoint', { path: '.values.endpoints.public' }),
        sub('deckhand/Passphrase/v1', `${name}-password`, '.', { path: '.values.secrets.password' }),
        sub('pegleg/CommonAddresses/v1', 'common-addresses', '.dns.domain', {
          path: '.values.conf.banner',
          pattern: 'DOMAIN',
        }),
      ],
    },
    { release: name, namespace: `ns-${s % 5}`, values },
  );
}

/** Site config of one service: merge ., every third replaces .limits, every third deletes .debug. */
function serviceConfig(s: number, site: number): Doc {
  const name = service(s);
  const actions = [merge('.')];
  const data: Doc = {
    replicas: 1 + ((s + site) % 3),
    endpoint: `${name}.DOMAIN`,
    settings: { timeout_s: 10 + (s % 20) },
  };
  if (s % 3 === 1) {
    actions.push(replace('.limits'));
    data.limits = { cpu: '250m', memory: '256Mi' };
  }
  if (s % 3 === 2) actions.push(del('.debug'));
  return document(
    'bench/ServiceConfig/v1',
    `${name}-config`,
    'site',
    {
      parentSelector: { name: 'service-config-type' },
      actions,
      substitutions: [
        sub('pegleg/EndpointCatalogue/v1', 'endpoints', '.domain', { path: '.endpoint', pattern: 'DOMAIN' }),
      ],
    },
    data,
  );
}

/** A site's replacement of a type chart (same schema and name): pins its image tag. */
function siteReplacement(s: number, site: number): Doc {
  const name = service(s);
  const doc = document(
    'armada/Chart/v1',
    name,
    'site',
    { parentSelector: { name: `${name}-type` }, actions: [merge('.values.image')] },
    {
      values: { image: { tag: `1.0.${s}-site${site}` } },
    },
  );
  (doc.metadata as Doc).replacement = true;
  return doc;
}

function passphrase(name: string, value: string): Doc {
  return document('deckhand/Passphrase/v1', name, 'site', { storagePolicy: 'encrypted' }, value);
}

function nodeName(site: string, n: number): string {
  return `${site}-node-${pad(n)}`;
}

function mac(site: string, n: number): string {
  const id = Number(site.slice(-3));
  const hex = (v: number) => (v & 0xff).toString(16).padStart(2, '0');
  return `52:54:00:${hex(id >> 8)}:${hex(id)}:${hex(n)}`;
}

function node(site: string, n: number, net: string): Doc {
  return document(
    'drydock/BaremetalNode/v1',
    nodeName(site, n),
    'site',
    { parentSelector: { name: 'node-type' }, actions: [merge('.')] },
    {
      addressing: [
        { network: 'oob', address: `${net}.0.${10 + n}` },
        { network: 'pxe', address: `${net}.1.${10 + n}` },
      ],
      metadata: { rack: `rack-${n % 4}`, boot_mac: mac(site, n) },
    },
  );
}

function host(site: string, n: number): Doc {
  const name = nodeName(site, n);
  return document(
    'slipway/BaremetalHost/v1',
    name,
    'site',
    {
      parentSelector: { name: 'host-type' },
      actions: [merge('.')],
      substitutions: [sub('drydock/BaremetalNode/v1', name, '.metadata.boot_mac', { path: '.bootMACAddress' })],
    },
    { node: name, bmc: { address: `fake://${name}` } },
  );
}

// ---------------------------------------------------------------------------------------
// Envelopes

interface DocOptions {
  abstract?: boolean;
  labels?: Record<string, string>;
  parentSelector?: Record<string, string>;
  actions?: { method: string; path: string }[];
  substitutions?: Doc[];
  storagePolicy?: 'cleartext' | 'encrypted';
}

function document(schema: string, name: string, layer: string, o: DocOptions, data: unknown): Doc {
  const layeringDefinition: Doc = { abstract: o.abstract ?? false, layer };
  if (o.parentSelector) layeringDefinition.parentSelector = o.parentSelector;
  if (o.actions) layeringDefinition.actions = o.actions;
  const metadata: Doc = { schema: 'metadata/Document/v1', name };
  if (o.labels) metadata.labels = o.labels;
  metadata.layeringDefinition = layeringDefinition;
  metadata.storagePolicy = o.storagePolicy ?? 'cleartext';
  if (o.substitutions) metadata.substitutions = o.substitutions;
  return { schema, metadata, data };
}

function dataSchema(name: string, schema: Doc): Doc {
  return {
    schema: 'deckhand/DataSchema/v1',
    metadata: { schema: 'metadata/Control/v1', name },
    data: { $schema: 'http://json-schema.org/draft-04/schema#', ...schema },
  };
}

function sub(schema: string, name: string, path: string, dest: { path: string; pattern?: string }): Doc {
  return { src: { schema, name, path }, dest };
}

const merge = (path: string) => ({ method: 'merge', path });
const replace = (path: string) => ({ method: 'replace', path });
const del = (path: string) => ({ method: 'delete', path });

function serviceConfigSchema(): Doc {
  return {
    type: 'object',
    properties: {
      replicas: { type: 'integer', minimum: 1 },
      endpoint: { type: 'string' },
      settings: { type: 'object' },
      limits: { type: 'object' },
      legacy: { type: 'boolean' },
      debug: { type: 'boolean' },
    },
    required: ['replicas', 'endpoint', 'settings', 'limits'],
    additionalProperties: false,
  };
}

function endpointsSchema(): Doc {
  return {
    type: 'object',
    properties: {
      domain: { type: 'string' },
      site: { type: 'string' },
      cluster_domain: { type: 'string' },
      ingress: { type: 'object' },
    },
    required: ['domain', 'site'],
  };
}

// ---------------------------------------------------------------------------------------
// Files

async function writeDocuments(path: string, docs: Doc[]): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  // YAML 1.1, as the documents are read: strings that 1.1 would read otherwise get quoted.
  await writeFile(path, docs.map((d) => `---\n${stringify(d, { version: '1.1' })}`).join(''));
}

function countDocs(files: Files): number {
  let n = 0;
  for (const docs of files.values()) n += docs.length;
  return n;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function pad(n: number): string {
  return String(n).padStart(3, '0');
}

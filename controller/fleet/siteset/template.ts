// The tiny template language of a SiteSet's template: `{{siteName}}` and `{{values.NAME}}`
// (also written Go-style, `{{ .siteName }}`, `{{ .values.NAME }}`) in any string of the
// template, keys untouched. A placeholder with no value is a problem, never an empty string.

export interface TemplateParams {
  siteName: string;
  values: Readonly<Record<string, string>>;
}

export interface Unresolved {
  /** Where in the template: `spec.source.inline.documents[0].data.vlan`. */
  path: string;
  placeholder: string;
}

const PLACEHOLDER = /\{\{\s*\.?(siteName|values\.([A-Za-z0-9_.-]+))\s*\}\}/g;

/** `value` with its strings' placeholders filled in; the ones without a value are listed in `unresolved`. */
export function fillTemplate<T>(value: T, params: TemplateParams, unresolved: Unresolved[], path = ''): T {
  if (typeof value === 'string') return fillString(value, params, unresolved, path) as T;
  if (Array.isArray(value)) return value.map((v, i) => fillTemplate(v, params, unresolved, `${path}[${i}]`)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = fillTemplate(v, params, unresolved, path ? `${path}.${k}` : k);
    return out as T;
  }
  return value;
}

function fillString(text: string, params: TemplateParams, unresolved: Unresolved[], path: string): string {
  if (!text.includes('{{')) return text;
  return text.replace(PLACEHOLDER, (whole, what: string, key: string | undefined) => {
    if (what === 'siteName') return params.siteName;
    const v = key !== undefined ? params.values[key] : undefined;
    if (v === undefined) {
      unresolved.push({ path, placeholder: whole });
      return whole;
    }
    return v;
  });
}

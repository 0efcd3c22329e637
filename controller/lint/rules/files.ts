// P006 and P007: each file starts with a document header and is valid YAML.
import type { Rule } from '../model.js';
import { problem } from './util.js';

export const missingHeader: Rule = {
  code: 'P006',
  description: 'YAML file missing document header (---)',
  check: (repo) =>
    repo.files.flatMap((f) => {
      // Comments and blank lines may come first (a licence header); then `---` must.
      const m = /^(?:[ \t]*(?:#[^\n]*)?\r?\n)*/.exec(f.file.text)!;
      const rest = f.file.text.slice(m[0].length);
      if (rest === '' || /^---(?:[ \t]|\r?\n|$)/.test(rest)) return [];
      return [
        problem('P006', `${f.rel} does not begin with the YAML document header "---"`, {
          file: f.file,
          offset: m[0].length,
        }),
      ];
    }),
};

export const invalidYaml: Rule = {
  code: 'P007',
  description: 'YAML file is not valid YAML',
  // The first error of a file only: the ones after it are mostly its consequences.
  check: (repo) =>
    repo.files.flatMap((f) => {
      const first = f.parseProblems.find((p) => p.code === 'InvalidYAML');
      return first ? [problem('P007', `${f.rel} is not valid YAML: ${first.message}`, first.source)] : [];
    }),
};

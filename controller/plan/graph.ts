// The workflow as a graph a person can look at: Mermaid or Graphviz DOT.

import type { Workflow } from './types.js';

export type GraphFormat = 'mermaid' | 'dot';

export function formatGraph(workflow: Workflow, format: GraphFormat): string {
  const ids = new Map<string, string>();
  const nodeId = (stepId: string) => {
    let id = ids.get(stepId);
    if (!id) ids.set(stepId, (id = `s${ids.size}`));
    return id;
  };
  const lines: string[] = [];
  if (format === 'mermaid') {
    lines.push('flowchart TD');
    for (const phase of workflow.phases) {
      lines.push(
        `  subgraph ${phase.name.replace(/[^A-Za-z0-9_-]/g, '_')}["${phase.name}${phase.sequenced ? ' (sequenced)' : ''}"]`,
      );
      for (const s of phase.steps) lines.push(`    ${nodeId(s.id)}["${s.id}"]`);
      lines.push('  end');
    }
    for (const phase of workflow.phases)
      for (const s of phase.steps) for (const d of s.dependsOn) lines.push(`  ${nodeId(d)} --> ${nodeId(s.id)}`);
  } else {
    lines.push('digraph workflow {', '  rankdir=TB;', '  node [shape=box];');
    workflow.phases.forEach((phase, i) => {
      lines.push(`  subgraph cluster_${i} {`, `    label="${phase.name}${phase.sequenced ? ' (sequenced)' : ''}";`);
      for (const s of phase.steps) lines.push(`    ${nodeId(s.id)} [label="${s.id}"];`);
      lines.push('  }');
    });
    for (const phase of workflow.phases)
      for (const s of phase.steps) for (const d of s.dependsOn) lines.push(`  ${nodeId(d)} -> ${nodeId(s.id)};`);
    lines.push('}');
  }
  return `${lines.join('\n')}\n`;
}

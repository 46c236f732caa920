import type { PolicyFactory, PolicyParams } from './policy.js';

/**
 * A stable name for a configured policy: the name, then the parameters that differ from their
 * defaults sorted by key (`exp-backoff:base=5,jitter=full`). The policy column of the CSVs.
 */
export function canonicalPolicyName(factory: PolicyFactory, params: PolicyParams): string {
  const parts: string[] = [];
  const specs = [...factory.params].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const spec of specs) {
    const v = params[spec.name];
    if (v === undefined || v === spec.default) continue;
    parts.push(`${spec.name}=${String(v)}`);
  }
  return parts.length === 0 ? factory.name : `${factory.name}:${parts.join(',')}`;
}

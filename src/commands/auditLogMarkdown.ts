/** The audit log as a Markdown table (Show Audit Log): no VS Code here, so it is tested as plain code. */
import type { AuditEntry } from '../api/members';

const cell = (text: string) => text.replace(/[|\\`*_<>[\]]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');

/** Who the identity provider says the person is: a display name can be anyone's, the subject at its issuer cannot. */
function account(e: AuditEntry): string {
  if (e.actor.kind === 'admin') return 'the admin token';
  if (e.actor.subject === undefined) return 'not recorded';
  return `${cell(e.actor.subject)} at ${cell(e.actor.issuer ?? '')}`;
}

export function auditMarkdown(org: string, entries: readonly AuditEntry[], more: boolean): string {
  const rows = entries.map(
    (e) =>
      `| ${e.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z')} | ${cell(e.actor.name)} | ${account(e)} | ${cell(e.action)} | ${cell(e.resource)} | ${cell(e.address)} | ${e.result} (${e.status}) |`,
  );
  return [
    `# Audit log of ${cell(org)}`,
    '',
    entries.length ? `Every write, newest first${more ? ` (the newest ${entries.length})` : ''}.` : 'No writes recorded yet.',
    '',
    '| When (UTC) | Who (the name they gave) | Account (subject at issuer) | What | Resource | From | Result |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

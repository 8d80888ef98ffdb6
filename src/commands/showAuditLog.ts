import type { AuditEntry } from '../api/members';
import type { OrgRef } from '../api/refs';
import { refOf, resolveOrg, type Target } from '../useCases/targets';
import { optionsOf, type CommandContext } from './commandContext';
import { auditMarkdown } from './auditLogMarkdown';
import { showReadOnlyMarkdown } from './readOnlyDocuments';
import * as l10n from '@vscode/l10n';

/** How much of the log one Show Audit Log reads (newest first); the API pages through the rest. */
const MAX_ENTRIES = 1_000;

/** Show Audit Log (Admins): every write in the organization, newest first, in a read-only tab. Argument: a row or
 * `{ orgHandle, show?: false }`. Returns the entries shown. */
export async function showAuditLog(ctx: CommandContext, target?: Target<OrgRef>, options?: { show?: boolean }): Promise<AuditEntry[]> {
  const { orgHandle: org } = await resolveOrg(ctx, refOf(target));
  const show = optionsOf(options).show ?? (refOf(target) as { show?: boolean }).show;
  const client = await ctx.client();
  const entries: AuditEntry[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.listAudit(org, { limit: 500, cursor });
    entries.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && entries.length < MAX_ENTRIES);
  if (show !== false) await showReadOnlyMarkdown(l10n.t`Audit log of ${org}`, auditMarkdown(org, entries, cursor !== undefined));
  return entries;
}

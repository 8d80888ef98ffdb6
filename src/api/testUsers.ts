/**
 * Test users of the built-in identity provider, per organization and environment (Choreo's user store "for trying
 * out apps with sign-in, not for production users"). Groups are the names listed on users. Passwords go in, never
 * out: the server keeps only a scrypt hash.
 */
import { z } from 'zod';
import { isoDate } from './common';

/** Choreo's CSV template, offered by Import Users. More attribute columns may follow `email`. */
export const TEST_USERS_CSV_TEMPLATE =
  'username,password,groups,first_name,last_name,email\n"demouser","password1","[manager, engineering]","John","Doe","john@acme.org"\n';

export const username = z
  .string()
  .trim()
  .min(1, 'Enter a username.')
  .max(100, 'A username has at most 100 characters.')
  .regex(/^[\x21-\x7e]+$/, 'A username has no spaces or control characters.')
  .refine((s) => !/[,/\\]/.test(s), 'A username has no commas or slashes.');
export const password = z.string().min(8, 'Use at least 8 characters.').max(256, 'Use at most 256 characters.');
export const groupName = z
  .string()
  .trim()
  .min(1, 'A group name is not empty.')
  .max(100, 'A group name has at most 100 characters.')
  .regex(/^[^\x00-\x1f\x7f,[\]]+$/, 'A group name has no commas, brackets or control characters.');

export const TestUser = z.object({
  username: z.string(),
  environment: z.string(),
  groups: z.array(z.string()),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  email: z.string().optional(),
  /** Columns of the CSV after `email`, by header. */
  attributes: z.record(z.string(), z.string()).optional(),
  createdAt: isoDate,
  updatedAt: isoDate,
});
export type TestUser = z.infer<typeof TestUser>;

export const AddTestUser = z.strictObject({
  username,
  password,
  groups: z.array(groupName).max(50, 'Use at most 50 groups.').default([]),
  firstName: z.string().trim().max(100, 'Use at most 100 characters.').optional(),
  lastName: z.string().trim().max(100, 'Use at most 100 characters.').optional(),
  email: z
    .string()
    .trim()
    .toLowerCase()
    .max(254)
    .regex(/^[^\s@]+@[^\s@]+$/, 'Enter an email address such as ann@example.com.')
    .optional(),
});
export type AddTestUser = z.input<typeof AddTestUser>;

export const ResetTestUserPassword = z.strictObject({ password });

/** Import Users: the CSV as text (at most 1 MiB, 5000 users). Any bad line imports nothing; the refusal names each
 * bad line in `fields` (`path` "line 3", the message what to fix). A username already there is a bad line. */
export const ImportTestUsers = z.strictObject({ csv: z.string().min(1, 'Choose a CSV file.').max(1_048_576, 'A CSV file has at most 1 MiB.') });
export const ImportedTestUsers = z.object({ imported: z.number().int(), items: z.array(TestUser) });
export type ImportedTestUsers = z.infer<typeof ImportedTestUsers>;

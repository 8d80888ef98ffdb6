import type { z } from 'zod';

/** An input box validator from a zod schema of `src/api/`: the same rule the control plane applies. */
export function validateWith(schema: z.ZodType): (value: string) => string | undefined {
  return (value) => {
    const r = schema.safeParse(value);
    return r.success ? undefined : r.error.issues[0]?.message;
  };
}

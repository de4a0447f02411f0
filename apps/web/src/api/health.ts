// GET /api/health: the web app answers and PostgreSQL does too.
import { z } from 'zod';

export const healthSchema = z.object({ ok: z.boolean() });

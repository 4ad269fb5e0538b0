// drizzle-kit settings: `npm run db:generate` writes a migration for every change to store/schema.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './store/schema/index.ts',
  out: './store/migrations',
});

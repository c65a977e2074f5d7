import { defineConfig } from 'prisma/config';

// Migrations are plain SQL in Prisma's layout, applied by @switchyard/db (see README).
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
});

import pg from 'pg';
import { generateCatalog } from './dist/catalog-search/generate-catalog.js';
import { plansOf } from './dist/catalog-search/query-plans.js';
const url = 'postgresql://postgres@127.0.0.1:5432/search_plan';
if (process.argv[2] === 'gen') { const t = Date.now(); await generateCatalog(url, 100000); console.log('generated in', Date.now() - t, 'ms'); process.exit(0); }
const pool = new pg.Pool({ connectionString: url });
for (const path of process.argv.slice(2)) {
  const t = Date.now();
  const plans = await plansOf(pool, path);
  console.log(path, JSON.stringify(plans), Date.now() - t, 'ms');
}
await pool.end();

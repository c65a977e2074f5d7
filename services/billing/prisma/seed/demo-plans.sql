-- The demo plans of a local stack (infra/scripts/up.sh, docker compose, the end-to-end tests):
-- the README walkthrough subscribes to the first. Demo data, never a migration: production
-- databases start with an empty plan catalog. Run on every start; adds only what is missing.
INSERT INTO plans (id, code, name, price_minor, currency, interval, interval_count, trial_days,
                   tax_category)
VALUES
  ('5f0c8a3e-0000-4000-8000-000000000001', 'coffee-club-monthly', 'Coffee club, monthly',
   900, 'EUR', 'month', 1, 0, 'reduced'),
  ('5f0c8a3e-0000-4000-8000-000000000002', 'coffee-club-plus-monthly', 'Coffee club plus, monthly',
   1900, 'EUR', 'month', 1, 0, 'reduced'),
  ('5f0c8a3e-0000-4000-8000-000000000003', 'signal-box-pass-yearly', 'Signal-box pass, yearly',
   9900, 'EUR', 'year', 1, 14, 'standard')
ON CONFLICT DO NOTHING;

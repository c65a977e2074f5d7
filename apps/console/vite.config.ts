import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The gateway serves the build at /admin (gateway/src/plugins/admin-console.ts): every URL in
// it starts there, and every file but index.html lands in assets/ with a hash in its name.
// `pnpm dev` serves the app on its own and sends API calls to a local gateway (pnpm up).
export default defineConfig({
  base: '/admin/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    // Every browser the console supports preloads modules itself.
    modulePreload: { polyfill: false },
  },
  server: {
    proxy: { '/v1': 'http://127.0.0.1:8080' },
  },
});

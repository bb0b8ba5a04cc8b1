/// <reference types="node" />
// The page is built to dist/ with relative asset paths, so the Worker (or any static server) can serve it at
// its root. `pnpm dev` serves it with hot reload and sends the ECR API and download URLs on to the local stack,
// keeping the page and the API on one origin as the Worker does.
import { defineConfig } from 'vite';

const STACK = process.env.EDGECR_ENDPOINT ?? 'http://127.0.0.1:8787';

export default defineConfig({
  base: './',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
  },
  server: {
    host: '127.0.0.1',
    proxy: {
      // The Host header is kept (changeOrigin: false): the SigV4 signature covers it.
      '/layers/': { target: STACK, changeOrigin: false },
      '^/$': {
        target: STACK,
        changeOrigin: false,
        bypass: (request) => (request.method === 'POST' ? undefined : request.url),
      },
    },
  },
});

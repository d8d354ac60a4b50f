// Built into dist/ (static files the control plane serves at /). Preact through Vite's own JSX
// transform (no plugin needed); relative base so the files work under any prefix.
import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: false, reportCompressedSize: true },
});

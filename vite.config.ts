import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * The built app's Content-Security-Policy: everything from this origin, nothing inline, no
 * eval. 'wasm-unsafe-eval' lets WebAssembly compile (tfjs-core instantiates a tiny wasm module
 * for 64-bit integers); WebGPU shaders are WGSL given to the GPU, not script. React's style
 * props go through the CSSOM, which style-src does not govern, so no 'unsafe-inline'.
 */
export const CSP_DIRECTIVES: Readonly<Record<string, string>> = {
  'default-src': "'self'",
  'script-src': "'self' 'wasm-unsafe-eval'",
  'worker-src': "'self'",
  'style-src': "'self'",
  'img-src': "'self' data: blob:",
  'font-src': "'self'",
  'connect-src': "'self'",
  'object-src': "'none'",
  'base-uri': "'none'",
  'form-action': "'none'",
};

/**
 * Header only (a <meta> policy ignores it, with a console error). Any site may frame the page:
 * embed mode (`?embed=1`) exists for that, and a framed copy's IndexedDB is partitioned by
 * the top-level site, so the embedder reaches none of the user's own runs.
 */
const FRAME_ANCESTORS = '*';

const policy = (directives: Readonly<Record<string, string>>) =>
  Object.entries(directives)
    .map(([name, value]) => `${name} ${value}`)
    .join('; ');

export const CSP_META = policy(CSP_DIRECTIVES);
export const CSP_HEADER = policy({ ...CSP_DIRECTIVES, 'frame-ancestors': FRAME_ANCESTORS });

/**
 * The policy as a <meta> in the built index.html, for hosts that send no headers. Build only:
 * the dev server's React refresh preamble is an inline script.
 */
function cspMeta(): Plugin {
  return {
    name: 'dpo-csp-meta',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP_META },
        injectTo: 'head-prepend',
      },
    ],
  };
}

/**
 * zod 4 builds object parsers with `new Function` unless told not to, first probing whether
 * it may; under this policy the probe is refused and reported as a CSP violation even though
 * zod catches it. Every `import … from 'zod'` gets zod with its JIT turned off before any
 * schema is built.
 */
function zodWithoutEval(): Plugin {
  const id = '\0zod-jitless';
  return {
    name: 'dpo-zod-jitless',
    enforce: 'pre',
    resolveId: (source, importer) => (source === 'zod' && importer !== id ? id : undefined),
    load: (loaded) =>
      loaded === id
        ? "import { config } from 'zod';\nconfig({ jitless: true });\nexport * from 'zod';\nexport { z, default } from 'zod';\n"
        : undefined,
  };
}

const SECURITY_HEADERS = {
  'Content-Security-Policy': CSP_HEADER,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

export default defineConfig({
  plugins: [zodWithoutEval(), react(), cspMeta()],
  worker: { format: 'es', plugins: () => [zodWithoutEval()] },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  preview: { host: '127.0.0.1', headers: SECURITY_HEADERS },
  server: { host: '127.0.0.1' },
});

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
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

/**
 * tfjs-backend-wasm starts its pthread workers on `factory.toString()`: the source of the
 * Emscripten glue, copied into a blob. Once bundled and minified, that function refers to
 * renamed variables of the bundle's scope and the threads die on "e is not defined". This
 * swaps the call for the glue's original, self-contained source as a string literal, which
 * the minifier leaves alone.
 */
export function wasmThreadsGlue(): Plugin {
  const call = 'wasmFactoryThreadedSimd.toString()';
  return {
    name: 'dpo-wasm-threads-glue',
    transform(code, id) {
      if (!id.includes('tfjs-backend-wasm') || !code.includes(call)) return undefined;
      const file = createRequire(import.meta.url).resolve(
        '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js',
      );
      const glue = readFileSync(file, 'utf8');
      // var WasmBackendModuleThreadedSimd = (() => { …; return (\nfunction(…) {…}\n);\n})();
      const start = glue.indexOf('return (\n');
      const end = glue.lastIndexOf('\n);\n})();');
      if (start < 0 || end < start) throw new Error(`${file}: unexpected layout`);
      return code.replace(call, JSON.stringify(glue.slice(start + 'return ('.length, end)));
    },
  };
}

/**
 * Cross-origin isolation: SharedArrayBuffer, so the WASM backend runs threads (XNNPACK's
 * pthreads are Web Workers sharing one wasm memory). require-corp is no burden here: every
 * resource is same-origin.
 */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * The policy of a script served as a worker. A worker's CSP is the one sent with its own
 * script; a worker it starts from a blob: URL inherits it. tfjs-backend-wasm starts its
 * pthread workers from blob: URLs and they importScripts() a blob: copy of the wasm glue, so
 * the training worker's policy allows blob: for those two; the page's policy does not.
 */
export const CSP_WORKER_HEADER = policy({
  ...CSP_DIRECTIVES,
  'script-src': `${CSP_DIRECTIVES['script-src']} blob:`,
  'worker-src': "'self' blob:",
});

/** Every header vite preview (and the bench's server) sends with a file at `path`. */
export function securityHeaders(path: string): Record<string, string> {
  return {
    'Content-Security-Policy': /\.m?js(\?|$)/.test(path) ? CSP_WORKER_HEADER : CSP_HEADER,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    ...ISOLATION_HEADERS,
  };
}

/**
 * The headers on every response of `vite preview`; `vite dev` sends only the isolation ones
 * (its React refresh preamble is an inline script, which the CSP would block).
 */
function headers(): Plugin {
  return {
    name: 'dpo-headers',
    configurePreviewServer(server) {
      server.middlewares.use((req, res, next) => {
        for (const [k, v] of Object.entries(securityHeaders(req.url ?? '/'))) res.setHeader(k, v);
        next();
      });
    },
  };
}

export default defineConfig({
  plugins: [zodWithoutEval(), react(), cspMeta(), headers()],
  worker: { format: 'es', plugins: () => [zodWithoutEval(), wasmThreadsGlue()] },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  preview: { host: '127.0.0.1' },
  server: { host: '127.0.0.1', headers: { ...ISOLATION_HEADERS } },
  // `vite dev` pre-bundles dependencies: the glue needs the same swap there.
  optimizeDeps: { rolldownOptions: { plugins: [wasmThreadsGlue()] } },
});

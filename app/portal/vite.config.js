// The portal's build: `vite build --outDir <build tree>/portal` (CMakeLists.txt runs it for
// deploy/up's build/ and tests/run's build-test/; nothing is written to the source tree but
// node_modules). Served by nginx at /admin/: hashed files under /admin/assets/ are cached for
// a year, index.html never (nginx/ruqima.conf.template).
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

export default defineConfig({
  base: '/admin/',
  plugins: [vue()],
  build: {
    assetsDir: 'assets',
    // the CSP has no 'unsafe-inline': nothing may be inlined into index.html
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1200,
    reportCompressedSize: false,
    rollupOptions: {
      output: {
        // libraries apart from our code: a deploy that changes a page leaves them cached
        manualChunks(id) {
          if (id.includes('node_modules/echarts') || id.includes('node_modules/zrender')) return 'echarts'
          if (id.includes('node_modules/element-plus') || id.includes('node_modules/@element-plus')) return 'element-plus'
          if (id.includes('node_modules/')) return 'vendor'
        },
      },
    },
  },
})

/** What the test log leaves out, and why (loaded by vitest.config.ts). */
import { readFile } from 'node:fs/promises';

/**
 * standardwebhooks publishes dist/*.js with `//# sourceMappingURL` maps whose sources
 * (`../src/*.ts`) are not in the package, so Vite warned `Sourcemap for ".../standardwebhooks/
 * dist/index.js" points to missing source files` when the pool (which inlines every dependency)
 * loaded it. Loading its files without that comment ends the warning; a map into missing files
 * maps nothing, and stack traces in it keep pointing at dist/*.js, which is there.
 */
export function withoutDanglingSourcemaps(packageName: string) {
  const dir = `/node_modules/${packageName}/`;
  return {
    name: `crossfollow:no-dangling-sourcemaps:${packageName}`,
    enforce: 'pre' as const,
    async load(id: string) {
      const file = id.replace(/\?.*$/, '');
      if (!file.replaceAll('\\', '/').includes(dir) || !/\.[cm]?js$/.test(file)) return null;
      const code = await readFile(file, 'utf8');
      return { code: code.replace(/^\/\/# sourceMappingURL=\S+[ \t]*$/m, ''), map: null };
    },
  };
}

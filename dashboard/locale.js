// The reader's locale, checked. A browser started with LANG=C (a CI machine, a container) reports
// navigator.language "en-US@posix", which Intl refuses with a RangeError: every formatter made
// with it throws, uPlot's own one (made when its module loads) among them. So the POSIX suffix is
// dropped, English is the last resort, and navigator.language is corrected before uPlot loads
// (chart.js imports this module ahead of uPlot).

function pickLocale() {
  for (const tag of navigator.languages?.length ? navigator.languages : [navigator.language]) {
    const clean = String(tag ?? '')
      .split('@')[0]
      .replaceAll('_', '-');
    try {
      const [locale] = Intl.getCanonicalLocales(clean);
      if (locale) return locale;
    } catch {
      // not a language tag: try the next one
    }
  }
  return 'en';
}

export const LOCALE = pickLocale();

try {
  new Intl.NumberFormat(navigator.language);
} catch {
  Object.defineProperty(navigator, 'language', { value: LOCALE, configurable: true });
}

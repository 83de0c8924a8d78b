// The locales a seed speaks: faker's names, streets, cities and phone numbers of the locale (its
// definitions are looked up by name when a seed starts: this module stays free of faker, which
// every CLI command would otherwise load), and the country its addresses are in (state names
// come from ISO 3166-2 through the addresses rules, so every seeded address passes the API's checks).

export const SEED_LOCALES = {
  en_US: { country: 'US' },
  en_GB: { country: 'GB' },
  en_CA: { country: 'CA' },
  en_AU: { country: 'AU' },
  de: { country: 'DE' },
  fr: { country: 'FR' },
  es: { country: 'ES' },
  it: { country: 'IT' },
  nl: { country: 'NL' },
} as const satisfies Record<string, { country: string }>

export type SeedLocaleName = keyof typeof SEED_LOCALES
export const SEED_LOCALE_NAMES = Object.keys(SEED_LOCALES) as SeedLocaleName[]

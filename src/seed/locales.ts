import { base, de, en, en_AU, en_CA, en_GB, en_US, es, fr, it, nl, type LocaleDefinition } from '@faker-js/faker'

// The locales a seed speaks: faker's names, streets, cities and phone numbers of the locale, and
// the country its addresses are in (state names come from ISO 3166-2 through the addresses rules,
// so every seeded address passes the API's own checks).

export interface SeedLocale {
  /** faker's definitions, most specific first */
  definitions: LocaleDefinition[]
  /** ISO 3166-1 alpha-2: the country of the seeded addresses */
  country: string
}

export const SEED_LOCALES = {
  en_US: { definitions: [en_US, en, base], country: 'US' },
  en_GB: { definitions: [en_GB, en, base], country: 'GB' },
  en_CA: { definitions: [en_CA, en, base], country: 'CA' },
  en_AU: { definitions: [en_AU, en, base], country: 'AU' },
  de: { definitions: [de, en, base], country: 'DE' },
  fr: { definitions: [fr, en, base], country: 'FR' },
  es: { definitions: [es, en, base], country: 'ES' },
  it: { definitions: [it, en, base], country: 'IT' },
  nl: { definitions: [nl, en, base], country: 'NL' },
} as const satisfies Record<string, SeedLocale>

export type SeedLocaleName = keyof typeof SEED_LOCALES
export const SEED_LOCALE_NAMES = Object.keys(SEED_LOCALES) as SeedLocaleName[]

import { createRequire } from 'node:module'
import { iso31661, iso31662 } from 'iso-3166'

// Countries and their subdivisions, from two maintained data packages: `iso-3166` (the ISO
// 3166-1 codes and the ISO 3166-2 subdivisions with their names) and `i18n-iso-countries` (English
// country names). What an address must carry follows from them (DECISIONS 10, docs/COMPATIBILITY.md
// "Addresses").

const require = createRequire(import.meta.url)
// The package's main entry registers its ~80 locales (about 60 ms of every start); English is the
// only one needed.
const names = require('i18n-iso-countries/index.js') as typeof import('i18n-iso-countries')
names.registerLocale(require('i18n-iso-countries/langs/en.json') as Parameters<typeof names.registerLocale>[0])

/**
 * Countries that have no postal code system, or where addresses are complete without one, so an
 * address there needs no postal code. ISO 3166 says nothing about postal codes; this is the list
 * widely used by payment forms for the same question.
 */
const WITHOUT_POSTAL_CODES = new Set([
  'AE', 'AG', 'AN', 'AO', 'AW', 'BF', 'BI', 'BJ', 'BO', 'BS', 'BW', 'BZ', 'CD', 'CF', 'CG', 'CI', 'CK', 'CM', 'DJ', 'DM',
  'ER', 'FJ', 'GD', 'GH', 'GM', 'GN', 'GQ', 'GY', 'HK', 'IE', 'JM', 'KE', 'KI', 'KM', 'KN', 'KP', 'LC', 'ML', 'MO', 'MR',
  'MS', 'MU', 'MW', 'NR', 'NU', 'PA', 'QA', 'RW', 'SA', 'SB', 'SC', 'SL', 'SO', 'SR', 'ST', 'SY', 'TF', 'TK', 'TL', 'TO',
  'TT', 'TV', 'TZ', 'UG', 'VU', 'YE', 'ZA', 'ZW',
])

export interface Subdivision {
  /** `US-TX` */
  code: string
  /** `Texas`, as ISO 3166-2 spells it */
  name: string
}

export interface Country {
  code: string
  /** the short English name BigCommerce returns (`United States`) */
  name: string
  /** every ISO 3166-2 subdivision, whatever its level, by comparison key */
  subdivisions: Map<string, Subdivision>
  /** subdivisions by code without the country prefix (`TX`), to point a client at the name */
  subdivisionCodes: Map<string, Subdivision>
  needsPostalCode: boolean
}

/** How names compare: case and accents aside (`baden-wurttemberg` is `Baden-Württemberg`). */
export function comparisonKey(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').trim().toLowerCase()
}

/**
 * The short name: the official English name unless another of its names is that name's first
 * words (`United States` of `United States of America`, `Taiwan` of `Taiwan, Province of China`).
 */
function shortName(code: string, fallback: string): string {
  const all = names.getName(code, 'en', { select: 'all' }) ?? []
  const [official, ...others] = all
  if (!official) return fallback
  return others.find((other) => /[a-z]/.test(other) && (official.startsWith(`${other} `) || official.startsWith(`${other},`))) ?? official
}

function buildCountries(): Map<string, Country> {
  const countries = new Map<string, Country>()
  for (const entry of iso31661) {
    if (entry.state !== 'assigned') continue
    countries.set(entry.alpha2, {
      code: entry.alpha2,
      name: shortName(entry.alpha2, entry.name),
      subdivisions: new Map(),
      subdivisionCodes: new Map(),
      needsPostalCode: !WITHOUT_POSTAL_CODES.has(entry.alpha2),
    })
  }
  for (const entry of iso31662) {
    const country = countries.get(entry.code.slice(0, 2))
    if (!country) continue
    const subdivision = { code: entry.code, name: entry.name }
    country.subdivisions.set(comparisonKey(entry.name), subdivision)
    country.subdivisionCodes.set(entry.code.slice(3).toLowerCase(), subdivision)
  }
  return countries
}

const COUNTRIES = buildCountries()

/** The country of an ISO 3166-1 alpha-2 code, any case. */
export function findCountry(code: string): Country | undefined {
  return COUNTRIES.get(code.toUpperCase())
}

/** The English name of a stored (valid) country code. */
export function countryName(code: string): string {
  return COUNTRIES.get(code)?.name ?? code
}

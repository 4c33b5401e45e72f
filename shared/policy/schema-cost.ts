import { REGION_ID, REGION_ID_MAX } from '../domain.js';
import { REGION } from './formats.js';
import { type JsonSchema, mapping as mappingSchema, patternOf } from './json-schema-parts.js';
import { has, isMapping, mapping, type Problems, show } from './problems.js';
import type { CostPolicy } from './types.js';

/**
 * Traffic mirroring is billed per source ENI per hour while it is mirrored, once per source even if it is in
 * several sessions (VPC traffic mirroring billing, China site: 0.1 CNY per source-hour; traffic processing is
 * billed per GB, free until 2027-03-31). Prices differ by site, region and currency and change, and no API
 * publishes them in a form we could ship, so the policy says what the user pays: nothing is assumed.
 */
export const CURRENCY = /^[A-Z]{3}$/;
/** Far above any currency's price per source-hour: a larger number is a typo (a monthly price, cents). */
export const MAX_PRICE = 10_000;
const AT = ['cost'];

/** `cost`: the currency and each region's price per source-hour, for the estimate in the report and plan. */
export function parseCost(p: Problems, v: unknown): CostPolicy | undefined {
  const m = mapping(p, AT, v, ['currency', 'pricePerSourceHour']);
  if (!m) return undefined;
  const currency = has(m, 'currency') ? parseCurrency(p, m.currency) : undefined;
  const prices = has(m, 'pricePerSourceHour') ? parsePrices(p, m.pricePerSourceHour) : undefined;
  return currency && prices ? { currency, pricePerSourceHour: prices } : undefined;
}

function parseCurrency(p: Problems, v: unknown): string | undefined {
  if (typeof v === 'string' && CURRENCY.test(v)) return v;
  p.add([...AT, 'currency'], `expected a 3-letter ISO 4217 currency code in capitals like USD or CNY, got ${show(v)}`);
  return undefined;
}

function parsePrices(p: Problems, v: unknown): Readonly<Record<string, number>> | undefined {
  const at = [...AT, 'pricePerSourceHour'];
  if (!isMapping(v) || Object.keys(v).length === 0) {
    p.add(at, `expected a mapping of region ids to prices, like { cn-hangzhou: 0.1 }, got ${isMapping(v) ? 'an empty mapping' : show(v)}`);
    return undefined;
  }
  let ok = true;
  for (const [region, price] of Object.entries(v)) {
    if (region.length > REGION_ID_MAX || !REGION_ID.test(region)) {
      p.add([...at, region], `expected ${REGION.what} as the key, got ${show(region)}`);
      ok = false;
    } else if (typeof price !== 'number' || !Number.isFinite(price) || price < 0 || price > MAX_PRICE) {
      p.add([...at, region], `expected a price per source-hour from 0 to ${MAX_PRICE}, got ${show(price)}`);
      ok = false;
    }
  }
  return ok ? Object.fromEntries(Object.entries(v as Record<string, number>)) : undefined;
}

/** The same section as JSON Schema (policy.schema.json). */
export const costSchema: JsonSchema = mappingSchema(
  "what traffic mirroring costs you, for the report's and plan's monthly estimate: it is billed per source ENI per hour, and no price is shipped (it differs by site, region and currency)",
  {
    currency: { description: 'the currency of the prices, a 3-letter ISO 4217 code like USD or CNY', type: 'string', pattern: patternOf(CURRENCY) },
    pricePerSourceHour: {
      description: "each region's price of one source ENI mirrored for an hour, by region id; a region without one is estimated in hours only",
      type: 'object',
      minProperties: 1,
      propertyNames: { pattern: patternOf(REGION_ID), maxLength: REGION_ID_MAX },
      additionalProperties: { description: 'the price per source-hour', type: 'number', minimum: 0, maximum: MAX_PRICE },
    },
  },
  ['currency', 'pricePerSourceHour'],
);

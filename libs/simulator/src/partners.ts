import { ed25519 } from '@noble/curves/ed25519';
import { base64urlEncode, jwkThumbprint, sha256, type Ed25519PrivateJwk, type Ed25519PublicJwk } from '@app/crypto';
import { formatNdc, gtinFromNdc, pglnUri, sglnUri } from '@app/gs1';
import { glnOf, PREFIX_LENGTH, sgtinUriBase } from './identifiers';
import { Prng } from './random';

export type Role = 'manufacturer' | 'wholesaler' | 'dispenser';

export interface Partner {
  /** Position in the partner list; also what the signing key is derived from. */
  index: number;
  gln: string;
  name: string;
  role: Role;
  companyPrefix: string;
  /** US state of its site. */
  state: string;
  /** eventTimeZoneOffset of everything the partner records (the state's standard time, no daylight saving). */
  timeZone: string;
  /** urn:epc:id:pgln of the partner, for source and destination lists. */
  party: string;
  /** urn:epc:id:sgln of its site, for readPoint, bizLocation and location sources and destinations. */
  site: string;
  kid: string;
  publicJwk: Ed25519PublicJwk;
  privateJwk: Ed25519PrivateJwk;
  licence: { kind: 'fda-registration' | 'state-wholesale' | 'state-pharmacy'; number: string; jurisdiction: string; validFrom: string; validUntil?: string };
}

export interface Product {
  index: number;
  manufacturer: Partner;
  gtin: string;
  /** NDC 5-3-2, as printed on the label. */
  ndc: string;
  name: string;
  strength: string;
  dosageForm: string;
  /** e.g. "90 tablets". */
  netContent: string;
  /** SGTIN URI up to the serial. */
  sgtinBase: string;
  /** Keys this product's serial permutation. */
  serialKey: number;
  lotPrefix: string;
}

/** Licences, keys and registrations hold from here: before any simulated event. */
export const VALID_FROM = '2020-01-01T00:00:00Z';
/** When the licence of a lapsed pharmacy ran out: before any simulated event. */
export const LAPSED_ON = '2021-01-01T00:00:00Z';

const STATES: [state: string, offset: string][] = [
  ['NJ', '-05:00'], ['NY', '-05:00'], ['PA', '-05:00'], ['OH', '-05:00'], ['IL', '-06:00'],
  ['TX', '-06:00'], ['MN', '-06:00'], ['CO', '-07:00'], ['AZ', '-07:00'], ['CA', '-08:00'], ['WA', '-08:00'],
];
const MAKER_WORDS = ['Acme', 'Apex', 'Blue Ridge', 'Cardinal', 'Keystone', 'Meridian', 'Northstar', 'Summit', 'Harbor', 'Evergreen'];
const MAKER_KINDS = ['Pharma', 'Laboratories', 'Therapeutics', 'Pharmaceuticals'];
const TRADE_WORDS = ['Allied', 'Central', 'Continental', 'Eastern', 'Great Lakes', 'Pacific', 'Prairie', 'Liberty'];
const STREETS = ['Main St', 'Elm St', 'Oak Ave', 'Maple Dr', 'Cedar Ln', 'Park Ave', 'Lake Rd', 'Hill St', 'Pine St', 'River Rd'];
const DRUGS: [name: string, form: string, strength: string][] = [
  ['Atorvastatin', 'tablet', '20 mg'], ['Metformin', 'tablet', '500 mg'], ['Lisinopril', 'tablet', '10 mg'],
  ['Amlodipine', 'tablet', '5 mg'], ['Omeprazole', 'capsule', '20 mg'], ['Sertraline', 'tablet', '50 mg'],
  ['Levothyroxine', 'tablet', '75 mcg'], ['Gabapentin', 'capsule', '300 mg'], ['Losartan', 'tablet', '50 mg'],
  ['Escitalopram', 'tablet', '10 mg'], ['Rosuvastatin', 'tablet', '10 mg'], ['Pantoprazole', 'tablet', '40 mg'],
  ['Duloxetine', 'capsule', '60 mg'], ['Apixaban', 'tablet', '5 mg'], ['Montelukast', 'tablet', '10 mg'],
];
const COUNTS = [30, 90, 100];

/**
 * The trading partners: manufacturers (labelers, with an NDC prefix 03 + labeler code), then wholesalers, then
 * pharmacies, then pharmacies whose licence lapsed before the chain began. Each has a distinct 7-digit company prefix,
 * a GLN built on it, a licence and an Ed25519 key derived from the seed, so the same seed always registers the same keys.
 */
export function createPartners(seed: string, counts: { manufacturers: number; wholesalers: number; pharmacies: number; lapsedPharmacies?: number }): Partner[] {
  const rng = Prng.from(seed, 'partners');
  const prefixes = new Set<string>();
  const prefix = (lead: string) => {
    for (;;) {
      const p = lead + String(rng.int(100_000)).padStart(PREFIX_LENGTH - lead.length, '0');
      if (!prefixes.has(p)) return prefixes.add(p), p;
    }
  };
  const roles: Role[] = [
    ...Array<Role>(counts.manufacturers).fill('manufacturer'),
    ...Array<Role>(counts.wholesalers).fill('wholesaler'),
    ...Array<Role>(counts.pharmacies + (counts.lapsedPharmacies ?? 0)).fill('dispenser'),
  ];
  const licensed = counts.manufacturers + counts.wholesalers + counts.pharmacies;
  return roles.map((role, index) => {
    const companyPrefix = prefix(role === 'manufacturer' ? '03' : '08');
    const gln = glnOf(companyPrefix);
    const [state, timeZone] = rng.pick(STATES);
    const secret = sha256(`${seed}/key/${index}`);
    const publicJwk: Ed25519PublicJwk = { kty: 'OKP', crv: 'Ed25519', x: base64urlEncode(ed25519.getPublicKey(secret)) };
    const number = String(rng.int(1_000_000)).padStart(6, '0');
    const [name, licence] =
      role === 'manufacturer'
        ? [`${rng.pick(MAKER_WORDS)} ${rng.pick(MAKER_KINDS)} ${index + 1}`, { kind: 'fda-registration' as const, number: `FEI-3${number}`, jurisdiction: 'US' }]
        : role === 'wholesaler'
          ? [`${rng.pick(TRADE_WORDS)} Drug Distribution ${index + 1}`, { kind: 'state-wholesale' as const, number: `WD-${number}`, jurisdiction: `US-${state}` }]
          : [`${rng.pick(STREETS)} Pharmacy ${index + 1}`, { kind: 'state-pharmacy' as const, number: `RX-${number}`, jurisdiction: `US-${state}` }];
    return {
      index,
      gln,
      name,
      role,
      companyPrefix,
      state,
      timeZone,
      party: pglnUri(gln, PREFIX_LENGTH),
      site: sglnUri(gln, '0', PREFIX_LENGTH),
      kid: `${gln}/${jwkThumbprint(publicJwk)}`,
      publicJwk,
      privateJwk: { ...publicJwk, d: base64urlEncode(secret) },
      licence: { ...licence, validFrom: VALID_FROM, ...(index >= licensed && { validUntil: LAPSED_ON }) },
    };
  });
}

/** Each manufacturer's products: NDC-based GTINs (indicator 0, 03, labeler, product, package), named like labels. */
export function createProducts(seed: string, manufacturers: Partner[], perManufacturer: number): Product[] {
  const rng = Prng.from(seed, 'products');
  return manufacturers.flatMap((manufacturer, m) =>
    Array.from({ length: perManufacturer }, (_, p): Product => {
      const [drug, form, strength] = rng.pick(DRUGS);
      const ndc10 = `${manufacturer.companyPrefix.slice(2)}${String(101 + p).padStart(3, '0')}${rng.pick(['01', '05', '10'])}`;
      const gtin = gtinFromNdc(ndc10);
      const count = rng.pick(COUNTS);
      return {
        index: m * perManufacturer + p,
        manufacturer,
        gtin,
        ndc: formatNdc(ndc10, '5-3-2'),
        name: `${drug} ${strength} ${form}s`,
        strength,
        dosageForm: form.toUpperCase(),
        netContent: `${count} ${form}s`,
        sgtinBase: sgtinUriBase(gtin),
        serialKey: rng.next(),
        lotPrefix: String.fromCharCode(65 + rng.int(26), 65 + rng.int(26)),
      };
    }),
  );
}

/** The body of POST /admin/partners (apps/ingest/src/partners/partner.dto.ts) for a partner. */
export function registrationOf(p: Partner) {
  return {
    gln: p.gln,
    name: p.name,
    roles: [p.role],
    keys: [{ kid: p.kid, publicJwk: p.publicJwk, validFrom: VALID_FROM }],
    companyPrefixes: [p.companyPrefix],
    licences: [p.licence],
  };
}

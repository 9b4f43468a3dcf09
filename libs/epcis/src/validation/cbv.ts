/**
 * CBV 2.0 standard vocabularies (GS1 Core Business Vocabulary 2.0, section 7) and the GS1 Web
 * Vocabulary sensor terms EPCIS 2.0 uses. A bare word in an EPCIS 2.0 JSON-LD event must be one of
 * these; anything else must be a full URI. schemas/epcis-capture.schema.json repeats these lists as
 * enums (a unit test keeps the two equal).
 */
export const CBV_BIZ_STEPS: readonly string[] = [
  'accepting', 'arriving', 'assembling', 'collecting', 'commissioning', 'consigning', 'creating_class_instance',
  'cycle_counting', 'decommissioning', 'departing', 'destroying', 'disassembling', 'dispensing', 'encoding',
  'entering_exiting', 'holding', 'inspecting', 'installing', 'killing', 'loading', 'other', 'packing', 'picking',
  'receiving', 'removing', 'repackaging', 'repairing', 'replacing', 'reserving', 'retail_selling', 'sampling',
  'sensor_reporting', 'shipping', 'staging_outbound', 'stock_taking', 'stocking', 'storing', 'transporting',
  'unloading', 'unpacking', 'void_shipping',
];

export const CBV_DISPOSITIONS: readonly string[] = [
  'active', 'available', 'completeness_inferred', 'completeness_verified', 'conformant', 'container_closed',
  'container_open', 'damaged', 'destroyed', 'dispensed', 'disposed', 'encoded', 'expired', 'in_progress',
  'in_transit', 'inactive', 'mismatch_class', 'mismatch_instance', 'mismatch_quantity', 'needs_replacement',
  'no_pedigree_match', 'non_conformant', 'non_sellable_other', 'partially_dispensed', 'recalled', 'reserved',
  'retail_sold', 'returned', 'sellable_accessible', 'sellable_not_accessible', 'stolen', 'unavailable', 'unknown',
];

export const CBV_BIZ_TRANSACTION_TYPES: readonly string[] = [
  'bol', 'cert', 'desadv', 'inv', 'pedigree', 'po', 'poc', 'prodorder', 'recadv', 'rma', 'testprd', 'testres', 'upevt',
];

export const CBV_SOURCE_DEST_TYPES: readonly string[] = ['owning_party', 'possessing_party', 'location'];

export const CBV_ERROR_REASONS: readonly string[] = ['did_not_occur', 'incorrect_data'];

export const CBV_COMPONENTS: readonly string[] = [
  'x', 'y', 'z', 'axial_distance', 'azimuth', 'height', 'spherical_radius', 'polar_angle', 'elevation_angle',
  'easting', 'northing', 'latitude', 'longitude', 'altitude',
];

export const SENSOR_ALERT_TYPES: readonly string[] = ['ALARM_CONDITION', 'ERROR_CONDITION'];

/**
 * gs1:MeasurementType terms. The last two are newer GS1 Web Vocabulary terms than the 2023 EPCIS
 * JSON Schema list; the project accepts them (shared/conformance/epcis-documents/README.md).
 */
export const SENSOR_MEASUREMENT_TYPES: readonly string[] = [
  'AbsoluteHumidity', 'AbsorbedDose', 'AbsorbedDoseRate', 'Acceleration', 'Radioactivity', 'Altitude',
  'AmountOfSubstance', 'AmountOfSubstancePerUnitVolume', 'Angle', 'AngularAcceleration', 'AngularMomentum',
  'AngularVelocity', 'Area', 'Capacitance', 'Conductance', 'Conductivity', 'Count', 'Density', 'Dimensionless',
  'DoseEquivalent', 'DoseEquivalentRate', 'DynamicViscosity', 'ElectricCharge', 'ElectricCurrent',
  'ElectricCurrentDensity', 'ElectricFieldStrength', 'Energy', 'Exposure', 'Force', 'Frequency', 'Illuminance',
  'Inductance', 'Irradiance', 'KinematicViscosity', 'Length', 'LinearMomentum', 'Luminance', 'LuminousFlux',
  'LuminousIntensity', 'MagneticFlux', 'MagneticFluxDensity', 'MagneticVectorPotential', 'Mass',
  'MassConcentration', 'MassFlowRate', 'MassPerAreaTime', 'MemoryCapacity', 'MolalityOfSolute', 'MolarEnergy',
  'MolarMass', 'MolarVolume', 'Power', 'Pressure', 'RadiantFlux', 'RadiantIntensity', 'RelativeHumidity',
  'Resistance', 'Resistivity', 'SolidAngle', 'SpecificVolume', 'Speed', 'SurfaceDensity', 'SurfaceTension',
  'Temperature', 'Time', 'Torque', 'Voltage', 'Volume', 'VolumeFlowRate', 'VolumeFraction', 'VolumetricFlux',
  'Wavenumber', 'Molar_concentration', 'EffectiveDoseRate',
];

export type CbvVocabulary = 'bizStep' | 'disposition' | 'bizTransactionType' | 'sourceDestType' | 'errorReason' | 'component';

interface VocabularySpec {
  terms: ReadonlySet<string>;
  /** URN form (EPCIS 1.2 XML and CBV URN syntax), e.g. urn:epcglobal:cbv:bizstep: */
  urn: string;
  /** Web URI / compact IRI local-name prefix, e.g. BizStep- in https://ref.gs1.org/cbv/BizStep-shipping */
  web: string;
}

const VOCABULARIES: Record<CbvVocabulary, VocabularySpec> = {
  bizStep: { terms: new Set(CBV_BIZ_STEPS), urn: 'urn:epcglobal:cbv:bizstep:', web: 'BizStep-' },
  disposition: { terms: new Set(CBV_DISPOSITIONS), urn: 'urn:epcglobal:cbv:disp:', web: 'Disp-' },
  bizTransactionType: { terms: new Set(CBV_BIZ_TRANSACTION_TYPES), urn: 'urn:epcglobal:cbv:btt:', web: 'BTT-' },
  sourceDestType: { terms: new Set(CBV_SOURCE_DEST_TYPES), urn: 'urn:epcglobal:cbv:sdt:', web: 'SDT-' },
  errorReason: { terms: new Set(CBV_ERROR_REASONS), urn: 'urn:epcglobal:cbv:er:', web: 'ER-' },
  component: { terms: new Set(CBV_COMPONENTS), urn: 'urn:epcglobal:cbv:comp:', web: 'Comp-' },
};

const MEASUREMENT_TYPES = new Set(SENSOR_MEASUREMENT_TYPES);
const ALERT_TYPES = new Set(SENSOR_ALERT_TYPES);
const WEB_CBV = /^(?:https?:\/\/(?:ref|ns)\.gs1\.org\/cbv\/|cbv:)(.*)$/;
const GS1_VOC = /^(?:https?:\/\/(?:www\.)?gs1\.org\/voc\/|https:\/\/ref\.gs1\.org\/voc\/|gs1:)(.*)$/;
/** An absolute URI or compact IRI: a scheme (or prefix), a colon, then no whitespace. */
export const HAS_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/;

/**
 * Why `value` is not an acceptable value of a CBV vocabulary, or undefined when it is: a bare word
 * must be a CBV 2.0 term; a URI in a CBV namespace (URN, ref.gs1.org/cbv web URI or cbv: compact
 * IRI with the vocabulary's prefix) must name a real term; any other URI is a user vocabulary.
 */
export function cbvProblem(vocabulary: CbvVocabulary, value: string): string | undefined {
  const spec = VOCABULARIES[vocabulary];
  if (!value.includes(':')) {
    return spec.terms.has(value) ? undefined : `${JSON.stringify(value)} is not a CBV 2.0 ${vocabulary} term; a custom value must be a full URI`;
  }
  if (!HAS_SCHEME.test(value)) return `${JSON.stringify(value)} is neither a CBV 2.0 term nor a URI`;
  let term: string | undefined;
  if (value.startsWith(spec.urn)) term = value.slice(spec.urn.length);
  else {
    const web = WEB_CBV.exec(value);
    if (web && web[1].startsWith(spec.web)) term = web[1].slice(spec.web.length);
  }
  if (term !== undefined && !spec.terms.has(term)) {
    return `${JSON.stringify(value)} is in the CBV namespace but ${JSON.stringify(term)} is not a CBV 2.0 ${vocabulary} term`;
  }
  return undefined;
}

/** The same for sensor report `type` (gs1:MeasurementType) and `exception` (gs1:SensorAlertType). */
export function sensorTermProblem(kind: 'measurementType' | 'alertType', value: string): string | undefined {
  const terms = kind === 'measurementType' ? MEASUREMENT_TYPES : ALERT_TYPES;
  if (!value.includes(':')) {
    return terms.has(value) ? undefined : `${JSON.stringify(value)} is not a GS1 ${kind} term; a custom value must be a full URI`;
  }
  if (!HAS_SCHEME.test(value)) return `${JSON.stringify(value)} is neither a GS1 ${kind} term nor a URI`;
  const voc = GS1_VOC.exec(value);
  if (voc && !terms.has(voc[1])) return `${JSON.stringify(value)} is in the GS1 Web Vocabulary namespace but is not a ${kind} term`;
  return undefined;
}
